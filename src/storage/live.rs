//! What is flying now, and what has been flown: the reads behind the
//! Operations API's live flights, flight map and statistics.

use serde::Serialize;

use super::resource::{keyed_by_id, Resource};
use super::{Db, Sql, Table};
use crate::domain::OrgId;

/// The latest position row of the PIREP in the outer query.
macro_rules! last {
    ($column:literal) => {
        concat!(
            "(SELECT pp.",
            $column,
            " FROM pirep_positions pp WHERE pp.pirep_id = pireps.id ORDER BY pp.recorded_at DESC LIMIT 1)"
        )
    };
}

/// The last reported position of the PIREP in the outer query, as columns.
macro_rules! last_position {
    () => {
        concat!(
            last!("latitude"),
            " AS latitude, ",
            last!("longitude"),
            " AS longitude, ",
            last!("altitude"),
            " AS altitude, ",
            last!("heading"),
            " AS heading, ",
            last!("ground_speed"),
            " AS ground_speed, ",
            last!("recorded_at"),
            " AS last_report_at"
        )
    };
}

/// A flight in progress with its last reported position (none before the
/// first report).
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LiveFlight {
    /// The PIREP's id.
    pub id: i64,
    pub pilot_id: i64,
    pub flight_number: String,
    pub aircraft_id: Option<i64>,
    pub departure_airport_id: i64,
    pub arrival_airport_id: i64,
    pub phase: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub altitude: Option<f64>,
    pub heading: Option<f64>,
    pub ground_speed: Option<f64>,
    pub last_report_at: Option<String>,
    pub started_at: String,
}
keyed_by_id!(LiveFlight);

impl Resource for LiveFlight {
    const TABLE: Table = Table::Pireps;
    const COLUMNS: &'static str = concat!(
        "pireps.id, pireps.pilot_id, pireps.flight_number, pireps.aircraft_id, ",
        "pireps.departure_airport_id, pireps.arrival_airport_id, pireps.phase, ",
        last_position!(),
        ", pireps.created_at AS started_at"
    );
    const FILTERS: &'static [(&'static str, &'static str, super::resource::FilterKind)] =
        &[("pilot_id", "pireps.pilot_id", super::resource::FilterKind::Int)];
}

/// A flight in progress with the names a map shows: pilot, airports,
/// aircraft and the last position.
#[derive(Debug, sqlx::FromRow)]
pub struct MapFlight {
    pub id: i64,
    pub booking_id: Option<i64>,
    pub flight_number: String,
    pub callsign: String,
    pub pilot_id: i64,
    pub pilot_username: String,
    pub pilot_name: String,
    pub departure_id: i64,
    pub departure_icao: String,
    pub departure_iata: Option<String>,
    pub departure_name: String,
    pub departure_latitude: f64,
    pub departure_longitude: f64,
    pub arrival_id: i64,
    pub arrival_icao: String,
    pub arrival_iata: Option<String>,
    pub arrival_name: String,
    pub arrival_latitude: f64,
    pub arrival_longitude: f64,
    pub aircraft_id: Option<i64>,
    pub aircraft_name: Option<String>,
    pub aircraft_type: Option<String>,
    pub aircraft_registration: Option<String>,
    pub phase: Option<String>,
    pub started_at: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub altitude: Option<f64>,
    pub heading: Option<f64>,
    pub ground_speed: Option<f64>,
    pub last_report_at: Option<String>,
}
keyed_by_id!(MapFlight);

impl Resource for MapFlight {
    const TABLE: Table = Table::Pireps;
    const FROM: &'static str = "pireps JOIN pilots pilot ON pilot.id = pireps.pilot_id \
         JOIN airports dep ON dep.id = pireps.departure_airport_id \
         JOIN airports arr ON arr.id = pireps.arrival_airport_id \
         LEFT JOIN aircraft craft ON craft.id = pireps.aircraft_id \
         LEFT JOIN subfleets fleet ON fleet.id = craft.subfleet_id \
         LEFT JOIN schedules route ON route.id = pireps.schedule_id";
    const COLUMNS: &'static str = concat!(
        "pireps.id, pireps.booking_id, pireps.flight_number, ",
        "COALESCE(route.callsign, pireps.flight_number) AS callsign, ",
        "pilot.id AS pilot_id, pilot.ident AS pilot_username, ",
        "pilot.first_name || ' ' || pilot.last_name AS pilot_name, ",
        "dep.id AS departure_id, dep.icao AS departure_icao, dep.iata AS departure_iata, ",
        "dep.name AS departure_name, dep.latitude AS departure_latitude, ",
        "dep.longitude AS departure_longitude, ",
        "arr.id AS arrival_id, arr.icao AS arrival_icao, arr.iata AS arrival_iata, ",
        "arr.name AS arrival_name, arr.latitude AS arrival_latitude, ",
        "arr.longitude AS arrival_longitude, ",
        "craft.id AS aircraft_id, craft.name AS aircraft_name, ",
        "COALESCE(craft.icao, fleet.type_code) AS aircraft_type, ",
        "craft.registration AS aircraft_registration, pireps.phase, ",
        "pireps.created_at AS started_at, ",
        last_position!()
    );
}

/// A reported position of a flight, for its track on a map.
#[derive(Debug, sqlx::FromRow)]
pub struct Posrep {
    pub pirep_id: i64,
    pub recorded_at: String,
    pub phase: String,
    pub latitude: f64,
    pub longitude: f64,
    pub altitude: f64,
    pub heading: f64,
    pub ground_speed: Option<f64>,
}

/// The positions of some flights of `org`, in the order they were flown.
pub async fn posreps(db: &Db, org: OrgId, pireps: &[i64]) -> Result<Vec<Posrep>, sqlx::Error> {
    if pireps.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = Sql::new(
        "SELECT pirep_id, recorded_at, phase, latitude, longitude, altitude, heading, \
         ground_speed FROM pirep_positions WHERE org_id = ",
    );
    sql.bind(org.0).push(" AND pirep_id IN (");
    for (i, id) in pireps.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(") ORDER BY pirep_id, recorded_at");
    sql.fetch_all(db.reader()).await
}

/// What an org flew between two times (accepted flights, by filing time).
#[derive(Debug, sqlx::FromRow)]
pub struct Flown {
    pub flights: i64,
    pub minutes: i64,
    pub distance_nm: f64,
    pub pilots: i64,
    pub average_landing_rate: Option<f64>,
}

/// Accepted flights filed in `[from, until)` (database times).
pub async fn flown(db: &Db, org: OrgId, from: &str, until: &str) -> Result<Flown, sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*) AS flights, CAST(COALESCE(SUM(flight_minutes), 0) AS BIGINT) AS minutes, \
         CAST(COALESCE(SUM(distance_nm), 0) AS DOUBLE PRECISION) AS distance_nm, \
         COUNT(DISTINCT pilot_id) AS pilots, \
         CAST(AVG(landing_rate) AS DOUBLE PRECISION) AS average_landing_rate \
         FROM pireps WHERE org_id = $1 AND state = 'accepted' \
         AND submitted_at >= $2 AND submitted_at < $3",
    )
    .bind(org.0)
    .bind(from)
    .bind(until)
    .fetch_one(db.reader())
    .await
}

/// Counts of what an org has now.
#[derive(Debug, sqlx::FromRow)]
pub struct Census {
    pub pilots_active: i64,
    pub pilots_total: i64,
    pub pireps_total: i64,
    pub pireps_pending: i64,
    pub flights_in_progress: i64,
    pub routes: i64,
    pub fleets: i64,
    pub aircraft: i64,
    pub airports: i64,
    pub minutes_flown: i64,
}

pub async fn census(db: &Db, org: OrgId) -> Result<Census, sqlx::Error> {
    sqlx::query_as(
        "SELECT \
         (SELECT COUNT(*) FROM pilots WHERE org_id = $1 AND state = 'active') AS pilots_active, \
         (SELECT COUNT(*) FROM pilots WHERE org_id = $1) AS pilots_total, \
         (SELECT COUNT(*) FROM pireps WHERE org_id = $1) AS pireps_total, \
         (SELECT COUNT(*) FROM pireps WHERE org_id = $1 AND state = 'submitted') AS pireps_pending, \
         (SELECT COUNT(*) FROM pireps WHERE org_id = $1 AND state = 'in_progress') \
         AS flights_in_progress, \
         (SELECT COUNT(*) FROM schedules WHERE org_id = $1) AS routes, \
         (SELECT COUNT(*) FROM subfleets WHERE org_id = $1) AS fleets, \
         (SELECT COUNT(*) FROM aircraft WHERE org_id = $1) AS aircraft, \
         (SELECT COUNT(*) FROM airports WHERE org_id = $1) AS airports, \
         (SELECT CAST(COALESCE(SUM(flight_minutes), 0) AS BIGINT) FROM pireps \
         WHERE org_id = $1 AND state = 'accepted') AS minutes_flown",
    )
    .bind(org.0)
    .fetch_one(db.reader())
    .await
}
