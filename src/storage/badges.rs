//! Badges awarded to pilots.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, Resource};
use crate::domain::{BadgeId, OrgId, PilotId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Badge {
    pub id: BadgeId,
    pub name: String,
    pub description: String,
    pub image_url: Option<String>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Badge);

impl Resource for Badge {
    const TABLE: Table = Table::Badges;
    const COLUMNS: &'static str = "id, name, description, image_url, created_at";
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    name: &str,
    description: &str,
) -> Result<BadgeId, sqlx::Error> {
    use super::resource::{insert, Value};
    let row = [
        ("name", Value::text(name)),
        ("description", Value::text(description)),
        ("created_at", Value::now()),
    ];
    insert(conn, org, Table::Badges, &row).await.map(BadgeId)
}

pub async fn award(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: PilotId,
    badge: BadgeId,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pilot_badges (org_id, pilot_id, badge_id, awarded_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(org.0)
    .bind(pilot.0)
    .bind(badge.0)
    .bind(Timestamp::now().to_db())
    .execute(conn)
    .await?;
    Ok(())
}
