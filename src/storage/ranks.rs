//! Ranks, ordered, each reached at a number of hours.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, Resource};
use crate::domain::{OrgId, RankId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Rank {
    pub id: RankId,
    pub name: String,
    pub min_hours: f64,
    pub sort_order: i64,
    pub image_url: Option<String>,
    #[sqlx(try_from = "i64")]
    pub honorary: super::Flag,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Rank);

impl Resource for Rank {
    const TABLE: Table = Table::Ranks;
    const COLUMNS: &'static str =
        "id, name, min_hours, sort_order, image_url, honorary, created_at";
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    name: &str,
    min_hours: f64,
    sort_order: i64,
    image_url: Option<&str>,
) -> Result<RankId, sqlx::Error> {
    use super::resource::{insert, Value};
    let row = [
        ("name", Value::text(name)),
        ("min_hours", Value::Float(min_hours)),
        ("sort_order", Value::Int(sort_order)),
        ("image_url", Value::opt_text(image_url)),
        ("created_at", Value::now()),
    ];
    insert(conn, org, Table::Ranks, &row).await.map(RankId)
}

/// Puts the org's ranks in this order (1 for the first).
pub async fn reorder(conn: &mut AnyConnection, org: OrgId, ids: &[i64]) -> Result<(), sqlx::Error> {
    for (position, id) in ids.iter().enumerate() {
        sqlx::query("UPDATE ranks SET sort_order = $1 WHERE org_id = $2 AND id = $3")
            .bind(position as i64 + 1)
            .bind(org.0)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
