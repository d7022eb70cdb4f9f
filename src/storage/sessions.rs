//! Browser sessions: staff in the console, pilots on the consent and
//! connected-apps pages. The cookie holds a random token; we keep its hash.

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
    let csrf_token = security::new_token("").expose().to_string();
    sqlx::query(&format!(
        "INSERT INTO {} (org_id, {}, token_hash, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        kind.table(),
        kind.subject()
    ))
    .bind(org.0)
    .bind(subject)
    .bind(security::sha256_hex(token.expose()))
    .bind(&csrf_token)
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
    Ok(row.map(|(org, subject, csrf_token)| Session { org: OrgId(org), subject, csrf_token }))
}

pub async fn delete(db: &Db, kind: SessionKind, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("DELETE FROM {} WHERE token_hash = $1", kind.table()))
        .bind(security::sha256_hex(token))
        .execute(db.writer())
        .await?;
    Ok(())
}
