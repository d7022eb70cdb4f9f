//! PIREPs, their track, log, custom fields and comments.
//!
//! State changes go through `apply`, which asks the domain state machine and
//! moves the pilot's totals in the same transaction.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource};
use crate::domain::pirep::{AutoAccept, IllegalTransition, PirepAction, PirepState};
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
    #[serde(skip)]
    pub state: PirepState,
    /// vAMSYS's status: the state, or `auto_accepted` for a flight the
    /// org's rule accepted (`accepted` is a reviewer's decision).
    pub status: String,
    pub source: String,
    pub phase: Option<String>,
    pub distance_nm: f64,
    #[serde(skip)]
    pub flight_minutes: i64,
    /// Block time in seconds, as vAMSYS counts it.
    pub flight_length: i64,
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
    const TABLE: Table = Table::Pireps;
    const COLUMNS: &'static str = "id, pilot_id, airline_id, schedule_id, aircraft_id, \
         flight_number, departure_airport_id, arrival_airport_id, route, flight_level, state, \
         CASE WHEN auto_accepted = 1 AND state = 'accepted' THEN 'auto_accepted' ELSE state END \
         AS status, source, phase, distance_nm, flight_minutes, flight_minutes * 60 AS \
         flight_length, landing_rate, fuel_used, points, review_note, created_at, submitted_at, \
         updated_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("pilot_id", "pilot_id", FilterKind::Int),
        ("status", STATUS, FilterKind::Text),
        ("aircraft_id", "aircraft_id", FilterKind::Int),
        ("departure_airport_id", "departure_airport_id", FilterKind::Int),
        ("arrival_airport_id", "arrival_airport_id", FilterKind::Int),
    ];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("created_at", "created_at"),
        ("submitted_at", "COALESCE(submitted_at, '')"),
        ("flight_number", "flight_number"),
        ("flight_length", "flight_minutes"),
        ("landing_rate", "COALESCE(landing_rate, 0)"),
        ("points", "points"),
    ];
}

/// The status a row shows (see `Pirep::status`), as SQL.
const STATUS: &str =
    "(CASE WHEN auto_accepted = 1 AND state = 'accepted' THEN 'auto_accepted' ELSE state END)";

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

/// Adds a comment; its id and time (as stored).
pub async fn add_comment(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
    author: &str,
    body: &str,
) -> Result<(i64, String), sqlx::Error> {
    let at = Timestamp::now().to_db();
    let id = sqlx::query_scalar(
        "INSERT INTO pirep_comments (org_id, pirep_id, author, body, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org.0)
    .bind(pirep.0)
    .bind(author)
    .bind(body)
    .bind(&at)
    .fetch_one(conn)
    .await?;
    Ok((id, at))
}

/// What filing a tracked flight records on its PIREP: the facts (a level
/// or route left out keeps the planned one), the flown distance, points.
pub async fn record_filing(
    conn: &mut AnyConnection,
    org: OrgId,
    id: PirepId,
    facts: &crate::domain::pirep::FlightFacts<'_>,
    distance_nm: f64,
    points: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE pireps SET landing_rate = $1, fuel_used = $2, flight_minutes = $3, \
         distance_nm = $4, points = $5, flight_level = COALESCE($6, flight_level), \
         route = COALESCE($7, route) WHERE org_id = $8 AND id = $9",
    )
    .bind(facts.landing_rate)
    .bind(facts.fuel_used)
    .bind(facts.flight_minutes)
    .bind(distance_nm)
    .bind(points)
    .bind(facts.flight_level)
    .bind(facts.route)
    .bind(org.0)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// A position report of a flight in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPosition {
    pub recorded_at: Timestamp,
    /// The flight status the reported phase means (`domain::flight`).
    pub phase: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    pub heading: f64,
    pub altitude: f64,
    pub altitude_agl: Option<f64>,
    pub vertical_speed: Option<f64>,
    pub ground_speed: Option<f64>,
    pub indicated_airspeed: Option<f64>,
    pub distance_remaining: Option<f64>,
    /// The name the client gave the report (phpVMS's `id`): sent again, it is
    /// stored once.
    pub client_ref: Option<String>,
}

/// What an ACARS report did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reported {
    /// Positions stored (re-sent ones not counted).
    Stored(u64),
    /// The flight is not in progress: nothing stored.
    NotInProgress,
}

/// A report from a flight in progress: its phase now, its new positions,
/// and for a single report sent without a time, a digest so its re-send is
/// recognised (the group decides: its positions are not stored again).
#[derive(Debug)]
pub struct FlightReport {
    pub org: OrgId,
    pub pirep: PirepId,
    pub phase: &'static str,
    pub positions: Vec<NewPosition>,
    pub digest: Option<String>,
}

/// Reports, and positions, per statement: a group is a few statements
/// instead of two per report (each a round trip to SQLite's worker thread).
use super::sql::ROWS_PER_STATEMENT as PER_STATEMENT;

/// The flights among `reports` whose single report was sent again: its
/// digest is the flight's last. Read before the group's transaction (on
/// SQLite without the writer's thread): a flight's previous report has
/// committed by then, as one writer takes a flight's reports in order.
pub async fn resent(
    db: &super::Db,
    reports: &[&FlightReport],
) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    let mut resent = std::collections::HashSet::new();
    let digested: Vec<&&FlightReport> = reports.iter().filter(|r| r.digest.is_some()).collect();
    for chunk in digested.chunks(PER_STATEMENT) {
        let mut sql =
            super::Sql::new("SELECT org_id, id, last_report_digest FROM pireps WHERE id IN (");
        for (n, r) in chunk.iter().enumerate() {
            sql.push(if n == 0 { "" } else { ", " }).bind(r.pirep.0);
        }
        sql.push(")");
        let last: Vec<(i64, i64, Option<String>)> = db.read_bounded(sql).await?;
        for (org, id, digest) in last {
            if chunk.iter().any(|r| r.org.0 == org && r.pirep.0 == id && r.digest == digest) {
                resent.insert(id);
            }
        }
    }
    Ok(resent)
}

/// Stores reports in the caller's transaction; one answer per report, in
/// order, but no position of a flight in `resent`. At most one report per
/// flight (the group writer's rule).
///
/// A flight still in progress is alive (the stale sweep reads
/// `last_report_at`) with its latest phase, and its positions are kept; a
/// re-sent position (same flight and time, or same client name) is stored
/// once.
pub async fn report_many(
    conn: &mut AnyConnection,
    reports: &[&FlightReport],
    resent: &std::collections::HashSet<i64>,
) -> Result<Vec<Reported>, sqlx::Error> {
    debug_assert!(
        reports.iter().map(|r| r.pirep).collect::<std::collections::HashSet<_>>().len()
            == reports.len(),
        "one report per flight"
    );
    let now = Timestamp::now().to_db();
    let mut alive = std::collections::HashSet::new();
    for chunk in reports.chunks(PER_STATEMENT) {
        let mut sql = super::Sql::new("UPDATE pireps SET phase = v.column3, last_report_at = ");
        sql.bind(now.clone()).push(", updated_at = ").bind(now.clone());
        sql.push(
            ", last_report_digest = COALESCE(v.column4, pireps.last_report_digest) FROM (VALUES ",
        );
        for (n, r) in chunk.iter().enumerate() {
            sql.push(if n == 0 { "(" } else { ", (" });
            sql.bind(r.org.0).push(", ").bind(r.pirep.0).push(", ").bind(r.phase);
            sql.push(", ").bind(r.digest.clone()).push(")");
        }
        sql.push(
            ") AS v WHERE pireps.org_id = v.column1 AND pireps.id = v.column2 \
             AND pireps.state = 'in_progress' RETURNING id",
        );
        let updated: Vec<(i64,)> = sql.fetch_all(&mut *conn).await?;
        alive.extend(updated.into_iter().map(|(id,)| id));
    }
    let positions: Vec<(&FlightReport, &NewPosition)> = reports
        .iter()
        .filter(|r| alive.contains(&r.pirep.0) && !resent.contains(&r.pirep.0))
        .flat_map(|r| r.positions.iter().map(move |p| (*r, p)))
        .collect();
    let mut stored: std::collections::HashMap<i64, u64> = std::collections::HashMap::new();
    for chunk in positions.chunks(PER_STATEMENT) {
        let mut sql = super::Sql::new(
            "INSERT INTO pirep_positions (org_id, pirep_id, recorded_at, phase, latitude, \
             longitude, heading, altitude, altitude_agl, vertical_speed, ground_speed, \
             indicated_airspeed, distance_remaining, client_ref) VALUES ",
        );
        for (n, (r, p)) in chunk.iter().enumerate() {
            sql.push(if n == 0 { "(" } else { ", (" });
            sql.bind(r.org.0).push(", ").bind(r.pirep.0).push(", ").bind(p.recorded_at.to_db());
            sql.push(", ").bind(p.phase).push(", ").bind(p.latitude).push(", ").bind(p.longitude);
            sql.push(", ").bind(p.heading).push(", ").bind(p.altitude);
            for value in [
                p.altitude_agl,
                p.vertical_speed,
                p.ground_speed,
                p.indicated_airspeed,
                p.distance_remaining,
            ] {
                sql.push(", ").bind(super::NullableFloat(value));
            }
            sql.push(", ").bind(p.client_ref.clone()).push(")");
        }
        // The same time, or the same client name: a re-send (either unique
        // index); only rows inserted come back.
        sql.push(" ON CONFLICT DO NOTHING RETURNING pirep_id");
        let inserted: Vec<(i64,)> = sql.fetch_all(&mut *conn).await?;
        for (pirep,) in inserted {
            *stored.entry(pirep).or_default() += 1;
        }
    }
    Ok(reports
        .iter()
        .map(|r| match alive.contains(&r.pirep.0) {
            true => Reported::Stored(stored.get(&r.pirep.0).copied().unwrap_or(0)),
            false => Reported::NotInProgress,
        })
        .collect())
}

/// The flown track, in time order, as (latitude, longitude).
pub async fn track(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
) -> Result<Vec<(f64, f64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT latitude, longitude FROM pirep_positions WHERE org_id = $1 AND pirep_id = $2 \
         ORDER BY recorded_at",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_all(conn)
    .await
}

/// How long a flight may stay silent before the sweep cancels it.
#[derive(Debug, Clone, Copy)]
pub struct StaleRule {
    pub silent_for: chrono::Duration,
    /// For a flight whose last phase is `paused`.
    pub paused_for: chrono::Duration,
}

/// Cancels flights in progress that have not reported within the rule, as
/// of `now`, each with a log line saying why. Returns how many.
pub async fn cancel_stale(
    db: &super::Db,
    now: Timestamp,
    rule: StaleRule,
) -> Result<usize, sqlx::Error> {
    let cutoff = |d: chrono::Duration| Timestamp(now.0 - d).to_db();
    let earliest = cutoff(rule.silent_for.min(rule.paused_for));
    let silent: Vec<(i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT org_id, id, phase, COALESCE(last_report_at, created_at) FROM pireps \
         WHERE state = 'in_progress' AND COALESCE(last_report_at, created_at) < $1",
    )
    .bind(&earliest)
    .fetch_all(db.reader())
    .await?;
    let mut cancelled = 0;
    for (org, id, phase, last) in silent {
        let paused = phase.as_deref() == Some(crate::domain::flight::PAUSED);
        let allowed = if paused { rule.paused_for } else { rule.silent_for };
        if last >= cutoff(allowed) {
            continue;
        }
        let (org, id) = (OrgId(org), PirepId(id));
        let mut tx = db.begin().await?;
        match apply(&mut tx, org, id, PirepAction::Cancel, None).await {
            Ok(_) => {}
            // Filed or cancelled meanwhile: nothing to do.
            Err(TransitionError::Illegal(_) | TransitionError::NotFound) => continue,
            Err(TransitionError::Database(e)) => return Err(e),
        }
        let why = format!(
            "Cancelled: no report for {} minutes{}",
            allowed.num_minutes(),
            if paused { " (paused)" } else { "" }
        );
        add_log_line(&mut tx, org, id, now, &why).await?;
        tx.commit().await?;
        tracing::info!(org = org.0, pirep = id.0, last_report = %last, "{why}");
        cancelled += 1;
    }
    Ok(cancelled)
}

/// What follows a PIREP becoming `submitted`, however it was filed (ACARS
/// or by hand), in the filing transaction: the aircraft and the pilot are
/// at the arrival airport, a pilot on leave is back, `flight.submitted` goes
/// to the outbox, and an ACARS PIREP meeting the org's auto-accept rule is
/// accepted. Hours count only on acceptance.
pub async fn submitted(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
) -> Result<(), sqlx::Error> {
    let row: (i64, String, String, i64, String, i64, Option<i64>) = sqlx::query_as(
        "SELECT p.pilot_id, p.flight_number, p.source, p.flight_minutes, l.state, \
         p.arrival_airport_id, p.aircraft_id \
         FROM pireps p JOIN pilots l ON l.id = p.pilot_id WHERE p.org_id = $1 AND p.id = $2",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_one(&mut *conn)
    .await?;
    let (pilot, flight_number, source, minutes, state, arrival, aircraft) = row;
    let now = Timestamp::now().to_db();
    let state = crate::domain::pilot::PilotState::try_from(state.clone())
        .map(|s| s.after_filing().as_str())
        .unwrap_or(&state);
    sqlx::query(
        "UPDATE pilots SET state = $1, airport_id = $2, updated_at = $3 WHERE org_id = $4 AND id = $5",
    )
    .bind(state)
    .bind(arrival)
    .bind(&now)
    .bind(org.0)
    .bind(pilot)
    .execute(&mut *conn)
    .await?;
    if let Some(aircraft) = aircraft {
        sqlx::query("UPDATE aircraft SET airport_id = $1 WHERE org_id = $2 AND id = $3")
            .bind(arrival)
            .bind(org.0)
            .bind(aircraft)
            .execute(&mut *conn)
            .await?;
    }
    let data = serde_json::json!({
        "pirep_id": pirep.0,
        "pilot_id": pilot,
        "flight_number": flight_number,
        "source": source,
        "flight_minutes": minutes,
    });
    super::outbox::emit(conn, org, "flight.submitted", data).await?;
    if source == SOURCE_ACARS {
        auto_accept(conn, org, pirep).await?;
    }
    Ok(())
}

/// Where a PIREP came from.
pub const SOURCE_ACARS: &str = "acars";

/// Accepts a just-filed PIREP when the org's rule says so: the pilot's
/// totals move and `flight.approved` is emitted, as when staff accept.
async fn auto_accept(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: PirepId,
) -> Result<bool, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Facts {
        enabled: i64,
        min_rank_order: Option<i64>,
        max_landing_rate: Option<f64>,
        rank_order: Option<i64>,
        landing_rate: Option<f64>,
    }
    let facts: Option<Facts> = sqlx::query_as(
        "SELECT o.auto_accept_enabled AS enabled, needed.sort_order AS min_rank_order, \
         o.auto_accept_max_landing_rate AS max_landing_rate, held.sort_order AS rank_order, \
         p.landing_rate FROM pireps p JOIN orgs o ON o.id = p.org_id \
         JOIN pilots l ON l.id = p.pilot_id LEFT JOIN ranks held ON held.id = l.rank_id \
         LEFT JOIN ranks needed ON needed.id = o.auto_accept_min_rank_id \
         WHERE p.org_id = $1 AND p.id = $2",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(facts) = facts else {
        return Ok(false);
    };
    let rule = AutoAccept {
        min_rank_order: facts.min_rank_order,
        max_landing_rate: facts.max_landing_rate,
    };
    if facts.enabled == 0 || !rule.accepts(facts.rank_order, facts.landing_rate) {
        return Ok(false);
    }
    let note = "Accepted by the airline's auto-accept rule";
    match apply(conn, org, pirep, PirepAction::Accept, Some(note)).await {
        Ok(_) => {}
        Err(TransitionError::Database(e)) => return Err(e),
        Err(_) => return Ok(false),
    }
    sqlx::query("UPDATE pireps SET auto_accepted = 1 WHERE org_id = $1 AND id = $2")
        .bind(org.0)
        .bind(pirep.0)
        .execute(&mut *conn)
        .await?;
    let data = serde_json::json!({
        "pirep_id": pirep.0, "status": "auto_accepted", "reason": note, "by": "auto-accept",
    });
    super::outbox::emit(conn, org, "flight.approved", data).await?;
    Ok(true)
}

/// Whether the pilot has an accepted flight from `departure` to `arrival`
/// created since `since` (a tour leg flown).
pub async fn flown_between(
    db: &super::Db,
    org: OrgId,
    pilot: crate::domain::PilotId,
    departure: crate::domain::AirportId,
    arrival: crate::domain::AirportId,
    since: Timestamp,
) -> Result<bool, sqlx::Error> {
    let (flown,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM pireps WHERE org_id = $1 AND pilot_id = $2 AND state = 'accepted' \
         AND departure_airport_id = $3 AND arrival_airport_id = $4 AND created_at >= $5",
    )
    .bind(org.0)
    .bind(pilot.0)
    .bind(departure.0)
    .bind(arrival.0)
    .bind(since.to_db())
    .fetch_one(db.reader())
    .await?;
    Ok(flown > 0)
}
