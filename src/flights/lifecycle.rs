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

/// How a tracker names flights: Stratos a UUID, smartCARS 12 letters and
/// digits (its spec's pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingStyle {
    Uuid,
    Alphanumeric12,
}

impl TrackingStyle {
    fn new_id(self) -> String {
        match self {
            TrackingStyle::Uuid => uuid::Uuid::new_v4().to_string(),
            TrackingStyle::Alphanumeric12 => {
                use rand::distributions::{Alphanumeric, DistString};
                Alphanumeric.sample_string(&mut rand::thread_rng(), 12)
            }
        }
    }
}

/// Starts flying booking `booking` (none: the pilot's newest); the tracking
/// id. A booking already being flown answers that flight's id (a client
/// that restarts resumes it).
pub async fn start(
    db: &Db,
    flyer: Flyer,
    booking: Option<i64>,
    source: &str,
    style: TrackingStyle,
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
    let tracking = style.new_id();
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
    if !resource::exists(&mut tx, org, Table::Schedules, schedule).await?
        || tracker::is_others_charter(&mut tx, org, pilot, schedule).await?
    {
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

/// Why a booking could not be dropped or changed.
#[derive(Debug)]
pub enum BookingChange {
    /// The org has no booking by that id (to unbook: nor has the pilot).
    NotFound,
    /// It is another pilot's.
    NotYours,
    /// Its flight has started.
    Started,
    /// The aircraft may not fly it (not one of its eligible aircraft).
    NotEligible,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for BookingChange {
    fn from(error: sqlx::Error) -> BookingChange {
        BookingChange::Database(error)
    }
}

/// Drops a booking of the pilot, but not while it is being flown (a
/// restarted client resumes through it). A charter the pilot made for it
/// goes with it.
pub async fn unbook(db: &Db, flyer: Flyer, booking: i64) -> Result<(), BookingChange> {
    let found = own_booking(db, flyer.org, flyer.pilot, booking)
        .await?
        .map_err(|_| BookingChange::NotFound)?;
    if found.in_progress > 0 {
        return Err(BookingChange::Started);
    }
    let mut tx = db.begin().await?;
    crate::storage::bookings::cancel(&mut tx, flyer.org, flyer.pilot, booking).await?;
    tracker::remove_charter(&mut tx, flyer.org, flyer.pilot, found.schedule_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Pins one of the booking's eligible aircraft, before its flight starts.
pub async fn pin_aircraft(
    db: &Db,
    flyer: Flyer,
    booking: i64,
    aircraft: i64,
) -> Result<tracker::ScheduledFlight, BookingChange> {
    let mut found =
        own_booking(db, flyer.org, flyer.pilot, booking).await?.map_err(|why| match why {
            NotOwn::Missing => BookingChange::NotFound,
            NotOwn::Others => BookingChange::NotYours,
        })?;
    if found.in_progress > 0 {
        return Err(BookingChange::Started);
    }
    let schedules = [found.schedule_id];
    let eligible =
        tracker::eligible_aircraft(db, flyer.org, flyer.pilot, flyer.rank, &schedules).await?;
    if !eligible.iter().any(|a| a.id == aircraft) {
        return Err(BookingChange::NotEligible);
    }
    tracker::pin_aircraft(db, flyer.org, booking, aircraft).await?;
    found.aircraft_id = Some(aircraft);
    Ok(found)
}

/// A flight the pilot makes up and books at once (smartCARS's charter).
#[derive(Debug)]
pub struct Charter<'a> {
    pub flight_number: &'a str,
    pub departure_icao: &'a str,
    pub arrival_icao: &'a str,
    pub route: &'a str,
    pub aircraft: i64,
    pub flight_level: i64,
    pub distance_nm: f64,
    /// `P` or `C`.
    pub flight_type: &'a str,
    pub departure_time: Option<&'a str>,
    pub arrival_time: Option<&'a str>,
}

#[derive(Debug)]
pub enum CharterError {
    /// The field that names nothing of the org, and why.
    Unknown(&'static str, String),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for CharterError {
    fn from(error: sqlx::Error) -> CharterError {
        CharterError::Database(error)
    }
}

/// Creates the pilot's charter: a hidden schedule of the airline they fly
/// for, flown by the aircraft's subfleet, booked with that aircraft
/// pinned. It is the pilot's own; unbooking removes it.
pub async fn charter(
    db: &Db,
    flyer: Flyer,
    airline: crate::domain::AirlineId,
    charter: &Charter<'_>,
) -> Result<crate::domain::BookingId, CharterError> {
    use crate::domain::{AircraftId, ScheduleId};
    let org = flyer.org;
    let unknown = |field: &'static str, why: String| CharterError::Unknown(field, why);
    let departure = tracker::airport_id(db, org, charter.departure_icao)
        .await?
        .ok_or_else(|| unknown("departure", format!("no airport {}", charter.departure_icao)))?;
    let arrival = tracker::airport_id(db, org, charter.arrival_icao)
        .await?
        .ok_or_else(|| unknown("arrival", format!("no airport {}", charter.arrival_icao)))?;
    let subfleet = tracker::subfleet_of(db, org, charter.aircraft)
        .await?
        .ok_or_else(|| unknown("aircraft", format!("no aircraft {}", charter.aircraft)))?;
    let mut tx = db.begin().await?;
    let subfleets = [subfleet];
    let new = crate::storage::schedules::NewSchedule {
        airline,
        flight_number: charter.flight_number,
        departure,
        arrival,
        route: charter.route,
        flight_level: charter.flight_level,
        distance_nm: charter.distance_nm,
        departure_time: charter.departure_time,
        arrival_time: charter.arrival_time,
        flight_minutes: 0,
        days_of_week: "1234567",
        flight_type: charter.flight_type,
        notes: "Charter",
        subfleets: &subfleets,
    };
    let schedule = crate::storage::schedules::create(&mut tx, org, &new).await?;
    tracker::own_charter(&mut tx, org, flyer.pilot, schedule).await?;
    let aircraft = Some(AircraftId(charter.aircraft));
    let booking = crate::storage::bookings::create(
        &mut tx,
        org,
        flyer.pilot,
        ScheduleId(schedule.0),
        aircraft,
    )
    .await?;
    tx.commit().await?;
    Ok(booking)
}

/// A flight a tracker declares without a booking (phpVMS's prefile).
#[derive(Debug)]
pub struct Prefile<'a> {
    pub airline: i64,
    pub aircraft: i64,
    pub flight_number: &'a str,
    pub departure_icao: &'a str,
    pub arrival_icao: &'a str,
    pub route: &'a str,
    pub flight_level: i64,
    /// The schedule flown, if the tracker names one.
    pub schedule: Option<i64>,
    pub source: &'a str,
}

#[derive(Debug)]
pub enum PrefileError {
    /// An airport the org does not have: the ICAO code.
    AirportNotFound(String),
    /// Not an aircraft (or airline, schedule) of the org: the field.
    Unknown(&'static str),
    /// The pilot may not fly this aircraft (rank), or it is being flown.
    AircraftNotAvailable,
    /// Another flight of the pilot is in progress.
    OtherFlightInProgress,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for PrefileError {
    fn from(error: sqlx::Error) -> PrefileError {
        PrefileError::Database(error)
    }
}

/// Declares a flight in progress. The same flight declared again (same
/// airline, number and airports, not cancelled) while it is in progress is
/// that flight: a tracker that retries gets the same PIREP.
pub async fn prefile(
    db: &Db,
    flyer: Flyer,
    flight: &Prefile<'_>,
    style: TrackingStyle,
) -> Result<PirepId, PrefileError> {
    let org = flyer.org;
    let airport = |icao: &str| {
        let icao = icao.to_string();
        async move {
            tracker::airport_id(db, org, &icao)
                .await?
                .ok_or(PrefileError::AirportNotFound(icao.to_ascii_uppercase()))
        }
    };
    let departure = airport(flight.departure_icao).await?;
    let arrival = airport(flight.arrival_icao).await?;
    if !tracker::exists(db, org, crate::storage::Table::Airlines, flight.airline).await? {
        return Err(PrefileError::Unknown("airline_id"));
    }
    let Some(subfleet) = tracker::subfleet_of(db, org, flight.aircraft).await? else {
        return Err(PrefileError::Unknown("aircraft_id"));
    };
    if let Some(schedule) = flight.schedule {
        if !tracker::exists(db, org, crate::storage::Table::Schedules, schedule).await? {
            return Err(PrefileError::Unknown("flight_id"));
        }
    }
    if let Some(current) = tracker::flight_in_progress(db, org, flyer.pilot).await? {
        let same = tracker::is_same_flight(
            db,
            org,
            PirepId(current.id),
            flight.airline,
            flight.flight_number,
            departure,
            arrival,
        )
        .await?;
        return if same {
            Ok(PirepId(current.id))
        } else {
            Err(PrefileError::OtherFlightInProgress)
        };
    }
    if !tracker::may_fly(db, org, flyer.pilot, flyer.rank, subfleet, flight.aircraft).await? {
        return Err(PrefileError::AircraftNotAvailable);
    }
    let tracking = style.new_id();
    let new = tracker::NewPrefiled {
        org,
        pilot: flyer.pilot,
        airline: flight.airline,
        schedule: flight.schedule,
        aircraft: flight.aircraft,
        flight_number: flight.flight_number,
        departure,
        arrival,
        route: flight.route,
        flight_level: flight.flight_level,
        tracking: &tracking,
        source: flight.source,
        now: Timestamp::now(),
    };
    match tracker::prefile_flight(db, &new).await {
        Ok(id) => Ok(id),
        // A concurrent start of this pilot or this aircraft won.
        Err(e) if crate::storage::is_unique_violation(&e) => {
            Err(PrefileError::AircraftNotAvailable)
        }
        Err(e) => Err(e.into()),
    }
}
