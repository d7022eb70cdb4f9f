//! The ACARS API under `/api/stratos`: the contract of the Stratos Core API
//! module, so the Stratos desktop client flies against Airside. Field names
//! and status codes follow that module (DESIGN.md's table); errors keep its
//! `{"error": …}` shape, plus our request id.
//!

mod auth;
mod data;
mod error;
mod flights;
mod flying;
mod ingest;
mod login;
mod pilot;

use axum::handler::Handler;
use axum::http::{header, HeaderName, Method};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

pub use auth::AcarsPilot;
pub use error::AcarsError;
pub use ingest::ReportWriter;

use crate::app::AppState;

pub const BASE: &str = "/api/stratos";
/// What the handshake reports.
pub const API_VERSION: &str = "1.0";

pub fn router() -> Router<AppState> {
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
    let path = |p: &str| format!("{BASE}{p}");
    Router::new()
        .route(BASE, reads(handshake))
        .route(&path("/"), reads(handshake))
        .route(&path("/pilot/login"), writes(login::login))
        .route(&path("/pilot/verify"), reads(pilot::verify))
        .route(&path("/pilot/statistics"), reads(pilot::statistics))
        .route(&path("/data/aircraft"), reads(data::aircraft))
        .route(&path("/data/airports"), reads(data::airports))
        .route(&path("/data/announcements"), reads(data::announcements))
        .route(&path("/flights/bookings"), reads(flights::bookings))
        .route(&path("/flights/bookings/{bid}/aircraft"), reads(flights::eligible_aircraft))
        .route(&path("/flights/search"), reads(flights::search))
        .route(&path("/flights/change-aircraft"), writes(flights::change_aircraft))
        .route(&path("/flights/unbook"), writes(flights::unbook))
        .route(&path("/flights/start"), writes(flying::start))
        .route(&path("/flights/update"), writes(flying::update))
        .route(&path("/flights/complete"), writes(flying::complete))
        .route(&path("/flights/cancel"), writes(flying::cancel))
        .layer(cors)
}

/// A GET route (HEAD comes with it) that answers OPTIONS itself.
fn reads<H, T>(handler: H) -> MethodRouter<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    get(handler).options(options)
}

/// A POST route that answers OPTIONS and HEAD itself, as the module's do.
fn writes<H, T>(handler: H) -> MethodRouter<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    post(handler).options(options).head(options)
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
