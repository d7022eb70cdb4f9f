//! Typed query parameters shared by hand-written list filters. A bad value
//! is a 400 that names the parameter.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::ApiError;
use crate::domain::Timestamp;
use crate::storage::resource::{Filter, FilterKind, Resource};

pub fn int_param(query: &HashMap<String, String>, name: &str) -> Result<Option<i64>, ApiError> {
    query
        .get(name)
        .map(|v| {
            v.parse().map_err(|_| ApiError::bad_request(format!("`{name}` must be a whole number")))
        })
        .transpose()
}

/// A date (midnight UTC) or an RFC 3339 time, as database text.
pub fn time_param(query: &HashMap<String, String>, name: &str) -> Result<Option<String>, ApiError> {
    query
        .get(name)
        .map(|v| {
            Timestamp::try_from(v.clone())
                .map(|t| t.to_db())
                .or_else(|_| {
                    NaiveDate::parse_from_str(v, "%Y-%m-%d").map(|d| format!("{d}T00:00:00"))
                })
                .map_err(|_| {
                    ApiError::bad_request(format!(
                        "`{name}` must be a date (YYYY-MM-DD) or an RFC 3339 time"
                    ))
                })
        })
        .transpose()
}

/// An end bound: a date means through the end of that day; a time is exact.
pub fn until_param(
    query: &HashMap<String, String>,
    name: &str,
) -> Result<Option<String>, ApiError> {
    let day = query.get(name).and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok());
    match day {
        Some(day) => Ok(Some(format!("{}T00:00:00", day + chrono::Days::new(1)))),
        None => time_param(query, name),
    }
}

/// An HTTP status range: `2xx`, `404`, or `500-599`; inclusive bounds.
pub fn status_param(
    query: &HashMap<String, String>,
    name: &str,
) -> Result<Option<(i64, i64)>, ApiError> {
    let Some(text) = query.get(name) else { return Ok(None) };
    let code = |t: &str| t.parse::<i64>().ok().filter(|c| (100..=599).contains(c));
    let range = if let Some(class) = text.strip_suffix("xx") {
        code(&format!("{class}00")).map(|low| (low, low + 99))
    } else if let Some((low, high)) = text.split_once('-') {
        code(low).zip(code(high)).filter(|(l, h)| l <= h)
    } else {
        code(text).map(|c| (c, c))
    };
    range.map(Some).ok_or_else(|| {
        ApiError::bad_request(format!(
            "`{name}` must be a status (404), a class (4xx) or a range (500-599)"
        ))
    })
}

/// The filters a list request asks for, from `R::FILTERS`, as `filter[name]`
/// (vAMSYS's syntax) or `name`; a bad value is a 400.
pub fn filters<R: Resource>(query: &HashMap<String, String>) -> Result<Vec<Filter>, ApiError> {
    let mut out = vec![];
    for (param, column, kind) in R::FILTERS {
        let bracketed = format!("filter[{param}]");
        let Some(value) = query.get(&bracketed).or_else(|| query.get(*param)) else { continue };
        out.push(match kind {
            FilterKind::Int => Filter::Int(
                column,
                value.parse().map_err(|_| {
                    ApiError::bad_request(format!("filter `{param}` must be a whole number"))
                })?,
            ),
            FilterKind::Text => Filter::Text(column, value.clone()),
        });
    }
    Ok(out)
}

/// Refuses any parameter not in `known` (a list adds `PAGING_PARAMS`): a
/// hand-written route ignores nothing silently either.
pub fn refuse_unknown(query: &HashMap<String, String>, known: &[&str]) -> Result<(), ApiError> {
    let mut unknown: Vec<&str> =
        query.keys().map(String::as_str).filter(|k| !known.contains(k)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort();
    Err(ApiError::bad_request(format!(
        "unknown parameter {}: this route takes {}",
        unknown.join(", "),
        if known.is_empty() { "no parameters of its own".to_string() } else { known.join(", ") }
    ))
    .with("unknown", serde_json::json!(unknown)))
}

/// The filters of a generic list, refusing any parameter that is neither
/// paging nor one of `R`'s filters: nothing is silently ignored.
pub fn list_filters<R: Resource>(query: &HashMap<String, String>) -> Result<Vec<Filter>, ApiError> {
    list_filters_with::<R>(query, &[])
}

/// `list_filters`, for a list that also reads the parameters `extra` itself.
pub fn list_filters_with<R: Resource>(
    query: &HashMap<String, String>,
    extra: &[&str],
) -> Result<Vec<Filter>, ApiError> {
    let known = |key: &str| {
        let name = key.strip_prefix("filter[").and_then(|k| k.strip_suffix(']')).unwrap_or(key);
        super::pagination::PAGING_PARAMS.contains(&key)
            || extra.contains(&key)
            || R::FILTERS.iter().any(|(param, _, _)| *param == name)
    };
    let mut unknown: Vec<&str> = query.keys().map(String::as_str).filter(|k| !known(k)).collect();
    if !unknown.is_empty() {
        unknown.sort();
        let mut offered: Vec<&str> = R::FILTERS.iter().map(|(param, _, _)| *param).collect();
        offered.extend_from_slice(extra);
        return Err(ApiError::bad_request(format!(
            "unknown parameter {}: this list takes page[size], page[cursor], sort and {}",
            unknown.join(", "),
            if offered.is_empty() { "no filters".to_string() } else { offered.join(", ") }
        ))
        .with("unknown", serde_json::json!(unknown)));
    }
    filters::<R>(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &str, value: &str) -> HashMap<String, String> {
        HashMap::from([(name.to_string(), value.to_string())])
    }

    #[test]
    fn status_ranges() {
        let status = |v: &str| status_param(&query("status", v), "status").ok().flatten();
        assert_eq!(status("2xx"), Some((200, 299)));
        assert_eq!(status("404"), Some((404, 404)));
        assert_eq!(status("500-599"), Some((500, 599)));
        assert_eq!(status("9xx"), None);
        assert_eq!(status("599-500"), None);
        assert_eq!(status("abc"), None);
    }

    #[test]
    fn until_a_date_includes_that_day() {
        let until = until_param(&query("to", "2026-11-30"), "to").unwrap();
        assert_eq!(until.as_deref(), Some("2026-12-01T00:00:00"));
    }
}
