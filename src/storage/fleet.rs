//! The fleet: subfleets (aircraft types with capacities and a minimum rank)
//! and the aircraft in them.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{insert, keyed, FilterKind, Resource, Value};
use crate::domain::{AircraftId, AirlineId, AirportId, OrgId, RankId, SubfleetId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Subfleet {
    pub id: SubfleetId,
    pub airline_id: AirlineId,
    /// The ICAO type code, such as A320.
    #[serde(rename = "code")]
    pub type_code: String,
    pub name: String,
    /// pax, cargo, or another word the airline uses.
    #[serde(rename = "type")]
    pub fleet_type: String,
    #[serde(rename = "max_pax")]
    pub passengers: i64,
    /// Cargo capacity in kg.
    #[serde(rename = "max_cargo")]
    pub cargo_kg: i64,
    /// Cargo container units it carries.
    pub container_units: i64,
    /// Kept off vAMSYS's dispatch screen (Phoenix); Airside stores it for
    /// the clients that set it.
    #[sqlx(try_from = "i64")]
    pub hide_in_phoenix: super::Flag,
    pub min_rank_id: Option<RankId>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Subfleet);

impl Resource for Subfleet {
    const TABLE: Table = Table::Subfleets;
    const COLUMNS: &'static str = "id, airline_id, type_code, name, fleet_type, passengers, \
         cargo_kg, container_units, hide_in_phoenix, min_rank_id, created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("airline_id", "airline_id", FilterKind::Int),
        ("code", "type_code", FilterKind::Text),
        ("type", "fleet_type", FilterKind::Text),
    ];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "name"), ("code", "type_code"), ("created_at", "created_at")];
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
    let row = [
        ("airline_id", Value::Int(new.airline.0)),
        ("type_code", Value::text(new.type_code)),
        ("name", Value::text(new.name)),
        ("passengers", Value::Int(new.passengers)),
        ("cargo_kg", Value::Int(new.cargo_kg)),
        ("min_rank_id", Value::opt_int(new.min_rank.map(|r| r.0))),
        ("created_at", Value::now()),
    ];
    insert(conn, org, Table::Subfleets, &row).await.map(SubfleetId)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Aircraft {
    pub id: AircraftId,
    /// The fleet (subfleet) it belongs to.
    #[serde(rename = "fleet_id")]
    pub subfleet_id: SubfleetId,
    pub registration: String,
    pub name: String,
    pub icao: String,
    pub status: String,
    /// Whether it may be flown: its status is `active`.
    #[sqlx(try_from = "i64")]
    pub serviceable: super::Flag,
    pub airport_id: Option<AirportId>,
    pub airframe_hours: f64,
    pub selcal: Option<String>,
    pub fin_number: Option<String>,
    pub hexcode: Option<String>,
    pub passengers: Option<i64>,
    pub cargo: Option<i64>,
    pub internal_remarks: Option<String>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Aircraft);

impl Resource for Aircraft {
    const TABLE: Table = Table::Aircraft;
    const COLUMNS: &'static str = "id, subfleet_id, registration, name, icao, status, \
         CASE WHEN status = 'active' THEN 1 ELSE 0 END AS serviceable, airport_id, \
         airframe_hours, selcal, fin_number, hexcode, passengers, cargo, internal_remarks, \
         created_at";
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("registration", "registration"), ("name", "name"), ("created_at", "created_at")];
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("fleet_id", "subfleet_id", FilterKind::Int),
        ("registration", "registration", FilterKind::Text),
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
    let row = [
        ("subfleet_id", Value::Int(new.subfleet.0)),
        ("registration", Value::text(new.registration.to_ascii_uppercase())),
        ("name", Value::text(new.name)),
        ("icao", Value::text(new.icao)),
        ("airport_id", Value::opt_int(new.airport.map(|a| a.0))),
        ("airframe_hours", Value::Float(new.airframe_hours)),
        ("created_at", Value::now()),
    ];
    insert(conn, org, Table::Aircraft, &row).await.map(AircraftId)
}
