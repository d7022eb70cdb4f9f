//! Bookings (bids): a pilot's claim on a schedule, maybe with a pinned aircraft.

use super::Table;
use serde::Serialize;
use sqlx::AnyConnection;

use super::resource::{keyed, FilterKind, Resource};
use crate::domain::{AircraftId, BookingId, OrgId, PilotId, ScheduleId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Booking {
    pub id: BookingId,
    pub pilot_id: PilotId,
    pub schedule_id: ScheduleId,
    pub aircraft_id: Option<AircraftId>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed!(Booking);

impl Resource for Booking {
    const TABLE: Table = Table::Bookings;
    const COLUMNS: &'static str = "id, pilot_id, schedule_id, aircraft_id, created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("pilot_id", "pilot_id", FilterKind::Int),
        ("schedule_id", "schedule_id", FilterKind::Int),
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
