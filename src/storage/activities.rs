//! Activities: events, tours (with legs), rosters, focus airports,
//! community goals and challenges.

use super::Table;
use serde::Serialize;

use super::resource::{FilterKind, Resource};
use crate::domain::{AirportId, Timestamp};

macro_rules! activity {
    ($name:ident, $table:expr, $columns:literal, { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
        pub struct $name {
            pub id: i64,
            $(pub $field: $ty,)*
            #[sqlx(try_from = "String")]
            pub created_at: Timestamp,
        }

        impl super::page::Keyed for $name {
            fn key(&self) -> i64 {
                self.id
            }
        }

        impl Resource for $name {
            const TABLE: Table = $table;
            const COLUMNS: &'static str = concat!("id, ", $columns, ", created_at");
        }
    };
}

activity!(ActivityEvent, Table::ActivityEvents, "name, description, airport_id, starts_at, ends_at, points", {
    name: String, description: String, airport_id: Option<AirportId>,
    starts_at: String, ends_at: String, points: i64,
});
activity!(Tour, Table::Tours, "name, description, points", {
    name: String, description: String, points: i64,
});
activity!(Roster, Table::Rosters, "name, description, starts_at, ends_at", {
    name: String, description: String, starts_at: String, ends_at: String,
});
activity!(FocusAirport, Table::FocusAirports, "airport_id, bonus_points, starts_at, ends_at", {
    airport_id: AirportId, bonus_points: i64, starts_at: String, ends_at: String,
});
activity!(CommunityGoal, Table::CommunityGoals, "name, metric, target, starts_at, ends_at", {
    name: String, metric: String, target: f64, starts_at: String, ends_at: String,
});
activity!(Challenge, Table::Challenges, "name, description, points, starts_at, ends_at", {
    name: String, description: String, points: i64, starts_at: String, ends_at: String,
});

/// A leg of a tour, in order.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TourLeg {
    pub id: i64,
    pub tour_id: i64,
    pub position: i64,
    pub departure_airport_id: AirportId,
    pub arrival_airport_id: AirportId,
}

impl super::page::Keyed for TourLeg {
    fn key(&self) -> i64 {
        self.id
    }
}

impl Resource for TourLeg {
    const TABLE: Table = Table::TourLegs;
    const COLUMNS: &'static str = "id, tour_id, position, departure_airport_id, arrival_airport_id";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("tour_id", "tour_id", FilterKind::Int)];
}
