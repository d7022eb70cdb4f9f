//! Staff console sessions.

use crate::domain::{OrgId, StaffId, Timestamp};
use crate::security::{self, Secret};

use super::Db;

pub struct NewSession {
    /// Goes in the cookie; only its hash is stored.
    pub token: Secret,
    /// Sent back by the page on every change (double-submit CSRF defence).
    pub csrf_token: String,
}

pub async fn create(
    db: &Db,
    org: OrgId,
    staff: StaffId,
    expires_at: Timestamp,
) -> Result<NewSession, sqlx::Error> {
    let token = security::new_token("");
    let csrf_token = security::new_token("").expose().to_string();
    sqlx::query(
        "INSERT INTO staff_sessions (org_id, staff_id, token_hash, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org.0)
    .bind(staff.0)
    .bind(security::sha256_hex(token.expose()))
    .bind(&csrf_token)
    .bind(Timestamp::now().to_db())
    .bind(expires_at.to_db())
    .execute(db.writer())
    .await?;
    Ok(NewSession { token, csrf_token })
}

/// The live session a cookie token names: (staff id, CSRF token).
pub async fn find(db: &Db, token: &str) -> Result<Option<(StaffId, String)>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT staff_id, csrf_token FROM staff_sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(security::sha256_hex(token))
    .bind(Timestamp::now().to_db())
    .fetch_optional(db.reader())
    .await?;
    Ok(row.map(|(staff, csrf)| (StaffId(staff), csrf)))
}

pub async fn delete(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
        .bind(security::sha256_hex(token))
        .execute(db.writer())
        .await?;
    Ok(())
}
