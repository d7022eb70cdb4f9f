//! Bookings (bids): a pilot's claim on a schedule, maybe with a pinned aircraft.

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
    const TABLE: &'static str = "bookings";
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
    sqlx::query_scalar(
        "INSERT INTO bookings (org_id, pilot_id, schedule_id, aircraft_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org.0)
    .bind(pilot.0)
    .bind(schedule.0)
    .bind(aircraft.map(|a| a.0))
    .bind(Timestamp::now().to_db())
    .fetch_one(conn)
    .await
    .map(BookingId)
}
