//! OAuth clients (Operations and Pilot). Secrets are returned once, at
//! creation or reset; only their SHA-256 is kept.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::Resource;
use super::{flag, Db, Flag};
use crate::domain::org::text_enum;
use crate::domain::scope::Scopes;
use crate::domain::{OrgId, StaffId, Timestamp};
use crate::security::{self, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    Operations,
    Pilot,
}

text_enum!(ClientKind { ClientKind::Operations => "operations", ClientKind::Pilot => "pilot" });

impl ClientKind {
    /// How the request log counts this client's requests.
    pub fn credential_kind(self) -> crate::domain::usage::CredentialKind {
        match self {
            ClientKind::Operations => crate::domain::usage::CredentialKind::OperationsClient,
            ClientKind::Pilot => crate::domain::usage::CredentialKind::PilotClient,
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Client {
    pub id: i64,
    pub client_id: String,
    #[sqlx(try_from = "String")]
    pub kind: ClientKind,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub scopes: StoredScopes,
    #[sqlx(try_from = "String")]
    pub redirect_uris: Lines,
    pub privacy_policy_url: Option<String>,
    #[sqlx(try_from = "i64")]
    pub revoked: Flag,
    /// Confidential clients have a secret; public (PKCE-only) clients do not.
    #[sqlx(try_from = "i64")]
    pub confidential: Flag,
    pub attested_by: Option<StaffId>,
    pub attested_at: Option<String>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "String")]
    pub updated_at: Timestamp,
}

impl super::page::Keyed for Client {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Resource for Client {
    const TABLE: Table = Table::OauthClients;
    const COLUMNS: &'static str = "id, client_id, kind, name, scopes, redirect_uris, \
         privacy_policy_url, revoked, CASE WHEN secret_hash IS NULL THEN 0 ELSE 1 END AS confidential, \
         attested_by, attested_at, created_at, updated_at";
}

/// Scopes as stored (space-separated); unknown words are dropped on read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct StoredScopes(pub Scopes);

impl From<String> for StoredScopes {
    fn from(text: String) -> Self {
        let known = text.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        StoredScopes(Scopes::new(known))
    }
}

/// A list stored one item a line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Lines(pub Vec<String>);

impl From<String> for Lines {
    fn from(text: String) -> Self {
        Lines(text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect())
    }
}

pub struct NewClient<'a> {
    pub kind: ClientKind,
    pub name: &'a str,
    pub scopes: &'a Scopes,
    pub redirect_uris: &'a [String],
    pub privacy_policy_url: Option<&'a str>,
    pub confidential: bool,
}

/// Creates a client; returns it and its secret (for confidential clients).
/// Pilot clients start revoked until the owner attests them.
pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewClient<'_>,
) -> Result<(i64, Option<Secret>), sqlx::Error> {
    let prefix = match new.kind {
        ClientKind::Operations => "ops_",
        ClientKind::Pilot => "pil_",
    };
    // A client id is an identifier, not a secret: 128 bits keep it unguessable enough.
    let client_id = format!("{prefix}{}", &uuid::Uuid::new_v4().simple().to_string());
    let secret = new.confidential.then(|| security::new_token("sec_"));
    let now = Timestamp::now().to_db();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO oauth_clients (org_id, client_id, kind, name, secret_hash, scopes, redirect_uris, \
         privacy_policy_url, revoked, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(org.0)
    .bind(client_id)
    .bind(new.kind.as_str())
    .bind(new.name)
    .bind(secret.as_ref().map(|s| security::sha256_hex(s.expose())))
    .bind(new.scopes.to_text())
    .bind(new.redirect_uris.join("\n"))
    .bind(new.privacy_policy_url)
    .bind(flag(new.kind == ClientKind::Pilot))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok((id, secret))
}

pub async fn get(
    conn: &mut AnyConnection,
    org: OrgId,
    id: i64,
) -> Result<Option<Client>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM oauth_clients WHERE org_id = $1 AND id = $2",
        Client::COLUMNS
    ))
    .bind(org.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn rename_and_rescope(
    conn: &mut AnyConnection,
    org: OrgId,
    id: i64,
    name: &str,
    scopes: &Scopes,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE oauth_clients SET name = $1, scopes = $2, updated_at = $3 WHERE org_id = $4 AND id = $5",
    )
    .bind(name)
    .bind(scopes.to_text())
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A new secret; every token of the client stops working.
pub async fn reset_secret(
    conn: &mut AnyConnection,
    org: OrgId,
    id: i64,
) -> Result<Secret, sqlx::Error> {
    let secret = security::new_token("sec_");
    sqlx::query(
        "UPDATE oauth_clients SET secret_hash = $1, updated_at = $2 WHERE org_id = $3 AND id = $4",
    )
    .bind(security::sha256_hex(secret.expose()))
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    super::tokens::revoke_all_of_client(conn, id).await?;
    Ok(secret)
}

/// Revoking ends every token too, so restoring the client does not revive them.
pub async fn set_revoked(
    conn: &mut AnyConnection,
    org: OrgId,
    id: i64,
    revoked: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE oauth_clients SET revoked = $1, updated_at = $2 WHERE org_id = $3 AND id = $4",
    )
    .bind(flag(revoked))
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if revoked {
        super::tokens::revoke_all_of_client(conn, id).await?;
    }
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, org: OrgId, id: i64) -> Result<(), sqlx::Error> {
    for table in ["oauth_tokens", "refresh_tokens", "authorization_codes", "consents"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE org_id = $1 AND client_id = $2"))
            .bind(org.0)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM oauth_clients WHERE org_id = $1 AND id = $2")
        .bind(org.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The client a `client_id` and secret name, or None. The secret's hash is
/// compared in constant time; a client without a secret never matches here.
pub async fn authenticate(
    db: &Db,
    client_id: &str,
    secret: &str,
) -> Result<Option<(OrgId, Client)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct WithSecret {
        org_id: i64,
        secret_hash: Option<String>,
        #[sqlx(flatten)]
        client: Client,
    }
    let row: Option<WithSecret> = sqlx::query_as(&format!(
        "SELECT org_id, secret_hash, {} FROM oauth_clients WHERE client_id = $1",
        Client::COLUMNS
    ))
    .bind(client_id)
    .fetch_optional(db.reader())
    .await?;
    let offered = security::sha256_hex(secret);
    let Some(WithSecret { org_id, secret_hash: Some(stored), client }) = row else {
        return Ok(None);
    };
    if !security::constant_time_eq(offered.as_bytes(), stored.as_bytes()) {
        return Ok(None);
    }
    Ok(Some((OrgId(org_id), client)))
}

/// A client by its public id, with its org.
pub async fn by_client_id(
    db: &Db,
    client_id: &str,
) -> Result<Option<(OrgId, Client)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct WithOrg {
        org_id: i64,
        #[sqlx(flatten)]
        client: Client,
    }
    let row: Option<WithOrg> = sqlx::query_as(&format!(
        "SELECT org_id, {} FROM oauth_clients WHERE client_id = $1",
        Client::COLUMNS
    ))
    .bind(client_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.map(|r| (OrgId(r.org_id), r.client)))
}

/// The owner's approval of a Pilot client: recorded, and the client goes live.
pub async fn attest(
    conn: &mut AnyConnection,
    org: OrgId,
    id: i64,
    owner: StaffId,
) -> Result<(), sqlx::Error> {
    let now = Timestamp::now().to_db();
    sqlx::query(
        "UPDATE oauth_clients SET attested_by = $1, attested_at = $2, revoked = 0, updated_at = $2 \
         WHERE org_id = $3 AND id = $4",
    )
    .bind(owner.0)
    .bind(now)
    .bind(org.0)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A Pilot client's registration changed without the owner: it must be attested again.
pub async fn withdraw_attestation(
    conn: &mut AnyConnection,
    org: OrgId,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE oauth_clients SET attested_by = NULL, attested_at = NULL, revoked = 1, updated_at = $1 \
         WHERE org_id = $2 AND id = $3",
    )
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    super::tokens::revoke_all_of_client(conn, id).await
}

pub async fn set_registration(
    conn: &mut AnyConnection,
    org: OrgId,
    id: i64,
    redirect_uris: &[String],
    privacy_policy_url: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE oauth_clients SET redirect_uris = $1, privacy_policy_url = $2, updated_at = $3 \
         WHERE org_id = $4 AND id = $5",
    )
    .bind(redirect_uris.join("\n"))
    .bind(privacy_policy_url)
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
