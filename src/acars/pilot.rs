//! The pilot's own profile and statistics, as the module shapes them.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::{AcarsError, AcarsPilot};
use crate::state::AppState;
use crate::storage::ranks::Rank;
use crate::storage::{resource, tracker};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Verified {
    db_id: i64,
    /// `AIR0001`: the airline's ICAO code and the zero-padded number.
    pilot_id: String,
    first_name: String,
    last_name: String,
    email: String,
    /// The rank's name; null without a rank.
    rank: Option<String>,
    rank_image: Option<String>,
    /// How many ranks need fewer hours than the pilot's (0 for the lowest).
    rank_level: i64,
    /// The pilot's Gravatar, as phpVMS shows a pilot without an uploaded avatar.
    avatar: String,
}

pub(super) async fn rank(
    state: &AppState,
    caller: &AcarsPilot,
) -> Result<Option<Rank>, AcarsError> {
    match caller.pilot.rank_id {
        Some(id) => Ok(resource::get::<Rank>(&state.db, caller.org, id.0).await?),
        None => Ok(None),
    }
}

/// phpVMS's `User::gravatar()`: the MD5 of the trimmed, lower-cased email.
pub(super) fn gravatar(email: &str) -> String {
    use md5::{Digest, Md5};
    let hash = Md5::digest(email.trim().to_lowercase().as_bytes());
    format!("https://www.gravatar.com/avatar/{}?d=mp", hex::encode(hash))
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
        rank_level: tracker::ranks_below(&state.db, caller.org, p.rank_id).await?,
        avatar: gravatar(&p.email),
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    /// Hours, two decimals.
    hours_flown: f64,
    /// Accepted flights, as text (the module sends a string).
    flights_flown: String,
    /// Of accepted flights, ft/min, two decimals; 0 without any.
    average_landing_rate: f64,
    /// Filed PIREPs, as text.
    pireps_filed: String,
    total_pay: i64,
    flight_streak: i64,
    /// ICAO code of the airport the pilot is at; "" when unknown.
    location: String,
    ff_level: i64,
    ff_status: i64,
    rank_image: Option<String>,
}

/// `GET /pilot/statistics`: hours and flights count accepted PIREPs only.
pub async fn statistics(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Statistics>, AcarsError> {
    let p = &caller.pilot;
    let (filed, average) = tracker::pilot_totals(&state.db, caller.org, p.id).await?;
    let location = tracker::airport_icao(&state.db, caller.org, p.airport_id).await?;
    let rank = rank(&state, &caller).await?;
    Ok(Json(Statistics {
        hours_flown: super::hours(p.flight_minutes),
        flights_flown: p.flights.to_string(),
        average_landing_rate: (average.unwrap_or(0.0) * 100.0).round() / 100.0,
        pireps_filed: filed.to_string(),
        total_pay: 0,
        flight_streak: 0,
        location: location.unwrap_or_default(),
        ff_level: 0,
        ff_status: 0,
        rank_image: rank.and_then(|r| r.image_url),
    }))
}
