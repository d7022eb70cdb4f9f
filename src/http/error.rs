//! The one error type of every HTTP surface, rendered as RFC 9457
//! `application/problem+json` with the request id.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::request_id;

/// Boxed: errors are the cold path, and a small `Result` keeps the hot one fast.
#[derive(Debug)]
pub struct ApiError(Box<Problem>);

#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    /// A short slug naming the kind of problem; the `type` URI ends with it.
    pub kind: &'static str,
    pub detail: String,
    /// Members added to the problem object, such as `errors` or `scope`.
    pub extra: Map<String, Value>,
    pub headers: HeaderMap,
}

/// A field that failed validation, for 422 answers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> Self {
        ApiError(Box::new(Problem {
            status,
            kind,
            detail: detail.into(),
            extra: Map::new(),
            headers: HeaderMap::new(),
        }))
    }

    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    pub fn detail(&self) -> &str {
        &self.0.detail
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 403 for a credential of an org on the trial plan: trial orgs have
    /// no API access until their plan changes.
    pub fn trial_plan() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "trial-plan",
            "the organisation is on the trial plan, which has no API access; \
             it works once the plan changes",
        )
        .with("plan", serde_json::json!("trial"))
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", detail)
    }

    /// 422 naming each field that is wrong.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation-error", detail)
            .with("errors", json!(errors))
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
    }

    /// A bug or an unexpected failure: logged in full, shown without details.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side")
    }

    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.0.extra.insert(key.to_string(), value);
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.insert(name, value);
        self
    }

    pub fn problem(&self) -> &Problem {
        &self.0
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.0.status.as_u16(), self.0.kind, self.0.detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = *self.0;
        let mut body = Map::new();
        body.insert("type".into(), json!(format!("/docs/problems#{}", problem.kind)));
        body.insert("title".into(), json!(problem.status.canonical_reason().unwrap_or("Error")));
        body.insert("status".into(), json!(problem.status.as_u16()));
        body.insert("detail".into(), json!(problem.detail));
        body.insert("request_id".into(), json!(request_id::current()));
        body.extend(problem.extra);
        let mut response = (problem.status, Value::Object(body).to_string()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response.headers_mut().extend(problem.headers);
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        use crate::storage::DbFault;
        match crate::storage::classify(&error) {
            DbFault::Unavailable => {
                tracing::warn!(%error, "database unavailable");
                ApiError::unavailable("the database is not answering; try again shortly")
            }
            DbFault::NotFound => ApiError::not_found("no such resource"),
            DbFault::Conflict => {
                ApiError::conflict("a resource with the same unique value already exists")
            }
            DbFault::Other => ApiError::internal(error),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let kind = match status {
            StatusCode::UNPROCESSABLE_ENTITY => "validation-error",
            StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
            _ => "bad-request",
        };
        ApiError::new(status, kind, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::bad_request(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::bad_request(rejection.body_text())
    }
}

impl From<FormRejection> for ApiError {
    fn from(rejection: FormRejection) -> Self {
        let status = rejection.status();
        let kind = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "payload-too-large"
        } else {
            "bad-request"
        };
        ApiError::new(status, kind, rejection.body_text())
    }
}
