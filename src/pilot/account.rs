//! Pilot pages: sign in (as the consent flow needs), and "Connected apps",
//! where a pilot sees and withdraws what they allowed.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use maud::html;
use serde::Deserialize;

use crate::auth::pilot_session::{PilotSession, LOGIN_CSRF_COOKIE, PILOT_COOKIE};
use crate::domain::org::Org;
use crate::domain::Timestamp;
use crate::html::{error_page, page, respond};
use crate::http::rate_limit::{SignInLimit, PILOT_SIGN_IN};
use crate::security;
use crate::state::AppState;
use crate::storage::sessions::{self, SessionKind};
use crate::storage::{grants, orgs, pilots};

const SESSION_HOURS: i64 = 12;

fn cookie(name: &'static str, value: String, hours: i64) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::hours(hours))
        .build()
}

/// The sign-in form, with a fresh CSRF token in a cookie and in the form.
/// `app`, when signing in on an app's behalf, is named on the page.
pub fn login_page(
    org: &Org,
    app: Option<&str>,
    next: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let csrf = security::new_token("").expose().to_string();
    let body = html! {
        @if let Some(app) = app { p { "Sign in with your " (org.name) " pilot account to continue to " strong { (app) } "." } }
        @if let Some(error) = error { p class="error" { (error) } }
        form method="post" action="/account/login" {
            input type="hidden" name="org" value=(org.slug);
            input type="hidden" name="next" value=(next);
            input type="hidden" name="csrf_token" value=(csrf);
            label for="login" { "Pilot ID or email" }
            input type="text" id="login" name="login" autocomplete="username" required;
            label for="password" { "Password" }
            input type="password" id="password" name="password" autocomplete="current-password" required;
            div class="actions" { button type="submit" { "Sign in" } }
        }
    };
    let jar = CookieJar::new().add(cookie(LOGIN_CSRF_COOKIE, csrf, 1));
    (jar, respond(status, page("Sign in", Some(&org.name), false, body))).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    org: String,
    next: Option<String>,
    csrf_token: Option<String>,
    login: String,
    password: String,
}

/// Only paths on this server: never an open redirect.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/account/apps".to_string(),
    }
}

pub async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let Ok(Some(org)) = orgs::by_slug(&state.db, &form.org).await else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown organisation",
            "Start again from the app.",
        );
    };
    let next = safe_next(form.next.as_deref());
    let token =
        crate::html::login_form_token_ok(&jar, LOGIN_CSRF_COOKIE, form.csrf_token.as_deref());
    if let Err(why) = token {
        return login_page(&org, None, &next, Some(why), StatusCode::FORBIDDEN);
    }
    let refused = |message| login_page(&org, None, &next, Some(message), StatusCode::UNAUTHORIZED);
    // One limit for a pilot's sign-ins, here and from ACARS trackers.
    let proxy = state.config.trusted_proxy;
    let limit = SignInLimit::of_request(PILOT_SIGN_IN, &form.login, &extensions, &headers, proxy);
    if let Some(wait) = limit.blocked(&state.rate_limits).await {
        let message = format!("Too many failed sign-ins. Try again in {wait} seconds.");
        let status = StatusCode::TOO_MANY_REQUESTS;
        let mut response = login_page(&org, None, &next, Some(&message), status);
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, wait.into());
        return response;
    }
    let pilot = match pilots::by_login(&state.db, org.id, &form.login).await {
        Ok(pilot) => pilot,
        Err(_) => return refused("Signing in is not possible right now. Try again shortly."),
    };
    let hashes = pilot.iter().map(|p| p.password_hash.clone()).collect();
    let matches = security::check_password(&form.password, hashes).await;
    let Some(pilot) = pilot.filter(|_| matches.first() == Some(&true)) else {
        limit.failed(&state.rate_limits).await;
        tracing::warn!(org = %org.slug, reason = "wrong login or password", "pilot sign-in refused");
        return refused("Wrong pilot ID, email or password.");
    };
    if !pilot.state.can_authenticate() {
        tracing::warn!(org = %org.slug, pilot = %pilot.ident, reason = "pilot may not sign in", "pilot sign-in refused");
        return refused("This pilot account cannot sign in. Contact your airline's staff.");
    }
    let expires = Timestamp(chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS));
    let Ok(session) =
        sessions::create(&state.db, SessionKind::Pilot, org.id, pilot.id.0, expires).await
    else {
        return refused("Signing in is not possible right now. Try again shortly.");
    };
    let jar = jar.remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/")).add(cookie(
        PILOT_COOKIE,
        session.token.expose().to_string(),
        SESSION_HOURS,
    ));
    (jar, Redirect::to(&next)).into_response()
}

pub async fn apps(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Ok(Some(session)) = PilotSession::find(&state, &headers, None).await else {
        return error_page(
            StatusCode::UNAUTHORIZED,
            "Sign in first",
            "Sign in through an app, then come back here.",
        );
    };
    let (apps, org) = match (
        grants::connected_apps(&state.db, session.pilot.id).await,
        orgs::by_id(&state.db, session.org).await,
    ) {
        (Ok(apps), Ok(Some(org))) => (apps, org),
        _ => {
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "The page could not be loaded.",
            )
        }
    };
    let body = html! {
        @if apps.is_empty() {
            p class="muted" { "No app can use your account." }
        } @else {
            table {
                tr { th { "App" } th { "May" } th {} }
                @for app in &apps {
                    tr {
                        td { (app.name) @if let Some(policy) = &app.privacy_policy_url { br; a class="muted" href=(policy) rel="noopener noreferrer" { "Privacy policy" } } }
                        td { (app.scopes.0.to_text()) }
                        td {
                            form method="post" action=(format!("/account/apps/{}/withdraw", app.client_id)) {
                                input type="hidden" name="csrf_token" value=(session.csrf_token);
                                button type="submit" class="danger" { "Withdraw" }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, page("Connected apps", Some(&org.name), true, body))
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf_token: Option<String>,
}

pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(client): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Ok(Some(session)) = PilotSession::find(&state, &headers, None).await else {
        return error_page(
            StatusCode::UNAUTHORIZED,
            "Sign in first",
            "Sign in through an app, then come back here.",
        );
    };
    if !session.csrf_matches(form.csrf_token.as_deref().unwrap_or("")) {
        return error_page(StatusCode::FORBIDDEN, "Form expired", "Reload the page and try again.");
    }
    let done = async {
        let mut tx = state.db.begin().await?;
        grants::withdraw(&mut tx, session.pilot.id, client).await?;
        tx.commit().await
    };
    match done.await {
        Ok(()) => Redirect::to("/account/apps").into_response(),
        Err(_) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The app could not be disconnected.",
        ),
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    org: String,
    next: Option<String>,
}

/// `GET /account/login?org=slug`: signing in directly, not through an app.
pub async fn login_form(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<LoginQuery>,
) -> Response {
    match orgs::by_slug(&state.db, &query.org).await {
        Ok(Some(org)) => {
            login_page(&org, None, &safe_next(query.next.as_deref()), None, StatusCode::OK)
        }
        _ => error_page(StatusCode::NOT_FOUND, "Unknown organisation", "Check the link."),
    }
}

const SIGN_IN_FIRST: (&str, &str) = ("Sign in first", "Sign in, then come back here.");

/// `GET /account/acars`: the pilot's ACARS API keys (never their values)
/// and a button to replace them with a new one.
pub async fn acars_keys(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Ok(Some(session)) = PilotSession::find(&state, &headers, None).await else {
        return error_page(StatusCode::UNAUTHORIZED, SIGN_IN_FIRST.0, SIGN_IN_FIRST.1);
    };
    let (keys, org) = match (
        pilots::api_keys(&state.db, session.org, session.pilot.id).await,
        orgs::by_id(&state.db, session.org).await,
    ) {
        (Ok(keys), Ok(Some(org))) => (keys, org),
        _ => return unavailable(),
    };
    let (tracker_url, _) = crate::acars::tracker_urls(&state.config.issuer(), &org.slug);
    let body = html! {
        p { "Your ACARS client (Stratos) signs in with an API key. Keys are stored hashed: a key is shown once, when it is made." }
        p { "Enter this URL in the client: " code id="tracker-url" { (tracker_url) } " and sign in with your pilot id, pilot number or email." }
        @if keys.is_empty() {
            p class="muted" { "You have no API key yet." }
        } @else {
            table {
                tr { th { "Key" } th { "Created" } }
                @for key in &keys {
                    tr { td { (key.label) } td { (key.created_at) } }
                }
            }
        }
        form method="post" action="/account/acars/key" {
            input type="hidden" name="csrf_token" value=(session.csrf_token);
            p class="muted" { "A new key replaces every key above: clients using them must sign in again." }
            div class="actions" { button type="submit" { "Generate a new key" } }
        }
    };
    respond(StatusCode::OK, page("ACARS API key", Some(&org.name), true, body))
}

/// `POST /account/acars/key`: a new key, shown once; the old ones stop working.
pub async fn regenerate_acars_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Ok(Some(session)) = PilotSession::find(&state, &headers, None).await else {
        return error_page(StatusCode::UNAUTHORIZED, SIGN_IN_FIRST.0, SIGN_IN_FIRST.1);
    };
    if !session.csrf_matches(form.csrf_token.as_deref().unwrap_or("")) {
        return error_page(StatusCode::FORBIDDEN, "Form expired", "Reload the page and try again.");
    }
    let made = async {
        let mut tx = state.db.begin().await?;
        let key =
            pilots::regenerate_api_key(&mut tx, session.org, session.pilot.id, "Account page")
                .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(key)
    };
    let (Ok(key), Ok(Some(org))) = (made.await, orgs::by_id(&state.db, session.org).await) else {
        return unavailable();
    };
    let body = html! {
        p { "Your new API key. Copy it into your ACARS client now: " strong { "you will not see it again." } }
        pre id="api-key" { (key.expose()) }
        p { a href="/account/acars" { "Back" } }
    };
    let mut response =
        respond(StatusCode::OK, page("New ACARS API key", Some(&org.name), true, body));
    // The key is on this page only: no cache may keep it.
    response
        .headers_mut()
        .insert(axum::http::header::CACHE_CONTROL, "no-store".parse().expect("valid"));
    response
}

fn unavailable() -> Response {
    error_page(StatusCode::SERVICE_UNAVAILABLE, "Try again", "The page could not be loaded.")
}
