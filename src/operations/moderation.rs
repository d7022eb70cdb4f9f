//! `ops:moderation:write`: accept, reject and invalidate PIREPs; ban and
//! unban pilots; approve or reject registrations and transfers.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::crud;
use crate::auth::OpsCaller;
use crate::domain::pirep::PirepAction;
use crate::domain::PirepId;
use crate::http::extract::{Data, OptionalJson, Path};
use crate::http::ApiError;
use crate::membership::{self, MembershipError};
use crate::state::AppState;
use crate::storage::pilots::Pilot;
use crate::storage::pireps::{Pirep, TransitionError};
use crate::storage::registrations::{Registration, Transfer};
use crate::storage::resource::Resource;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Why; required to reject.
    reason: Option<String>,
}

impl From<TransitionError> for ApiError {
    fn from(error: TransitionError) -> Self {
        match error {
            TransitionError::NotFound => ApiError::not_found("no such PIREP"),
            TransitionError::Illegal(illegal) => ApiError::conflict(illegal.to_string())
                .with("pirep_status", json!(illegal.from.as_str())),
            TransitionError::Database(db) => db.into(),
        }
    }
}

/// A staff decision on a PIREP, through the one review use case.
async fn decide(
    state: &AppState,
    caller: &OpsCaller,
    id: i64,
    action: PirepAction,
    reason: Option<String>,
) -> Result<Data<Pirep>, ApiError> {
    use crate::flights::review::{self, ReviewError};
    let (org, actor) = (caller.org, caller.actor());
    match review::decide(&state.db, org, PirepId(id), action, reason.as_deref(), &actor).await {
        Ok(_) => Ok(Data { data: crud::fetch::<Pirep>(state, caller.org, id).await? }),
        Err(ReviewError::ReasonRequired) => {
            Err(ApiError::invalid_field("reason", "say why the PIREP is rejected"))
        }
        Err(ReviewError::ReasonTooLong) => {
            Err(ApiError::invalid_field("reason", "must be at most 2,000 characters"))
        }
        Err(ReviewError::Transition(error)) => Err(error.into()),
    }
}

pub async fn accept(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
    OptionalJson(body): OptionalJson<Decision>,
) -> Result<Data<Pirep>, ApiError> {
    let reason = body.and_then(|d| d.reason);
    decide(&state, &caller, id, PirepAction::Accept, reason).await
}

pub async fn reject(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
    OptionalJson(body): OptionalJson<Decision>,
) -> Result<Data<Pirep>, ApiError> {
    let reason = body.and_then(|d| d.reason);
    decide(&state, &caller, id, PirepAction::Reject, reason).await
}

pub async fn invalidate(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
    OptionalJson(body): OptionalJson<Decision>,
) -> Result<Data<Pirep>, ApiError> {
    let reason = body.and_then(|d| d.reason);
    decide(&state, &caller, id, PirepAction::Invalidate, reason).await
}

impl From<MembershipError> for ApiError {
    fn from(error: MembershipError) -> ApiError {
        match error {
            MembershipError::NotFound => ApiError::not_found("no such pilot or request"),
            MembershipError::NotBanned(state) => {
                ApiError::conflict(format!("the pilot is {state}, not banned"))
            }
            MembershipError::Decided => {
                ApiError::conflict("this request is not pending: it was decided already")
            }
            MembershipError::NoAirline => {
                ApiError::conflict("the organisation has no airline to add pilots to")
            }
            MembershipError::Database(e) => e.into(),
        }
    }
}

pub async fn ban(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<Pilot>, ApiError> {
    membership::ban(&state.db, caller.org, id).await?;
    Ok(Data { data: crud::fetch::<Pilot>(&state, caller.org, id).await? })
}

pub async fn unban(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<Pilot>, ApiError> {
    membership::unban(&state.db, caller.org, id).await?;
    Ok(Data { data: crud::fetch::<Pilot>(&state, caller.org, id).await? })
}

/// Rejects a pending registration or transfer.
pub async fn reject_request<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<R>, ApiError> {
    membership::reject::<R>(&state.db, caller.org, id).await?;
    Ok(Data { data: crud::fetch::<R>(&state, caller.org, id).await? })
}

/// Approving a registration creates the pilot, in the org's first airline.
pub async fn approve_registration(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<Registration>, ApiError> {
    membership::approve_registration(&state.db, caller.org, id).await?;
    Ok(Data { data: crud::fetch::<Registration>(&state, caller.org, id).await? })
}

/// Approving a transfer moves the pilot to the hub asked for.
pub async fn approve_transfer(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<Transfer>, ApiError> {
    membership::approve_transfer(&state.db, caller.org, id).await?;
    Ok(Data { data: crud::fetch::<Transfer>(&state, caller.org, id).await? })
}
