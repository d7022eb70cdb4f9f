//! NOTAMs: notices the airline wants its pilots to read, and who read them.

use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed_by_id, FilterKind, Resource};
use super::Table;
use crate::domain::{OrgId, PilotId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Notam {
    pub id: i64,
    pub title: String,
    pub content: String,
    /// info, warning, critical or operational.
    #[serde(rename = "type")]
    pub notam_type: String,
    /// low, medium or high.
    pub priority: String,
    /// Pilots are asked to acknowledge it.
    #[sqlx(try_from = "i64")]
    pub must_read: super::Flag,
    pub tag: Option<String>,
    pub url: Option<String>,
    /// How many pilots have read it.
    pub read_count: i64,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed_by_id!(Notam);

impl Resource for Notam {
    const TABLE: Table = Table::Notams;
    const COLUMNS: &'static str = "id, title, content, notam_type, priority, must_read, tag, url, \
         (SELECT COUNT(*) FROM notam_reads r WHERE r.notam_id = notams.id) AS read_count, \
         created_at";
    const ORDER: super::page::Order = super::page::Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("type", "notam_type", FilterKind::Text),
        ("priority", "priority", FilterKind::Text),
        ("tag", "tag", FilterKind::Text),
        ("must_read", "must_read", FilterKind::Int),
    ];
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("created_at", "created_at"), ("title", "title")];
}

/// Records that the pilot read a NOTAM of their org; reading it again
/// changes nothing. False when the org has no such NOTAM.
pub async fn mark_read(
    conn: &mut AnyConnection,
    org: OrgId,
    notam: i64,
    pilot: PilotId,
) -> Result<bool, sqlx::Error> {
    if !super::resource::exists(&mut *conn, org, Table::Notams, notam).await? {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO notam_reads (org_id, notam_id, pilot_id, read_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (notam_id, pilot_id) DO NOTHING",
    )
    .bind(org.0)
    .bind(notam)
    .bind(pilot.0)
    .bind(Timestamp::now().to_db())
    .execute(conn)
    .await?;
    Ok(true)
}
