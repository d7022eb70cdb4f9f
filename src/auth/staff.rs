//! `Staff`: a signed-in staff member of an org, from the console session cookie.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Method;
use axum_extra::extract::CookieJar;

use crate::domain::org::Org;
use crate::domain::staff::{Permission, Permissions};
use crate::domain::StaffId;
use crate::http::ApiError;
use crate::security;
use crate::state::AppState;
use crate::storage::sessions::SessionKind;
use crate::storage::staff::StaffUser;
use crate::storage::{orgs, sessions, staff};

pub const SESSION_COOKIE: &str = "airside_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, Clone)]
pub struct Staff {
    pub user: StaffUser,
    pub org: Org,
    pub permissions: Permissions,
}

impl Staff {
    /// Writes an audit entry for this staff member's change, in `tx`.
    /// Who staff are in the audit log.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.user.email)
    }

    pub async fn audit(
        &self,
        tx: &mut crate::storage::Tx,
        action: &str,
        target_kind: &str,
        target_id: &str,
        detail: serde_json::Value,
    ) -> Result<(), ApiError> {
        let actor = self.actor();
        crate::storage::audit::record(
            tx,
            self.org.id,
            &actor,
            action,
            target_kind,
            target_id,
            detail,
        )
        .await?;
        Ok(())
    }

    /// Deletes row `id` of `table` in the staff member's org, audited as
    /// `action` on a `kind`; a 404 naming `what` when there is none.
    pub async fn delete_audited(
        &self,
        db: &crate::storage::Db,
        (table, kind, what): (crate::storage::Table, &str, &str),
        id: i64,
        action: &str,
    ) -> Result<(), ApiError> {
        let mut tx = db.begin().await?;
        if !crate::storage::resource::delete(&mut tx, self.org.id, table, id).await? {
            return Err(ApiError::not_found(format!("no {what} with id {id}")));
        }
        self.audit(&mut tx, action, kind, &id.to_string(), serde_json::json!({})).await?;
        tx.commit().await?;
        Ok(())
    }
    /// 403 unless the staff member has `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.permissions.has(permission) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("this needs the {permission} permission"))
                .with("permission", serde_json::json!(permission.as_str())))
        }
    }

    /// For the API settings pages and calls: an active org and `permission`.
    pub fn require_api_settings(&self, permission: Permission) -> Result<(), ApiError> {
        if !self.org.has_api_settings() {
            return Err(ApiError::forbidden(
                "organisations on the trial plan have no API settings; upgrade to use the API",
            ));
        }
        self.require(permission)
    }

    pub fn require_owner(&self) -> Result<(), ApiError> {
        if self.permissions.is_owner() {
            Ok(())
        } else {
            Err(ApiError::forbidden("only the organisation's owner can do this"))
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed_out = || ApiError::unauthorized("sign in to the console first");
        let (staff, csrf) = signed_in(state, &parts.headers).await?.ok_or_else(signed_out)?;
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !security::csrf_matches(&csrf, sent) {
                return Err(ApiError::forbidden(format!(
                    "missing or wrong {CSRF_HEADER} header: send the token the session gave you"
                )));
            }
        }
        Ok(staff)
    }
}

/// The staff member whose session cookie `headers` carry, with the
/// session's CSRF token; None when signed out. The JSON API and the
/// console's pages both ask here.
pub async fn signed_in(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Option<(Staff, String)>, ApiError> {
    let jar = CookieJar::from_headers(headers);
    let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    if token.is_empty() {
        return Ok(None);
    }
    let Some(session) = sessions::find(&state.db, SessionKind::Staff, &token).await? else {
        return Ok(None);
    };
    let Some(user) = staff::by_id(&state.db, StaffId(session.subject)).await? else {
        return Ok(None);
    };
    let Some(org) = orgs::by_id(&state.db, user.org_id).await? else {
        return Ok(None);
    };
    let permissions = user.permissions();
    Ok(Some((Staff { user, org, permissions }, session.csrf_token)))
}

/// Checks a staff login. Unknown emails cost the same time as wrong passwords,
/// so a caller cannot tell which emails exist.
pub async fn check_login(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<Option<StaffUser>, ApiError> {
    let user = staff::by_email(&state.db, email).await?;
    let hashes = user.iter().map(|u| u.password_hash.clone()).collect();
    let matches = security::check_password(password, hashes).await;
    Ok(user.filter(|_| matches.first() == Some(&true)))
}
