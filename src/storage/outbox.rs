//! The event outbox. Events are written in the transaction of the change that
//! caused them, so a rolled-back change emits nothing and a crash loses none.

use serde_json::{json, Value};
use sqlx::AnyConnection;

use crate::domain::{OrgId, Timestamp};

/// Writes an event of `event_type` with `data`; returns its UUID.
pub async fn emit(
    conn: &mut AnyConnection,
    org: OrgId,
    event_type: &str,
    data: Value,
) -> Result<uuid::Uuid, sqlx::Error> {
    let id = uuid::Uuid::new_v4();
    let now = Timestamp::now();
    let payload =
        json!({ "id": id, "type": event_type, "created_at": now.to_rfc3339(), "data": data });
    sqlx::query(
        "INSERT INTO events (org_id, uuid, event_type, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org.0)
    .bind(id.to_string())
    .bind(event_type)
    .bind(payload.to_string())
    .bind(now.to_db())
    .execute(conn)
    .await?;
    Ok(id)
}
