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
