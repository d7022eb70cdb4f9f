//! What is flying and what has been flown, in vAMSYS's shapes: `/live-flights`,
//! `/flight-map` (camelCase, as vAMSYS's map clients read it) and
//! `/statistics/*`.

use std::collections::HashMap;

use axum::extract::State;
use serde::Serialize;

use crate::auth::OpsCaller;
use crate::domain::geo::distance_nm;
use crate::http::extract::{Data, Query};
use crate::http::pagination::{List, Paging};
use crate::http::params::{refuse_unknown, until_param};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::live::{self, LiveFlight, MapFlight, Posrep};
use crate::storage::resource::{self, Filter};

fn in_progress() -> Filter {
    Filter::Text("pireps.state", "in_progress".into())
}

/// `GET /live-flights`: the org's flights in progress, flat, with ids.
pub async fn live_flights(
    State(state): State<AppState>,
    caller: OpsCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<LiveFlight>, ApiError> {
    let mut filters = crate::http::params::list_filters::<LiveFlight>(&query)?;
    filters.push(in_progress());
    let page = resource::list::<LiveFlight>(
        &state.db,
        caller.org,
        &filters,
        &paging.sorted::<LiveFlight>()?,
    )
    .await?;
    Ok(paging.list(page))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapBooking {
    pub id: Option<i64>,
    pub callsign: String,
    pub flight_number: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapPilot {
    pub id: i64,
    /// The callsign (`AIR0001`).
    pub username: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapAirport {
    pub id: i64,
    pub icao: String,
    pub iata: Option<String>,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapAircraft {
    pub id: i64,
    pub name: Option<String>,
    /// The ICAO type code.
    #[serde(rename = "type")]
    pub aircraft_type: Option<String>,
    pub registration: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapProgress {
    pub current_phase: Option<String>,
    /// How far along the great circle from departure to arrival the last
    /// position is, 0 to 100; 0 before the first report.
    pub progress_percentage: f64,
    /// When the flight started (RFC 3339).
    pub departure_time: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub altitude: Option<f64>,
    pub heading: Option<f64>,
    pub ground_speed: Option<f64>,
    pub distance_remaining: Option<f64>,
    pub last_report_at: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapPosrep {
    pub recorded_at: String,
    pub phase: String,
    pub latitude: f64,
    pub longitude: f64,
    pub altitude: f64,
    pub heading: f64,
    pub ground_speed: Option<f64>,
}

/// A flight on the map.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapItem {
    /// The PIREP's id.
    pub id: i64,
    pub booking: MapBooking,
    pub pilot: MapPilot,
    pub departure_airport: MapAirport,
    pub arrival_airport: MapAirport,
    pub aircraft: Option<MapAircraft>,
    pub progress: MapProgress,
    /// The track so far, with `include_posreps=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posreps: Option<Vec<MapPosrep>>,
}

fn percentage(flight: &MapFlight) -> (f64, Option<f64>) {
    let (Some(lat), Some(lon)) = (flight.latitude, flight.longitude) else { return (0.0, None) };
    let total = distance_nm(
        flight.departure_latitude,
        flight.departure_longitude,
        flight.arrival_latitude,
        flight.arrival_longitude,
    );
    let remaining = distance_nm(lat, lon, flight.arrival_latitude, flight.arrival_longitude);
    let done = if total < 1.0 { 100.0 } else { 100.0 * (1.0 - remaining / total) };
    ((done.clamp(0.0, 100.0) * 10.0).round() / 10.0, Some(remaining.round()))
}

fn map_item(f: MapFlight, posreps: Option<Vec<MapPosrep>>) -> MapItem {
    let (progress_percentage, distance_remaining) = percentage(&f);
    MapItem {
        id: f.id,
        booking: MapBooking {
            id: f.booking_id,
            callsign: f.callsign,
            flight_number: f.flight_number,
        },
        pilot: MapPilot { id: f.pilot_id, username: f.pilot_username, name: f.pilot_name },
        departure_airport: MapAirport {
            id: f.departure_id,
            icao: f.departure_icao,
            iata: f.departure_iata,
            name: f.departure_name,
            latitude: f.departure_latitude,
            longitude: f.departure_longitude,
        },
        arrival_airport: MapAirport {
            id: f.arrival_id,
            icao: f.arrival_icao,
            iata: f.arrival_iata,
            name: f.arrival_name,
            latitude: f.arrival_latitude,
            longitude: f.arrival_longitude,
        },
        aircraft: f.aircraft_id.map(|id| MapAircraft {
            id,
            name: f.aircraft_name,
            aircraft_type: f.aircraft_type,
            registration: f.aircraft_registration,
        }),
        progress: MapProgress {
            current_phase: f.phase,
            progress_percentage,
            departure_time: f.started_at,
            latitude: f.latitude,
            longitude: f.longitude,
            altitude: f.altitude,
            heading: f.heading,
            ground_speed: f.ground_speed,
            distance_remaining,
            last_report_at: f.last_report_at,
        },
        posreps,
    }
}

const MAP_PARAMS: [&str; 6] =
    ["include_posreps", "limit", "cursor", "page[size]", "page[cursor]", "sort"];

/// `GET /flight-map`: the flights in progress with what a map draws.
pub async fn flight_map(
    State(state): State<AppState>,
    caller: OpsCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<MapItem>, ApiError> {
    refuse_unknown(&query, &MAP_PARAMS)?;
    let include_posreps = match query.get("include_posreps").map(String::as_str) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => return Err(ApiError::bad_request("include_posreps must be true or false")),
    };
    let page =
        resource::list::<MapFlight>(&state.db, caller.org, &[in_progress()], &paging.by_id()?)
            .await?;
    let mut tracks: HashMap<i64, Vec<MapPosrep>> = HashMap::new();
    if include_posreps {
        let ids: Vec<i64> = page.items.iter().map(|f| f.id).collect();
        for p in live::posreps(&state.db, caller.org, &ids).await? {
            let Posrep {
                pirep_id,
                recorded_at,
                phase,
                latitude,
                longitude,
                altitude,
                heading,
                ground_speed,
            } = p;
            tracks.entry(pirep_id).or_default().push(MapPosrep {
                recorded_at,
                phase,
                latitude,
                longitude,
                altitude,
                heading,
                ground_speed,
            });
        }
    }
    let page = page.map(|f| {
        let track = include_posreps.then(|| tracks.remove(&f.id).unwrap_or_default());
        map_item(f, track)
    });
    Ok(paging.list(page))
}

/// Minutes as vAMSYS shows a duration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FlightTime {
    pub minutes: i64,
    pub seconds: i64,
    /// `HH:MM` (hours may pass 99).
    pub formatted: String,
}

impl FlightTime {
    fn of_minutes(minutes: i64) -> FlightTime {
        FlightTime {
            minutes,
            seconds: minutes * 60,
            formatted: format!("{:02}:{:02}", minutes / 60, minutes % 60),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AirlineStatistics {
    /// The period, as asked (`YYYY-MM-DD`, both days included).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Accepted flights filed in the period.
    pub pireps: i64,
    pub flight_time: FlightTime,
    pub distance_nm: f64,
    /// Pilots with an accepted flight in the period.
    pub active_pilots: i64,
    pub average_landing_rate: Option<f64>,
}

/// `GET /statistics/airline?from=YYYY-MM-DD&to=YYYY-MM-DD`: what the airline
/// flew in a period (all time without bounds).
pub async fn airline_statistics(
    State(state): State<AppState>,
    caller: OpsCaller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Data<AirlineStatistics>, ApiError> {
    refuse_unknown(&query, &["from", "to"])?;
    let from = crate::http::params::time_param(&query, "from")?;
    let until = until_param(&query, "to")?;
    if let (Some(from), Some(until)) = (&from, &until) {
        if from >= until {
            return Err(ApiError::bad_request("`from` must be before `to`"));
        }
    }
    let flown = live::flown(
        &state.db,
        caller.org,
        from.as_deref().unwrap_or("0000"),
        until.as_deref().unwrap_or("9999"),
    )
    .await?;
    Ok(Data {
        data: AirlineStatistics {
            from: query.get("from").cloned(),
            to: query.get("to").cloned(),
            pireps: flown.flights,
            flight_time: FlightTime::of_minutes(flown.minutes),
            distance_nm: flown.distance_nm,
            active_pilots: flown.pilots,
            average_landing_rate: flown.average_landing_rate.map(|r| r.round()),
        },
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Counted {
    /// How many there are now.
    pub current: i64,
    pub total: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeneralStatistics {
    /// `current`: active pilots; `total`: every pilot.
    pub pilots: Counted,
    /// `current`: awaiting review; `total`: every PIREP.
    pub pireps: Counted,
    pub flights_in_progress: i64,
    pub flight_time: FlightTime,
    pub routes: i64,
    pub fleets: i64,
    pub aircraft: i64,
    pub airports: i64,
}

/// `GET /statistics/general`: what the airline has now.
pub async fn general_statistics(
    State(state): State<AppState>,
    caller: OpsCaller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Data<GeneralStatistics>, ApiError> {
    refuse_unknown(&query, &[])?;
    let c = live::census(&state.db, caller.org).await?;
    Ok(Data {
        data: GeneralStatistics {
            pilots: Counted { current: c.pilots_active, total: c.pilots_total },
            pireps: Counted { current: c.pireps_pending, total: c.pireps_total },
            flights_in_progress: c.flights_in_progress,
            flight_time: FlightTime::of_minutes(c.minutes_flown),
            routes: c.routes,
            fleets: c.fleets,
            aircraft: c.aircraft,
            airports: c.airports,
        },
    })
}
