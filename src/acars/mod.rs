//! The ACARS API under `/api/stratos`: the contract of the Stratos Core API
//! module, so the Stratos desktop client flies against Airside. Field names
//! and status codes follow that module (DESIGN.md's table); errors keep its
//! `{"error": …}` shape, plus our request id.
//!

mod auth;
pub mod data;
mod error;
pub mod flights;
pub mod flying;
mod ingest;
pub mod login;
pub mod pilot;

use axum::handler::Handler;
use axum::http::{header, HeaderName, Method};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

pub use auth::AcarsPilot;
pub use error::AcarsError;
pub use ingest::ReportWriter;

use crate::app::AppState;
use crate::http::scoped::{schema_of, SchemaFn};

pub const BASE: &str = "/api/stratos";
/// What the handshake reports.
pub const API_VERSION: &str = "1.0";

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
}

fn doc<T: utoipa::ToSchema>(summary: &'static str) -> AcarsDoc {
    AcarsDoc {
        summary,
        authenticated: true,
        body: None,
        answer: schema_of::<T>,
        list: false,
        query: &[],
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
    fn read<H, T>(mut self, path: &str, handler: H, doc: AcarsDoc) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let path = format!("{BASE}{path}");
        self.router = self.router.route(&path, get(handler).options(options));
        self.routes.push(AcarsRoute { method: Method::GET, path, doc });
        self
    }

    /// A POST route that answers OPTIONS and HEAD itself, as the module's do.
    fn write<H, T>(mut self, path: &str, handler: H, doc: AcarsDoc) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let path = format!("{BASE}{path}");
        self.router = self.router.route(&path, post(handler).options(options).head(options));
        self.routes.push(AcarsRoute { method: Method::POST, path, doc });
        self
    }
}

/// What `update` takes: one report, or a batch in `positions`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Update {
    /// The tracking id (`tracking_id` is accepted too).
    uuid: String,
    /// boarding, push_back, taxi, take_off, climb, cruise, descent, approach,
    /// final, landed, taxi_in, on_block, arrived, diverted, paused; others
    /// count as en route.
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
    /// RFC 3339 or Unix seconds; required in `positions`.
    timestamp: Option<String>,
    /// Up to 500 reports with the fields above, stored in one transaction.
    positions: Option<Vec<serde_json::Value>>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Stored {
    status: u16,
    /// Positions stored; a re-sent one is not stored again.
    stored: u64,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Done {
    status: u16,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Handshake {
    api_version: String,
    handler: String,
}

/// Every error: the module's shape plus our request id.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: String,
    request_id: String,
    /// On a login refusal: false.
    success: Option<bool>,
    /// On 409: the flight's state.
    state: Option<String>,
    /// On 409: the flight's PIREP.
    pirep_id: Option<String>,
}

const SEARCH: &[(&str, &str)] = &[
    ("departure_airport", "ICAO code"),
    ("arrival_airport", "ICAO code"),
    ("aircraft", "ICAO type of one of the schedule's subfleets, e.g. A320"),
    ("minimum_flight_time", "Hours"),
    ("maximum_flight_time", "Hours"),
    ("minimum_distance", "Nautical miles"),
    ("maximum_distance", "Nautical miles"),
    ("limit", "1 to 100 (default 50)"),
];

pub fn build() -> (Router<AppState>, Vec<AcarsRoute>) {
    // The module's CORS answer: any origin, its methods and headers.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS, Method::HEAD])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("x-stratos-version"),
        ]);
    // Full paths rather than `nest`: the handshake answers at the base path
    // with and without its trailing slash.
    let hello = || doc::<Handshake>("Handshake: which API this is").public();
    let routes = Routes { router: Router::new(), routes: vec![] }
        .read("", handshake, hello())
        .read("/", handshake, hello())
        .write(
            "/pilot/login",
            login::login,
            doc::<login::LoggedIn>("Sign in with pilot id or email and password (or API key)")
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
            doc::<flying::Started>("Start flying a booking").body::<flying::Start>(),
        )
        .write(
            "/flights/update",
            flying::update,
            doc::<Stored>("Report positions (one, or a batch)").body::<Update>(),
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
        );
    (routes.router.layer(cors), routes.routes)
}

/// Minutes as the module shows time: hours to two decimals.
fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// Every route answers `OPTIONS` itself (the CORS layer adds its headers
/// and answers preflights before this runs).
async fn options() -> axum::http::StatusCode {
    axum::http::StatusCode::NO_CONTENT
}

async fn handshake() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "api_version": API_VERSION, "handler": "Stratos" }))
}
