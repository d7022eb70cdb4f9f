//! The staff console. Its JSON endpoints live under `/console/api/*` and use
//! the same session as its pages.

use axum::routing::post;
use axum::Router;

use crate::app::AppState;

mod session;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/console/api/session",
        post(session::sign_in)
            .get(session::current)
            .delete(session::sign_out),
    )
}
