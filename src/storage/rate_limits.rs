//! Rate limits: the limits set per org and per credential, and the shared
//! GCRA buckets (their theoretical arrival times) that several nodes use.

use super::Db;
use crate::domain::usage::CredentialKind;
use crate::domain::OrgId;

/// A shared bucket's TAT, if it has one.
pub async fn bucket_tat(db: &Db, bucket: &str) -> Result<Option<f64>, sqlx::Error> {
    sqlx::query_scalar("SELECT tat FROM rate_limit_buckets WHERE bucket = $1")
        .bind(bucket)
        .fetch_optional(db.reader())
        .await
}

/// Adds requests one node took (`seconds` of the bucket) to shared buckets,
/// in one transaction: each bucket's new TAT, which counts every node's.
pub async fn add(db: &Db, now: f64, taken: &[(String, f64)]) -> Result<Vec<f64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let mut tats = Vec::with_capacity(taken.len());
    for (bucket, seconds) in taken {
        let tat: f64 = sqlx::query_scalar(
            "INSERT INTO rate_limit_buckets (bucket, tat) VALUES ($1, $2 + $3) \
             ON CONFLICT (bucket) DO UPDATE SET tat = (CASE WHEN rate_limit_buckets.tat > $2 \
             THEN rate_limit_buckets.tat ELSE $2 END) + $3 RETURNING tat",
        )
        .bind(bucket)
        .bind(now)
        .bind(seconds)
        .fetch_one(&mut *tx)
        .await?;
        tats.push(tat);
    }
    tx.commit().await?;
    Ok(tats)
}

/// The limits set for a credential and for its org, per minute.
pub async fn configured(
    db: &Db,
    kind: CredentialKind,
    id: i64,
) -> Result<Option<(Option<i64>, Option<i64>)>, sqlx::Error> {
    let table = super::usage::credential_table(kind);
    sqlx::query_as(&format!(
        "SELECT c.rate_limit_per_minute, o.rate_limit_per_minute FROM {table} c \
         JOIN orgs o ON o.id = c.org_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.reader())
    .await
}

/// Sets (or with none, clears) the limit of an org, or of one of its
/// credentials; false when the org has no such credential.
pub async fn set(
    db: &Db,
    org: OrgId,
    credential: Option<(CredentialKind, i64)>,
    per_minute: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let (table, owner, id) = match credential {
        None => ("orgs", "id", org.0),
        Some((kind, id)) => (super::usage::credential_table(kind), "org_id", id),
    };
    let done = sqlx::query(&format!(
        "UPDATE {table} SET rate_limit_per_minute = $1 WHERE id = $2 AND {owner} = $3"
    ))
    .bind(per_minute)
    .bind(id)
    .bind(org.0)
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}
