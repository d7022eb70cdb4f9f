//! Errors in the module's shape: `{"error": "…", "request_id": "…"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::request_id;

#[derive(Debug)]
pub struct AcarsError {
    pub status: StatusCode,
    pub message: String,
}

impl AcarsError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> AcarsError {
        AcarsError { status, message: message.into() }
    }

    pub fn unauthenticated() -> AcarsError {
        AcarsError::new(StatusCode::UNAUTHORIZED, "Unauthenticated.")
    }
}

impl From<sqlx::Error> for AcarsError {
    fn from(error: sqlx::Error) -> AcarsError {
        tracing::error!(%error, "ACARS API: database error");
        AcarsError::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.")
    }
}

impl IntoResponse for AcarsError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.message, "request_id": request_id::current() });
        (self.status, axum::Json(body)).into_response()
    }
}

/// A JSON body; what cannot be read is a 422 (400 when it is not JSON at
/// all) in the module's error shape, naming what is wrong.
pub struct AcarsJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for AcarsJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AcarsError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AcarsError> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(AcarsJson(value)),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(AcarsError::new(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()))
            }
            Err(e) => Err(AcarsError::new(StatusCode::BAD_REQUEST, e.body_text())),
        }
    }
}
