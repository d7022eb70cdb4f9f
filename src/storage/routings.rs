//! Routings: a route string between two airports that routes reuse.

use serde::Serialize;

use super::resource::{keyed_by_id, FilterKind, Resource};
use super::Table;
use crate::domain::{AirportId, Timestamp};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Routing {
    pub id: i64,
    pub departure_airport_id: AirportId,
    pub arrival_airport_id: AirportId,
    pub route: String,
    pub remarks: Option<String>,
    pub internal_remarks: Option<String>,
    pub tag: Option<String>,
    /// Days it is flown: digits 1 (Monday) to 7.
    pub days_of_operation: Option<String>,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}
keyed_by_id!(Routing);

impl Resource for Routing {
    const TABLE: Table = Table::Routings;
    const COLUMNS: &'static str = "id, departure_airport_id, arrival_airport_id, route, remarks, \
         internal_remarks, tag, days_of_operation, created_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("departure_airport_id", "departure_airport_id", FilterKind::Int),
        ("arrival_airport_id", "arrival_airport_id", FilterKind::Int),
        ("tag", "tag", FilterKind::Text),
    ];
    const SORTS: &'static [(&'static str, &'static str)] = &[("created_at", "created_at")];
}
