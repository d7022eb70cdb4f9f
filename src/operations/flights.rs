//! `ops:flights:write`: bookings, PIREP comments, points, notes, pilot data.

use std::collections::HashMap;

use crate::storage::Table;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::crud::{self, opt_text, patched, reference, text, Check, Col, Writable};
use crate::auth::OpsCaller;
use crate::domain::{PilotId, PirepId, Timestamp};
use crate::http::extract::{Data, Json, Path, Query};
use crate::http::pagination::{List, Paging};
use crate::http::patch::Patch;
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::bookings::Booking;
use crate::storage::page::{Keyed, Order};
use crate::storage::pilots::Pilot;
use crate::storage::pireps::{self, Pirep};
use crate::storage::resource::{self, Filter, Resource};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    pilot_id: i64,
    /// The route (schedule) to book.
    route_id: i64,
    aircraft_id: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingChanges {
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    aircraft_id: Patch<i64>,
}

impl Writable for Booking {
    const NAME: &'static str = "booking";
    type Create = BookingInput;
    type Update = BookingChanges;

    fn create(b: BookingInput) -> Result<Vec<Col>, ApiError> {
        Ok(vec![
            reference("pilot_id", Table::Pilots, Some(b.pilot_id)),
            reference("schedule_id", Table::Schedules, Some(b.route_id)),
            reference("aircraft_id", Table::Aircraft, b.aircraft_id),
        ])
    }

    fn update(b: BookingChanges) -> Result<Vec<Col>, ApiError> {
        let mut cols = vec![];
        patched(&mut cols, b.aircraft_id, |v| reference("aircraft_id", Table::Aircraft, v));
        Ok(cols)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PilotChanges {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    /// A Discord user id (digits); null unlinks.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    discord_id: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    hub_id: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    airport_id: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    rank_id: Patch<i64>,
}

impl Writable for Pilot {
    const NAME: &'static str = "pilot";
    /// A pilot with flights keeps them: ban instead of deleting.
    const REFERENCED_BY: &'static [(Table, &'static str)] = &[
        (Table::Pireps, "pilot_id"),
        (Table::Transfers, "pilot_id"),
        (Table::Registrations, "pilot_id"),
        (Table::Schedules, "charter_pilot_id"),
    ];
    const OWNS: &'static [(Table, &'static str)] = &[
        (Table::PilotApiKeys, "pilot_id"),
        (Table::PilotBadges, "pilot_id"),
        (Table::PilotNotes, "pilot_id"),
        (Table::PointAwards, "pilot_id"),
        (Table::Bookings, "pilot_id"),
        (Table::OauthTokens, "pilot_id"),
        (Table::NotamReads, "pilot_id"),
    ];
    type Create = PilotChanges;
    type Update = PilotChanges;

    /// Pilots join through registrations (or `airside admin pilot create`).
    fn create(_: PilotChanges) -> Result<Vec<Col>, ApiError> {
        Err(ApiError::internal("pilots are not created through this path"))
    }

    fn update(p: PilotChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        for (field, value) in [("first_name", &p.first_name), ("last_name", &p.last_name)] {
            check.field(
                value.as_deref().is_none_or(|v| !v.trim().is_empty() && v.len() <= 100),
                field,
                "must be 1-100 characters",
            );
        }
        check.field(
            p.email.as_deref().is_none_or(|e| e.contains('@') && e.len() <= 200),
            "email",
            "must be an email address",
        );
        check.field(
            p.discord_id.as_deref().is_none_or(|d| {
                (5..=25).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
            }),
            "discord_id",
            "must be a Discord user id (5-25 digits)",
        );
        check.done()?;
        let mut cols = vec![text("updated_at", Timestamp::now().to_db())];
        if let Some(v) = p.first_name {
            cols.push(text("first_name", v));
        }
        if let Some(v) = p.last_name {
            cols.push(text("last_name", v));
        }
        if let Some(v) = p.email {
            cols.push(text("email", v.trim().to_lowercase()));
        }
        patched(&mut cols, p.discord_id, |v| opt_text("discord_id", v));
        for (name, table, id) in [
            ("hub_id", Table::Hubs, p.hub_id),
            ("airport_id", Table::Airports, p.airport_id),
            ("rank_id", Table::Ranks, p.rank_id),
        ] {
            patched(&mut cols, id, |v| reference(name, table, v));
        }
        Ok(cols)
    }
}

/// A comment on a PIREP.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Comment {
    pub id: i64,
    pub pirep_id: PirepId,
    pub author: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}

impl Keyed for Comment {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Resource for Comment {
    const TABLE: Table = Table::PirepComments;
    const COLUMNS: &'static str = "id, pirep_id, author, body, created_at";
}

/// A staff note on a pilot.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Note {
    pub id: i64,
    pub pilot_id: PilotId,
    pub author: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}

impl Keyed for Note {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Resource for Note {
    const TABLE: Table = Table::PilotNotes;
    const COLUMNS: &'static str = "id, pilot_id, author, body, created_at";
    const ORDER: Order = Order::NewestFirst;
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextBody {
    body: String,
}

fn body_text(body: &str) -> Result<(), ApiError> {
    let mut check = Check::default();
    check.field(
        !body.trim().is_empty() && body.len() <= 10_000,
        "body",
        "must be 1-10,000 characters",
    );
    check.done()
}

pub async fn list_comments(
    State(state): State<AppState>,
    caller: OpsCaller,
    paging: Paging,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<Comment>, ApiError> {
    crate::http::params::refuse_unknown(&query, &crate::http::pagination::PAGING_PARAMS)?;
    crud::fetch::<Pirep>(&state, caller.org, id).await?;
    let page = resource::list::<Comment>(
        &state.db,
        caller.org,
        &[Filter::Int("pirep_id", id)],
        &paging.by_id()?,
    )
    .await?;
    Ok(paging.list(page))
}

pub async fn add_comment(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
    Json(input): Json<TextBody>,
) -> Result<(StatusCode, Data<Comment>), ApiError> {
    body_text(&input.body)?;
    crud::fetch::<Pirep>(&state, caller.org, id).await?;
    let mut tx = state.db.begin().await?;
    pireps::add_comment(&mut tx, caller.org, PirepId(id), &caller.actor(), &input.body).await?;
    tx.commit().await?;
    let page = resource::list::<Comment>(
        &state.db,
        caller.org,
        &[Filter::Int("pirep_id", id)],
        &Default::default(),
    )
    .await?;
    let comment = page
        .items
        .into_iter()
        .max_by_key(|c| c.id)
        .ok_or_else(|| ApiError::internal("comment vanished"))?;
    Ok((StatusCode::CREATED, Data { data: comment }))
}

pub async fn list_notes(
    State(state): State<AppState>,
    caller: OpsCaller,
    paging: Paging,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<Note>, ApiError> {
    crate::http::params::refuse_unknown(&query, &crate::http::pagination::PAGING_PARAMS)?;
    crud::fetch::<Pilot>(&state, caller.org, id).await?;
    let page = resource::list::<Note>(
        &state.db,
        caller.org,
        &[Filter::Int("pilot_id", id)],
        &paging.by_id()?,
    )
    .await?;
    Ok(paging.list(page))
}

pub async fn add_note(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
    Json(input): Json<TextBody>,
) -> Result<(StatusCode, Data<Note>), ApiError> {
    body_text(&input.body)?;
    crud::fetch::<Pilot>(&state, caller.org, id).await?;
    let mut tx = state.db.begin().await?;
    let row = [
        ("pilot_id", resource::Value::Int(id)),
        ("author", resource::Value::Text(caller.actor())),
        ("body", resource::Value::Text(input.body)),
        ("created_at", resource::Value::Text(Timestamp::now().to_db())),
    ];
    let note = resource::insert(&mut tx, caller.org, Table::PilotNotes, &row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Data { data: crud::fetch::<Note>(&state, caller.org, note).await? }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Points {
    points: i64,
    reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PointsAwarded {
    pilot_id: PilotId,
    points: i64,
    reason: String,
    total_points: i64,
}

/// Awards (or, negative, takes) points with a reason, kept as a record.
pub async fn award_points(
    State(state): State<AppState>,
    caller: OpsCaller,
    Path(id): Path<i64>,
    Json(input): Json<Points>,
) -> Result<(StatusCode, Data<PointsAwarded>), ApiError> {
    let mut check = Check::default();
    check.field(
        input.points != 0 && input.points.unsigned_abs() <= 1_000_000,
        "points",
        "must be non-zero, at most 1,000,000 either way",
    );
    check.field(
        !input.reason.trim().is_empty() && input.reason.len() <= 500,
        "reason",
        "must be 1-500 characters",
    );
    check.done()?;
    crud::fetch::<Pilot>(&state, caller.org, id).await?;
    let mut tx = state.db.begin().await?;
    let now = Timestamp::now().to_db();
    let row = [
        ("pilot_id", resource::Value::Int(id)),
        ("points", resource::Value::Int(input.points)),
        ("reason", resource::Value::Text(input.reason.clone())),
        ("author", resource::Value::Text(caller.actor())),
        ("created_at", resource::Value::Text(now.clone())),
    ];
    resource::insert(&mut tx, caller.org, Table::PointAwards, &row).await?;
    crate::storage::pilots::add_points(&mut tx, caller.org, id, input.points).await?;
    tx.commit().await?;
    let pilot = crud::fetch::<Pilot>(&state, caller.org, id).await?;
    let data = PointsAwarded {
        pilot_id: pilot.id,
        points: input.points,
        reason: input.reason,
        total_points: pilot.points,
    };
    Ok((StatusCode::CREATED, Data { data }))
}
