//! The smartCARS 3 Public API (1.0.2, `contracts/`) under `/api/smartcars`,
//! as the phpVMS 7 handler module (invernyx/smartcars-3-phpvms7-api)
//! answers it: camelCase bodies without an envelope, `{"message"}` errors,
//! the statuses the spec documents. The session is the pilot's ACARS key,
//! so the same key flies on `/api/stratos` too. Everything goes through the
//! flight core (`flights::lifecycle`, `flights::filing`, the report
//! writer); where Airside is stricter than the module, `docs/smartcars.md`
//! says so. Served under an org's tracker URL as well.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Extensions, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::auth::TrackerOrg;
use super::input::{self, Input};
use super::{AcarsError, AcarsPilot};
use crate::domain::pirep::{FlightFacts, PirepState};
use crate::domain::usage::{Credential, CredentialKind};
use crate::domain::{PirepId, Timestamp};
use crate::flights::filing::{self, FilingError, TrackedFiling};
use crate::flights::lifecycle::{
    self, BookError, BookingChange, Cancelled, Charter, CharterError, Flyer, StartError,
    TrackingStyle,
};
use crate::http::rate_limit::{SignInLimit, PILOT_SIGN_IN};
use crate::state::AppState;
use crate::storage::fleet::Subfleet;
use crate::storage::pilots::{self, KeyHolder};
use crate::storage::pireps::{FlightReport, Reported};
use crate::storage::tracker::{self, LogbookQuery, ScheduleSearch, ScheduledFlight, TrackedFlight};

pub const BASE: &str = "/api/smartcars";
pub const ORG_BASE: &str = "/o/{org}/api/smartcars";
/// The contract served, as published.
pub const SPEC: &str = include_str!("../../contracts/smartcars-3-public-api-1.0.2.json");
/// The spec version the handshake reports.
pub const API_VERSION: &str = "1.0.2";
const SIGN_IN_LABEL: &str = "smartCARS sign-in";
/// What `expiry` says: a session (an ACARS key) lives until it is revoked
/// or replaced; the client verifies it again well before this.
const SESSION_DAYS: i64 = 30;
const SOURCE: &str = "smartcars";

fn fail(status: StatusCode, text: impl Into<String>) -> AcarsError {
    AcarsError::message(status, text)
}

fn bad(text: impl Into<String>) -> AcarsError {
    fail(StatusCode::BAD_REQUEST, text)
}

/// The pilot calling, admitted as on the Stratos surface (key or token,
/// active or on leave, the org's tracker URL, rate limits), refused with
/// smartCARS's `{"message": "Invalid Token"}`.
pub struct ScPilot(AcarsPilot);

impl FromRequestParts<AppState> for ScPilot {
    type Rejection = AcarsError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AcarsError> {
        AcarsPilot::from_request_parts(parts, state)
            .await
            .map(ScPilot)
            .map_err(AcarsError::into_message)
    }
}

impl ScPilot {
    fn flyer(&self) -> Flyer {
        Flyer { org: self.0.org, pilot: self.0.pilot.id, rank: self.0.pilot.rank_id }
    }
}

/// Every route under both bases; `GET` routes answer `POST` too where the
/// module's do.
pub fn build() -> Router<AppState> {
    let routes: [(&str, MethodRouter<AppState>); 25] = [
        ("", get(handshake)),
        ("/", get(handshake)),
        ("/pilot/login", post(login)),
        ("/pilot/resume", post(resume)),
        ("/pilot/verify", post(resume)),
        ("/pilot/statistics", get(statistics)),
        ("/data/aircraft", get(aircraft).post(aircraft)),
        ("/data/airports", get(airports).post(airports)),
        ("/data/subfleets", get(subfleets)),
        ("/data/news", get(news)),
        ("/data/flight_types", get(flight_types)),
        ("/pireps/details", get(pirep_details).post(pirep_details)),
        ("/pireps/search", get(pirep_search).post(pirep_search)),
        ("/pireps/latest", get(pirep_latest).post(pirep_latest)),
        ("/flights/book", post(book)),
        ("/flights/rebook", post(rebook)),
        ("/flights/bookings", get(bookings)),
        ("/flights/charter", post(charter)),
        ("/flights/search", get(search)),
        ("/flights/start", post(start)),
        ("/flights/update", post(update)),
        ("/flights/complete", post(complete)),
        ("/flights/cancel", post(cancel)),
        ("/flights/unbook", post(unbook)),
        ("/flights/prefile", post(start)),
    ];
    let mut router = Router::new();
    for (path, handler) in routes {
        let handler = handler.options(preflight).head(preflight);
        for base in [BASE, ORG_BASE] {
            router = router.route(&format!("{base}{path}"), handler.clone());
        }
    }
    router.layer(middleware::from_fn(headers))
}

/// Never reached: `headers` answers OPTIONS and HEAD first.
async fn preflight() -> StatusCode {
    StatusCode::OK
}

/// The module's `SCHeaders`: OPTIONS and HEAD are answered `null` without
/// running the route; every answer carries its CORS headers.
async fn headers(request: Request, next: Next) -> Response {
    let mut response = match *request.method() {
        Method::OPTIONS | Method::HEAD => {
            ([(header::CONTENT_TYPE, "application/json")], "null").into_response()
        }
        _ => next.run(request).await,
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS, HEAD"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Authorization, X-Requested-With, User-Agent"),
    );
    response
}

async fn handshake(_org: TrackerOrg) -> Json<Value> {
    Json(json!({ "apiVersion": API_VERSION, "handler": "airside" }))
}

/// The spec's `Pilot`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Pilot {
    #[serde(rename = "dbID")]
    db_id: i64,
    #[serde(rename = "pilotID")]
    pilot_id: String,
    first_name: String,
    last_name: String,
    email: String,
    rank: String,
    rank_level: i64,
    rank_image: Option<String>,
    avatar: Option<String>,
    session: String,
    /// Unix seconds.
    expiry: i64,
}

async fn pilot_of(
    state: &AppState,
    holder: &KeyHolder,
    session: String,
) -> Result<Pilot, AcarsError> {
    let caller = AcarsPilot { org: holder.org, pilot: holder.pilot.clone() };
    let rank = super::pilot::rank(state, &caller).await?;
    let p = &holder.pilot;
    Ok(Pilot {
        db_id: p.id.0,
        pilot_id: p.ident.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        email: p.email.clone(),
        rank: rank.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
        rank_level: tracker::ranks_below(&state.db, holder.org, p.rank_id).await?,
        rank_image: rank.and_then(|r| r.image_url),
        avatar: Some(super::pilot::gravatar(&p.email)),
        session,
        expiry: (chrono::Utc::now() + chrono::Duration::days(SESSION_DAYS)).timestamp(),
    })
}

fn note(holder: &KeyHolder) {
    let credential =
        Credential { kind: CredentialKind::PilotApiKey, id: holder.key_id, pilot: None };
    crate::http::request_log::note_caller(holder.org, credential);
}

/// `POST /pilot/login?username=…` with the password in the body: an email,
/// a pilot id or its number, and the password (or the pilot's ACARS key).
async fn login(
    State(state): State<AppState>,
    TrackerOrg(org): TrackerOrg,
    extensions: Extensions,
    headers: HeaderMap,
    Input(input): Input,
) -> Result<Json<Value>, AcarsError> {
    let username = input::text(&input, "username").unwrap_or_default();
    let password = input::text(&input, "password").unwrap_or_default();
    if username.is_empty() || password.is_empty() {
        return Err(bad("username (in the query) and password are required"));
    }
    let proxy = state.config.trusted_proxy;
    let limit = SignInLimit::of_request(PILOT_SIGN_IN, &username, &extensions, &headers, proxy);
    if let Some(retry_after) = limit.blocked(&state.rate_limits).await {
        tracing::warn!(address = %limit.address, "smartCARS login: too many failures");
        return Err(AcarsError::too_many(
            "Too many failed sign-ins. Try again later.",
            retry_after,
        )
        .into_message());
    }
    let found =
        super::login::authenticate(&state, org, &username, &password, SIGN_IN_LABEL).await?;
    let (holder, session) = match found {
        Ok(found) => found,
        Err(reason) => {
            limit.failed(&state.rate_limits).await;
            tracing::warn!(reason, address = %limit.address, "smartCARS login refused");
            return Err(if reason == super::login::MAY_NOT_SIGN_IN {
                fail(StatusCode::CONFLICT, "You have not been confirmed into the airline")
            } else {
                fail(StatusCode::UNAUTHORIZED, "The username or password is incorrect")
            });
        }
    };
    note(&holder);
    Ok(Json(json!(pilot_of(&state, &holder, session).await?)))
}

/// `POST /pilot/resume` and `/pilot/verify`: the session (the ACARS key) in
/// the body is still good; whose it is.
async fn resume(
    State(state): State<AppState>,
    TrackerOrg(org): TrackerOrg,
    Input(input): Input,
) -> Result<Json<Value>, AcarsError> {
    let session = input::text(&input, "session").ok_or_else(|| bad("session is required"))?;
    let refused = || fail(StatusCode::UNAUTHORIZED, "Invalid session");
    let holder = pilots::by_api_key(&state.db, &session).await?.ok_or_else(refused)?;
    if org.is_some_and(|org| org != holder.org) || !holder.pilot.state.can_authenticate() {
        return Err(refused());
    }
    note(&holder);
    Ok(Json(json!(pilot_of(&state, &holder, session).await?)))
}

async fn statistics(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
) -> Result<Json<Value>, AcarsError> {
    let p = &caller.pilot;
    let (filed, average) = tracker::pilot_totals(&state.db, caller.org, p.id).await?;
    Ok(Json(json!({
        "hoursFlown": super::hours(p.flight_minutes),
        "flightsFlown": p.flights,
        "averageLandingRate": (average.unwrap_or(0.0) * 100.0).round() / 100.0,
        "pirepsFiled": filed,
    })))
}

/// `GET|POST /data/aircraft`: every aircraft of the org.
async fn aircraft(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
) -> Result<Json<Value>, AcarsError> {
    let fleet = tracker::fleet(&state.db, caller.org).await?;
    let list: Vec<Value> = fleet
        .into_iter()
        .map(|a| {
            json!({
                "id": a.id,
                "code": a.icao,
                "name": format!("{} ({})", a.name, a.registration),
                "serviceCeiling": "40000",
                "maximumPassengers": a.passengers,
                "maximumCargo": a.cargo_kg,
                "minimumRank": a.minimum_rank.unwrap_or_default(),
            })
        })
        .collect();
    Ok(Json(Value::Array(list)))
}

async fn airports(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
) -> Result<Json<Value>, AcarsError> {
    let airports = tracker::airports(&state.db, caller.org).await?;
    let list: Vec<Value> = airports
        .into_iter()
        .map(|a| {
            json!({ "id": a.id, "code": a.icao, "name": a.name, "latitude": a.latitude, "longitude": a.longitude })
        })
        .collect();
    Ok(Json(Value::Array(list)))
}

/// `GET /data/subfleets`: the org's subfleets with their aircraft.
async fn subfleets(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
) -> Result<Json<Value>, AcarsError> {
    let fleet = tracker::fleet(&state.db, caller.org).await?;
    let subfleets = crate::storage::resource::all::<Subfleet>(&state.db, caller.org, &[]).await?;
    let list: Vec<Value> = subfleets
        .into_iter()
        .map(|s| {
            let aircraft: Vec<i64> =
                fleet.iter().filter(|a| a.subfleet_id == s.id.0).map(|a| a.id).collect();
            json!({
                "id": s.id, "type": s.type_code, "name": s.name,
                "maximumPassengers": s.passengers, "maximumCargo": s.cargo_kg,
                "aircraft": aircraft,
            })
        })
        .collect();
    Ok(Json(Value::Array(list)))
}

/// `GET /data/news`: the latest announcement. The spec asks no session
/// here: without one it is the tracker URL's org's, and under the shared
/// URL (no org known) an empty item, as the spec's answer is always one.
async fn news(
    State(state): State<AppState>,
    TrackerOrg(org): TrackerOrg,
    headers: HeaderMap,
) -> Result<Json<Value>, AcarsError> {
    let key = crate::auth::bearer::token(&headers).filter(|k| !k.trim().is_empty());
    let holder = match key {
        Some(key) => pilots::by_api_key(&state.db, key).await?,
        None => None,
    };
    let org = holder.filter(|h| org.is_none_or(|org| org == h.org)).map(|h| h.org).or(org);
    let latest = match org {
        Some(org) => tracker::announcements(&state.db, org, 1).await?.into_iter().next(),
        None => None,
    };
    Ok(Json(match latest {
        Some(a) => json!({
            "title": a.title,
            "body": a.body,
            "postedAt": Timestamp::try_from(a.published_at.clone()).map(|t| t.to_rfc3339()).unwrap_or(a.published_at),
            "postedBy": "Staff",
        }),
        None => {
            json!({ "title": "", "body": "", "postedAt": Timestamp::now().to_rfc3339(), "postedBy": "" })
        }
    }))
}

async fn flight_types(_caller: ScPilot) -> Json<Value> {
    Json(json!({ "P": "Passenger", "C": "Cargo" }))
}

/// The words of a route string that the spec's waypoint pattern takes
/// (runways, fixes, navaids, airports); airways such as `UL607` are left
/// out of the list.
fn route_words(route: &str) -> Vec<String> {
    route
        .split_whitespace()
        .map(str::to_ascii_uppercase)
        .filter(|w| {
            let upper_run = w.as_bytes().windows(3).any(|t| t.iter().all(u8::is_ascii_uppercase));
            let runway = w
                .trim_end_matches(['L', 'C', 'R'])
                .parse::<u8>()
                .is_ok_and(|n| (1..=36).contains(&n));
            upper_run || runway
        })
        .collect()
}

/// A flight number without the airline's code, letters and digits only.
fn bare_number(number: &str, airline_code: &str, airline_icao: &str) -> String {
    let number = number.trim().to_ascii_uppercase();
    let bare = [airline_icao, airline_code]
        .iter()
        .filter(|code| !code.is_empty())
        .find_map(|code| number.strip_prefix(&code.to_ascii_uppercase()).filter(|r| !r.is_empty()))
        .unwrap_or(&number);
    let clean: String = bare.chars().filter(char::is_ascii_alphanumeric).collect();
    if clean.is_empty() {
        "0".to_string()
    } else {
        clean
    }
}

fn time_of_day(time: &Option<String>) -> String {
    time.as_deref()
        .filter(|t| t.len() >= 4)
        .map(|t| t[..5.min(t.len())].to_string())
        .unwrap_or_else(|| "00:00".into())
}

/// The spec's `BaseFlight` (with the search's `id` or the booking's `bidID`).
fn flight(f: &ScheduledFlight, aircraft: Value) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "code": f.airline_icao,
        "number": bare_number(&f.flight_number, &f.airline_code, &f.airline_icao),
        "type": if f.flight_type == "C" { "C" } else { "P" },
        "departureAirport": f.departure_icao,
        "arrivalAirport": f.arrival_icao,
        "aircraft": aircraft,
        "flightLevel": f.flight_level.clamp(0, 999),
        "distance": f.distance_nm.max(0.0),
        "departureTime": time_of_day(&f.departure_time),
        "arrivalTime": time_of_day(&f.arrival_time),
        "flightTime": super::hours(f.flight_minutes.max(0)),
        "daysOfWeek": days(&f.days_of_week),
        "notes": f.notes,
    }) else {
        unreachable!("a JSON object literal")
    };
    map
}

fn days(days: &str) -> Vec<&'static str> {
    const NAMES: [&str; 7] =
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    NAMES
        .iter()
        .enumerate()
        .filter(|(n, _)| days.contains(&(n + 1).to_string()))
        .map(|(_, d)| *d)
        .collect()
}

/// The aircraft each schedule may be flown with by the caller.
async fn eligible(
    state: &AppState,
    caller: &AcarsPilot,
    schedules: &[i64],
) -> Result<Vec<tracker::EligibleAircraft>, AcarsError> {
    let p = &caller.pilot;
    Ok(tracker::eligible_aircraft(&state.db, caller.org, p.id, p.rank_id, schedules).await?)
}

/// `GET /flights/bookings`: the pilot's bookings; `aircraft` is the pinned
/// aircraft, or every eligible one.
async fn bookings(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
) -> Result<Json<Value>, AcarsError> {
    let found = tracker::bookings(&state.db, caller.org, caller.pilot.id).await?;
    let schedules: Vec<i64> = found.iter().map(|b| b.schedule_id).collect();
    let eligible = eligible(&state, &caller, &schedules).await?;
    let list: Vec<Value> = found
        .iter()
        .map(|b| {
            let aircraft = match b.aircraft_id {
                Some(pinned) => json!(pinned),
                None => json!(eligible
                    .iter()
                    .filter(|a| a.schedule_id == b.schedule_id)
                    .map(|a| a.id)
                    .collect::<Vec<_>>()),
            };
            let mut item = flight(b, aircraft);
            item.insert("bidID".into(), json!(b.id));
            item.insert("flightID".into(), json!(b.schedule_id));
            Value::Object(item)
        })
        .collect();
    Ok(Json(Value::Array(list)))
}

/// A number the client sent, as the module's PHP reads one (numeric text
/// counts); none when absent or not a number.
fn number(fields: &Map<String, Value>, name: &str) -> Option<f64> {
    input::present(fields, name).and_then(input::as_number)
}

/// `GET /flights/search`: active, visible schedules matching every filter
/// given (an airport the org does not have does not filter, as there).
async fn search(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    let org = caller.org;
    let positive = |name: &str| number(&query, name).filter(|n| *n >= 0.0);
    let mut search = ScheduleSearch {
        min_minutes: positive("minimumFlightTime").map(|h| h * 60.0),
        max_minutes: positive("maximumFlightTime").map(|h| h * 60.0),
        min_distance_nm: positive("minimumDistance"),
        max_distance_nm: positive("maximumDistance"),
        callsign: input::text(&query, "callsign").filter(|c| c.len() <= 20),
        limit: 100,
        ..ScheduleSearch::default()
    };
    let departure = input::text(&query, "departureAirport");
    let arrival = input::text(&query, "arrivalAirport");
    let subfleet = input::id(&query, "aircraft");
    super::flights::narrow(&state, org, &mut search, departure, arrival, subfleet).await?;
    let found = tracker::search_schedules(&state.db, org, &search).await?;
    let schedules: Vec<i64> = found.iter().map(|f| f.schedule_id).collect();
    let eligible = eligible(&state, &caller, &schedules).await?;
    let list: Vec<Value> = found
        .iter()
        .map(|f| {
            let ids: Vec<i64> =
                eligible.iter().filter(|a| a.schedule_id == f.schedule_id).map(|a| a.id).collect();
            let mut item = flight(f, json!(ids));
            item.insert("id".into(), json!(f.schedule_id));
            Value::Object(item)
        })
        .collect();
    Ok(Json(Value::Array(list)))
}

/// An id the client sent: a whole number, or text holding one.
fn id(fields: &Map<String, Value>, name: &str) -> Option<i64> {
    number(fields, name).filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < 9e15).map(|n| n as i64)
}

/// `POST /flights/book {flightID, aircraftID?}`.
async fn book(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let flight = id(&body, "flightID").ok_or_else(|| bad("flightID is required"))?;
    let aircraft = match input::present(&body, "aircraftID") {
        None => None,
        Some(_) => Some(id(&body, "aircraftID").ok_or_else(|| bad("aircraftID must be an id"))?),
    };
    match lifecycle::book(&state.db, caller.org, caller.pilot.id, flight, aircraft).await {
        Ok(booking) => Ok(Json(json!({ "bidID": booking.0 }))),
        Err(BookError::Unknown(_, why)) => Err(fail(StatusCode::NOT_FOUND, why)),
        Err(BookError::Database(e)) => Err(e.into()),
    }
}

fn booking_change(change: BookingChange) -> AcarsError {
    match change {
        // Another pilot's booking is not found here either.
        BookingChange::NotFound | BookingChange::NotYours => {
            fail(StatusCode::NOT_FOUND, "Bid not found")
        }
        BookingChange::Started => bad("The flight of this bid has started"),
        BookingChange::NotEligible => bad("This aircraft isn't available for this flight"),
        BookingChange::Database(e) => e.into(),
    }
}

/// `POST /flights/rebook {bidID, aircraft}`: another eligible aircraft for a
/// booking not yet flown. (The spec documents no 404: an unknown bid is 400.)
async fn rebook(
    State(state): State<AppState>,
    pilot: ScPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let bid = id(&body, "bidID").ok_or_else(|| bad("bidID is required"))?;
    let aircraft = id(&body, "aircraft")
        .or_else(|| id(&body, "aircraftID"))
        .ok_or_else(|| bad("aircraft is required"))?;
    match lifecycle::pin_aircraft(&state.db, pilot.flyer(), bid, aircraft).await {
        Ok(booking) => Ok(Json(json!({ "bidID": booking.id }))),
        Err(BookingChange::NotFound | BookingChange::NotYours) => Err(bad("Bid not found")),
        Err(other) => Err(booking_change(other)),
    }
}

/// `POST /flights/charter`: a flight the pilot makes up, booked at once.
async fn charter(
    State(state): State<AppState>,
    pilot: ScPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let text = |name: &str| input::text(&body, name).map(|t| t.to_ascii_uppercase());
    let required = |name: &str| text(name).ok_or_else(|| bad(format!("{name} is required")));
    let number = required("number")?;
    if number.len() > 10 || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(bad("number must be 1-10 letters and digits"));
    }
    let departure = required("departure")?;
    let arrival = required("arrival")?;
    if departure == arrival {
        return Err(bad("arrival must differ from departure"));
    }
    let caller = &pilot.0;
    // The spec sends an ICAO type; the module's plugins send an aircraft id.
    let aircraft = match id(&body, "aircraft") {
        Some(id) => id,
        None => {
            let kind = required("aircraft")?;
            tracker::aircraft_of_type(&state.db, caller.org, &kind)
                .await?
                .ok_or_else(|| bad(format!("no aircraft of type {kind}")))?
        }
    };
    let route = match input::present(&body, "route") {
        Some(Value::Array(words)) => {
            words.iter().filter_map(input::as_text).collect::<Vec<_>>().join(" ")
        }
        Some(other) => input::as_text(other).unwrap_or_default(),
        None => String::new(),
    };
    if route.len() > 4_000 {
        return Err(bad("route must be at most 4,000 characters"));
    }
    let cruise = self::number(&body, "cruise").unwrap_or(0.0);
    let distance = self::number(&body, "distance").unwrap_or(0.0);
    if !(0.0..=999.0).contains(&cruise) || !(0.0..=20_000.0).contains(&distance) {
        return Err(bad("cruise must be a flight level 0-999 and distance 0-20,000 nm"));
    }
    let flight_type = if text("type").as_deref() == Some("C") { "C" } else { "P" };
    let clock =
        |name: &str| text(name).filter(|t| chrono::NaiveTime::parse_from_str(t, "%H:%M").is_ok());
    let (departure_time, arrival_time) = (clock("departureTime"), clock("arrivalTime"));
    let request = Charter {
        flight_number: &number,
        departure_icao: &departure,
        arrival_icao: &arrival,
        route: &route,
        aircraft,
        flight_level: cruise.round() as i64,
        distance_nm: distance,
        flight_type,
        departure_time: departure_time.as_deref(),
        arrival_time: arrival_time.as_deref(),
    };
    match lifecycle::charter(&state.db, pilot.flyer(), caller.pilot.airline_id, &request).await {
        Ok(booking) => Ok(Json(json!({ "bidID": booking.0 }))),
        Err(CharterError::Unknown(_, why)) => Err(bad(why)),
        Err(CharterError::Database(e)) => Err(e.into()),
    }
}

/// `POST /flights/unbook {bidID}`: drops a booking not being flown, and the
/// pilot's charter with it.
async fn unbook(
    State(state): State<AppState>,
    pilot: ScPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let bid = id(&body, "bidID").ok_or_else(|| bad("bidID is required"))?;
    lifecycle::unbook(&state.db, pilot.flyer(), bid).await.map_err(booking_change)?;
    Ok(Json(json!({ "status": 200 })))
}

/// `POST /flights/start {bidID}`: starts (or resumes) flying a booking.
async fn start(
    State(state): State<AppState>,
    pilot: ScPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let bid = id(&body, "bidID").ok_or_else(|| bad("bidID is required"))?;
    let started = lifecycle::start(
        &state.db,
        pilot.flyer(),
        Some(bid),
        SOURCE,
        TrackingStyle::Alphanumeric12,
    )
    .await;
    match started {
        Ok(tracking) => Ok(Json(json!({ "trackingID": tracking }))),
        // Another pilot's booking is not found here either.
        Err(StartError::NoBooking | StartError::NotYours) => {
            Err(fail(StatusCode::NOT_FOUND, "Bid not found"))
        }
        Err(StartError::OtherFlightInProgress) => {
            Err(bad("You already have another flight in progress"))
        }
        Err(StartError::AircraftUnavailable) => {
            Err(bad("The aircraft is being flown by someone else"))
        }
        Err(StartError::NoAircraft) => Err(bad("No aircraft you may fly is free for this flight")),
        Err(StartError::Database(e)) => Err(e.into()),
    }
}

/// The caller's flight a request names: by `uuid` (the tracking id) when
/// it is sent, else the one flown under `bidID`.
async fn named_flight(
    state: &AppState,
    caller: &AcarsPilot,
    body: &Map<String, Value>,
) -> Result<Option<TrackedFlight>, AcarsError> {
    let (org, pilot) = (caller.org, caller.pilot.id);
    if let Some(tracking) = input::text(body, "uuid") {
        return Ok(tracker::flight_by_tracking_id(&state.db, org, pilot, &tracking, true).await?);
    }
    match id(body, "bidID") {
        Some(bid) => Ok(tracker::flight_of_booking(&state.db, org, pilot, bid).await?),
        None => Ok(None),
    }
}

fn no_active_flight() -> AcarsError {
    fail(StatusCode::NOT_FOUND, "No active flight")
}

fn state_of(flight: &TrackedFlight) -> PirepState {
    flight.state.parse().unwrap_or(PirepState::Cancelled)
}

/// `POST /flights/update`: one position report, answered with an empty
/// body; a re-sent report is stored once.
async fn update(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
    Input(body): Input,
) -> Result<Response, AcarsError> {
    let flight = named_flight(&state, &caller, &body).await?.ok_or_else(no_active_flight)?;
    if state_of(&flight) != PirepState::InProgress {
        return Err(no_active_flight());
    }
    // The wire's names for the report fields the Stratos surface reads.
    let mut report = Map::new();
    for (from, to) in [
        ("latitude", "latitude"),
        ("longitude", "longitude"),
        ("heading", "heading"),
        ("altitude", "altitude"),
        ("groundSpeed", "ground_speed"),
        ("distanceRemaining", "distance_remaining"),
        ("phase", "phase"),
    ] {
        if let Some(value) = input::present(&body, from) {
            report.insert(to.to_string(), value.clone());
        }
    }
    let position =
        super::flying::position(&report, None, &|field| field.to_string()).map_err(|e| {
            let mut e = e.into_message();
            e.status = StatusCode::BAD_REQUEST;
            e
        })?;
    // A re-send (the flight's last digest) is recognised by the group.
    let digest = super::flying::digest(&position);
    let phase = position.phase;
    let report = FlightReport {
        org: caller.org,
        pirep: PirepId(flight.id),
        phase,
        positions: vec![position],
        digest: Some(digest),
    };
    match state.reports.store(report).await? {
        Reported::Stored(_) => Ok(StatusCode::OK.into_response()),
        Reported::NotInProgress => Err(no_active_flight()),
    }
}

/// A base64 field of a completion, decoded (none when absent or empty).
fn decoded(body: &Map<String, Value>, name: &str) -> Result<Option<String>, AcarsError> {
    let Some(text) = input::text(body, name) else { return Ok(None) };
    let bytes =
        STANDARD.decode(text.as_bytes()).map_err(|_| bad(format!("{name} must be base64")))?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| bad(format!("{name} must be base64 of UTF-8 text")))
}

/// What a completion carries for the log: `flightData` events (with their
/// times), then the `flightLog` text lines.
fn log_of(body: &Map<String, Value>) -> Result<Vec<(Timestamp, String)>, AcarsError> {
    let now = Timestamp::now();
    let mut log = vec![];
    if let Some(data) = decoded(body, "flightData")? {
        let events: Vec<Value> = serde_json::from_str(&data)
            .map_err(|_| bad("flightData must be base64 of a JSON list"))?;
        for event in events.iter().filter_map(Value::as_object) {
            let Some(message) = input::present(event, "message").and_then(input::as_text) else {
                continue;
            };
            let at = input::present(event, "eventTimestamp").and_then(super::flying::parse_time);
            log.push((at.unwrap_or(now), message));
        }
    }
    if let Some(text) = decoded(body, "flightLog")? {
        log.extend(
            text.lines().filter(|l| !l.trim().is_empty()).map(|l| (now, l.trim().to_string())),
        );
    }
    if log.len() > 10_000 || log.iter().any(|(_, line)| line.len() > 2_000) {
        return Err(bad("the flight log must have at most 10,000 lines of 2,000 characters"));
    }
    Ok(log)
}

/// `POST /flights/complete`: files the flight as a PIREP with its log (a
/// completion sent again answers the PIREP already filed).
async fn complete(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let flight = named_flight(&state, &caller, &body).await?.ok_or_else(no_active_flight)?;
    let filed = || Json(json!({ "pirepID": flight.id }));
    match state_of(&flight) {
        PirepState::InProgress => {}
        PirepState::Cancelled => return Err(bad("This flight was cancelled")),
        _ => return Ok(filed()),
    }
    let number = |name: &str| match input::present(&body, name) {
        None => Ok(0.0),
        Some(value) => {
            input::as_number(value).ok_or_else(|| bad(format!("{name} must be a number")))
        }
    };
    let (hours, landing_rate, fuel_used) =
        (number("flightTime")?, number("landingRate")?, number("fuelUsed")?);
    let route = match input::present(&body, "route") {
        Some(Value::Array(words)) => {
            Some(words.iter().filter_map(input::as_text).collect::<Vec<_>>().join(" "))
        }
        _ => None,
    }
    .filter(|r| !r.trim().is_empty());
    let log = log_of(&body)?;
    let comments: Vec<String> =
        input::text(&body, "comments").into_iter().filter(|c| c.len() <= 2_000).collect();
    let fields = [("Filed by".to_string(), "smartCARS 3".to_string())];
    let tracked = TrackedFiling {
        facts: FlightFacts {
            flight_minutes: (hours * 60.0).clamp(-1.0, 1e7) as i64,
            landing_rate: Some(landing_rate),
            fuel_used: Some(fuel_used),
            flight_level: None,
            route: route.as_deref(),
        },
        log: &log,
        fields: &fields,
        comments: &comments,
        author: &caller.pilot.ident,
    };
    match filing::file_tracked(&state.db, caller.org, PirepId(flight.id), &tracked).await {
        Ok(()) => Ok(filed()),
        Err(FilingError::NotInProgress(PirepState::Cancelled)) => {
            Err(bad("This flight was cancelled"))
        }
        Err(FilingError::NotInProgress(_)) => Ok(filed()),
        Err(FilingError::Invalid(fact)) => {
            let field = match fact.field {
                "flight_minutes" => "flightTime",
                "landing_rate" => "landingRate",
                "fuel_used" => "fuelUsed",
                other => other,
            };
            Err(bad(format!("{field} {}", fact.message)))
        }
        Err(FilingError::NotFound | FilingError::Aircraft(_)) => Err(no_active_flight()),
        Err(FilingError::Database(e)) => Err(e.into()),
    }
}

/// `POST /flights/cancel {uuid?, bidID}`: abandons the flight; the booking
/// stays. A filed flight cannot be cancelled (404: none active).
async fn cancel(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
    Input(body): Input,
) -> Result<StatusCode, AcarsError> {
    let flight = named_flight(&state, &caller, &body).await?.ok_or_else(no_active_flight)?;
    match lifecycle::cancel(&state.db, caller.org, PirepId(flight.id)).await? {
        Cancelled::Done => Ok(StatusCode::OK),
        Cancelled::Filed(_) => Err(no_active_flight()),
    }
}

/// The spec's PIREP status words.
fn status_word(state: &str) -> &'static str {
    match state {
        "accepted" => "Accepted",
        "submitted" => "Pending",
        _ => "Rejected",
    }
}

fn pirep_item(p: &tracker::LogbookEntry) -> Value {
    let submitted = p.submitted_at.clone().unwrap_or_else(|| p.created_at.clone());
    json!({
        "id": p.id,
        "submitDate": Timestamp::try_from(submitted.clone()).map(|t| t.to_rfc3339()).unwrap_or(submitted),
        "airlineCode": p.airline_icao,
        "number": bare_number(&p.flight_number, "", &p.airline_icao),
        "route": route_words(&p.route),
        "distance": p.distance_nm.max(0.0),
        "flightType": "P",
        "departureAirport": p.departure_icao,
        "arrivalAirport": p.arrival_icao,
        "aircraft": p.aircraft_icao,
        "status": status_word(&p.state),
        "flightTime": super::hours(p.flight_minutes.max(0)),
        "landingRate": p.landing_rate.unwrap_or(0.0),
        "fuelUsed": p.fuel_used.unwrap_or(0.0).max(0.0),
    })
}

/// The states a smartCARS status word means.
fn states_of(word: &str) -> Option<&'static [&'static str]> {
    match word.to_ascii_lowercase().as_str() {
        "accepted" => Some(&["accepted"]),
        "pending" => Some(&["submitted"]),
        "rejected" => Some(&["rejected", "invalidated"]),
        _ => None,
    }
}

/// The pilot's filed flights matching the spec's filters, newest first (at
/// most 100); a filter the module could not read is left out, as there.
async fn filed(
    state: &AppState,
    caller: &AcarsPilot,
    query: &Map<String, Value>,
    limit: i64,
) -> Result<Vec<Value>, AcarsError> {
    let icao = |name: &str| input::text(query, name).map(|t| t.to_ascii_uppercase());
    let day = |name: &str| {
        input::text(query, name)
            .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
    };
    let request = LogbookQuery {
        states: input::text(query, "status").as_deref().and_then(states_of).unwrap_or(&[]),
        departure_icao: icao("departureAirport"),
        arrival_icao: icao("arrivalAirport"),
        aircraft_icao: icao("aircraft"),
        filed_from: day("startDate").map(|d| format!("{d}T00:00:00")),
        filed_before: day("endDate").map(|d| format!("{}T00:00:00", d + chrono::Days::new(1))),
        descending: true,
        limit,
        ..LogbookQuery::default()
    };
    let (entries, _) = tracker::logbook(&state.db, caller.org, caller.pilot.id, &request).await?;
    let mut items = Vec::with_capacity(entries.len());
    items.extend(entries.iter().map(pirep_item));
    Ok(items)
}

async fn pirep_search(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    Ok(Json(Value::Array(filed(&state, &caller, &query, 100).await?)))
}

/// `GET /pireps/latest`: the newest filed flight, or `[]`.
async fn pirep_latest(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
) -> Result<Json<Value>, AcarsError> {
    let latest = filed(&state, &caller, &Map::new(), 1).await?.into_iter().next();
    Ok(Json(latest.unwrap_or_else(|| json!([]))))
}

/// `GET|POST /pireps/details?id=`: the track and log of one of the pilot's
/// filed flights.
async fn pirep_details(
    State(state): State<AppState>,
    ScPilot(caller): ScPilot,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    let id = id(&query, "id").ok_or_else(|| bad("id is required"))?;
    let entry = tracker::filed_by_id(&state.db, caller.org, caller.pilot.id, id)
        .await?
        .ok_or_else(|| fail(StatusCode::NOT_FOUND, "PIREP not found"))?;
    let pirep = PirepId(entry.id);
    let track = tracker::track_points(&state.db, caller.org, pirep).await?;
    let lines = tracker::log_lines(&state.db, caller.org, pirep).await?;
    let started = Timestamp::try_from(entry.created_at.clone()).ok();
    let data: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(n, (at, message))| {
            let at = Timestamp::try_from(at.clone()).ok();
            let elapsed = match (started, at) {
                (Some(start), Some(at)) => (at.0 - start.0).num_seconds().max(0) as f64,
                _ => 0.0,
            };
            json!({
                "eventId": (n + 1).to_string(),
                "eventTimestamp": at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                "eventElapsedTime": elapsed,
                "eventCondition": "",
                "message": message,
            })
        })
        .collect();
    let location: Vec<Value> = track
        .iter()
        .map(|p| json!({ "latitude": p.latitude, "longitude": p.longitude, "heading": p.heading }))
        .collect();
    let log: Vec<&str> = lines.iter().map(|(_, message)| message.as_str()).collect();
    Ok(Json(json!({ "flightLog": log, "flightData": data, "locationData": location })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_the_airline_code_and_routes_keep_what_the_spec_takes() {
        assert_eq!(bare_number("AS9001", "AS", "ASV"), "9001");
        assert_eq!(bare_number("ASV12A", "AS", "ASV"), "12A");
        assert_eq!(bare_number("-", "AS", "ASV"), "0");
        assert_eq!(route_words("BPK UL607 SAM 27L dct"), vec!["BPK", "SAM", "27L", "DCT"]);
        assert_eq!(days("135"), vec!["Monday", "Wednesday", "Friday"]);
    }
}
