//! Filing a flight as a PIREP, whichever surface files it: a tracked flight
//! in progress (ACARS), or a booking flown without a tracker (the Pilot
//! API). One rule set (`FlightFacts::check`), points from the distance and
//! the landing, the booking used up, and what follows filing
//! (`pireps::submitted`: positions, leave, `flight.submitted`, auto-accept),
//! all in one transaction.

use crate::domain::flight::track_distance_nm;
use crate::domain::pirep::{points_for, FactError, FlightFacts, PirepAction, PirepState};
use crate::domain::{AircraftId, OrgId, PilotId, PirepId, Timestamp};
use crate::storage::pireps::{self, TransitionError};
use crate::storage::Table;
use crate::storage::{bookings, resource, schedules, Db};

#[derive(Debug)]
pub enum FilingError {
    /// A fact no flight could have.
    Invalid(FactError),
    /// The flight is no longer in progress (filed or cancelled since).
    NotInProgress(PirepState),
    /// No such flight or booking of the pilot.
    NotFound,
    /// The aircraft named cannot be the one flown: why.
    Aircraft(String),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for FilingError {
    fn from(error: sqlx::Error) -> FilingError {
        FilingError::Database(error)
    }
}

/// What a tracker sends with a completed flight, beyond the facts.
#[derive(Debug, Default)]
pub struct TrackedFiling<'a> {
    pub facts: FlightFacts<'a>,
    pub log: &'a [(Timestamp, String)],
    pub fields: &'a [(String, String)],
    pub comments: &'a [String],
    /// Who wrote the comments (the pilot's id).
    pub author: &'a str,
}

/// Files a tracked flight in progress: its distance from the stored track.
pub async fn file_tracked(
    db: &Db,
    org: OrgId,
    id: PirepId,
    filing: &TrackedFiling<'_>,
) -> Result<(), FilingError> {
    filing.facts.check().map_err(FilingError::Invalid)?;
    let mut tx = db.begin().await?;
    match pireps::apply(&mut tx, org, id, PirepAction::File, None).await {
        Ok(_) => {}
        Err(TransitionError::Illegal(illegal)) => {
            return Err(FilingError::NotInProgress(illegal.from))
        }
        Err(TransitionError::NotFound) => return Err(FilingError::NotFound),
        Err(TransitionError::Database(e)) => return Err(e.into()),
    }
    let distance = track_distance_nm(&pireps::track(&mut tx, org, id).await?);
    pireps::record_filing(
        &mut tx,
        org,
        id,
        &filing.facts,
        distance,
        points(distance, &filing.facts),
    )
    .await?;
    for (at, line) in filing.log {
        pireps::add_log_line(&mut tx, org, id, *at, line).await?;
    }
    for (name, value) in filing.fields {
        pireps::set_field(&mut tx, org, id, name, value).await?;
    }
    for comment in filing.comments {
        pireps::add_comment(&mut tx, org, id, filing.author, comment).await?;
    }
    bookings::consume_of(&mut tx, org, id).await?;
    pireps::submitted(&mut tx, org, id).await?;
    tx.commit().await?;
    Ok(())
}

fn points(distance_nm: f64, facts: &FlightFacts) -> i64 {
    points_for(distance_nm, facts.landing_rate)
}

/// A booking flown without a tracker, as the pilot reports it.
#[derive(Debug)]
pub struct ManualFiling<'a> {
    pub booking: i64,
    /// Required when the booking has no aircraft pinned.
    pub aircraft: Option<i64>,
    pub facts: FlightFacts<'a>,
}

/// Files a booking's flight by hand: `submitted`, source `manual`, the
/// schedule's distance.
pub async fn file_by_hand(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    filing: &ManualFiling<'_>,
) -> Result<PirepId, FilingError> {
    filing.facts.check().map_err(FilingError::Invalid)?;
    let mut tx = db.begin().await?;
    let (schedule, pinned) = bookings::of_pilot(&mut tx, org, pilot, filing.booking)
        .await?
        .ok_or(FilingError::NotFound)?;
    let aircraft = match (pinned, filing.aircraft) {
        (Some(pinned), Some(asked)) if pinned.0 != asked => {
            return Err(FilingError::Aircraft("the booking is for another aircraft".into()))
        }
        (Some(pinned), _) => pinned,
        (None, Some(asked)) if resource::exists(&mut tx, org, Table::Aircraft, asked).await? => {
            AircraftId(asked)
        }
        (None, Some(asked)) => {
            return Err(FilingError::Aircraft(format!("no aircraft with id {asked}")))
        }
        (None, None) => return Err(FilingError::Aircraft("name the aircraft flown".into())),
    };
    let schedule = resource::get_in::<schedules::Schedule, _>(&mut *tx, org, schedule.0)
        .await?
        .ok_or(FilingError::NotFound)?;
    let now = Timestamp::now();
    let facts = &filing.facts;
    let new = pireps::NewPirep {
        pilot,
        airline: schedule.airline_id,
        schedule: Some(schedule.id),
        aircraft: Some(aircraft),
        flight_number: &schedule.flight_number,
        departure: schedule.departure_airport_id,
        arrival: schedule.arrival_airport_id,
        route: facts.route.unwrap_or(&schedule.route),
        flight_level: facts.flight_level.unwrap_or(schedule.flight_level),
        state: PirepState::Submitted,
        source: "manual",
        distance_nm: schedule.distance_nm,
        flight_minutes: facts.flight_minutes,
        landing_rate: facts.landing_rate,
        fuel_used: facts.fuel_used,
        points: points(schedule.distance_nm, facts),
        created_at: now,
        submitted_at: Some(now),
    };
    let id = pireps::insert(&mut tx, org, &new).await?;
    bookings::consume(&mut tx, org, filing.booking).await?;
    pireps::submitted(&mut tx, org, id).await?;
    tx.commit().await?;
    Ok(id)
}
