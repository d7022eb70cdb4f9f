//! The fleet: subfleets (aircraft types with capacities and a minimum rank)
//! and the aircraft in them.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource};
use crate::domain::{AircraftId, AirlineId, AirportId, OrgId, RankId, SubfleetId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Subfleet {
    pub id: SubfleetId,
    pub airline_id: AirlineId,
    pub type_code: String,
    pub name: String,
    pub passengers: i64,
    pub cargo_kg: i64,
    pub min_rank_id: Option<RankId>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Subfleet);

impl Resource for Subfleet {
    const TABLE: Table = Table::Subfleets;
    const COLUMNS: &'static str =
        "id, airline_id, type_code, name, passengers, cargo_kg, min_rank_id, created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("airline_id", "airline_id", FilterKind::Int)];
}

pub struct NewSubfleet<'a> {
    pub airline: AirlineId,
    pub type_code: &'a str,
    pub name: &'a str,
    pub passengers: i64,
    pub cargo_kg: i64,
    pub min_rank: Option<RankId>,
}

pub async fn create_subfleet(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewSubfleet<'_>,
) -> Result<SubfleetId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO subfleets (org_id, airline_id, type_code, name, passengers, cargo_kg, min_rank_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(org.0)
    .bind(new.airline.0)
    .bind(new.type_code)
    .bind(new.name)
    .bind(new.passengers)
    .bind(new.cargo_kg)
    .bind(new.min_rank.map(|r| r.0))
    .bind(Timestamp::now().to_db())
    .fetch_one(conn)
    .await
    .map(SubfleetId)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Aircraft {
    pub id: AircraftId,
    pub subfleet_id: SubfleetId,
    pub registration: String,
    pub name: String,
    pub icao: String,
    pub status: String,
    pub airport_id: Option<AirportId>,
    pub airframe_hours: f64,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Aircraft);

impl Resource for Aircraft {
    const TABLE: Table = Table::Aircraft;
    const COLUMNS: &'static str =
        "id, subfleet_id, registration, name, icao, status, airport_id, airframe_hours, created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("subfleet_id", "subfleet_id", FilterKind::Int),
        ("airport_id", "airport_id", FilterKind::Int),
        ("status", "status", FilterKind::Text),
    ];
}

pub struct NewAircraft<'a> {
    pub subfleet: SubfleetId,
    pub registration: &'a str,
    pub name: &'a str,
    pub icao: &'a str,
    pub airport: Option<AirportId>,
    pub airframe_hours: f64,
}

pub async fn create_aircraft(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewAircraft<'_>,
) -> Result<AircraftId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO aircraft (org_id, subfleet_id, registration, name, icao, airport_id, airframe_hours, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(org.0)
    .bind(new.subfleet.0)
    .bind(new.registration.to_ascii_uppercase())
    .bind(new.name)
    .bind(new.icao)
    .bind(new.airport.map(|a| a.0))
    .bind(new.airframe_hours)
    .bind(Timestamp::now().to_db())
    .fetch_one(conn)
    .await
    .map(AircraftId)
}
