//! The authorization-code grant's records: codes (single use, 60 s, bound to
//! client, redirect URI and PKCE challenge), refresh tokens (rotated on every
//! use, in families), and the consents pilots gave.

use serde::Serialize;
use sqlx::AnyConnection;

use super::clients::StoredScopes;
use super::Db;
use crate::domain::scope::Scopes;
use crate::domain::{OrgId, PilotId, Timestamp};
use crate::security::{self, Secret};

pub const CODE_SECONDS: i64 = 60;
pub const REFRESH_DAYS: i64 = 30;

pub struct NewCode<'a> {
    pub client: i64,
    pub pilot: PilotId,
    pub redirect_uri: &'a str,
    pub scopes: &'a Scopes,
    pub code_challenge: &'a str,
}

pub async fn create_code(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewCode<'_>,
) -> Result<Secret, sqlx::Error> {
    let code = security::new_token("");
    let now = chrono::Utc::now();
    sqlx::query(
        "INSERT INTO authorization_codes (org_id, client_id, pilot_id, code_hash, redirect_uri, scopes, \
         code_challenge, family, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(org.0)
    .bind(new.client)
    .bind(new.pilot.0)
    .bind(security::sha256_hex(code.expose()))
    .bind(new.redirect_uri)
    .bind(new.scopes.to_text())
    .bind(new.code_challenge)
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(Timestamp(now).to_db())
    .bind(Timestamp(now + chrono::Duration::seconds(CODE_SECONDS)).to_db())
    .execute(conn)
    .await?;
    Ok(code)
}

/// A code, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Code {
    pub org_id: i64,
    pub client_id: i64,
    pub pilot_id: i64,
    pub redirect_uri: String,
    #[sqlx(try_from = "String")]
    pub scopes: StoredScopes,
    pub code_challenge: String,
    pub family: String,
    pub expires_at: String,
    pub used_at: Option<String>,
}

#[derive(Debug)]
pub enum Redeemed {
    /// First use: the code is now spent.
    Fresh(Code),
    /// Used before: whatever it issued must be revoked.
    Replayed(Code),
    Unknown,
}

/// Spends a code. Marking it used is conditional, so two racing redemptions
/// cannot both win.
pub async fn redeem_code(conn: &mut AnyConnection, code: &str) -> Result<Redeemed, sqlx::Error> {
    let hash = security::sha256_hex(code);
    let found: Option<Code> = sqlx::query_as(
        "SELECT org_id, client_id, pilot_id, redirect_uri, scopes, code_challenge, family, expires_at, used_at \
         FROM authorization_codes WHERE code_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(found) = found else { return Ok(Redeemed::Unknown) };
    if found.used_at.is_some() {
        return Ok(Redeemed::Replayed(found));
    }
    let spent = sqlx::query(
        "UPDATE authorization_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL",
    )
    .bind(Timestamp::now().to_db())
    .bind(&hash)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(if spent == 1 { Redeemed::Fresh(found) } else { Redeemed::Replayed(found) })
}

pub async fn issue_refresh(
    conn: &mut AnyConnection,
    org: OrgId,
    client: i64,
    pilot: PilotId,
    scopes: &Scopes,
    family: &str,
) -> Result<Secret, sqlx::Error> {
    let token = security::new_token("rt_");
    let now = chrono::Utc::now();
    sqlx::query(
        "INSERT INTO refresh_tokens (org_id, client_id, pilot_id, token_hash, family, scopes, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(org.0)
    .bind(client)
    .bind(pilot.0)
    .bind(security::sha256_hex(token.expose()))
    .bind(family)
    .bind(scopes.to_text())
    .bind(Timestamp(now).to_db())
    .bind(Timestamp(now + chrono::Duration::days(REFRESH_DAYS)).to_db())
    .execute(conn)
    .await?;
    Ok(token)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Refresh {
    pub org_id: i64,
    pub client_id: i64,
    pub pilot_id: i64,
    pub family: String,
    #[sqlx(try_from = "String")]
    pub scopes: StoredScopes,
    pub expires_at: String,
    pub used_at: Option<String>,
    pub revoked_at: Option<String>,
}

#[derive(Debug)]
pub enum Rotated {
    /// First use: spent now, a successor may be issued.
    Fresh(Refresh),
    /// Used or revoked before: a sign that it leaked.
    Reused(Refresh),
    Unknown,
}

pub async fn spend_refresh(conn: &mut AnyConnection, token: &str) -> Result<Rotated, sqlx::Error> {
    let hash = security::sha256_hex(token);
    let found: Option<Refresh> = sqlx::query_as(
        "SELECT org_id, client_id, pilot_id, family, scopes, expires_at, used_at, revoked_at \
         FROM refresh_tokens WHERE token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(found) = found else { return Ok(Rotated::Unknown) };
    if found.used_at.is_some() || found.revoked_at.is_some() {
        return Ok(Rotated::Reused(found));
    }
    let spent = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(Timestamp::now().to_db())
    .bind(&hash)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(if spent == 1 { Rotated::Fresh(found) } else { Rotated::Reused(found) })
}

/// The scopes a pilot already granted a client, if any.
pub async fn consent(db: &Db, pilot: PilotId, client: i64) -> Result<Option<Scopes>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT scopes FROM consents WHERE pilot_id = $1 AND client_id = $2")
            .bind(pilot.0)
            .bind(client)
            .fetch_optional(db.reader())
            .await?;
    Ok(row.map(|(scopes,)| StoredScopes::from(scopes).0))
}

/// Records (or widens) a pilot's consent.
pub async fn remember_consent(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: PilotId,
    client: i64,
    scopes: &Scopes,
) -> Result<(), sqlx::Error> {
    let now = Timestamp::now().to_db();
    sqlx::query(
        "INSERT INTO consents (org_id, pilot_id, client_id, scopes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (pilot_id, client_id) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at",
    )
    .bind(org.0)
    .bind(pilot.0)
    .bind(client)
    .bind(scopes.to_text())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// An app a pilot has connected, for the "Connected apps" page.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ConnectedApp {
    pub client_id: i64,
    pub name: String,
    pub privacy_policy_url: Option<String>,
    #[sqlx(try_from = "String")]
    pub scopes: StoredScopes,
    pub updated_at: String,
}

pub async fn connected_apps(db: &Db, pilot: PilotId) -> Result<Vec<ConnectedApp>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id AS client_id, c.name, c.privacy_policy_url, k.scopes, k.updated_at \
         FROM consents k JOIN oauth_clients c ON c.id = k.client_id WHERE k.pilot_id = $1 ORDER BY c.name",
    )
    .bind(pilot.0)
    .fetch_all(db.reader())
    .await
}

/// Withdraws a consent: it is forgotten and the app's tokens for the pilot end.
pub async fn withdraw(
    conn: &mut AnyConnection,
    pilot: PilotId,
    client: i64,
) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query("DELETE FROM consents WHERE pilot_id = $1 AND client_id = $2")
        .bind(pilot.0)
        .bind(client)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    super::tokens::revoke_pilot_client(conn, pilot, client).await?;
    Ok(removed == 1)
}
