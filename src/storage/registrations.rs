//! People applying to join, and pilots asking to move hub.

use super::Table;
use serde::Serialize;

use super::page::Order;
use super::resource::{keyed, FilterKind, Resource};
use crate::domain::{HubId, PilotId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Registration {
    pub id: RegistrationId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub hub_id: Option<HubId>,
    pub status: String,
    pub pilot_id: Option<PilotId>,
    pub decided_at: Option<String>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type, utoipa::ToSchema)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct RegistrationId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type, utoipa::ToSchema)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct TransferId(pub i64);

keyed!(Registration, Transfer);

impl Resource for Registration {
    const TABLE: Table = Table::Registrations;
    const COLUMNS: &'static str =
        "id, first_name, last_name, email, hub_id, status, pilot_id, decided_at, created_at";
    const ORDER: Order = Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("status", "status", FilterKind::Text)];
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Transfer {
    pub id: TransferId,
    pub pilot_id: PilotId,
    pub to_hub_id: HubId,
    pub reason: String,
    pub status: String,
    pub decided_at: Option<String>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}

impl Resource for Transfer {
    const TABLE: Table = Table::Transfers;
    const COLUMNS: &'static str = "id, pilot_id, to_hub_id, reason, status, decided_at, created_at";
    const ORDER: Order = Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("status", "status", FilterKind::Text), ("pilot_id", "pilot_id", FilterKind::Int)];
}

/// Decides a pending registration or transfer (`R`'s table); false when it
/// was decided already.
pub async fn decide<R: Resource>(
    conn: &mut sqlx::AnyConnection,
    org: crate::domain::OrgId,
    id: i64,
    status: &str,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(&format!(
        "UPDATE {} SET status = $1, decided_at = $2 \
         WHERE org_id = $3 AND id = $4 AND status = 'pending'",
        R::TABLE
    ))
    .bind(status)
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// The pilot an approved registration became.
pub async fn link_pilot(
    conn: &mut sqlx::AnyConnection,
    org: crate::domain::OrgId,
    id: i64,
    pilot: PilotId,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE registrations SET pilot_id = $1 WHERE org_id = $2 AND id = $3")
        .bind(pilot.0)
        .bind(org.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
