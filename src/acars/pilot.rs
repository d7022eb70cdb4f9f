//! The pilot's own profile and statistics, as the module shapes them.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::{AcarsError, AcarsPilot};
use crate::app::AppState;
use crate::storage::ranks::Rank;
use crate::storage::resource;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Verified {
    db_id: i64,
    pilot_id: String,
    first_name: String,
    last_name: String,
    email: String,
    rank: Option<String>,
    rank_image: Option<String>,
    rank_level: Option<i64>,
    avatar: Option<String>,
}

async fn rank(state: &AppState, caller: &AcarsPilot) -> Result<Option<Rank>, AcarsError> {
    match caller.pilot.rank_id {
        Some(id) => Ok(resource::get::<Rank>(&state.db, caller.org, id.0).await?),
        None => Ok(None),
    }
}

/// `GET /pilot/verify`: the key is good; who it belongs to.
pub async fn verify(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Verified>, AcarsError> {
    Ok(Json(profile(&state, &caller).await?))
}

/// The pilot's profile as `verify` and `login` show it.
pub async fn profile(state: &AppState, caller: &AcarsPilot) -> Result<Verified, AcarsError> {
    let rank = rank(state, caller).await?;
    let p = &caller.pilot;
    Ok(Verified {
        db_id: p.id.0,
        pilot_id: p.ident.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        email: p.email.clone(),
        rank: rank.as_ref().map(|r| r.name.clone()),
        rank_image: rank.as_ref().and_then(|r| r.image_url.clone()),
        rank_level: rank.as_ref().map(|r| r.sort_order),
        avatar: None,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    hours_flown: f64,
    flights_flown: i64,
    average_landing_rate: Option<f64>,
    pireps_filed: i64,
    total_pay: f64,
    flight_streak: i64,
    location: Option<String>,
    ff_level: Option<String>,
    ff_status: Option<String>,
    rank_image: Option<String>,
}

/// `GET /pilot/statistics`: hours and flights count accepted PIREPs only.
pub async fn statistics(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Statistics>, AcarsError> {
    let (filed, average): (i64, Option<f64>) = sqlx::query_as(
        "SELECT COUNT(*), AVG(CASE WHEN state = 'accepted' THEN landing_rate END) FROM pireps \
         WHERE org_id = $1 AND pilot_id = $2 AND state <> 'in_progress' AND state <> 'cancelled'",
    )
    .bind(caller.org.0)
    .bind(caller.pilot.id.0)
    .fetch_one(state.db.reader())
    .await?;
    let location: Option<String> = match caller.pilot.airport_id {
        Some(airport) => {
            sqlx::query_scalar("SELECT icao FROM airports WHERE org_id = $1 AND id = $2")
                .bind(caller.org.0)
                .bind(airport.0)
                .fetch_optional(state.db.reader())
                .await?
        }
        None => None,
    };
    let rank = rank(&state, &caller).await?;
    let p = &caller.pilot;
    Ok(Json(Statistics {
        hours_flown: super::hours(p.flight_minutes),
        flights_flown: p.flights,
        average_landing_rate: average.map(|a| a.round()),
        pireps_filed: filed,
        total_pay: 0.0,
        flight_streak: 0,
        location,
        ff_level: None,
        ff_status: None,
        rank_image: rank.and_then(|r| r.image_url),
    }))
}
