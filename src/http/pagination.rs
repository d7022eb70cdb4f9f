//! The list envelope every list answers with:
//! `{"data": [...], "meta": {"next_cursor", "next_cursor_url", "prev_cursor_url"}}`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ApiError;
use crate::state::AppState;
use crate::storage::page::{Cursor, Order, Page, PageRequest, DEFAULT_LIMIT, MAX_LIMIT};
use crate::storage::resource::Resource;

/// The paging of a list request, read and checked: `page[size]` and
/// `page[cursor]` (vAMSYS's syntax), or `limit` and `cursor`.
#[derive(Debug, Clone)]
pub struct Paging {
    /// Limit and cursor; the sort is resolved against the list's keys by
    /// `sorted` or `by_id`.
    request: PageRequest,
    /// `sort=key` / `sort=-key` as asked: (key, descending).
    sort: Option<(String, bool)>,
    uri: Uri,
    /// Where links point: the public URL of this server.
    base: String,
    /// The name the request gave its cursor, for the links.
    cursor_key: &'static str,
}

/// Query parameters paging reads; a list's own are its filters.
pub const PAGING_PARAMS: [&str; 5] = ["limit", "cursor", "page[size]", "page[cursor]", "sort"];

impl FromRequestParts<AppState> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let mut request = PageRequest::first(DEFAULT_LIMIT);
        let mut sort = None;
        let mut cursor_key = "page[cursor]";
        for (key, value) in query_pairs(&parts.uri) {
            match key.as_str() {
                "limit" | "page[size]" => {
                    request.limit =
                        value.parse().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(
                            || {
                                ApiError::bad_request(format!(
                                    "{key} must be a whole number from 1 to {MAX_LIMIT}"
                                ))
                            },
                        )?;
                }
                "sort" => {
                    sort = Some(match value.strip_prefix('-') {
                        Some(key) => (key.to_string(), true),
                        None => (value.clone(), false),
                    });
                }
                "cursor" | "page[cursor]" if !value.is_empty() => {
                    request.cursor = Some(Cursor::decode(&value).ok_or_else(|| {
                        ApiError::bad_request(format!("{key} is not a cursor this API gave out"))
                    })?);
                    if key == "cursor" {
                        cursor_key = "cursor";
                    }
                }
                _ => {}
            }
        }
        // Inside a nested router `parts.uri` lost its prefix; links need the original.
        let uri = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|original| original.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        Ok(Paging { request, sort, uri, base: state.config.issuer(), cursor_key })
    }
}

impl Paging {
    /// The page to read of a list of `R`, sorted by `id` or one of `R::SORTS`.
    pub fn sorted<R: Resource>(&self) -> Result<PageRequest, ApiError> {
        self.sorted_by(R::SORTS)
    }

    /// The page to read of a list that sorts by id only.
    pub fn by_id(&self) -> Result<PageRequest, ApiError> {
        self.sorted_by(&[])
    }

    fn sorted_by(&self, keys: &[(&str, &'static str)]) -> Result<PageRequest, ApiError> {
        let Some((key, descending)) = &self.sort else { return Ok(self.request) };
        let order = Some(if *descending { Order::NewestFirst } else { Order::OldestFirst });
        if key == "id" {
            return Ok(PageRequest { order, ..self.request });
        }
        let Some((_, expression)) = keys.iter().find(|(name, _)| name == key) else {
            let mut offered: Vec<&str> = vec!["id"];
            offered.extend(keys.iter().map(|(name, _)| *name));
            return Err(ApiError::bad_request(format!(
                "cannot sort by `{key}`: this list sorts by {} (`-` before a key reverses it)",
                offered.join(", ")
            ))
            .with("unknown", serde_json::json!([format!("sort={key}")])));
        };
        Ok(PageRequest { order, by: Some(expression), ..self.request })
    }
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default()
}

#[derive(Debug, Default, Serialize)]
pub struct ListMeta {
    pub next_cursor: Option<String>,
    pub next_cursor_url: Option<String>,
    pub prev_cursor_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct List<T> {
    pub data: Vec<T>,
    pub meta: ListMeta,
}

impl<T: Serialize> IntoResponse for List<T> {
    fn into_response(self) -> Response {
        axum::Json(self).into_response()
    }
}

impl Paging {
    /// The same request with another cursor, as an absolute URL (Node's
    /// `fetch` and Python's `requests` refuse relative ones).
    fn url_with(&self, cursor: Cursor) -> String {
        let mut pairs: Vec<(String, String)> = query_pairs(&self.uri)
            .into_iter()
            .filter(|(k, _)| k != "cursor" && k != "page[cursor]")
            .collect();
        pairs.push((self.cursor_key.into(), cursor.encode()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{}{}?{query}", self.base, self.uri.path())
    }

    pub fn list<T>(&self, page: Page<T>) -> List<T> {
        List {
            meta: ListMeta {
                next_cursor: page.next.map(Cursor::encode),
                next_cursor_url: page.next.map(|c| self.url_with(c)),
                prev_cursor_url: page.prev.map(|c| self.url_with(c)),
            },
            data: page.items,
        }
    }
}
