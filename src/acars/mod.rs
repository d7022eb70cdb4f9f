//! The ACARS API under `/api/stratos`: the contract of the Stratos Core API
//! module (SkyvexSoftware/stratos-core-api 0.3.6) and its Logbook add-on, so
//! the Stratos desktop client flies against Airside. Paths, status codes,
//! key names, value types and error bodies are the module's; where it has a
//! hole (no ownership checks, no throttle) Airside is stricter, as
//! `docs/stratos.md` lists. Every route is served twice: under the shared
//! base, and under an org's own tracker URL `/o/<slug>/api/stratos`, where
//! sign-in names (an email, a bare pilot number) are that org's.

mod auth;
pub use auth::Identity;
pub mod data;
mod error;
pub mod flights;
pub mod flying;
mod input;
pub mod logbook;
pub mod login;
pub mod phpvms;
pub mod pilot;
pub mod smartcars;

use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub use auth::AcarsPilot;
pub use error::AcarsError;

use crate::http::scoped::{schema_of, SchemaFn};
use crate::state::AppState;

pub const BASE: &str = "/api/stratos";
/// An org's own tracker URL: `/o/<slug>/api/stratos`.
pub const ORG_BASE: &str = "/o/{org}/api/stratos";
/// What the handshake reports: the module version whose contract this is.
pub const API_VERSION: &str = "0.3.6";

/// The tracker URLs of an org: its own, and the shared one.
pub fn tracker_urls(public_url: &str, slug: &str) -> (String, String) {
    let base = public_url.trim_end_matches('/');
    (format!("{base}/o/{slug}{BASE}"), format!("{base}{BASE}"))
}

/// An ACARS route as its documentation describes it.
#[derive(Debug, Clone)]
pub struct AcarsRoute {
    pub method: Method,
    pub path: String,
    pub doc: AcarsDoc,
}

#[derive(Debug, Clone)]
pub struct AcarsDoc {
    pub summary: &'static str,
    /// False for the handshake and login.
    pub authenticated: bool,
    pub body: Option<SchemaFn>,
    pub answer: SchemaFn,
    /// The answer is a list of `answer`.
    pub list: bool,
    /// Query parameters: name, meaning.
    pub query: &'static [(&'static str, &'static str)],
    /// The usual answer is 200 with an empty body (`answer` is a batch's).
    pub empty: bool,
}

fn doc<T: utoipa::ToSchema>(summary: &'static str) -> AcarsDoc {
    AcarsDoc {
        summary,
        authenticated: true,
        body: None,
        answer: schema_of::<T>,
        list: false,
        query: &[],
        empty: false,
    }
}

impl AcarsDoc {
    fn list(mut self) -> Self {
        self.list = true;
        self
    }

    fn body<T: utoipa::ToSchema>(mut self) -> Self {
        self.body = Some(schema_of::<T>);
        self
    }

    fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    fn public(mut self) -> Self {
        self.authenticated = false;
        self
    }

    fn query(mut self, query: &'static [(&'static str, &'static str)]) -> Self {
        self.query = query;
        self
    }
}

/// The router and, from the same calls, the routes the documentation lists,
/// so neither can drift from the other.
struct Routes {
    router: Router<AppState>,
    routes: Vec<AcarsRoute>,
}

impl Routes {
    /// A GET route (HEAD comes with it) that answers OPTIONS itself.
    fn read<H, T>(self, path: &str, handler: H, doc: AcarsDoc) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(Method::GET, path, get(handler.clone()), doc)
    }

    /// A POST route.
    fn write<H, T>(self, path: &str, handler: H, doc: AcarsDoc) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(Method::POST, path, post(handler), doc)
    }

    /// The route under both bases (`stratos_headers` answers its OPTIONS
    /// and HEAD); the shared one is documented.
    fn route(
        mut self,
        method: Method,
        path: &str,
        handler: axum::routing::MethodRouter<AppState>,
        doc: AcarsDoc,
    ) -> Self {
        let handler = handler.options(options).head(options);
        for base in [BASE, ORG_BASE] {
            self.router = self.router.route(&format!("{base}{path}"), handler.clone());
        }
        self.routes.push(AcarsRoute { method, path: format!("{BASE}{path}"), doc });
        self
    }
}

/// What `update` takes: one report, or a batch in `positions`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Update {
    /// The tracking id (`tracking_id` is accepted too).
    uuid: String,
    /// The module's phases (boarding, push_back, taxi, take_off,
    /// rejected_take_off, climb_out, climb, cruise, descent, approach, final,
    /// landed, go_around, taxi_to_gate, taxi_in, on_block, block_on, at_gate,
    /// deboarding, arrived, submitted, diverted) and `paused`; others count
    /// as en route.
    phase: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    heading: Option<f64>,
    altitude: Option<f64>,
    altitude_agl: Option<f64>,
    vertical_speed: Option<f64>,
    ground_speed: Option<f64>,
    indicated_airspeed: Option<f64>,
    distance_remaining: Option<f64>,
    /// RFC 3339, a UTC date and time, or Unix seconds; required in `positions`.
    timestamp: Option<String>,
    /// Airside's batch: up to 500 reports with the fields above, stored in
    /// one transaction and answered with `{"status": 200, "stored": n}`.
    positions: Option<Vec<serde_json::Value>>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Done {
    status: u16,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Handshake {
    /// The Stratos Core API version whose contract this is.
    api_version: String,
    handler: String,
}

/// Every error, in the module's shapes: `{"error"}` (with `success: false`
/// from sign-in and auth, `state` and `pirep_id` on a 409), `{"message"}`
/// from start and change-aircraft, or phpVMS's problem (`type`, `title`,
/// `details`, `status`, `error: {status, message}`) where the module hands
/// over to phpVMS.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// Text, or in phpVMS's problem `{status, message}`.
    error: Option<serde_json::Value>,
    message: Option<String>,
    success: Option<bool>,
    /// On 409: phpVMS's state number (0 in progress, 1 pending, 2 accepted,
    /// 3 cancelled, 6 rejected).
    state: Option<i64>,
    /// On 409: the tracking id.
    pirep_id: Option<String>,
    r#type: Option<String>,
    title: Option<String>,
    details: Option<String>,
    status: Option<i64>,
    #[schema(value_type = Option<Object>)]
    errors: Option<serde_json::Value>,
}

const SEARCH: &[(&str, &str)] = &[
    ("departure_airport", "ICAO code (one the org does not have does not filter)"),
    ("arrival_airport", "ICAO code (likewise)"),
    ("aircraft", "A subfleet id: schedules flown by it"),
    ("minimum_flight_time", "Hours"),
    ("maximum_flight_time", "Hours"),
    ("minimum_distance", "Nautical miles"),
    ("maximum_distance", "Nautical miles"),
    ("limit", "At most 100 (the default)"),
];

const LOGBOOK: &[(&str, &str)] = &[
    ("limit", "1 to 100 (default 25)"),
    ("offset", "0 or more"),
    ("sort", "date (default), route, aircraft, duration, distance, landing_rate, status"),
    ("order", "asc or desc (default)"),
    ("q", "Part of the flight number or an airport's ICAO code, at most 80 characters"),
    ("status", "pending, accepted or rejected"),
];

pub fn build() -> (Router<AppState>, Vec<AcarsRoute>) {
    // Full paths rather than `nest`: the handshake answers at the base path
    // with and without its trailing slash.
    let hello = || doc::<Handshake>("Handshake: which API this is").public();
    let routes = Routes { router: Router::new(), routes: vec![] }
        .read("", handshake, hello())
        .read("/", handshake, hello())
        .write(
            "/pilot/login",
            login::login,
            doc::<login::LoggedIn>(
                "Sign in with a pilot id, its number or an email and the password (or API key)",
            )
            .public()
            .body::<login::Login>(),
        )
        .read("/pilot/verify", pilot::verify, doc::<pilot::Verified>("The key's pilot"))
        .read(
            "/pilot/statistics",
            pilot::statistics,
            doc::<pilot::Statistics>("The pilot's totals"),
        )
        .read("/data/aircraft", data::aircraft, doc::<data::Aircraft>("The fleet").list())
        .read("/data/airports", data::airports, doc::<data::Airport>("The airports").list())
        .read(
            "/data/announcements",
            data::announcements,
            doc::<data::Announcement>("The 10 latest announcements").list(),
        )
        .read(
            "/flights/bookings",
            flights::bookings,
            doc::<flights::Booking>("The pilot's bookings").list(),
        )
        .read(
            "/flights/bookings/{bid}/aircraft",
            flights::eligible_aircraft,
            doc::<flights::Eligible>("Aircraft a booking may be flown with"),
        )
        .read(
            "/flights/search",
            flights::search,
            doc::<flights::ScheduleEntry>("Schedules matching every filter given")
                .list()
                .query(SEARCH),
        )
        .write(
            "/flights/change-aircraft",
            flights::change_aircraft,
            doc::<flights::Booking>("Pin an eligible aircraft to a booking")
                .body::<flights::ChangeAircraft>(),
        )
        .write(
            "/flights/unbook",
            flights::unbook,
            doc::<Done>("Drop a booking").body::<flights::Unbook>(),
        )
        .write(
            "/flights/start",
            flying::start,
            doc::<flying::Started>("Start (or resume) flying a booking").body::<flying::Start>(),
        )
        .write(
            "/flights/update",
            flying::update,
            doc::<Done>("Report a position (empty answer), or a batch").body::<Update>().empty(),
        )
        .write(
            "/flights/complete",
            flying::complete,
            doc::<flying::Filed>("File the flight as a PIREP (idempotent)")
                .body::<flying::Complete>(),
        )
        .write(
            "/flights/cancel",
            flying::cancel,
            doc::<Done>("Abandon a flight").body::<flying::Cancel>(),
        )
        .read(
            "/logbook/pireps",
            logbook::pireps,
            doc::<logbook::LogbookPage>("The pilot's filed flights").query(LOGBOOK),
        )
        .read(
            "/logbook/pireps/{id}",
            logbook::pirep,
            doc::<logbook::LogbookDetail>("One filed flight with its track and log"),
        )
        .read("/logbook/stats", logbook::stats, doc::<logbook::LogbookStats>("Logbook totals"));
    (routes.router.layer(middleware::from_fn(stratos_headers)), routes.routes)
}

/// A path parameter of the route (the org's tracker URL adds `org`, so a
/// route's own parameters are looked up by name).
fn path_param<'p>(params: &'p axum::extract::RawPathParams, name: &str) -> Option<&'p str> {
    params.iter().find(|(key, _)| *key == name).map(|(_, value)| value)
}

/// Minutes as the module shows time: hours to two decimals.
fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// Never reached: `stratos_headers` answers OPTIONS and HEAD first.
async fn options() -> StatusCode {
    StatusCode::OK
}

/// The module's `StratosHeaders` middleware: OPTIONS and HEAD are answered
/// 200 with `{}` without running the route (so no auth either, as there);
/// every answer is `application/json` with its CORS headers.
async fn stratos_headers(request: Request, next: Next) -> Response {
    let mut response = match *request.method() {
        Method::OPTIONS | Method::HEAD => (StatusCode::OK, "{}").into_response(),
        _ => next.run(request).await,
    };
    let headers = response.headers_mut();
    let pairs = [
        (header::CONTENT_TYPE, "application/json"),
        (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, DELETE, OPTIONS, HEAD"),
        (
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "Content-Type, Access-Control-Allow-Headers, Authorization, X-Requested-With, \
             X-Stratos-Version, User-Agent",
        ),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
    ];
    for (name, value) in pairs {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

async fn handshake(_org: auth::TrackerOrg) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "api_version": API_VERSION, "handler": "Stratos" }))
}
