//! API clients, as staff manage them: create (secret shown once), edit,
//! reset the secret, revoke, restore, delete. Every change is audited.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::AppState;
use crate::auth::Staff;
use crate::domain::scope::{Scopes, OPERATIONS};
use crate::domain::staff::Permission::{ApiSettingsManage, ApiSettingsView};
use crate::http::error::FieldError;
use crate::http::extract::{Data, Json, Path, Query};
use crate::http::pagination::{List, Paging};
use crate::http::ApiError;
use crate::storage::audit::{self, AuditEntry};
use crate::storage::clients::{self, Client, ClientKind, NewClient};
use crate::storage::resource::{self, Filter};
use crate::storage::Tx;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ClientFilter {
    kind: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    paging: Paging,
    Query(filter): Query<ClientFilter>,
) -> Result<List<Client>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    let mut filters = vec![];
    if let Some(kind) = filter.kind {
        let kind: ClientKind =
            kind.parse().map_err(|_| ApiError::bad_request("kind must be operations or pilot"))?;
        filters.push(Filter::Text("kind", kind.as_str().to_string()));
    }
    let page = resource::list::<Client>(&state.db, staff.org.id, &filters, &paging.request).await?;
    Ok(paging.list(page))
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Data<Client>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    let client = resource::get::<Client>(&state.db, staff.org.id, id).await?;
    Ok(Data { data: client.ok_or_else(|| not_found(id))? })
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("no client with id {id}"))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClientInput {
    kind: String,
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
}

/// A client with its secret: the only answer that ever carries it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WithSecret {
    #[serde(flatten)]
    client: Client,
    client_secret: Option<String>,
}

fn check_name(name: &str, errors: &mut Vec<FieldError>) {
    if name.trim().is_empty() || name.chars().count() > 100 {
        errors
            .push(FieldError { field: "name".into(), message: "must be 1-100 characters".into() });
    }
}

/// Operations scopes from a body; unknown ones are named in the 422.
fn operations_scopes(list: &[String], errors: &mut Vec<FieldError>) -> Scopes {
    match Scopes::from_list(list) {
        Ok(scopes) => {
            let foreign = scopes.outside(&OPERATIONS);
            if !foreign.is_empty() {
                errors.push(FieldError {
                    field: "scopes".into(),
                    message: format!("not Operations scopes: {}", foreign.join(", ")),
                });
            }
            scopes
        }
        Err(unknown) => {
            errors.push(FieldError {
                field: "scopes".into(),
                message: format!("unknown scopes: {}", unknown.join(", ")),
            });
            Scopes::default()
        }
    }
}

async fn audit(
    tx: &mut Tx,
    staff: &Staff,
    action: &str,
    client: &Client,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    let actor = format!("staff:{}", staff.user.email);
    audit::record(tx, staff.org.id, &actor, action, "client", &client.client_id, detail).await?;
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Json(input): Json<NewClientInput>,
) -> Result<(StatusCode, Data<WithSecret>), ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut errors = vec![];
    check_name(&input.name, &mut errors);
    let kind = match input.kind.parse::<ClientKind>() {
        Ok(ClientKind::Operations) => ClientKind::Operations,
        _ => {
            errors.push(FieldError { field: "kind".into(), message: "must be operations".into() });
            ClientKind::Operations
        }
    };
    let scopes = operations_scopes(&input.scopes, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let new = NewClient {
        kind,
        name: input.name.trim(),
        scopes: &scopes,
        redirect_uris: &[],
        privacy_policy_url: None,
        confidential: true,
    };
    let mut tx = state.db.begin().await?;
    let (id, secret) = clients::create(&mut tx, staff.org.id, &new).await?;
    let client = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    audit(
        &mut tx,
        &staff,
        "client.created",
        &client,
        json!({ "name": client.name, "kind": kind.as_str(), "scopes": scopes }),
    )
    .await?;
    tx.commit().await?;
    let client_secret = secret.map(|s| s.expose().to_string());
    Ok((StatusCode::CREATED, Data { data: WithSecret { client, client_secret } }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientChanges {
    name: Option<String>,
    scopes: Option<Vec<String>>,
}

pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Json(input): Json<ClientChanges>,
) -> Result<Data<Client>, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut tx = state.db.begin().await?;
    let client = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    let mut errors = vec![];
    let name = input.name.unwrap_or_else(|| client.name.clone());
    check_name(&name, &mut errors);
    let scopes = match &input.scopes {
        Some(list) => operations_scopes(list, &mut errors),
        None => client.scopes.0.clone(),
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    clients::rename_and_rescope(&mut tx, staff.org.id, id, name.trim(), &scopes).await?;
    audit(
        &mut tx,
        &staff,
        "client.updated",
        &client,
        json!({ "name": name.trim(), "scopes": scopes }),
    )
    .await?;
    let updated = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(Data { data: updated })
}

pub async fn reset_secret(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Data<WithSecret>, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut tx = state.db.begin().await?;
    let client = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    if !client.confidential.0 {
        return Err(ApiError::conflict("a public client has no secret to reset"));
    }
    let secret = clients::reset_secret(&mut tx, staff.org.id, id).await?;
    audit(&mut tx, &staff, "client.secret_reset", &client, json!({ "tokens_revoked": true }))
        .await?;
    tx.commit().await?;
    Ok(Data { data: WithSecret { client, client_secret: Some(secret.expose().to_string()) } })
}

async fn set_revoked(
    state: &AppState,
    staff: &Staff,
    id: i64,
    revoked: bool,
) -> Result<Data<Client>, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut tx = state.db.begin().await?;
    let client = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    clients::set_revoked(&mut tx, staff.org.id, id, revoked).await?;
    let action = if revoked { "client.revoked" } else { "client.restored" };
    audit(&mut tx, staff, action, &client, json!({})).await?;
    let updated = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(Data { data: updated })
}

pub async fn revoke(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Data<Client>, ApiError> {
    set_revoked(&state, &staff, id, true).await
}

pub async fn restore(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Data<Client>, ApiError> {
    set_revoked(&state, &staff, id, false).await
}

pub async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut tx = state.db.begin().await?;
    let client = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    clients::delete(&mut tx, staff.org.id, id).await?;
    audit(&mut tx, &staff, "client.deleted", &client, json!({ "name": client.name })).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn audit_trail(
    State(state): State<AppState>,
    staff: Staff,
    paging: Paging,
) -> Result<List<AuditEntry>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    let page = resource::list::<AuditEntry>(&state.db, staff.org.id, &[], &paging.request).await?;
    Ok(paging.list(page))
}
