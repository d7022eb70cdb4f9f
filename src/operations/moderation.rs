//! `ops:moderation:write`: accept, reject and invalidate PIREPs; ban and
//! unban pilots; approve or reject registrations and transfers.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::crud;
use crate::auth::OpsCaller;
use crate::domain::pilot::PilotState;
use crate::domain::pirep::PirepAction;
use crate::domain::PirepId;
use crate::http::extract::{Data, OptionalJson, Path};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::pilots::{self, Pilot};
use crate::storage::pireps::{Pirep, TransitionError};
use crate::storage::registrations::{Registration, Transfer};
use crate::storage::resource::Resource;
use crate::storage::{airlines, Db, Tx};

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
            TransitionError::Illegal(illegal) => {
                ApiError::conflict(illegal.to_string()).with("state", json!(illegal.from.as_str()))
            }
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

async fn set_pilot_state(
    db: &Db,
    caller: &OpsCaller,
    id: i64,
    state: PilotState,
) -> Result<(), ApiError> {
    let mut conn = db.writer().acquire().await?;
    if !pilots::set_state(&mut conn, caller.org, id, state).await? {
        return Err(ApiError::not_found(format!("no pilot with id {id}")));
    }
    Ok(())
}

pub async fn ban(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<Pilot>, ApiError> {
    set_pilot_state(&state.db, &caller, id, PilotState::Banned).await?;
    Ok(Data { data: crud::fetch::<Pilot>(&state, caller.org, id).await? })
}

pub async fn unban(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<Pilot>, ApiError> {
    let pilot = crud::fetch::<Pilot>(&state, caller.org, id).await?;
    if pilot.state != PilotState::Banned {
        return Err(ApiError::conflict(format!("the pilot is {}, not banned", pilot.state)));
    }
    set_pilot_state(&state.db, &caller, id, PilotState::Active).await?;
    Ok(Data { data: crud::fetch::<Pilot>(&state, caller.org, id).await? })
}

/// Starts deciding a pending request (a registration or a transfer): the
/// request as it was, and the transaction in which it is now decided; 409 if
/// it was decided already.
async fn decide_request<R: Resource>(
    state: &AppState,
    caller: &OpsCaller,
    id: i64,
    status: &str,
) -> Result<(R, Tx), ApiError> {
    let request = crud::fetch::<R>(state, caller.org, id).await?;
    let mut tx = state.db.begin().await?;
    if !crate::storage::registrations::decide::<R>(&mut tx, caller.org, id, status).await? {
        return Err(ApiError::conflict("this request is not pending: it was decided already"));
    }
    Ok((request, tx))
}

/// Rejects a pending registration or transfer.
pub async fn reject_request<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<R>, ApiError> {
    let (_, tx) = decide_request::<R>(&state, &caller, id, "rejected").await?;
    tx.commit().await?;
    Ok(Data { data: crud::fetch::<R>(&state, caller.org, id).await? })
}

/// Approving a registration creates the pilot, in the org's first airline.
pub async fn approve_registration(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<Registration>, ApiError> {
    let (registration, mut tx) =
        decide_request::<Registration>(&state, &caller, id, "approved").await?;
    let airline = airlines::first(&mut tx, caller.org)
        .await?
        .ok_or_else(|| ApiError::conflict("the organisation has no airline to add pilots to"))?;
    let number = pilots::next_number(&mut tx, airline.id).await?;
    // The pilot sets a password through the pilot pages; until then nothing matches.
    let unusable = format!("!{}", crate::security::new_token("").expose());
    let new = pilots::NewPilot {
        airline: airline.id,
        airline_icao: &airline.icao,
        number,
        first_name: &registration.first_name,
        last_name: &registration.last_name,
        email: &registration.email,
        password_hash: &unusable,
        state: PilotState::Active,
        rank: None,
        hub: registration.hub_id,
        airport: None,
    };
    let pilot = pilots::create(&mut tx, caller.org, &new).await?;
    crate::storage::registrations::link_pilot(&mut tx, caller.org, id, pilot).await?;
    tx.commit().await?;
    Ok(Data { data: crud::fetch::<Registration>(&state, caller.org, id).await? })
}

/// Approving a transfer moves the pilot to the hub asked for.
pub async fn approve_transfer(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<Transfer>, ApiError> {
    let (transfer, mut tx) = decide_request::<Transfer>(&state, &caller, id, "approved").await?;
    let (pilot, hub) = (transfer.pilot_id.0, Some(transfer.to_hub_id.0));
    pilots::set_link(&mut tx, caller.org, pilot, pilots::PilotLink::Hub, hub).await?;
    tx.commit().await?;
    Ok(Data { data: crud::fetch::<Transfer>(&state, caller.org, id).await? })
}
