//! People applying to join, and pilots asking to move hub.

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
    const TABLE: &'static str = "registrations";
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
    const TABLE: &'static str = "transfers";
    const COLUMNS: &'static str = "id, pilot_id, to_hub_id, reason, status, decided_at, created_at";
    const ORDER: Order = Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("status", "status", FilterKind::Text), ("pilot_id", "pilot_id", FilterKind::Int)];
}
