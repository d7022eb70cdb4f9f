//! Typed ids, so that a pilot id can never be passed where an aircraft id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_types {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_types!(
    /// An organisation's internal row id; the outside world sees its UUID.
    OrgId,
    StaffId,
    AirlineId,
    RankId,
    BadgeId,
    HubId,
    AirportId,
    SubfleetId,
    AircraftId,
    ScheduleId,
    BookingId,
    PilotId,
    PirepId,
    AnnouncementId,
);
