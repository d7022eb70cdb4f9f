//! Server-rendered pages (maud): one layout, one stylesheet served by the
//! binary, and headers that keep pages out of frames and caches.

use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, DOCTYPE};

pub const STYLESHEET: &str = include_str!("../assets/airside.css");
const CONSOLE_JS: &str = include_str!("../assets/console.js");
const HTMX_JS: &str = include_str!("../assets/vendor/htmx/htmx.min.js");

/// The pages' own assets, served by the binary (no CDN: pages work offline).
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/assets/airside.css", get(|| asset(STYLESHEET, "text/css")))
        .route("/assets/console.js", get(|| asset(CONSOLE_JS, "text/javascript")))
        .route("/assets/htmx.min.js", get(|| asset(HTMX_JS, "text/javascript")))
}

/// A static asset, cacheable for an hour.
pub async fn asset(body: &'static str, kind: &'static str) -> Response {
    let kind = format!("{kind}; charset=utf-8");
    ([(header::CONTENT_TYPE, kind.as_str()), (header::CACHE_CONTROL, "public, max-age=3600")], body)
        .into_response()
}

/// Checks a sign-in form's CSRF field against the token its page left in
/// the cookie `cookie` (the form is posted before any session exists); the
/// refusal says which went wrong: no cookie came back, or another token.
pub fn login_form_token_ok(
    jar: &axum_extra::extract::CookieJar,
    cookie: &str,
    sent: Option<&str>,
) -> Result<(), &'static str> {
    let Some(expected) = jar.get(cookie).map(|c| c.value()) else {
        return Err("Your browser did not send back this site's sign-in cookie. \
                    Allow cookies for this site, then sign in again.");
    };
    match crate::security::csrf_matches(expected, sent.unwrap_or_default()) {
        true => Ok(()),
        false => Err("The form expired. Please sign in again."),
    }
}

/// An HTML document: the head every page has (charset, viewport, title)
/// plus `head`, and `body`.
pub fn document(title: &str, head: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                (head)
            }
            (body)
        }
    }
}

/// A page: the org's name above the title, the body below.
pub fn page(title: &str, org: Option<&str>, wide: bool, body: Markup) -> Markup {
    let head = html! { link rel="stylesheet" href="/assets/airside.css"; };
    let body = html! {
        body {
            main class=(if wide { "card wide" } else { "card" }) {
                @if let Some(org) = org { p class="org" { (org) } }
                h1 { (title) }
                (body)
            }
            footer { "Powered by Airside" }
        }
    };
    document(&format!("{title} · Airside"), head, body)
}

/// The policy of our own pages: everything from this server only.
pub const OWN_ASSETS_ONLY: &str = "default-src 'self'; frame-ancestors 'none'";

/// An HTML answer. Pages hold forms and codes: never framed (clickjacking),
/// never cached, never leaking the URL as a referrer.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    respond_with_policy(status, markup, OWN_ASSETS_ONLY)
}

/// `respond` with another Content-Security-Policy.
pub fn respond_with_policy(status: StatusCode, markup: Markup, policy: &'static str) -> Response {
    let mut response = (status, markup).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// A page that says what went wrong and sends nobody anywhere.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    respond(status, page(title, None, false, html! { p class="error" { (message) } }))
}
