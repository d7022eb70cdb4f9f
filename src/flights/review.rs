//! Staff review of filed flights: accept, reject (with a reason) and
//! invalidate, each one transaction with its comment and its event
//! (`flight.approved`, `flight.rejected`), whichever surface decides.

use serde_json::json;

use crate::domain::pirep::{PirepAction, PirepState};
use crate::domain::{OrgId, PirepId};
use crate::storage::pireps::{self, TransitionError};
use crate::storage::{outbox, Db};

#[derive(Debug)]
pub enum ReviewError {
    /// A rejection says why.
    ReasonRequired,
    ReasonTooLong,
    Transition(TransitionError),
}

impl From<sqlx::Error> for ReviewError {
    fn from(error: sqlx::Error) -> ReviewError {
        ReviewError::Transition(TransitionError::Database(error))
    }
}

/// Moves a filed PIREP on by `action`, noting `reason` as a comment by
/// `actor`, and emits the decision's event.
pub async fn decide(
    db: &Db,
    org: OrgId,
    id: PirepId,
    action: PirepAction,
    reason: Option<&str>,
    actor: &str,
) -> Result<PirepState, ReviewError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if action == PirepAction::Reject && reason.is_none() {
        return Err(ReviewError::ReasonRequired);
    }
    if reason.is_some_and(|r| r.len() > 2_000) {
        return Err(ReviewError::ReasonTooLong);
    }
    let mut tx = db.begin().await?;
    let (_, to) =
        pireps::apply(&mut tx, org, id, action, reason).await.map_err(ReviewError::Transition)?;
    if let Some(reason) = reason {
        pireps::add_comment(&mut tx, org, id, actor, reason).await?;
    }
    let event = match to {
        PirepState::Accepted => Some("flight.approved"),
        PirepState::Rejected => Some("flight.rejected"),
        _ => None,
    };
    if let Some(event) = event {
        let data =
            json!({ "pirep_id": id.0, "status": to.as_str(), "reason": reason, "by": actor });
        outbox::emit(&mut tx, org, event, data).await?;
    }
    tx.commit().await?;
    Ok(to)
}
