//! Airlines within an org (an org may fly several brands).

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, Resource};
use crate::domain::{AirlineId, OrgId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Airline {
    pub id: AirlineId,
    pub code: String,
    pub icao: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Airline);

impl Resource for Airline {
    const TABLE: Table = Table::Airlines;
    const COLUMNS: &'static str = "id, code, icao, name, created_at";
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    code: &str,
    icao: &str,
    name: &str,
) -> Result<AirlineId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO airlines (org_id, code, icao, name, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org.0)
    .bind(code)
    .bind(icao.to_ascii_uppercase())
    .bind(name)
    .bind(Timestamp::now().to_db())
    .fetch_one(conn)
    .await
    .map(AirlineId)
}

pub async fn by_icao(
    conn: &mut AnyConnection,
    org: OrgId,
    icao: &str,
) -> Result<Option<Airline>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code, icao, name, created_at FROM airlines WHERE org_id = $1 AND icao = $2",
    )
    .bind(org.0)
    .bind(icao.to_ascii_uppercase())
    .fetch_optional(conn)
    .await
}

/// The org's first airline (where new pilots go by default).
pub async fn first(conn: &mut AnyConnection, org: OrgId) -> Result<Option<Airline>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code, icao, name, created_at FROM airlines WHERE org_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(org.0)
    .fetch_optional(conn)
    .await
}
