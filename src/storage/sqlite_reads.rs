//! Bounded reads on SQLite without sqlx's per-connection worker thread.
//!
//! sqlx runs every SQLite connection on its own thread and sends each row
//! back over a channel; for a 50-row list that is a thread wake-up per
//! query and per row, the largest cost of a request in the profile
//! (`docs/benchmarks.md`). SQLite itself is an in-process library: a short
//! read is cheaper run right where it is asked for. So the list and get
//! reads of `resource` (keyset pages of at most a few hundred rows, by
//! index) run here, on a small pool of query-only rusqlite connections, on
//! the calling thread. Their rows come back as sqlx `AnyRow`s, so every
//! type decodes exactly as it does through sqlx.
//!
//! Only bounded queries belong here: the call blocks its runtime thread
//! for as long as SQLite takes. Everything else stays on sqlx.
//!
//! `AnyRow`, `AnyColumn` and `AnyValue` are built through sqlx's
//! `#[doc(hidden)]` driver fields (what its own drivers use), so sqlx-core
//! is pinned to the version sqlx uses.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sqlx::any::AnyRow;
use sqlx::FromRow;
use sqlx_core::any::{AnyColumn, AnyTypeInfo, AnyTypeInfoKind, AnyValue, AnyValueKind};
use sqlx_core::ext::ustr::UStr;

use super::Sql;

/// Prepared statements kept per connection: the resource reads are a few
/// dozen distinct texts.
const STATEMENT_CACHE: usize = 128;

pub struct SqliteReads {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteReads {
    pub fn new(path: PathBuf) -> SqliteReads {
        SqliteReads { path, idle: Mutex::new(Vec::new()) }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // Opened read-write but `query_only`: a read-only connection cannot
        // open a WAL database whose `-shm` file is gone (the last sqlx
        // connection closing removes it), and nothing here writes.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.pragma_update(None, "query_only", true)?;
        // Short: a busy wait here holds a runtime thread (readers of a WAL
        // database are hardly ever busy; past this the read is a 503).
        conn.busy_timeout(std::time::Duration::from_secs(1))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    /// Runs `sql` on an idle connection (a new one when all are busy: at
    /// most one per runtime thread is ever in use at once).
    pub fn fetch_all<T>(&self, sql: Sql<'_>) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open().map_err(into_sqlx)?,
        };
        let rows = query(&conn, &sql);
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
        rows
    }
}

/// Each row is decoded as soon as it is read, so one `AnyRow` is alive at
/// a time.
fn query<T>(conn: &Connection, sql: &Sql<'_>) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, AnyRow>,
{
    let mut statement = conn.prepare_cached(sql.text()).map_err(into_sqlx)?;
    // `Sql` writes one placeholder per value, `$1…$N` in order, and SQLite
    // numbers named parameters in the order they first appear: `$n` is
    // parameter n. (Looking each name up cost a sixth of a request.)
    let arguments = sql.arguments();
    if statement.parameter_count() != arguments.len() {
        return Err(sqlx::Error::InvalidArgument(format!(
            "{} placeholders for {} values",
            statement.parameter_count(),
            arguments.len()
        )));
    }
    for (n, value) in arguments.iter().enumerate() {
        bind(&mut statement, n + 1, value).map_err(into_sqlx)?;
    }
    let count = statement.column_count();
    let mut names = sqlx_core::HashMap::default();
    let mut columns = Vec::with_capacity(count);
    for i in 0..count {
        let name = UStr::from(statement.column_name(i).map_err(into_sqlx)?.to_string());
        names.insert(name.clone(), i);
        columns.push((i, name));
    }
    let names = Arc::new(names);
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(into_sqlx)? {
        let mut any = AnyRow {
            column_names: names.clone(),
            columns: Vec::with_capacity(count),
            values: Vec::with_capacity(count),
        };
        for (i, name) in &columns {
            let kind = match row.get_ref(*i).map_err(into_sqlx)? {
                ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
                ValueRef::Integer(v) => AnyValueKind::BigInt(v),
                ValueRef::Real(v) => AnyValueKind::Double(v),
                ValueRef::Text(v) => AnyValueKind::Text(Cow::Owned(
                    std::str::from_utf8(v).map_err(|e| sqlx::Error::Decode(e.into()))?.to_owned(),
                )),
                ValueRef::Blob(v) => AnyValueKind::Blob(Cow::Owned(v.to_vec())),
            };
            any.columns.push(AnyColumn {
                ordinal: *i,
                name: name.clone(),
                type_info: AnyTypeInfo { kind: type_of(&kind) },
            });
            any.values.push(AnyValue { kind });
        }
        out.push(T::from_row(&any)?);
    }
    Ok(out)
}

fn type_of(kind: &AnyValueKind<'_>) -> AnyTypeInfoKind {
    match kind {
        AnyValueKind::BigInt(_) => AnyTypeInfoKind::BigInt,
        AnyValueKind::Double(_) => AnyTypeInfoKind::Double,
        AnyValueKind::Text(_) => AnyTypeInfoKind::Text,
        AnyValueKind::Blob(_) => AnyTypeInfoKind::Blob,
        _ => AnyTypeInfoKind::Null,
    }
}

fn bind(
    statement: &mut rusqlite::CachedStatement<'_>,
    index: usize,
    value: &AnyValueKind<'_>,
) -> rusqlite::Result<()> {
    match value {
        AnyValueKind::Bool(v) => statement.raw_bind_parameter(index, i64::from(*v)),
        AnyValueKind::SmallInt(v) => statement.raw_bind_parameter(index, i64::from(*v)),
        AnyValueKind::Integer(v) => statement.raw_bind_parameter(index, i64::from(*v)),
        AnyValueKind::BigInt(v) => statement.raw_bind_parameter(index, *v),
        AnyValueKind::Real(v) => statement.raw_bind_parameter(index, f64::from(*v)),
        AnyValueKind::Double(v) => statement.raw_bind_parameter(index, *v),
        AnyValueKind::Text(v) => statement.raw_bind_parameter(index, v.as_ref()),
        AnyValueKind::Blob(v) => statement.raw_bind_parameter(index, v.as_ref()),
        _ => statement.raw_bind_parameter(index, rusqlite::types::Null),
    }
}

/// A missing, busy or failing database file is the database being
/// unavailable (503, as `storage::classify` says of sqlx's I/O errors);
/// anything else is a bug to look at.
fn into_sqlx(err: rusqlite::Error) -> sqlx::Error {
    use rusqlite::ErrorCode::*;
    match &err {
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(
                e.code,
                DatabaseBusy | DatabaseLocked | CannotOpen | DiskFull | SystemIoFailure
            ) =>
        {
            sqlx::Error::Io(std::io::Error::other(err.to_string()))
        }
        _ => sqlx::Error::Decode(Box::new(err)),
    }
}
