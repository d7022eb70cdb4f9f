//! `GET`/`POST /oauth/authorize`: the authorization-code flow with PKCE.
//!
//! Problems with the client or its redirect URI are shown on a page and never
//! redirected (the URI cannot be trusted); every other problem is sent back
//! to the app per RFC 6749 §4.1.2.1. Answers carry `iss` (RFC 9207).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use maud::html;
use serde::Deserialize;
use url::Url;

use crate::auth::pilot_session::PilotSession;
use crate::domain::oauth::{redirect_matches, valid_challenge};
use crate::domain::org::Org;
use crate::domain::scope::{Scope, Scopes};
use crate::html::{error_page, page, respond};
use crate::http::ApiError;
use crate::pilot::account;
use crate::state::AppState;
use crate::storage::clients::{self, Client, ClientKind};
use crate::storage::grants::{self, NewCode};
use crate::storage::orgs;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// A request that passed every check.
pub struct Valid {
    org: Org,
    client: Client,
    redirect_uri: String,
    scopes: Scopes,
    state: String,
    code_challenge: String,
}

pub enum Refusal {
    /// Shown to the person; nobody is redirected.
    Page(StatusCode, &'static str, String),
    /// Sent back to the app.
    Redirect(Response),
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        let problem = error.problem();
        Refusal::Page(problem.status, "Something went wrong", problem.detail.clone())
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        ApiError::from(error).into()
    }
}

fn refuse(refusal: Refusal) -> Response {
    match refusal {
        Refusal::Page(status, title, message) => error_page(status, title, &message),
        Refusal::Redirect(response) => response,
    }
}

/// 303 to the app's redirect URI with `params`, `state` and `iss` added.
fn back_to_app(
    redirect_uri: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
    issuer: &str,
) -> Response {
    let mut url = Url::parse(redirect_uri).expect("registered redirect URIs parse");
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in params {
            query.append_pair(key, value);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", issuer);
    }
    axum::response::Redirect::to(url.as_str()).into_response_303()
}

trait SeeOther {
    fn into_response_303(self) -> Response;
}

impl SeeOther for axum::response::Redirect {
    fn into_response_303(self) -> Response {
        use axum::response::IntoResponse;
        let mut response = self.into_response();
        *response.status_mut() = StatusCode::SEE_OTHER;
        response
    }
}

async fn validate(state: &AppState, p: &AuthorizeParams) -> Result<Valid, Refusal> {
    let page = |status, title, message: &str| Refusal::Page(status, title, message.to_string());
    let client_id = p.client_id.as_deref().unwrap_or("");
    let Some((org_id, client)) = clients::by_client_id(&state.db, client_id).await? else {
        return Err(page(
            StatusCode::BAD_REQUEST,
            "Unknown app",
            "This app is not registered here, so you cannot sign in to it.",
        ));
    };
    if client.kind != ClientKind::Pilot {
        return Err(page(
            StatusCode::BAD_REQUEST,
            "Unknown app",
            "This app is not registered for pilot sign-in.",
        ));
    }
    let offered = p.redirect_uri.as_deref().unwrap_or("");
    let Some(registered) = client.redirect_uris.0.iter().find(|r| redirect_matches(r, offered))
    else {
        return Err(page(StatusCode::BAD_REQUEST, "Wrong return address", "The app asked to send you back to an address it has not registered. Nothing was shared."));
    };
    let _ = registered;
    let org = orgs::by_id(&state.db, org_id)
        .await?
        .ok_or_else(|| ApiError::internal("client without org"))?;
    if org.plan == crate::domain::org::Plan::Trial {
        return Err(Refusal::Page(
            StatusCode::FORBIDDEN,
            "App not available",
            format!("{} is on the trial plan, which has no pilot apps yet.", org.name),
        ));
    }
    if client.revoked.0 || client.attested_at.is_none() {
        return Err(Refusal::Page(
            StatusCode::FORBIDDEN,
            "App not approved",
            format!(
                "{} has not approved {} yet, so it cannot use your account.",
                org.name, client.name
            ),
        ));
    }
    let issuer = state.config.issuer();
    let app_state = p.state.as_deref();
    let back = |error: &str, description: &str| {
        Refusal::Redirect(back_to_app(
            offered,
            &[("error", error), ("error_description", description)],
            app_state,
            &issuer,
        ))
    };
    if p.response_type.as_deref() != Some("code") {
        return Err(back("unsupported_response_type", "response_type must be code"));
    }
    let Some(app_state) = p.state.clone().filter(|s| !s.is_empty() && s.len() <= 500) else {
        return Err(back("invalid_request", "state is required"));
    };
    let challenge = p.code_challenge.clone().unwrap_or_default();
    if challenge.is_empty() {
        return Err(back("invalid_request", "code_challenge is required (PKCE)"));
    }
    if p.code_challenge_method.as_deref() != Some("S256") {
        return Err(back(
            "invalid_request",
            "code_challenge_method must be S256; plain is not accepted",
        ));
    }
    if !valid_challenge(&challenge) {
        return Err(back(
            "invalid_request",
            "code_challenge must be a base64url SHA-256 (43 characters)",
        ));
    }
    let allowed = &client.scopes.0;
    let scopes = match p.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => allowed.clone(),
        Some(text) => match Scopes::parse(text) {
            Ok(asked) if asked.is_subset_of(allowed) && !asked.is_empty() => asked,
            _ => {
                return Err(back(
                    "invalid_scope",
                    "this app may ask only for the scopes it registered",
                ))
            }
        },
    };
    Ok(Valid {
        org,
        client,
        redirect_uri: offered.to_string(),
        scopes,
        state: app_state,
        code_challenge: challenge,
    })
}

fn describe(scope: Scope) -> &'static str {
    match scope {
        Scope::IdentityBasic => "Know who you are: your name, email, pilot ID and airline",
        Scope::IdentityDiscord => "See which Discord account is linked to you",
        Scope::IdentityNetworks => "See your flight-network ids",
        Scope::PilotRead => "See your profile: rank, hours, points and badges",
        Scope::PilotWrite => "Change your current airport",
        Scope::FlightsRead => "See your PIREPs and bookings",
        Scope::FlightsWrite => "Book, cancel and file flights for you, and fly with a tracker",
        Scope::ActivitiesRead => "See events, tours, rosters, challenges and NOTAMs",
        Scope::ActivitiesWrite => "Mark NOTAMs as read for you",
        _ => "Use the operations API",
    }
}

/// Issues a code and sends the pilot back to the app.
async fn grant(
    state: &AppState,
    valid: &Valid,
    session: &PilotSession,
) -> Result<Response, Refusal> {
    let mut tx = state.db.begin().await?;
    grants::remember_consent(
        &mut tx,
        valid.org.id,
        session.pilot.id,
        valid.client.id,
        &valid.scopes,
    )
    .await?;
    let new = NewCode {
        client: valid.client.id,
        pilot: session.pilot.id,
        redirect_uri: &valid.redirect_uri,
        scopes: &valid.scopes,
        code_challenge: &valid.code_challenge,
    };
    let code = grants::create_code(&mut tx, valid.org.id, &new).await?;
    tx.commit().await?;
    Ok(back_to_app(
        &valid.redirect_uri,
        &[("code", code.expose())],
        Some(&valid.state),
        &state.config.issuer(),
    ))
}

fn hidden(p: &AuthorizeParams) -> maud::Markup {
    let fields = [
        ("response_type", &p.response_type),
        ("client_id", &p.client_id),
        ("redirect_uri", &p.redirect_uri),
        ("scope", &p.scope),
        ("state", &p.state),
        ("code_challenge", &p.code_challenge),
        ("code_challenge_method", &p.code_challenge_method),
    ];
    html! {
        @for (name, value) in fields {
            @if let Some(value) = value { input type="hidden" name=(name) value=(value); }
        }
    }
}

fn consent_page(valid: &Valid, session: &PilotSession, params: &AuthorizeParams) -> Response {
    let pilot = &session.pilot;
    let body = html! {
        p { "Signed in as " strong { (pilot.first_name) " " (pilot.last_name) " (" (pilot.ident) ")" } }
        p { strong { (valid.client.name) } " would like to:" }
        ul class="scopes" { @for scope in valid.scopes.iter() { li { (describe(scope)) } } }
        @if let Some(policy) = &valid.client.privacy_policy_url {
            p class="muted" { "Read how " (valid.client.name) " uses your data in its " a href=(policy) rel="noopener noreferrer" target="_blank" { "privacy policy" } "." }
        }
        p class="muted" { "You can withdraw this at any time under " a href="/account/apps" { "Connected apps" } "." }
        form method="post" action="/oauth/authorize" {
            (hidden(params))
            input type="hidden" name="csrf_token" value=(session.csrf_token);
            div class="actions" {
                button type="submit" name="decision" value="allow" { "Allow" }
                button type="submit" name="decision" value="deny" class="secondary" { "Deny" }
            }
        }
    };
    respond(
        StatusCode::OK,
        page(&format!("Allow {}?", valid.client.name), Some(&valid.org.name), false, body),
    )
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let valid = match validate(&state, &params).await {
        Ok(valid) => valid,
        Err(refusal) => return refuse(refusal),
    };
    let session = match PilotSession::find(&state, &headers, Some(valid.org.id)).await {
        Ok(session) => session,
        Err(error) => return refuse(error.into()),
    };
    let Some(session) = session else {
        let next = format!(
            "/oauth/authorize?{}",
            serde_urlencoded::to_string(authorize_pairs(&params)).unwrap_or_default()
        );
        return account::login_page(
            &valid.org,
            Some(&valid.client.name),
            &next,
            None,
            StatusCode::OK,
        );
    };
    // A consent already given for these scopes is remembered.
    match grants::consent(&state.db, session.pilot.id, valid.client.id).await {
        Ok(Some(given)) if valid.scopes.is_subset_of(&given) => {
            grant(&state, &valid, &session).await.unwrap_or_else(refuse)
        }
        Ok(_) => consent_page(&valid, &session, &params),
        Err(error) => refuse(error.into()),
    }
}

fn authorize_pairs(p: &AuthorizeParams) -> Vec<(&'static str, String)> {
    [
        ("response_type", &p.response_type),
        ("client_id", &p.client_id),
        ("redirect_uri", &p.redirect_uri),
        ("scope", &p.scope),
        ("state", &p.state),
        ("code_challenge", &p.code_challenge),
        ("code_challenge_method", &p.code_challenge_method),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
    .collect()
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    #[serde(flatten)]
    params: AuthorizeParams,
    csrf_token: Option<String>,
    decision: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Decision>,
) -> Response {
    let valid = match validate(&state, &form.params).await {
        Ok(valid) => valid,
        Err(refusal) => return refuse(refusal),
    };
    let session = match PilotSession::find(&state, &headers, Some(valid.org.id)).await {
        Ok(Some(session)) => session,
        Ok(None) => {
            return error_page(
                StatusCode::UNAUTHORIZED,
                "Signed out",
                "Your session ended. Go back to the app and start again.",
            )
        }
        Err(error) => return refuse(error.into()),
    };
    if !session.csrf_matches(form.csrf_token.as_deref().unwrap_or("")) {
        return error_page(
            StatusCode::FORBIDDEN,
            "Form expired",
            "This form could not be verified. Go back to the app and start again.",
        );
    }
    match form.decision.as_deref() {
        Some("allow") => grant(&state, &valid, &session).await.unwrap_or_else(refuse),
        _ => back_to_app(
            &valid.redirect_uri,
            &[("error", "access_denied"), ("error_description", "the pilot said no")],
            Some(&valid.state),
            &state.config.issuer(),
        ),
    }
}
