//! OAuth access tokens: opaque, random, stored as SHA-256, checked on every
//! request (no cache, so a revocation holds from the next request on).

use sqlx::AnyConnection;

use super::Db;
use crate::domain::scope::Scopes;
use crate::domain::{OrgId, PilotId, Timestamp};
use crate::security::{self, Secret};

use super::clients::{ClientKind, StoredScopes};

pub const ACCESS_TOKEN_SECONDS: i64 = 3600;

/// A live access token and what it may do.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub org: OrgId,
    /// The client's row id and public id.
    pub client: i64,
    pub client_id: String,
    pub kind: ClientKind,
    pub scopes: Scopes,
    pub pilot: Option<PilotId>,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    /// The org is on the trial plan, which has no API access.
    pub trial: bool,
}

/// Issues an access token. Pilot tokens carry the `family` of the code that
/// began them, so a replayed code or refresh token can end them all.
pub async fn issue(
    conn: &mut AnyConnection,
    org: OrgId,
    client: i64,
    scopes: &Scopes,
    pilot: Option<PilotId>,
    family: Option<&str>,
) -> Result<Secret, sqlx::Error> {
    let token = security::new_token("at_");
    let now = chrono::Utc::now();
    sqlx::query(
        "INSERT INTO oauth_tokens (org_id, client_id, token_hash, scopes, pilot_id, created_at, expires_at, family) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(org.0)
    .bind(client)
    .bind(security::sha256_hex(token.expose()))
    .bind(scopes.to_text())
    .bind(pilot.map(|p| p.0))
    .bind(Timestamp(now).to_db())
    .bind(Timestamp(now + chrono::Duration::seconds(ACCESS_TOKEN_SECONDS)).to_db())
    .bind(family)
    .execute(conn)
    .await?;
    Ok(token)
}

type TokenRow = (i64, i64, String, String, String, Option<i64>, String, String, String);

/// The live token `token` names: not revoked, not expired, its client not
/// revoked, and for a pilot's token, the pilot still allowed to sign in.
pub async fn find_active(db: &Db, token: &str) -> Result<Option<AccessToken>, sqlx::Error> {
    if token.is_empty() {
        return Ok(None);
    }
    let row: Option<TokenRow> = sqlx::query_as(
        "SELECT t.org_id, t.client_id, c.client_id, c.kind, t.scopes, t.pilot_id, t.created_at, t.expires_at, \
         o.plan FROM oauth_tokens t JOIN oauth_clients c ON c.id = t.client_id \
         JOIN orgs o ON o.id = t.org_id \
         LEFT JOIN pilots p ON p.id = t.pilot_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND c.revoked = 0 \
         AND (t.pilot_id IS NULL OR p.state IN ('active', 'on_leave'))",
    )
    .bind(security::sha256_hex(token))
    .bind(Timestamp::now().to_db())
    .fetch_optional(db.reader())
    .await?;
    let Some((org, client, client_id, kind, scopes, pilot, issued, expires, plan)) = row else {
        return Ok(None);
    };
    let (Ok(kind), Ok(issued_at), Ok(expires_at)) =
        (kind.parse(), Timestamp::try_from(issued), Timestamp::try_from(expires))
    else {
        return Ok(None);
    };
    let StoredScopes(scopes) = StoredScopes::from(scopes);
    Ok(Some(AccessToken {
        org: OrgId(org),
        client,
        client_id,
        kind,
        scopes,
        pilot: pilot.map(PilotId),
        issued_at,
        expires_at,
        trial: plan == crate::domain::org::Plan::Trial.as_str(),
    }))
}

/// Revokes one token of `client` (RFC 7009: unknown tokens are not an error).
pub async fn revoke(db: &Db, client: i64, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE oauth_tokens SET revoked_at = $1 WHERE token_hash = $2 AND client_id = $3")
        .bind(Timestamp::now().to_db())
        .bind(security::sha256_hex(token))
        .bind(client)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Ends every access and refresh token of a client.
pub async fn revoke_all_of_client(
    conn: &mut AnyConnection,
    client: i64,
) -> Result<(), sqlx::Error> {
    let now = Timestamp::now().to_db();
    for table in ["oauth_tokens", "refresh_tokens"] {
        sqlx::query(&format!(
            "UPDATE {table} SET revoked_at = $1 WHERE client_id = $2 AND revoked_at IS NULL"
        ))
        .bind(&now)
        .bind(client)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Ends every access and refresh token of a family (a replayed code or
/// refresh token means someone else may hold them).
pub async fn revoke_family(conn: &mut AnyConnection, family: &str) -> Result<(), sqlx::Error> {
    let now = Timestamp::now().to_db();
    for table in ["oauth_tokens", "refresh_tokens"] {
        sqlx::query(&format!(
            "UPDATE {table} SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL"
        ))
        .bind(&now)
        .bind(family)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Ends every token one client holds for one pilot (consent withdrawn).
pub async fn revoke_pilot_client(
    conn: &mut AnyConnection,
    pilot: PilotId,
    client: i64,
) -> Result<(), sqlx::Error> {
    let now = Timestamp::now().to_db();
    for table in ["oauth_tokens", "refresh_tokens"] {
        sqlx::query(&format!(
            "UPDATE {table} SET revoked_at = $1 WHERE pilot_id = $2 AND client_id = $3 AND revoked_at IS NULL"
        ))
        .bind(&now)
        .bind(pilot.0)
        .bind(client)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
