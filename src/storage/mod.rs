//! Storage: one query code path for SQLite and PostgreSQL, through sqlx's Any
//! driver. Queries use `$N` placeholders, which both backends accept.
//!
//! Every function takes the org it works for; no query crosses orgs.

pub mod migrate;
pub mod page;
pub mod resource;
pub mod sql;
mod sqlite_reads;
pub mod tables;

pub mod activities;
pub mod airlines;
pub mod airports;
pub mod announcements;
pub mod api_tokens;
pub mod audit;
pub mod badges;
pub mod bookings;
pub mod clients;
pub mod fleet;
pub mod grants;
pub mod hubs;
pub mod live;
pub mod notams;
pub mod org_keys;
pub mod orgs;
pub mod outbox;
pub mod pilots;
pub mod pireps;
pub mod ranks;
pub mod rate_limits;
pub mod registrations;
pub mod routings;
pub mod schedules;
pub mod school;
pub mod sessions;
pub mod staff;
pub mod tokens;
pub mod tracker;
pub mod usage;
pub mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use anyhow::{bail, Context};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use sql::Sql;
pub use tables::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database. On SQLite, writes go through a single connection (SQLite has
/// one writer; queueing in the pool beats `SQLITE_BUSY` errors) while reads use
/// a pool. On PostgreSQL both are the same pool.
#[derive(Clone)]
pub struct Db {
    reader: AnyPool,
    writer: AnyPool,
    backend: Backend,
    /// SQLite on a file: bounded reads without sqlx's worker thread.
    sqlite_reads: Option<std::sync::Arc<sqlite_reads::SqliteReads>>,
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let options = AnyConnectOptions::from_str(&url)
            .with_context(|| format!("invalid database URL for {backend:?}"))?;
        let pool = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(5))
                // A ping before every checkout doubles the round trips; a dead
                // connection fails its query instead and the pool replaces it.
                .test_before_acquire(false)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            // WAL lets readers run beside the writer; the busy
                            // timeout makes a locked database wait, not fail.
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
                .connect_with(options.clone())
        };
        let db = match backend {
            Backend::Sqlite => {
                let writer = pool(1).await.context("opening the SQLite database")?;
                // Each SQLite connection is a worker thread; on 2 cores, 4 readers
                // measured best (benches/operations.rs: 8 and 2 were slower).
                let reader = pool(4).await.context("opening the SQLite database")?;
                let file =
                    sqlx::sqlite::SqliteConnectOptions::from_str(&url)?.get_filename().to_owned();
                let in_memory = file.as_os_str().is_empty() || file.as_os_str() == ":memory:";
                let sqlite_reads =
                    (!in_memory).then(|| std::sync::Arc::new(sqlite_reads::SqliteReads::new(file)));
                Db { reader, writer, backend, sqlite_reads }
            }
            Backend::Postgres => {
                let shared = pool(32).await.context("connecting to PostgreSQL")?;
                Db { reader: shared.clone(), writer: shared, backend, sqlite_reads: None }
            }
        };
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For reads outside a transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// A bounded read outside a transaction (a page, a row by id): on a
    /// SQLite file it runs on the calling thread (see `sqlite_reads`).
    pub async fn read_bounded<T>(&self, sql: Sql<'_>) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        match &self.sqlite_reads {
            Some(reads) => reads.fetch_all(sql),
            None => sql.fetch_all(&self.reader).await,
        }
    }

    /// For single-statement writes outside a transaction.
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// A write transaction.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        self.writer.begin().await
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        migrate::run(self).await
    }

    /// Is the database answering? For `/readyz`.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.reader).await.is_ok()
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// Accepts `sqlite://path`, `sqlite:path`, `postgres://…` and `postgresql://…`.
/// A SQLite file is created when missing.
fn normalise_url(url: &str) -> anyhow::Result<(Backend, String)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    if url.starts_with("sqlite:") {
        let has_mode = url.contains("mode=");
        let url = match (has_mode, url.contains('?')) {
            (true, _) => url.to_string(),
            (false, true) => format!("{url}&mode=rwc"),
            (false, false) => format!("{url}?mode=rwc"),
        };
        return Ok((Backend::Sqlite, url));
    }
    bail!("unsupported database URL: use sqlite://PATH or postgres://…")
}

/// Booleans are stored as 0/1 (see the first migration).
pub fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// Whether an error is a unique-constraint violation, on either backend.
/// Whether an error means the database is unreachable or going away (a
/// restart, a lost connection), not that the query was wrong: callers answer
/// 503 and the pool reconnects by itself.
/// What a database error means for the caller: every surface renders these
/// four in its own shape, from this one classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFault {
    /// The database is not answering (lost, restarting, full): 503, try again.
    Unavailable,
    /// The row asked for is not there.
    NotFound,
    /// A unique value is taken.
    Conflict,
    /// Anything else: a bug to look at, 500.
    Other,
}

pub fn classify(err: &sqlx::Error) -> DbFault {
    match err {
        e if is_unavailable(e) => DbFault::Unavailable,
        sqlx::Error::RowNotFound => DbFault::NotFound,
        e if is_unique_violation(e) => DbFault::Conflict,
        // A row still refers to it (a reference check missed): not a bug
        // of the caller's request, but nothing to do either.
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => DbFault::Conflict,
        _ => DbFault::Other,
    }
}

pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
        // SQLite: the disk is full or failing (SQLITE_FULL, SQLITE_IOERR
        // and its extended codes, SQLITE_CANTOPEN).
        sqlx::Error::Database(db)
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() =>
        {
            let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
            matches!(code & 0xff, 10 | 13 | 14)
        }
        // PostgreSQL: SQLSTATE class 08 (connection exception), 57P
        // (operator intervention: shutdown, restart), 53 (insufficient
        // resources, disk full among them).
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P") || c.starts_with("53")),
        _ => false,
    }
}

pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            normalise_url("sqlite://airside.db").unwrap(),
            (Backend::Sqlite, "sqlite://airside.db?mode=rwc".into())
        );
        assert_eq!(
            normalise_url("sqlite:x.db?mode=ro").unwrap(),
            (Backend::Sqlite, "sqlite:x.db?mode=ro".into())
        );
        assert_eq!(normalise_url("postgres://h/db").unwrap().0, Backend::Postgres);
        assert!(normalise_url("mysql://h/db").is_err());
    }
}

/// A stored 0/1 flag, read back as a bool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(value: i64) -> Self {
        Flag(value != 0)
    }
}

/// Records that a credential was used, at most once a minute: "last used" is
/// for people, and a write per request would cost every request.
pub async fn touch(
    db: &Db,
    table: Table,
    id: i64,
    last_used: Option<&str>,
) -> Result<(), sqlx::Error> {
    let now = chrono::Utc::now();
    let stale = last_used
        .and_then(|t| crate::domain::Timestamp::try_from(t.to_string()).ok())
        .is_none_or(|t| now - t.0 > chrono::Duration::seconds(60));
    if stale {
        sqlx::query(&format!("UPDATE {table} SET last_used_at = $1 WHERE id = $2"))
            .bind(crate::domain::Timestamp(now).to_db())
            .bind(id)
            .execute(db.writer())
            .await?;
    }
    Ok(())
}

/// A float parameter that may be NULL. sqlx 0.8's Any driver sends a NULL of
/// `f64`'s kind to PostgreSQL as FLOAT4 (and `f32`'s as FLOAT8; see
/// `sqlx-core/src/any/arguments.rs`); PostgreSQL caches a statement with its
/// first parameter types, so a later 8-byte value would then be misread.
/// Binding floats that may be NULL through this type sends FLOAT8 both ways.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NullableFloat(pub Option<f64>);

impl sqlx::Type<sqlx::Any> for NullableFloat {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <f64 as sqlx::Type<sqlx::Any>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Any> for NullableFloat {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        match self.0 {
            Some(value) => <f64 as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&value, buf),
            // Deliberately f32: the driver maps this NULL to FLOAT8.
            None => <Option<f32> as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&None, buf),
        }
    }
}
