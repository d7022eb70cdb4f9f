//! Cursor (keyset) pagination, the same for every list.
//!
//! A cursor names a row id and a direction; pages are read with `id > x` or
//! `id < x`, so rows inserted or deleted meanwhile never shift a page.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::Sql;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 300;

/// The order a list is shown in, by row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The page after the cursor's row.
    Next,
    /// The page before the cursor's row.
    Prev,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub direction: Direction,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        let tag = match self.direction {
            Direction::Next => 'n',
            Direction::Prev => 'p',
        };
        URL_SAFE_NO_PAD.encode(format!("{tag}{}", self.id))
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
        let direction = match raw.chars().next()? {
            'n' => Direction::Next,
            'p' => Direction::Prev,
            _ => return None,
        };
        let id = raw[1..].parse().ok()?;
        Some(Cursor { direction, id })
    }
}

/// Rows that can be paged: they have an id.
pub trait Keyed {
    fn key(&self) -> i64;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub cursor: Option<Cursor>,
    /// The order asked for (`sort=id` / `sort=-id`, or the direction of
    /// `by`); none: the list's own.
    pub order: Option<Order>,
    /// A sort key other than id: an SQL expression of the list's rows that
    /// is never NULL (code, never input). Ties are broken by id.
    pub by: Option<&'static str>,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest { limit: DEFAULT_LIMIT, cursor: None, order: None, by: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
    pub prev: Option<Cursor>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next, prev: self.prev }
    }
}

impl PageRequest {
    fn backward(&self) -> bool {
        matches!(self.cursor, Some(Cursor { direction: Direction::Prev, .. }))
    }

    /// A list of the rows that never passes the page size (for summaries).
    pub fn first(limit: i64) -> PageRequest {
        PageRequest { limit, ..PageRequest::default() }
    }

    /// Appends the keyset condition (` AND id > $n`), the order and the limit.
    /// The query must already have a `WHERE` clause. `from` is what the
    /// rows are selected from, for the cursor row's sort value.
    pub fn push_to(&self, sql: &mut Sql<'_>, id_column: &str, order: Order, from: &str) {
        let order = self.order.unwrap_or(order);
        // Paging backward scans against the list's order, then reverses.
        let ascending = (order == Order::OldestFirst) != self.backward();
        let (compare, direction) = if ascending { (" > ", " ASC") } else { (" < ", " DESC") };
        match (self.cursor, self.by) {
            (Some(cursor), None) => {
                sql.push(" AND ").push(id_column).push(compare).bind(cursor.id);
            }
            // Keyset on (key, id): the cursor names a row, whose key is read
            // back, so a cursor stays an id whatever the sort.
            (Some(cursor), Some(key)) => {
                sql.push(" AND (").push(key).push(", ").push(id_column).push(")").push(compare);
                sql.push("((SELECT ").push(key).push(" FROM ").push(from).push(" WHERE ");
                sql.push(id_column).push(" = ").bind(cursor.id).push("), ").bind(cursor.id);
                sql.push(")");
            }
            (None, _) => {}
        }
        sql.push(" ORDER BY ");
        if let Some(key) = self.by {
            sql.push(key).push(direction).push(", ");
        }
        sql.push(id_column).push(direction);
        // One row more than asked tells whether there is another page.
        sql.push(" LIMIT ").bind(self.limit + 1);
    }

    /// Turns the rows a `push_to` query returned into a page with its cursors.
    pub fn finish<T: Keyed>(&self, mut rows: Vec<T>) -> Page<T> {
        let more = rows.len() as i64 > self.limit;
        rows.truncate(self.limit as usize);
        if self.backward() {
            rows.reverse();
        }
        let next = |id| Some(Cursor { direction: Direction::Next, id });
        let prev = |id| Some(Cursor { direction: Direction::Prev, id });
        let first = rows.first().map(Keyed::key);
        let last = rows.last().map(Keyed::key);
        let (next_cursor, prev_cursor) = match self.cursor {
            None => (last.filter(|_| more).and_then(next), None),
            Some(Cursor { direction: Direction::Next, id }) => {
                (last.filter(|_| more).and_then(next), prev(first.unwrap_or(id)))
            }
            Some(Cursor { direction: Direction::Prev, id }) => {
                (next(last.unwrap_or(id)), first.filter(|_| more).and_then(prev))
            }
        };
        Page { items: rows, next: next_cursor, prev: prev_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        for c in [
            Cursor { direction: Direction::Next, id: 42 },
            Cursor { direction: Direction::Prev, id: -1 },
        ] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        for bad in ["", "!!", "eDQy", "bjQyeA", "n42"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn keyset_clause_follows_order_and_direction() {
        let cases = [
            (None, Order::OldestFirst, " ORDER BY id ASC LIMIT $1"),
            (Some(Direction::Next), Order::OldestFirst, " AND id > $1 ORDER BY id ASC LIMIT $2"),
            (Some(Direction::Prev), Order::OldestFirst, " AND id < $1 ORDER BY id DESC LIMIT $2"),
            (Some(Direction::Next), Order::NewestFirst, " AND id < $1 ORDER BY id DESC LIMIT $2"),
            (Some(Direction::Prev), Order::NewestFirst, " AND id > $1 ORDER BY id ASC LIMIT $2"),
        ];
        for (direction, order, expected) in cases {
            let cursor = direction.map(|direction| Cursor { direction, id: 7 });
            let mut sql = Sql::new("");
            PageRequest { limit: 10, cursor, order: None, by: None }
                .push_to(&mut sql, "id", order, "t");
            assert_eq!(sql.text(), expected);
        }
    }

    #[test]
    fn a_sort_key_pages_on_the_key_then_the_id() {
        let cursor = Some(Cursor { direction: Direction::Next, id: 7 });
        let page =
            PageRequest { limit: 10, cursor, order: Some(Order::NewestFirst), by: Some("t.name") };
        let mut sql = Sql::new("");
        page.push_to(&mut sql, "t.id", Order::OldestFirst, "t");
        assert_eq!(
            sql.text(),
            " AND (t.name, t.id) < ((SELECT t.name FROM t WHERE t.id = $1), $2) \
             ORDER BY t.name DESC, t.id DESC LIMIT $3"
        );
    }
}
