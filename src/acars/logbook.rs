//! The Stratos Logbook add-on's routes (`/logbook/pireps`, `/pireps/{id}`,
//! `/stats`) under the same key, so the client's logbook page works: the
//! pilot's filed flights, one with its track and log, and their totals.

use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};

use super::input::{self, Input};
use super::{AcarsError, AcarsPilot};
use crate::domain::{PirepId, Timestamp};
use crate::state::AppState;
use crate::storage::tracker::{self, LogbookEntry, LogbookQuery, LogbookSort};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogbookItem {
    /// The tracking id (the PIREP's number for one filed without a tracker).
    id: String,
    /// When it was filed, ISO 8601.
    date: String,
    dep_icao: String,
    arr_icao: String,
    /// The airline's ICAO code and the flight number.
    callsign: String,
    aircraft_icao: Option<String>,
    aircraft_reg: Option<String>,
    duration_min: i64,
    distance_nm: i64,
    landing_rate_fpm: i64,
    /// `pending`, `accepted` or `rejected`.
    status: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogbookPage {
    items: Vec<LogbookItem>,
    total: i64,
    limit: i64,
    offset: i64,
}

fn status_slug(state: &str) -> &'static str {
    match state {
        "accepted" => "accepted",
        "rejected" | "invalidated" => "rejected",
        _ => "pending",
    }
}

/// A time as PHP's `toIso8601String` writes it.
fn iso8601(text: &str) -> String {
    match Timestamp::try_from(text.to_string()) {
        Ok(t) => t.0.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
        Err(_) => text.to_string(),
    }
}

impl From<&LogbookEntry> for LogbookItem {
    fn from(p: &LogbookEntry) -> LogbookItem {
        LogbookItem {
            id: p.tracking_id.clone().unwrap_or_else(|| p.id.to_string()),
            date: iso8601(p.submitted_at.as_deref().unwrap_or(&p.created_at)),
            dep_icao: p.departure_icao.clone(),
            arr_icao: p.arrival_icao.clone(),
            callsign: format!("{}{}", p.airline_icao, p.flight_number),
            aircraft_icao: p.aircraft_icao.clone(),
            aircraft_reg: p.registration.clone(),
            duration_min: p.flight_minutes,
            distance_nm: p.distance_nm as i64,
            landing_rate_fpm: p.landing_rate.unwrap_or(0.0).round() as i64,
            status: status_slug(&p.state).to_string(),
        }
    }
}

/// The add-on validates its query as Laravel does; a failure is phpVMS's
/// 400 validation problem, naming each field.
struct Validation(Map<String, Value>);

impl Validation {
    fn fail(&mut self, field: &str, message: String) {
        self.0.insert(field.to_string(), Value::Array(vec![Value::String(message)]));
    }

    fn into_result(self) -> Result<(), AcarsError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let details: Vec<String> = self
            .0
            .values()
            .filter_map(|messages| messages[0].as_str().map(str::to_owned))
            .collect();
        let details = details.join(", ");
        let kind = "validation-exception";
        Err(AcarsError::phpvms(StatusCode::BAD_REQUEST, kind, "Validation Error", &details)
            .with("errors", Value::Object(self.0)))
    }
}

/// An integer query field within `low..=high`, as Laravel's `integer|min|max`.
fn integer(
    query: &Map<String, Value>,
    field: &str,
    low: i64,
    high: i64,
    errors: &mut Validation,
) -> Option<i64> {
    let value = input::present(query, field)?;
    match input::as_number(value).filter(|n| n.fract() == 0.0).map(|n| n as i64) {
        None => errors.fail(field, format!("The {field} field must be an integer.")),
        Some(n) if n < low => {
            errors.fail(field, format!("The {field} field must be at least {low}."))
        }
        Some(n) if n > high => {
            errors.fail(field, format!("The {field} field must not be greater than {high}."))
        }
        Some(n) => return Some(n),
    }
    None
}

/// A query field that must be one of `choices`, as Laravel's `in:`.
fn choice<'c>(
    query: &Map<String, Value>,
    field: &str,
    choices: &[&'c str],
    errors: &mut Validation,
) -> Option<&'c str> {
    let value = input::present(query, field)?;
    let found = value.as_str().and_then(|v| choices.iter().find(|c| **c == v).copied());
    if found.is_none() {
        errors.fail(field, format!("The selected {field} is invalid."));
    }
    found
}

/// `GET /logbook/pireps`: the pilot's filed flights, newest first by
/// default; `limit` 1-100 (25), `offset`, `sort`, `order`, `q` (part of the
/// flight number or an airport), `status`.
pub async fn pireps(
    State(state): State<AppState>,
    caller: AcarsPilot,
    Input(query): Input,
) -> Result<Json<LogbookPage>, AcarsError> {
    let mut errors = Validation(Map::new());
    let limit = integer(&query, "limit", 1, 100, &mut errors).unwrap_or(25);
    let offset = integer(&query, "offset", 0, i64::MAX / 2, &mut errors).unwrap_or(0);
    let sorts = ["date", "route", "aircraft", "duration", "distance", "landing_rate", "status"];
    let sort = match choice(&query, "sort", &sorts, &mut errors).unwrap_or("date") {
        "route" => LogbookSort::Route,
        "aircraft" => LogbookSort::Aircraft,
        "duration" => LogbookSort::Duration,
        "distance" => LogbookSort::Distance,
        "landing_rate" => LogbookSort::LandingRate,
        "status" => LogbookSort::Status,
        _ => LogbookSort::Date,
    };
    let descending = choice(&query, "order", &["asc", "desc"], &mut errors) != Some("asc");
    let text = match input::present(&query, "q") {
        Some(Value::String(q)) if q.chars().count() <= 80 => Some(q.clone()),
        Some(Value::String(_)) => {
            errors.fail("q", "The q field must not be greater than 80 characters.".into());
            None
        }
        Some(_) => {
            errors.fail("q", "The q field must be a string.".into());
            None
        }
        None => None,
    };
    let states: &'static [&'static str] =
        match choice(&query, "status", &["pending", "accepted", "rejected"], &mut errors) {
            Some("pending") => &["submitted"],
            Some("accepted") => &["accepted"],
            Some("rejected") => &["rejected", "invalidated"],
            _ => &[],
        };
    errors.into_result()?;
    let request =
        LogbookQuery { states, text, sort, descending, limit, offset, ..LogbookQuery::default() };
    let (entries, total) =
        tracker::logbook(&state.db, caller.org, caller.pilot.id, &request).await?;
    Ok(Json(LogbookPage {
        items: entries.iter().map(LogbookItem::from).collect(),
        total,
        limit,
        offset,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoutePoint {
    /// Milliseconds since the first point.
    t: i64,
    lat: f64,
    lon: f64,
    alt_ft: i64,
    spd_kt: i64,
    hdg_deg: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogEntry {
    /// Milliseconds since the first line.
    t: i64,
    /// `info`, `warning` or `error`, read from the words of the line.
    level: String,
    message: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogbookDetail {
    #[serde(flatten)]
    item: LogbookItem,
    block_time_min: i64,
    air_time_min: i64,
    /// The fuel used as filed (the add-on sends phpVMS's stored number).
    fuel_used_kg: i64,
    cruise_alt_ft: i64,
    max_speed_kt: i64,
    violations: i64,
    simulator: String,
    network: String,
    route: Vec<RoutePoint>,
    log: Vec<LogEntry>,
}

/// Milliseconds from `first` to `at`, never negative.
fn since(first: Option<Timestamp>, at: &str, n: usize) -> i64 {
    match (first, Timestamp::try_from(at.to_string())) {
        (Some(first), Ok(at)) => (at.0 - first.0).num_seconds().max(0) * 1000,
        _ => n as i64 * 1000,
    }
}

/// The add-on's reading of a log line's severity.
fn level(message: &str) -> &'static str {
    let m = message.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if any(&["overspeed", "stall", "hard landing", "connection lost", "exceeded"]) {
        "error"
    } else if any(&["slew", "simulation rate", "reconnected", "early"]) {
        "warning"
    } else {
        "info"
    }
}

/// `GET /logbook/pireps/{id}`: one filed flight with its track and log.
pub async fn pirep(
    State(state): State<AppState>,
    caller: AcarsPilot,
    params: RawPathParams,
) -> Result<Json<LogbookDetail>, AcarsError> {
    let not_found = || AcarsError::message(StatusCode::NOT_FOUND, "Not found");
    let id = super::path_param(&params, "id").ok_or_else(not_found)?;
    let entry = tracker::logbook_entry(&state.db, caller.org, caller.pilot.id, id)
        .await?
        .ok_or_else(not_found)?;
    let pirep = PirepId(entry.id);
    let points = tracker::track_points(&state.db, caller.org, pirep).await?;
    let first = points.first().and_then(|p| Timestamp::try_from(p.recorded_at.clone()).ok());
    let route: Vec<RoutePoint> = points
        .iter()
        .enumerate()
        .map(|(n, p)| RoutePoint {
            t: since(first, &p.recorded_at, n),
            lat: p.latitude,
            lon: p.longitude,
            alt_ft: p.altitude.round() as i64,
            spd_kt: p.ground_speed.unwrap_or(0.0).round() as i64,
            hdg_deg: p.heading.round() as i64,
        })
        .collect();
    let lines = tracker::log_lines(&state.db, caller.org, pirep).await?;
    let first = lines.first().and_then(|(at, _)| Timestamp::try_from(at.clone()).ok());
    let log = lines
        .iter()
        .enumerate()
        .filter(|(_, (_, message))| !message.is_empty())
        .map(|(n, (at, message))| LogEntry {
            t: since(first, at, n),
            level: level(message).to_string(),
            message: message.clone(),
        })
        .collect();
    Ok(Json(LogbookDetail {
        item: LogbookItem::from(&entry),
        block_time_min: entry.flight_minutes,
        air_time_min: entry.flight_minutes,
        fuel_used_kg: entry.fuel_used.unwrap_or(0.0).round() as i64,
        cruise_alt_ft: route.iter().map(|p| p.alt_ft).max().unwrap_or(0),
        max_speed_kt: route.iter().map(|p| p.spd_kt).max().unwrap_or(0),
        violations: 0,
        simulator: entry.source.clone(),
        network: String::new(),
        route,
        log,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogbookStats {
    total_flights: i64,
    flights_this_month: i64,
    /// Hours, one decimal.
    hours_flown: f64,
    hours_this_year: f64,
    distance_nm: i64,
    avg_landing_fpm: i64,
    /// The rank's name; "" without a rank.
    rank: String,
    rank_image: String,
}

/// `GET /logbook/stats`: the pilot's totals of accepted flying.
pub async fn stats(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<LogbookStats>, AcarsError> {
    let now = Timestamp::now().0;
    let (month, year) = (now.format("%Y-%m").to_string(), now.format("%Y").to_string());
    let p = &caller.pilot;
    let totals = tracker::logbook_totals(&state.db, caller.org, p.id, &month, &year).await?;
    let rank = super::pilot::rank(&state, &caller).await?;
    let tenths = |minutes: i64| (minutes as f64 / 60.0 * 10.0).round() / 10.0;
    Ok(Json(LogbookStats {
        total_flights: p.flights,
        flights_this_month: totals.flights_this_month,
        hours_flown: tenths(p.flight_minutes),
        hours_this_year: tenths(totals.minutes_this_year.unwrap_or(0)),
        distance_nm: totals.distance_nm.unwrap_or(0.0) as i64,
        avg_landing_fpm: totals.average_landing_rate.unwrap_or(0.0).floor() as i64,
        rank: rank.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
        rank_image: rank.and_then(|r| r.image_url).unwrap_or_default(),
    }))
}
