//! The request log and per-credential daily usage. Rows arrive in batches
//! from the request-log writer (`http::request_log`), never per request.

use super::Table;
use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Db, Sql};
use crate::domain::usage::{Credential, CredentialKind, Windows};
use crate::domain::{OrgId, Timestamp};

/// The table a credential of `kind` is stored in.
pub fn credential_table(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::OperationsClient | CredentialKind::PilotClient => "oauth_clients",
        CredentialKind::LegacyToken => "api_tokens",
        CredentialKind::OrgKey => "org_keys",
        CredentialKind::PilotApiKey => "pilot_api_keys",
    }
}

/// The names of an org's credentials of `kind` by id (a pilot's ACARS key
/// goes by the pilot's id), for the usage report and the request log page.
pub async fn credential_names(
    db: &super::Db,
    org: OrgId,
    kind: CredentialKind,
) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(match kind {
        CredentialKind::OperationsClient => {
            "SELECT id, name FROM oauth_clients WHERE org_id = $1 AND kind = 'operations'"
        }
        CredentialKind::PilotClient => {
            "SELECT id, name FROM oauth_clients WHERE org_id = $1 AND kind = 'pilot'"
        }
        CredentialKind::LegacyToken => "SELECT id, name FROM api_tokens WHERE org_id = $1",
        CredentialKind::OrgKey => "SELECT id, name FROM org_keys WHERE org_id = $1",
        CredentialKind::PilotApiKey => {
            "SELECT k.id, p.ident FROM pilot_api_keys k JOIN pilots p ON p.id = k.pilot_id \
             WHERE k.org_id = $1"
        }
    })
    .bind(org.0)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().collect())
}

/// One API request as logged.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub at: Timestamp,
    pub org: Option<OrgId>,
    pub credential: Option<Credential>,
    pub method: String,
    pub route: Option<String>,
    /// The path with the query string, secrets blanked.
    pub path: String,
    pub status: u16,
    pub duration_us: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: String,
}

use super::sql::ROWS_PER_STATEMENT;

/// Writes `entries` and adds them to the daily counts, in one transaction.
pub async fn write_batch(db: &Db, entries: &[LogEntry]) -> Result<(), sqlx::Error> {
    let mut daily: HashMap<(i64, CredentialKind, i64, NaiveDate), i64> = HashMap::new();
    for entry in entries {
        if let (Some(org), Some(c)) = (entry.org, entry.credential) {
            *daily.entry((org.0, c.kind, c.id, entry.at.0.date_naive())).or_default() += 1;
        }
    }
    let mut tx = db.begin().await?;
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            "INSERT INTO request_log (org_id, at, credential_kind, credential_id, pilot_id, \
             method, route, path, status, duration_us, ip, user_agent, request_id) VALUES ",
        );
        for (i, e) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(e.org.map(|o| o.0)).push(", ");
            sql.bind(e.at.to_db()).push(", ");
            sql.bind(e.credential.map(|c| c.kind.as_str())).push(", ");
            sql.bind(e.credential.map(|c| c.id)).push(", ");
            sql.bind(e.credential.and_then(|c| c.pilot)).push(", ");
            sql.bind(e.method.clone()).push(", ");
            sql.bind(e.route.clone()).push(", ");
            sql.bind(e.path.clone()).push(", ");
            sql.bind(i64::from(e.status)).push(", ");
            sql.bind(e.duration_us).push(", ");
            sql.bind(e.ip.clone()).push(", ");
            sql.bind(e.user_agent.clone()).push(", ");
            sql.bind(e.request_id.clone()).push(")");
        }
        sql.execute(&mut *tx).await?;
    }
    for ((org, kind, id, day), requests) in daily {
        sqlx::query(
            "INSERT INTO usage_daily (org_id, credential_kind, credential_id, day, requests) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (credential_kind, credential_id, day) \
             DO UPDATE SET requests = usage_daily.requests + excluded.requests",
        )
        .bind(org)
        .bind(kind.as_str())
        .bind(id)
        .bind(day.to_string())
        .bind(requests)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Requests made with one credential, per window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Usage {
    pub today: i64,
    /// This ISO week, from Monday (UTC).
    pub this_week: i64,
    pub this_month: i64,
    pub last_month: i64,
    pub all_time: i64,
}

/// Usage of every credential of `kind` in `org` that has any, by credential id.
pub async fn usage(
    db: &Db,
    org: OrgId,
    kind: CredentialKind,
    today: NaiveDate,
) -> Result<HashMap<i64, Usage>, sqlx::Error> {
    let w = Windows::for_day(today);
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT credential_id, \
         CAST(SUM(CASE WHEN day = $3 THEN requests ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN day >= $4 AND day <= $3 THEN requests ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN day >= $5 AND day <= $3 THEN requests ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN day >= $6 AND day < $5 THEN requests ELSE 0 END) AS BIGINT), \
         CAST(SUM(requests) AS BIGINT) \
         FROM usage_daily WHERE org_id = $1 AND credential_kind = $2 GROUP BY credential_id",
    )
    .bind(org.0)
    .bind(kind.as_str())
    .bind(w.today.to_string())
    .bind(w.week.to_string())
    .bind(w.month.to_string())
    .bind(w.last_month.to_string())
    .fetch_all(db.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, today, this_week, this_month, last_month, all_time)| {
            (id, Usage { today, this_week, this_month, last_month, all_time })
        })
        .collect())
}

/// Deletes log entries older than `before`; daily counts stay. Returns how many.
pub async fn prune(db: &Db, before: Timestamp) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM request_log WHERE at < $1")
        .bind(before.to_db())
        .execute(db.writer())
        .await?;
    Ok(done.rows_affected())
}

/// A request-log entry as staff read it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LogRow {
    pub id: i64,
    pub at: String,
    /// `operations_client`, `pilot_client`, `legacy_token`, `org_key`, or null.
    pub credential_kind: Option<String>,
    pub credential_id: Option<i64>,
    pub pilot_id: Option<i64>,
    pub method: String,
    pub route: Option<String>,
    pub path: String,
    pub status: i64,
    pub duration_us: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: String,
}

impl super::page::Keyed for LogRow {
    fn key(&self) -> i64 {
        self.id
    }
}

impl super::resource::Resource for LogRow {
    const TABLE: Table = Table::RequestLog;
    const COLUMNS: &'static str =
        "id, at, credential_kind, credential_id, pilot_id, method, route, \
        path, status, duration_us, ip, user_agent, request_id";
    const ORDER: super::page::Order = super::page::Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, super::resource::FilterKind)] = &[
        ("client", "credential_id", super::resource::FilterKind::Int),
        ("kind", "credential_kind", super::resource::FilterKind::Text),
        ("method", "method", super::resource::FilterKind::Text),
    ];
}

/// A credential's requests per UTC day from `since` on, oldest first (days
/// without requests are absent).
pub async fn per_day(
    db: &Db,
    org: OrgId,
    kind: CredentialKind,
    id: i64,
    since: NaiveDate,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT day, requests FROM usage_daily WHERE org_id = $1 AND credential_kind = $2 \
         AND credential_id = $3 AND day >= $4 ORDER BY day",
    )
    .bind(org.0)
    .bind(kind.as_str())
    .bind(id)
    .bind(since.format("%Y-%m-%d").to_string())
    .fetch_all(db.reader())
    .await
}
