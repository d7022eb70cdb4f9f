//! Reference data the client shows: the fleet, airports, announcements.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::{AcarsError, AcarsPilot};
use crate::app::AppState;

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Aircraft {
    id: i64,
    /// The ICAO type designator.
    code: String,
    name: String,
    registration: String,
    maximum_passengers: i64,
    maximum_cargo: i64,
    /// The name of the lowest rank that may fly it, if any.
    minimum_rank: Option<String>,
}

/// `GET /data/aircraft`: the org's active aircraft.
pub async fn aircraft(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Vec<Aircraft>>, AcarsError> {
    let rows = sqlx::query_as(
        "SELECT a.id, a.icao AS code, a.name, a.registration, s.passengers AS maximum_passengers, \
         s.cargo_kg AS maximum_cargo, r.name AS minimum_rank FROM aircraft a \
         JOIN subfleets s ON s.id = a.subfleet_id LEFT JOIN ranks r ON r.id = s.min_rank_id \
         WHERE a.org_id = $1 AND a.status = 'active' ORDER BY a.registration",
    )
    .bind(caller.org.0)
    .fetch_all(state.db.reader())
    .await?;
    Ok(Json(rows))
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Airport {
    id: i64,
    /// ICAO code.
    code: String,
    name: String,
    latitude: f64,
    longitude: f64,
}

/// `GET /data/airports`.
pub async fn airports(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Vec<Airport>>, AcarsError> {
    let rows = sqlx::query_as(
        "SELECT id, icao AS code, name, latitude, longitude FROM airports WHERE org_id = $1 ORDER BY icao",
    )
    .bind(caller.org.0)
    .fetch_all(state.db.reader())
    .await?;
    Ok(Json(rows))
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Announcement {
    id: i64,
    title: String,
    subtitle: String,
    body: String,
    link: Option<String>,
    image: Option<String>,
    publish_date: String,
}

/// `GET /data/announcements`: the latest 10, newest first.
pub async fn announcements(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Vec<Announcement>>, AcarsError> {
    let rows = sqlx::query_as(
        "SELECT id, title, subtitle, body, link, image, published_at AS publish_date \
         FROM announcements WHERE org_id = $1 ORDER BY published_at DESC, id DESC LIMIT 10",
    )
    .bind(caller.org.0)
    .fetch_all(state.db.reader())
    .await?;
    Ok(Json(rows))
}
