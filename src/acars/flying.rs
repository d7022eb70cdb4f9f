//! Flying a booking: start, update (positions, alone or in batches),
//! complete (files the PIREP) and cancel. A pilot touches only their own
//! flights; another pilot's tracking id is unknown to them (404).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::error::AcarsJson;
use super::flights::{eligible, own_booking};
use super::{AcarsError, AcarsPilot};
use crate::app::AppState;
use crate::domain::flight::{status_for_phase, track_distance_nm};
use crate::domain::pirep::{points_for, PirepAction, PirepState};
use crate::domain::{PirepId, Timestamp};
use crate::storage::pireps::{
    self, FlightReport, NewPosition, Reported, TransitionError, SOURCE_ACARS,
};

/// Positions one `update` may carry.
const MAX_BATCH: usize = 500;

/// A flight of the caller, as found by its tracking id.
struct Tracked {
    id: PirepId,
    state: PirepState,
    digest: Option<String>,
}

/// The 409 the client gets for a flight that is no longer in progress.
fn not_in_progress(flight: &Tracked) -> AcarsError {
    AcarsError::new(StatusCode::CONFLICT, "This flight is not in progress.")
        .with("state", flight.state.as_str())
        .with("pirep_id", flight.id.0.to_string())
}

/// The tracking id a body names (`uuid` or `tracking_id`, text or number).
fn tracking_id(body: &Map<String, Value>) -> Option<String> {
    ["uuid", "tracking_id"].iter().find_map(|field| match body.get(*field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

async fn own_flight(
    state: &AppState,
    caller: &AcarsPilot,
    tracking: &str,
) -> Result<Tracked, AcarsError> {
    let writer = state.db.writer();
    find_flight(writer, caller, "tracking_id = $3", tracking.to_string()).await
}

/// A flight of the caller read again by id, after a concurrent change.
async fn reread(state: &AppState, caller: &AcarsPilot, id: PirepId) -> Result<Tracked, AcarsError> {
    find_flight(state.db.writer(), caller, "id = $3", id.0).await
}

/// A flight of the caller. Read from the writer where its state must be
/// current; `update` reads a replica, as storing its report re-checks.
async fn find_flight<T>(
    pool: &sqlx::AnyPool,
    caller: &AcarsPilot,
    condition: &str,
    value: T,
) -> Result<Tracked, AcarsError>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
{
    let row: Option<(i64, String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT id, state, last_report_digest FROM pireps \
         WHERE org_id = $1 AND pilot_id = $2 AND {condition}"
    ))
    .bind(caller.org.0)
    .bind(caller.pilot.id.0)
    .bind(value)
    .fetch_optional(pool)
    .await?;
    let (id, flight_state, digest) =
        row.ok_or_else(|| AcarsError::new(StatusCode::NOT_FOUND, "Flight not found."))?;
    let state = flight_state.parse().map_err(|_| {
        AcarsError::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.")
    })?;
    Ok(Tracked { id: PirepId(id), state, digest })
}

/// The pilot's flight in progress, if any.
async fn flight_in_progress(
    state: &AppState,
    caller: &AcarsPilot,
) -> Result<Option<i64>, AcarsError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM pireps WHERE org_id = $1 AND pilot_id = $2 \
         AND state = 'in_progress'",
    )
    .bind(caller.org.0)
    .bind(caller.pilot.id.0)
    .fetch_optional(state.db.writer())
    .await?)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Start {
    /// The booking to fly; none: the pilot's latest booking.
    bid_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Started {
    tracking_id: String,
}

/// `POST /flights/start`: a flight of one of the pilot's bookings, with its
/// pinned aircraft or the first eligible one. One flight at a time per
/// pilot and per aircraft.
pub async fn start(
    State(state): State<AppState>,
    caller: AcarsPilot,
    AcarsJson(input): AcarsJson<Start>,
) -> Result<Json<Started>, AcarsError> {
    if let Some(id) = flight_in_progress(&state, &caller).await? {
        return Err(AcarsError::new(
            StatusCode::CONFLICT,
            "You already have a flight in progress.",
        )
        .with("state", PirepState::InProgress.as_str())
        .with("pirep_id", id.to_string()));
    }
    let bid =
        match input.bid_id {
            Some(bid) => bid,
            None => sqlx::query_scalar(
                "SELECT MAX(id) FROM bookings WHERE org_id = $1 AND pilot_id = $2",
            )
            .bind(caller.org.0)
            .bind(caller.pilot.id.0)
            .fetch_one(state.db.reader())
            .await
            .map(|max: Option<i64>| max)?
            .ok_or_else(|| AcarsError::new(StatusCode::NOT_FOUND, "You have no booking to fly."))?,
        };
    let booking = own_booking(&state, &caller, bid).await?;
    let eligible = eligible(&state, &caller, bid).await?;
    let aircraft = match booking.aircraft {
        Some(pinned) if eligible.iter().any(|a| a.id == pinned) => pinned,
        Some(_) => {
            return Err(AcarsError::new(
                StatusCode::CONFLICT,
                "The booking's aircraft is not available: another pilot is flying it.",
            ))
        }
        None => eligible.first().map(|a| a.id).ok_or_else(|| {
            AcarsError::invalid("No aircraft this booking may be flown with is available.")
        })?,
    };
    let tracking = uuid::Uuid::new_v4().to_string();
    let now = Timestamp::now().to_db();
    let inserted = sqlx::query(
        "INSERT INTO pireps (org_id, pilot_id, airline_id, schedule_id, booking_id, aircraft_id, \
         flight_number, departure_airport_id, arrival_airport_id, route, flight_level, state, \
         source, phase, tracking_id, created_at, updated_at, last_report_at) \
         SELECT b.org_id, b.pilot_id, s.airline_id, s.id, b.id, $1, s.flight_number, \
         s.departure_airport_id, s.arrival_airport_id, s.route, s.flight_level, 'in_progress', \
         $2, 'initiated', $3, $4, $4, $4 \
         FROM bookings b JOIN schedules s ON s.id = b.schedule_id \
         WHERE b.org_id = $5 AND b.pilot_id = $6 AND b.id = $7",
    )
    .bind(aircraft)
    .bind(SOURCE_ACARS)
    .bind(&tracking)
    .bind(&now)
    .bind(caller.org.0)
    .bind(caller.pilot.id.0)
    .bind(bid)
    .execute(state.db.writer())
    .await;
    match inserted {
        Ok(done) if done.rows_affected() == 1 => Ok(Json(Started { tracking_id: tracking })),
        Ok(_) => Err(AcarsError::new(StatusCode::NOT_FOUND, "Booking not found.")),
        // Another start won the race (one flight per pilot and per aircraft).
        Err(e) if crate::storage::is_unique_violation(&e) => Err(AcarsError::new(
            StatusCode::CONFLICT,
            "A flight is already in progress for you or this aircraft.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// One position report as the client sends it, checked field by field.
fn position(
    report: &Map<String, Value>,
    at: Option<Timestamp>,
    name: &dyn Fn(&str) -> String,
) -> Result<NewPosition, AcarsError> {
    let number =
        |field: &str| -> Result<Option<f64>, AcarsError> {
            match report.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => {
                    n.as_f64().filter(|n| n.is_finite()).map(Some).ok_or_else(|| {
                        AcarsError::invalid(format!("{} must be a number", name(field)))
                    })
                }
                Some(Value::String(s)) => {
                    s.trim().parse::<f64>().ok().filter(|n| n.is_finite()).map(Some).ok_or_else(
                        || AcarsError::invalid(format!("{} must be a number", name(field))),
                    )
                }
                Some(_) => Err(AcarsError::invalid(format!("{} must be a number", name(field)))),
            }
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
    let speed = |field: &str| -> Result<Option<f64>, AcarsError> {
        match number(field)? {
            Some(v) if v < 0.0 => {
                Err(AcarsError::invalid(format!("{} must not be negative", name(field))))
            }
            v => Ok(v),
        }
    };
    let phase = match report.get("phase") {
        None | Some(Value::Null) => "enroute",
        Some(Value::String(p)) => status_for_phase(p),
        Some(_) => return Err(AcarsError::invalid(format!("{} must be text", name("phase")))),
    };
    Ok(NewPosition {
        recorded_at: at.unwrap_or_else(Timestamp::now),
        phase,
        latitude: within("latitude", required("latitude")?, -90.0, 90.0)?,
        longitude: within("longitude", required("longitude")?, -180.0, 180.0)?,
        heading: within("heading", number("heading")?.unwrap_or(0.0), 0.0, 360.0)?,
        altitude: within("altitude", required("altitude")?, -2_000.0, 100_000.0)?,
        altitude_agl: number("altitude_agl")?,
        vertical_speed: number("vertical_speed")?,
        ground_speed: speed("ground_speed")?,
        indicated_airspeed: speed("indicated_airspeed")?,
        distance_remaining: speed("distance_remaining")?,
    })
}

/// A time as the client may send it: RFC 3339 text or Unix seconds.
fn timestamp(value: Option<&Value>, field: &str) -> Result<Option<Timestamp>, AcarsError> {
    let parsed = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => {
            Timestamp::try_from(s.trim().to_string()).ok().or_else(|| unix(s.trim().parse().ok()))
        }
        Some(Value::Number(n)) => unix(n.as_f64()),
        Some(_) => None,
    };
    parsed.map(Some).ok_or_else(|| {
        AcarsError::invalid(format!("{field} must be an RFC 3339 time or Unix seconds"))
    })
}

fn unix(seconds: Option<f64>) -> Option<Timestamp> {
    let micros = seconds.filter(|s| s.is_finite() && *s >= 0.0)? * 1e6;
    chrono::DateTime::from_timestamp_micros(micros as i64).map(Timestamp)
}

/// What identifies a single report sent without a time, so a re-send of it
/// is stored once.
fn digest(p: &NewPosition) -> String {
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

/// `POST /flights/update`: one position (the client's usual call) or a
/// batch in `positions`, each with its `timestamp`, stored in one
/// transaction. 409 with the flight's state once it is not in progress.
pub async fn update(
    State(state): State<AppState>,
    caller: AcarsPilot,
    AcarsJson(body): AcarsJson<Value>,
) -> Result<Json<Value>, AcarsError> {
    let body =
        body.as_object().ok_or_else(|| AcarsError::invalid("the body must be a JSON object"))?;
    let tracking = tracking_id(body).ok_or_else(|| {
        AcarsError::new(StatusCode::BAD_REQUEST, "uuid or tracking_id is required")
    })?;
    let (positions, single) = match body.get("positions") {
        None | Some(Value::Null) => {
            let at = timestamp(body.get("timestamp"), "timestamp")?;
            let report = position(body, at, &|field| field.to_string())?;
            (vec![report], at.is_none())
        }
        Some(Value::Array(batch)) if batch.len() <= MAX_BATCH => {
            let mut positions = Vec::with_capacity(batch.len());
            for (n, report) in batch.iter().enumerate() {
                let name = |field: &str| format!("positions[{n}].{field}");
                let report = report.as_object().ok_or_else(|| {
                    AcarsError::invalid(format!("positions[{n}] must be an object"))
                })?;
                let at =
                    timestamp(report.get("timestamp"), &name("timestamp"))?.ok_or_else(|| {
                        AcarsError::invalid(format!("{} is required", name("timestamp")))
                    })?;
                positions.push(position(report, Some(at), &name)?);
            }
            (positions, false)
        }
        Some(_) => {
            return Err(AcarsError::invalid(format!(
                "positions must be a list of at most {MAX_BATCH} reports"
            )))
        }
    };
    let lookup = "tracking_id = $3";
    let flight = find_flight(state.db.reader(), &caller, lookup, tracking.clone()).await?;
    if flight.state != PirepState::InProgress {
        return Err(not_in_progress(&flight));
    }
    // The latest report names the phase the flight is in.
    let phase = positions.iter().max_by_key(|p| p.recorded_at).map_or("enroute", |p| p.phase);
    let digest = single.then(|| digest(&positions[0]));
    let resent = digest.is_some() && digest == flight.digest;
    let positions = if resent { vec![] } else { positions };
    let report = FlightReport { org: caller.org, pirep: flight.id, phase, positions, digest };
    match state.reports.store(report).await? {
        Reported::Stored(stored) => Ok(Json(json!({ "status": 200, "stored": stored }))),
        // Completed or cancelled since we looked.
        Reported::NotInProgress => Err(not_in_progress(&reread(&state, &caller, flight.id).await?)),
    }
}

/// A log line as the client sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LogLine {
    event: String,
    /// RFC 3339 or Unix seconds; none: now.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    timestamp: Option<Value>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Complete {
    uuid: Option<Value>,
    tracking_id: Option<Value>,
    /// Feet per minute at touchdown.
    landing_rate: f64,
    fuel_used: f64,
    /// Hours.
    flight_time: f64,
    zfw: Option<f64>,
    block_fuel: Option<f64>,
    block_time: Option<f64>,
    level: Option<i64>,
    /// Text or a list of waypoints.
    #[schema(value_type = Option<String>)]
    route: Option<Value>,
    #[serde(default)]
    flight_log: Vec<LogLine>,
    #[serde(default)]
    flight_data: Vec<LogLine>,
    #[serde(default)]
    #[schema(value_type = Object)]
    additional_fields: Map<String, Value>,
    /// Text, or objects with a `comment`.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    comments: Vec<Value>,
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Filed {
    pirep_id: String,
    flight_number: String,
    /// `DEP - ARR`.
    route: String,
    aircraft: Option<String>,
    aircraft_icao: Option<String>,
    registration: Option<String>,
    airline: String,
    airline_icao: String,
}

async fn filed(state: &AppState, caller: &AcarsPilot, id: PirepId) -> Result<Filed, AcarsError> {
    Ok(sqlx::query_as(
        "SELECT CAST(p.id AS TEXT) AS pirep_id, p.flight_number, \
         d.icao || ' - ' || a.icao AS route, c.name AS aircraft, c.icao AS aircraft_icao, \
         c.registration, l.name AS airline, l.icao AS airline_icao \
         FROM pireps p JOIN airlines l ON l.id = p.airline_id \
         JOIN airports d ON d.id = p.departure_airport_id \
         JOIN airports a ON a.id = p.arrival_airport_id \
         LEFT JOIN aircraft c ON c.id = p.aircraft_id WHERE p.org_id = $1 AND p.id = $2",
    )
    .bind(caller.org.0)
    .bind(id.0)
    .fetch_one(state.db.writer())
    .await?)
}

/// Text of a field value as it is kept (custom fields are text).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The checked parts of a completion, ready to store.
struct Filing {
    log: Vec<(Timestamp, String)>,
    fields: Vec<(String, String)>,
    comments: Vec<String>,
    route: Option<String>,
}

fn check_completion(input: &Complete, headers: &HeaderMap) -> Result<Filing, AcarsError> {
    let invalid = |m: &str| Err(AcarsError::invalid(m));
    if !input.landing_rate.is_finite() || input.landing_rate.abs() > 5_000.0 {
        return invalid("landing_rate must be within ±5,000 ft/min");
    }
    if !input.fuel_used.is_finite() || input.fuel_used < 0.0 {
        return invalid("fuel_used must not be negative");
    }
    if !input.flight_time.is_finite() || !(0.0..=48.0).contains(&input.flight_time) {
        return invalid("flight_time must be 0-48 hours");
    }
    if input.level.is_some_and(|l| !(0..=100_000).contains(&l)) {
        return invalid("level must be 0-100,000");
    }
    for (field, value) in
        [("zfw", input.zfw), ("block_fuel", input.block_fuel), ("block_time", input.block_time)]
    {
        if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(AcarsError::invalid(format!("{field} must not be negative")));
        }
    }
    let route = match &input.route {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(Value::Array(points)) => Some(points.iter().map(text).collect::<Vec<_>>().join(" ")),
        Some(_) => return invalid("route must be text or a list of waypoints"),
    };
    if route.as_ref().is_some_and(|r| r.len() > 4_000) {
        return invalid("route must be at most 4,000 characters");
    }
    let lines: Vec<&LogLine> = input.flight_log.iter().chain(&input.flight_data).collect();
    if lines.len() > 10_000 {
        return invalid("flight_log must have at most 10,000 lines");
    }
    let mut log = Vec::with_capacity(lines.len());
    for (n, line) in lines.into_iter().enumerate() {
        if line.event.len() > 2_000 {
            return Err(AcarsError::invalid(format!("flight_log[{n}].event is too long")));
        }
        let at = timestamp(line.timestamp.as_ref(), &format!("flight_log[{n}].timestamp"))?;
        log.push((at.unwrap_or_else(Timestamp::now), line.event.clone()));
    }
    if input.additional_fields.len() > 100 {
        return invalid("additional_fields must have at most 100 fields");
    }
    let mut fields = Vec::new();
    for (name, value) in &input.additional_fields {
        let value = text(value);
        if name.trim().is_empty() || name.len() > 100 || value.len() > 2_000 {
            return Err(AcarsError::invalid(format!(
                "additional_fields.{name}: names are 1-100 characters, values at most 2,000"
            )));
        }
        fields.push((name.trim().to_string(), value));
    }
    for (name, value) in
        [("ZFW", input.zfw), ("Block Fuel", input.block_fuel), ("Block Time", input.block_time)]
    {
        if let Some(value) = value {
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
    if input.comments.len() > 50 {
        return invalid("comments must have at most 50 entries");
    }
    let mut comments = Vec::new();
    for (n, comment) in input.comments.iter().enumerate() {
        let body = match comment {
            Value::String(s) => s.clone(),
            Value::Object(o) => {
                o.get("comment").or_else(|| o.get("body")).map(text).unwrap_or_default()
            }
            _ => String::new(),
        };
        if body.trim().is_empty() || body.len() > 2_000 {
            return Err(AcarsError::invalid(format!(
                "comments[{n}] must be text of 1-2,000 characters"
            )));
        }
        comments.push(body);
    }
    Ok(Filing { log, fields, comments, route })
}

/// The answer to a completion of a flight no longer in progress: the PIREP
/// it was filed as (a retry), or 409 when it was cancelled.
async fn answer_again(
    state: &AppState,
    caller: &AcarsPilot,
    flight: &Tracked,
) -> Result<Json<Filed>, AcarsError> {
    match flight.state {
        PirepState::Cancelled => Err(not_in_progress(flight)),
        _ => Ok(Json(filed(state, caller, flight.id).await?)),
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
    AcarsJson(input): AcarsJson<Complete>,
) -> Result<Json<Filed>, AcarsError> {
    let ids = Map::from_iter(
        [("uuid", &input.uuid), ("tracking_id", &input.tracking_id)]
            .into_iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v))),
    );
    let tracking = tracking_id(&ids).ok_or_else(|| {
        AcarsError::new(StatusCode::BAD_REQUEST, "uuid or tracking_id is required")
    })?;
    let filing = check_completion(&input, &headers)?;
    let flight = own_flight(&state, &caller, &tracking).await?;
    if flight.state != PirepState::InProgress {
        return answer_again(&state, &caller, &flight).await;
    }
    let (org, id) = (caller.org, flight.id);
    let mut tx = state.db.begin().await?;
    match pireps::apply(&mut tx, org, id, PirepAction::File, None).await {
        Ok(_) => {}
        // Filed or cancelled by a concurrent call: answer as for a retry.
        Err(TransitionError::Illegal(_)) => {
            drop(tx);
            return answer_again(&state, &caller, &reread(&state, &caller, id).await?).await;
        }
        Err(TransitionError::NotFound) => {
            return Err(AcarsError::new(StatusCode::NOT_FOUND, "Flight not found."))
        }
        Err(TransitionError::Database(e)) => return Err(e.into()),
    }
    let distance = track_distance_nm(&pireps::track(&mut tx, org, id).await?);
    let landing_rate = Some(input.landing_rate);
    sqlx::query(
        "UPDATE pireps SET landing_rate = $1, fuel_used = $2, flight_minutes = $3, \
         distance_nm = $4, points = $5, flight_level = COALESCE($6, flight_level), \
         route = COALESCE($7, route) WHERE org_id = $8 AND id = $9",
    )
    .bind(input.landing_rate)
    .bind(input.fuel_used)
    .bind((input.flight_time * 60.0).round() as i64)
    .bind(distance)
    .bind(points_for(distance, landing_rate))
    .bind(input.level)
    .bind(filing.route.as_deref())
    .bind(org.0)
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    for (at, line) in &filing.log {
        pireps::add_log_line(&mut tx, org, id, *at, line).await?;
    }
    for (name, value) in &filing.fields {
        pireps::set_field(&mut tx, org, id, name, value).await?;
    }
    for comment in &filing.comments {
        pireps::add_comment(&mut tx, org, id, &caller.pilot.ident, comment).await?;
    }
    sqlx::query(
        "DELETE FROM bookings WHERE org_id = $1 AND id = (SELECT booking_id FROM pireps WHERE id = $2)",
    )
    .bind(org.0)
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    pireps::submitted(&mut tx, org, id).await?;
    tx.commit().await?;
    Ok(Json(filed(&state, &caller, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Cancel {
    #[schema(value_type = Option<String>)]
    uuid: Option<Value>,
    #[schema(value_type = Option<String>)]
    tracking_id: Option<Value>,
}

/// `POST /flights/cancel`: abandons the named flight, or the pilot's flight
/// in progress; the booking stays. Cancelling a cancelled flight is done.
pub async fn cancel(
    State(state): State<AppState>,
    caller: AcarsPilot,
    AcarsJson(input): AcarsJson<Cancel>,
) -> Result<Json<Value>, AcarsError> {
    let ids = Map::from_iter(
        [("uuid", input.uuid), ("tracking_id", input.tracking_id)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v))),
    );
    let flight = match tracking_id(&ids) {
        Some(tracking) => own_flight(&state, &caller, &tracking).await?,
        None => {
            let id = flight_in_progress(&state, &caller)
                .await?
                .ok_or_else(|| AcarsError::new(StatusCode::NOT_FOUND, "No flight in progress."))?;
            reread(&state, &caller, PirepId(id)).await?
        }
    };
    match flight.state {
        PirepState::Cancelled => return Ok(Json(json!({ "status": 200 }))),
        PirepState::InProgress => {}
        _ => return Err(not_in_progress(&flight)),
    }
    let mut tx = state.db.begin().await?;
    match pireps::apply(&mut tx, caller.org, flight.id, PirepAction::Cancel, None).await {
        Ok(_) => {
            let line = "Cancelled by the pilot";
            pireps::add_log_line(&mut tx, caller.org, flight.id, Timestamp::now(), line).await?;
            tx.commit().await?;
            Ok(Json(json!({ "status": 200 })))
        }
        Err(TransitionError::Database(e)) => Err(e.into()),
        Err(_) => {
            drop(tx);
            let flight = reread(&state, &caller, flight.id).await?;
            match flight.state {
                PirepState::Cancelled => Ok(Json(json!({ "status": 200 }))),
                _ => Err(not_in_progress(&flight)),
            }
        }
    }
}
