//! Staff users of an organisation.

use sqlx::AnyConnection;

use crate::domain::staff::Permissions;
use crate::domain::{OrgId, StaffId, Timestamp};

use super::{flag, Db};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffUser {
    pub id: StaffId,
    pub org_id: OrgId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    permissions: String,
    is_owner: i64,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}

impl StaffUser {
    pub fn permissions(&self) -> Permissions {
        Permissions::from_db(&self.permissions, self.is_owner == 1)
    }
}

pub struct NewStaff<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub permissions: Permissions,
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewStaff<'_>,
) -> Result<StaffId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO staff_users (org_id, email, name, password_hash, permissions, is_owner, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(org.0)
    .bind(new.email.to_lowercase())
    .bind(new.name)
    .bind(new.password_hash)
    .bind(new.permissions.to_db())
    .bind(flag(new.permissions.is_owner()))
    .bind(Timestamp::now().to_db())
    .fetch_one(conn)
    .await
    .map(StaffId)
}

/// Staff emails are unique across orgs: one login form serves every org.
pub async fn by_email(db: &Db, email: &str) -> Result<Option<StaffUser>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM staff_users WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(db.reader())
        .await
}

pub async fn by_id(db: &Db, id: StaffId) -> Result<Option<StaffUser>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM staff_users WHERE id = $1")
        .bind(id.0)
        .fetch_optional(db.reader())
        .await
}

pub async fn owner(db: &Db, org: OrgId) -> Result<Option<StaffUser>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM staff_users WHERE org_id = $1 AND is_owner = 1")
        .bind(org.0)
        .fetch_optional(db.reader())
        .await
}

/// The ids of an org's staff, oldest first.
pub async fn ids(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM staff_users WHERE org_id = $1 ORDER BY id")
        .bind(org.0)
        .fetch_all(conn)
        .await
}
