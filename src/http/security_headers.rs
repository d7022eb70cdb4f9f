//! Headers every answer carries: `X-Content-Type-Options: nosniff`, so no
//! browser reads a JSON or text answer as something else; on the console's
//! JSON API, which answers with secrets shown once, `Cache-Control:
//! no-store`; and cookies marked `Secure` only where the site is served
//! over https (its public URL, or a trusted proxy's `X-Forwarded-Proto`).
//! Over plain http (the demo on a LAN) a `Secure` cookie is dropped by
//! Safari, Firefox and standard cookie jars, and no one could sign in.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{CACHE_CONTROL, SET_COOKIE, X_CONTENT_TYPE_OPTIONS};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Whether the client reached us over https.
fn over_https(state: &AppState, request: &Request) -> bool {
    if state.config.public_url.as_deref().is_some_and(|url| url.starts_with("https://")) {
        return true;
    }
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let proxied = peer.is_some() && peer == state.config.trusted_proxy;
    let proto = request.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok());
    proxied && proto.is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let console_api = request.uri().path().starts_with("/console/api/");
    let https = over_https(&state, &request);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if console_api {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !https && headers.contains_key(SET_COOKIE) {
        // Cookies are built `Secure`; over plain http they lose the flag.
        let cookies: Vec<HeaderValue> = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| HeaderValue::from_str(&v.replace("; Secure", "")).ok())
            .collect();
        headers.remove(SET_COOKIE);
        for cookie in cookies {
            headers.append(SET_COOKIE, cookie);
        }
    }
    response
}
