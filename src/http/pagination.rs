//! The list envelope every list answers with:
//! `{"data": [...], "meta": {"next_cursor", "next_cursor_url", "prev_cursor_url"}}`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ApiError;
use crate::storage::page::{Cursor, Page, PageRequest, DEFAULT_LIMIT, MAX_LIMIT};

/// `?limit=` and `?cursor=` of a list request, read and checked.
#[derive(Debug, Clone)]
pub struct Paging {
    pub request: PageRequest,
    uri: Uri,
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let mut request = PageRequest { limit: DEFAULT_LIMIT, cursor: None };
        for (key, value) in query_pairs(&parts.uri) {
            match key.as_str() {
                "limit" => {
                    request.limit =
                        value.parse().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(
                            || {
                                ApiError::bad_request(format!(
                                    "limit must be a whole number from 1 to {MAX_LIMIT}"
                                ))
                            },
                        )?;
                }
                "cursor" if !value.is_empty() => {
                    request.cursor = Some(Cursor::decode(&value).ok_or_else(|| {
                        ApiError::bad_request("cursor is not one this API gave out")
                    })?);
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
        Ok(Paging { request, uri })
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
    /// The same request with another cursor, as a URL relative to this server.
    fn url_with(&self, cursor: Cursor) -> String {
        let mut pairs: Vec<(String, String)> =
            query_pairs(&self.uri).into_iter().filter(|(k, _)| k != "cursor").collect();
        pairs.push(("cursor".into(), cursor.encode()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{}?{query}", self.uri.path())
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
