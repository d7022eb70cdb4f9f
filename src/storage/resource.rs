//! Reading any org-owned table the same way: one `list` with filters and
//! cursor pagination, one `get` by id. Both always filter by org.

use sqlx::any::AnyRow;
use sqlx::FromRow;

use super::page::{Keyed, Order, Page, PageRequest};
use super::{Db, Sql};
use crate::domain::OrgId;

pub trait Resource: for<'r> FromRow<'r, AnyRow> + Keyed + Send + Unpin {
    /// The table whose `id` and `org_id` are the resource's own.
    const TABLE: &'static str;
    /// What the rows are selected from: the table, or the table joined with
    /// what a row shows of its neighbours.
    const FROM: &'static str = Self::TABLE;
    const COLUMNS: &'static str;
    const ORDER: Order = Order::OldestFirst;
}

/// A filter on a list. Column names are always code, never input.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Int(&'static str, i64),
    Text(&'static str, String),
}

impl Filter {
    fn push_to(&self, sql: &mut Sql<'_>) {
        match self {
            Filter::Int(column, value) => sql.push(" AND ").push(column).push(" = ").bind(*value),
            Filter::Text(column, value) => sql
                .push(" AND ")
                .push(column)
                .push(" = ")
                .bind(value.clone()),
        };
    }
}

fn select<R: Resource>(org: OrgId) -> Sql<'static> {
    let mut sql = Sql::new(format!(
        "SELECT {} FROM {} WHERE {}.org_id = ",
        R::COLUMNS,
        R::FROM,
        R::TABLE
    ));
    sql.bind(org.0);
    sql
}

pub async fn list<R: Resource>(
    db: &Db,
    org: OrgId,
    filters: &[Filter],
    page: &PageRequest,
) -> Result<Page<R>, sqlx::Error> {
    let mut sql = select::<R>(org);
    for filter in filters {
        filter.push_to(&mut sql);
    }
    page.push_to(&mut sql, &format!("{}.id", R::TABLE), R::ORDER);
    Ok(page.finish(sql.fetch_all(db.reader()).await?))
}

pub async fn get<R: Resource>(db: &Db, org: OrgId, id: i64) -> Result<Option<R>, sqlx::Error> {
    let mut sql = select::<R>(org);
    sql.push(&format!(" AND {}.id = ", R::TABLE)).bind(id);
    sql.fetch_optional(db.reader()).await
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
