//! ACARS settings staff manage: the org's auto-accept rule for PIREPs, and
//! issuing a pilot a new ACARS API key (shown once; the old ones stop
//! working). Both audited.

use crate::storage::Table;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::json;

use crate::auth::Staff;
use crate::domain::staff::Permission::{ApiSettingsManage, ApiSettingsView};
use crate::domain::PilotId;
use crate::http::extract::{Data, Json, Path};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::orgs::{self, AutoAcceptRule};
use crate::storage::{pilots, resource};

pub async fn auto_accept(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Data<AutoAcceptRule>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    Ok(Data { data: orgs::auto_accept_rule(&state.db, staff.org.id).await? })
}

pub async fn set_auto_accept(
    State(state): State<AppState>,
    staff: Staff,
    Json(rule): Json<AutoAcceptRule>,
) -> Result<Data<AutoAcceptRule>, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    if rule.max_landing_rate.is_some_and(|r| !r.is_finite() || !(0.0..=5_000.0).contains(&r)) {
        return Err(ApiError::invalid_field("max_landing_rate", "must be 0-5,000 ft/min"));
    }
    let mut tx = state.db.begin().await?;
    if let Some(rank) = rule.min_rank_id {
        if !resource::exists(&mut tx, staff.org.id, Table::Ranks, rank).await? {
            return Err(ApiError::invalid_field("min_rank_id", format!("no rank with id {rank}")));
        }
    }
    orgs::set_auto_accept_rule(&mut tx, staff.org.id, &rule).await?;
    let id = staff.org.id.0.to_string();
    staff.audit(&mut tx, "acars.auto_accept.set", "org", &id, json!(rule)).await?;
    tx.commit().await?;
    Ok(Data { data: rule })
}

/// A new key with its value: the only answer that carries it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PilotKeyOnce {
    pilot_id: i64,
    key: String,
}

pub async fn issue_pilot_key(
    State(state): State<AppState>,
    staff: Staff,
    Path(pilot): Path<i64>,
) -> Result<(StatusCode, Data<PilotKeyOnce>), ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut tx = state.db.begin().await?;
    if !resource::exists(&mut tx, staff.org.id, Table::Pilots, pilot).await? {
        return Err(ApiError::not_found(format!("no pilot with id {pilot}")));
    }
    let key = pilots::regenerate_api_key(&mut tx, staff.org.id, PilotId(pilot), "Issued by staff")
        .await?;
    staff.audit(&mut tx, "pilot.api_key.issued", "pilot", &pilot.to_string(), json!({})).await?;
    tx.commit().await?;
    let data = PilotKeyOnce { pilot_id: pilot, key: key.expose().to_string() };
    Ok((StatusCode::CREATED, Data { data }))
}
