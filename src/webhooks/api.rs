//! Webhook endpoints as staff manage them (`/console/api/webhooks`): register,
//! edit, rotate the secret, ping, and read the delivery log. Reading needs
//! `api.settings.view`, changes `api.settings.manage`; every change is audited.

use crate::storage::Table;
use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::Staff;
use crate::domain::staff::Permission::{ApiSettingsManage, ApiSettingsView};
use crate::http::extract::{Data, Json, Path, Query};
use crate::http::pagination::{List, Paging};
use crate::http::params::filters;
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::resource::{self, Filter, Value};
use crate::storage::webhooks::{self, Attempt, Delivery, Endpoint};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/api/webhooks", get(list).post(create))
        .route("/console/api/webhooks/{id}", get(show).patch(edit).delete(delete))
        .route("/console/api/webhooks/{id}/rotate-secret", post(rotate_secret))
        .route("/console/api/webhooks/{id}/ping", post(ping))
        .route("/console/api/webhooks/{id}/deliveries", get(deliveries))
        .route("/console/api/webhook-deliveries/{id}", get(delivery))
        .route("/console/api/webhook-deliveries/{id}/redeliver", post(redeliver))
}

async fn endpoint(state: &AppState, staff: &Staff, id: i64) -> Result<Endpoint, ApiError> {
    resource::get::<Endpoint>(&state.db, staff.org.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no webhook endpoint with id {id}")))
}

fn event_types(types: &[String]) -> Result<Vec<String>, ApiError> {
    let types = crate::webhooks::check_event_types(types).map_err(|unknown| {
        ApiError::invalid_field(
            "event_types",
            format!("unknown event types: {}", unknown.join(", ")),
        )
    })?;
    if types.is_empty() {
        return Err(ApiError::invalid_field("event_types", "subscribe to at least one event type"));
    }
    Ok(types)
}

async fn url(state: &AppState, url: &str) -> Result<String, ApiError> {
    crate::webhooks::check_url(url, state.config.allow_insecure_webhooks)
        .await
        .map_err(|why| ApiError::invalid_field("url", why))
}

fn description(text: Option<String>) -> Result<String, ApiError> {
    let text = text.unwrap_or_default();
    if text.chars().count() > 500 {
        return Err(ApiError::invalid_field("description", "must be at most 500 characters"));
    }
    Ok(text)
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    paging: Paging,
) -> Result<List<Endpoint>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    Ok(paging
        .list(resource::list::<Endpoint>(&state.db, staff.org.id, &[], &paging.by_id()?).await?))
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Data<Endpoint>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    Ok(Data { data: endpoint(&state, &staff, id).await? })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEndpoint {
    url: String,
    description: Option<String>,
    event_types: Vec<String>,
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

/// An endpoint with its signing secret: the only answers that carry it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WithSecret {
    #[serde(flatten)]
    endpoint: Endpoint,
    secret: String,
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Json(input): Json<NewEndpoint>,
) -> Result<(StatusCode, Data<WithSecret>), ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let types = event_types(&input.event_types)?;
    let description = description(input.description)?;
    let url = url(&state, &input.url).await?;
    let mut tx = state.db.begin().await?;
    let (id, secret) =
        webhooks::create(&mut tx, staff.org.id, &url, &description, &types, input.enabled).await?;
    staff
        .audit(
            &mut tx,
            "webhook.created",
            "webhook_endpoint",
            &id.to_string(),
            json!({ "url": url, "event_types": types }),
        )
        .await?;
    tx.commit().await?;
    let endpoint = endpoint(&state, &staff, id).await?;
    Ok((StatusCode::CREATED, Data { data: WithSecret { endpoint, secret } }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointChanges {
    url: Option<String>,
    description: Option<String>,
    event_types: Option<Vec<String>>,
    /// Disabling holds deliveries; they go out when it is enabled again.
    enabled: Option<bool>,
}

async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Json(input): Json<EndpointChanges>,
) -> Result<Data<Endpoint>, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut columns = vec![];
    if let Some(u) = &input.url {
        columns.push(("url", Value::Text(url(&state, u).await?)));
    }
    if input.description.is_some() {
        columns.push(("description", Value::Text(description(input.description.clone())?)));
    }
    if let Some(types) = &input.event_types {
        columns.push(("event_types", Value::Text(event_types(types)?.join("\n"))));
    }
    if let Some(enabled) = input.enabled {
        columns.push(("enabled", Value::Int(i64::from(enabled))));
        if enabled {
            columns.push(("disabled_reason", Value::NullText));
        }
    }
    let mut tx = state.db.begin().await?;
    if !resource::exists(&mut tx, staff.org.id, Table::WebhookEndpoints, id).await? {
        return Err(ApiError::not_found(format!("no webhook endpoint with id {id}")));
    }
    if !columns.is_empty() {
        resource::update(&mut tx, staff.org.id, Table::WebhookEndpoints, id, &columns).await?;
    }
    let changed: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
    staff
        .audit(
            &mut tx,
            "webhook.updated",
            "webhook_endpoint",
            &id.to_string(),
            json!({ "changed": changed }),
        )
        .await?;
    tx.commit().await?;
    Ok(Data { data: endpoint(&state, &staff, id).await? })
}

async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let what = (Table::WebhookEndpoints, "webhook_endpoint", "webhook endpoint");
    staff.delete_audited(&state.db, what, id, "webhook.deleted").await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn rotate_secret(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Data<WithSecret>, ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let mut tx = state.db.begin().await?;
    let secret = webhooks::rotate_secret(&mut tx, staff.org.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no webhook endpoint with id {id}")))?;
    staff
        .audit(&mut tx, "webhook.secret_rotated", "webhook_endpoint", &id.to_string(), json!({}))
        .await?;
    tx.commit().await?;
    Ok(Data { data: WithSecret { endpoint: endpoint(&state, &staff, id).await?, secret } })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Pinged {
    event_id: uuid::Uuid,
}

async fn ping(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Data<Pinged>), ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    endpoint(&state, &staff, id).await?;
    let mut tx = state.db.begin().await?;
    let event_id = webhooks::ping(&mut tx, staff.org.id, id).await?;
    tx.commit().await?;
    Ok((StatusCode::ACCEPTED, Data { data: Pinged { event_id } }))
}

/// An endpoint's deliveries, newest first; filter `status`.
async fn deliveries(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<Delivery>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    endpoint(&state, &staff, id).await?;
    let mut filters = filters::<Delivery>(&query)?;
    filters.retain(|f| !matches!(f, Filter::Int("endpoint_id", _)));
    filters.push(Filter::Int("endpoint_id", id));
    Ok(paging.list(
        resource::list::<Delivery>(&state.db, staff.org.id, &filters, &paging.by_id()?).await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryLog {
    #[serde(flatten)]
    delivery: Delivery,
    attempts: Vec<Attempt>,
}

async fn delivery(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Data<DeliveryLog>, ApiError> {
    staff.require_api_settings(ApiSettingsView)?;
    let delivery = resource::get::<Delivery>(&state.db, staff.org.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no webhook delivery with id {id}")))?;
    let attempts = webhooks::attempts(&state.db, staff.org.id, id).await?;
    Ok(Data { data: DeliveryLog { delivery, attempts } })
}

async fn redeliver(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Data<DeliveryLog>), ApiError> {
    staff.require_api_settings(ApiSettingsManage)?;
    let found = resource::get::<Delivery>(&state.db, staff.org.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no webhook delivery with id {id}")))?;
    let mut tx = state.db.begin().await?;
    if !webhooks::redeliver(&mut tx, staff.org.id, id).await? {
        return Err(ApiError::conflict("the delivery is still pending"));
    }
    let (endpoint, detail) = (found.endpoint_id.to_string(), json!({ "delivery": found.uuid }));
    staff.audit(&mut tx, "webhook.redelivered", "webhook_endpoint", &endpoint, detail).await?;
    tx.commit().await?;
    delivery(State(state), staff, Path(id)).await.map(|d| (StatusCode::ACCEPTED, d))
}
