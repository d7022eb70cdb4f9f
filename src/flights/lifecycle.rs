//! Starting and cancelling a tracked flight, whichever tracker surface asks
//! (the rules the Stratos, smartCARS and phpVMS surfaces share): one flight
//! at a time per pilot and per aircraft, a booking being flown is resumed,
//! a flight's aircraft is the booking's pinned one or the first eligible.

use crate::domain::pirep::{PirepAction, PirepState};
use crate::domain::{OrgId, PilotId, PirepId, RankId, Timestamp};
use crate::storage::pireps::{self, TransitionError};
use crate::storage::tracker::{self, NewFlight, TrackedFlight};
use crate::storage::Db;

/// Who starts: the pilot and their rank (which aircraft they may fly).
#[derive(Debug, Clone, Copy)]
pub struct Flyer {
    pub org: OrgId,
    pub pilot: PilotId,
    pub rank: Option<RankId>,
}

#[derive(Debug)]
pub enum StartError {
    /// The org has no such booking.
    NoBooking,
    /// The booking is another pilot's.
    NotYours,
    /// Another booking of the pilot is being flown.
    OtherFlightInProgress,
    /// The booking's aircraft is being flown by someone else.
    AircraftUnavailable,
    /// No aircraft the pilot may fly this booking with is free.
    NoAircraft,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StartError {
    fn from(error: sqlx::Error) -> StartError {
        StartError::Database(error)
    }
}

/// Why a booking is not the caller's to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotOwn {
    /// The org has no booking by that id.
    Missing,
    /// It is another pilot's.
    Others,
}

/// A booking of the pilot, or why not.
pub async fn own_booking(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    id: i64,
) -> Result<Result<tracker::ScheduledFlight, NotOwn>, sqlx::Error> {
    Ok(match tracker::booking_holder(db, org, id).await? {
        None => Err(NotOwn::Missing),
        Some(holder) if holder != pilot.0 => Err(NotOwn::Others),
        Some(_) => tracker::booking(db, org, pilot, id).await?.ok_or(NotOwn::Missing),
    })
}

/// What a tracker knows a flight by.
pub fn tracking_of(flight: &TrackedFlight) -> String {
    flight.tracking_id.clone().unwrap_or_else(|| flight.id.to_string())
}

/// Starts flying booking `booking` (none: the pilot's newest); the tracking
/// id. A booking already being flown answers that flight's id (a client
/// that restarts resumes it).
pub async fn start(
    db: &Db,
    flyer: Flyer,
    booking: Option<i64>,
    source: &str,
) -> Result<String, StartError> {
    let (org, pilot) = (flyer.org, flyer.pilot);
    let booking = match booking {
        Some(id) => id,
        None => tracker::latest_booking(db, org, pilot).await?.ok_or(StartError::NoBooking)?,
    };
    let booking = own_booking(db, org, pilot, booking).await?.map_err(|why| match why {
        NotOwn::Missing => StartError::NoBooking,
        NotOwn::Others => StartError::NotYours,
    })?;
    let resume = |flight: Option<TrackedFlight>, otherwise: StartError| match flight {
        Some(flight) if flight.booking_id == Some(booking.id) => Ok(tracking_of(&flight)),
        _ => Err(otherwise),
    };
    if let Some(flight) = tracker::flight_in_progress(db, org, pilot).await? {
        return resume(Some(flight), StartError::OtherFlightInProgress);
    }
    let schedules = [booking.schedule_id];
    let eligible = tracker::eligible_aircraft(db, org, pilot, flyer.rank, &schedules).await?;
    let aircraft = match booking.aircraft_id {
        Some(pinned) if eligible.iter().any(|a| a.id == pinned) => pinned,
        Some(_) => return Err(StartError::AircraftUnavailable),
        None => eligible.first().map(|a| a.id).ok_or(StartError::NoAircraft)?,
    };
    let tracking = uuid::Uuid::new_v4().to_string();
    let new = NewFlight {
        org,
        pilot,
        booking: booking.id,
        aircraft,
        tracking: &tracking,
        source,
        now: Timestamp::now(),
    };
    match tracker::start_flight(db, &new).await {
        Ok(true) => Ok(tracking),
        Ok(false) => Err(StartError::NoBooking),
        // Another start won the race: this booking's (answer it), or another
        // flight of the pilot or the aircraft (two partial unique indexes).
        Err(e) if crate::storage::is_unique_violation(&e) => {
            let now = tracker::flight_in_progress(db, org, pilot).await?;
            resume(now, StartError::AircraftUnavailable)
        }
        Err(e) => Err(e.into()),
    }
}

/// How a cancel ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Cancelled {
    /// It is cancelled now (or already was: a retry is done).
    Done,
    /// It was filed: staff review it, the pilot cannot take it back.
    Filed(PirepState),
}

/// Cancels a flight of the pilot that is in progress; the booking stays.
pub async fn cancel(db: &Db, org: OrgId, id: PirepId) -> Result<Cancelled, sqlx::Error> {
    let mut tx = db.begin().await?;
    match pireps::apply(&mut tx, org, id, PirepAction::Cancel, None).await {
        Ok(_) => {
            let line = "Cancelled by the pilot";
            pireps::add_log_line(&mut tx, org, id, Timestamp::now(), line).await?;
            tx.commit().await?;
            Ok(Cancelled::Done)
        }
        Err(TransitionError::Database(e)) => Err(e),
        Err(TransitionError::Illegal(illegal)) if illegal.from == PirepState::Cancelled => {
            Ok(Cancelled::Done)
        }
        Err(TransitionError::Illegal(illegal)) => Ok(Cancelled::Filed(illegal.from)),
        Err(TransitionError::NotFound) => Err(sqlx::Error::RowNotFound),
    }
}

#[derive(Debug)]
pub enum BookError {
    /// The org has no such schedule (or aircraft): the field and why.
    Unknown(&'static str, String),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for BookError {
    fn from(error: sqlx::Error) -> BookError {
        BookError::Database(error)
    }
}

/// A pilot books a schedule, optionally with an aircraft pinned.
pub async fn book(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    schedule: i64,
    aircraft: Option<i64>,
) -> Result<crate::domain::BookingId, BookError> {
    use crate::storage::{bookings, resource, Table};
    let mut tx = db.begin().await?;
    if !resource::exists(&mut tx, org, Table::Schedules, schedule).await? {
        let why = format!("there is no schedule with id {schedule}");
        return Err(BookError::Unknown("route_id", why));
    }
    if let Some(aircraft) = aircraft {
        if !resource::exists(&mut tx, org, Table::Aircraft, aircraft).await? {
            let why = format!("there is no aircraft with id {aircraft}");
            return Err(BookError::Unknown("aircraft_id", why));
        }
    }
    let schedule = crate::domain::ScheduleId(schedule);
    let aircraft = aircraft.map(crate::domain::AircraftId);
    let id = bookings::create(&mut tx, org, pilot, schedule, aircraft).await?;
    tx.commit().await?;
    Ok(id)
}
