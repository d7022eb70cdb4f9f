//! Errors in the module's shape: `{"error": "…", "request_id": "…"}`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::request_id;

#[derive(Debug)]
pub struct AcarsError {
    pub status: StatusCode,
    pub message: String,
    /// Fields some answers add to the module's shape (`state`, `pirep_id`…).
    extra: serde_json::Map<String, serde_json::Value>,
    /// Seconds for a `Retry-After` header (429).
    retry_after: Option<u64>,
}

impl AcarsError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> AcarsError {
        AcarsError {
            status,
            message: message.into(),
            extra: serde_json::Map::new(),
            retry_after: None,
        }
    }

    /// A 422 naming what is wrong.
    pub fn invalid(message: impl Into<String>) -> AcarsError {
        AcarsError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// A 429 telling the client when to try again.
    pub fn too_many(message: impl Into<String>, retry_after: u64) -> AcarsError {
        let mut error = AcarsError::new(StatusCode::TOO_MANY_REQUESTS, message);
        error.retry_after = Some(retry_after);
        error
    }

    pub fn with(mut self, field: &str, value: impl Into<serde_json::Value>) -> AcarsError {
        self.extra.insert(field.to_string(), value.into());
        self
    }

    pub fn unauthenticated() -> AcarsError {
        AcarsError::new(StatusCode::UNAUTHORIZED, "Unauthenticated.")
    }
}

impl From<sqlx::Error> for AcarsError {
    fn from(error: sqlx::Error) -> AcarsError {
        if crate::storage::is_unavailable(&error) {
            tracing::warn!(%error, "ACARS API: database unavailable");
            return AcarsError::new(StatusCode::SERVICE_UNAVAILABLE, "Try again shortly.");
        }
        tracing::error!(%error, "ACARS API: database error");
        AcarsError::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.")
    }
}

impl IntoResponse for AcarsError {
    fn into_response(self) -> Response {
        let mut body = self.extra;
        body.insert("error".into(), json!(self.message));
        body.insert("request_id".into(), json!(request_id::current()));
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// A JSON body; what cannot be read is a 422 (400 when it is not JSON at
/// all) in the module's error shape, naming what is wrong. An empty body is
/// `{}`: the client posts some calls without one.
pub struct AcarsJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for AcarsJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AcarsError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AcarsError> {
        use axum::extract::rejection::JsonRejection;
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| AcarsError::new(e.status(), e.body_text()))?;
        let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
            axum::body::Bytes::from_static(b"{}")
        } else {
            bytes
        };
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(AcarsJson(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(AcarsError::invalid(e.body_text())),
            Err(e) => Err(AcarsError::new(StatusCode::BAD_REQUEST, e.body_text())),
        }
    }
}
