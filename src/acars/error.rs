//! Errors in the module's shapes. Its controllers answer `{"error": …}` on
//! most refusals, `{"message": …}` on some (start, change-aircraft), and
//! `{"success": false, "error": …}` from its auth middleware and login; each
//! call site here picks the one the module uses for that answer. The
//! request id travels in the `x-request-id` header, not in the body, so the
//! key sets are the module's.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

#[derive(Debug)]
pub struct AcarsError {
    pub status: StatusCode,
    body: Map<String, Value>,
    /// Seconds for a `Retry-After` header (429).
    retry_after: Option<u64>,
    /// Sent as `application/problem+json` (phpVMS's problems).
    problem: bool,
}

impl AcarsError {
    fn with_key(status: StatusCode, key: &str, text: impl Into<String>) -> AcarsError {
        let mut body = Map::new();
        body.insert(key.to_string(), Value::String(text.into()));
        AcarsError { status, body, retry_after: None, problem: false }
    }

    /// A refusal with a body of its own (an object).
    pub fn body(status: StatusCode, body: Value) -> AcarsError {
        let body = match body {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        AcarsError { status, body, retry_after: None, problem: false }
    }

    /// `{"error": text}`, the module's usual refusal.
    pub fn new(status: StatusCode, text: impl Into<String>) -> AcarsError {
        AcarsError::with_key(status, "error", text)
    }

    /// `{"message": text}`, as `start` and `change-aircraft` refuse.
    pub fn message(status: StatusCode, text: impl Into<String>) -> AcarsError {
        AcarsError::with_key(status, "message", text)
    }

    /// A 422 naming what is wrong.
    pub fn invalid(text: impl Into<String>) -> AcarsError {
        AcarsError::new(StatusCode::UNPROCESSABLE_ENTITY, text)
    }

    /// A 429 telling the client when to try again.
    pub fn too_many(text: impl Into<String>, retry_after: u64) -> AcarsError {
        let mut error = AcarsError::new(StatusCode::TOO_MANY_REQUESTS, text);
        error.retry_after = Some(retry_after);
        error
    }

    pub fn with(mut self, field: &str, value: impl Into<Value>) -> AcarsError {
        self.body.insert(field.to_string(), value.into());
        self
    }

    /// The same refusal as `{"message": text}` only (smartCARS's one error
    /// shape), keeping the status and any `Retry-After`.
    pub fn into_message(self) -> AcarsError {
        let text = ["message", "error"]
            .iter()
            .find_map(|key| self.body.get(*key).and_then(Value::as_str))
            .unwrap_or("Something went wrong")
            .to_string();
        AcarsError { body: Map::from_iter([("message".to_string(), Value::String(text))]), ..self }
    }

    /// The module's auth middleware refusal.
    pub fn unauthenticated() -> AcarsError {
        AcarsError::new(StatusCode::UNAUTHORIZED, "Invalid Token").with("success", false)
    }

    /// A refusal in phpVMS core's problem shape, which the module's calls
    /// into phpVMS services produce (e.g. cancelling a filed PIREP, or the
    /// logbook's validation errors). `kind` is phpVMS's error type slug.
    pub fn phpvms(status: StatusCode, kind: &str, title: &str, details: &str) -> AcarsError {
        let code = status.as_u16();
        let Value::Object(body) = json!({
            "type": format!("https://phpvms.net/errors/{kind}"),
            "title": title,
            "details": details,
            "status": code,
            "error": { "status": code, "message": details },
        }) else {
            unreachable!("a JSON object literal")
        };
        AcarsError { status, body, retry_after: None, problem: false }
    }

    /// The same, sent as `application/problem+json` as phpVMS's core API
    /// sends its problems.
    pub fn problem(status: StatusCode, kind: &str, title: &str, details: &str) -> AcarsError {
        AcarsError { problem: true, ..AcarsError::phpvms(status, kind, title, details) }
    }

    /// phpVMS's validation problem: 400 with every message and the `errors`
    /// map by field.
    pub fn validation(errors: &[(&str, String)]) -> AcarsError {
        let details: Vec<&str> = errors.iter().map(|(_, m)| m.as_str()).collect();
        let mut map = Map::new();
        for (field, message) in errors {
            map.insert(field.to_string(), json!([message]));
        }
        AcarsError::problem(
            StatusCode::BAD_REQUEST,
            "validation-exception",
            "Validation Error",
            &details.join(", "),
        )
        .with("errors", Value::Object(map))
    }
}

impl From<sqlx::Error> for AcarsError {
    fn from(error: sqlx::Error) -> AcarsError {
        use crate::storage::DbFault;
        match crate::storage::classify(&error) {
            DbFault::Unavailable => {
                tracing::warn!(%error, "ACARS API: database unavailable");
                AcarsError::new(StatusCode::SERVICE_UNAVAILABLE, "Try again shortly.")
            }
            DbFault::NotFound => AcarsError::new(StatusCode::NOT_FOUND, "Not found"),
            DbFault::Conflict => {
                AcarsError::new(StatusCode::CONFLICT, "That is taken; reload and try again.")
            }
            DbFault::Other => {
                tracing::error!(%error, "ACARS API: database error");
                AcarsError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side.",
                )
            }
        }
    }
}

impl IntoResponse for AcarsError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if self.problem {
            let kind = header::HeaderValue::from_static("application/problem+json");
            response.headers_mut().insert(header::CONTENT_TYPE, kind);
        }
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
