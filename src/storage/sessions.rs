//! Browser sessions: staff in the console, pilots on the consent and
//! connected-apps pages. The cookie holds a random token; we keep its hash.
//! The CSRF token is derived from the session token, and only its hash is
//! kept (to check that a session found is the one its CSRF token was made
//! for); neither can be read back from the database.

use crate::domain::{OrgId, Timestamp};
use crate::security::{self, Secret};

use super::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Staff,
    Pilot,
}

impl SessionKind {
    fn table(self) -> &'static str {
        match self {
            SessionKind::Staff => "staff_sessions",
            SessionKind::Pilot => "pilot_sessions",
        }
    }

    fn subject(self) -> &'static str {
        match self {
            SessionKind::Staff => "staff_id",
            SessionKind::Pilot => "pilot_id",
        }
    }
}

pub struct NewSession {
    /// Goes in the cookie; only its hash is stored.
    pub token: Secret,
    /// Sent back by the page on every change (CSRF defence).
    pub csrf_token: String,
}

/// A live session: who, of which org, and its CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub org: OrgId,
    pub subject: i64,
    pub csrf_token: String,
}

pub async fn create(
    db: &Db,
    kind: SessionKind,
    org: OrgId,
    subject: i64,
    expires_at: Timestamp,
) -> Result<NewSession, sqlx::Error> {
    let token = security::new_token("");
    let csrf_token = security::csrf_token_of(token.expose());
    sqlx::query(&format!(
        "INSERT INTO {} (org_id, {}, token_hash, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        kind.table(),
        kind.subject()
    ))
    .bind(org.0)
    .bind(subject)
    .bind(security::sha256_hex(token.expose()))
    .bind(security::sha256_hex(&csrf_token))
    .bind(Timestamp::now().to_db())
    .bind(expires_at.to_db())
    .execute(db.writer())
    .await?;
    Ok(NewSession { token, csrf_token })
}

pub async fn find(db: &Db, kind: SessionKind, token: &str) -> Result<Option<Session>, sqlx::Error> {
    if token.is_empty() {
        return Ok(None);
    }
    let row: Option<(i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT org_id, {}, csrf_token FROM {} WHERE token_hash = $1 AND expires_at > $2",
        kind.subject(),
        kind.table()
    ))
    .bind(security::sha256_hex(token))
    .bind(Timestamp::now().to_db())
    .fetch_optional(db.reader())
    .await?;
    let Some((org, subject, csrf_hash)) = row else { return Ok(None) };
    let csrf_token = security::csrf_token_of(token);
    // A session made before CSRF tokens were derived has no match: sign in again.
    if !security::constant_time_eq(
        security::sha256_hex(&csrf_token).as_bytes(),
        csrf_hash.as_bytes(),
    ) {
        return Ok(None);
    }
    Ok(Some(Session { org: OrgId(org), subject, csrf_token }))
}

pub async fn delete(db: &Db, kind: SessionKind, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("DELETE FROM {} WHERE token_hash = $1", kind.table()))
        .bind(security::sha256_hex(token))
        .execute(db.writer())
        .await?;
    Ok(())
}
