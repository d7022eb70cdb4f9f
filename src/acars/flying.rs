//! Flying a booking: start, update (positions, alone or in batches),
//! complete (files the PIREP) and cancel, answering as the module does. A
//! pilot touches only their own flights; another pilot's tracking id is
//! unknown to them (404), where the module checks no ownership.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::flights::{bid_not_found, FlightNumber};
use super::input::{self, Input};
use super::{AcarsError, AcarsPilot};
use crate::domain::flight::status_for_phase;
use crate::domain::pirep::{flight_level_of, FlightFacts, PirepState};
use crate::domain::{PirepId, Timestamp};
use crate::flights::filing::{self, FilingError, TrackedFiling};
use crate::flights::lifecycle::{self, Cancelled, Flyer, StartError, TrackingStyle};
use crate::state::AppState;
use crate::storage::pireps::{self, FlightReport, NewPosition, Reported};
use crate::storage::tracker::{self, TrackedFlight};

/// Positions one `update` may carry.
const MAX_BATCH: usize = 500;

/// A flight of the caller, as found by its tracking id.
struct Tracked {
    id: PirepId,
    /// What the client knows it by.
    tracking: String,
    state: PirepState,
}

impl TryFrom<TrackedFlight> for Tracked {
    type Error = AcarsError;

    fn try_from(f: TrackedFlight) -> Result<Tracked, AcarsError> {
        let state = f.state.parse().map_err(|_| {
            AcarsError::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.")
        })?;
        Ok(Tracked { id: PirepId(f.id), tracking: lifecycle::tracking_of(&f), state })
    }
}

fn tracking_required() -> AcarsError {
    AcarsError::new(StatusCode::BAD_REQUEST, "tracking_id is required")
}

fn pirep_not_found() -> AcarsError {
    AcarsError::new(StatusCode::NOT_FOUND, "PIREP not found")
}

/// The module's 409 for a flight that is no longer in progress: phpVMS's
/// state number and the id the client knows.
fn no_longer_active(flight: &Tracked) -> AcarsError {
    AcarsError::new(StatusCode::CONFLICT, "PIREP is no longer active")
        .with("state", flight.state.phpvms_code())
        .with("pirep_id", flight.tracking.clone())
}

/// The caller's flight with this tracking id. `current`: read the writer.
async fn own_flight(
    state: &AppState,
    caller: &AcarsPilot,
    tracking: &str,
    current: bool,
) -> Result<Option<Tracked>, AcarsError> {
    let (org, pilot) = (caller.org, caller.pilot.id);
    tracker::flight_by_tracking_id(&state.db, org, pilot, tracking, current)
        .await?
        .map(Tracked::try_from)
        .transpose()
}

/// A flight of the caller read again by id, after a concurrent change.
async fn reread(state: &AppState, caller: &AcarsPilot, id: PirepId) -> Result<Tracked, AcarsError> {
    tracker::flight_by_id(&state.db, caller.org, caller.pilot.id, id)
        .await?
        .ok_or_else(pirep_not_found)?
        .try_into()
}

async fn in_progress(state: &AppState, caller: &AcarsPilot) -> Result<Option<Tracked>, AcarsError> {
    tracker::flight_in_progress(&state.db, caller.org, caller.pilot.id)
        .await?
        .map(Tracked::try_from)
        .transpose()
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Start {
    /// The booking to fly; none: the pilot's latest booking.
    bid_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Started {
    tracking_id: String,
}

fn started(tracking: String) -> Json<Started> {
    Json(Started { tracking_id: tracking })
}

/// `POST /flights/start`: a flight of one of the pilot's bookings, with its
/// pinned aircraft or the first eligible one. Starting a booking that is
/// already being flown answers that flight again (the module's prefile
/// finds the same PIREP), so a restarted client resumes. One flight at a
/// time per pilot and per aircraft.
pub async fn start(
    State(state): State<AppState>,
    caller: AcarsPilot,
    Input(fields): Input,
) -> Result<Json<Started>, AcarsError> {
    // As PHP's `if ($bidId)`: none, 0 or "0" mean the latest booking.
    let bid = match input::present(&fields, "bid_id") {
        Some(v) if input::as_number(v) != Some(0.0) => {
            Some(input::as_number(v).filter(|n| n.fract() == 0.0).ok_or_else(bid_not_found)? as i64)
        }
        _ => None,
    };
    let flyer = Flyer { org: caller.org, pilot: caller.pilot.id, rank: caller.pilot.rank_id };
    let message = AcarsError::message;
    match lifecycle::start(&state.db, flyer, bid, pireps::SOURCE_ACARS, TrackingStyle::Uuid).await {
        Ok(tracking) => Ok(started(tracking)),
        Err(StartError::NoBooking) => Err(bid_not_found()),
        Err(StartError::NotYours) => {
            Err(AcarsError::new(StatusCode::FORBIDDEN, "This bid does not belong to you"))
        }
        Err(StartError::OtherFlightInProgress) => {
            Err(message(StatusCode::CONFLICT, "You already have a flight in progress"))
        }
        Err(StartError::AircraftUnavailable) => {
            Err(message(StatusCode::CONFLICT, "The aircraft is not available for flight"))
        }
        Err(StartError::NoAircraft) => {
            Err(message(StatusCode::UNPROCESSABLE_ENTITY, "No aircraft attached to bid"))
        }
        Err(StartError::Database(e)) => Err(e.into()),
    }
}

/// One position report as the client sends it, checked field by field.
/// Numbers may come as numeric text; speeds and the distance remaining may
/// be negative (simulators report that); a heading is taken modulo 360.
pub(super) fn position(
    report: &Map<String, Value>,
    at: Option<Timestamp>,
    name: &dyn Fn(&str) -> String,
) -> Result<NewPosition, AcarsError> {
    let number = |field: &str| {
        input::number(report, field)
            .map_err(|_| AcarsError::invalid(format!("{} must be a number", name(field))))
    };
    let required = |field: &str| {
        number(field)?.ok_or_else(|| AcarsError::invalid(format!("{} is required", name(field))))
    };
    let within = |field: &str, value: f64, low: f64, high: f64| {
        if (low..=high).contains(&value) {
            Ok(value)
        } else {
            Err(AcarsError::invalid(format!("{} must be between {low} and {high}", name(field))))
        }
    };
    let phase = match input::present(report, "phase") {
        None => "enroute",
        Some(Value::String(p)) => status_for_phase(p),
        Some(_) => return Err(AcarsError::invalid(format!("{} must be text", name("phase")))),
    };
    Ok(NewPosition {
        recorded_at: at.unwrap_or_else(Timestamp::now),
        phase,
        latitude: within("latitude", required("latitude")?, -90.0, 90.0)?,
        longitude: within("longitude", required("longitude")?, -180.0, 180.0)?,
        heading: number("heading")?.unwrap_or(0.0).rem_euclid(360.0),
        altitude: within("altitude", required("altitude")?, -2_000.0, 100_000.0)?,
        altitude_agl: number("altitude_agl")?,
        vertical_speed: number("vertical_speed")?,
        ground_speed: number("ground_speed")?,
        indicated_airspeed: number("indicated_airspeed")?,
        distance_remaining: number("distance_remaining")?,
        client_ref: None,
    })
}

/// A time as clients send it: RFC 3339, a date and time without a zone
/// (UTC, as the module's Carbon reads it), or Unix seconds.
pub(super) fn parse_time(value: &Value) -> Option<Timestamp> {
    let unix = |seconds: f64| {
        let micros = Some(seconds).filter(|s| s.is_finite() && *s >= 0.0)? * 1e6;
        chrono::DateTime::from_timestamp_micros(micros as i64).map(Timestamp)
    };
    match value {
        Value::Number(n) => n.as_f64().and_then(unix),
        Value::String(s) => {
            let s = s.trim();
            Timestamp::try_from(s.to_string()).ok().or_else(|| {
                ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
                    .iter()
                    .find_map(|format| chrono::NaiveDateTime::parse_from_str(s, format).ok())
                    .map(|naive| Timestamp(naive.and_utc()))
                    .or_else(|| s.parse::<f64>().ok().and_then(unix))
            })
        }
        _ => None,
    }
}

/// What identifies a single report sent without a time, so a re-send of it
/// is stored once.
pub(super) fn digest(p: &NewPosition) -> String {
    let text = format!(
        "{}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
        p.phase,
        p.latitude,
        p.longitude,
        p.heading,
        p.altitude,
        p.altitude_agl,
        p.vertical_speed,
        p.ground_speed,
        p.indicated_airspeed,
        p.distance_remaining
    );
    crate::security::sha256_hex(&text)
}

/// The reports an update carries, and whether it is the client's usual
/// single report sent without a time.
fn reports(body: &Map<String, Value>) -> Result<(Vec<NewPosition>, bool), AcarsError> {
    match input::present(body, "positions") {
        None => {
            let at = match input::present(body, "timestamp") {
                None => None,
                Some(t) => Some(parse_time(t).ok_or_else(|| {
                    AcarsError::invalid("timestamp must be an RFC 3339 time or Unix seconds")
                })?),
            };
            Ok((vec![position(body, at, &|field| field.to_string())?], at.is_none()))
        }
        Some(Value::Array(batch)) if batch.len() <= MAX_BATCH => {
            let mut positions = Vec::with_capacity(batch.len());
            for (n, report) in batch.iter().enumerate() {
                let name = |field: &str| format!("positions[{n}].{field}");
                let report = report.as_object().ok_or_else(|| {
                    AcarsError::invalid(format!("positions[{n}] must be an object"))
                })?;
                let at =
                    input::present(report, "timestamp").and_then(parse_time).ok_or_else(|| {
                        AcarsError::invalid(format!("{} must be a time", name("timestamp")))
                    })?;
                positions.push(position(report, Some(at), &name)?);
            }
            Ok((positions, false))
        }
        Some(_) => Err(AcarsError::invalid(format!(
            "positions must be a list of at most {MAX_BATCH} reports"
        ))),
    }
}

/// `POST /flights/update`: one position (the client's usual call, answered
/// with an empty body as the module answers it) or a batch in `positions`,
/// each with its `timestamp`, stored in one transaction (answered with the
/// count stored). 409 with the flight's state once it is not in progress.
pub async fn update(
    State(state): State<AppState>,
    caller: AcarsPilot,
    Input(body): Input,
) -> Result<Response, AcarsError> {
    let tracking = input::tracking_id(&body).ok_or_else(tracking_required)?;
    let (org, pilot) = (caller.org, caller.pilot.id);
    // A flight this node has seen reporting skips the lookup: its state is
    // checked by the write, and by a lookup before a refusal of the body,
    // so the answers keep their order (404, 409, then 400).
    let remembered = state.reports.flight(org, pilot, &tracking);
    let pirep = match remembered {
        Some(pirep) => pirep,
        None => {
            let flight =
                own_flight(&state, &caller, &tracking, false).await?.ok_or_else(pirep_not_found)?;
            if flight.state != PirepState::InProgress {
                return Err(no_longer_active(&flight));
            }
            state.reports.remember(org, pilot, &tracking, flight.id);
            flight.id
        }
    };
    let (positions, single) = match reports(&body) {
        Ok(parsed) => parsed,
        Err(refused) if remembered.is_some() => {
            let flight = reread(&state, &caller, pirep).await?;
            if flight.state != PirepState::InProgress {
                return Err(no_longer_active(&flight));
            }
            return Err(refused);
        }
        Err(refused) => return Err(refused),
    };
    let batch = input::present(&body, "positions").is_some();
    // The latest report names the phase the flight is in.
    let phase = positions.iter().max_by_key(|p| p.recorded_at).map_or("enroute", |p| p.phase);
    let digest = single.then(|| digest(&positions[0]));
    let report = FlightReport { org, pirep, phase, positions, digest };
    match state.reports.store(report).await? {
        Reported::Stored(stored) if batch => {
            Ok(Json(json!({ "status": 200, "stored": stored })).into_response())
        }
        Reported::Stored(_) => Ok(StatusCode::OK.into_response()),
        // Completed or cancelled since we looked.
        Reported::NotInProgress => Err(no_longer_active(&reread(&state, &caller, pirep).await?)),
    }
}

/// A log line as the client sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct LogLine {
    event: String,
    /// RFC 3339, a UTC date and time, or Unix seconds; none: now.
    #[schema(value_type = Option<String>)]
    timestamp: Option<Value>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Complete {
    /// The tracking id (`tracking_id` is accepted too).
    uuid: Option<String>,
    tracking_id: Option<String>,
    /// Feet per minute at touchdown; none: 0.
    landing_rate: Option<f64>,
    /// Pounds; none: 0.
    fuel_used: Option<f64>,
    /// Hours; none: 0.
    flight_time: Option<f64>,
    zfw: Option<f64>,
    block_fuel: Option<f64>,
    block_time: Option<f64>,
    /// Cruise level (decimals are rounded).
    level: Option<f64>,
    /// Text or a list of waypoints; none keeps the planned route.
    #[schema(value_type = Option<String>)]
    route: Option<Value>,
    flight_log: Option<Vec<LogLine>>,
    /// Preferred over `flight_log` when both are sent.
    flight_data: Option<Vec<LogLine>>,
    #[schema(value_type = Option<Object>)]
    additional_fields: Option<Map<String, Value>>,
    /// Text, or objects with an `event`, `text` or `comment`.
    #[schema(value_type = Option<Vec<String>>)]
    comments: Option<Vec<Value>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Filed {
    /// The tracking id.
    pirep_id: String,
    /// The airline's code and the flight number.
    flight_number: String,
    /// `DEP - ARR`.
    route: String,
    aircraft: String,
    aircraft_icao: String,
    registration: String,
    airline: String,
    airline_icao: String,
}

async fn filed(
    state: &AppState,
    caller: &AcarsPilot,
    flight: &Tracked,
) -> Result<Filed, AcarsError> {
    let f = tracker::filed_flight(&state.db, caller.org, flight.id).await?;
    let registration = f.registration.unwrap_or_default();
    Ok(Filed {
        pirep_id: f.tracking_id.unwrap_or_else(|| flight.tracking.clone()),
        flight_number: format!(
            "{}{}",
            f.airline_code,
            FlightNumber::of(&f.flight_number, &f.airline_code)
        ),
        route: format!("{} - {}", f.departure_icao, f.arrival_icao),
        aircraft: f.aircraft_name.filter(|n| !n.is_empty()).unwrap_or_else(|| registration.clone()),
        aircraft_icao: f.aircraft_icao.unwrap_or_default(),
        registration,
        airline: f.airline_name,
        airline_icao: f.airline_icao,
    })
}

/// The checked parts of a completion, ready to store.
struct Filing {
    landing_rate: f64,
    fuel_used: f64,
    flight_minutes: i64,
    level: Option<i64>,
    route: Option<String>,
    log: Vec<(Timestamp, String)>,
    fields: Vec<(String, String)>,
    comments: Vec<String>,
}

/// A completion as the module files it: missing or null numbers are 0,
/// numeric text counts as a number, optional numbers that are not numbers
/// are left out, comments may be text or objects, log times may lack a
/// zone. What no flight could have (a landing rate of 50,000 ft/min, a
/// 3-day flight) is refused, naming the field.
fn check_completion(body: &Map<String, Value>, headers: &HeaderMap) -> Result<Filing, AcarsError> {
    let number = |field: &str| {
        input::number(body, field)
            .map_err(|_| AcarsError::invalid(format!("{field} must be a number")))
    };
    // The ranges are the core's (`FlightFacts::check`); here only the wire.
    let landing_rate = number("landing_rate")?.unwrap_or(0.0);
    let fuel_used = number("fuel_used")?.unwrap_or(0.0);
    let hours = number("flight_time")?.unwrap_or(0.0);
    // The module takes these only when numeric, and ignores them otherwise.
    let optional = |field: &str| input::present(body, field).and_then(input::as_number);
    let level = optional("level").map(flight_level_of);
    let route = match input::present(body, "route") {
        None => None,
        Some(Value::Array(points)) => {
            Some(points.iter().filter_map(input::as_text).collect::<Vec<_>>().join(" "))
        }
        Some(value) => input::as_text(value),
    }
    .filter(|r| !r.trim().is_empty());
    let lines = |field: &str| match input::present(body, field) {
        Some(Value::Array(lines)) if !lines.is_empty() => Some(lines.clone()),
        _ => None,
    };
    let lines = lines("flight_data").or_else(|| lines("flight_log")).unwrap_or_default();
    if lines.len() > 10_000 {
        return Err(AcarsError::invalid("flight_data must have at most 10,000 lines"));
    }
    let mut log = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        let Some(line) = line.as_object() else { continue };
        let event = input::present(line, "event").and_then(input::as_text).unwrap_or_default();
        if event.len() > 2_000 {
            return Err(AcarsError::invalid(format!("flight_data[{n}].event is too long")));
        }
        if event.is_empty() {
            continue;
        }
        let at = input::present(line, "timestamp").and_then(parse_time);
        log.push((at.unwrap_or_else(Timestamp::now), event));
    }
    let mut fields = Vec::new();
    if let Some(Value::Object(extra)) = input::present(body, "additional_fields") {
        if extra.len() > 100 {
            return Err(AcarsError::invalid("additional_fields must have at most 100 fields"));
        }
        for (name, value) in extra {
            // Lists, objects and nulls are skipped, as the module skips them.
            let Some(value) = (match value {
                Value::Bool(false) => Some(String::new()),
                other => input::as_text(other),
            }) else {
                continue;
            };
            if name.trim().is_empty() || name.len() > 100 || value.len() > 2_000 {
                return Err(AcarsError::invalid(format!(
                    "additional_fields.{name}: names are 1-100 characters, values at most 2,000"
                )));
            }
            fields.push((name.trim().to_string(), value));
        }
    }
    for (name, field) in
        [("ZFW", "zfw"), ("Block Fuel", "block_fuel"), ("Block Time", "block_time")]
    {
        if let Some(value) = optional(field) {
            fields.push((name.to_string(), value.to_string()));
        }
    }
    let client = headers
        .get("x-stratos-version")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(40).collect::<String>());
    let filed_by = match client {
        Some(version) if !version.trim().is_empty() => format!("Stratos {}", version.trim()),
        _ => "Stratos".to_string(),
    };
    fields.push(("Filed by".to_string(), filed_by));
    let comments = match input::present(body, "comments") {
        Some(Value::Array(comments)) => comments.as_slice(),
        _ => &[],
    };
    if comments.len() > 100 {
        return Err(AcarsError::invalid("comments must have at most 100 entries"));
    }
    let mut texts = Vec::new();
    for (n, comment) in comments.iter().enumerate() {
        let text = match comment {
            Value::Object(o) => ["event", "text", "comment"]
                .iter()
                .find_map(|k| input::present(o, k).and_then(input::as_text))
                .unwrap_or_else(|| comment.to_string()),
            other => input::as_text(other).unwrap_or_default(),
        };
        if text.len() > 2_000 {
            return Err(AcarsError::invalid(format!(
                "comments[{n}] must be at most 2,000 characters"
            )));
        }
        if !text.trim().is_empty() {
            texts.push(text);
        }
    }
    Ok(Filing {
        landing_rate,
        fuel_used,
        flight_minutes: (hours * 60.0).clamp(-1.0, 1e7) as i64,
        level,
        route,
        log,
        fields,
        comments: texts,
    })
}

/// The answer to a completion of a flight no longer in progress: the PIREP
/// it was filed as (a retry), or 409 when it was cancelled.
async fn answer_again(
    state: &AppState,
    caller: &AcarsPilot,
    flight: &Tracked,
) -> Result<Json<Filed>, AcarsError> {
    match flight.state {
        PirepState::Cancelled => {
            Err(AcarsError::new(StatusCode::CONFLICT, "PIREP has been cancelled")
                .with("state", flight.state.phpvms_code())
                .with("pirep_id", flight.tracking.clone()))
        }
        _ => Ok(Json(filed(state, caller, flight).await?)),
    }
}

/// `POST /flights/complete`: files the flight as a `submitted` PIREP with
/// its log, fields and comments, its distance from the stored track, and
/// `flight.submitted`, in one transaction. A retried completion answers the
/// PIREP already filed.
pub async fn complete(
    State(state): State<AppState>,
    caller: AcarsPilot,
    headers: HeaderMap,
    Input(body): Input,
) -> Result<Json<Filed>, AcarsError> {
    let tracking = input::tracking_id(&body).ok_or_else(tracking_required)?;
    let flight = own_flight(&state, &caller, &tracking, true).await?.ok_or_else(pirep_not_found)?;
    if flight.state != PirepState::InProgress {
        return answer_again(&state, &caller, &flight).await;
    }
    let filing = check_completion(&body, &headers)?;
    let tracked = TrackedFiling {
        facts: FlightFacts {
            flight_minutes: filing.flight_minutes,
            landing_rate: Some(filing.landing_rate),
            fuel_used: Some(filing.fuel_used),
            flight_level: filing.level,
            route: filing.route.as_deref(),
        },
        log: &filing.log,
        fields: &filing.fields,
        comments: &filing.comments,
        author: &caller.pilot.ident,
    };
    match filing::file_tracked(&state.db, caller.org, flight.id, &tracked).await {
        Ok(()) => Ok(Json(filed(&state, &caller, &flight).await?)),
        // Filed or cancelled by a concurrent call: answer as for a retry.
        Err(FilingError::NotInProgress(_)) => {
            answer_again(&state, &caller, &reread(&state, &caller, flight.id).await?).await
        }
        Err(FilingError::Invalid(fact)) => {
            // The module's names for the core's facts.
            let field = match fact.field {
                "flight_minutes" => "flight_time",
                "flight_level" => "level",
                other => other,
            };
            Err(AcarsError::invalid(format!("{field} {}", fact.message)))
        }
        Err(FilingError::NotFound | FilingError::Aircraft(_)) => Err(pirep_not_found()),
        Err(FilingError::Database(e)) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Cancel {
    /// The tracking id; none: the pilot's flight in progress.
    uuid: Option<String>,
    tracking_id: Option<String>,
}

fn nothing_to_cancel() -> AcarsError {
    AcarsError::new(StatusCode::NOT_FOUND, "No active PIREP to cancel")
}

fn cancelled() -> Json<Value> {
    Json(json!({ "status": 200 }))
}

/// phpVMS's refusal to cancel a PIREP that has been filed.
fn cancel_not_allowed(flight: &Tracked) -> AcarsError {
    let title = "This PIREP can't be cancelled";
    AcarsError::phpvms(StatusCode::BAD_REQUEST, "pirep-cancel-not-allowed", title, title)
        .with("pirep_id", flight.tracking.clone())
        .with("state", flight.state.phpvms_code())
}

/// `POST /flights/cancel`: abandons the named flight, or (the client's
/// empty body) the pilot's flight in progress; the booking stays.
/// Cancelling a cancelled flight is done; a filed one cannot be cancelled.
pub async fn cancel(
    State(state): State<AppState>,
    caller: AcarsPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let flight = match input::tracking_id(&body) {
        Some(tracking) => own_flight(&state, &caller, &tracking, true).await?,
        None => in_progress(&state, &caller).await?,
    }
    .ok_or_else(nothing_to_cancel)?;
    match lifecycle::cancel(&state.db, caller.org, flight.id).await? {
        Cancelled::Done => Ok(cancelled()),
        Cancelled::Filed(now) => Err(cancel_not_allowed(&Tracked { state: now, ..flight })),
    }
}
