//! News the org publishes to its pilots.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::page::Order;
use super::resource::{keyed, Resource};
use crate::domain::{AnnouncementId, OrgId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Announcement {
    pub id: AnnouncementId,
    pub title: String,
    pub subtitle: String,
    pub body: String,
    pub link: Option<String>,
    pub image: Option<String>,
    #[sqlx(try_from = "String")]
    pub published_at: Timestamp,
}
keyed!(Announcement);

impl Resource for Announcement {
    const TABLE: Table = Table::Announcements;
    const COLUMNS: &'static str = "id, title, subtitle, body, link, image, published_at";
    const ORDER: Order = Order::NewestFirst;
}

pub struct NewAnnouncement<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub published_at: Timestamp,
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewAnnouncement<'_>,
) -> Result<AnnouncementId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO announcements (org_id, title, subtitle, body, link, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org.0)
    .bind(new.title)
    .bind(new.subtitle)
    .bind(new.body)
    .bind(new.link)
    .bind(new.published_at.to_db())
    .fetch_one(conn)
    .await
    .map(AnnouncementId)
}
