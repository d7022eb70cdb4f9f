//! Legacy API tokens (Settings → API) and org API keys (Settings →
//! Integrations), as staff manage them. Values are shown once; every change
//! is audited.

use crate::storage::Table;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::Staff;
use crate::console::usage::{counted, Counted};
use crate::credentials::{self, CredentialError};
use crate::domain::staff::Permission::{ApiSettingsManage, ApiSettingsView};
use crate::domain::usage::CredentialKind;
use crate::http::extract::{Data, Json, Path};
use crate::http::pagination::{List, Paging};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::api_tokens::ApiToken;
use crate::storage::org_keys::{self, OrgKey};
use crate::storage::resource;

impl From<CredentialError> for ApiError {
    fn from(error: CredentialError) -> ApiError {
        match error {
            CredentialError::Invalid(problems) => ApiError::invalid(
                problems
                    .into_iter()
                    .map(|(field, message)| crate::http::error::FieldError { field, message })
                    .collect(),
            ),
            CredentialError::Database(e) => e.into(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
}

/// A token with its value: the only answer that ever carries it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenOnce {
    #[serde(flatten)]
    token: ApiToken,
    value: String,
}

pub async fn list_tokens(
    State(state): State<AppState>,
    staff: Staff,
    paging: Paging,
) -> Result<List<Counted<ApiToken>>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    Ok(paging.list(tokens_with_counts(&state, staff.org.id, &paging.by_id()?).await?))
}

/// A page of the org's legacy tokens with their request counts, as the JSON
/// API and the console page list them.
pub async fn tokens_with_counts(
    state: &AppState,
    org: crate::domain::OrgId,
    request: &crate::storage::page::PageRequest,
) -> Result<crate::storage::page::Page<Counted<ApiToken>>, ApiError> {
    let page = resource::list::<ApiToken>(&state.db, org, &[], request).await?;
    let kind = |_: &ApiToken| CredentialKind::LegacyToken;
    counted(state, org, page, |t| t.id, kind).await
}

pub async fn create_token(
    State(state): State<AppState>,
    staff: Staff,
    Json(input): Json<NewToken>,
) -> Result<(StatusCode, Data<TokenOnce>), ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let (org, actor) = (staff.org.id, staff.actor());
    let (id, value) = credentials::create_token(&state.db, org, &actor, &input.name).await?;
    let token = resource::get::<ApiToken>(&state.db, staff.org.id, id)
        .await?
        .ok_or_else(|| ApiError::internal("token vanished"))?;
    Ok((StatusCode::CREATED, Data { data: TokenOnce { token, value: value.expose().to_string() } }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// Deleting is final: send `true` to confirm.
    #[serde(default)]
    confirm: bool,
}

/// Deletes a token once confirmed; it stops working on the next request.
pub async fn delete_token(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    crate::http::extract::OptionalJson(input): crate::http::extract::OptionalJson<Confirmation>,
) -> Result<StatusCode, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    if !input.unwrap_or_default().confirm {
        return Err(ApiError::invalid_field(
            "confirm",
            "deleting a token is final: send {\"confirm\": true}",
        ));
    }
    staff
        .delete_audited(
            &state.db,
            (Table::ApiTokens, "api_token", "API token"),
            id,
            "token.deleted",
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    name: String,
    /// `public.*:read` scopes.
    scopes: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeyOnce {
    #[serde(flatten)]
    key: OrgKey,
    value: String,
}

pub async fn list_keys(
    State(state): State<AppState>,
    staff: Staff,
    paging: Paging,
) -> Result<List<Counted<OrgKey>>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    let page = resource::list::<OrgKey>(&state.db, staff.org.id, &[], &paging.by_id()?).await?;
    let kind = |_: &OrgKey| CredentialKind::OrgKey;
    Ok(paging.list(counted(&state, staff.org.id, page, |k| k.id, kind).await?))
}

pub async fn create_key(
    State(state): State<AppState>,
    staff: Staff,
    Json(input): Json<NewKey>,
) -> Result<(StatusCode, Data<KeyOnce>), ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let (org, actor) = (staff.org.id, staff.actor());
    let (id, value) =
        credentials::create_key(&state.db, org, &actor, &input.name, &input.scopes).await?;
    let key = resource::get::<OrgKey>(&state.db, staff.org.id, id)
        .await?
        .ok_or_else(|| ApiError::internal("key vanished"))?;
    Ok((StatusCode::CREATED, Data { data: KeyOnce { key, value: value.expose().to_string() } }))
}

pub async fn revoke_key(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Data<OrgKey>, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut tx = state.db.begin().await?;
    if !resource::exists(&mut tx, staff.org.id, Table::OrgKeys, id).await? {
        return Err(ApiError::not_found(format!("no API key with id {id}")));
    }
    org_keys::revoke(&mut tx, staff.org.id, id).await?;
    staff.audit(&mut tx, "key.revoked", "org_key", &id.to_string(), json!({})).await?;
    tx.commit().await?;
    let key = resource::get::<OrgKey>(&state.db, staff.org.id, id)
        .await?
        .ok_or_else(|| ApiError::internal("key vanished"))?;
    Ok(Data { data: key })
}

pub async fn delete_key(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    staff
        .delete_audited(&state.db, (Table::OrgKeys, "org_key", "API key"), id, "key.deleted")
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
