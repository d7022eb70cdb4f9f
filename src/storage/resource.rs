//! Reading any org-owned table the same way: one `list` with filters and
//! cursor pagination, one `get` by id. Both always filter by org.

use sqlx::any::AnyRow;
use sqlx::FromRow;

use super::page::{Keyed, Order, Page, PageRequest};
use super::{Db, Sql};
use crate::domain::{OrgId, Timestamp};

pub trait Resource: for<'r> FromRow<'r, AnyRow> + Keyed + Send + Unpin {
    /// The table whose `id` and `org_id` are the resource's own.
    const TABLE: super::Table;
    /// What the rows are selected from: the table, or the table joined with
    /// what a row shows of its neighbours.
    const FROM: &'static str = Self::TABLE.name();
    const COLUMNS: &'static str;
    const ORDER: Order = Order::OldestFirst;
    /// Query parameters a list may be filtered by: (parameter, column, kind).
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[];
    /// Keys a list may be sorted by besides `id`: (name, SQL expression
    /// that is never NULL).
    const SORTS: &'static [(&'static str, &'static str)] = &[];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    Int,
    Text,
}

/// A filter on a list. Column names are always code, never input.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Int(&'static str, i64),
    Text(&'static str, String),
    /// `column >= value` (text: times and dates sort as text).
    AtLeast(&'static str, String),
    /// `column < value`.
    Before(&'static str, String),
    /// `low <= column <= high`.
    IntBetween(&'static str, i64, i64),
    /// A column of the resource's own table (`TABLE.column = value`), for
    /// generic code over resources whose rows are joined with others.
    Own(&'static str, i64),
}

impl Filter {
    fn push_to(&self, sql: &mut Sql<'_>, table: super::Table) {
        match self {
            Filter::Own(column, value) => {
                sql.push(" AND ").push(table.name()).push(".").push(column).push(" = ").bind(*value)
            }
            Filter::Int(column, value) => sql.push(" AND ").push(column).push(" = ").bind(*value),
            Filter::Text(column, value) => {
                sql.push(" AND ").push(column).push(" = ").bind(value.clone())
            }
            Filter::AtLeast(column, value) => {
                sql.push(" AND ").push(column).push(" >= ").bind(value.clone())
            }
            Filter::Before(column, value) => {
                sql.push(" AND ").push(column).push(" < ").bind(value.clone())
            }
            Filter::IntBetween(column, low, high) => sql
                .push(" AND ")
                .push(column)
                .push(" BETWEEN ")
                .bind(*low)
                .push(" AND ")
                .bind(*high),
        };
    }
}

fn select<R: Resource>(org: OrgId) -> Sql<'static> {
    let mut sql =
        Sql::new(format!("SELECT {} FROM {} WHERE {}.org_id = ", R::COLUMNS, R::FROM, R::TABLE));
    sql.bind(org.0);
    sql
}

/// The org's rows that pass the filters, not yet ordered or limited.
fn filtered<R: Resource>(org: OrgId, filters: &[Filter]) -> Sql<'static> {
    let mut sql = select::<R>(org);
    for filter in filters {
        filter.push_to(&mut sql, R::TABLE);
    }
    sql
}

pub async fn list<R: Resource>(
    db: &Db,
    org: OrgId,
    filters: &[Filter],
    page: &PageRequest,
) -> Result<Page<R>, sqlx::Error> {
    let mut sql = filtered::<R>(org, filters);
    page.push_to(&mut sql, &format!("{}.id", R::TABLE), R::ORDER, R::FROM);
    Ok(page.finish(db.read_bounded(sql).await?))
}

/// Every row of the org that passes the filters, in the list's own order:
/// for answers that are whole lists (a tracker's fleet, a tour's legs),
/// which a page size would silently cut short.
pub async fn all<R: Resource>(
    db: &Db,
    org: OrgId,
    filters: &[Filter],
) -> Result<Vec<R>, sqlx::Error> {
    let mut sql = filtered::<R>(org, filters);
    let direction = match R::ORDER {
        Order::OldestFirst => " ASC",
        Order::NewestFirst => " DESC",
    };
    sql.push(" ORDER BY ").push(R::TABLE.name()).push(".id").push(direction);
    sql.fetch_all(db.reader()).await
}

pub async fn get<R: Resource>(db: &Db, org: OrgId, id: i64) -> Result<Option<R>, sqlx::Error> {
    Ok(db.read_bounded(by_id::<R>(org, id)).await?.pop())
}

/// `get` on a given connection, e.g. inside the transaction that wrote the row.
pub async fn get_in<'e, R: Resource, E>(
    executor: E,
    org: OrgId,
    id: i64,
) -> Result<Option<R>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    by_id::<R>(org, id).fetch_optional(executor).await
}

fn by_id<R: Resource>(org: OrgId, id: i64) -> Sql<'static> {
    let mut sql = select::<R>(org);
    sql.push(&format!(" AND {}.id = ", R::TABLE)).bind(id);
    sql
}

/// Implements `Keyed` for row structs whose `id` is a typed id.
macro_rules! keyed {
    ($($row:ty),* $(,)?) => {$(
        impl $crate::storage::page::Keyed for $row {
            fn key(&self) -> i64 {
                self.id.0
            }
        }
    )*};
}
pub(crate) use keyed;

/// Implements `Keyed` for row structs whose `id` is a plain `i64`.
macro_rules! keyed_by_id {
    ($($row:ty),* $(,)?) => {$(
        impl $crate::storage::page::Keyed for $row {
            fn key(&self) -> i64 {
                self.id
            }
        }
    )*};
}
pub(crate) use keyed_by_id;

/// A value to write. Column names come from code, never from input.
///
/// NULLs carry their column's type: PostgreSQL statements are prepared (and
/// cached) with the parameter types of their first use, so a column must be
/// bound with the same type every time.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Text(String),
    NullInt,
    NullFloat,
    NullText,
}

impl Value {
    pub fn text(value: impl Into<String>) -> Value {
        Value::Text(value.into())
    }

    pub fn opt_text(value: Option<&str>) -> Value {
        value.map_or(Value::NullText, Value::text)
    }

    pub fn opt_int(value: Option<i64>) -> Value {
        value.map_or(Value::NullInt, Value::Int)
    }

    pub fn now() -> Value {
        Value::Text(Timestamp::now().to_db())
    }

    fn bind_to(&self, sql: &mut Sql<'_>) {
        match self {
            Value::Int(v) => sql.bind(*v),
            Value::Float(v) => sql.bind(*v),
            Value::Text(v) => sql.bind(v.clone()),
            Value::NullInt => sql.bind(Option::<i64>::None),
            Value::NullFloat => sql.bind(super::NullableFloat(None)),
            Value::NullText => sql.bind(Option::<String>::None),
        };
    }
}

/// Inserts a row of `org` into `table`; returns its id. The one write path
/// of plain rows: the Operations API's creates and the typed `create`
/// functions of `airports`, `fleet`, `ranks`, `hubs`, `badges` and
/// `bookings` all come here.
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    table: super::Table,
    columns: &[(&'static str, Value)],
) -> Result<i64, sqlx::Error> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let mut sql = Sql::new(format!("INSERT INTO {table} (org_id, {}) VALUES (", names.join(", ")));
    sql.bind(org.0);
    for (_, value) in columns {
        sql.push(", ");
        value.bind_to(&mut sql);
    }
    sql.push(") RETURNING id");
    let (id,): (i64,) = sql.fetch_one(conn).await?;
    Ok(id)
}

/// Updates the given columns of a row of `org`; false when there is no such row.
pub async fn update(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    table: super::Table,
    id: i64,
    columns: &[(&'static str, Value)],
) -> Result<bool, sqlx::Error> {
    if columns.is_empty() {
        return exists(conn, org, table, id).await;
    }
    let mut sql = Sql::new(format!("UPDATE {table} SET "));
    for (i, (name, value)) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(name).push(" = ");
        value.bind_to(&mut sql);
    }
    sql.push(" WHERE org_id = ").bind(org.0).push(" AND id = ").bind(id);
    Ok(sql.execute(conn).await? == 1)
}

pub async fn delete(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    table: super::Table,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new(format!("DELETE FROM {table} WHERE org_id = "));
    sql.bind(org.0).push(" AND id = ").bind(id);
    Ok(sql.execute(conn).await? == 1)
}

pub async fn exists(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    table: super::Table,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new(format!("SELECT COUNT(*) FROM {table} WHERE org_id = "));
    sql.bind(org.0).push(" AND id = ").bind(id);
    let (n,): (i64,) = sql.fetch_one(conn).await?;
    Ok(n > 0)
}

/// How many rows of `table` point at `id` through `column`.
pub async fn count_references(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    table: super::Table,
    column: &str,
    id: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(format!("SELECT COUNT(*) FROM {table} WHERE org_id = "));
    sql.bind(org.0).push(&format!(" AND {column} = ")).bind(id);
    let (n,): (i64,) = sql.fetch_one(conn).await?;
    Ok(n)
}

/// Deletes the rows of `table` whose `column` is `id` (owned children).
pub async fn delete_where(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    table: super::Table,
    column: &str,
    id: i64,
) -> Result<u64, sqlx::Error> {
    let mut sql = Sql::new(format!("DELETE FROM {table} WHERE org_id = "));
    sql.bind(org.0).push(&format!(" AND {column} = ")).bind(id);
    sql.execute(conn).await
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use super::*;
    use crate::storage::{
        activities, airlines, airports, announcements, api_tokens, audit, badges, bookings,
        clients, fleet, hubs, live, notams, org_keys, pilots, pireps, ranks, registrations,
        routings, schedules, school, usage,
    };

    /// Every row of every org, read through `list` and `get` (on SQLite the
    /// worker-free path of `sqlite_reads`) and through sqlx, must decode the
    /// same.
    async fn reads_agree<R: Resource + Debug>(db: &Db, orgs: &[OrgId]) -> usize {
        let mut seen = 0;
        for &org in orgs {
            let page = PageRequest::first(super::super::page::MAX_LIMIT);
            let fast = list::<R>(db, org, &[], &page).await.unwrap().items;
            let mut sql = select::<R>(org);
            page.push_to(&mut sql, &format!("{}.id", R::TABLE), R::ORDER, R::FROM);
            let slow = page.finish(sql.fetch_all::<R, _>(db.reader()).await.unwrap()).items;
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{}", R::TABLE.name());
            if let Some(first) = slow.first() {
                let one = get::<R>(db, org, first.key()).await.unwrap();
                assert_eq!(format!("{one:?}"), format!("{:?}", Some(first)));
            }
            assert!(get::<R>(db, org, -1).await.unwrap().is_none());
            seen += slow.len();
        }
        seen
    }

    #[tokio::test]
    async fn the_sqlite_read_path_decodes_as_sqlx_does() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("reads.db").display());
        let db = Db::connect(&url).await.unwrap();
        assert!(db.sqlite_reads.is_some(), "a SQLite file takes the worker-free path");
        db.migrate().await.unwrap();
        crate::demo::seed(&db).await.unwrap();
        let orgs: Vec<OrgId> = sqlx::query_scalar::<_, i64>("SELECT id FROM orgs")
            .fetch_all(db.reader())
            .await
            .unwrap()
            .into_iter()
            .map(OrgId)
            .collect();
        let mut rows = 0;
        rows += reads_agree::<notams::Notam>(&db, &orgs).await;
        rows += reads_agree::<announcements::Announcement>(&db, &orgs).await;
        rows += reads_agree::<school::ComplianceRecord>(&db, &orgs).await;
        rows += reads_agree::<school::Signoff>(&db, &orgs).await;
        rows += reads_agree::<school::TrainingProgress>(&db, &orgs).await;
        rows += reads_agree::<school::FinanceSummary>(&db, &orgs).await;
        rows += reads_agree::<school::Invoice>(&db, &orgs).await;
        rows += reads_agree::<school::InvoiceLine>(&db, &orgs).await;
        rows += reads_agree::<school::MaintenanceItem>(&db, &orgs).await;
        rows += reads_agree::<school::WorkOrder>(&db, &orgs).await;
        rows += reads_agree::<school::Vtr>(&db, &orgs).await;
        rows += reads_agree::<school::PlanningRow>(&db, &orgs).await;
        rows += reads_agree::<school::EventRow>(&db, &orgs).await;
        rows += reads_agree::<clients::Client>(&db, &orgs).await;
        rows += reads_agree::<pilots::Pilot>(&db, &orgs).await;
        rows += reads_agree::<bookings::Booking>(&db, &orgs).await;
        rows += reads_agree::<org_keys::OrgKey>(&db, &orgs).await;
        rows += reads_agree::<airports::Airport>(&db, &orgs).await;
        rows += reads_agree::<routings::Routing>(&db, &orgs).await;
        rows += reads_agree::<ranks::Rank>(&db, &orgs).await;
        rows += reads_agree::<fleet::Subfleet>(&db, &orgs).await;
        rows += reads_agree::<fleet::Aircraft>(&db, &orgs).await;
        rows += reads_agree::<audit::AuditEntry>(&db, &orgs).await;
        rows += reads_agree::<api_tokens::ApiToken>(&db, &orgs).await;
        rows += reads_agree::<activities::ActivityEvent>(&db, &orgs).await;
        rows += reads_agree::<activities::Tour>(&db, &orgs).await;
        rows += reads_agree::<activities::TourLeg>(&db, &orgs).await;
        rows += reads_agree::<activities::Roster>(&db, &orgs).await;
        rows += reads_agree::<activities::FocusAirport>(&db, &orgs).await;
        rows += reads_agree::<activities::CommunityGoal>(&db, &orgs).await;
        rows += reads_agree::<activities::Challenge>(&db, &orgs).await;
        rows += reads_agree::<registrations::Registration>(&db, &orgs).await;
        rows += reads_agree::<registrations::Transfer>(&db, &orgs).await;
        rows += reads_agree::<badges::Badge>(&db, &orgs).await;
        rows += reads_agree::<pireps::Pirep>(&db, &orgs).await;
        rows += reads_agree::<live::LiveFlight>(&db, &orgs).await;
        rows += reads_agree::<live::MapFlight>(&db, &orgs).await;
        rows += reads_agree::<airlines::Airline>(&db, &orgs).await;
        rows += reads_agree::<schedules::Schedule>(&db, &orgs).await;
        rows += reads_agree::<hubs::Hub>(&db, &orgs).await;
        rows += reads_agree::<usage::LogRow>(&db, &orgs).await;
        assert!(rows > 500, "the demo holds rows of most kinds: {rows}");
        // The path only reads.
        let write = db.read_bounded::<(i64,)>(Sql::new("DELETE FROM orgs RETURNING id")).await;
        assert!(write.is_err(), "a write went through the read path");
        assert_eq!(orgs.len() as i64, {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orgs")
                .fetch_one(db.reader())
                .await
                .unwrap();
            n
        });
    }
}
