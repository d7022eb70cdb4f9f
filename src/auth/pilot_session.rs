//! A pilot signed in on the web pages (consent, connected apps), from the
//! `airside_pilot` cookie. Sessions belong to one org.

use axum::http::HeaderMap;
use axum_extra::extract::CookieJar;

use crate::domain::OrgId;
use crate::http::ApiError;
use crate::security;
use crate::state::AppState;
use crate::storage::pilots::Pilot;
use crate::storage::resource;
use crate::storage::sessions::{self, SessionKind};

pub const PILOT_COOKIE: &str = "airside_pilot";
pub const LOGIN_CSRF_COOKIE: &str = "airside_login_csrf";

#[derive(Debug, Clone)]
pub struct PilotSession {
    pub org: OrgId,
    pub pilot: Pilot,
    pub csrf_token: String,
}

impl PilotSession {
    /// The pilot signed in for `org` (any org when `None`), if they may still
    /// sign in (active or on leave).
    pub async fn find(
        state: &AppState,
        headers: &HeaderMap,
        org: Option<OrgId>,
    ) -> Result<Option<PilotSession>, ApiError> {
        let jar = CookieJar::from_headers(headers);
        let Some(token) = jar.get(PILOT_COOKIE).map(|c| c.value().to_string()) else {
            return Ok(None);
        };
        let Some(session) = sessions::find(&state.db, SessionKind::Pilot, &token).await? else {
            return Ok(None);
        };
        if org.is_some_and(|org| org != session.org) {
            return Ok(None);
        }
        let pilot = resource::get::<Pilot>(&state.db, session.org, session.subject).await?;
        Ok(pilot.filter(|p| p.state.can_authenticate()).map(|pilot| PilotSession {
            org: session.org,
            pilot,
            csrf_token: session.csrf_token,
        }))
    }

    pub fn csrf_matches(&self, sent: &str) -> bool {
        security::csrf_matches(&self.csrf_token, sent)
    }
}
