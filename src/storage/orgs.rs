//! Organisations.

use sqlx::AnyConnection;

use crate::domain::org::{Org, OrgKind, Plan};
use crate::domain::{OrgId, Timestamp};

use super::Db;

const COLUMNS: &str = "id, uuid, slug, name, kind, plan, created_at";

pub struct NewOrg<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub kind: OrgKind,
    pub plan: Plan,
}

pub async fn create(conn: &mut AnyConnection, new: &NewOrg<'_>) -> Result<Org, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO orgs (uuid, slug, name, kind, plan, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    ))
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(new.slug)
    .bind(new.name)
    .bind(new.kind.as_str())
    .bind(new.plan.as_str())
    .bind(Timestamp::now().to_db())
    .fetch_one(conn)
    .await
}

pub async fn set_plan(
    conn: &mut AnyConnection,
    org: OrgId,
    plan: crate::domain::org::Plan,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orgs SET plan = $1 WHERE id = $2")
        .bind(plan.as_str())
        .bind(org.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Org>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM orgs WHERE slug = $1"))
        .bind(slug)
        .fetch_optional(db.reader())
        .await
}

pub async fn by_uuid(db: &Db, uuid: uuid::Uuid) -> Result<Option<Org>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM orgs WHERE uuid = $1"))
        .bind(uuid.to_string())
        .fetch_optional(db.reader())
        .await
}

pub async fn by_id(db: &Db, id: OrgId) -> Result<Option<Org>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM orgs WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(db.reader())
        .await
}

/// An org's auto-accept rule for ACARS PIREPs, as staff set it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoAcceptRule {
    pub enabled: bool,
    /// Pilots of this rank or above qualify; none: every rank.
    pub min_rank_id: Option<i64>,
    /// The hardest landing accepted, ft/min; none: any.
    pub max_landing_rate: Option<f64>,
}

pub async fn auto_accept_rule(db: &Db, org: OrgId) -> Result<AutoAcceptRule, sqlx::Error> {
    let (enabled, min_rank_id, max_landing_rate): (i64, Option<i64>, Option<f64>) = sqlx::query_as(
        "SELECT auto_accept_enabled, auto_accept_min_rank_id, auto_accept_max_landing_rate \
             FROM orgs WHERE id = $1",
    )
    .bind(org.0)
    .fetch_one(db.reader())
    .await?;
    Ok(AutoAcceptRule { enabled: enabled != 0, min_rank_id, max_landing_rate })
}

pub async fn set_auto_accept_rule(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    rule: &AutoAcceptRule,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE orgs SET auto_accept_enabled = $1, auto_accept_min_rank_id = $2, \
         auto_accept_max_landing_rate = $3 WHERE id = $4",
    )
    .bind(i64::from(rule.enabled))
    .bind(rule.min_rank_id)
    .bind(super::NullableFloat(rule.max_landing_rate))
    .bind(org.0)
    .execute(conn)
    .await?;
    Ok(())
}
