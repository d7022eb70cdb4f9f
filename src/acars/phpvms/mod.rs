//! The phpVMS 7 core API that ACARS trackers speak (`phpvms/phpvms` 7.0.x,
//! `/api`): `X-API-Key` (or the raw `Authorization` value, or `Bearer`),
//! `{data}` envelopes, problem+json errors with phpVMS's types, imperial
//! units and minutes, string PIREP ids. The key is the pilot's ACARS key,
//! admitted as on the Stratos surface. Everything goes through the flight
//! core; `docs/phpvms.md` lists where Airside is stricter. Served under each
//! org's tracker URL (`/o/<slug>/api`) as well.

mod schemas;

use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::input::{self, Input};
use super::{AcarsError, AcarsPilot};
use crate::domain::flight::{phpvms_status, status_of_phpvms};
use crate::domain::pirep::{FlightFacts, PirepState};
use crate::domain::{PirepId, Timestamp};
use crate::flights::filing::{self, FilingError, TrackedFiling};
use crate::flights::lifecycle::{self, Cancelled, Flyer, Prefile, PrefileError, TrackingStyle};
use crate::state::AppState;
use crate::storage::pireps::{self, FlightReport, NewPosition, Reported};
use crate::storage::tracker::{self, FlightChanges, PirepView};

pub const BASE: &str = "/api";
pub const ORG_BASE: &str = "/o/{org}/api";
const SOURCE: &str = "phpvms";
/// Reports in one positions batch at most.
const MAX_BATCH: usize = 500;

/// The pilot calling, found as phpVMS's `ApiAuth` finds a user: the
/// `X-API-Key` header, else the raw `Authorization` value (`Bearer ` is
/// taken off for newer clients); then admitted as every tracker surface
/// admits (active or on leave, the org's tracker URL, rate limits).
pub struct PhpvmsPilot(AcarsPilot);

fn unauthorized(why: &str) -> AcarsError {
    AcarsError::body(
        StatusCode::UNAUTHORIZED,
        json!({ "error": {
            "code": "401",
            "http_code": "Unauthorized",
            "message": format!("Invalid or missing API key ({why})"),
        }}),
    )
}

impl FromRequestParts<AppState> for PhpvmsPilot {
    type Rejection = AcarsError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AcarsError> {
        let text = |name: header::HeaderName| {
            parts.headers.get(name).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_string())
        };
        let raw = text(header::HeaderName::from_static("x-api-key"))
            .or_else(|| text(header::AUTHORIZATION))
            .filter(|k| !k.is_empty());
        let Some(raw) = raw else { return Err(unauthorized("X-API-KEY header missing")) };
        let key = match raw.split_once(' ') {
            Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => key.trim().to_string(),
            _ => raw,
        };
        // The key is never echoed (phpVMS puts it in the message).
        let bearer = HeaderValue::from_str(&format!("Bearer {key}"))
            .map_err(|_| unauthorized("User not found with key"))?;
        parts.headers.insert(header::AUTHORIZATION, bearer);
        match AcarsPilot::from_request_parts(parts, state).await {
            Ok(pilot) => Ok(PhpvmsPilot(pilot)),
            Err(refused) if refused.status == StatusCode::UNAUTHORIZED => {
                Err(unauthorized("User not found with key, or the user is not ACTIVE"))
            }
            Err(other) => Err(other),
        }
    }
}

impl PhpvmsPilot {
    fn flyer(&self) -> Flyer {
        Flyer { org: self.0.org, pilot: self.0.pilot.id, rank: self.0.pilot.rank_id }
    }
}

fn not_found() -> AcarsError {
    AcarsError::problem(StatusCode::NOT_FOUND, "not-found", "Not found", "Not found")
}

fn pirep_not_found(id: &str) -> AcarsError {
    let title = format!("PIREP {id} not found");
    AcarsError::problem(StatusCode::NOT_FOUND, "pirep-not-found", &title, &title)
        .with("pirep_id", id.to_string())
}

fn pirep_cancelled() -> AcarsError {
    let title = "PIREP has been cancelled, updates are not allowed";
    AcarsError::problem(StatusCode::BAD_REQUEST, "pirep-cancelled", title, title)
}

fn pirep_error(text: &str) -> AcarsError {
    AcarsError::problem(StatusCode::BAD_REQUEST, "pirep-error", text, text)
}

fn invalid(field: &'static str, message: impl Into<String>) -> AcarsError {
    AcarsError::validation(&[(field, message.into())])
}

/// How an operation is called, for its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No key; an org's data only under its tracker URL.
    Public,
    /// A key; query parameters only.
    Read,
    /// A key and a JSON body of this component schema.
    Write(&'static str),
    /// The same, answered 201.
    Create(&'static str),
}

/// What an operation answers: a component schema, wrapped as phpVMS wraps it.
#[derive(Debug, Clone, Copy)]
enum Answer {
    /// `{data: <schema>}`
    Data(&'static str),
    /// `{data: [<schema>]}`
    List(&'static str),
    /// `{data: [<schema>], links, meta}` (page-number pagination)
    Page(&'static str),
    /// The schema itself.
    Bare(&'static str),
    /// `[<schema>]`, unwrapped (a Laravel collection returned as is).
    Array(&'static str),
}

/// One operation of a path: method, summary, kind, query parameters, answer.
type Op = (&'static str, &'static str, Kind, &'static [&'static str], Answer);

const PAGED: &[&str] = &["limit", "page"];

/// The routes and their operations, from which the router and the OpenAPI
/// document are both made (neither can drift from the other).
fn routes() -> Vec<(&'static str, MethodRouter<AppState>, &'static [Op])> {
    use Answer::*;
    use Kind::*;
    const STATUS: &[Op] = &[("get", "Which API this is", Public, &[], Bare("Status"))];
    const UPDATE_POST: Op =
        ("post", "Update a flight in progress", Write("PirepUpdate"), &[], Data("Pirep"));
    const UPDATE_PUT: Op =
        ("put", "Update a flight in progress", Write("PirepUpdate"), &[], Data("Pirep"));
    const POSITIONS: Op = ("post", "Report positions", Write("Positions"), &[], Bare("Count"));
    const USER: Op = ("get", "The key's pilot", Read, &[], Data("User"));
    const USER_FLEET: Op = ("get", "Subfleets the pilot may fly", Read, &[], List("Subfleet"));
    const USER_PIREPS: Op =
        ("get", "The pilot's PIREPs", Read, &["state", "limit", "page"], Page("Pirep"));
    const BIDS: Op = ("get", "The pilot's bids", Read, &[], List("Bid"));
    const ADD_BID: Op = ("put", "Bid on a flight", Write("BidAdd"), &[], Data("Bid"));
    const BID: Op = ("get", "One of the pilot's bids", Read, &[], Data("Bid"));
    const AIRCRAFT: Op = ("get", "One aircraft", Read, &[], Data("Aircraft"));
    const AIRPORT: Op = ("get", "One airport by ICAO code", Read, &[], Data("Airport"));
    const FLEET: Op = ("get", "Subfleets with their aircraft", Read, PAGED, Page("Subfleet"));
    const FLIGHTS: Op = ("get", "Search schedules", Read, FLIGHT_SEARCH, Page("Flight"));
    const AIRPORTS_PUBLIC: Op = (
        "get",
        "The org's airports (hubs only with hubs=1)",
        Public,
        AIRPORT_SEARCH,
        Page("Airport"),
    );
    vec![
        ("/", get(status), STATUS),
        ("/status", get(status), STATUS),
        ("/version", get(status), STATUS),
        ("/news", get(news), &[("get", "The org's announcements", Public, PAGED, Page("News"))]),
        (
            "/acars",
            get(acars_live),
            &[("get", "Flights in progress (live feed)", Public, &[], List("LiveFlight"))],
        ),
        (
            "/acars/geojson",
            get(acars_geojson),
            &[("get", "Flights in progress as GeoJSON", Public, &[], Bare("FeatureCollection"))],
        ),
        (
            "/vmsacars/config",
            get(vmsacars_config),
            &[("get", "vmsACARS settings", Read, &[], Data("VmsacarsConfig"))],
        ),
        ("/fleet", get(fleet), &[FLEET]),
        ("/subfleet", get(fleet), &[FLEET]),
        ("/fleet/aircraft/{id}", get(fleet_aircraft), &[AIRCRAFT]),
        ("/subfleet/aircraft/{id}", get(fleet_aircraft), &[AIRCRAFT]),
        ("/flights", get(flights), &[FLIGHTS]),
        ("/flights/search", get(flights), &[FLIGHTS]),
        ("/flights/{id}", get(flight), &[("get", "One schedule", Read, &[], Data("Flight"))]),
        (
            "/flights/{id}/aircraft",
            get(flight_aircraft),
            &[("get", "The aircraft the pilot may fly it with", Read, &[], Array("Aircraft"))],
        ),
        (
            "/flights/{id}/route",
            get(flight_route),
            &[("get", "The schedule's route as navaids", Read, &[], List("Navaid"))],
        ),
        (
            "/flights/{id}/briefing",
            get(flight_briefing),
            &[("get", "The SimBrief briefing (none in Airside)", Read, &[], Bare("Problem"))],
        ),
        ("/user", get(user), &[USER]),
        ("/users/{id}", get(user), &[USER]),
        ("/user/fleet", get(user_fleet), &[USER_FLEET]),
        ("/users/{id}/fleet", get(user_fleet), &[USER_FLEET]),
        ("/user/pireps", get(user_pireps), &[USER_PIREPS]),
        ("/users/{id}/pireps", get(user_pireps), &[USER_PIREPS]),
        ("/pireps", get(user_pireps), &[USER_PIREPS]),
        (
            "/user/bids",
            get(bids).put(add_bid).post(add_bid).delete(remove_bid),
            &[
                BIDS,
                ADD_BID,
                ("post", "Bid on a flight", Write("BidAdd"), &[], Data("Bid")),
                ("delete", "Remove a bid", Write("BidRemove"), &[], List("Bid")),
            ],
        ),
        ("/users/{id}/bids", get(bids).put(add_bid), &[BIDS, ADD_BID]),
        ("/user/bids/{bid}", get(bid), &[BID]),
        ("/bids/{bid}", get(bid), &[BID]),
        (
            "/airlines",
            get(airlines),
            &[("get", "The org's airlines", Read, PAGED, Page("Airline"))],
        ),
        ("/airlines/{id}", get(airline), &[("get", "One airline", Read, &[], Data("Airline"))]),
        (
            "/airports",
            get(airports),
            &[("get", "The org's airports", Read, PAGED, Page("Airport"))],
        ),
        ("/airports/hubs", get(public_airports), &[AIRPORTS_PUBLIC]),
        ("/airports/search", get(public_airports), &[AIRPORTS_PUBLIC]),
        ("/airports/{icao}", get(airport), &[AIRPORT]),
        ("/airports/{icao}/lookup", get(airport), &[AIRPORT]),
        (
            "/airports/{icao}/distance/{to}",
            get(airport_distance),
            &[(
                "get",
                "Great-circle distance between two airports",
                Read,
                &[],
                Data("AirportDistance"),
            )],
        ),
        (
            "/pireps/prefile",
            post(prefile),
            &[("post", "Declare a flight in progress", Write("Prefile"), &[], Data("Pirep"))],
        ),
        (
            "/pireps/{id}",
            get(pirep).post(update).put(update).patch(update),
            &[
                ("get", "One of the pilot's PIREPs", Read, &[], Data("Pirep")),
                UPDATE_POST,
                UPDATE_PUT,
                ("patch", "Update a flight in progress", Write("PirepUpdate"), &[], Data("Pirep")),
            ],
        ),
        ("/pireps/{id}/update", post(update).put(update), &[UPDATE_POST, UPDATE_PUT]),
        (
            "/pireps/{id}/file",
            post(file),
            &[("post", "File the flight", Write("File"), &[], Data("Pirep"))],
        ),
        (
            "/pireps/{id}/cancel",
            axum::routing::put(cancel).delete(cancel),
            &[
                ("put", "Cancel the flight", Read, &[], Bare("Message")),
                ("delete", "Cancel the flight", Read, &[], Bare("Message")),
            ],
        ),
        (
            "/pireps/{id}/acars/position",
            get(positions).post(add_positions),
            &[("get", "The flown track", Read, &[], List("Position")), POSITIONS],
        ),
        ("/pireps/{id}/acars/positions", post(add_positions), &[POSITIONS]),
        (
            "/pireps/{id}/acars/logs",
            post(add_logs),
            &[("post", "Add log lines", Write("Logs"), &[], Bare("Count"))],
        ),
        (
            "/pireps/{id}/acars/events",
            post(add_events),
            &[("post", "Add events", Write("Events"), &[], Bare("Count"))],
        ),
        (
            "/pireps/{id}/fields",
            get(fields).post(set_fields),
            &[
                ("get", "The flight's fields", Read, &[], Data("Fields")),
                ("post", "Set fields", Write("FieldsBody"), &[], Data("Fields")),
            ],
        ),
        (
            "/pireps/{id}/route",
            get(route).post(set_route).delete(delete_route),
            &[
                ("get", "The flight's filed route", Read, &[], List("RoutePoint")),
                (
                    "post",
                    "File the flight's route (replacing it)",
                    Write("Route"),
                    &[],
                    Bare("Count"),
                ),
                ("delete", "Remove the flight's route", Read, &[], Bare("Message")),
            ],
        ),
        (
            "/pireps/{id}/comments",
            get(comments).post(add_comment),
            &[
                ("get", "The flight's comments", Read, &[], List("Comment")),
                ("post", "Comment on the flight", Create("CommentBody"), &[], Data("Comment")),
            ],
        ),
    ]
}

const FLIGHT_SEARCH: &[&str] = &[
    "dpt_airport_id",
    "dep_icao",
    "arr_airport_id",
    "arr_icao",
    "flight_number",
    "subfleet_id",
    "limit",
    "page",
];

const AIRPORT_SEARCH: &[&str] = &["search", "hubs", "limit", "page"];

/// Every route under both bases.
pub fn build() -> Router<AppState> {
    let mut router = Router::new();
    for (path, handler, _) in routes() {
        for base in [BASE, ORG_BASE] {
            router = router.route(&format!("{base}{path}"), handler.clone());
        }
    }
    router
}

/// The OpenAPI document of this surface, from the same table as the router.
pub fn document(issuer: &str) -> Value {
    let schema = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let content = |media: &str, schema: Value| json!({ media: { "schema": schema } });
    let problem = |what: &str| json!({ "description": what, "content": content("application/problem+json", schema("Problem")) });
    let mut paths = Map::new();
    for (path, _, ops) in routes() {
        let mut item = Map::new();
        for (method, summary, kind, query, answer) in ops.iter().copied() {
            let mut parameters: Vec<Value> = path
                .split('/')
                .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
                .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
                .collect();
            parameters.extend(query.iter().map(|name| {
                let typed = if matches!(*name, "limit" | "page" | "state" | "subfleet_id") {
                    json!({ "type": "integer", "minimum": 0 })
                } else {
                    json!({ "type": "string" })
                };
                json!({ "name": name, "in": "query", "schema": typed })
            }));
            let body = match answer {
                Answer::Data(name) => data_of(schema(name)),
                Answer::List(name) => data_of(json!({ "type": "array", "items": schema(name) })),
                Answer::Page(name) => json!({ "allOf": [
                    schema("Page"),
                    data_of(json!({ "type": "array", "items": schema(name) })),
                ] }),
                Answer::Bare(name) => schema(name),
                Answer::Array(name) => json!({ "type": "array", "items": schema(name) }),
            };
            let mut responses = Map::new();
            let ok = if matches!(kind, Kind::Create(_)) { "201" } else { "200" };
            if let Answer::Bare("Problem") = answer {
                responses.insert("404".into(), problem("Not found (Airside has no briefings)"));
            } else {
                responses.insert(
                    ok.into(),
                    json!({ "description": "Done", "content": content("application/json", body) }),
                );
                responses.insert("404".into(), problem("No such thing of the pilot's (or org)"));
            }
            responses.insert(
                "400".into(),
                problem("Invalid input, or not allowed in the flight's state"),
            );
            let mut op = json!({
                "operationId": format!("{method}_{}", path.trim_matches('/').replace(['/', '{', '}'], "_")),
                "summary": summary,
                "parameters": parameters,
            });
            if kind == Kind::Public {
                op["security"] = json!([]);
            } else {
                responses.insert(
                    "401".into(),
                    json!({
                        "description": "No valid key (phpVMS's body)",
                        "content": content("application/json", schema("Unauthorized")),
                    }),
                );
            }
            if let Kind::Write(request) | Kind::Create(request) = kind {
                op["requestBody"] =
                    json!({ "content": content("application/json", schema(request)) });
            }
            op["responses"] = Value::Object(responses);
            item.insert(method.to_string(), op);
        }
        paths.insert(format!("{BASE}{path}"), Value::Object(item));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Airside phpVMS 7 API (trackers)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The phpVMS 7 core REST API that ACARS trackers fly with: `X-API-Key` \
                (or the raw `Authorization` value) with the pilot's ACARS key, `{data}` envelopes, \
                problem+json errors with phpVMS's types, imperial units and minutes. Also served \
                under each org's tracker URL `/o/<slug>/api`. docs/phpvms.md lists where Airside \
                is stricter.",
        },
        "servers": [{ "url": issuer.trim_end_matches('/') }],
        "security": [{ "apiKey": [] }],
        "components": {
            "securitySchemes": { "apiKey": { "type": "apiKey", "in": "header", "name": "X-API-Key" } },
            "schemas": schemas::all(),
        },
        "paths": paths,
    })
}

/// `{data: <schema>}`.
fn data_of(inner: Value) -> Value {
    json!({ "type": "object", "required": ["data"], "properties": { "data": inner } })
}

/// `GET /api/status`: what answers.
async fn status() -> Json<Value> {
    Json(
        json!({ "name": "Airside", "version": env!("CARGO_PKG_VERSION"), "php": "none (Airside)" }),
    )
}

/// phpVMS's `UserState` number of a pilot state.
fn user_state(state: crate::domain::pilot::PilotState) -> i64 {
    use crate::domain::pilot::PilotState::*;
    match state {
        Active => 1,
        OnLeave => 3,
        Inactive => 0,
        Banned => 4,
    }
}

/// `users/{id}` routes: the caller only (`me` or their own id). phpVMS
/// shows any user's profile, fleet, PIREPs and bids; Airside none of
/// another pilot's.
fn only_self(params: &RawPathParams, caller: &AcarsPilot) -> Result<(), AcarsError> {
    match super::path_param(params, "id") {
        None | Some("me") => Ok(()),
        Some(id) if id == caller.pilot.id.0.to_string() => Ok(()),
        Some(_) => Err(AcarsError::problem(
            StatusCode::NOT_FOUND,
            "user-not-found",
            "User not found",
            "User not found",
        )),
    }
}

/// `GET /api/user` (and `/api/users/{me|id}`): the key's pilot, as
/// phpVMS's `User` resource.
async fn user(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    only_self(&params, &caller)?;
    let p = &caller.pilot;
    let rank = super::pilot::rank(&state, &caller).await?;
    let airline = crate::storage::resource::get::<crate::storage::airlines::Airline>(
        &state.db,
        caller.org,
        p.airline_id.0,
    )
    .await?;
    let location = tracker::airport_icao(&state.db, caller.org, p.airport_id).await?;
    Ok(Json(json!({ "data": {
        "id": p.id.0,
        "pilot_id": p.number,
        "ident": p.ident,
        "name": format!("{} {}", p.first_name, p.last_name),
        "name_private": format!("{} {}.", p.first_name, p.last_name.chars().next().unwrap_or(' ')),
        "email": p.email,
        "avatar": super::pilot::gravatar(&p.email),
        "airline_id": p.airline_id.0,
        "rank_id": p.rank_id.map(|r| r.0),
        "curr_airport": location,
        "flights": p.flights,
        "flight_time": p.flight_minutes,
        "state": user_state(p.state),
        "airline": airline.map(|a| json!({ "id": a.id.0, "icao": a.icao, "iata": a.code, "name": a.name })),
        "rank": rank.map(|r| json!({ "name": r.name, "image_url": r.image_url })),
    }})))
}

/// Distance as phpVMS answers it: every unit.
fn distance(nmi: f64) -> Value {
    let round = |v: f64| (v * 100.0).round() / 100.0;
    json!({ "m": round(nmi * 1852.0), "km": round(nmi * 1.852), "mi": round(nmi * 1.150_779), "nmi": round(nmi) })
}

/// Fuel as phpVMS answers it (stored in pounds).
fn fuel(lbs: f64) -> Value {
    let round = |v: f64| (v * 100.0).round() / 100.0;
    json!({ "kg": round(lbs * 0.453_592), "lbs": round(lbs) })
}

fn zulu(text: &str) -> String {
    Timestamp::try_from(text.to_string())
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|_| text.to_string())
}

/// The PIREP id a tracker uses: the tracking id, else the number.
fn pirep_id_of(view: &PirepView) -> String {
    view.tracking_id.clone().unwrap_or_else(|| view.id.to_string())
}

fn state_of(view: &PirepView) -> PirepState {
    view.state.parse().unwrap_or(PirepState::Cancelled)
}

/// phpVMS's `Pirep` resource.
async fn pirep_resource(
    state: &AppState,
    caller: &AcarsPilot,
    view: &PirepView,
) -> Result<Value, AcarsError> {
    let fields = tracker::fields(&state.db, caller.org, PirepId(view.id)).await?;
    let pirep_state = state_of(view);
    let status = match pirep_state {
        PirepState::Cancelled => "DX",
        PirepState::InProgress => phpvms_status(view.phase.as_deref().unwrap_or("initiated")),
        _ => "ARR",
    };
    let submitted = view.submitted_at.as_deref().map(zulu);
    let fields: Map<String, Value> =
        fields.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    let number =
        super::flights::FlightNumber::of(&view.flight_number, &view.airline_code).to_string();
    let mut resource = json!({
        "id": pirep_id_of(view),
        "user_id": view.pilot_id,
        "airline_id": view.airline_id,
        "aircraft_id": view.aircraft_id,
        "flight_id": view.schedule_id.map(|s| s.to_string()),
        "flight_number": number,
        "route_code": null,
        "route_leg": null,
        "flight_type": "J",
        "dpt_airport_id": view.departure_icao,
        "arr_airport_id": view.arrival_icao,
        "alt_airport_id": null,
        "level": view.flight_level * 100,
        "flight_time": view.flight_minutes,
        "planned_flight_time": null,
        "landing_rate": view.landing_rate.unwrap_or(0.0),
        "score": 0,
        "route": view.route,
        "source": if view.source == "manual" { 0 } else { 1 },
        "source_name": view.source,
        "state": pirep_state.phpvms_code(),
        "status": status,
        "phase": status,
        "ident": format!("{}{}", view.airline_code, number),
    });
    let more = [
        ("distance", distance(view.distance_nm)),
        ("planned_distance", distance(view.planned_distance_nm.unwrap_or(0.0))),
        ("block_fuel", fuel(0.0)),
        ("fuel_used", fuel(view.fuel_used.unwrap_or(0.0))),
        ("submitted_at", json!(submitted)),
        ("block_off_time", json!(zulu(&view.created_at))),
        ("block_on_time", json!(submitted)),
        ("created_at", json!(zulu(&view.created_at))),
        ("updated_at", json!(zulu(&view.updated_at))),
        (
            "airline",
            json!({ "id": view.airline_id, "icao": view.airline_icao, "iata": view.airline_code, "name": view.airline_name }),
        ),
        (
            "dpt_airport",
            json!({ "id": view.departure_icao, "icao": view.departure_icao, "name": view.departure_name }),
        ),
        (
            "arr_airport",
            json!({ "id": view.arrival_icao, "icao": view.arrival_icao, "name": view.arrival_name }),
        ),
        (
            "aircraft",
            json!(view.aircraft_id.map(|id| json!({
                "id": id, "name": view.aircraft_name, "icao": view.aircraft_icao,
                "registration": view.registration,
            }))),
        ),
        ("fields", Value::Object(fields)),
    ];
    for (key, value) in more {
        resource[key] = value;
    }
    Ok(resource)
}

/// The caller's PIREP named in the path (another pilot's is not found).
async fn own(
    state: &AppState,
    caller: &AcarsPilot,
    params: &RawPathParams,
) -> Result<(String, PirepView), AcarsError> {
    let id = super::path_param(params, "id").unwrap_or_default().to_string();
    let view = tracker::pirep_view(&state.db, caller.org, caller.pilot.id, &id)
        .await?
        .ok_or_else(|| pirep_not_found(&id))?;
    Ok((id, view))
}

async fn data(
    state: &AppState,
    caller: &AcarsPilot,
    view: &PirepView,
) -> Result<Json<Value>, AcarsError> {
    Ok(Json(json!({ "data": pirep_resource(state, caller, view).await? })))
}

/// `GET /api/pireps/{id}`: one of the pilot's PIREPs (phpVMS shows any
/// PIREP to anyone; Airside only the pilot's own).
async fn pirep(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    data(&state, &caller, &view).await
}

/// A number a Laravel request takes: a number or numeric text.
fn number(body: &Map<String, Value>, field: &'static str) -> Result<Option<f64>, AcarsError> {
    match input::present(body, field) {
        None => Ok(None),
        Some(value) => input::as_number(value).map(Some).ok_or_else(|| {
            invalid(field, format!("The {} must be a number.", field.replace('_', " ")))
        }),
    }
}

fn integer(body: &Map<String, Value>, field: &'static str) -> Result<Option<i64>, AcarsError> {
    match number(body, field)? {
        Some(n) if n.fract() == 0.0 && n.abs() < 1e12 => Ok(Some(n as i64)),
        Some(_) => {
            Err(invalid(field, format!("The {} must be an integer.", field.replace('_', " "))))
        }
        None => Ok(None),
    }
}

/// Upserts the `fields` map a body carries.
async fn store_fields(
    state: &AppState,
    caller: &AcarsPilot,
    pirep: PirepId,
    body: &Map<String, Value>,
) -> Result<(), AcarsError> {
    let Some(Value::Object(fields)) = input::present(body, "fields") else { return Ok(()) };
    if fields.len() > 100 {
        return Err(invalid("fields", "At most 100 fields."));
    }
    let mut tx = state.db.begin().await?;
    for (name, value) in fields {
        let Some(value) = input::as_text(value) else { continue };
        if name.trim().is_empty() || name.len() > 100 || value.len() > 2_000 {
            return Err(invalid(
                "fields",
                "Field names are 1-100 characters, values at most 2,000.",
            ));
        }
        pireps::set_field(&mut tx, caller.org, pirep, name.trim(), &value).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// `POST /api/pireps/prefile`: declares a flight in progress, as phpVMS's
/// `PrefileRequest` validates it (airline, aircraft, flight number,
/// airports, source name).
async fn prefile(
    State(state): State<AppState>,
    pilot: PhpvmsPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let text = |field: &str| input::text(&body, field);
    let mut errors: Vec<(&str, String)> = vec![];
    for (field, message) in [
        ("airline_id", "The airline id field is required."),
        ("aircraft_id", "The aircraft id field is required."),
        ("flight_number", "The flight number field is required."),
        ("dpt_airport_id", "A departure airport is required"),
        ("arr_airport_id", "An arrival airport is required"),
        ("source_name", "The source name field is required."),
    ] {
        if text(field).is_none() {
            errors.push((field, message.to_string()));
        }
    }
    if !errors.is_empty() {
        return Err(AcarsError::validation(&errors));
    }
    let id_of = |field: &'static str| {
        integer(&body, field)?.ok_or_else(|| {
            invalid(field, format!("The selected {} is invalid.", field.replace('_', " ")))
        })
    };
    let (airline, aircraft) = (id_of("airline_id")?, id_of("aircraft_id")?);
    let schedule = integer(&body, "flight_id")?;
    // phpVMS takes the level in feet; Airside keeps flight levels.
    let level = number(&body, "level")?.unwrap_or(0.0);
    let flight_number = text("flight_number").unwrap_or_default();
    if flight_number.len() > 10 {
        return Err(invalid(
            "flight_number",
            "The flight number may not be greater than 10 characters.",
        ));
    }
    let (departure, arrival) =
        (text("dpt_airport_id").unwrap_or_default(), text("arr_airport_id").unwrap_or_default());
    let route = text("route").unwrap_or_default();
    let flight = Prefile {
        airline,
        aircraft,
        flight_number: &flight_number,
        departure_icao: &departure,
        arrival_icao: &arrival,
        route: &route,
        flight_level: crate::domain::pirep::flight_level_of(level),
        schedule,
        source: SOURCE,
    };
    let caller = &pilot.0;
    let id =
        match lifecycle::prefile(&state.db, pilot.flyer(), &flight, TrackingStyle::Alphanumeric12)
            .await
        {
            Ok(id) => id,
            Err(PrefileError::AirportNotFound(icao)) => {
                let title = format!("Airport {icao} not found");
                return Err(AcarsError::problem(
                    StatusCode::NOT_FOUND,
                    "airport-not-found",
                    &title,
                    &title,
                )
                .with("icao", icao));
            }
            Err(PrefileError::Unknown(field)) => {
                return Err(invalid(
                    field,
                    format!("The selected {} is invalid.", field.replace('_', " ")),
                ))
            }
            Err(PrefileError::AircraftNotAvailable) => {
                let title = "The aircraft is not available for flight";
                return Err(AcarsError::problem(
                    StatusCode::BAD_REQUEST,
                    "aircraft-not-available",
                    title,
                    title,
                ));
            }
            Err(PrefileError::OtherFlightInProgress) => {
                return Err(pirep_error("Another flight of yours is in progress"))
            }
            Err(PrefileError::Database(e)) => return Err(e.into()),
        };
    // The fields first: the answer shows them.
    store_fields(&state, caller, id, &body).await?;
    let view = tracker::pirep_view_by_id(&state.db, caller.org, caller.pilot.id, id)
        .await?
        .ok_or_else(|| pirep_not_found(&id.0.to_string()))?;
    data(&state, caller, &view).await
}

/// A flight that may still change: in progress; a cancelled one is
/// `pirep-cancelled`, a filed one read-only.
fn changeable(view: &PirepView) -> Result<(), AcarsError> {
    match state_of(view) {
        PirepState::InProgress => Ok(()),
        PirepState::Cancelled => Err(pirep_cancelled()),
        _ => Err(pirep_error("PIREP is read-only")),
    }
}

/// `POST|PUT /api/pireps/{id}/update` (and `/api/pireps/{id}`): the phase
/// (`status`), times, distance, fuel, route, level and fields.
async fn update(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    changeable(&view)?;
    for (field, message) in [
        ("dpt_airport_id", "A departure airport is required"),
        ("arr_airport_id", "An arrival airport is required"),
        ("flight_number", "The flight number field is required."),
    ] {
        if input::present(&body, field).is_none() && body.contains_key(field) {
            return Err(invalid(field, message));
        }
    }
    let route = input::text(&body, "route");
    let phase = input::text(&body, "status").map(|s| status_of_phpvms(&s));
    let changes = FlightChanges {
        phase,
        flight_minutes: integer(&body, "flight_time")?,
        distance_nm: number(&body, "distance")?,
        fuel_used: number(&body, "fuel_used")?,
        landing_rate: number(&body, "landing_rate")?,
        route: route.as_deref(),
        flight_level: number(&body, "level")?.map(crate::domain::pirep::flight_level_of),
    };
    let mut tx = state.db.begin().await?;
    if !tracker::change_flight(&mut tx, caller.org, PirepId(view.id), &changes).await? {
        return Err(pirep_error("PIREP is read-only"));
    }
    tx.commit().await?;
    store_fields(&state, &caller, PirepId(view.id), &body).await?;
    let (_, view) = own(&state, &caller, &params).await?;
    data(&state, &caller, &view).await
}

/// `POST /api/pireps/{id}/file`: files the flight (`distance` and
/// `flight_time` in minutes required, as phpVMS's `FileRequest`).
async fn file(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let (id, view) = own(&state, &caller, &params).await?;
    let mut errors: Vec<(&str, String)> = vec![];
    let distance = number(&body, "distance");
    let minutes = integer(&body, "flight_time");
    match &distance {
        Ok(None) => errors.push(("distance", "The distance field is required.".into())),
        Err(_) => errors.push(("distance", "The distance must be a number.".into())),
        Ok(Some(_)) => {}
    }
    match &minutes {
        Ok(None) => errors.push(("flight_time", "The flight time field is required.".into())),
        Err(_) => errors.push(("flight_time", "The flight time must be an integer.".into())),
        Ok(Some(_)) => {}
    }
    if !errors.is_empty() {
        return Err(AcarsError::validation(&errors));
    }
    match state_of(&view) {
        PirepState::InProgress => {}
        PirepState::Cancelled => return Err(pirep_cancelled()),
        _ => return Err(pirep_error("PIREP has already been submitted")),
    }
    let route = input::text(&body, "route");
    let fields = [(
        "Filed by".to_string(),
        input::text(&body, "source_name").unwrap_or_else(|| "phpVMS API".into()),
    )];
    let tracked = TrackedFiling {
        facts: FlightFacts {
            flight_minutes: minutes.ok().flatten().unwrap_or(0),
            landing_rate: number(&body, "landing_rate")?,
            fuel_used: number(&body, "fuel_used")?,
            flight_level: number(&body, "level")?.map(crate::domain::pirep::flight_level_of),
            route: route.as_deref(),
        },
        log: &[],
        fields: &fields,
        comments: &[],
        author: &caller.pilot.ident,
    };
    match filing::file_tracked(&state.db, caller.org, PirepId(view.id), &tracked).await {
        Ok(()) => {}
        Err(FilingError::NotInProgress(PirepState::Cancelled)) => return Err(pirep_cancelled()),
        Err(FilingError::NotInProgress(_)) => {
            return Err(pirep_error("PIREP has already been submitted"))
        }
        Err(FilingError::Invalid(fact)) => {
            let field = if fact.field == "flight_minutes" { "flight_time" } else { fact.field };
            return Err(AcarsError::validation(&[(
                field,
                format!("The {} {}", field.replace('_', " "), fact.message),
            )]));
        }
        Err(FilingError::NotFound | FilingError::Aircraft(_)) => return Err(pirep_not_found(&id)),
        Err(FilingError::Database(e)) => return Err(e.into()),
    }
    let (_, view) = own(&state, &caller, &params).await?;
    data(&state, &caller, &view).await
}

/// `PUT|DELETE /api/pireps/{id}/cancel`.
async fn cancel(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let (id, view) = own(&state, &caller, &params).await?;
    match lifecycle::cancel(&state.db, caller.org, PirepId(view.id)).await? {
        Cancelled::Done => {
            Ok(Json(json!({ "message": format!("PIREP {id} cancelled"), "attrs": [] })))
        }
        Cancelled::Filed(now) => {
            let title = "This PIREP can't be cancelled";
            Err(AcarsError::problem(
                StatusCode::BAD_REQUEST,
                "pirep-cancel-not-allowed",
                title,
                title,
            )
            .with("pirep_id", id)
            .with("state", now.phpvms_code()))
        }
    }
}

/// The items of a batch field (`positions`, `logs`, `events`), required.
fn items<'a>(
    body: &'a Map<String, Value>,
    field: &'static str,
) -> Result<Vec<&'a Map<String, Value>>, AcarsError> {
    match body.get(field) {
        Some(Value::Array(list)) if list.len() <= MAX_BATCH => list
            .iter()
            .map(|item| {
                item.as_object().ok_or_else(|| {
                    invalid(field, format!("The {field} must be a list of objects."))
                })
            })
            .collect(),
        Some(Value::Array(_)) => {
            Err(invalid(field, format!("At most {MAX_BATCH} {field} at once.")))
        }
        _ => Err(invalid(field, format!("The {field} field is required."))),
    }
}

fn time_of(item: &Map<String, Value>) -> Option<Timestamp> {
    ["sim_time", "created_at"]
        .iter()
        .find_map(|k| input::present(item, k).and_then(super::flying::parse_time))
}

/// `POST /api/pireps/{id}/acars/position`: a batch of positions (phpVMS's
/// `PositionRequest`); an item's `id` names it, so a re-sent batch stores
/// nothing twice. A position's `log` joins the flight's log.
async fn add_positions(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    let list = items(&body, "positions")?;
    match state_of(&view) {
        PirepState::Cancelled => return Err(pirep_cancelled()),
        PirepState::InProgress => {}
        _ => return Err(pirep_error("PIREP is read-only")),
    }
    let now = chrono::Utc::now();
    // The flight's phase, unless an item names its own.
    let current = view.phase.as_deref().map(status_of_phpvms).unwrap_or("enroute");
    let mut positions = Vec::with_capacity(list.len());
    let mut logs = vec![];
    for (n, item) in list.iter().enumerate() {
        let name = |field: &str| format!("positions.{n}.{field}");
        let value = |field: &str| {
            input::present(item, field)
                .map(|v| {
                    input::as_number(v).ok_or_else(|| {
                        invalid("positions", format!("The {} must be a number.", name(field)))
                    })
                })
                .transpose()
        };
        let (Some(lat), Some(lon)) = (value("lat")?, value("lon")?) else {
            return Err(invalid(
                "positions",
                format!("The {} and {} fields are required.", name("lat"), name("lon")),
            ));
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(invalid(
                "positions",
                format!("{} is not a position on Earth.", name("lat")),
            ));
        }
        let altitude = value("altitude_msl")?.or(value("altitude")?).unwrap_or(0.0);
        // Without a time, each item one microsecond after the last: a batch
        // sent at once keeps its order and every row.
        let at = time_of(item).unwrap_or(Timestamp(now + chrono::Duration::microseconds(n as i64)));
        if let Some(log) =
            input::present(item, "log").and_then(input::as_text).filter(|l| !l.trim().is_empty())
        {
            logs.push((at, log));
        }
        positions.push(NewPosition {
            recorded_at: at,
            phase: input::text(item, "status").map(|s| status_of_phpvms(&s)).unwrap_or(current),
            latitude: lat,
            longitude: lon,
            heading: value("heading")?.unwrap_or(0.0).rem_euclid(360.0),
            altitude,
            altitude_agl: value("altitude_agl")?.or(value("altitude")?),
            vertical_speed: value("vs")?,
            ground_speed: value("gs")?,
            indicated_airspeed: value("ias")?,
            distance_remaining: None,
            client_ref: input::present(item, "id")
                .and_then(input::as_text)
                .filter(|r| r.len() <= 100),
        });
    }
    let count = positions.len();
    let phase = view.phase.as_deref().map(status_of_phpvms).unwrap_or("enroute");
    let report =
        FlightReport { org: caller.org, pirep: PirepId(view.id), phase, positions, digest: None };
    let stored = match state.reports.store(report).await? {
        Reported::Stored(stored) => stored,
        Reported::NotInProgress => return Err(pirep_cancelled()),
    };
    // A batch sent again stores nothing, and its logs are not repeated.
    if !logs.is_empty() && stored > 0 {
        store_log(&state, &caller, PirepId(view.id), &logs).await?;
    }
    Ok(Json(json!({ "message": format!("{count} positions added"), "count": count })))
}

async fn store_log(
    state: &AppState,
    caller: &AcarsPilot,
    pirep: PirepId,
    lines: &[(Timestamp, String)],
) -> Result<(), AcarsError> {
    let mut tx = state.db.begin().await?;
    for (at, line) in lines {
        pireps::add_log_line(&mut tx, caller.org, pirep, *at, line).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// `logs` (`log`) and `events` (`event`): lines of the flight's log.
async fn add_lines(
    state: &AppState,
    caller: &AcarsPilot,
    params: &RawPathParams,
    body: &Map<String, Value>,
    field: &'static str,
    key: &'static str,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(state, caller, params).await?;
    let list = items(body, field)?;
    if state_of(&view) == PirepState::Cancelled {
        return Err(pirep_cancelled());
    }
    let mut lines = Vec::with_capacity(list.len());
    for (n, item) in list.iter().enumerate() {
        let text =
            input::present(item, key).and_then(input::as_text).filter(|t| !t.trim().is_empty());
        let Some(text) = text else {
            return Err(invalid(field, format!("The {field}.{n}.{key} field is required.")));
        };
        if text.len() > 1_000 {
            return Err(invalid(
                field,
                format!("The {field}.{n}.{key} may not be greater than 1000 characters."),
            ));
        }
        lines.push((time_of(item).unwrap_or_else(Timestamp::now), text));
    }
    store_log(state, caller, PirepId(view.id), &lines).await?;
    Ok(Json(json!({ "message": format!("{} {field} added", lines.len()), "count": lines.len() })))
}

async fn add_logs(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    add_lines(&state, &caller, &params, &body, "logs", "log").await
}

async fn add_events(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    add_lines(&state, &caller, &params, &body, "events", "event").await
}

/// `GET /api/pireps/{id}/acars/position`: the flown track, in time order.
async fn positions(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let (id, view) = own(&state, &caller, &params).await?;
    let rows = tracker::positions(&state.db, caller.org, PirepId(view.id)).await?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|p| {
            json!({
                "id": p.client_ref.unwrap_or_else(|| p.id.to_string()),
                "pirep_id": id,
                "type": 0,
                "status": phpvms_status(&p.phase),
                "lat": p.latitude,
                "lon": p.longitude,
                "heading": p.heading,
                "altitude": p.altitude,
                "altitude_agl": p.altitude_agl.unwrap_or(p.altitude),
                "altitude_msl": p.altitude,
                "vs": p.vertical_speed,
                "gs": p.ground_speed,
                "ias": p.indicated_airspeed,
                "sim_time": zulu(&p.recorded_at),
                "created_at": zulu(&p.recorded_at),
            })
        })
        .collect();
    Ok(Json(json!({ "data": list })))
}

async fn fields_answer(
    state: &AppState,
    caller: &AcarsPilot,
    pirep: PirepId,
) -> Result<Json<Value>, AcarsError> {
    let fields: Map<String, Value> = tracker::fields(&state.db, caller.org, pirep)
        .await?
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    Ok(Json(json!({ "data": fields })))
}

async fn fields(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    fields_answer(&state, &caller, PirepId(view.id)).await
}

/// `POST /api/pireps/{id}/fields {fields: {name: value}}`.
async fn set_fields(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    if !matches!(body.get("fields"), Some(Value::Object(_))) {
        return Err(invalid("fields", "The fields field is required."));
    }
    changeable(&view)?;
    store_fields(&state, &caller, PirepId(view.id), &body).await?;
    fields_answer(&state, &caller, PirepId(view.id)).await
}

fn comment_json(id: i64, author: &str, body: &str, at: &str) -> Value {
    json!({ "id": id, "comment": body, "created_at": zulu(at), "user": { "ident": author } })
}

async fn comments(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    let list: Vec<Value> = tracker::comments(&state.db, caller.org, PirepId(view.id))
        .await?
        .iter()
        .map(|(id, a, b, t)| comment_json(*id, a, b, t))
        .collect();
    Ok(Json(json!({ "data": list })))
}

/// `POST /api/pireps/{id}/comments {comment}`: 201 with the comment.
async fn add_comment(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<(StatusCode, Json<Value>), AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    let text = input::text(&body, "comment")
        .ok_or_else(|| invalid("comment", "The comment field is required."))?;
    if text.len() > 2_000 {
        return Err(invalid("comment", "The comment may not be greater than 2000 characters."));
    }
    let author = &caller.pilot.ident;
    let mut tx = state.db.begin().await?;
    let (id, at) =
        pireps::add_comment(&mut tx, caller.org, PirepId(view.id), author, &text).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({ "data": comment_json(id, author, &text, &at) }))))
}

/// A bid (booking) as phpVMS's `Bid` resource, with its flight.
fn bid_json(b: &tracker::ScheduledFlight, pilot: i64) -> Value {
    let number = super::flights::FlightNumber::of(&b.flight_number, &b.airline_code).to_string();
    json!({
        "id": b.id,
        "user_id": pilot,
        "flight_id": b.schedule_id.to_string(),
        "aircraft_id": b.aircraft_id,
        "flight": {
            "id": b.schedule_id.to_string(),
            "ident": format!("{}{}", b.airline_code, number),
            "flight_number": number,
            "dpt_airport_id": b.departure_icao,
            "arr_airport_id": b.arrival_icao,
            "route": b.route,
            "level": b.flight_level * 100,
            "distance": distance(b.distance_nm),
            "flight_time": b.flight_minutes,
            "dpt_time": b.departure_time,
            "arr_time": b.arrival_time,
            "flight_type": if b.flight_type == "C" { "F" } else { "J" },
            "notes": b.notes,
        },
    })
}

async fn bid_list(state: &AppState, caller: &AcarsPilot) -> Result<Vec<Value>, AcarsError> {
    let found = tracker::bookings(&state.db, caller.org, caller.pilot.id).await?;
    Ok(found.iter().map(|b| bid_json(b, caller.pilot.id.0)).collect())
}

/// `GET /api/user/bids` (and `/api/users/{me|id}/bids`).
async fn bids(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    only_self(&params, &caller)?;
    Ok(Json(json!({ "data": bid_list(&state, &caller).await? })))
}

/// `GET /api/bids/{bid}` and `/api/user/bids/{bid}`: one of the pilot's
/// bids (another pilot's is not found, as phpVMS refuses it).
async fn bid(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let text = super::path_param(&params, "bid").unwrap_or_default();
    let found = match text.parse::<i64>() {
        Ok(id) => tracker::booking(&state.db, caller.org, caller.pilot.id, id).await?,
        Err(_) => None,
    };
    let Some(found) = found else {
        let title = format!("The bid {text} was not found");
        return Err(AcarsError::problem(StatusCode::NOT_FOUND, "bid-not-found", &title, &title)
            .with("bid_id", text));
    };
    Ok(Json(json!({ "data": bid_json(&found, caller.pilot.id.0) })))
}

/// `PUT|POST /api/user/bids {flight_id[, aircraft_id]}` (and `PUT
/// /api/users/{me|id}/bids`): books a flight.
async fn add_bid(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    only_self(&params, &caller)?;
    let flight = integer(&body, "flight_id")?
        .ok_or_else(|| invalid("flight_id", "The flight id field is required."))?;
    let aircraft = integer(&body, "aircraft_id")?;
    let booking =
        match lifecycle::book(&state.db, caller.org, caller.pilot.id, flight, aircraft).await {
            Ok(booking) => booking,
            Err(lifecycle::BookError::Unknown(_, _)) => return Err(not_found()),
            Err(lifecycle::BookError::Database(e)) => return Err(e.into()),
        };
    let found = tracker::booking(&state.db, caller.org, caller.pilot.id, booking.0)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(json!({ "data": bid_json(&found, caller.pilot.id.0) })))
}

/// `DELETE /api/user/bids {flight_id | bid_id}`: drops the booking; the
/// pilot's remaining bids.
async fn remove_bid(
    State(state): State<AppState>,
    pilot: PhpvmsPilot,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let caller = &pilot.0;
    let bid = match integer(&body, "bid_id")? {
        Some(bid) => Some(bid),
        None => {
            let flight = integer(&body, "flight_id")?
                .ok_or_else(|| invalid("flight_id", "The flight id field is required."))?;
            let found = tracker::bookings(&state.db, caller.org, caller.pilot.id).await?;
            // The newest, should the pilot hold the flight twice.
            found.iter().filter(|b| b.schedule_id == flight).map(|b| b.id).max()
        }
    };
    let bid = bid.ok_or_else(not_found)?;
    match lifecycle::unbook(&state.db, pilot.flyer(), bid).await {
        Ok(()) => {}
        Err(lifecycle::BookingChange::Started) => {
            return Err(pirep_error("The flight of this bid is in progress"))
        }
        Err(lifecycle::BookingChange::Database(e)) => return Err(e.into()),
        Err(_) => return Err(not_found()),
    }
    Ok(Json(json!({ "data": bid_list(&state, caller).await? })))
}

/// `GET /api/airlines`: the org's airlines, paged.
async fn airlines(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    let airlines = crate::storage::resource::all::<crate::storage::airlines::Airline>(
        &state.db,
        caller.org,
        &[],
    )
    .await?;
    let list: Vec<Value> = airlines.iter().map(airline_json).collect();
    Ok(Json(paginate(list, &query, "/api/airlines")))
}

fn airline_json(a: &crate::storage::airlines::Airline) -> Value {
    json!({ "id": a.id.0, "icao": a.icao, "iata": a.code, "name": a.name, "active": true })
}

fn airport_not_found(icao: &str) -> AcarsError {
    let title = format!("Airport {icao} not found");
    AcarsError::problem(StatusCode::NOT_FOUND, "airport-not-found", &title, &title)
        .with("icao", icao.to_string())
}

/// The org's airport named by the path parameter `name`.
async fn airport_named(
    state: &AppState,
    caller: &AcarsPilot,
    params: &RawPathParams,
    name: &str,
) -> Result<tracker::Airport, AcarsError> {
    let icao = super::path_param(params, name).unwrap_or_default();
    tracker::airport(&state.db, caller.org, icao).await?.ok_or_else(|| airport_not_found(icao))
}

/// `GET /api/airports/{icao}` (and `/lookup`, which in phpVMS asks
/// vaCentral; Airside answers the org's own airport).
async fn airport(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let found = airport_named(&state, &caller, &params, "icao").await?;
    Ok(Json(json!({ "data": airport_json(&found) })))
}

/// `GET /api/airports/{icao}/distance/{to}`: the great-circle distance.
async fn airport_distance(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let from = airport_named(&state, &caller, &params, "icao").await?;
    let to = airport_named(&state, &caller, &params, "to").await?;
    let nmi =
        crate::domain::geo::distance_nm(from.latitude, from.longitude, to.latitude, to.longitude);
    Ok(Json(
        json!({ "data": { "fromIcao": from.icao, "toIcao": to.icao, "distance": distance(nmi) } }),
    ))
}

/// `GET /api/airports/hubs` and `/api/airports/search` (`search` matches
/// the ICAO, IATA or name, `name:value` as phpVMS's criteria take it;
/// `hubs=1` only hubs): public in phpVMS, so the org's only under its
/// tracker URL.
async fn public_airports(
    State(state): State<AppState>,
    params: RawPathParams,
    uri: axum::http::Uri,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    let hubs_only = uri.path().ends_with("/hubs")
        || input::text(&query, "hubs").is_some_and(|h| {
            matches!(h.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
        });
    let needle = input::text(&query, "search")
        .map(|s| s.rsplit(':').next().unwrap_or_default().trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let list = match public_org(&state, &params).await? {
        Some(org) => tracker::airports(&state.db, org).await?,
        None => vec![],
    };
    let matches = |a: &tracker::Airport| match &needle {
        None => true,
        Some(n) => [Some(&a.icao), a.iata.as_ref(), Some(&a.name)]
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(n.as_str())),
    };
    let found: Vec<Value> = list
        .iter()
        .filter(|a| (!hubs_only || a.hubs > 0) && matches(a))
        .map(airport_json)
        .collect();
    Ok(Json(paginate(found, &query, uri.path())))
}

/// phpVMS's page-number pagination (`limit`, `page`; page 0 is page 1) of
/// a whole list: `{data, links, meta}`.
fn paginate(items: Vec<Value>, query: &Map<String, Value>, path: &str) -> Value {
    let positive =
        |name: &str| input::present(query, name).and_then(input::as_number).filter(|n| *n >= 0.0);
    let per_page = positive("limit").map(|n| (n as usize).clamp(1, 1000)).unwrap_or(20);
    let page = positive("page").map(|n| (n as usize).max(1)).unwrap_or(1);
    let total = items.len();
    let last_page = total.div_ceil(per_page).max(1);
    // A page far past the end is empty, not an overflow.
    let from = (page - 1).saturating_mul(per_page);
    let data: Vec<Value> = items.into_iter().skip(from).take(per_page).collect();
    let shown = data.len();
    let link = |n: usize| Value::String(format!("{path}?page={n}"));
    json!({
        "data": data,
        "links": {
            "first": link(1),
            "last": link(last_page),
            "prev": if page > 1 { link(page - 1) } else { Value::Null },
            "next": if page < last_page { link(page + 1) } else { Value::Null },
        },
        "meta": {
            "current_page": page,
            "from": if shown == 0 { Value::Null } else { json!(from + 1) },
            "last_page": last_page,
            "path": path,
            "per_page": per_page,
            "to": if shown == 0 { Value::Null } else { json!(from + shown) },
            "total": total,
        },
    })
}

/// phpVMS's aircraft status letter.
fn aircraft_status(status: &str) -> &'static str {
    match status {
        "active" => "A",
        "maintenance" => "M",
        "retired" => "R",
        _ => "S",
    }
}

fn aircraft_json(a: &crate::storage::fleet::Aircraft) -> Value {
    json!({
        "id": a.id.0,
        "subfleet_id": a.subfleet_id.0,
        "icao": a.icao,
        "name": a.name,
        "registration": a.registration,
        "ident": a.registration,
        "status": aircraft_status(&a.status),
        "flight_time": (a.airframe_hours * 60.0).round() as i64,
    })
}

/// The org's subfleets with their aircraft, as phpVMS's `Subfleet`.
async fn subfleets_json(
    state: &AppState,
    caller: &AcarsPilot,
    only: Option<&[i64]>,
) -> Result<Vec<Value>, AcarsError> {
    use crate::storage::fleet::{Aircraft, Subfleet};
    use crate::storage::resource;
    let subfleets = resource::all::<Subfleet>(&state.db, caller.org, &[]).await?;
    let aircraft = resource::all::<Aircraft>(&state.db, caller.org, &[]).await?;
    Ok(subfleets
        .iter()
        .filter(|s| only.is_none_or(|ids| ids.contains(&s.id.0)))
        .map(|s| {
            let planes: Vec<Value> =
                aircraft.iter().filter(|a| a.subfleet_id == s.id).map(aircraft_json).collect();
            json!({
                "id": s.id.0, "airline_id": s.airline_id.0, "type": s.type_code, "name": s.name,
                "aircraft": planes,
            })
        })
        .collect())
}

/// `GET /api/fleet` (and `/api/subfleet`): subfleets with their aircraft.
async fn fleet(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    let list = subfleets_json(&state, &caller, None).await?;
    Ok(Json(paginate(list, &query, "/api/fleet")))
}

/// `GET /api/fleet/aircraft/{id}`.
async fn fleet_aircraft(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let id = super::path_param(&params, "id")
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or_else(not_found)?;
    let found =
        crate::storage::resource::get::<crate::storage::fleet::Aircraft>(&state.db, caller.org, id)
            .await?
            .ok_or_else(not_found)?;
    Ok(Json(json!({ "data": aircraft_json(&found) })))
}

/// `GET /api/user/fleet`: the subfleets the pilot's rank allows.
async fn user_fleet(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    only_self(&params, &caller)?;
    let allowed = tracker::subfleets_for_rank(&state.db, caller.org, caller.pilot.rank_id).await?;
    Ok(Json(json!({ "data": subfleets_json(&state, &caller, Some(&allowed)).await? })))
}

/// `GET /api/user/pireps` (`?state=` a phpVMS state number): the pilot's
/// PIREPs, newest first; cancelled ones only when asked for.
async fn user_pireps(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    only_self(&params, &caller)?;
    let states: &[&str] =
        match input::present(&query, "state").and_then(input::as_number).map(|n| n as i64) {
            None => &[],
            Some(0) => &["in_progress"],
            Some(1) => &["submitted"],
            Some(2) => &["accepted"],
            Some(3) => &["cancelled"],
            Some(6) => &["rejected", "invalidated"],
            Some(_) => &["none"],
        };
    let views = tracker::pirep_views(&state.db, caller.org, caller.pilot.id, states, 1_000).await?;
    let mut list = Vec::with_capacity(views.len());
    for view in &views {
        list.push(pirep_resource(&state, &caller, view).await?);
    }
    Ok(Json(paginate(list, &query, "/api/user/pireps")))
}

/// phpVMS's `Flight` resource of a schedule.
fn flight_json(f: &tracker::ScheduledFlight) -> Value {
    let number = super::flights::FlightNumber::of(&f.flight_number, &f.airline_code).to_string();
    json!({
        "id": f.schedule_id.to_string(),
        "ident": format!("{}{}", f.airline_code, number),
        "airline": { "icao": f.airline_icao, "iata": f.airline_code },
        "flight_number": number,
        "dpt_airport_id": f.departure_icao,
        "arr_airport_id": f.arrival_icao,
        "route": f.route,
        "level": f.flight_level * 100,
        "distance": distance(f.distance_nm),
        "flight_time": f.flight_minutes,
        "dpt_time": f.departure_time,
        "arr_time": f.arrival_time,
        "flight_type": if f.flight_type == "C" { "F" } else { "J" },
        "notes": f.notes,
        "active": true,
        "visible": true,
    })
}

/// `GET /api/flights` and `/api/flights/search`: the org's active, visible
/// schedules, narrowed by `dpt_airport_id`/`dep_icao`, `arr_airport_id`/
/// `arr_icao`, `flight_number` and `subfleet_id` (one the org does not have
/// does not filter).
async fn flights(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    let text = |names: [&str; 2]| names.iter().find_map(|n| input::text(&query, n));
    let mut search = tracker::ScheduleSearch {
        callsign: input::text(&query, "flight_number").filter(|n| n.len() <= 20),
        limit: 10_000,
        ..tracker::ScheduleSearch::default()
    };
    let departure = text(["dpt_airport_id", "dep_icao"]);
    let arrival = text(["arr_airport_id", "arr_icao"]);
    let subfleet = input::id(&query, "subfleet_id");
    super::flights::narrow(&state, caller.org, &mut search, departure, arrival, subfleet).await?;
    let found = tracker::search_schedules(&state.db, caller.org, &search).await?;
    Ok(Json(paginate(found.iter().map(flight_json).collect(), &query, "/api/flights")))
}

/// `GET /api/flights/{id}`.
async fn flight(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let id = super::path_param(&params, "id")
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or_else(not_found)?;
    let found = tracker::schedule_flight(&state.db, caller.org, id).await?.ok_or_else(not_found)?;
    Ok(Json(json!({ "data": flight_json(&found) })))
}

/// The org's schedule named in the path.
async fn schedule_named(
    state: &AppState,
    caller: &AcarsPilot,
    params: &RawPathParams,
) -> Result<tracker::ScheduledFlight, AcarsError> {
    let id = super::path_param(params, "id").and_then(|id| id.parse::<i64>().ok());
    let Some(id) = id else { return Err(not_found()) };
    tracker::schedule_flight(&state.db, caller.org, id).await?.ok_or_else(not_found)
}

/// `GET /api/flights/{id}/aircraft`: the aircraft the pilot may fly the
/// schedule with (the same rule as every booking), a bare list as phpVMS
/// answers it.
async fn flight_aircraft(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    use crate::storage::fleet::Aircraft;
    let schedule = schedule_named(&state, &caller, &params).await?;
    let p = &caller.pilot;
    let eligible =
        tracker::eligible_aircraft(&state.db, caller.org, p.id, p.rank_id, &[schedule.schedule_id])
            .await?;
    let ids: std::collections::HashSet<i64> = eligible.iter().map(|e| e.id).collect();
    let fleet = crate::storage::resource::all::<Aircraft>(&state.db, caller.org, &[]).await?;
    let list = fleet.iter().filter(|a| ids.contains(&a.id.0)).map(aircraft_json).collect();
    Ok(Json(Value::Array(list)))
}

/// `GET /api/flights/{id}/route`: the route's navaids. phpVMS finds them in
/// its navdata tables; Airside has no navdata, so the list is empty (the
/// route text is the flight's `route`).
async fn flight_route(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    schedule_named(&state, &caller, &params).await?;
    Ok(Json(json!({ "data": [] })))
}

/// `GET /api/flights/{id}/briefing`: a SimBrief briefing; Airside keeps
/// none, so phpVMS's answer for a flight without one.
async fn flight_briefing(_caller: PhpvmsPilot) -> AcarsError {
    let title = "Flight briefing not found";
    AcarsError::problem(StatusCode::NOT_FOUND, "not-found", title, title)
}

/// The org a public route answers for: the tracker URL's, else none (the
/// shared URL names no org, and nothing of one org is shown to all).
async fn public_org(
    state: &AppState,
    params: &RawPathParams,
) -> Result<Option<crate::domain::OrgId>, AcarsError> {
    match super::path_param(params, "org") {
        Some(slug) => Ok(Some(
            crate::storage::orgs::by_slug(&state.db, slug).await?.ok_or_else(not_found)?.id,
        )),
        None => Ok(None),
    }
}

/// `GET /api/news`: the org's announcements, newest first.
async fn news(
    State(state): State<AppState>,
    params: RawPathParams,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    let list = match public_org(&state, &params).await? {
        Some(org) => tracker::announcements(&state.db, org, 100).await?,
        None => vec![],
    };
    let items: Vec<Value> = list
        .iter()
        .map(|a| json!({ "id": a.id, "subject": a.title, "body": a.body, "created_at": zulu(&a.published_at), "user": { "name": "Staff" } }))
        .collect();
    Ok(Json(paginate(items, &query, "/api/news")))
}

/// The org's flights in progress with their last position.
async fn live(
    state: &AppState,
    params: &RawPathParams,
) -> Result<Vec<crate::storage::live::MapFlight>, AcarsError> {
    let Some(org) = public_org(state, params).await? else { return Ok(vec![]) };
    let in_progress =
        [crate::storage::resource::Filter::Text("pireps.state", "in_progress".into())];
    Ok(crate::storage::resource::all::<crate::storage::live::MapFlight>(
        &state.db,
        org,
        &in_progress,
    )
    .await?)
}

/// `GET /api/acars`: the live feed a VA's map reads.
async fn acars_live(
    State(state): State<AppState>,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let flights = live(&state, &params).await?;
    let list: Vec<Value> = flights
        .iter()
        .map(|f| json!({
            "id": f.id.to_string(),
            "flight_number": f.flight_number,
            "status": phpvms_status(f.phase.as_deref().unwrap_or("initiated")),
            "user": { "id": f.pilot_id, "ident": f.pilot_username, "name": f.pilot_name },
            "dpt_airport": { "icao": f.departure_icao, "name": f.departure_name },
            "arr_airport": { "icao": f.arrival_icao, "name": f.arrival_name },
            "aircraft": { "name": f.aircraft_name, "icao": f.aircraft_type, "registration": f.aircraft_registration },
            "position": f.latitude.map(|lat| json!({
                "lat": lat, "lon": f.longitude, "altitude": f.altitude, "heading": f.heading, "gs": f.ground_speed,
                "sim_time": f.last_report_at.as_deref().map(zulu),
            })),
        }))
        .collect();
    Ok(Json(json!({ "data": list })))
}

/// `GET /api/acars/geojson`: the same flights as GeoJSON points.
async fn acars_geojson(
    State(state): State<AppState>,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let flights = live(&state, &params).await?;
    let features: Vec<Value> = flights
        .iter()
        .filter_map(|f| Some((f, f.latitude?, f.longitude?)))
        .map(|(f, lat, lon)| json!({
            "type": "Feature",
            "geometry": { "type": "Point", "coordinates": [lon, lat] },
            "properties": { "pirep_id": f.id.to_string(), "flight_number": f.flight_number,
                "pilot": f.pilot_name, "heading": f.heading, "altitude": f.altitude, "gs": f.ground_speed },
        }))
        .collect();
    Ok(Json(json!({ "type": "FeatureCollection", "features": features })))
}

/// `GET /api/vmsacars/config`: where vmsACARS finds its settings.
async fn vmsacars_config(_caller: PhpvmsPilot) -> Json<Value> {
    Json(json!({ "data": {
        "units": { "distance": "nmi", "altitude": "ft", "speed": "knots", "weight": "lbs", "fuel": "lbs", "volume": "gallons" },
        "fields": [],
        "rules": [],
        "update_intervals": { "ground": 30, "aloft": 15 },
        "live_time": 12,
    }}))
}

fn route_json(points: &[tracker::RoutePoint]) -> Value {
    let list: Vec<Value> = points
        .iter()
        .map(|p| json!({ "name": p.name, "order": p.position, "nav_type": p.nav_type, "lat": p.latitude, "lon": p.longitude }))
        .collect();
    json!({ "data": list })
}

/// `GET /api/pireps/{id}/route`.
async fn route(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    Ok(Json(route_json(&tracker::route_points(&state.db, caller.org, PirepId(view.id)).await?)))
}

/// `POST /api/pireps/{id}/route {route: [{name, order, lat, lon, nav_type?}]}`
/// (phpVMS's `RouteRequest`): replaces the filed route.
async fn set_route(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
    Input(body): Input,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    let list = items(&body, "route")?;
    let mut points = Vec::with_capacity(list.len());
    for (n, item) in list.iter().enumerate() {
        let field = |name: &str| format!("route.{n}.{name}");
        let name = input::present(item, "name")
            .and_then(input::as_text)
            .filter(|t| !t.trim().is_empty() && t.len() <= 100);
        let order =
            input::present(item, "order").and_then(input::as_number).filter(|o| o.fract() == 0.0);
        let lat = input::present(item, "lat")
            .and_then(input::as_number)
            .filter(|v| (-90.0..=90.0).contains(v));
        let lon = input::present(item, "lon")
            .and_then(input::as_number)
            .filter(|v| (-180.0..=180.0).contains(v));
        let (Some(name), Some(order), Some(lat), Some(lon)) = (name, order, lat, lon) else {
            return Err(invalid(
                "route",
                format!(
                    "{}, {}, {} and {} are required, the last three numbers.",
                    field("name"),
                    field("order"),
                    field("lat"),
                    field("lon")
                ),
            ));
        };
        let nav_type =
            input::present(item, "nav_type").and_then(input::as_number).map(|t| t as i64);
        points.push(tracker::RoutePoint {
            position: order as i64,
            name: name.trim().to_string(),
            nav_type,
            latitude: lat,
            longitude: lon,
        });
    }
    if state_of(&view) == PirepState::Cancelled {
        return Err(pirep_cancelled());
    }
    tracker::replace_route(&state.db, caller.org, PirepId(view.id), &points).await?;
    Ok(Json(json!({ "message": format!("{} points added", points.len()), "count": points.len() })))
}

/// `DELETE /api/pireps/{id}/route`.
async fn delete_route(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let (_, view) = own(&state, &caller, &params).await?;
    if state_of(&view) == PirepState::Cancelled {
        return Err(pirep_cancelled());
    }
    tracker::replace_route(&state.db, caller.org, PirepId(view.id), &[]).await?;
    Ok(Json(json!({ "message": "Route deleted", "attrs": [] })))
}

/// phpVMS's `Airport` resource (its id is the ICAO code).
fn airport_json(a: &tracker::Airport) -> Value {
    json!({
        "id": a.icao, "icao": a.icao, "iata": a.iata, "name": a.name, "location": a.city,
        "country": a.country, "hub": a.hubs > 0, "lat": a.latitude, "lon": a.longitude,
    })
}

/// `GET /api/airports`: the org's airports, paged.
async fn airports(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    Input(query): Input,
) -> Result<Json<Value>, AcarsError> {
    let list = tracker::airports(&state.db, caller.org).await?;
    Ok(Json(paginate(list.iter().map(airport_json).collect(), &query, "/api/airports")))
}

/// `GET /api/airlines/{id}`.
async fn airline(
    State(state): State<AppState>,
    PhpvmsPilot(caller): PhpvmsPilot,
    params: RawPathParams,
) -> Result<Json<Value>, AcarsError> {
    let id = super::path_param(&params, "id")
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or_else(not_found)?;
    let a = crate::storage::resource::get::<crate::storage::airlines::Airline>(
        &state.db, caller.org, id,
    )
    .await?
    .ok_or_else(not_found)?;
    Ok(Json(json!({ "data": airline_json(&a) })))
}
