//! API clients, as staff manage them: create (secret shown once), edit,
//! reset the secret, revoke, restore, delete. Every change is audited.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::usage::{counted, Counted};
use crate::auth::Staff;
use crate::credentials;
use crate::domain::client;
use crate::domain::staff::Permission::{ApiSettingsManage, ApiSettingsView};
use crate::http::error::FieldError;
use crate::http::extract::{Data, Json, Path, Query};
use crate::http::pagination::{List, Paging};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::audit::AuditEntry;
use crate::storage::clients::{self, Client, ClientKind};
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
) -> Result<List<Counted<Client>>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    let mut filters = vec![];
    if let Some(kind) = filter.kind {
        let kind: ClientKind =
            kind.parse().map_err(|_| ApiError::bad_request("kind must be operations or pilot"))?;
        filters.push(Filter::Text("kind", kind.as_str().to_string()));
    }
    Ok(paging.list(with_counts(&state, staff.org.id, &filters, &paging.by_id()?).await?))
}

/// A page of the org's clients with their request counts, as the JSON API
/// and the console page list them.
pub async fn with_counts(
    state: &AppState,
    org: crate::domain::OrgId,
    filters: &[Filter],
    request: &crate::storage::page::PageRequest,
) -> Result<crate::storage::page::Page<Counted<Client>>, ApiError> {
    let page = resource::list::<Client>(&state.db, org, filters, request).await?;
    let kind = |c: &Client| c.kind.credential_kind();
    counted(state, org, page, |c| c.id, kind).await
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
    /// `operations` (client credentials) or `pilot` (authorization code + PKCE).
    kind: String,
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
    /// Pilot clients: where pilots are sent back to.
    #[serde(default)]
    redirect_uris: Vec<String>,
    /// Pilot clients: an https link to the app's privacy policy.
    privacy_policy_url: Option<String>,
    /// Pilot clients: a public client (a mobile or desktop app) has no secret
    /// and must use PKCE.
    #[serde(default)]
    public: bool,
}

/// A client with its secret: the only answer that ever carries it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WithSecret {
    #[serde(flatten)]
    client: Client,
    client_secret: Option<String>,
}

fn invalid(problems: client::Problems) -> ApiError {
    ApiError::invalid(
        problems.into_iter().map(|(field, message)| FieldError { field, message }).collect(),
    )
}

async fn audit(
    tx: &mut Tx,
    staff: &Staff,
    action: &str,
    client: &Client,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    staff.audit(tx, action, "client", &client.client_id, detail).await
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Json(input): Json<NewClientInput>,
) -> Result<(StatusCode, Data<WithSecret>), ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let kind = input
        .kind
        .parse::<ClientKind>()
        .map_err(|_| ApiError::invalid_field("kind", "must be operations or pilot"))?;
    let registration = client::Registration {
        name: input.name,
        scopes: input.scopes,
        redirect_uris: input.redirect_uris,
        privacy_policy_url: input.privacy_policy_url,
    };
    let (org, actor) = (staff.org.id, staff.actor());
    let made = credentials::create_client(&state.db, org, &actor, kind, registration, input.public);
    let (client, secret) = made.await?;
    let client_secret = secret.map(|s| s.expose().to_string());
    Ok((StatusCode::CREATED, Data { data: WithSecret { client, client_secret } }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientChanges {
    name: Option<String>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<String>>,
    privacy_policy_url: Option<String>,
}

/// Edits a client. Changing a Pilot client's redirect URIs, scopes or privacy
/// policy keeps it attested only when the owner does it.
pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Json(input): Json<ClientChanges>,
) -> Result<Data<Client>, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut tx = state.db.begin().await?;
    let current = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    let sensitive = input.scopes.is_some()
        || input.redirect_uris.is_some()
        || input.privacy_policy_url.is_some();
    let registration = client::Registration {
        name: input.name.unwrap_or_else(|| current.name.clone()),
        scopes: input
            .scopes
            .unwrap_or_else(|| current.scopes.0.iter().map(|s| s.to_string()).collect()),
        redirect_uris: input.redirect_uris.unwrap_or_else(|| current.redirect_uris.0.clone()),
        privacy_policy_url: input.privacy_policy_url.or_else(|| current.privacy_policy_url.clone()),
    };
    let checked = match current.kind {
        ClientKind::Operations => client::check_operations(&registration),
        ClientKind::Pilot => client::check_pilot(&registration),
    }
    .map_err(invalid)?;
    let org = staff.org.id;
    clients::rename_and_rescope(&mut tx, org, id, &checked.name, &checked.scopes).await?;
    let policy = checked.privacy_policy_url.as_deref();
    clients::set_registration(&mut tx, org, id, &checked.redirect_uris, policy).await?;
    let reattest = current.kind == ClientKind::Pilot
        && sensitive
        && !staff.permissions.is_owner()
        && current.attested_at.is_some();
    if reattest {
        clients::withdraw_attestation(&mut tx, org, id).await?;
    }
    let detail = json!({ "name": checked.name, "scopes": checked.scopes, "redirect_uris": checked.redirect_uris, "attestation_withdrawn": reattest });
    audit(&mut tx, &staff, "client.updated", &current, detail).await?;
    let updated = clients::get(&mut tx, org, id).await?.ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(Data { data: updated })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// The owner confirms having reviewed the app's privacy policy.
    privacy_policy_reviewed: bool,
}

/// The owner approves a Pilot client; until then no pilot can authorise it.
pub async fn attest(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Json(input): Json<Attestation>,
) -> Result<Data<Client>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    staff.require_owner()?;
    if !input.privacy_policy_reviewed {
        return Err(ApiError::invalid_field(
            "privacy_policy_reviewed",
            "review the privacy policy, then confirm",
        ));
    }
    let mut tx = state.db.begin().await?;
    let client = clients::get(&mut tx, staff.org.id, id).await?.ok_or_else(|| not_found(id))?;
    if client.kind != ClientKind::Pilot {
        return Err(ApiError::conflict("only Pilot clients are attested"));
    }
    clients::attest(&mut tx, staff.org.id, id, staff.user.id).await?;
    let detail = json!({ "privacy_policy_url": client.privacy_policy_url });
    audit(&mut tx, &staff, "client.attested", &client, detail).await?;
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
    if !revoked && client.kind == ClientKind::Pilot && client.attested_at.is_none() {
        return Err(ApiError::conflict("a Pilot client goes live when the owner attests it"));
    }
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
    let page = resource::list::<AuditEntry>(&state.db, staff.org.id, &[], &paging.by_id()?).await?;
    Ok(paging.list(page))
}
