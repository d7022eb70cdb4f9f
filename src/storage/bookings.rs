//! Bookings (bids): a pilot's claim on a schedule, maybe with a pinned aircraft.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource};
use crate::domain::{
    AircraftId, AirportId, BookingId, OrgId, PilotId, PirepId, ScheduleId, Timestamp,
};

/// A booking as vAMSYS shows one: with its route's flight and, once the
/// pilot is flying it, the PIREP in progress.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Booking {
    pub id: BookingId,
    pub pilot_id: PilotId,
    /// The route (schedule) booked.
    #[serde(rename = "route_id")]
    pub schedule_id: ScheduleId,
    pub aircraft_id: Option<AircraftId>,
    pub flight_number: String,
    /// The route's callsign, or its flight number when it has none.
    pub callsign: String,
    pub departure_id: AirportId,
    pub arrival_id: AirportId,
    /// The route's departure time of day (`HH:MM`, UTC), when it has one.
    pub departure_time: Option<String>,
    /// `current` (booked, not started) or `in_progress` (being flown).
    pub status: String,
    /// The PIREP in progress under this booking (a filed flight uses it up).
    pub pirep_id: Option<PirepId>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Booking);

const STATUS: &str = "(CASE WHEN flying.id IS NULL THEN 'current' ELSE 'in_progress' END)";

impl Resource for Booking {
    const TABLE: Table = Table::Bookings;
    const FROM: &'static str = "bookings JOIN schedules route ON route.id = bookings.schedule_id \
         LEFT JOIN pireps flying ON flying.booking_id = bookings.id AND flying.state = 'in_progress'";
    const COLUMNS: &'static str = "bookings.id, bookings.pilot_id, bookings.schedule_id, \
         bookings.aircraft_id, route.flight_number, \
         COALESCE(route.callsign, route.flight_number) AS callsign, \
         route.departure_airport_id AS departure_id, route.arrival_airport_id AS arrival_id, \
         route.departure_time, \
         CASE WHEN flying.id IS NULL THEN 'current' ELSE 'in_progress' END AS status, \
         flying.id AS pirep_id, bookings.created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("pilot_id", "bookings.pilot_id", FilterKind::Int),
        ("route_id", "bookings.schedule_id", FilterKind::Int),
        ("aircraft_id", "bookings.aircraft_id", FilterKind::Int),
        ("status", STATUS, FilterKind::Text),
    ];
    const SORTS: &'static [(&'static str, &'static str)] = &[
        ("created_at", "bookings.created_at"),
        ("departure_time", "COALESCE(route.departure_time, '')"),
        ("flight_number", "route.flight_number"),
    ];
}

pub async fn create(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: PilotId,
    schedule: ScheduleId,
    aircraft: Option<AircraftId>,
) -> Result<BookingId, sqlx::Error> {
    // One write path per table: the Operations API's bookings go through
    // `resource::insert` too.
    use super::resource::{insert, Value};
    let row = [
        ("pilot_id", Value::Int(pilot.0)),
        ("schedule_id", Value::Int(schedule.0)),
        ("aircraft_id", Value::opt_int(aircraft.map(|a| a.0))),
        ("created_at", Value::now()),
    ];
    insert(conn, org, Table::Bookings, &row).await.map(BookingId)
}

/// A booking of the pilot: its schedule and pinned aircraft.
pub async fn of_pilot(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: PilotId,
    id: i64,
) -> Result<Option<(ScheduleId, Option<AircraftId>)>, sqlx::Error> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT schedule_id, aircraft_id FROM bookings WHERE org_id = $1 AND pilot_id = $2 AND id = $3",
    )
    .bind(org.0)
    .bind(pilot.0)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(schedule, aircraft)| (ScheduleId(schedule), aircraft.map(AircraftId))))
}

/// The pilot drops a booking of theirs; false when they have none by that id.
pub async fn cancel(
    conn: &mut AnyConnection,
    org: OrgId,
    pilot: PilotId,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let deleted =
        sqlx::query("DELETE FROM bookings WHERE org_id = $1 AND pilot_id = $2 AND id = $3")
            .bind(org.0)
            .bind(pilot.0)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(deleted == 1)
}

/// A booking is used up once its flight is filed.
pub async fn consume(conn: &mut AnyConnection, org: OrgId, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM bookings WHERE org_id = $1 AND id = $2")
        .bind(org.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The booking a PIREP was flown under is used up once it is filed.
pub async fn consume_of(
    conn: &mut AnyConnection,
    org: OrgId,
    pirep: crate::domain::PirepId,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM bookings WHERE org_id = $1 AND id = (SELECT booking_id FROM pireps WHERE id = $2)",
    )
    .bind(org.0)
    .bind(pirep.0)
    .execute(conn)
    .await?;
    Ok(())
}
