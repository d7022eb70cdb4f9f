//! `ops:config:write` actions beyond plain rows: creating routes with their
//! subfleets, reordering ranks, honorary ranks and hub membership.

use crate::storage::Table;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::config::{check_route, RouteInput};
use super::crud::{self, Check};
use crate::auth::OpsCaller;
use crate::domain::geo::distance_nm;
use crate::domain::{AirlineId, AirportId, SubfleetId};
use crate::http::extract::{Data, Json, Path};
use crate::http::pagination::List;
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::airports::Airport;
use crate::storage::pilots::Pilot;
use crate::storage::pilots::PilotLink;
use crate::storage::ranks::Rank;
use crate::storage::resource;
use crate::storage::schedules::{self, Schedule};

pub async fn create_route(
    State(state): State<AppState>,
    caller: OpsCaller,
    Json(r): Json<RouteInput>,
) -> Result<(StatusCode, Data<Schedule>), ApiError> {
    check_route(&r)?;
    let mut tx = state.db.begin().await?;
    let mut check = Check::default();
    for (field, table, id) in [
        ("airline_id", Table::Airlines, r.airline_id),
        ("departure_id", Table::Airports, r.departure_id),
        ("arrival_id", Table::Airports, r.arrival_id),
    ] {
        let found = resource::exists(&mut tx, caller.org, table, id).await?;
        check.field(found, field, &format!("there is no {table} row with id {id}"));
    }
    if let Some(id) = r.routing_id {
        let found = resource::exists(&mut tx, caller.org, Table::Routings, id).await?;
        check.field(found, "routing_id", &format!("there is no routing with id {id}"));
    }
    for (i, id) in r.fleet_ids.iter().enumerate() {
        let found = resource::exists(&mut tx, caller.org, Table::Subfleets, *id).await?;
        check.field(found, &format!("fleet_ids[{i}]"), &format!("there is no fleet with id {id}"));
    }
    check.done()?;
    // Without a distance, the great circle between the airports.
    let distance = match r.distance_nm {
        Some(d) => d,
        None => {
            let a = crud::fetch::<Airport>(&state, caller.org, r.departure_id).await?;
            let b = crud::fetch::<Airport>(&state, caller.org, r.arrival_id).await?;
            distance_nm(a.latitude, a.longitude, b.latitude, b.longitude).round()
        }
    };
    let subfleets: Vec<SubfleetId> = r.fleet_ids.iter().copied().map(SubfleetId).collect();
    let new = schedules::NewSchedule {
        airline: AirlineId(r.airline_id),
        flight_number: &r.flight_number,
        departure: AirportId(r.departure_id),
        arrival: AirportId(r.arrival_id),
        route: &r.route,
        flight_level: r.altitude / 100,
        distance_nm: distance,
        departure_time: r.departure_time.as_deref(),
        arrival_time: r.arrival_time.as_deref(),
        flight_minutes: r.flight_minutes,
        days_of_week: r.service_days.as_deref().unwrap_or("1234567"),
        flight_type: r.flight_type.as_deref().unwrap_or("P"),
        notes: &r.remarks,
        subfleets: &subfleets,
    };
    let id = schedules::create(&mut tx, caller.org, &new).await?;
    let extra: Vec<_> = r.extra_columns().into_iter().map(|c| (c.name, c.value)).collect();
    resource::update(&mut tx, caller.org, Table::Schedules, id.0, &extra).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Data { data: crud::fetch::<Schedule>(&state, caller.org, id.0).await? },
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reorder {
    /// Every rank id of the org, lowest rank first.
    rank_ids: Vec<i64>,
}

pub async fn reorder_ranks(
    State(state): State<AppState>,
    caller: OpsCaller,
    Json(input): Json<Reorder>,
) -> Result<List<Rank>, ApiError> {
    let ranks = resource::all::<Rank>(&state.db, caller.org, &[]).await?;
    let mut have: Vec<i64> = ranks.iter().map(|r| r.id.0).collect();
    let mut given = input.rank_ids.clone();
    have.sort_unstable();
    given.sort_unstable();
    let mut check = Check::default();
    check.field(have == given, "rank_ids", "must list every rank of the organisation exactly once");
    check.done()?;
    let mut tx = state.db.begin().await?;
    crate::storage::ranks::reorder(&mut tx, caller.org, &input.rank_ids).await?;
    tx.commit().await?;
    let mut ranks = resource::all::<Rank>(&state.db, caller.org, &[]).await?;
    ranks.sort_by_key(|r| r.sort_order);
    Ok(List { data: ranks, meta: Default::default() })
}

async fn set_pilot_column(
    state: &AppState,
    caller: &OpsCaller,
    pilot: i64,
    link: crate::storage::pilots::PilotLink,
    value: Option<i64>,
) -> Result<Data<Pilot>, ApiError> {
    let mut conn = state.db.writer().acquire().await?;
    crate::storage::pilots::set_link(&mut conn, caller.org, pilot, link, value).await?;
    Ok(Data { data: crud::fetch::<Pilot>(state, caller.org, pilot).await? })
}

/// Gives a pilot an honorary rank (shown instead of the earned one).
pub async fn grant_honorary_rank(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path((rank, pilot)): Path<(i64, i64)>,
) -> Result<Data<Pilot>, ApiError> {
    crud::fetch::<Rank>(&state, caller.org, rank).await?;
    crud::fetch::<Pilot>(&state, caller.org, pilot).await?;
    set_pilot_column(&state, &caller, pilot, PilotLink::HonoraryRank, Some(rank)).await
}

pub async fn add_hub_pilot(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path((hub, pilot)): Path<(i64, i64)>,
) -> Result<Data<Pilot>, ApiError> {
    crud::fetch::<crate::storage::hubs::Hub>(&state, caller.org, hub).await?;
    crud::fetch::<Pilot>(&state, caller.org, pilot).await?;
    set_pilot_column(&state, &caller, pilot, PilotLink::Hub, Some(hub)).await
}

pub async fn remove_hub_pilot(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path((hub, pilot)): Path<(i64, i64)>,
) -> Result<Data<Pilot>, ApiError> {
    let found = crud::fetch::<Pilot>(&state, caller.org, pilot).await?;
    if found.hub_id.map(|h| h.0) != Some(hub) {
        return Err(ApiError::not_found(format!("pilot {pilot} is not in hub {hub}")));
    }
    set_pilot_column(&state, &caller, pilot, PilotLink::Hub, None).await
}
