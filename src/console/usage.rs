//! Request statistics and the request log, for the console and automation
//! (`api.settings.view`).

use std::collections::HashMap;

use axum::extract::State;
use chrono::Utc;
use serde::Serialize;

use crate::auth::Staff;
use crate::domain::staff::Permission::ApiSettingsView;
use crate::domain::usage::CredentialKind;
use crate::domain::OrgId;
use crate::http::extract::{Data, Query};
use crate::http::pagination::{List, Paging};
use crate::http::params::{filters, status_param, time_param, until_param};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::page::Page;
use crate::storage::resource::{self, Filter};
use crate::storage::usage::{self, LogRow, Usage};

/// A credential as the console lists it: the row and its request counts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Counted<T> {
    #[serde(flatten)]
    pub item: T,
    pub requests: Usage,
}

/// Adds request counts to a page of credentials; `kind_of` says which kind each row is.
pub async fn counted<T>(
    state: &AppState,
    org: OrgId,
    page: Page<T>,
    id_of: impl Fn(&T) -> i64,
    kind_of: impl Fn(&T) -> CredentialKind,
) -> Result<Page<Counted<T>>, ApiError> {
    let today = Utc::now().date_naive();
    let mut by_kind: HashMap<CredentialKind, HashMap<i64, Usage>> = HashMap::new();
    let mut kinds: Vec<CredentialKind> = page.items.iter().map(&kind_of).collect();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    for kind in kinds {
        by_kind.insert(kind, usage::usage(&state.db, org, kind, today).await?);
    }
    Ok(page.map(|item| {
        let requests = by_kind[&kind_of(&item)].get(&id_of(&item)).copied().unwrap_or_default();
        Counted { item, requests }
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CredentialUsage {
    kind: CredentialKind,
    id: i64,
    /// The credential's name; null once it is deleted (its counts stay).
    name: Option<String>,
    requests: Usage,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UsageReport {
    credentials: Vec<CredentialUsage>,
    /// Log entries this server lost since it started (writer backlog full or
    /// a failed batch); they are missing from the log and the counts.
    dropped_log_entries: u64,
}

/// `GET /console/api/usage`: every credential of the org that was used.
pub async fn report(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Data<UsageReport>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    let org = staff.org.id;
    let today = Utc::now().date_naive();
    let mut credentials = vec![];
    for kind in CredentialKind::ALL {
        let names = credential_names(&state, org, kind).await?;
        let mut used: Vec<_> =
            usage::usage(&state.db, org, kind, today).await?.into_iter().collect();
        used.sort_by_key(|(id, _)| *id);
        credentials.extend(used.into_iter().map(|(id, requests)| CredentialUsage {
            kind,
            id,
            name: names.get(&id).cloned(),
            requests,
        }));
    }
    Ok(Data { data: UsageReport { credentials, dropped_log_entries: state.request_log.dropped() } })
}

/// The names of an org's credentials of `kind` by id, for the usage report
/// and the request log page.
pub async fn credential_names(
    state: &AppState,
    org: OrgId,
    kind: CredentialKind,
) -> Result<HashMap<i64, String>, sqlx::Error> {
    crate::storage::usage::credential_names(&state.db, org, kind).await
}

/// `GET /console/api/request-log`: newest first; filters `client` (a
/// credential id), `kind`, `method`, `status` (`2xx`, `404`, `500-599`),
/// `from` and `to` (dates, inclusive, or RFC 3339 times).
pub async fn log(
    State(state): State<AppState>,
    staff: Staff,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<LogRow>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    Ok(paging.list(log_page(&state, staff.org.id, &query, &paging.by_id()?).await?))
}

/// A page of the org's request log under the console's filters (`client`,
/// `kind`, `method`, `status` such as `4xx`, `from`, `to`), newest first;
/// the JSON API and the console page both read it here.
pub async fn log_page(
    state: &AppState,
    org: OrgId,
    query: &HashMap<String, String>,
    request: &crate::storage::page::PageRequest,
) -> Result<Page<LogRow>, ApiError> {
    let mut filters = filters::<LogRow>(query)?;
    if let Some((low, high)) = status_param(query, "status")? {
        filters.push(Filter::IntBetween("status", low, high));
    }
    if let Some(from) = time_param(query, "from")? {
        filters.push(Filter::AtLeast("at", from));
    }
    if let Some(until) = until_param(query, "to")? {
        filters.push(Filter::Before("at", until));
    }
    Ok(resource::list::<LogRow>(&state.db, org, &filters, request).await?)
}
