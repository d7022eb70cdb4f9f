//! Airports an org flies to.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource};
use crate::domain::{AirportId, OrgId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Airport {
    pub id: AirportId,
    /// The airline that uses it; none: the whole organisation's.
    pub airline_id: Option<crate::domain::AirlineId>,
    pub icao: String,
    pub iata: Option<String>,
    pub name: String,
    pub city: Option<String>,
    pub country: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    /// The airline's own grouping of its airports (e.g. `main`, `seasonal`).
    pub category: Option<String>,
    /// Whether a hub of the org is based here.
    #[sqlx(try_from = "i64")]
    pub base: super::Flag,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Airport);

impl Resource for Airport {
    const TABLE: Table = Table::Airports;
    const COLUMNS: &'static str =
        "id, airline_id, icao, iata, name, city, country, latitude, longitude, \
         category, CASE WHEN EXISTS (SELECT 1 FROM hubs h WHERE h.airport_id = airports.id) \
         THEN 1 ELSE 0 END AS base, created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("icao", "icao", FilterKind::Text),
        ("iata", "iata", FilterKind::Text),
        ("category", "category", FilterKind::Text),
        ("country", "country", FilterKind::Text),
        ("airline_id", "airline_id", FilterKind::Int),
    ];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "name"), ("icao", "icao"), ("created_at", "created_at")];
}

pub struct NewAirport<'a> {
    pub icao: &'a str,
    pub iata: Option<&'a str>,
    pub name: &'a str,
    pub city: Option<&'a str>,
    pub country: Option<&'a str>,
    pub latitude: f64,
    pub longitude: f64,
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewAirport<'_>,
) -> Result<AirportId, sqlx::Error> {
    use super::resource::{insert, Value};
    let row = [
        ("icao", Value::text(new.icao.to_ascii_uppercase())),
        ("iata", Value::opt_text(new.iata)),
        ("name", Value::text(new.name)),
        ("city", Value::opt_text(new.city)),
        ("country", Value::opt_text(new.country)),
        ("latitude", Value::Float(new.latitude)),
        ("longitude", Value::Float(new.longitude)),
        ("created_at", Value::now()),
    ];
    insert(conn, org, Table::Airports, &row).await.map(AirportId)
}
