//! Schedules (the seed's "routes"): flights an org offers.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource};
use crate::domain::{AirlineId, AirportId, OrgId, ScheduleId, SubfleetId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Schedule {
    pub id: ScheduleId,
    pub airline_id: AirlineId,
    pub flight_number: String,
    pub departure_airport_id: AirportId,
    pub arrival_airport_id: AirportId,
    pub route: String,
    pub flight_level: i64,
    pub distance_nm: f64,
    pub departure_time: Option<String>,
    pub arrival_time: Option<String>,
    pub flight_minutes: i64,
    pub days_of_week: String,
    pub flight_type: String,
    pub notes: String,
    #[sqlx(try_from = "i64")]
    pub active: super::Flag,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Schedule);

impl Resource for Schedule {
    const TABLE: Table = Table::Schedules;
    const COLUMNS: &'static str = "id, airline_id, flight_number, departure_airport_id, \
         arrival_airport_id, route, flight_level, distance_nm, departure_time, arrival_time, \
         flight_minutes, days_of_week, flight_type, notes, active, created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("departure_airport_id", "departure_airport_id", FilterKind::Int),
        ("arrival_airport_id", "arrival_airport_id", FilterKind::Int),
        ("airline_id", "airline_id", FilterKind::Int),
    ];
}

pub struct NewSchedule<'a> {
    pub airline: AirlineId,
    pub flight_number: &'a str,
    pub departure: AirportId,
    pub arrival: AirportId,
    pub route: &'a str,
    pub flight_level: i64,
    pub distance_nm: f64,
    pub departure_time: Option<&'a str>,
    pub arrival_time: Option<&'a str>,
    pub flight_minutes: i64,
    pub days_of_week: &'a str,
    /// `P` passenger or `C` cargo.
    pub flight_type: &'a str,
    pub notes: &'a str,
    pub subfleets: &'a [SubfleetId],
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewSchedule<'_>,
) -> Result<ScheduleId, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO schedules (org_id, airline_id, flight_number, departure_airport_id, \
         arrival_airport_id, route, flight_level, distance_nm, departure_time, arrival_time, \
         flight_minutes, days_of_week, flight_type, notes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(org.0)
    .bind(new.airline.0)
    .bind(new.flight_number)
    .bind(new.departure.0)
    .bind(new.arrival.0)
    .bind(new.route)
    .bind(new.flight_level)
    .bind(new.distance_nm)
    .bind(new.departure_time)
    .bind(new.arrival_time)
    .bind(new.flight_minutes)
    .bind(new.days_of_week)
    .bind(new.flight_type)
    .bind(new.notes)
    .bind(Timestamp::now().to_db())
    .fetch_one(&mut *conn)
    .await?;
    for subfleet in new.subfleets {
        sqlx::query(
            "INSERT INTO schedule_subfleets (org_id, schedule_id, subfleet_id) VALUES ($1, $2, $3)",
        )
        .bind(org.0)
        .bind(id)
        .bind(subfleet.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(ScheduleId(id))
}
