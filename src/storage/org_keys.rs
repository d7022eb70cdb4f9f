//! Org API keys (`gaf_pk_…`) for the Public API: shown once, stored as
//! SHA-256 with a short prefix to tell them apart, each with its scopes.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::clients::StoredScopes;
use super::page::Order;
use super::resource::Resource;
use super::Db;
use crate::domain::scope::Scopes;
use crate::domain::{OrgId, Timestamp};
use crate::security::{self, Secret};

pub const PREFIX: &str = "gaf_pk_";

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgKey {
    pub id: i64,
    pub name: String,
    /// The key's first characters only.
    pub prefix: String,
    #[sqlx(try_from = "String")]
    pub scopes: StoredScopes,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl super::page::Keyed for OrgKey {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Resource for OrgKey {
    const TABLE: Table = Table::OrgKeys;
    const COLUMNS: &'static str = "id, name, prefix, scopes, created_at, last_used_at, revoked_at";
    const ORDER: Order = Order::NewestFirst;
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    name: &str,
    scopes: &Scopes,
) -> Result<(i64, Secret), sqlx::Error> {
    let key = security::new_token(PREFIX);
    let prefix: String = key.expose().chars().take(PREFIX.len() + 4).collect();
    let id = sqlx::query_scalar(
        "INSERT INTO org_keys (org_id, name, key_hash, prefix, scopes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org.0)
    .bind(name)
    .bind(security::sha256_hex(key.expose()))
    .bind(prefix)
    .bind(scopes.to_text())
    .bind(Timestamp::now().to_db())
    .fetch_one(conn)
    .await?;
    Ok((id, key))
}

/// A key as presented: its org, id and scopes, and whether it was revoked.
pub struct FoundKey {
    pub org: OrgId,
    pub id: i64,
    pub scopes: Scopes,
    pub revoked: bool,
    /// The org is on the trial plan, which has no API access.
    pub trial: bool,
}

pub async fn find(db: &Db, key: &str) -> Result<Option<FoundKey>, sqlx::Error> {
    if !key.starts_with(PREFIX) {
        return Ok(None);
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        org_id: i64,
        id: i64,
        scopes: String,
        revoked_at: Option<String>,
        last_used_at: Option<String>,
        plan: String,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT k.org_id, k.id, k.scopes, k.revoked_at, k.last_used_at, o.plan FROM org_keys k \
         JOIN orgs o ON o.id = k.org_id WHERE k.key_hash = $1",
    )
    .bind(security::sha256_hex(key))
    .fetch_optional(db.reader())
    .await?;
    let Some(Row { org_id: org, id, scopes, revoked_at: revoked, last_used_at: last_used, plan }) =
        row
    else {
        return Ok(None);
    };
    if revoked.is_none() {
        super::touch(db, super::Table::OrgKeys, id, last_used.as_deref()).await?;
    }
    Ok(Some(FoundKey {
        org: OrgId(org),
        id,
        scopes: StoredScopes::from(scopes).0,
        revoked: revoked.is_some(),
        trial: plan == crate::domain::org::Plan::Trial.as_str(),
    }))
}

pub async fn revoke(conn: &mut AnyConnection, org: OrgId, id: i64) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE org_keys SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}
