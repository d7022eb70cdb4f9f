//! Headers every answer carries: `X-Content-Type-Options: nosniff`, so no
//! browser reads a JSON or text answer as something else; and on the
//! console's JSON API, which answers with secrets shown once,
//! `Cache-Control: no-store`.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, X_CONTENT_TYPE_OPTIONS};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub async fn layer(request: Request, next: Next) -> Response {
    let console_api = request.uri().path().starts_with("/console/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if console_api {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
