//! A small SQL builder for dynamic queries (filters, pagination).
//!
//! sqlx's `QueryBuilder<Any>` writes `?` placeholders, which PostgreSQL
//! refuses; this writes `$N`, which both backends accept.

use std::fmt::Write;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Arguments, Encode, Executor, FromRow, Type};

/// Rows per multi-row statement. Small on purpose: sqlx's SQLite driver
/// finds each `$N` by scanning the statement's parameter names, so binding
/// is quadratic in a statement's parameters (the request log's 200-row
/// INSERT, 2,600 parameters, took a sixth of the server's CPU under load);
/// and few distinct lengths keep each statement prepared once per
/// connection.
pub const ROWS_PER_STATEMENT: usize = 16;

pub struct Sql<'q> {
    text: String,
    args: AnyArguments<'q>,
    count: usize,
}

impl<'q> Sql<'q> {
    pub fn new(text: impl Into<String>) -> Self {
        Sql { text: text.into(), args: AnyArguments::default(), count: 0 }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a `$N` placeholder bound to `value`.
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        self.count += 1;
        let _ = write!(self.text, "${}", self.count);
        // Encoding into Any's argument buffer cannot fail for the types we bind.
        self.args.add(value).expect("bind value");
        self
    }

    /// Binds the next value of a text that already holds its `$N`s.
    pub fn value<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        self.count += 1;
        self.args.add(value).expect("bind value");
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The bound values, `$1` first.
    pub fn arguments(&self) -> &[sqlx_core::any::AnyValueKind<'q>] {
        &self.args.values.0
    }

    pub async fn fetch_all<'e, T, E>(self, executor: E) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
        E: Executor<'e, Database = Any>,
    {
        sqlx::query_as_with(&self.text, self.args).fetch_all(executor).await
    }

    pub async fn fetch_optional<'e, T, E>(self, executor: E) -> Result<Option<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
        E: Executor<'e, Database = Any>,
    {
        sqlx::query_as_with(&self.text, self.args).fetch_optional(executor).await
    }

    pub async fn fetch_one<'e, T, E>(self, executor: E) -> Result<T, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
        E: Executor<'e, Database = Any>,
    {
        sqlx::query_as_with(&self.text, self.args).fetch_one(executor).await
    }

    pub async fn execute<'e, E>(self, executor: E) -> Result<u64, sqlx::Error>
    where
        E: Executor<'e, Database = Any>,
    {
        Ok(sqlx::query_with(&self.text, self.args).execute(executor).await?.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered() {
        let mut sql = Sql::new("SELECT * FROM t WHERE a = ");
        sql.bind(1_i64).push(" AND b = ").bind("x".to_string());
        assert_eq!(sql.text(), "SELECT * FROM t WHERE a = $1 AND b = $2");
    }
}
