//! Hubs: the airports pilots are based at.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, Resource};
use crate::domain::{AirportId, HubId, OrgId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Hub {
    pub id: HubId,
    pub name: String,
    pub airport_id: AirportId,
    pub airport_icao: String,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Hub);

impl Resource for Hub {
    const TABLE: Table = Table::Hubs;
    const FROM: &'static str = "hubs JOIN airports ON airports.id = hubs.airport_id";
    const COLUMNS: &'static str = "hubs.id, hubs.name, hubs.airport_id, \
         airports.icao AS airport_icao, hubs.created_at";
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    airport: AirportId,
    name: &str,
) -> Result<HubId, sqlx::Error> {
    use super::resource::{insert, Value};
    let row = [
        ("airport_id", Value::Int(airport.0)),
        ("name", Value::text(name)),
        ("created_at", Value::now()),
    ];
    insert(conn, org, Table::Hubs, &row).await.map(HubId)
}
