//! The pilot's bookings and the aircraft each may be flown with.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::{AcarsError, AcarsPilot};
use crate::app::AppState;

#[derive(sqlx::FromRow)]
pub(super) struct BookingRow {
    bid_id: i64,
    number: String,
    code: String,
    departure_airport: String,
    arrival_airport: String,
    route: String,
    flight_level: i64,
    distance: f64,
    departure_time: Option<String>,
    arrival_time: Option<String>,
    flight_minutes: i64,
    days_of_week: String,
    flight_type: String,
    pub(super) aircraft: Option<i64>,
    notes: String,
    in_progress: i64,
}

/// A booking as the Stratos client lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Booking {
    bid_id: i64,
    #[serde(flatten)]
    flight: Flight,
}

/// A schedule entry found by a search: the same fields, with its own `id`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleEntry {
    id: i64,
    #[serde(flatten)]
    flight: Flight,
}

/// What a booking and a schedule entry both show.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Flight {
    number: String,
    /// The airline's ICAO code.
    code: String,
    departure_airport: String,
    arrival_airport: String,
    route: Vec<String>,
    flight_level: i64,
    distance: f64,
    departure_time: Option<String>,
    arrival_time: Option<String>,
    /// Hours.
    flight_time: f64,
    days_of_week: String,
    /// `P` passenger or `C` cargo.
    r#type: String,
    aircraft: Option<i64>,
    aircraft_changeable: bool,
    notes: String,
}

impl From<BookingRow> for Flight {
    fn from(b: BookingRow) -> Flight {
        Flight {
            number: b.number,
            code: b.code,
            departure_airport: b.departure_airport,
            arrival_airport: b.arrival_airport,
            route: b.route.split_whitespace().map(str::to_owned).collect(),
            flight_level: b.flight_level,
            distance: b.distance,
            departure_time: b.departure_time,
            arrival_time: b.arrival_time,
            flight_time: super::hours(b.flight_minutes),
            days_of_week: b.days_of_week,
            r#type: b.flight_type,
            aircraft: b.aircraft,
            // Once the flight is under way its aircraft is what it is.
            aircraft_changeable: b.in_progress == 0,
            notes: b.notes,
        }
    }
}

/// The schedule's columns as a `BookingRow` wants them (after the row's id).
const SCHEDULE_COLUMNS: &str = "s.flight_number AS number, l.icao AS code, \
     d.icao AS departure_airport, a.icao AS arrival_airport, s.route, s.flight_level, \
     s.distance_nm AS distance, s.departure_time, s.arrival_time, s.flight_minutes, \
     s.days_of_week, s.flight_type, s.notes";
const SCHEDULE_JOINS: &str = "JOIN airlines l ON l.id = s.airline_id \
     JOIN airports d ON d.id = s.departure_airport_id JOIN airports a ON a.id = s.arrival_airport_id";

fn bookings_query() -> String {
    format!(
        "SELECT b.id AS bid_id, {SCHEDULE_COLUMNS}, b.aircraft_id AS aircraft, \
         (SELECT COUNT(*) FROM pireps p WHERE p.booking_id = b.id AND p.state = 'in_progress') AS in_progress \
         FROM bookings b JOIN schedules s ON s.id = b.schedule_id {SCHEDULE_JOINS} \
         WHERE b.org_id = $1 AND b.pilot_id = $2"
    )
}

/// `GET /flights/bookings`: the pilot's own bookings, oldest first.
pub async fn bookings(
    State(state): State<AppState>,
    caller: AcarsPilot,
) -> Result<Json<Vec<Booking>>, AcarsError> {
    let rows: Vec<BookingRow> = sqlx::query_as(&format!("{} ORDER BY b.id", bookings_query()))
        .bind(caller.org.0)
        .bind(caller.pilot.id.0)
        .fetch_all(state.db.reader())
        .await?;
    Ok(Json(rows.into_iter().map(|b| Booking { bid_id: b.bid_id, flight: b.into() }).collect()))
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct EligibleAircraft {
    pub(super) id: i64,
    name: String,
    registration: String,
    icao: String,
    /// The subfleet's name.
    subfleet: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Eligible {
    changeable: bool,
    aircraft: Vec<EligibleAircraft>,
}

/// `GET /flights/bookings/{bid}/aircraft`: the aircraft of the schedule's
/// subfleets that the pilot's rank allows and nobody else is flying.
pub async fn eligible_aircraft(
    State(state): State<AppState>,
    caller: AcarsPilot,
    Path(bid): Path<String>,
) -> Result<Json<Eligible>, AcarsError> {
    let bid: i64 =
        bid.parse().map_err(|_| AcarsError::new(StatusCode::NOT_FOUND, "Booking not found."))?;
    let booking = own_booking(&state, &caller, bid).await?;
    let aircraft = eligible(&state, &caller, bid).await?;
    Ok(Json(Eligible { changeable: booking.in_progress == 0, aircraft }))
}

/// The aircraft booking `bid` (the caller's own) may be flown with.
pub(super) async fn eligible(
    state: &AppState,
    caller: &AcarsPilot,
    bid: i64,
) -> Result<Vec<EligibleAircraft>, AcarsError> {
    // Ranks are ordered by `sort_order`; a pilot without a rank ranks lowest.
    Ok(sqlx::query_as(
        "SELECT a.id, a.name, a.registration, a.icao, f.name AS subfleet FROM aircraft a \
         JOIN subfleets f ON f.id = a.subfleet_id \
         JOIN schedule_subfleets ss ON ss.subfleet_id = f.id \
         JOIN bookings b ON b.schedule_id = ss.schedule_id \
         LEFT JOIN ranks needed ON needed.id = f.min_rank_id \
         WHERE b.org_id = $1 AND b.id = $2 AND a.status = 'active' \
         AND (needed.id IS NULL OR needed.sort_order <= COALESCE( \
             (SELECT r.sort_order FROM ranks r WHERE r.id = $3), -1)) \
         AND NOT EXISTS (SELECT 1 FROM pireps p WHERE p.aircraft_id = a.id \
             AND p.state = 'in_progress' AND p.pilot_id <> $4) \
         ORDER BY a.registration",
    )
    .bind(caller.org.0)
    .bind(bid)
    .bind(caller.pilot.rank_id.map(|r| r.0))
    .bind(caller.pilot.id.0)
    .fetch_all(state.db.reader())
    .await?)
}

/// Search filters, as the client sends them (all optional).
#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    departure_airport: Option<String>,
    arrival_airport: Option<String>,
    /// An ICAO type, e.g. `A320`: schedules one of whose subfleets is of it.
    aircraft: Option<String>,
    minimum_flight_time: Option<String>,
    maximum_flight_time: Option<String>,
    minimum_distance: Option<String>,
    maximum_distance: Option<String>,
    limit: Option<String>,
}

fn number(field: &str, value: &Option<String>) -> Result<Option<f64>, AcarsError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0).ok_or_else(|| {
                AcarsError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("{field} must be a number"),
                )
            })
        })
        .transpose()
}

/// `GET /flights/search`: active schedules matching every filter given;
/// `limit` 1-100 (default 50).
pub async fn search(
    State(state): State<AppState>,
    caller: AcarsPilot,
    axum::extract::Query(query): axum::extract::Query<SearchQuery>,
) -> Result<Json<Vec<ScheduleEntry>>, AcarsError> {
    use crate::storage::Sql;
    let limit = number("limit", &query.limit)?.map_or(50, |l| (l as i64).clamp(1, 100));
    let mut sql = Sql::new(format!(
        "SELECT s.id AS bid_id, {SCHEDULE_COLUMNS}, CAST(NULL AS BIGINT) AS aircraft, \
         CAST(0 AS BIGINT) AS in_progress FROM schedules s {SCHEDULE_JOINS} \
         WHERE s.active = 1 AND s.org_id = "
    ));
    sql.bind(caller.org.0);
    if let Some(icao) = query.departure_airport.filter(|v| !v.is_empty()) {
        sql.push(" AND d.icao = ").bind(icao.to_ascii_uppercase());
    }
    if let Some(icao) = query.arrival_airport.filter(|v| !v.is_empty()) {
        sql.push(" AND a.icao = ").bind(icao.to_ascii_uppercase());
    }
    if let Some(kind) = query.aircraft.filter(|v| !v.is_empty()) {
        sql.push(
            " AND EXISTS (SELECT 1 FROM schedule_subfleets ss JOIN subfleets f ON f.id = ss.subfleet_id \
             WHERE ss.schedule_id = s.id AND f.type_code = ",
        )
        .bind(kind.to_ascii_uppercase())
        .push(")");
    }
    let bounds = [
        ("minimum_flight_time", &query.minimum_flight_time, "s.flight_minutes >= ", 60.0),
        ("maximum_flight_time", &query.maximum_flight_time, "s.flight_minutes <= ", 60.0),
        ("minimum_distance", &query.minimum_distance, "s.distance_nm >= ", 1.0),
        ("maximum_distance", &query.maximum_distance, "s.distance_nm <= ", 1.0),
    ];
    for (field, value, condition, scale) in bounds {
        if let Some(n) = number(field, value)? {
            sql.push(" AND ").push(condition).bind(n * scale);
        }
    }
    sql.push(" ORDER BY s.id LIMIT ").bind(limit);
    let rows: Vec<BookingRow> = sql.fetch_all(state.db.reader()).await?;
    Ok(Json(rows.into_iter().map(|r| ScheduleEntry { id: r.bid_id, flight: r.into() }).collect()))
}

pub(super) async fn own_booking(
    state: &AppState,
    caller: &AcarsPilot,
    bid: i64,
) -> Result<BookingRow, AcarsError> {
    let owner: Option<i64> =
        sqlx::query_scalar("SELECT pilot_id FROM bookings WHERE org_id = $1 AND id = $2")
            .bind(caller.org.0)
            .bind(bid)
            .fetch_optional(state.db.reader())
            .await?;
    match owner {
        None => Err(AcarsError::new(StatusCode::NOT_FOUND, "Booking not found.")),
        Some(owner) if owner != caller.pilot.id.0 => {
            Err(AcarsError::new(StatusCode::FORBIDDEN, "This booking is not yours."))
        }
        Some(_) => Ok(sqlx::query_as(&format!("{} AND b.id = $3", bookings_query()))
            .bind(caller.org.0)
            .bind(caller.pilot.id.0)
            .bind(bid)
            .fetch_one(state.db.reader())
            .await?),
    }
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ChangeAircraft {
    bid_id: i64,
    aircraft_id: i64,
}

/// `POST /flights/change-aircraft`: pins one of the booking's eligible
/// aircraft; 409 once the flight has started.
pub async fn change_aircraft(
    State(state): State<AppState>,
    caller: AcarsPilot,
    super::error::AcarsJson(input): super::error::AcarsJson<ChangeAircraft>,
) -> Result<Json<Booking>, AcarsError> {
    let mut booking = own_booking(&state, &caller, input.bid_id).await?;
    if booking.in_progress > 0 {
        return Err(AcarsError::new(
            StatusCode::CONFLICT,
            "The flight has started; its aircraft is fixed.",
        ));
    }
    let eligible = eligible(&state, &caller, input.bid_id).await?;
    if !eligible.iter().any(|a| a.id == input.aircraft_id) {
        return Err(AcarsError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "aircraft_id is not an aircraft this booking may be flown with",
        ));
    }
    sqlx::query("UPDATE bookings SET aircraft_id = $1 WHERE org_id = $2 AND id = $3")
        .bind(input.aircraft_id)
        .bind(caller.org.0)
        .bind(input.bid_id)
        .execute(state.db.writer())
        .await?;
    booking.aircraft = Some(input.aircraft_id);
    Ok(Json(Booking { bid_id: booking.bid_id, flight: booking.into() }))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct Unbook {
    bid_id: i64,
}

/// `POST /flights/unbook`: drops one of the pilot's bookings.
pub async fn unbook(
    State(state): State<AppState>,
    caller: AcarsPilot,
    super::error::AcarsJson(input): super::error::AcarsJson<Unbook>,
) -> Result<Json<serde_json::Value>, AcarsError> {
    let booking = own_booking(&state, &caller, input.bid_id).await?;
    if booking.in_progress > 0 {
        return Err(AcarsError::new(
            StatusCode::CONFLICT,
            "The flight has started; cancel it first.",
        ));
    }
    sqlx::query("DELETE FROM bookings WHERE org_id = $1 AND id = $2")
        .bind(caller.org.0)
        .bind(input.bid_id)
        .execute(state.db.writer())
        .await?;
    Ok(Json(serde_json::json!({ "status": 200 })))
}
