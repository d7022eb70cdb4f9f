//! The pilot surface: the Pilot API (`/api/v3/pilot/*`, OAuth 2 authorization
//! code + PKCE) and the pilot's own pages (`/account/*`).

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub mod account;
pub mod api;

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/account/login", get(account::login_form).post(account::login))
        .route("/account/acars", get(account::acars_keys))
        .route("/account/acars/key", post(account::regenerate_acars_key))
        .route("/account/apps", get(account::apps))
        .route("/account/apps/{client}/withdraw", post(account::withdraw))
}
