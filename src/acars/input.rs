//! A request's fields, read as the module reads them. The module takes
//! `$request->input()` / `$request->all()`: the JSON or form body over the
//! query string, strings trimmed and `""` turned into null (Laravel's
//! `TrimStrings` and `ConvertEmptyStringsToNull`), and a body that is not
//! JSON is no fields at all. Each route then says what it requires, in the
//! module's words; fields it does not know are ignored, as there.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde_json::{Map, Value};

use super::AcarsError;

pub struct Input(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Input {
    type Rejection = AcarsError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AcarsError> {
        let query = request.uri().query().map(str::to_owned);
        let form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| AcarsError::new(e.status(), e.body_text()))?;
        let mut fields = Map::new();
        let mut pairs = |text: &[u8]| {
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(text).unwrap_or_default();
            for (name, value) in pairs {
                fields.insert(name, Value::String(value));
            }
        };
        if let Some(query) = query {
            pairs(query.as_bytes());
        }
        if form {
            pairs(&bytes);
        } else if let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&bytes) {
            fields.extend(body);
        }
        for (name, value) in fields.iter_mut() {
            // Laravel trims every string but passwords.
            match name.as_str() {
                "password" if value.as_str() == Some("") => *value = Value::Null,
                "password" => {}
                _ => normalise(value),
            }
        }
        Ok(Input(fields))
    }
}

/// Trimmed strings, `""` as null, all the way down.
fn normalise(value: &mut Value) {
    match value {
        Value::String(s) => {
            let trimmed = s.trim();
            if trimmed.is_empty() {
                *value = Value::Null;
            } else if trimmed.len() != s.len() {
                *s = trimmed.to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        Value::Object(fields) => fields.values_mut().for_each(normalise),
        _ => {}
    }
}

/// A field that is there and not null.
pub fn present<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name).filter(|v| !v.is_null())
}

/// A field as text: strings as they are, numbers written out.
pub fn text(fields: &Map<String, Value>, name: &str) -> Option<String> {
    present(fields, name).and_then(as_text)
}

/// A scalar as text, as PHP's `(string)` makes it (`true` is "1").
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(true) => Some("1".into()),
        _ => None,
    }
}

/// A number sent as a JSON number or as numeric text; `Err` for anything
/// else (the caller names the field).
pub fn number(fields: &Map<String, Value>, name: &str) -> Result<Option<f64>, ()> {
    match present(fields, name) {
        None => Ok(None),
        Some(value) => as_number(value).map(Some).ok_or(()),
    }
}

pub fn as_number(value: &Value) -> Option<f64> {
    let n = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    n.filter(|n| n.is_finite())
}

/// A whole number (an id) sent as a number or text; anything else is none.
pub fn id(fields: &Map<String, Value>, name: &str) -> Option<i64> {
    let n = present(fields, name).and_then(as_number)?;
    (n.fract() == 0.0 && n.abs() < 9e15).then_some(n as i64)
}

/// The tracking id a body names (`uuid` or `tracking_id`, text or number).
pub fn tracking_id(fields: &Map<String, Value>) -> Option<String> {
    text(fields, "uuid").or_else(|| text(fields, "tracking_id"))
}
