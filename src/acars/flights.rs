//! The pilot's bookings, the aircraft each may be flown with, and the
//! schedule search, in the module's shapes.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::input::{self, Input};
use super::{AcarsError, AcarsPilot};
use crate::flights::lifecycle::{self, BookingChange, Flyer, NotOwn};
use crate::state::AppState;
use crate::storage::tracker::{self, EligibleAircraft, ScheduleSearch, ScheduledFlight};

/// A flight number: a number, as phpVMS keeps it, unless the schedule's
/// has letters in it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum FlightNumber {
    Number(i64),
    Text(String),
}

impl FlightNumber {
    /// The number of a schedule's flight: phpVMS keeps the airline's code
    /// apart (`AS` and 1234), so a number that starts with it loses it.
    pub fn of(number: &str, airline_code: &str) -> FlightNumber {
        let bare = number.strip_prefix(airline_code).filter(|rest| !rest.is_empty());
        let digits = bare.unwrap_or(number);
        match digits.parse() {
            Ok(n) if digits.bytes().all(|b| b.is_ascii_digit()) => FlightNumber::Number(n),
            _ => FlightNumber::Text(number.to_string()),
        }
    }
}

impl std::fmt::Display for FlightNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlightNumber::Number(n) => write!(f, "{n}"),
            FlightNumber::Text(t) => f.write_str(t),
        }
    }
}

/// phpVMS's `Days` bit mask (Monday 1 … Sunday 64) of a schedule's days,
/// kept as the ISO day numbers `1234567`.
fn days_mask(days: &str) -> i64 {
    days.bytes().filter(|d| (b'1'..=b'7').contains(d)).fold(0, |mask, d| mask | 1 << (d - b'1'))
}

/// A booking as the Stratos client lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Booking {
    bid_id: i64,
    number: FlightNumber,
    /// The airline's code.
    code: String,
    departure_airport: String,
    arrival_airport: String,
    /// The route's waypoints.
    route: Vec<String>,
    flight_level: i64,
    /// Nautical miles.
    distance: f64,
    departure_time: Option<String>,
    arrival_time: Option<String>,
    /// Hours, two decimals.
    flight_time: f64,
    /// Days flown, phpVMS's bit mask: Monday 1, Tuesday 2, … Sunday 64.
    days_of_week: i64,
    /// `P` passenger or `C` cargo.
    r#type: String,
    /// The pinned aircraft's id; null when none is pinned.
    aircraft: Option<i64>,
    aircraft_changeable: bool,
    notes: String,
}

impl From<ScheduledFlight> for Booking {
    fn from(f: ScheduledFlight) -> Booking {
        Booking {
            bid_id: f.id,
            number: FlightNumber::of(&f.flight_number, &f.airline_code),
            code: f.airline_code,
            departure_airport: f.departure_icao,
            arrival_airport: f.arrival_icao,
            route: f.route.split_whitespace().map(str::to_owned).collect(),
            flight_level: f.flight_level,
            distance: f.distance_nm,
            departure_time: f.departure_time,
            arrival_time: f.arrival_time,
            flight_time: super::hours(f.flight_minutes),
            days_of_week: days_mask(&f.days_of_week),
            r#type: f.flight_type,
            aircraft: f.aircraft_id,
            // Airside has no SimBrief briefings, which alone fix the
            // aircraft in the module; a started flight refuses a change.
            aircraft_changeable: true,
            notes: f.notes,
        }
    }
}

/// A schedule entry found by a search.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleEntry {
    /// The schedule's id, as text (phpVMS flight ids are strings).
    id: String,
    number: FlightNumber,
    code: String,
    departure_airport: String,
    arrival_airport: String,
    flight_level: i64,
    /// The route as one string.
    route: String,
    distance: f64,
    departure_time: Option<String>,
    arrival_time: Option<String>,
    flight_time: f64,
    /// Always empty, as the module sends it.
    days_of_week: Vec<i64>,
    r#type: String,
    /// The name of the first aircraft the pilot may fly it with.
    aircraft: Option<String>,
    notes: Option<String>,
}

/// `GET /flights/bookings`: the pilot's own bookings, oldest first.
pub async fn bookings(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Vec<Booking>>, AcarsError> {
    let rows = tracker::bookings(&state.db, caller.org, caller.pilot.id).await?;
    Ok(Json(rows.into_iter().map(Booking::from).collect()))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EligibleEntry {
    id: i64,
    name: String,
    registration: String,
    icao: String,
    /// The subfleet's type code.
    subfleet: String,
}

impl From<EligibleAircraft> for EligibleEntry {
    fn from(a: EligibleAircraft) -> EligibleEntry {
        EligibleEntry {
            id: a.id,
            name: a.name,
            registration: a.registration,
            icao: a.icao,
            subfleet: a.subfleet,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Eligible {
    changeable: bool,
    aircraft: Vec<EligibleEntry>,
}

pub(super) fn bid_not_found() -> AcarsError {
    AcarsError::new(StatusCode::NOT_FOUND, "Bid not found")
}

/// `GET /flights/bookings/{bid}/aircraft`: the aircraft of the schedule's
/// subfleets that the pilot's rank allows and nobody else is flying.
pub async fn eligible_aircraft(
    State(state): State<AppState>,
    caller: AcarsPilot,
    params: RawPathParams,
) -> Result<Json<Eligible>, AcarsError> {
    let bid = super::path_param(&params, "bid")
        .and_then(|bid| bid.parse::<i64>().ok())
        .ok_or_else(bid_not_found)?;
    let booking = own_booking(&state, &caller, bid).await?;
    let aircraft = eligible(&state, &caller, booking.schedule_id).await?;
    Ok(Json(Eligible {
        changeable: true,
        aircraft: aircraft.into_iter().map(EligibleEntry::from).collect(),
    }))
}

/// The aircraft the caller may fly `schedule` with.
pub(super) async fn eligible(
    state: &AppState,
    caller: &AcarsPilot,
    schedule: i64,
) -> Result<Vec<EligibleAircraft>, AcarsError> {
    let (org, pilot) = (caller.org, &caller.pilot);
    Ok(tracker::eligible_aircraft(&state.db, org, pilot.id, pilot.rank_id, &[schedule]).await?)
}

/// A booking of the caller: 404 when the org has none by that id, 403
/// when it is another pilot's (the module's answers).
pub(super) async fn own_booking(
    state: &AppState,
    caller: &AcarsPilot,
    bid: i64,
) -> Result<ScheduledFlight, AcarsError> {
    match lifecycle::own_booking(&state.db, caller.org, caller.pilot.id, bid).await? {
        Ok(booking) => Ok(booking),
        Err(NotOwn::Missing) => Err(bid_not_found()),
        Err(NotOwn::Others) => {
            Err(AcarsError::new(StatusCode::FORBIDDEN, "This bid does not belong to you"))
        }
    }
}

/// A query value as PHP's `floatval` reads it: not a number is 0.
fn float(fields: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<f64> {
    input::present(fields, name).map(|v| input::as_number(v).unwrap_or(0.0))
}

/// `GET /flights/search`: active schedules matching every filter given.
/// As in the module, an airport or subfleet the org does not have does not
/// filter, `limit` is at most (and by default) 100, and a bound that is not
/// a number is 0.
pub async fn search(
    State(state): State<AppState>,
    caller: AcarsPilot,
    Input(query): Input,
) -> Result<Json<Vec<ScheduleEntry>>, AcarsError> {
    let org = caller.org;
    let limit = match input::present(&query, "limit").and_then(input::as_number) {
        Some(n) if n >= 0.0 => (n.floor() as i64).min(100),
        _ => 100,
    };
    let mut search = ScheduleSearch {
        min_minutes: float(&query, "minimum_flight_time").map(|h| h * 60.0),
        max_minutes: float(&query, "maximum_flight_time").map(|h| h * 60.0),
        min_distance_nm: float(&query, "minimum_distance"),
        max_distance_nm: float(&query, "maximum_distance"),
        limit,
        ..ScheduleSearch::default()
    };
    let departure = input::text(&query, "departure_airport");
    let arrival = input::text(&query, "arrival_airport");
    narrow(&state, org, &mut search, departure, arrival, input::id(&query, "aircraft")).await?;
    let found = tracker::search_schedules(&state.db, org, &search).await?;
    let schedules: Vec<i64> = found.iter().map(|f| f.schedule_id).collect();
    let pilot = &caller.pilot;
    let eligible =
        tracker::eligible_aircraft(&state.db, org, pilot.id, pilot.rank_id, &schedules).await?;
    let first_aircraft =
        |schedule: i64| eligible.iter().find(|a| a.schedule_id == schedule).map(|a| a.name.clone());
    Ok(Json(
        found
            .into_iter()
            .map(|f| ScheduleEntry {
                id: f.id.to_string(),
                number: FlightNumber::of(&f.flight_number, &f.airline_code),
                aircraft: first_aircraft(f.schedule_id),
                code: f.airline_code,
                departure_airport: f.departure_icao,
                arrival_airport: f.arrival_icao,
                flight_level: f.flight_level,
                route: f.route,
                distance: f.distance_nm,
                departure_time: f.departure_time,
                arrival_time: f.arrival_time,
                flight_time: super::hours(f.flight_minutes),
                days_of_week: vec![],
                r#type: f.flight_type,
                notes: Some(f.notes),
            })
            .collect(),
    ))
}

/// Narrows a schedule search by the airports and subfleet a tracker named,
/// as the modules do: one the org does not have does not filter.
pub(super) async fn narrow(
    state: &AppState,
    org: crate::domain::OrgId,
    search: &mut ScheduleSearch,
    departure: Option<String>,
    arrival: Option<String>,
    subfleet: Option<i64>,
) -> Result<(), AcarsError> {
    for (icao, filter) in
        [(departure, &mut search.departure_icao), (arrival, &mut search.arrival_icao)]
    {
        if let Some(icao) = icao.map(|t| t.to_ascii_uppercase()) {
            if tracker::has_airport(&state.db, org, &icao).await? {
                *filter = Some(icao);
            }
        }
    }
    if let Some(subfleet) = subfleet {
        if tracker::exists(&state.db, org, crate::storage::Table::Subfleets, subfleet).await? {
            search.subfleet_id = Some(subfleet);
        }
    }
    Ok(())
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ChangeAircraft {
    bid_id: i64,
    aircraft_id: i64,
}

/// `POST /flights/change-aircraft`: pins one of the booking's eligible
/// aircraft; 409 once the flight has started.
pub async fn change_aircraft(
    State(state): State<AppState>,
    caller: AcarsPilot,
    Input(fields): Input,
) -> Result<Json<Booking>, AcarsError> {
    let (Some(bid), Some(aircraft)) =
        (input::present(&fields, "bid_id"), input::present(&fields, "aircraft_id"))
    else {
        return Err(AcarsError::message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bid_id and aircraft_id are required",
        ));
    };
    let bid = input::as_number(bid).filter(|n| n.fract() == 0.0).ok_or_else(bid_not_found)?;
    let not_available = || {
        AcarsError::message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "This aircraft isn't available for this flight",
        )
    };
    let aircraft = input::as_number(aircraft)
        .filter(|n| n.fract() == 0.0)
        .map(|n| n as i64)
        .ok_or_else(not_available)?;
    let flyer = flyer(&caller);
    let booking = match lifecycle::pin_aircraft(&state.db, flyer, bid as i64, aircraft).await {
        Ok(booking) => booking,
        Err(BookingChange::NotFound) => return Err(bid_not_found()),
        Err(BookingChange::NotYours) => {
            return Err(AcarsError::new(StatusCode::FORBIDDEN, "This bid does not belong to you"))
        }
        Err(BookingChange::Started) => {
            return Err(AcarsError::message(
                StatusCode::CONFLICT,
                "Cannot change aircraft after the flight has started",
            ))
        }
        Err(BookingChange::NotEligible) => return Err(not_available()),
        Err(BookingChange::Database(e)) => return Err(e.into()),
    };
    Ok(Json(booking.into()))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Unbook {
    bid_id: i64,
}

fn flyer(caller: &AcarsPilot) -> Flyer {
    Flyer { org: caller.org, pilot: caller.pilot.id, rank: caller.pilot.rank_id }
}

/// `POST /flights/unbook`: drops one of the pilot's bookings, but not
/// while it is being flown (a restarted client resumes through it).
pub async fn unbook(
    State(state): State<AppState>,
    caller: AcarsPilot,
    Input(fields): Input,
) -> Result<Json<serde_json::Value>, AcarsError> {
    let bid = input::id(&fields, "bid_id").ok_or_else(bid_not_found)?;
    // Another pilot's booking is not found here either (the module looks it
    // up by the caller).
    match lifecycle::unbook(&state.db, flyer(&caller), bid).await {
        Ok(()) => {}
        Err(BookingChange::NotFound | BookingChange::NotYours | BookingChange::NotEligible) => {
            return Err(bid_not_found())
        }
        Err(BookingChange::Started) => {
            return Err(AcarsError::message(
                StatusCode::CONFLICT,
                "Cannot unbook after the flight has started",
            ))
        }
        Err(BookingChange::Database(e)) => return Err(e.into()),
    }
    Ok(Json(serde_json::json!({ "status": 200 })))
}
