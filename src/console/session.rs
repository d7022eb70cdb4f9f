//! Signing staff in and out.

use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::auth::staff::{check_login, SESSION_COOKIE};
use crate::auth::Staff;
use crate::domain::org::Org;
use crate::domain::{StaffId, Timestamp};
use crate::http::extract::{Data, Json};
use crate::http::rate_limit::{too_many_sign_ins, SignInLimit, STAFF_SIGN_IN};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::sessions::{self, SessionKind};

const SESSION_HOURS: i64 = 12;

#[derive(Debug, Deserialize)]
pub struct SignIn {
    email: String,
    password: String,
}

#[derive(Debug, Serialize)]
pub struct StaffView {
    id: StaffId,
    email: String,
    name: String,
    owner: bool,
    permissions: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct SessionView {
    staff: StaffView,
    org: Org,
    /// Send it back as `X-CSRF-Token` on every change.
    #[serde(skip_serializing_if = "Option::is_none")]
    csrf_token: Option<String>,
}

fn view(staff: &Staff, csrf_token: Option<String>) -> SessionView {
    use crate::domain::staff::Permission::{ApiSettingsManage, ApiSettingsView};
    let permissions = [ApiSettingsView, ApiSettingsManage]
        .into_iter()
        .filter(|p| staff.permissions.has(*p))
        .map(|p| p.as_str())
        .collect();
    SessionView {
        staff: StaffView {
            id: staff.user.id,
            email: staff.user.email.clone(),
            name: staff.user.name.clone(),
            owner: staff.permissions.is_owner(),
            permissions,
        },
        org: staff.org.clone(),
        csrf_token,
    }
}

/// `POST /console/api/session`: the same check and the same limit on
/// failed attempts as the login form.
pub async fn sign_in(
    State(state): State<AppState>,
    jar: CookieJar,
    extensions: axum::http::Extensions,
    headers: axum::http::HeaderMap,
    Json(body): Json<SignIn>,
) -> Result<(CookieJar, Data<SessionView>), ApiError> {
    let proxy = state.config.trusted_proxy;
    let limit = SignInLimit::of_request(STAFF_SIGN_IN, &body.email, &extensions, &headers, proxy);
    if let Some(wait) = limit.blocked(&state.rate_limits).await {
        return Err(too_many_sign_ins(wait));
    }
    let Some(user) = check_login(&state, &body.email, &body.password).await? else {
        limit.failed(&state.rate_limits).await;
        tracing::warn!(address = %limit.address, "console sign-in refused: wrong email or password");
        return Err(ApiError::unauthorized("wrong email or password"));
    };
    let org = crate::storage::orgs::by_id(&state.db, user.org_id)
        .await?
        .ok_or_else(|| ApiError::internal("staff user without an org"))?;
    let permissions = user.permissions();
    let staff = Staff { user, org, permissions };
    let (cookie, csrf) = start(&state, &staff).await?;
    Ok((jar.add(cookie), Data { data: view(&staff, Some(csrf)) }))
}

/// A new server-side session: its cookie (HttpOnly, Secure, SameSite=Lax)
/// and its CSRF token. The JSON sign-in and the login page both start here.
pub async fn start(state: &AppState, staff: &Staff) -> Result<(Cookie<'static>, String), ApiError> {
    let expires = Timestamp(chrono::Utc::now() + Duration::hours(SESSION_HOURS));
    let session =
        sessions::create(&state.db, SessionKind::Staff, staff.org.id, staff.user.id.0, expires)
            .await?;
    let cookie = Cookie::build((SESSION_COOKIE, session.token.expose().to_string()))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::hours(SESSION_HOURS))
        .build();
    tracing::info!(staff = %staff.user.id, org = %staff.org.slug, "staff signed in");
    Ok((cookie, session.csrf_token))
}

pub async fn current(staff: Staff) -> Data<SessionView> {
    Data { data: view(&staff, None) }
}

pub async fn sign_out(
    State(state): State<AppState>,
    _staff: Staff,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar), ApiError> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        sessions::delete(&state.db, SessionKind::Staff, cookie.value()).await?;
    }
    Ok((StatusCode::NO_CONTENT, jar.remove(Cookie::build(SESSION_COOKIE).path("/"))))
}
