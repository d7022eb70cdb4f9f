//! Legacy API tokens (vAMSYS-style): named, shown once, stored as SHA-256,
//! an unrestricted Operations credential. Deleting one ends it at once.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::page::Order;
use super::resource::Resource;
use super::Db;
use crate::domain::{OrgId, Timestamp};
use crate::security::{self, Secret};

/// Legacy tokens carry this prefix, so a bearer token is routed to its store
/// without trying the others.
pub const PREFIX: &str = "tok_";

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
    pub last_used_at: Option<String>,
}

impl super::page::Keyed for ApiToken {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Resource for ApiToken {
    const TABLE: Table = Table::ApiTokens;
    const COLUMNS: &'static str = "id, name, created_at, last_used_at";
    const ORDER: Order = Order::NewestFirst;
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    name: &str,
) -> Result<(i64, Secret), sqlx::Error> {
    let token = security::new_token(PREFIX);
    let id = sqlx::query_scalar(
        "INSERT INTO api_tokens (org_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(org.0)
    .bind(name)
    .bind(security::sha256_hex(token.expose()))
    .bind(Timestamp::now().to_db())
    .fetch_one(conn)
    .await?;
    Ok((id, token))
}

/// The org and id of a live token.
/// The org and id of a legacy token, and whether the org is on the trial plan.
pub async fn find(db: &Db, token: &str) -> Result<Option<(OrgId, i64, bool)>, sqlx::Error> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let row: Option<(i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT t.org_id, t.id, t.last_used_at, o.plan FROM api_tokens t \
         JOIN orgs o ON o.id = t.org_id WHERE t.token_hash = $1",
    )
    .bind(security::sha256_hex(token))
    .fetch_optional(db.reader())
    .await?;
    let Some((org, id, last_used, plan)) = row else { return Ok(None) };
    super::touch(db, super::Table::ApiTokens, id, last_used.as_deref()).await?;
    Ok(Some((OrgId(org), id, plan == crate::domain::org::Plan::Trial.as_str())))
}
