//! Schedules (the seed's "routes"): flights an org offers.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource};
use crate::domain::{AirlineId, AirportId, OrgId, ScheduleId, SubfleetId, Timestamp};

/// A route, with vAMSYS's field names.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Schedule {
    pub id: ScheduleId,
    pub airline_id: AirlineId,
    pub flight_number: String,
    /// The callsign flown, when it is not the flight number.
    pub callsign: Option<String>,
    #[serde(rename = "departure_id")]
    pub departure_airport_id: AirportId,
    #[serde(rename = "arrival_id")]
    pub arrival_airport_id: AirportId,
    /// The routing (a reusable route string) this route flies, if any.
    pub routing_id: Option<i64>,
    pub route: String,
    #[serde(skip)]
    pub flight_level: i64,
    /// Cruise altitude in feet.
    pub altitude: i64,
    pub cost_index: Option<String>,
    pub distance_nm: f64,
    pub departure_time: Option<String>,
    pub arrival_time: Option<String>,
    pub flight_minutes: i64,
    /// Days it flies: digits 1 (Monday) to 7.
    #[serde(rename = "service_days")]
    pub days_of_week: String,
    /// First and last day it is offered (`YYYY-MM-DD`), when bounded.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// `P` passenger or `C` cargo.
    #[serde(rename = "type")]
    pub flight_type: String,
    /// Remarks pilots see.
    #[serde(rename = "remarks")]
    pub notes: String,
    /// Remarks only staff see.
    pub internal_remarks: Option<String>,
    pub tag: Option<String>,
    /// Hidden from pilots' route search.
    #[sqlx(try_from = "i64")]
    pub hidden: super::Flag,
    #[sqlx(try_from = "i64")]
    pub active: super::Flag,
    /// The fleets (subfleets) that may fly it.
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<i64>)]
    pub fleet_ids: IdList,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Schedule);

/// Ids read from a comma-separated aggregate.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IdList(pub Vec<i64>);

impl TryFrom<String> for IdList {
    type Error = std::num::ParseIntError;

    fn try_from(text: String) -> Result<IdList, Self::Error> {
        text.split(',')
            .filter(|id| !id.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(IdList)
    }
}

impl Resource for Schedule {
    const TABLE: Table = Table::Schedules;
    const COLUMNS: &'static str = "id, airline_id, flight_number, callsign, departure_airport_id, \
         arrival_airport_id, routing_id, route, flight_level, flight_level * 100 AS altitude, \
         cost_index, distance_nm, departure_time, arrival_time, flight_minutes, days_of_week, \
         start_date, end_date, flight_type, notes, internal_remarks, tag, hidden, active, \
         COALESCE((SELECT string_agg(CAST(f.subfleet_id AS TEXT), ',' ORDER BY f.subfleet_id) \
         FROM schedule_subfleets f WHERE f.schedule_id = schedules.id), '') AS fleet_ids, \
         created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("departure_id", "departure_airport_id", FilterKind::Int),
        ("arrival_id", "arrival_airport_id", FilterKind::Int),
        ("airline_id", "airline_id", FilterKind::Int),
        ("flight_number", "flight_number", FilterKind::Text),
        ("tag", "tag", FilterKind::Text),
        ("routing_id", "routing_id", FilterKind::Int),
    ];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("flight_number", "flight_number"),
        ("departure_time", "COALESCE(departure_time, '')"),
        ("created_at", "created_at"),
        ("distance_nm", "distance_nm"),
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
