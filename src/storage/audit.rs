//! The audit trail: who changed which credential or setting, and when.

use super::Table;
use serde::Serialize;
use serde_json::Value;
use sqlx::AnyConnection;

use super::page::Order;
use super::resource::Resource;
use crate::domain::{OrgId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    #[sqlx(try_from = "String")]
    pub detail: Json,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}

impl super::page::Keyed for AuditEntry {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Resource for AuditEntry {
    const TABLE: Table = Table::AuditLog;
    const COLUMNS: &'static str = "id, actor, action, target_kind, target_id, detail, created_at";
    const ORDER: Order = Order::NewestFirst;
}

/// JSON stored as text.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Json(pub Value);

impl TryFrom<String> for Json {
    type Error = serde_json::Error;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&text).map(Json)
    }
}

/// Records a change. `detail` must never hold a secret.
pub async fn record(
    conn: &mut AnyConnection,
    org: OrgId,
    actor: &str,
    action: &str,
    target_kind: &str,
    target_id: &str,
    detail: Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (org_id, actor, action, target_kind, target_id, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(org.0)
    .bind(actor)
    .bind(action)
    .bind(target_kind)
    .bind(target_id)
    .bind(detail.to_string())
    .bind(Timestamp::now().to_db())
    .execute(conn)
    .await?;
    Ok(())
}
