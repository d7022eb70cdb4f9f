//! What the tracker surfaces (the Stratos-compatible ACARS API) read and
//! write beyond the flight lifecycle in `pireps`: reference data, bookings
//! with their schedules, the aircraft a booking may be flown with, schedule
//! search, and a pilot's logbook. Every query is of one org.

use super::{Db, Sql};
use crate::domain::{OrgId, PilotId, PirepId, RankId};

/// How many ranks of the org need fewer hours than `rank` (0 for the
/// lowest, and for no rank): the module's `rank_level`.
pub async fn ranks_below(db: &Db, org: OrgId, rank: Option<RankId>) -> Result<i64, sqlx::Error> {
    let Some(rank) = rank else { return Ok(0) };
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM ranks WHERE org_id = $1 AND min_hours < \
         (SELECT min_hours FROM ranks WHERE org_id = $1 AND id = $2)",
    )
    .bind(org.0)
    .bind(rank.0)
    .fetch_one(db.reader())
    .await
}

/// A pilot's filed PIREPs (not in progress, not cancelled) and the average
/// landing rate of the accepted ones.
pub async fn pilot_totals(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
) -> Result<(i64, Option<f64>), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), AVG(CASE WHEN state = 'accepted' THEN landing_rate END) FROM pireps \
         WHERE org_id = $1 AND pilot_id = $2 AND state <> 'in_progress' AND state <> 'cancelled'",
    )
    .bind(org.0)
    .bind(pilot.0)
    .fetch_one(db.reader())
    .await
}

pub async fn airport_icao(
    db: &Db,
    org: OrgId,
    airport: Option<crate::domain::AirportId>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(airport) = airport else { return Ok(None) };
    sqlx::query_scalar("SELECT icao FROM airports WHERE org_id = $1 AND id = $2")
        .bind(org.0)
        .bind(airport.0)
        .fetch_optional(db.reader())
        .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct FleetAircraft {
    pub id: i64,
    pub subfleet_id: i64,
    pub icao: String,
    pub name: String,
    pub registration: String,
    pub passengers: i64,
    pub cargo_kg: i64,
    pub minimum_rank: Option<String>,
}

/// Every aircraft of the org, by name (the module lists them all).
pub async fn fleet(db: &Db, org: OrgId) -> Result<Vec<FleetAircraft>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.subfleet_id, a.icao, a.name, a.registration, s.passengers, s.cargo_kg, \
         r.name AS minimum_rank FROM aircraft a \
         JOIN subfleets s ON s.id = a.subfleet_id LEFT JOIN ranks r ON r.id = s.min_rank_id \
         WHERE a.org_id = $1 ORDER BY a.name, a.id",
    )
    .bind(org.0)
    .fetch_all(db.reader())
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct Airport {
    pub id: i64,
    pub icao: String,
    pub iata: Option<String>,
    pub name: String,
    pub city: Option<String>,
    pub country: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    /// How many of the org's hubs are at this airport.
    pub hubs: i64,
}

const AIRPORT_COLUMNS: &str = "SELECT id, icao, iata, name, city, country, latitude, longitude, \
     (SELECT COUNT(*) FROM hubs h WHERE h.airport_id = airports.id) AS hubs FROM airports";

/// The org's airports, by ICAO code.
pub async fn airports(db: &Db, org: OrgId) -> Result<Vec<Airport>, sqlx::Error> {
    sqlx::query_as(&format!("{AIRPORT_COLUMNS} WHERE org_id = $1 ORDER BY icao"))
        .bind(org.0)
        .fetch_all(db.reader())
        .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct Announcement {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub image: Option<String>,
    pub published_at: String,
}

/// The latest `limit` announcements, newest first.
pub async fn announcements(
    db: &Db,
    org: OrgId,
    limit: i64,
) -> Result<Vec<Announcement>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, title, body, link, image, published_at FROM announcements \
         WHERE org_id = $1 ORDER BY published_at DESC, id DESC LIMIT $2",
    )
    .bind(org.0)
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

/// A schedule as trackers show it, with the booking it is flown under
/// (none in a search).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScheduledFlight {
    /// The booking's id; in a search, the schedule's.
    pub id: i64,
    pub schedule_id: i64,
    pub flight_number: String,
    /// The airline's code (`AR`), as the module's `code` is.
    pub airline_code: String,
    /// The airline's ICAO code (`ARV`), as smartCARS's `code` is.
    pub airline_icao: String,
    pub departure_icao: String,
    pub arrival_icao: String,
    pub route: String,
    pub flight_level: i64,
    pub distance_nm: f64,
    pub departure_time: Option<String>,
    pub arrival_time: Option<String>,
    pub flight_minutes: i64,
    pub days_of_week: String,
    pub flight_type: String,
    pub notes: String,
    /// The aircraft pinned to the booking.
    pub aircraft_id: Option<i64>,
    /// Flights of this booking in progress (0 or 1).
    pub in_progress: i64,
}

const SCHEDULE_COLUMNS: &str = "s.id AS schedule_id, s.flight_number, l.code AS airline_code, \
     l.icao AS airline_icao, \
     d.icao AS departure_icao, a.icao AS arrival_icao, s.route, s.flight_level, s.distance_nm, \
     s.departure_time, s.arrival_time, s.flight_minutes, s.days_of_week, s.flight_type, s.notes";
const SCHEDULE_JOINS: &str = "JOIN airlines l ON l.id = s.airline_id \
     JOIN airports d ON d.id = s.departure_airport_id JOIN airports a ON a.id = s.arrival_airport_id";

fn bookings_query() -> String {
    format!(
        "SELECT b.id, {SCHEDULE_COLUMNS}, b.aircraft_id, \
         (SELECT COUNT(*) FROM pireps p WHERE p.booking_id = b.id AND p.state = 'in_progress') \
         AS in_progress FROM bookings b JOIN schedules s ON s.id = b.schedule_id {SCHEDULE_JOINS} \
         WHERE b.org_id = $1 AND b.pilot_id = $2"
    )
}

/// The pilot's bookings, oldest first.
pub async fn bookings(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
) -> Result<Vec<ScheduledFlight>, sqlx::Error> {
    sqlx::query_as(&format!("{} ORDER BY b.id", bookings_query()))
        .bind(org.0)
        .bind(pilot.0)
        .fetch_all(db.reader())
        .await
}

/// Who holds booking `id` of the org, if it exists.
pub async fn booking_holder(db: &Db, org: OrgId, id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT pilot_id FROM bookings WHERE org_id = $1 AND id = $2")
        .bind(org.0)
        .bind(id)
        .fetch_optional(db.writer())
        .await
}

/// One booking of the pilot.
pub async fn booking(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    id: i64,
) -> Result<Option<ScheduledFlight>, sqlx::Error> {
    sqlx::query_as(&format!("{} AND b.id = $3", bookings_query()))
        .bind(org.0)
        .bind(pilot.0)
        .bind(id)
        .fetch_optional(db.writer())
        .await
}

/// The pilot's newest booking.
pub async fn latest_booking(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(id) FROM bookings WHERE org_id = $1 AND pilot_id = $2")
        .bind(org.0)
        .bind(pilot.0)
        .fetch_one(db.writer())
        .await
}

pub async fn pin_aircraft(
    db: &Db,
    org: OrgId,
    booking: i64,
    aircraft: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bookings SET aircraft_id = $1 WHERE org_id = $2 AND id = $3")
        .bind(aircraft)
        .bind(org.0)
        .bind(booking)
        .execute(db.writer())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EligibleAircraft {
    pub schedule_id: i64,
    pub id: i64,
    pub name: String,
    pub registration: String,
    pub icao: String,
    pub subfleet: String,
}

/// The aircraft each of `schedules` may be flown with by `pilot`: of the
/// schedule's subfleets, active, allowed by the pilot's rank (a pilot
/// without a rank ranks lowest), and not flown by anyone else now. By
/// schedule, then registration; an aircraft in two subfleets once.
pub async fn eligible_aircraft(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    rank: Option<RankId>,
    schedules: &[i64],
) -> Result<Vec<EligibleAircraft>, sqlx::Error> {
    if schedules.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = Sql::new(
        "SELECT DISTINCT ss.schedule_id, a.id, a.name, a.registration, a.icao, \
         f.type_code AS subfleet FROM aircraft a JOIN subfleets f ON f.id = a.subfleet_id \
         JOIN schedule_subfleets ss ON ss.subfleet_id = f.id \
         LEFT JOIN ranks needed ON needed.id = f.min_rank_id \
         WHERE a.org_id = ",
    );
    sql.bind(org.0).push(" AND a.status = 'active' AND ss.schedule_id IN (");
    for (n, schedule) in schedules.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.bind(*schedule);
    }
    sql.push(
        ") AND (needed.id IS NULL OR needed.sort_order <= COALESCE( \
         (SELECT r.sort_order FROM ranks r WHERE r.id = ",
    )
    .bind(rank.map(|r| r.0))
    .push(
        "), -1)) AND NOT EXISTS (SELECT 1 FROM pireps p WHERE p.aircraft_id = a.id \
           AND p.state = 'in_progress' AND p.pilot_id <> ",
    )
    .bind(pilot.0)
    .push(") ORDER BY ss.schedule_id, a.registration, a.id");
    let mut rows: Vec<EligibleAircraft> = sql.fetch_all(db.reader()).await?;
    rows.dedup_by(|b, a| a.schedule_id == b.schedule_id && a.id == b.id);
    Ok(rows)
}

/// The filters of a schedule search; each one given narrows it.
#[derive(Debug, Default)]
pub struct ScheduleSearch {
    pub departure_icao: Option<String>,
    pub arrival_icao: Option<String>,
    /// Part of the flight number or callsign, any case.
    pub callsign: Option<String>,
    pub subfleet_id: Option<i64>,
    pub min_minutes: Option<f64>,
    pub max_minutes: Option<f64>,
    pub min_distance_nm: Option<f64>,
    pub max_distance_nm: Option<f64>,
    pub limit: i64,
}

/// Active schedules matching every filter given, by id.
pub async fn search_schedules(
    db: &Db,
    org: OrgId,
    search: &ScheduleSearch,
) -> Result<Vec<ScheduledFlight>, sqlx::Error> {
    let mut sql = Sql::new(format!(
        "SELECT s.id, {SCHEDULE_COLUMNS}, CAST(NULL AS BIGINT) AS aircraft_id, \
         CAST(0 AS BIGINT) AS in_progress FROM schedules s {SCHEDULE_JOINS} \
         WHERE s.active = 1 AND s.hidden = 0 AND s.org_id = "
    ));
    sql.bind(org.0);
    if let Some(icao) = &search.departure_icao {
        sql.push(" AND d.icao = ").bind(icao.clone());
    }
    if let Some(icao) = &search.arrival_icao {
        sql.push(" AND a.icao = ").bind(icao.clone());
    }
    if let Some(callsign) = &search.callsign {
        let like = format!("%{}%", callsign.to_ascii_uppercase());
        sql.push(" AND (UPPER(s.flight_number) LIKE ").bind(like.clone());
        sql.push(" OR UPPER(COALESCE(s.callsign, '')) LIKE ").bind(like).push(")");
    }
    if let Some(subfleet) = search.subfleet_id {
        sql.push(
            " AND EXISTS (SELECT 1 FROM schedule_subfleets ss \
             WHERE ss.schedule_id = s.id AND ss.subfleet_id = ",
        )
        .bind(subfleet)
        .push(")");
    }
    let bounds = [
        (search.min_minutes, " AND s.flight_minutes >= "),
        (search.max_minutes, " AND s.flight_minutes <= "),
        (search.min_distance_nm, " AND s.distance_nm >= "),
        (search.max_distance_nm, " AND s.distance_nm <= "),
    ];
    for (bound, condition) in bounds {
        if let Some(value) = bound {
            sql.push(condition).bind(value);
        }
    }
    sql.push(" ORDER BY s.id LIMIT ").bind(search.limit);
    sql.fetch_all(db.reader()).await
}

/// Whether `id` is a row of `table` in the org (on the reader pool).
pub async fn exists(
    db: &Db,
    org: OrgId,
    table: super::Table,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let mut conn = db.reader().acquire().await?;
    super::resource::exists(&mut conn, org, table, id).await
}

/// A flight of a pilot as a tracker names it.
#[derive(Debug, sqlx::FromRow)]
pub struct TrackedFlight {
    pub id: i64,
    pub tracking_id: Option<String>,
    pub state: String,
    pub booking_id: Option<i64>,
}

const TRACKED: &str = "SELECT id, tracking_id, state, booking_id FROM pireps \
     WHERE org_id = $1 AND pilot_id = $2";

/// The pilot's flight with this tracking id. `current` reads the writer,
/// where a state just changed is seen.
pub async fn flight_by_tracking_id(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    tracking: &str,
    current: bool,
) -> Result<Option<TrackedFlight>, sqlx::Error> {
    let mut sql = Sql::new(format!("{TRACKED} AND tracking_id = $3"));
    sql.value(org.0).value(pilot.0).value(tracking.to_owned());
    if current {
        sql.fetch_optional(db.writer()).await
    } else {
        Ok(db.read_bounded(sql).await?.pop())
    }
}

pub async fn flight_by_id(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    id: PirepId,
) -> Result<Option<TrackedFlight>, sqlx::Error> {
    sqlx::query_as(&format!("{TRACKED} AND id = $3"))
        .bind(org.0)
        .bind(pilot.0)
        .bind(id.0)
        .fetch_optional(db.writer())
        .await
}

/// The pilot's flight in progress, if any (one at most).
pub async fn flight_in_progress(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
) -> Result<Option<TrackedFlight>, sqlx::Error> {
    sqlx::query_as(&format!("{TRACKED} AND state = 'in_progress'"))
        .bind(org.0)
        .bind(pilot.0)
        .fetch_optional(db.writer())
        .await
}

#[derive(Debug, Clone, Copy)]
pub struct NewFlight<'a> {
    pub org: OrgId,
    pub pilot: PilotId,
    pub booking: i64,
    pub aircraft: i64,
    pub tracking: &'a str,
    pub source: &'a str,
    pub now: crate::domain::Timestamp,
}

/// Starts flying a booking of the pilot: a PIREP in progress with this
/// aircraft and tracking id. False when the booking is not the pilot's.
/// A unique violation means another flight of the pilot or aircraft is in
/// progress (two partial unique indexes).
pub async fn start_flight(db: &Db, flight: &NewFlight<'_>) -> Result<bool, sqlx::Error> {
    let NewFlight { org, pilot, booking, aircraft, tracking, source, now } = *flight;
    let now = now.to_db();
    let done = sqlx::query(
        "INSERT INTO pireps (org_id, pilot_id, airline_id, schedule_id, booking_id, aircraft_id, \
         flight_number, departure_airport_id, arrival_airport_id, route, flight_level, state, \
         source, phase, tracking_id, created_at, updated_at, last_report_at) \
         SELECT b.org_id, b.pilot_id, s.airline_id, s.id, b.id, $1, s.flight_number, \
         s.departure_airport_id, s.arrival_airport_id, s.route, s.flight_level, 'in_progress', \
         $2, 'initiated', $3, $4, $4, $4 \
         FROM bookings b JOIN schedules s ON s.id = b.schedule_id \
         WHERE b.org_id = $5 AND b.pilot_id = $6 AND b.id = $7",
    )
    .bind(aircraft)
    .bind(source)
    .bind(tracking)
    .bind(&now)
    .bind(org.0)
    .bind(pilot.0)
    .bind(booking)
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a filed flight's summary shows.
#[derive(Debug, sqlx::FromRow)]
pub struct FiledFlight {
    pub tracking_id: Option<String>,
    pub flight_number: String,
    pub airline_code: String,
    pub airline_name: String,
    pub airline_icao: String,
    pub departure_icao: String,
    pub arrival_icao: String,
    pub aircraft_name: Option<String>,
    pub aircraft_icao: Option<String>,
    pub registration: Option<String>,
}

pub async fn filed_flight(db: &Db, org: OrgId, id: PirepId) -> Result<FiledFlight, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.tracking_id, p.flight_number, l.code AS airline_code, l.name AS airline_name, \
         l.icao AS airline_icao, d.icao AS departure_icao, a.icao AS arrival_icao, \
         c.name AS aircraft_name, c.icao AS aircraft_icao, c.registration \
         FROM pireps p JOIN airlines l ON l.id = p.airline_id \
         JOIN airports d ON d.id = p.departure_airport_id \
         JOIN airports a ON a.id = p.arrival_airport_id \
         LEFT JOIN aircraft c ON c.id = p.aircraft_id WHERE p.org_id = $1 AND p.id = $2",
    )
    .bind(org.0)
    .bind(id.0)
    .fetch_one(db.writer())
    .await
}

/// Whether the org has an airport with this ICAO code.
pub async fn has_airport(db: &Db, org: OrgId, icao: &str) -> Result<bool, sqlx::Error> {
    Ok(airport_id(db, org, icao).await?.is_some())
}

/// PIREP states a logbook lists: filed ones.
const FILED: &str = "p.state IN ('submitted', 'accepted', 'rejected', 'invalidated')";

/// A filed flight as the logbook lists it.
#[derive(Debug, sqlx::FromRow)]
pub struct LogbookEntry {
    pub id: i64,
    pub tracking_id: Option<String>,
    pub submitted_at: Option<String>,
    pub created_at: String,
    pub departure_icao: String,
    pub arrival_icao: String,
    pub airline_icao: String,
    pub flight_number: String,
    pub aircraft_icao: Option<String>,
    pub registration: Option<String>,
    pub flight_minutes: i64,
    pub distance_nm: f64,
    pub landing_rate: Option<f64>,
    pub fuel_used: Option<f64>,
    pub state: String,
    pub source: String,
    pub route: String,
}

const LOGBOOK: &str = "SELECT p.id, p.tracking_id, p.submitted_at, p.created_at, p.route, \
     d.icao AS departure_icao, a.icao AS arrival_icao, l.icao AS airline_icao, p.flight_number, \
     c.icao AS aircraft_icao, c.registration, p.flight_minutes, p.distance_nm, p.landing_rate, \
     p.fuel_used, p.state, p.source FROM pireps p JOIN airlines l ON l.id = p.airline_id \
     JOIN airports d ON d.id = p.departure_airport_id \
     JOIN airports a ON a.id = p.arrival_airport_id LEFT JOIN aircraft c ON c.id = p.aircraft_id";

/// The order a logbook may be listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogbookSort {
    #[default]
    Date,
    Route,
    Aircraft,
    Duration,
    Distance,
    LandingRate,
    Status,
}

impl LogbookSort {
    fn columns(self) -> &'static [&'static str] {
        match self {
            LogbookSort::Date => &["COALESCE(p.submitted_at, p.created_at)"],
            LogbookSort::Route => &["d.icao", "a.icao"],
            LogbookSort::Aircraft => &["COALESCE(p.aircraft_id, 0)"],
            LogbookSort::Duration => &["p.flight_minutes"],
            LogbookSort::Distance => &["p.distance_nm"],
            LogbookSort::LandingRate => &["COALESCE(p.landing_rate, 0)"],
            // phpVMS's state numbers: pending 1, accepted 2, rejected 6.
            LogbookSort::Status => {
                &["CASE p.state WHEN 'submitted' THEN 1 WHEN 'accepted' THEN 2 ELSE 6 END"]
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct LogbookQuery {
    /// PIREP states to list; empty: every filed one.
    pub states: &'static [&'static str],
    pub departure_icao: Option<String>,
    pub arrival_icao: Option<String>,
    /// The aircraft's ICAO type.
    pub aircraft_icao: Option<String>,
    /// Filed at or after, and before (database times).
    pub filed_from: Option<String>,
    pub filed_before: Option<String>,
    /// Part of the flight number or an airport's ICAO code.
    pub text: Option<String>,
    pub sort: LogbookSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

/// A page of the pilot's filed flights and how many there are in all.
pub async fn logbook(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    query: &LogbookQuery,
) -> Result<(Vec<LogbookEntry>, i64), sqlx::Error> {
    let filters = |sql: &mut Sql| {
        sql.bind(org.0).push(" AND p.pilot_id = ").bind(pilot.0);
        sql.push(" AND ").push(FILED);
        if !query.states.is_empty() {
            sql.push(" AND p.state IN (");
            for (n, state) in query.states.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.bind(*state);
            }
            sql.push(")");
        }
        if let Some(text) = &query.text {
            let like = format!("%{}%", text.to_ascii_uppercase());
            sql.push(" AND (UPPER(p.flight_number) LIKE ").bind(like.clone());
            sql.push(" OR d.icao LIKE ").bind(like.clone());
            sql.push(" OR a.icao LIKE ").bind(like).push(")");
        }
        let exact = [
            (" AND d.icao = ", &query.departure_icao),
            (" AND a.icao = ", &query.arrival_icao),
            (" AND c.icao = ", &query.aircraft_icao),
            (" AND COALESCE(p.submitted_at, p.created_at) >= ", &query.filed_from),
            (" AND COALESCE(p.submitted_at, p.created_at) < ", &query.filed_before),
        ];
        for (condition, value) in exact {
            if let Some(value) = value {
                sql.push(condition).bind(value.clone());
            }
        }
    };
    let mut count = Sql::new(
        "SELECT COUNT(*) FROM pireps p JOIN airports d ON d.id = p.departure_airport_id \
         JOIN airports a ON a.id = p.arrival_airport_id \
         LEFT JOIN aircraft c ON c.id = p.aircraft_id WHERE p.org_id = ",
    );
    filters(&mut count);
    let (total,): (i64,) = count.fetch_one(db.reader()).await?;
    let mut page = Sql::new(format!("{LOGBOOK} WHERE p.org_id = "));
    filters(&mut page);
    let direction = if query.descending { " DESC" } else { " ASC" };
    page.push(" ORDER BY ");
    for column in query.sort.columns() {
        page.push(column).push(direction).push(", ");
    }
    page.push("p.id").push(direction);
    page.push(" LIMIT ").bind(query.limit).push(" OFFSET ").bind(query.offset);
    Ok((page.fetch_all(db.reader()).await?, total))
}

/// One filed flight of the pilot, by tracking id or by PIREP id.
pub async fn logbook_entry(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    id: &str,
) -> Result<Option<LogbookEntry>, sqlx::Error> {
    let numeric: i64 = id.parse().unwrap_or(-1);
    sqlx::query_as(&format!(
        "{LOGBOOK} WHERE p.org_id = $1 AND p.pilot_id = $2 AND {FILED} \
         AND (p.tracking_id = $3 OR (p.tracking_id IS NULL AND p.id = $4))"
    ))
    .bind(org.0)
    .bind(pilot.0)
    .bind(id)
    .bind(numeric)
    .fetch_optional(db.reader())
    .await
}

/// One filed flight of the pilot by PIREP id.
pub async fn filed_by_id(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    id: i64,
) -> Result<Option<LogbookEntry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{LOGBOOK} WHERE p.org_id = $1 AND p.pilot_id = $2 AND {FILED} AND p.id = $3"
    ))
    .bind(org.0)
    .bind(pilot.0)
    .bind(id)
    .fetch_optional(db.reader())
    .await
}

/// The pilot's newest flight flown under booking `booking` (a booking is
/// used up when its flight is filed; the flight keeps its id).
pub async fn flight_of_booking(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    booking: i64,
) -> Result<Option<TrackedFlight>, sqlx::Error> {
    sqlx::query_as(&format!("{TRACKED} AND booking_id = $3 ORDER BY id DESC LIMIT 1"))
        .bind(org.0)
        .bind(pilot.0)
        .bind(booking)
        .fetch_optional(db.writer())
        .await
}

/// The first active aircraft of the org of an ICAO type, by registration.
pub async fn aircraft_of_type(db: &Db, org: OrgId, icao: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM aircraft WHERE org_id = $1 AND icao = $2 AND status = 'active' \
         ORDER BY registration, id LIMIT 1",
    )
    .bind(org.0)
    .bind(icao.to_ascii_uppercase())
    .fetch_optional(db.reader())
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct TrackPoint {
    pub recorded_at: String,
    pub latitude: f64,
    pub longitude: f64,
    pub altitude: f64,
    pub ground_speed: Option<f64>,
    pub heading: f64,
}

pub async fn track_points(
    db: &Db,
    org: OrgId,
    pirep: PirepId,
) -> Result<Vec<TrackPoint>, sqlx::Error> {
    sqlx::query_as(
        "SELECT recorded_at, latitude, longitude, altitude, ground_speed, heading \
         FROM pirep_positions WHERE org_id = $1 AND pirep_id = $2 ORDER BY recorded_at",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_all(db.reader())
    .await
}

pub async fn log_lines(
    db: &Db,
    org: OrgId,
    pirep: PirepId,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT logged_at, message FROM pirep_log_lines WHERE org_id = $1 AND pirep_id = $2 \
         ORDER BY logged_at, id",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_all(db.reader())
    .await
}

/// A pilot's accepted flying: flights filed this month, minutes this year,
/// nautical miles in all, and the average landing rate.
#[derive(Debug, sqlx::FromRow)]
pub struct LogbookTotals {
    pub flights_this_month: i64,
    pub minutes_this_year: Option<i64>,
    pub distance_nm: Option<f64>,
    pub average_landing_rate: Option<f64>,
}

/// `month` and `year` are the prefixes of RFC 3339 times (`2026-12`, `2026`).
pub async fn logbook_totals(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    month: &str,
    year: &str,
) -> Result<LogbookTotals, sqlx::Error> {
    sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN submitted_at LIKE $3 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         AS flights_this_month, CAST(SUM(CASE WHEN submitted_at LIKE $4 THEN flight_minutes \
         ELSE 0 END) AS BIGINT) AS minutes_this_year, \
         SUM(distance_nm) AS distance_nm, AVG(landing_rate) AS average_landing_rate \
         FROM pireps WHERE org_id = $1 AND pilot_id = $2 AND state = 'accepted'",
    )
    .bind(org.0)
    .bind(pilot.0)
    .bind(format!("{month}%"))
    .bind(format!("{year}%"))
    .fetch_one(db.reader())
    .await
}

/// The id of the org's airport with this ICAO code.
pub async fn airport_id(
    db: &Db,
    org: OrgId,
    icao: &str,
) -> Result<Option<crate::domain::AirportId>, sqlx::Error> {
    Ok(airport(db, org, icao).await?.map(|a| crate::domain::AirportId(a.id)))
}

/// The org's airport with this ICAO code (any case).
pub async fn airport(db: &Db, org: OrgId, icao: &str) -> Result<Option<Airport>, sqlx::Error> {
    sqlx::query_as(&format!("{AIRPORT_COLUMNS} WHERE org_id = $1 AND icao = $2"))
        .bind(org.0)
        .bind(icao.to_ascii_uppercase())
        .fetch_optional(db.reader())
        .await
}

/// The subfleet of the org's aircraft `aircraft`.
pub async fn subfleet_of(
    db: &Db,
    org: OrgId,
    aircraft: i64,
) -> Result<Option<crate::domain::SubfleetId>, sqlx::Error> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT subfleet_id FROM aircraft WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(aircraft)
            .fetch_optional(db.reader())
            .await?;
    Ok(id.map(crate::domain::SubfleetId))
}

/// Marks a schedule as the pilot's charter: hidden from searches, theirs.
pub async fn own_charter(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    pilot: PilotId,
    schedule: crate::domain::ScheduleId,
) -> Result<(), sqlx::Error> {
    let row = [
        ("charter_pilot_id", super::resource::Value::Int(pilot.0)),
        ("hidden", super::resource::Value::Int(1)),
    ];
    super::resource::update(conn, org, super::Table::Schedules, schedule.0, &row).await?;
    Ok(())
}

/// Removes the pilot's charter `schedule` once nothing uses it (no booking,
/// no PIREP); any other schedule is left alone.
pub async fn remove_charter(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    pilot: PilotId,
    schedule: i64,
) -> Result<(), sqlx::Error> {
    let unused = "id = $1 AND org_id = $2 AND charter_pilot_id = $3 \
         AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.schedule_id = schedules.id) \
         AND NOT EXISTS (SELECT 1 FROM pireps p WHERE p.schedule_id = schedules.id)";
    let charter: Option<i64> =
        sqlx::query_scalar(&format!("SELECT id FROM schedules WHERE {unused}"))
            .bind(schedule)
            .bind(org.0)
            .bind(pilot.0)
            .fetch_optional(&mut *conn)
            .await?;
    if charter.is_some() {
        sqlx::query("DELETE FROM schedule_subfleets WHERE org_id = $1 AND schedule_id = $2")
            .bind(org.0)
            .bind(schedule)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM schedules WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(schedule)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether schedule `schedule` is a charter of another pilot than `pilot`
/// (nobody else may book it).
pub async fn is_others_charter(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    pilot: PilotId,
    schedule: i64,
) -> Result<bool, sqlx::Error> {
    let owner: Option<Option<i64>> =
        sqlx::query_scalar("SELECT charter_pilot_id FROM schedules WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(schedule)
            .fetch_optional(conn)
            .await?;
    Ok(matches!(owner, Some(Some(owner)) if owner != pilot.0))
}

/// Whether PIREP `id` is this flight: airline, number and airports.
pub async fn is_same_flight(
    db: &Db,
    org: OrgId,
    id: PirepId,
    airline: i64,
    flight_number: &str,
    departure: crate::domain::AirportId,
    arrival: crate::domain::AirportId,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM pireps WHERE org_id = $1 AND id = $2 AND airline_id = $3 \
         AND flight_number = $4 AND departure_airport_id = $5 AND arrival_airport_id = $6",
    )
    .bind(org.0)
    .bind(id.0)
    .bind(airline)
    .bind(flight_number)
    .bind(departure.0)
    .bind(arrival.0)
    .fetch_optional(db.writer())
    .await?;
    Ok(found.is_some())
}

/// Whether the pilot may fly the aircraft now: active, of a subfleet their
/// rank allows, and not flown by anyone else.
pub async fn may_fly(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    rank: Option<RankId>,
    subfleet: crate::domain::SubfleetId,
    aircraft: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT a.id FROM aircraft a JOIN subfleets f ON f.id = a.subfleet_id \
         LEFT JOIN ranks needed ON needed.id = f.min_rank_id \
         WHERE a.org_id = $1 AND a.id = $2 AND f.id = $3 AND a.status = 'active' \
         AND (needed.id IS NULL OR needed.sort_order <= COALESCE( \
         (SELECT r.sort_order FROM ranks r WHERE r.id = $4), -1)) \
         AND NOT EXISTS (SELECT 1 FROM pireps p WHERE p.aircraft_id = a.id \
         AND p.state = 'in_progress' AND p.pilot_id <> $5)",
    )
    .bind(org.0)
    .bind(aircraft)
    .bind(subfleet.0)
    .bind(rank.map(|r| r.0))
    .bind(pilot.0)
    .fetch_optional(db.reader())
    .await?;
    Ok(found.is_some())
}

/// A flight declared without a booking.
#[derive(Debug, Clone, Copy)]
pub struct NewPrefiled<'a> {
    pub org: OrgId,
    pub pilot: PilotId,
    pub airline: i64,
    pub schedule: Option<i64>,
    pub aircraft: i64,
    pub flight_number: &'a str,
    pub departure: crate::domain::AirportId,
    pub arrival: crate::domain::AirportId,
    pub route: &'a str,
    pub flight_level: i64,
    pub tracking: &'a str,
    pub source: &'a str,
    pub now: crate::domain::Timestamp,
}

/// Stores a declared flight in progress. A unique violation means another
/// flight of the pilot or the aircraft is in progress.
pub async fn prefile_flight(db: &Db, f: &NewPrefiled<'_>) -> Result<PirepId, sqlx::Error> {
    let now = f.now.to_db();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO pireps (org_id, pilot_id, airline_id, schedule_id, aircraft_id, flight_number, \
         departure_airport_id, arrival_airport_id, route, flight_level, state, source, phase, \
         tracking_id, created_at, updated_at, last_report_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'in_progress', $11, 'initiated', $12, \
         $13, $13, $13) RETURNING id",
    )
    .bind(f.org.0)
    .bind(f.pilot.0)
    .bind(f.airline)
    .bind(f.schedule)
    .bind(f.aircraft)
    .bind(f.flight_number)
    .bind(f.departure.0)
    .bind(f.arrival.0)
    .bind(f.route)
    .bind(f.flight_level)
    .bind(f.source)
    .bind(f.tracking)
    .bind(&now)
    .fetch_one(db.writer())
    .await?;
    Ok(PirepId(id))
}

/// A flight as phpVMS's PIREP resource shows it.
#[derive(Debug, sqlx::FromRow)]
pub struct PirepView {
    pub id: i64,
    pub tracking_id: Option<String>,
    pub pilot_id: i64,
    pub airline_id: i64,
    pub airline_code: String,
    pub airline_icao: String,
    pub airline_name: String,
    pub schedule_id: Option<i64>,
    pub aircraft_id: Option<i64>,
    pub aircraft_name: Option<String>,
    pub aircraft_icao: Option<String>,
    pub registration: Option<String>,
    pub flight_number: String,
    pub departure_icao: String,
    pub departure_name: String,
    pub arrival_icao: String,
    pub arrival_name: String,
    pub route: String,
    pub flight_level: i64,
    pub state: String,
    pub phase: Option<String>,
    pub source: String,
    pub distance_nm: f64,
    pub planned_distance_nm: Option<f64>,
    pub flight_minutes: i64,
    pub landing_rate: Option<f64>,
    pub fuel_used: Option<f64>,
    pub created_at: String,
    pub submitted_at: Option<String>,
    pub updated_at: String,
}

/// The pilot's flight by tracking id, or by PIREP id when it has none.
pub async fn pirep_view(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    id: &str,
) -> Result<Option<PirepView>, sqlx::Error> {
    let numeric: i64 = id.parse().unwrap_or(-1);
    sqlx::query_as(&format!(
        "{PIREP_VIEW} WHERE p.org_id = $1 AND p.pilot_id = $2 \
         AND (p.tracking_id = $3 OR (p.tracking_id IS NULL AND p.id = $4))"
    ))
    .bind(org.0)
    .bind(pilot.0)
    .bind(id)
    .bind(numeric)
    .fetch_optional(db.writer())
    .await
}

const PIREP_VIEW: &str = "SELECT p.id, p.tracking_id, p.pilot_id, p.airline_id, \
     l.code AS airline_code, l.icao AS airline_icao, l.name AS airline_name, p.schedule_id, \
     p.aircraft_id, c.name AS aircraft_name, c.icao AS aircraft_icao, c.registration, \
     p.flight_number, d.icao AS departure_icao, d.name AS departure_name, \
     a.icao AS arrival_icao, a.name AS arrival_name, p.route, p.flight_level, p.state, p.phase, \
     p.source, p.distance_nm, s.distance_nm AS planned_distance_nm, p.flight_minutes, \
     p.landing_rate, p.fuel_used, p.created_at, p.submitted_at, p.updated_at FROM pireps p \
     JOIN airlines l ON l.id = p.airline_id JOIN airports d ON d.id = p.departure_airport_id \
     JOIN airports a ON a.id = p.arrival_airport_id LEFT JOIN aircraft c ON c.id = p.aircraft_id \
     LEFT JOIN schedules s ON s.id = p.schedule_id";

/// The pilot's flight `id`.
pub async fn pirep_view_by_id(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    id: PirepId,
) -> Result<Option<PirepView>, sqlx::Error> {
    sqlx::query_as(&format!("{PIREP_VIEW} WHERE p.org_id = $1 AND p.pilot_id = $2 AND p.id = $3"))
        .bind(org.0)
        .bind(pilot.0)
        .bind(id.0)
        .fetch_optional(db.writer())
        .await
}

/// The pilot's PIREPs in `states` (none: all but cancelled), newest first.
pub async fn pirep_views(
    db: &Db,
    org: OrgId,
    pilot: PilotId,
    states: &[&str],
    limit: i64,
) -> Result<Vec<PirepView>, sqlx::Error> {
    let mut sql = Sql::new(format!("{PIREP_VIEW} WHERE p.org_id = "));
    sql.bind(org.0).push(" AND p.pilot_id = ").bind(pilot.0);
    if states.is_empty() {
        sql.push(" AND p.state <> 'cancelled'");
    } else {
        sql.push(" AND p.state IN (");
        for (n, state) in states.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind(state.to_string());
        }
        sql.push(")");
    }
    sql.push(" ORDER BY p.id DESC LIMIT ").bind(limit);
    sql.fetch_all(db.reader()).await
}

/// A PIREP's custom fields, by name.
pub async fn fields(
    db: &Db,
    org: OrgId,
    pirep: PirepId,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, value FROM pirep_fields WHERE org_id = $1 AND pirep_id = $2 ORDER BY name",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_all(db.writer())
    .await
}

/// A reported position as phpVMS lists it.
#[derive(Debug, sqlx::FromRow)]
pub struct PositionRow {
    pub id: i64,
    pub client_ref: Option<String>,
    pub recorded_at: String,
    pub phase: String,
    pub latitude: f64,
    pub longitude: f64,
    pub heading: f64,
    pub altitude: f64,
    pub altitude_agl: Option<f64>,
    pub vertical_speed: Option<f64>,
    pub ground_speed: Option<f64>,
    pub indicated_airspeed: Option<f64>,
}

pub async fn positions(
    db: &Db,
    org: OrgId,
    pirep: PirepId,
) -> Result<Vec<PositionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, client_ref, recorded_at, phase, latitude, longitude, heading, altitude, \
         altitude_agl, vertical_speed, ground_speed, indicated_airspeed FROM pirep_positions \
         WHERE org_id = $1 AND pirep_id = $2 ORDER BY recorded_at, id",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_all(db.writer())
    .await
}

/// A PIREP's comments, oldest first: (id, author, body, created_at).
pub async fn comments(
    db: &Db,
    org: OrgId,
    pirep: PirepId,
) -> Result<Vec<(i64, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, author, body, created_at FROM pirep_comments WHERE org_id = $1 \
         AND pirep_id = $2 ORDER BY id",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_all(db.writer())
    .await
}

/// What a tracker may change on a flight in progress; none leaves it.
#[derive(Debug, Default)]
pub struct FlightChanges<'a> {
    pub phase: Option<&'static str>,
    pub flight_minutes: Option<i64>,
    pub distance_nm: Option<f64>,
    pub fuel_used: Option<f64>,
    pub landing_rate: Option<f64>,
    pub route: Option<&'a str>,
    pub flight_level: Option<i64>,
}

/// Applies `changes` to a flight still in progress; false when it is not.
pub async fn change_flight(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    pirep: PirepId,
    changes: &FlightChanges<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE pireps SET phase = COALESCE($1, phase), flight_minutes = COALESCE($2, flight_minutes), \
         distance_nm = COALESCE($3, distance_nm), fuel_used = COALESCE($4, fuel_used), \
         landing_rate = COALESCE($5, landing_rate), route = COALESCE($6, route), \
         flight_level = COALESCE($7, flight_level), updated_at = $8 \
         WHERE org_id = $9 AND id = $10 AND state = 'in_progress'",
    )
    .bind(changes.phase)
    .bind(changes.flight_minutes)
    .bind(super::NullableFloat(changes.distance_nm))
    .bind(super::NullableFloat(changes.fuel_used))
    .bind(super::NullableFloat(changes.landing_rate))
    .bind(changes.route)
    .bind(changes.flight_level)
    .bind(crate::domain::Timestamp::now().to_db())
    .bind(org.0)
    .bind(pirep.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The subfleets a pilot of `rank` may fly (a pilot without a rank ranks lowest).
pub async fn subfleets_for_rank(
    db: &Db,
    org: OrgId,
    rank: Option<RankId>,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT f.id FROM subfleets f LEFT JOIN ranks needed ON needed.id = f.min_rank_id \
         WHERE f.org_id = $1 AND (needed.id IS NULL OR needed.sort_order <= COALESCE( \
         (SELECT r.sort_order FROM ranks r WHERE r.id = $2), -1)) ORDER BY f.id",
    )
    .bind(org.0)
    .bind(rank.map(|r| r.0))
    .fetch_all(db.reader())
    .await
}

/// One active, visible schedule of the org as trackers show it.
pub async fn schedule_flight(
    db: &Db,
    org: OrgId,
    id: i64,
) -> Result<Option<ScheduledFlight>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT s.id, {SCHEDULE_COLUMNS}, CAST(NULL AS BIGINT) AS aircraft_id, \
         CAST(0 AS BIGINT) AS in_progress FROM schedules s {SCHEDULE_JOINS} \
         WHERE s.org_id = $1 AND s.id = $2 AND s.active = 1 AND s.hidden = 0"
    ))
    .bind(org.0)
    .bind(id)
    .fetch_optional(db.reader())
    .await
}

/// A navpoint of a flight's filed route.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoutePoint {
    pub position: i64,
    pub name: String,
    pub nav_type: Option<i64>,
    pub latitude: f64,
    pub longitude: f64,
}

pub async fn route_points(
    db: &Db,
    org: OrgId,
    pirep: PirepId,
) -> Result<Vec<RoutePoint>, sqlx::Error> {
    sqlx::query_as(
        "SELECT position, name, nav_type, latitude, longitude FROM pirep_route_points \
         WHERE org_id = $1 AND pirep_id = $2 ORDER BY position, id",
    )
    .bind(org.0)
    .bind(pirep.0)
    .fetch_all(db.writer())
    .await
}

/// Replaces a flight's route with `points` (none: removes it), in one
/// transaction.
pub async fn replace_route(
    db: &Db,
    org: OrgId,
    pirep: PirepId,
    points: &[RoutePoint],
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM pirep_route_points WHERE org_id = $1 AND pirep_id = $2")
        .bind(org.0)
        .bind(pirep.0)
        .execute(&mut *tx)
        .await?;
    for p in points {
        sqlx::query(
            "INSERT INTO pirep_route_points (org_id, pirep_id, position, name, nav_type, latitude, \
             longitude) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(org.0)
        .bind(pirep.0)
        .bind(p.position)
        .bind(&p.name)
        .bind(p.nav_type)
        .bind(p.latitude)
        .bind(p.longitude)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
