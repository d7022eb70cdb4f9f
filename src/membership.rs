//! Who flies for an org: registrations and transfers decided by staff, bans
//! lifted or imposed. Each one transaction, whichever surface decides (the
//! Operations API today).

use crate::domain::pilot::PilotState;
use crate::domain::OrgId;
use crate::storage::pilots::{self, Pilot};
use crate::storage::registrations::{self, Registration, Transfer};
use crate::storage::resource::{self, Resource};
use crate::storage::{airlines, Db};

#[derive(Debug)]
pub enum MembershipError {
    NotFound,
    /// Unbanning a pilot who is not banned: their state.
    NotBanned(PilotState),
    /// The request was decided already.
    Decided,
    /// The org has no airline to add pilots to.
    NoAirline,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for MembershipError {
    fn from(error: sqlx::Error) -> MembershipError {
        MembershipError::Database(error)
    }
}

async fn set_state(db: &Db, org: OrgId, id: i64, state: PilotState) -> Result<(), MembershipError> {
    let mut conn = db.writer().acquire().await?;
    match pilots::set_state(&mut conn, org, id, state).await? {
        true => Ok(()),
        false => Err(MembershipError::NotFound),
    }
}

pub async fn ban(db: &Db, org: OrgId, id: i64) -> Result<(), MembershipError> {
    set_state(db, org, id, PilotState::Banned).await
}

pub async fn unban(db: &Db, org: OrgId, id: i64) -> Result<(), MembershipError> {
    let pilot = resource::get::<Pilot>(db, org, id).await?.ok_or(MembershipError::NotFound)?;
    if pilot.state != PilotState::Banned {
        return Err(MembershipError::NotBanned(pilot.state));
    }
    set_state(db, org, id, PilotState::Active).await
}

/// Decides a pending request (`R`: a registration or a transfer), then does
/// what the decision means in the same transaction.
async fn decide<R: Resource>(
    db: &Db,
    org: OrgId,
    id: i64,
    status: &str,
) -> Result<(R, crate::storage::Tx), MembershipError> {
    let request = resource::get::<R>(db, org, id).await?.ok_or(MembershipError::NotFound)?;
    let mut tx = db.begin().await?;
    if !registrations::decide::<R>(&mut tx, org, id, status).await? {
        return Err(MembershipError::Decided);
    }
    Ok((request, tx))
}

pub async fn reject<R: Resource>(db: &Db, org: OrgId, id: i64) -> Result<(), MembershipError> {
    let (_, tx) = decide::<R>(db, org, id, "rejected").await?;
    tx.commit().await?;
    Ok(())
}

/// Approving a registration creates the pilot, in the org's first airline.
pub async fn approve_registration(db: &Db, org: OrgId, id: i64) -> Result<(), MembershipError> {
    let (registration, mut tx) = decide::<Registration>(db, org, id, "approved").await?;
    let airline = airlines::first(&mut tx, org).await?.ok_or(MembershipError::NoAirline)?;
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
    let pilot = pilots::create(&mut tx, org, &new).await?;
    registrations::link_pilot(&mut tx, org, id, pilot).await?;
    tx.commit().await?;
    Ok(())
}

/// Approving a transfer moves the pilot to the hub asked for.
pub async fn approve_transfer(db: &Db, org: OrgId, id: i64) -> Result<(), MembershipError> {
    let (transfer, mut tx) = decide::<Transfer>(db, org, id, "approved").await?;
    let (pilot, hub) = (transfer.pilot_id.0, Some(transfer.to_hub_id.0));
    pilots::set_link(&mut tx, org, pilot, pilots::PilotLink::Hub, hub).await?;
    tx.commit().await?;
    Ok(())
}
