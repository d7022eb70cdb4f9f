//! The staff console's pages: sign in and out, Settings → API (clients and
//! the live request log), a client's page, Settings → API tokens and
//! Settings → Integrations (tracker URLs, org keys, webhooks).
//!
//! Pages are rendered here from the same storage the JSON API reads; every
//! change a page offers is a call to the console's JSON API
//! (`/console/api/*`, sent by `assets/console.js` with the session's CSRF
//! token), so permissions, validation and the audit trail live in one place.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use crate::auth::staff::{check_login, signed_in};
use crate::auth::Staff;
use crate::console::usage::{credential_names, log_page, Counted};
use crate::domain::scope::{Scope, OPERATIONS, PILOT, PUBLIC};
use crate::domain::staff::Permission::{ApiSettingsManage, ApiSettingsView};
use crate::domain::usage::CredentialKind;
use crate::domain::webhook::EVENT_TYPES;
use crate::html::respond;
use crate::http::rate_limit::{SignInLimit, STAFF_SIGN_IN};
use crate::http::ApiError;
use crate::security;
use crate::state::AppState;
use crate::storage::clients::{Client, ClientKind};
use crate::storage::org_keys::OrgKey;
use crate::storage::page::PageRequest;
use crate::storage::resource;
use crate::storage::sessions::{self, SessionKind};
use crate::storage::usage::{self, LogRow};
use crate::storage::webhooks::{Delivery, Endpoint};

const LOGIN_CSRF_COOKIE: &str = "airside_console_login_csrf";
/// Rows a console table shows.
const ROWS: i64 = 100;

/// A signed-in staff member and the session's CSRF token, or the answer
/// for someone who is not (sent to the login page).
async fn session(state: &AppState, headers: &HeaderMap) -> Result<(Staff, String), Response> {
    match signed_in(state, headers).await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(Redirect::to("/console/login").into_response()),
        Err(error) => Err(error.into_response()),
    }
}

/// Why a page cannot be shown (trial plan, missing permission), as a page.
fn refused(staff: &Staff, csrf: &str, error: ApiError) -> Response {
    let status = error.status();
    let trial = !staff.org.has_api_settings();
    let body = html! {
        @if trial {
            p { "API settings come with an active plan. Your organisation is on the trial plan: upgrade it to create API clients, tokens, keys and webhooks." }
        } @else {
            p class="error" { (error.detail()) }
        }
    };
    render(status, "Not available", staff, csrf, "", body)
}

fn nav_link(href: &str, label: &str, current: &str) -> Markup {
    html! { a href=(href) aria-current=[(href == current).then_some("page")] { (label) } }
}

/// A console page: the org, the navigation, and the body. The CSRF token
/// sits in a meta tag for `console.js`.
fn render(
    status: StatusCode,
    title: &str,
    staff: &Staff,
    csrf: &str,
    current: &str,
    body: Markup,
) -> Response {
    let head = html! {
        meta name="csrf-token" content=(csrf);
        // htmx would add a <style> the page's policy refuses.
        meta name="htmx-config" content=r#"{"includeIndicatorStyles":false}"#;
        link rel="stylesheet" href="/assets/airside.css";
        script src="/assets/htmx.min.js" defer {}
        script src="/assets/console.js" defer {}
    };
    let body = html! {
        body class="console" {
            header class="console-bar" {
                strong { (staff.org.name) }
                nav {
                    (nav_link("/console/settings/api", "API v3", current))
                    (nav_link("/console/settings/tokens", "API tokens", current))
                    (nav_link("/console/settings/integrations", "Integrations", current))
                }
                form method="post" action="/console/logout" class="inline" {
                    input type="hidden" name="csrf_token" value=(csrf);
                    span class="muted" { (staff.user.email) " " }
                    button type="submit" class="link" { "Sign out" }
                }
            }
            main class="card wide" {
                h1 { (title) }
                div id="once" class="once" hidden {
                    p { strong { "Copy it now: you will not see this again." } }
                    pre id="once-value" {}
                    button type="button" data-copy="once-value" { "Copy" }
                    button type="button" data-reload { "Done" }
                }
                (body)
            }
        }
    };
    let markup = crate::html::document(&format!("{title} · Airside console"), head, body);
    respond(status, markup)
}

/// The page to show, or the refusal as a page.
async fn guarded(
    state: &AppState,
    headers: &HeaderMap,
    page: impl AsyncFnOnce(&Staff, &str) -> Result<(String, &'static str, Markup), ApiError>,
) -> Response {
    let (staff, csrf) = match session(state, headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if let Err(error) = staff.require_api_settings(ApiSettingsView) {
        return refused(&staff, &csrf, error);
    }
    match page(&staff, &csrf).await {
        Ok((title, current, body)) => render(StatusCode::OK, &title, &staff, &csrf, current, body),
        Err(error) => refused(&staff, &csrf, error),
    }
}

// Sign in and out.

pub async fn login_page(headers: HeaderMap, State(state): State<AppState>) -> Response {
    if let Ok(Some(_)) = signed_in(&state, &headers).await {
        return Redirect::to("/console").into_response();
    }
    login_form(None, StatusCode::OK)
}

fn login_form(error: Option<&str>, status: StatusCode) -> Response {
    let csrf = security::new_token("").expose().to_string();
    let body = html! {
        @if let Some(error) = error { p class="error" role="alert" { (error) } }
        form method="post" action="/console/login" {
            input type="hidden" name="csrf_token" value=(csrf);
            label for="email" { "Email" }
            input type="email" id="email" name="email" autocomplete="username" required;
            label for="password" { "Password" }
            input type="password" id="password" name="password" autocomplete="current-password" required;
            div class="actions" { button type="submit" { "Sign in" } }
        }
    };
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, csrf))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .path("/console")
        .max_age(time::Duration::hours(1))
        .build();
    let page = crate::html::page("Staff sign in", None, false, body);
    (CookieJar::new().add(cookie), respond(status, page)).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf_token: Option<String>,
    email: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let token =
        crate::html::login_form_token_ok(&jar, LOGIN_CSRF_COOKIE, form.csrf_token.as_deref());
    if let Err(why) = token {
        return login_form(Some(why), StatusCode::FORBIDDEN);
    }
    let proxy = state.config.trusted_proxy;
    let limit = SignInLimit::of_request(STAFF_SIGN_IN, &form.email, &extensions, &headers, proxy);
    let address = limit.address;
    if let Some(wait) = limit.blocked(&state.rate_limits).await {
        let message = format!("Too many failed sign-ins. Try again in {wait} seconds.");
        let mut response = login_form(Some(&message), StatusCode::TOO_MANY_REQUESTS);
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, wait.into());
        return response;
    }
    let unavailable = || {
        login_form(Some("Signing in is not possible right now."), StatusCode::SERVICE_UNAVAILABLE)
    };
    let user = match check_login(&state, &form.email, &form.password).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            limit.failed(&state.rate_limits).await;
            tracing::warn!(%address, "console sign-in refused: wrong email or password");
            return login_form(Some("Wrong email or password."), StatusCode::UNAUTHORIZED);
        }
        Err(_) => return unavailable(),
    };
    let Ok(Some(org)) = crate::storage::orgs::by_id(&state.db, user.org_id).await else {
        return unavailable();
    };
    let permissions = user.permissions();
    let staff = Staff { user, org, permissions };
    let Ok((cookie, _)) = super::session::start(&state, &staff).await else {
        return unavailable();
    };
    let jar = jar.remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/console")).add(cookie);
    (jar, Redirect::to("/console")).into_response()
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf_token: Option<String>,
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Ok(Some((_, csrf))) = signed_in(&state, &headers).await {
        if !security::csrf_matches(&csrf, form.csrf_token.as_deref().unwrap_or_default()) {
            return crate::html::error_page(
                StatusCode::FORBIDDEN,
                "Form expired",
                "Reload the page and try again.",
            );
        }
        if let Some(cookie) = jar.get(crate::auth::staff::SESSION_COOKIE) {
            let _ = sessions::delete(&state.db, SessionKind::Staff, cookie.value()).await;
        }
    }
    let jar = jar.remove(Cookie::build(crate::auth::staff::SESSION_COOKIE).path("/"));
    (jar, Redirect::to("/console/login")).into_response()
}

pub async fn home() -> Redirect {
    Redirect::to("/console/settings/api")
}

// Settings → API → API v3.

fn scope_boxes(name: &str, scopes: &[Scope], checked: &[&str]) -> Markup {
    html! {
        fieldset class="scopes" {
            legend { "Scopes" }
            @for scope in scopes {
                label class="check" {
                    input type="checkbox" name=(name) value=(scope.as_str()) data-array checked[checked.contains(&scope.as_str())];
                    code { (scope.as_str()) } " — " span class="muted" { (scope.description()) }
                }
            }
        }
    }
}

fn counts(usage: &usage::Usage) -> Markup {
    html! {
        td class="num" { (usage.today) } td class="num" { (usage.this_week) }
        td class="num" { (usage.this_month) } td class="num" { (usage.all_time) }
    }
}

pub async fn api_settings(State(state): State<AppState>, headers: HeaderMap) -> Response {
    guarded(&state, &headers, async |staff: &Staff, _csrf: &str| {
        let request = PageRequest::first(ROWS);
        let clients = super::clients::with_counts(&state, staff.org.id, &[], &request).await?.items;
        let manage = staff.permissions.has(ApiSettingsManage);
        let body = html! {
            section {
                h2 { "Clients" }
                (clients_table(&clients))
                @if manage { (new_client_form()) }
                @else { p class="muted" { "You can see API settings; changing them needs the manage permission." } }
            }
            section {
                h2 { "Request log" }
                (log_filters(&clients))
                div id="request-log" hx-get="/console/settings/api/log" hx-trigger="load, every 30s, refresh" hx-include="#log-filters" {
                    p class="muted" { "Loading…" }
                }
            }
            p class="docs" {
                "Documentation: " a href="/docs/operations" { "Operations API" } " · " a href="/docs/pilot" { "Pilot API" }
            }
        };
        Ok(("API v3".to_string(), "/console/settings/api", body))
    })
    .await
}

fn clients_table(clients: &[Counted<Client>]) -> Markup {
    html! {
        table id="clients" {
            thead { tr {
                th { "Name" } th { "Type" } th { "Client ID" } th { "Status" }
                th class="num" { "Today" } th class="num" { "This week" } th class="num" { "This month" } th class="num" { "All time" }
            } }
            tbody {
                @for c in clients {
                    tr {
                        td { a href=(format!("/console/settings/api/clients/{}", c.item.id)) { (c.item.name) } }
                        td { (grant_name(c.item.kind)) }
                        td { code { (c.item.client_id) } }
                        td { (status_of(&c.item)) }
                        (counts(&c.requests))
                    }
                }
                @if clients.is_empty() { tr { td colspan="8" class="muted" { "No clients yet." } } }
            }
        }
    }
}

fn grant_name(kind: ClientKind) -> &'static str {
    match kind {
        ClientKind::Operations => "Client Credentials",
        ClientKind::Pilot => "Authorization Code + PKCE",
    }
}

fn status_of(client: &Client) -> &'static str {
    // A pilot client stays switched off until the owner attests it.
    match (client.kind, client.attested_at.is_some(), client.revoked.0) {
        (ClientKind::Pilot, false, _) => "awaiting attestation",
        (_, _, true) => "revoked",
        _ => "active",
    }
}

fn new_client_form() -> Markup {
    html! {
        details class="new" {
            summary { "New client" }
            form id="new-client" data-api="POST /console/api/clients" data-once="client_secret" {
                p class="error" role="alert" hidden {}
                label for="client-name" { "Name" }
                input id="client-name" name="name" required maxlength="100";
                fieldset {
                    legend { "Grant type" }
                    label class="check" { input type="radio" name="kind" value="operations" checked; " Client Credentials — a server of yours calls the Operations API" }
                    label class="check" { input type="radio" name="kind" value="pilot"; " Authorization Code + PKCE — a pilot app acts for pilots who consent (the owner attests it first)" }
                }
                div data-kind="operations" { (scope_boxes("scopes", &OPERATIONS, &[])) }
                div data-kind="pilot" hidden {
                    (scope_boxes("scopes", &PILOT, &[]))
                    label for="redirect-uris" { "Redirect URIs (one per line)" }
                    textarea id="redirect-uris" name="redirect_uris" data-lines rows="2" {}
                    label for="privacy" { "Privacy policy URL (https)" }
                    input id="privacy" name="privacy_policy_url" type="url";
                    label class="check" { input type="checkbox" name="public" data-bool; " Public client (a mobile or desktop app: no secret, PKCE only)" }
                }
                div class="actions" { button type="submit" { "Create client" } }
            }
        }
    }
}

fn log_filters(clients: &[Counted<Client>]) -> Markup {
    html! {
        form id="log-filters" class="filters" hx-get="/console/settings/api/log" hx-target="#request-log" hx-trigger="change, submit" {
            label { "Client " select name="client" {
                option value="" { "All" }
                @for c in clients { option value=(c.item.id) { (c.item.name) } }
            } }
            label { "Method " select name="method" {
                option value="" { "All" }
                @for m in ["GET", "POST", "PATCH", "PUT", "DELETE"] { option { (m) } }
            } }
            label { "Status " select name="status" {
                option value="" { "All" }
                @for s in ["2xx", "3xx", "4xx", "5xx"] { option { (s) } }
            } }
            label { "From " input type="date" name="from"; }
            label { "To " input type="date" name="to"; }
            button type="button" hx-get="/console/settings/api/log" hx-target="#request-log" hx-include="#log-filters" { "Refresh" }
        }
    }
}

/// `GET /console/settings/api/log`: the request log table the page
/// refreshes every 30 seconds, under the filters.
pub async fn log_fragment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Ok(Some((staff, _))) = signed_in(&state, &headers).await else {
        return (StatusCode::UNAUTHORIZED, "Sign in again.").into_response();
    };
    if let Err(error) = staff.require_api_settings(ApiSettingsView) {
        return (error.status(), error.detail().to_string()).into_response();
    }
    // Empty fields of the filter form mean "any".
    let query: HashMap<String, String> = query.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let request = PageRequest::first(ROWS);
    let rows = match log_page(&state, staff.org.id, &query, &request).await {
        Ok(page) => page.items,
        Err(error) => {
            return respond(StatusCode::OK, html! { p class="error" { (error.detail()) } });
        }
    };
    let names = log_names(&state, &staff).await;
    respond(StatusCode::OK, log_table(&rows, &names))
}

/// Every credential's name, by its kind as the log records it and its id.
/// A failed lookup leaves the names blank rather than the log unshown.
async fn log_names(state: &AppState, staff: &Staff) -> HashMap<(String, i64), String> {
    let mut names = HashMap::new();
    for kind in CredentialKind::ALL {
        let of_kind = credential_names(state, staff.org.id, kind).await.unwrap_or_default();
        names.extend(of_kind.into_iter().map(|(id, name)| ((kind.as_str().to_string(), id), name)));
    }
    names
}

fn log_table(rows: &[LogRow], names: &HashMap<(String, i64), String>) -> Markup {
    html! {
        table class="log" {
            thead { tr {
                th { "Time (UTC)" } th { "Method" } th { "Endpoint" } th { "Status" }
                th class="num" { "Time" } th { "IP" } th { "Client" }
            } }
            tbody {
                @for row in rows {
                    @let who = row.credential_kind.clone().zip(row.credential_id).and_then(|k| names.get(&k).cloned());
                    tr class=(format!("s{}", row.status / 100)) {
                        td { (row.at.get(..19).unwrap_or(&row.at).replace('T', " ")) }
                        td { (row.method) }
                        td { code { (row.route.as_deref().unwrap_or(&row.path)) } }
                        td class="status" { (row.status) }
                        td class="num" { (format!("{:.1} ms", row.duration_us as f64 / 1000.0)) }
                        td { (row.ip.as_deref().unwrap_or("")) }
                        td { (who.unwrap_or_default()) }
                    }
                }
                @if rows.is_empty() { tr { td colspan="7" class="muted" { "No requests match." } } }
            }
        }
    }
}

// A client's page.

pub async fn client_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    guarded(&state, &headers, async |staff: &Staff, _csrf: &str| {
        let client = resource::get::<Client>(&state.db, staff.org.id, id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no client with id {id}")))?;
        let since = chrono::Utc::now().date_naive() - chrono::Duration::days(29);
        let kind = client.kind.credential_kind();
        let days = usage::per_day(&state.db, staff.org.id, kind, id, since).await?;
        let manage = staff.permissions.has(ApiSettingsManage);
        let owner = staff.permissions.is_owner();
        let api = format!("/console/api/clients/{id}");
        let scopes: Vec<&str> = client.scopes.0.iter().map(|s| s.as_str()).collect();
        let all_scopes: &[Scope] = if client.kind == ClientKind::Pilot { &PILOT } else { &OPERATIONS };
        let body = html! {
            dl class="facts" {
                dt { "Client ID" } dd { code id="client-id" { (client.client_id) } }
                dt { "Grant type" } dd { (grant_name(client.kind)) }
                dt { "Status" } dd id="client-status" { (status_of(&client)) }
                dt { "Scopes" } dd { @if scopes.is_empty() { "all (unrestricted)" } @else { (scopes.join(", ")) } }
                @if client.kind == ClientKind::Pilot {
                    dt { "Redirect URIs" } dd { (client.redirect_uris.0.join(", ")) }
                    dt { "Privacy policy" } dd { (client.privacy_policy_url.as_deref().unwrap_or("—")) }
                }
            }
            h2 { "Requests per day, last 30 days" }
            (usage_chart(since, &days))
            @if manage {
                h2 { "Actions" }
                div class="actions" {
                    @if client.confidential.0 {
                        button type="button" id="reset-secret" data-api=(format!("POST {api}/reset-secret")) data-once="client_secret"
                            data-confirm="Reset the secret? Every token of this client stops working now." { "Reset secret" }
                    }
                    @if status_of(&client) == "awaiting attestation" {
                    } @else if client.revoked.0 {
                        button type="button" data-api=(format!("POST {api}/restore")) { "Restore" }
                    } @else {
                        button type="button" data-api=(format!("POST {api}/revoke")) data-confirm="Revoke this client? Its tokens stop working." { "Revoke" }
                    }
                    button type="button" class="danger" data-api=(format!("DELETE {api}")) data-confirm="Delete this client for good?" data-then="/console/settings/api" { "Delete" }
                }
                @if client.kind == ClientKind::Pilot && client.attested_at.is_none() {
                    @if owner {
                        form id="attest" data-api=(format!("POST {api}/attest")) {
                            p class="error" role="alert" hidden {}
                            label class="check" { input type="checkbox" name="privacy_policy_reviewed" data-bool required; " I have reviewed this app and its privacy policy." }
                            div class="actions" { button type="submit" { "Attest" } }
                        }
                    } @else {
                        p class="muted" id="attest-why" { "Only the organisation's owner can attest a pilot app: pilots cannot connect it until they do." }
                    }
                }
                details {
                    summary { "Edit" }
                    form id="edit-client" data-api=(format!("PATCH {api}")) {
                        p class="error" role="alert" hidden {}
                        label for="edit-name" { "Name" }
                        input id="edit-name" name="name" value=(client.name) required maxlength="100";
                        (scope_boxes("scopes", all_scopes, &scopes))
                        @if client.kind == ClientKind::Pilot {
                            label for="edit-uris" { "Redirect URIs (one per line)" }
                            textarea id="edit-uris" name="redirect_uris" data-lines rows="2" { (client.redirect_uris.0.join("\n")) }
                        }
                        div class="actions" { button type="submit" { "Save" } }
                    }
                }
            }
            p { a href="/console/settings/api" { "← All clients" } }
        };
        Ok((client.name.clone(), "/console/settings/api", body))
    })
    .await
}

/// Requests per day as bars, drawn here (no script, no external assets).
fn usage_chart(since: chrono::NaiveDate, days: &[(String, i64)]) -> Markup {
    let counts: HashMap<&str, i64> = days.iter().map(|(d, n)| (d.as_str(), *n)).collect();
    let series: Vec<(String, i64)> = (0..30)
        .map(|n| {
            let day = (since + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
            let count = counts.get(day.as_str()).copied().unwrap_or(0);
            (day, count)
        })
        .collect();
    let max = series.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (width, height, bar) = (600.0, 120.0, 20.0);
    let mut bars = String::new();
    for (i, (day, count)) in series.iter().enumerate() {
        let h = (*count as f64 / max as f64) * (height - 20.0);
        bars.push_str(&format!(
            "<rect x=\"{:.0}\" y=\"{:.1}\" width=\"{:.0}\" height=\"{:.1}\"><title>{day}: {count}</title></rect>",
            i as f64 * bar,
            height - h,
            bar - 4.0,
            h
        ));
    }
    html! {
        svg id="usage-chart" class="chart" viewBox=(format!("0 0 {width} {height}")) role="img" aria-label="Requests per day" {
            (PreEscaped(bars))
        }
        p class="muted" { (series.first().map(|s| s.0.as_str()).unwrap_or("")) " to " (series.last().map(|s| s.0.as_str()).unwrap_or("")) ", most in a day: " (max) }
    }
}

// Settings → API tokens (legacy).

pub async fn tokens_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    guarded(&state, &headers, async |staff: &Staff, _csrf: &str| {
        let request = PageRequest::first(ROWS);
        let tokens =
            super::credentials::tokens_with_counts(&state, staff.org.id, &request).await?.items;
        let manage = staff.permissions.has(ApiSettingsManage);
        let body = html! {
            p { "Legacy API tokens read the Operations API as the org (120 requests a minute each)." }
            table id="tokens" {
                thead { tr { th { "Name" } th { "Created" } th class="num" { "Today" } th class="num" { "This week" } th class="num" { "This month" } th class="num" { "Last month" } th {} } }
                tbody {
                    @for t in &tokens {
                        tr {
                            td { (t.item.name) } td { (t.item.created_at.to_rfc3339()) }
                            td class="num" { (t.requests.today) } td class="num" { (t.requests.this_week) }
                            td class="num" { (t.requests.this_month) } td class="num" { (t.requests.last_month) }
                            td { @if manage { button type="button" class="danger" data-api=(format!("DELETE /console/api/tokens/{}", t.item.id)) data-body=r#"{"confirm":true}"# data-confirm="Delete this token? Calls using it fail from now on." { "Delete" } } }
                        }
                    }
                    @if tokens.is_empty() { tr { td colspan="7" class="muted" { "No tokens." } } }
                }
            }
            @if manage {
                form id="new-token" data-api="POST /console/api/tokens" data-once="value" {
                    p class="error" role="alert" hidden {}
                    label for="token-name" { "Name" }
                    input id="token-name" name="name" required maxlength="100";
                    div class="actions" { button type="submit" { "Create token" } }
                }
            }
        };
        Ok(("API tokens".to_string(), "/console/settings/tokens", body))
    })
    .await
}

// Settings → Integrations: org keys and webhooks.

pub async fn integrations_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    guarded(&state, &headers, async |staff: &Staff, _csrf: &str| {
        let request = PageRequest::first(ROWS);
        let keys = resource::list::<OrgKey>(&state.db, staff.org.id, &[], &request).await?.items;
        let endpoints = resource::list::<Endpoint>(&state.db, staff.org.id, &[], &request).await?.items;
        let manage = staff.permissions.has(ApiSettingsManage);
        let (own_url, shared_url) =
            crate::acars::tracker_urls(&state.config.issuer(), &staff.org.slug);
        let body = html! {
            section id="trackers" {
                h2 { "ACARS trackers (Stratos)" }
                p class="muted" { "Pilots enter this URL in the Stratos client. Under it they sign in with their email, pilot id or pilot number, and only your pilots' keys work." }
                p { code id="tracker-url" { (own_url) } }
                p class="muted" { "The shared URL " code { (shared_url) } " works too where a sign-in names one pilot of all organisations (an email, a full pilot id)." }
                h2 { "smartCARS 3" }
                p class="muted" { "Set this as the airline's script URL in smartCARS 3 Central. Pilots sign in as they do in Stratos; the same ACARS key works in both." }
                p { code id="smartcars-url" { (own_url.replace(crate::acars::BASE, crate::acars::smartcars::BASE)) "/" } }
            }
            section {
                h2 { "API keys (Public API)" }
                p class="muted" { "Send a key as " code { "Authorization: Bearer" } " with your organisation's id " code { (staff.org.uuid) } " as " code { "X-Org-Id" } "." }
                table id="keys" {
                    thead { tr { th { "Name" } th { "Key" } th { "Scopes" } th { "Status" } th {} } }
                    tbody {
                        @for k in &keys {
                            tr {
                                td { (k.name) } td { code { (k.prefix) "…" } }
                                td { (k.scopes.0.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")) }
                                td { @if k.revoked_at.is_some() { "revoked" } @else { "active" } }
                                td { @if manage {
                                    @if k.revoked_at.is_none() { button type="button" data-api=(format!("POST /console/api/keys/{}/revoke", k.id)) data-confirm="Revoke this key?" { "Revoke" } " " }
                                    button type="button" class="danger" data-api=(format!("DELETE /console/api/keys/{}", k.id)) data-body=r#"{"confirm":true}"# data-confirm="Delete this key for good?" { "Delete" }
                                } }
                            }
                        }
                        @if keys.is_empty() { tr { td colspan="5" class="muted" { "No keys." } } }
                    }
                }
                @if manage {
                    details class="new" {
                        summary { "New key" }
                        form id="new-key" data-api="POST /console/api/keys" data-once="value" {
                            p class="error" role="alert" hidden {}
                            label for="key-name" { "Name" }
                            input id="key-name" name="name" required maxlength="100";
                            (scope_boxes("scopes", &PUBLIC, &[]))
                            div class="actions" { button type="submit" { "Create key" } }
                        }
                    }
                }
            }
            section {
                h2 { "Webhooks" }
                table id="webhooks" {
                    thead { tr { th { "URL" } th { "Events" } th { "Status" } th { "Failures" } th {} } }
                    tbody {
                        @for e in &endpoints {
                            tr {
                                td { a href=(format!("/console/settings/integrations/webhooks/{}", e.id)) { (e.url) } }
                                td { (e.event_types.0.join(", ")) }
                                td { @if e.enabled.0 { "enabled" } @else { "disabled" } }
                                td class="num" { (e.failure_streak) }
                                td { @if manage {
                                    button type="button" data-api=(format!("POST /console/api/webhooks/{}/ping", e.id)) { "Ping" } " "
                                    @let toggle = if e.enabled.0 { r#"{"enabled":false}"# } else { r#"{"enabled":true}"# };
                                    button type="button" data-api=(format!("PATCH /console/api/webhooks/{}", e.id)) data-body=(toggle) { @if e.enabled.0 { "Disable" } @else { "Enable" } } " "
                                    button type="button" class="danger" data-api=(format!("DELETE /console/api/webhooks/{}", e.id)) data-confirm="Delete this endpoint?" { "Delete" }
                                } }
                            }
                        }
                        @if endpoints.is_empty() { tr { td colspan="5" class="muted" { "No endpoints." } } }
                    }
                }
                @if manage {
                    details class="new" {
                        summary { "New endpoint" }
                        form id="new-webhook" data-api="POST /console/api/webhooks" data-once="secret" {
                            p class="error" role="alert" hidden {}
                            label for="webhook-url" { "URL (https)" }
                            input id="webhook-url" name="url" type="url" required;
                            label for="webhook-description" { "Description" }
                            input id="webhook-description" name="description" maxlength="500";
                            fieldset {
                                legend { "Events" }
                                @for event in EVENT_TYPES {
                                    label class="check" { input type="checkbox" name="event_types" value=(event) data-array; " " code { (event) } }
                                }
                            }
                            div class="actions" { button type="submit" { "Create endpoint" } }
                        }
                    }
                }
            }
        };
        Ok(("Integrations".to_string(), "/console/settings/integrations", body))
    })
    .await
}

/// An endpoint's delivery log, newest first, with redeliver.
pub async fn webhook_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    guarded(&state, &headers, async |staff: &Staff, _csrf: &str| {
        let endpoint = resource::get::<Endpoint>(&state.db, staff.org.id, id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no webhook endpoint with id {id}")))?;
        let request = PageRequest::first(ROWS);
        let filter = [resource::Filter::Int("endpoint_id", id)];
        let deliveries =
            resource::list::<Delivery>(&state.db, staff.org.id, &filter, &request).await?.items;
        let manage = staff.permissions.has(ApiSettingsManage);
        let body = html! {
            p { code { (endpoint.url) } " · " (endpoint.event_types.0.join(", ")) }
            table id="deliveries" {
                thead { tr { th { "Delivery" } th { "Event" } th { "State" } th { "Attempts" } th {} } }
                tbody {
                    @for d in &deliveries {
                        tr {
                            td { code { (d.uuid) } } td { (d.event_type) } td { (d.status) } td class="num" { (d.attempts) }
                            td { @if manage { button type="button" data-api=(format!("POST /console/api/webhook-deliveries/{}/redeliver", d.id)) { "Redeliver" } } }
                        }
                    }
                    @if deliveries.is_empty() { tr { td colspan="5" class="muted" { "No deliveries yet." } } }
                }
            }
            p { a href="/console/settings/integrations" { "← Integrations" } }
        };
        Ok(("Webhook deliveries".to_string(), "/console/settings/integrations", body))
    })
    .await
}
