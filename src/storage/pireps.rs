//! PIREPs, their track, log, custom fields and comments.
//!
//! State changes go through `apply`, which asks the domain state machine and
//! moves the pilot's totals in the same transaction.

use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource};
use crate::domain::pirep::{IllegalTransition, PirepAction, PirepState};
use crate::domain::{
    AircraftId, AirlineId, AirportId, OrgId, PilotId, PirepId, ScheduleId, Timestamp,
};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Pirep {
    pub id: PirepId,
    pub pilot_id: PilotId,
    pub airline_id: AirlineId,
    pub schedule_id: Option<ScheduleId>,
    pub aircraft_id: Option<AircraftId>,
    pub flight_number: String,
    pub departure_airport_id: AirportId,
    pub arrival_airport_id: AirportId,
    pub route: String,
    pub flight_level: i64,
    #[sqlx(try_from = "String")]
    pub state: PirepState,
    pub source: String,
    pub phase: Option<String>,
    pub distance_nm: f64,
    pub flight_minutes: i64,
    pub landing_rate: Option<f64>,
    pub fuel_used: Option<f64>,
    pub points: i64,
    pub review_note: Option<String>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
    pub submitted_at: Option<String>,
    #[sqlx(try_from = "String")]
    pub updated_at: Timestamp,
}
keyed!(Pirep);

impl Resource for Pirep {
    const TABLE: &'static str = "pireps";
    const COLUMNS: &'static str = "id, pilot_id, airline_id, schedule_id, aircraft_id, \
         flight_number, departure_airport_id, arrival_airport_id, route, flight_level, state, \
         source, phase, distance_nm, flight_minutes, landing_rate, fuel_used, points, \
         review_note, created_at, submitted_at, updated_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("pilot_id", "pilot_id", FilterKind::Int),
        ("state", "state", FilterKind::Text),
        ("aircraft_id", "aircraft_id", FilterKind::Int),
    ];
}

pub struct NewPirep<'a> {
    pub pilot: PilotId,
    pub airline: AirlineId,
    pub schedule: Option<ScheduleId>,
    pub aircraft: Option<AircraftId>,
    pub flight_number: &'a str,
    pub departure: AirportId,
    pub arrival: AirportId,
    pub route: &'a str,
    pub flight_level: i64,
    pub state: PirepState,
    pub source: &'a str,
    pub distance_nm: f64,
    pub flight_minutes: i64,
    pub landing_rate: Option<f64>,
    pub fuel_used: Option<f64>,
    pub points: i64,
    pub created_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
}

/// Stores a PIREP as it is, for imports and the demo. It does not touch the
/// pilot's totals: the caller keeps them consistent.
pub async fn insert(
    conn: &mut AnyConnection,
    org: OrgId,
    new: &NewPirep<'_>,
) -> Result<PirepId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO pireps (org_id, pilot_id, airline_id, schedule_id, aircraft_id, flight_number, \
         departure_airport_id, arrival_airport_id, route, flight_level, state, source, distance_nm, \
         flight_minutes, landing_rate, fuel_used, points, created_at, submitted_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $18) \
         RETURNING id",
    )
    .bind(org.0)
    .bind(new.pilot.0)
    .bind(new.airline.0)
    .bind(new.schedule.map(|s| s.0))
    .bind(new.aircraft.map(|a| a.0))
    .bind(new.flight_number)
    .bind(new.departure.0)
    .bind(new.arrival.0)
    .bind(new.route)
    .bind(new.flight_level)
    .bind(new.state.as_str())
    .bind(new.source)
    .bind(new.distance_nm)
    .bind(new.flight_minutes)
    .bind(super::NullableFloat(new.landing_rate))
    .bind(super::NullableFloat(new.fuel_used))
    .bind(new.points)
    .bind(new.created_at.to_db())
    .bind(new.submitted_at.map(|t| t.to_db()))
    .fetch_one(conn)
    .await
    .map(PirepId)
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("no such PIREP")]
    NotFound,
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Applies `action` to a PIREP of `org`: the state machine decides, the
/// pilot's hours, flights and points follow, all in the caller's transaction.
pub async fn apply(
    conn: &mut AnyConnection,
    org: OrgId,
    id: PirepId,
    action: PirepAction,
    note: Option<&str>,
) -> Result<(PirepState, PirepState), TransitionError> {
    let row: Option<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT state, pilot_id, flight_minutes, points FROM pireps WHERE org_id = $1 AND id = $2",
    )
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((state, pilot, minutes, points)) = row else {
        return Err(TransitionError::NotFound);
    };
    let from: PirepState = state.parse().map_err(|_| TransitionError::NotFound)?;
    let to = from.apply(action)?;
    let now = Timestamp::now().to_db();
    // Only move from the state we read: a concurrent change makes this a no-op,
    // reported as the illegal transition it would have been.
    let changed = sqlx::query(
        "UPDATE pireps SET state = $1, review_note = COALESCE($2, review_note), updated_at = $3, \
         submitted_at = CASE WHEN $1 = 'submitted' THEN $3 ELSE submitted_at END \
         WHERE org_id = $4 AND id = $5 AND state = $6",
    )
    .bind(to.as_str())
    .bind(note)
    .bind(&now)
    .bind(org.0)
    .bind(id.0)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(IllegalTransition { from, action }.into());
    }
    let delta = from.count_delta(to);
    if delta != 0 {
        sqlx::query(
            "UPDATE pilots SET flight_minutes = flight_minutes + $1, flights = flights + $2, \
             points = points + $3, updated_at = $4 WHERE org_id = $5 AND id = $6",
        )
        .bind(delta * minutes)
        .bind(delta)
        .bind(delta * points)
        .bind(&now)
        .bind(org.0)
        .bind(pilot)
        .execute(&mut *conn)
        .await?;
    }
    Ok((from, to))
}

pub async fn add_log_line(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
    at: Timestamp,
    message: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pirep_log_lines (org_id, pirep_id, logged_at, message) VALUES ($1, $2, $3, $4)",
    )
    .bind(org.0)
    .bind(pirep.0)
    .bind(at.to_db())
    .bind(message)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_field(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
    name: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pirep_fields (org_id, pirep_id, name, value) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (pirep_id, name) DO UPDATE SET value = excluded.value",
    )
    .bind(org.0)
    .bind(pirep.0)
    .bind(name)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_comment(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
    author: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pirep_comments (org_id, pirep_id, author, body, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org.0)
    .bind(pirep.0)
    .bind(author)
    .bind(body)
    .bind(Timestamp::now().to_db())
    .execute(conn)
    .await?;
    Ok(())
}

/// A position report of a flight in progress.
pub struct NewPosition<'a> {
    pub recorded_at: Timestamp,
    pub phase: &'a str,
    pub latitude: f64,
    pub longitude: f64,
    pub heading: f64,
    pub altitude: f64,
    pub ground_speed: Option<f64>,
}

/// Stores a position once: a re-sent report with the same time is ignored.
pub async fn add_position(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
    p: &NewPosition<'_>,
) -> Result<bool, sqlx::Error> {
    let stored = sqlx::query(
        "INSERT INTO pirep_positions (org_id, pirep_id, recorded_at, phase, latitude, longitude, \
         heading, altitude, ground_speed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (pirep_id, recorded_at) DO NOTHING",
    )
    .bind(org.0)
    .bind(pirep.0)
    .bind(p.recorded_at.to_db())
    .bind(p.phase)
    .bind(p.latitude)
    .bind(p.longitude)
    .bind(p.heading)
    .bind(p.altitude)
    .bind(super::NullableFloat(p.ground_speed))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(stored == 1)
}

/// What follows a PIREP becoming `submitted`, however it was filed (ACARS
/// or by hand), in the filing transaction: a pilot on leave is back, and
/// `flight.submitted` goes to the outbox. Hours count only on acceptance.
pub async fn submitted(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
) -> Result<(), sqlx::Error> {
    let row: (i64, String, String, i64, String) = sqlx::query_as(
        "SELECT p.pilot_id, p.flight_number, p.source, p.flight_minutes, l.state \
         FROM pireps p JOIN pilots l ON l.id = p.pilot_id WHERE p.org_id = $1 AND p.id = $2",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_one(&mut *conn)
    .await?;
    let (pilot, flight_number, source, minutes, state) = row;
    if let Ok(state) = crate::domain::pilot::PilotState::try_from(state.clone()) {
        let after = state.after_filing();
        if after != state {
            sqlx::query(
                "UPDATE pilots SET state = $1, updated_at = $2 WHERE org_id = $3 AND id = $4",
            )
            .bind(after.as_str())
            .bind(Timestamp::now().to_db())
            .bind(org.0)
            .bind(pilot)
            .execute(&mut *conn)
            .await?;
        }
    }
    let data = serde_json::json!({
        "pirep_id": pirep.0,
        "pilot_id": pilot,
        "flight_number": flight_number,
        "source": source,
        "flight_minutes": minutes,
    });
    super::outbox::emit(conn, org, "flight.submitted", data).await.map(|_| ())
}
