//! The application: shared state, the router of every surface, and serving.

use std::future::Future;
use std::net::SocketAddr;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::http::request_log;
use crate::http::{request_id, ApiError};
use crate::storage::Db;

pub use crate::http::BODY_LIMIT;
pub use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let (operations, rules) = crate::operations::build(&state);
    let (pilot_api, pilot_rules) = crate::pilot::api::build(&state);
    let (public_api, public_rules) = crate::public::build(&state);
    let (acars, acars_routes) = crate::acars::build();
    let docs = crate::docs::router(&state, &rules, &pilot_rules, &public_rules, &acars_routes);
    // The surfaces whose requests are logged with their route templates.
    let apis = Router::new()
        .merge(crate::oauth::router())
        .merge(operations)
        .merge(pilot_api)
        .merge(public_api)
        .merge(acars)
        .merge(crate::acars::smartcars::build())
        .merge(crate::acars::phpvms::build())
        .route_layer(middleware::from_fn(request_log::note_route));
    Router::new()
        .route("/healthz", get(live))
        .route("/readyz", get(ready))
        .merge(crate::console::router())
        .merge(crate::webhooks::api::router())
        .merge(crate::pilot::pages())
        .merge(crate::html::router())
        .merge(apis)
        .merge(docs)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                // The path only: query strings can carry codes and tokens.
                .make_span_with(|request: &Request| {
                    let id =
                        request.headers().get(&request_id::HEADER).and_then(|v| v.to_str().ok());
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id = id.unwrap_or(""),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::forget_callers_after_writes,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), request_log::layer))
        .layer(middleware::from_fn_with_state(state.clone(), crate::http::security_headers::layer))
        .layer(middleware::from_fn(request_id::layer))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// How often maintenance items are re-checked: dates pass and hours accrue
/// without any write to the item itself.
const MAINTENANCE_SWEEP: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// How often silent ACARS flights are looked for.
const STALE_FLIGHT_SWEEP: std::time::Duration = std::time::Duration::from_secs(60);

/// The periodic work of a serving node. Each task's step is a short
/// transaction, so aborting between steps loses nothing.
pub fn spawn_background(state: &AppState) -> tokio::task::JoinHandle<()> {
    let db = state.db.clone();
    let pruning = request_log::spawn_pruning(db.clone(), state.config.request_log_retention_days);
    let allow_internal_webhooks = state.config.allow_insecure_webhooks;
    let stale_flights = tokio::spawn(sweep_stale_flights(db.clone(), state.config.stale_rule()));
    tokio::spawn(async move {
        // Aborting this task ends its siblings too.
        struct AbortOnDrop(tokio::task::JoinHandle<()>);
        impl Drop for AbortOnDrop {
            fn drop(&mut self) {
                self.0.abort();
            }
        }
        let _pruning = AbortOnDrop(pruning);
        let _stale_flights = AbortOnDrop(stale_flights);
        let _dispatcher = AbortOnDrop(tokio::spawn(crate::webhooks::dispatcher::run(
            db.clone(),
            allow_internal_webhooks,
        )));
        let mut every = tokio::time::interval(MAINTENANCE_SWEEP);
        loop {
            every.tick().await;
            match crate::storage::school::sweep_maintenance(&db).await {
                Ok(0) => {}
                Ok(alerts) => tracing::info!(alerts, "maintenance sweep"),
                Err(error) => tracing::warn!(%error, "maintenance sweep failed"),
            }
        }
    })
}

async fn sweep_stale_flights(db: Db, rule: crate::storage::pireps::StaleRule) {
    let mut every = tokio::time::interval(STALE_FLIGHT_SWEEP);
    loop {
        every.tick().await;
        if let Err(error) =
            crate::storage::pireps::cancel_stale(&db, crate::domain::Timestamp::now(), rule).await
        {
            tracing::warn!(%error, "stale-flight sweep failed");
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn live() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

async fn ready(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    if state.db.ping().await {
        Ok(Json(json!({ "status": "ready" })))
    } else {
        Err(ApiError::unavailable("the database is not reachable"))
    }
}

async fn not_found(request: Request) -> ApiError {
    ApiError::not_found(format!("no route for {}", request.uri().path()))
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("{} is not allowed on {}", request.method(), request.uri().path()),
    )
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("a handler panicked").into_response()
}
