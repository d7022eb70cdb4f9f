//! `ops:activities:write`: events, tours (with legs), rosters, focus
//! airports, community goals and challenges.

use crate::storage::Table;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::crud::{self, float, int, reference, text, timestamp, Check, Col, Writable};
use crate::auth::OpsCaller;
use crate::domain::Timestamp;
use crate::http::extract::{Data, Json, Path};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::activities::{
    ActivityEvent, Challenge, CommunityGoal, FocusAirport, Roster, Tour, TourLeg,
};
use crate::storage::resource::{self, Filter, Value};

/// A period: both ends RFC 3339, the end after the start.
fn period(check: &mut Check, starts: &str, ends: &str) -> Option<(Timestamp, Timestamp)> {
    let s = Timestamp::try_from(starts.to_string()).ok();
    let e = Timestamp::try_from(ends.to_string()).ok();
    check.field(s.is_some(), "starts_at", "must be an RFC 3339 time");
    check.field(e.is_some(), "ends_at", "must be an RFC 3339 time");
    let (s, e) = (s?, e?);
    check.field(e > s, "ends_at", "must be after starts_at");
    Some((s, e))
}

fn period_cols(check: Check, starts: &str, ends: &str) -> Result<Vec<Col>, ApiError> {
    let mut check = check;
    let times = period(&mut check, starts, ends);
    check.done()?;
    let (s, e) = times.expect("checked");
    Ok(vec![timestamp("starts_at", s), timestamp("ends_at", e)])
}

fn named(check: &mut Check, name: &str) {
    check.field(!name.trim().is_empty() && name.len() <= 200, "name", "must be 1-200 characters");
}

/// What every activity may change: name, description, points, period.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityChanges {
    name: Option<String>,
    description: Option<String>,
    points: Option<i64>,
    starts_at: Option<String>,
    ends_at: Option<String>,
}

fn changes(
    c: ActivityChanges,
    has_points: bool,
    has_description: bool,
) -> Result<Vec<Col>, ApiError> {
    let mut check = Check::default();
    if let Some(name) = &c.name {
        named(&mut check, name);
    }
    check.field(c.points.is_none() || has_points, "points", "this activity has no points");
    check.field(
        c.description.is_none() || has_description,
        "description",
        "this activity has no description",
    );
    let mut cols = vec![];
    for (field, value) in [("starts_at", &c.starts_at), ("ends_at", &c.ends_at)] {
        if let Some(value) = value {
            let parsed = Timestamp::try_from(value.clone()).ok();
            check.field(parsed.is_some(), field, "must be an RFC 3339 time");
            if let Some(t) = parsed {
                cols.push(timestamp(if field == "starts_at" { "starts_at" } else { "ends_at" }, t));
            }
        }
    }
    check.done()?;
    if let Some(v) = c.name {
        cols.push(text("name", v));
    }
    if let Some(v) = c.description {
        cols.push(text("description", v));
    }
    if let Some(v) = c.points {
        cols.push(int("points", v));
    }
    Ok(cols)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    name: String,
    #[serde(default)]
    description: String,
    airport_id: Option<i64>,
    starts_at: String,
    ends_at: String,
    #[serde(default)]
    points: i64,
}

impl Writable for ActivityEvent {
    const NAME: &'static str = "event";
    type Create = EventInput;
    type Update = ActivityChanges;

    fn create(e: EventInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        named(&mut check, &e.name);
        let mut cols = period_cols(check, &e.starts_at, &e.ends_at)?;
        cols.extend([
            text("name", e.name),
            text("description", e.description),
            reference("airport_id", Table::Airports, e.airport_id),
            int("points", e.points),
        ]);
        Ok(cols)
    }

    fn update(c: ActivityChanges) -> Result<Vec<Col>, ApiError> {
        changes(c, true, true)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterInput {
    name: String,
    #[serde(default)]
    description: String,
    starts_at: String,
    ends_at: String,
}

impl Writable for Roster {
    const NAME: &'static str = "roster";
    type Create = RosterInput;
    type Update = ActivityChanges;

    fn create(r: RosterInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        named(&mut check, &r.name);
        let mut cols = period_cols(check, &r.starts_at, &r.ends_at)?;
        cols.extend([text("name", r.name), text("description", r.description)]);
        Ok(cols)
    }

    fn update(c: ActivityChanges) -> Result<Vec<Col>, ApiError> {
        changes(c, false, true)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocusAirportInput {
    airport_id: i64,
    #[serde(default)]
    bonus_points: i64,
    starts_at: String,
    ends_at: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocusAirportChanges {
    bonus_points: Option<i64>,
    starts_at: Option<String>,
    ends_at: Option<String>,
}

impl Writable for FocusAirport {
    const NAME: &'static str = "focus airport";
    type Create = FocusAirportInput;
    type Update = FocusAirportChanges;

    fn create(f: FocusAirportInput) -> Result<Vec<Col>, ApiError> {
        let mut cols = period_cols(Check::default(), &f.starts_at, &f.ends_at)?;
        cols.extend([
            reference("airport_id", Table::Airports, Some(f.airport_id)),
            int("bonus_points", f.bonus_points),
        ]);
        Ok(cols)
    }

    fn update(f: FocusAirportChanges) -> Result<Vec<Col>, ApiError> {
        let mut cols = changes(
            ActivityChanges {
                name: None,
                description: None,
                points: None,
                starts_at: f.starts_at,
                ends_at: f.ends_at,
            },
            false,
            false,
        )?;
        if let Some(points) = f.bonus_points {
            cols.push(int("bonus_points", points));
        }
        Ok(cols)
    }
}

const GOAL_METRICS: [&str; 4] = ["flights", "hours", "distance_nm", "points"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    name: String,
    metric: String,
    target: f64,
    starts_at: String,
    ends_at: String,
}

impl Writable for CommunityGoal {
    const NAME: &'static str = "community goal";
    type Create = GoalInput;
    type Update = ActivityChanges;

    fn create(g: GoalInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        named(&mut check, &g.name);
        check.field(
            GOAL_METRICS.contains(&g.metric.as_str()),
            "metric",
            "must be flights, hours, distance_nm or points",
        );
        check.field(g.target > 0.0, "target", "must be above zero");
        let mut cols = period_cols(check, &g.starts_at, &g.ends_at)?;
        cols.extend([text("name", g.name), text("metric", g.metric), float("target", g.target)]);
        Ok(cols)
    }

    fn update(c: ActivityChanges) -> Result<Vec<Col>, ApiError> {
        changes(c, false, false)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeInput {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    points: i64,
    starts_at: String,
    ends_at: String,
}

impl Writable for Challenge {
    const NAME: &'static str = "challenge";
    type Create = ChallengeInput;
    type Update = ActivityChanges;

    fn create(c: ChallengeInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        named(&mut check, &c.name);
        let mut cols = period_cols(check, &c.starts_at, &c.ends_at)?;
        cols.extend([
            text("name", c.name),
            text("description", c.description),
            int("points", c.points),
        ]);
        Ok(cols)
    }

    fn update(c: ActivityChanges) -> Result<Vec<Col>, ApiError> {
        changes(c, true, true)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegInput {
    departure_airport_id: i64,
    arrival_airport_id: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TourInput {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    points: i64,
    legs: Vec<LegInput>,
}

impl Writable for Tour {
    const NAME: &'static str = "tour";
    const OWNS: &'static [(Table, &'static str)] = &[(Table::TourLegs, "tour_id")];
    type Create = TourInput;
    type Update = ActivityChanges;

    /// Tours are created by `create_tour` (they own their legs).
    fn create(_: TourInput) -> Result<Vec<Col>, ApiError> {
        Err(ApiError::internal("tours are created by create_tour"))
    }

    fn update(c: ActivityChanges) -> Result<Vec<Col>, ApiError> {
        changes(c, true, true)
    }
}

/// A tour with its legs in order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TourView {
    #[serde(flatten)]
    tour: Tour,
    legs: Vec<TourLeg>,
}

async fn view(state: &AppState, caller: &OpsCaller, id: i64) -> Result<TourView, ApiError> {
    let tour = crud::fetch::<Tour>(state, caller.org, id).await?;
    let legs =
        resource::all::<TourLeg>(&state.db, caller.org, &[Filter::Int("tour_id", id)]).await?;
    Ok(TourView { tour, legs })
}

pub async fn get_tour(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
) -> Result<Data<TourView>, ApiError> {
    Ok(Data { data: view(&state, &caller, id).await? })
}

pub async fn create_tour(
    State(state): State<AppState>,
    caller: OpsCaller,
    Json(t): Json<TourInput>,
) -> Result<(StatusCode, Data<TourView>), ApiError> {
    let mut check = Check::default();
    named(&mut check, &t.name);
    check.field(!t.legs.is_empty() && t.legs.len() <= 100, "legs", "a tour has 1 to 100 legs");
    for (i, leg) in t.legs.iter().enumerate() {
        check.field(
            leg.departure_airport_id != leg.arrival_airport_id,
            &format!("legs[{i}]"),
            "departure and arrival must differ",
        );
    }
    check.done()?;
    let mut tx = state.db.begin().await?;
    // Every airport must be the caller's before anything is written.
    let mut missing = Check::default();
    for (i, leg) in t.legs.iter().enumerate() {
        for (field, airport) in [
            ("departure_airport_id", leg.departure_airport_id),
            ("arrival_airport_id", leg.arrival_airport_id),
        ] {
            let found = resource::exists(&mut tx, caller.org, Table::Airports, airport).await?;
            missing.field(
                found,
                &format!("legs[{i}].{field}"),
                &format!("there is no airport with id {airport}"),
            );
        }
    }
    missing.done()?;
    let tour = [
        ("name", Value::Text(t.name)),
        ("description", Value::Text(t.description)),
        ("points", Value::Int(t.points)),
        ("created_at", Value::Text(Timestamp::now().to_db())),
    ];
    let id = resource::insert(&mut tx, caller.org, Table::Tours, &tour).await?;
    for (i, leg) in t.legs.iter().enumerate() {
        let row = [
            ("tour_id", Value::Int(id)),
            ("position", Value::Int(i as i64 + 1)),
            ("departure_airport_id", Value::Int(leg.departure_airport_id)),
            ("arrival_airport_id", Value::Int(leg.arrival_airport_id)),
        ];
        resource::insert(&mut tx, caller.org, Table::TourLegs, &row).await?;
    }
    tx.commit().await?;
    Ok((StatusCode::CREATED, Data { data: view(&state, &caller, id).await? }))
}
