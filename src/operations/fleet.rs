//! Aircraft nested under their fleet (`/fleet/{id}/aircraft`), as vAMSYS
//! serves them: the same rows and rules as `/aircraft`, scoped to one fleet.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;

use super::config::{AircraftChanges, AircraftInput};
use super::crud;
use crate::auth::OpsCaller;
use crate::http::extract::{Data, Json, Path, Query};
use crate::http::pagination::{List, Paging};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::fleet::{Aircraft, Subfleet};
use crate::storage::resource::{self, Filter};

/// The aircraft `id` when it is in fleet `fleet` of the caller's org.
async fn in_fleet(
    state: &AppState,
    caller: &OpsCaller,
    fleet: i64,
    id: i64,
) -> Result<Aircraft, ApiError> {
    crud::fetch::<Subfleet>(state, caller.org, fleet).await?;
    let aircraft = crud::fetch::<Aircraft>(state, caller.org, id).await?;
    if aircraft.subfleet_id.0 != fleet {
        return Err(ApiError::not_found(format!("no aircraft with id {id} in fleet {fleet}")));
    }
    Ok(aircraft)
}

/// A body's `fleet_id`, when given, must be the path's.
fn same_fleet(given: Option<i64>, fleet: i64) -> Result<(), ApiError> {
    match given {
        Some(other) if other != fleet => Err(ApiError::invalid_field(
            "fleet_id",
            format!("must be {fleet}, the fleet in the path (or left out)"),
        )),
        _ => Ok(()),
    }
}

pub async fn list(
    State(state): State<AppState>,
    caller: OpsCaller,
    paging: Paging,
    Path(fleet): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<Aircraft>, ApiError> {
    crud::fetch::<Subfleet>(&state, caller.org, fleet).await?;
    let mut filters = crate::http::params::list_filters::<Aircraft>(&query)?;
    filters.push(Filter::Int("subfleet_id", fleet));
    let page =
        resource::list::<Aircraft>(&state.db, caller.org, &filters, &paging.sorted::<Aircraft>()?)
            .await?;
    Ok(paging.list(page))
}

pub async fn get(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path((fleet, id)): Path<(i64, i64)>,
) -> Result<Data<Aircraft>, ApiError> {
    in_fleet(&state, &caller, fleet, id).await.map(|data| Data { data })
}

pub async fn create(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(fleet): Path<i64>,
    Json(mut input): Json<AircraftInput>,
) -> Result<(StatusCode, Data<Aircraft>), ApiError> {
    crud::fetch::<Subfleet>(&state, caller.org, fleet).await?;
    same_fleet(input.fleet_id, fleet)?;
    input.fleet_id = Some(fleet);
    let data = crud::create_row::<Aircraft>(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Data { data }))
}

/// A change may move the aircraft to another fleet with `fleet_id`.
pub async fn update(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path((fleet, id)): Path<(i64, i64)>,
    Json(changes): Json<AircraftChanges>,
) -> Result<Data<Aircraft>, ApiError> {
    in_fleet(&state, &caller, fleet, id).await?;
    crud::update_row::<Aircraft>(&state, &caller, id, changes).await.map(|data| Data { data })
}

pub async fn delete(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path((fleet, id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    in_fleet(&state, &caller, fleet, id).await?;
    crud::delete_row::<Aircraft>(&state, &caller, id).await.map(|()| StatusCode::NO_CONTENT)
}
