//! Webhook endpoints, deliveries and attempts, and the dispatcher's steps:
//! fan events out to deliveries, claim due deliveries, record what happened.
//! Each step is one short transaction, so a crash between steps loses nothing:
//! an unclaimed delivery is claimed again once its lease runs out.

use super::Table;
use std::collections::HashMap;

use chrono::Duration;
use serde::Serialize;
use serde_json::Value;

use super::clients::Lines;
use super::{Backend, Db, Flag, Sql, Tx};
use crate::domain::webhook::{new_secret, retry_delay, MAX_RETRIES};
use crate::domain::{OrgId, Timestamp};

/// An endpoint as staff see it; the secret is never part of it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub event_types: Lines,
    #[sqlx(try_from = "i64")]
    pub enabled: Flag,
    /// Failed attempts since the last success.
    pub failure_streak: i64,
    pub last_success_at: Option<String>,
    /// Why the server disabled it (a 410 Gone), if it did.
    pub disabled_reason: Option<String>,
    /// Until when the previous secret still signs, after a rotation.
    pub previous_secret_expires_at: Option<String>,
    pub created_at: String,
}

#[derive(sqlx::FromRow)]
struct EndpointText {
    id: i64,
    url: String,
    description: String,
    event_types: String,
    enabled: i64,
    failure_streak: i64,
    last_success_at: Option<String>,
    disabled_reason: Option<String>,
    previous_secret_expires_at: Option<String>,
    created_at: String,
}

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for Endpoint {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        let e = EndpointText::from_row(row)?;
        Ok(Endpoint {
            id: e.id,
            url: e.url,
            description: e.description,
            event_types: Lines::from(e.event_types),
            enabled: Flag::from(e.enabled),
            failure_streak: e.failure_streak,
            last_success_at: e.last_success_at,
            disabled_reason: e.disabled_reason,
            previous_secret_expires_at: e.previous_secret_expires_at,
            created_at: e.created_at,
        })
    }
}

impl super::resource::Resource for Endpoint {
    const TABLE: Table = Table::WebhookEndpoints;
    const COLUMNS: &'static str = "id, url, description, event_types, enabled, failure_streak, \
        last_success_at, disabled_reason, previous_secret_expires_at, created_at";
}

/// A delivery of one event to one endpoint.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Delivery {
    pub id: i64,
    /// The same on every attempt (`X-GA-Webhook-Delivery`, `webhook-id`).
    pub uuid: String,
    pub endpoint_id: i64,
    pub event_type: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// Attempts in the current round (a redelivery starts a new round).
    pub attempts: i64,
    pub next_attempt_at: String,
    pub created_at: String,
    pub completed_at: Option<String>,
}

impl super::resource::Resource for Delivery {
    const TABLE: Table = Table::WebhookDeliveries;
    const COLUMNS: &'static str =
        "id, uuid, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, completed_at";
    const ORDER: super::page::Order = super::page::Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, super::resource::FilterKind)] = &[
        ("endpoint", "endpoint_id", super::resource::FilterKind::Int),
        ("status", "status", super::resource::FilterKind::Text),
    ];
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attempt {
    pub id: i64,
    pub attempt: i64,
    pub attempted_at: String,
    pub status_code: Option<i64>,
    pub duration_ms: i64,
    /// The first characters of the response body.
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

super::resource::keyed_by_id!(Endpoint, Delivery, Attempt);

/// Creates an endpoint; returns its id and signing secret (shown once).
pub async fn create(
    tx: &mut Tx,
    org: OrgId,
    url: &str,
    description: &str,
    event_types: &[String],
    enabled: bool,
) -> Result<(i64, String), sqlx::Error> {
    let secret = new_secret();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (org_id, url, description, event_types, enabled, secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(org.0)
    .bind(url)
    .bind(description)
    .bind(event_types.join("\n"))
    .bind(i64::from(enabled))
    .bind(&secret)
    .bind(Timestamp::now().to_db())
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, secret))
}

/// A new secret; the old one keeps signing beside it for 24 hours.
pub async fn rotate_secret(
    tx: &mut Tx,
    org: OrgId,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let secret = new_secret();
    let until = Timestamp(chrono::Utc::now() + Duration::hours(24)).to_db();
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $1, \
         secret = $2 WHERE org_id = $3 AND id = $4",
    )
    .bind(until)
    .bind(&secret)
    .bind(org.0)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok((done.rows_affected() == 1).then_some(secret))
}

/// Writes a `webhook.test` event and its delivery to `endpoint` alone.
pub async fn ping(tx: &mut Tx, org: OrgId, endpoint: i64) -> Result<uuid::Uuid, sqlx::Error> {
    let data = serde_json::json!({ "endpoint_id": endpoint, "message": "Ping from Airside" });
    let event = super::outbox::emit(tx, org, "webhook.test", data).await?;
    let now = Timestamp::now().to_db();
    // Its one delivery is made here, so the fan-out must not take it.
    let event_id: i64 =
        sqlx::query_scalar("UPDATE events SET dispatched_at = $1 WHERE uuid = $2 RETURNING id")
            .bind(&now)
            .bind(event.to_string())
            .fetch_one(&mut **tx)
            .await?;
    insert_delivery(tx, org, endpoint, event_id, "webhook.test", &now).await?;
    Ok(event)
}

async fn insert_delivery(
    tx: &mut Tx,
    org: OrgId,
    endpoint: i64,
    event: i64,
    event_type: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (org_id, uuid, endpoint_id, event_id, event_type, status, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)",
    )
    .bind(org.0)
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(endpoint)
    .bind(event)
    .bind(event_type)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Starts a new round of attempts for a delivery that is not pending.
pub async fn redeliver(tx: &mut Tx, org: OrgId, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, \
         claimed_until = NULL, completed_at = NULL WHERE org_id = $2 AND id = $3 AND status <> 'pending'",
    )
    .bind(Timestamp::now().to_db())
    .bind(org.0)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn attempts(db: &Db, org: OrgId, delivery: i64) -> Result<Vec<Attempt>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, attempt, attempted_at, status_code, duration_ms, response_excerpt, error \
         FROM webhook_attempts WHERE org_id = $1 AND delivery_id = $2 ORDER BY id",
    )
    .bind(org.0)
    .bind(delivery)
    .fetch_all(db.reader())
    .await
}

/// PostgreSQL: rows another dispatcher holds are skipped, not waited for.
/// SQLite has one writer, so its transactions never overlap anyway.
fn skip_locked(db: &Db) -> &'static str {
    match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    }
}

/// The dispatcher's own bookkeeping may skip waiting for the disk on
/// PostgreSQL: if a crash loses such a commit, the event is fanned out or the
/// delivery is sent again, which at-least-once allows. (SQLite in WAL mode with
/// `synchronous = NORMAL` already behaves so.)
async fn relaxed(db: &Db, tx: &mut Tx) -> Result<(), sqlx::Error> {
    if db.backend() == Backend::Postgres {
        sqlx::query("SET LOCAL synchronous_commit TO OFF").execute(&mut **tx).await?;
    }
    Ok(())
}

/// Turns up to `limit` undispatched events into one delivery per enabled
/// endpoint subscribed to the event's type. Returns how many events it took.
pub async fn fan_out(db: &Db, limit: i64) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin().await?;
    let events: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT id, org_id, event_type FROM events WHERE dispatched_at IS NULL ORDER BY id LIMIT $1{}",
        skip_locked(db)
    ))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    if events.is_empty() {
        return Ok(0);
    }
    relaxed(db, &mut tx).await?;
    let now = Timestamp::now().to_db();
    let mut subscribers: HashMap<i64, Vec<(i64, Lines)>> = HashMap::new();
    for (event, org, event_type) in &events {
        if !subscribers.contains_key(org) {
            let endpoints: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, event_types FROM webhook_endpoints WHERE org_id = $1 AND enabled = 1",
            )
            .bind(org)
            .fetch_all(&mut *tx)
            .await?;
            let endpoints = endpoints.into_iter().map(|(id, types)| (id, Lines::from(types)));
            subscribers.insert(*org, endpoints.collect());
        }
        for (endpoint, types) in &subscribers[org] {
            if types.0.iter().any(|t| t == event_type) {
                insert_delivery(&mut tx, OrgId(*org), *endpoint, *event, event_type, &now).await?;
            }
        }
    }
    let ids: Vec<i64> = events.iter().map(|(id, _, _)| *id).collect();
    let mut dispatched = Sql::new("UPDATE events SET dispatched_at = ");
    dispatched.bind(now).push(" WHERE id IN (");
    push_ids(&mut dispatched, &ids);
    dispatched.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(events.len())
}

/// A delivery claimed for one attempt, with what sending it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub org_id: i64,
    pub uuid: String,
    pub endpoint_id: i64,
    pub attempts: i64,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<String>,
    pub payload: String,
    pub org_uuid: String,
}

impl Claimed {
    /// The request body: the same bytes on every attempt.
    pub fn body(&self) -> Vec<u8> {
        let mut body: Value = serde_json::from_str(&self.payload).unwrap_or_default();
        body["org_id"] = Value::String(self.org_uuid.clone());
        serde_json::to_vec(&body).unwrap_or_default()
    }

    /// The secrets that sign this attempt: the current one, and the previous
    /// one while its grace period lasts.
    pub fn secrets(&self, now: Timestamp) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        let until =
            self.previous_secret_expires_at.clone().and_then(|t| Timestamp::try_from(t).ok());
        if let (Some(previous), Some(until)) = (&self.previous_secret, until) {
            if now < until {
                secrets.push(previous);
            }
        }
        secrets
    }
}

/// Claims up to `limit` due deliveries of enabled endpoints for `lease`: no
/// other dispatcher takes them until it runs out.
pub async fn claim(db: &Db, limit: i64, lease: Duration) -> Result<Vec<Claimed>, sqlx::Error> {
    let now = Timestamp::now();
    let mut tx = db.begin().await?;
    // Disabled endpoints are few: excluding them keeps this a walk along
    // the index of pending deliveries by time that stops at `limit`.
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until < $1) \
         AND endpoint_id NOT IN (SELECT id FROM webhook_endpoints WHERE enabled = 0) \
         ORDER BY next_attempt_at LIMIT $2{}",
        skip_locked(db)
    ))
    .bind(now.to_db())
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    relaxed(db, &mut tx).await?;
    let until = Timestamp(now.0 + lease).to_db();
    let mut update = Sql::new("UPDATE webhook_deliveries SET claimed_until = ");
    update.bind(until).push(" WHERE id IN (");
    push_ids(&mut update, &ids);
    update.execute(&mut *tx).await?;
    let mut select = Sql::new(
        "SELECT d.id, d.org_id, d.uuid, d.endpoint_id, d.attempts, e.url, e.secret, \
         e.previous_secret, e.previous_secret_expires_at, ev.payload, o.uuid AS org_uuid \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         JOIN events ev ON ev.id = d.event_id JOIN orgs o ON o.id = d.org_id WHERE d.id IN (",
    );
    push_ids(&mut select, &ids);
    let claimed = select.fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(claimed)
}

fn push_ids(sql: &mut Sql<'_>, ids: &[i64]) {
    for (i, id) in ids.iter().enumerate() {
        sql.push(if i == 0 { "" } else { ", " }).bind(*id);
    }
    sql.push(")");
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub at: Timestamp,
    pub status_code: Option<u16>,
    pub duration_ms: i64,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// An attempt to record: the delivery claimed, what came of it, and the
/// backoff's jitter in [-1, 1].
#[derive(Debug, Clone)]
pub struct Attempted {
    pub claimed: Claimed,
    pub outcome: Outcome,
    pub jitter: f64,
}

/// Records attempts (at most one per delivery) in one transaction and
/// schedules what follows each: done, a retry after the backoff, or failed.
/// A 410 disables the endpoint. Commits relaxed on PostgreSQL, as claims
/// do: an outcome lost in a crash leaves its delivery claimed, and it is
/// sent again when the lease runs out (at least once, as always).
pub async fn record(db: &Db, attempts: &[Attempted]) -> Result<(), sqlx::Error> {
    if attempts.is_empty() {
        return Ok(());
    }
    let now = Timestamp::now();
    let mut tx = db.begin().await?;
    relaxed(db, &mut tx).await?;
    for chunk in attempts.chunks(super::sql::ROWS_PER_STATEMENT) {
        let mut log = Sql::new(
            "INSERT INTO webhook_attempts (org_id, delivery_id, attempt, attempted_at, \
             status_code, duration_ms, response_excerpt, error) VALUES ",
        );
        let mut schedule = Sql::new(
            "UPDATE webhook_deliveries SET status = v.column2, attempts = v.column3, \
             next_attempt_at = v.column4, claimed_until = NULL, completed_at = v.column5 \
             FROM (VALUES ",
        );
        for (n, Attempted { claimed, outcome, jitter }) in chunk.iter().enumerate() {
            let open = if n == 0 { "(" } else { ", (" };
            log.push(open).bind(claimed.org_id).push(", ").bind(claimed.id);
            // Numbered after those logged (a redelivery restarts `attempts`).
            log.push(", (SELECT COUNT(*) + 1 FROM webhook_attempts WHERE delivery_id = ");
            log.bind(claimed.id).push("), ").bind(outcome.at.to_db()).push(", ");
            log.bind(outcome.status_code.map(i64::from)).push(", ").bind(outcome.duration_ms);
            log.push(", ").bind(outcome.response_excerpt.clone()).push(", ");
            log.bind(outcome.error.clone()).push(")");

            let attempts = claimed.attempts + 1;
            let gone = outcome.status_code == Some(410);
            let (status, next) = if outcome.succeeded() {
                ("succeeded", now)
            } else if gone || attempts > MAX_RETRIES {
                ("failed", now)
            } else {
                let wait = Duration::from_std(retry_delay(attempts, *jitter)).unwrap_or_default();
                ("pending", Timestamp(now.0 + wait))
            };
            let completed = (status != "pending").then(|| now.to_db());
            schedule.push(open).bind(claimed.id).push(", ").bind(status).push(", ");
            schedule.bind(attempts).push(", ").bind(next.to_db()).push(", ").bind(completed);
            schedule.push(")");
        }
        log.execute(&mut *tx).await?;
        schedule.push(") AS v WHERE webhook_deliveries.id = v.column1");
        schedule.execute(&mut *tx).await?;
    }
    // Each endpoint once: its streak after these attempts, in order.
    #[derive(Default)]
    struct Streak {
        succeeded: bool,
        failures: i64,
        gone: bool,
    }
    let mut endpoints: std::collections::BTreeMap<i64, Streak> = Default::default();
    for Attempted { claimed, outcome, .. } in attempts {
        let streak = endpoints.entry(claimed.endpoint_id).or_default();
        if outcome.succeeded() {
            (streak.succeeded, streak.failures) = (true, 0);
        } else {
            streak.failures += 1;
        }
        streak.gone |= outcome.status_code == Some(410);
    }
    for (endpoint, streak) in endpoints {
        let update = if streak.succeeded {
            sqlx::query(
                "UPDATE webhook_endpoints SET failure_streak = $1, last_success_at = $2 \
                 WHERE id = $3",
            )
            .bind(streak.failures)
            .bind(now.to_db())
        } else {
            sqlx::query(
                "UPDATE webhook_endpoints SET failure_streak = failure_streak + $1 WHERE id = $2",
            )
            .bind(streak.failures)
        };
        update.bind(endpoint).execute(&mut *tx).await?;
        if streak.gone {
            sqlx::query(
                "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $1 WHERE id = $2",
            )
            .bind("the receiver answered 410 Gone")
            .bind(endpoint)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}
