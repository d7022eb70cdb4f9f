//! The read-only Public API (`/api/v1/public/*`) for partners, with an org
//! API key and `X-Org-Id`. Every route is a GET with its `public.*:read`
//! scope; any other method answers 405 with `Allow: GET`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::Method;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::Value;

use crate::auth::PublicCaller;
use crate::domain::maintenance::{due_status, stored_date, DueStatus};
use crate::domain::scope::Scope::{
    PublicCompliance, PublicEvents, PublicFinance, PublicFleet, PublicFlights, PublicInvoices,
    PublicMaintenance, PublicPilots, PublicPlanning, PublicSignoffs, PublicTraining, PublicVtr,
};
use crate::http::extract::{Data, Path, Query};
use crate::http::pagination::{List, Paging};
use crate::http::params::{int_param, list_filters, list_filters_with, time_param};
use crate::http::scoped::{doc, RouteRule, ScopedRouter};
use crate::http::ApiError;
use crate::state::AppState;

use crate::storage::fleet::Aircraft;
use crate::storage::pilots::Pilot;
use crate::storage::pireps::Pirep;
use crate::storage::resource::{self, Filter, Resource};
use crate::storage::school::{
    ComplianceRecord, EventRow, FinanceSummary, Invoice, InvoiceLine, MaintenanceItem, PlanningRow,
    Signoff, TrainingProgress, Vtr, WorkOrder,
};

pub const BASE: &str = "/api/v1/public";

pub fn build(state: &AppState) -> (Router<AppState>, Vec<RouteRule>) {
    let get = Method::GET;
    let (router, rules) = ScopedRouter::<PublicCaller>::new(state)
        .action(
            get.clone(),
            "/pilots",
            PublicPilots,
            pilots,
            doc("Pilots (students)").many::<PublicPilot>(),
        )
        .action(
            get.clone(),
            "/flights",
            PublicFlights,
            list::<Pirep>,
            doc("Flights (PIREPs)").many::<Pirep>(),
        )
        .action(
            get.clone(),
            "/fleet",
            PublicFleet,
            list::<Aircraft>,
            doc("Aircraft").many::<Aircraft>(),
        )
        .action(
            get.clone(),
            "/compliance",
            PublicCompliance,
            list::<ComplianceRecord>,
            doc("Compliance records").many::<ComplianceRecord>(),
        )
        .action(
            get.clone(),
            "/training-progress",
            PublicTraining,
            list::<TrainingProgress>,
            doc("Students' progress through programs").many::<TrainingProgress>(),
        )
        .action(
            get.clone(),
            "/training/signoffs",
            PublicSignoffs,
            signoffs,
            doc("Signoffs (filters: student, program, period YYYY-MM)").many::<Signoff>().params(
                &[
                    ("student", "A student's pilot id"),
                    ("program", "A training program's id"),
                    ("period", "A month, YYYY-MM"),
                ],
            ),
        )
        .action(
            get.clone(),
            "/finance-summaries",
            PublicFinance,
            list::<FinanceSummary>,
            doc("Finance per period").many::<FinanceSummary>(),
        )
        .action(
            get.clone(),
            "/invoices",
            PublicInvoices,
            list::<Invoice>,
            doc("Invoices").many::<Invoice>(),
        )
        .action(
            get.clone(),
            "/invoices/{id}",
            PublicInvoices,
            invoice,
            doc("An invoice with its line items").one::<InvoiceWithLines>(200),
        )
        .action(
            get.clone(),
            "/maintenance/due",
            PublicMaintenance,
            maintenance_due,
            doc("Per aircraft: overdue, upcoming and ok items").many::<AircraftDue>(),
        )
        .action(
            get.clone(),
            "/maintenance/work-orders",
            PublicMaintenance,
            list::<WorkOrder>,
            doc("Work orders (filter: status)").many::<WorkOrder>(),
        )
        .action(
            get.clone(),
            "/maintenance/work-orders/{id}",
            PublicMaintenance,
            one::<WorkOrder>,
            doc("A work order").one::<WorkOrder>(200),
        )
        .action(
            get.clone(),
            "/vtr",
            PublicVtr,
            list::<Vtr>,
            doc("Training records (metadata only)").many::<Vtr>(),
        )
        .action(
            get.clone(),
            "/vtr/{id}",
            PublicVtr,
            one::<Vtr>,
            doc("A training record's metadata").one::<Vtr>(200),
        )
        .action(
            get.clone(),
            "/planning/sessions",
            PublicPlanning,
            sessions,
            doc("Sessions (filters: from, to, aircraft, instructor, student)")
                .many::<PlanningSession>()
                .params(&[
                    ("from", "Starting at or after (YYYY-MM-DD or RFC 3339)"),
                    ("to", "Starting before (YYYY-MM-DD or RFC 3339)"),
                    ("aircraft", "An aircraft's id"),
                    ("instructor", "An instructor's pilot id"),
                    ("student", "A student's pilot id"),
                ]),
        )
        .action(
            get.clone(),
            "/planning/sessions/{id}",
            PublicPlanning,
            session,
            doc("A session with its resource").one::<PlanningSession>(200),
        )
        .action(
            get,
            "/events",
            PublicEvents,
            events,
            doc("The organisation's event log, newest first").many::<Event>(),
        )
        .into_parts();
    (Router::new().nest(BASE, router), rules)
}

async fn list<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: PublicCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<R>, ApiError> {
    let filters = crate::http::params::list_filters::<R>(&query)?;
    Ok(paging
        .list(resource::list::<R>(&state.db, caller.org, &filters, &paging.sorted::<R>()?).await?))
}

async fn one<R: Resource + Serialize>(
    State(state): State<AppState>,
    caller: PublicCaller,
    Path(id): Path<i64>,
) -> Result<Data<R>, ApiError> {
    let row = resource::get::<R>(&state.db, caller.org, id).await?;
    row.map(|data| Data { data })
        .ok_or_else(|| ApiError::not_found(format!("no {} with id {id}", R::TABLE)))
}

/// A pilot as partners see them: no email, no credentials.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicPilot {
    id: i64,
    pilot_id: String,
    first_name: String,
    last_name: String,
    state: crate::domain::pilot::PilotState,
    rank_id: Option<i64>,
    hub_id: Option<i64>,
    flight_minutes: i64,
    flights: i64,
}

async fn pilots(
    State(state): State<AppState>,
    caller: PublicCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<PublicPilot>, ApiError> {
    let filters = list_filters::<Pilot>(&query)?;
    let page = resource::list::<Pilot>(&state.db, caller.org, &filters, &paging.sorted::<Pilot>()?)
        .await?;
    Ok(paging.list(page.map(|p| PublicPilot {
        id: p.id.0,
        pilot_id: p.ident,
        first_name: p.first_name,
        last_name: p.last_name,
        state: p.state,
        rank_id: p.rank_id.map(|r| r.0),
        hub_id: p.hub_id.map(|h| h.0),
        flight_minutes: p.flight_minutes,
        flights: p.flights,
    })))
}

/// `YYYY-MM` to the half-open range of that month, as RFC 3339 text.
fn month(period: &str) -> Result<(String, String), ApiError> {
    let bad = || ApiError::bad_request("`period` must be a month: YYYY-MM");
    let first =
        NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((format!("{first}T00:00:00"), format!("{next}T00:00:00")))
}

const SIGNOFF_PARAMS: [&str; 3] = ["student", "program", "period"];

async fn signoffs(
    State(state): State<AppState>,
    caller: PublicCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<Signoff>, ApiError> {
    list_filters_with::<Signoff>(&query, &SIGNOFF_PARAMS)?;
    let mut filters = vec![];
    if let Some(student) = int_param(&query, "student")? {
        filters.push(Filter::Int("signoffs.student_id", student));
    }
    if let Some(program) = int_param(&query, "program")? {
        filters.push(Filter::Int("signoffs.program_id", program));
    }
    if let Some(period) = query.get("period") {
        let (from, until) = month(period)?;
        filters.push(Filter::AtLeast("signoffs.signed_at", from));
        filters.push(Filter::Before("signoffs.signed_at", until));
    }
    Ok(paging.list(
        resource::list::<Signoff>(&state.db, caller.org, &filters, &paging.sorted::<Signoff>()?)
            .await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvoiceWithLines {
    #[serde(flatten)]
    invoice: Invoice,
    lines: Vec<InvoiceLine>,
}

async fn invoice(
    State(state): State<AppState>,
    caller: PublicCaller,
    Path(id): Path<i64>,
) -> Result<Data<InvoiceWithLines>, ApiError> {
    let invoice = resource::get::<Invoice>(&state.db, caller.org, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no invoice with id {id}")))?;
    let lines =
        resource::all::<InvoiceLine>(&state.db, caller.org, &[Filter::Int("invoice_id", id)])
            .await?;
    Ok(Data { data: InvoiceWithLines { invoice, lines } })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AircraftDue {
    aircraft_id: i64,
    registration: String,
    airframe_hours: f64,
    overdue: usize,
    upcoming: usize,
    ok: usize,
}

/// Counts per aircraft, computed from the items, today's date and the
/// aircraft's hours (see `domain::maintenance`).
async fn maintenance_due(
    State(state): State<AppState>,
    caller: PublicCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<AircraftDue>, ApiError> {
    crate::http::params::refuse_unknown(&query, &crate::http::pagination::PAGING_PARAMS)?;
    let today = chrono::Utc::now().date_naive();
    let page =
        resource::list::<Aircraft>(&state.db, caller.org, &[], &paging.sorted::<Aircraft>()?)
            .await?;
    let mut out = Vec::with_capacity(page.items.len());
    for aircraft in &page.items {
        let items = resource::all::<MaintenanceItem>(
            &state.db,
            caller.org,
            &[Filter::Int("aircraft_id", aircraft.id.0)],
        )
        .await?;
        let (mut overdue, mut upcoming, mut ok) = (0, 0, 0);
        for item in items {
            let due_on = item.due_on.as_deref().and_then(stored_date);
            match due_status(today, aircraft.airframe_hours, due_on, item.due_hours) {
                DueStatus::Overdue => overdue += 1,
                DueStatus::Upcoming => upcoming += 1,
                DueStatus::Ok => ok += 1,
            }
        }
        out.push(AircraftDue {
            aircraft_id: aircraft.id.0,
            registration: aircraft.registration.clone(),
            airframe_hours: aircraft.airframe_hours,
            overdue,
            upcoming,
            ok,
        });
    }
    let meta = paging.list(page.map(|_| ())).meta;
    Ok(List { data: out, meta })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResourceRef {
    /// `aircraft`, `simulator` or `classroom`.
    r#type: String,
    id: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanningSession {
    id: i64,
    title: String,
    starts_at: String,
    ends_at: String,
    instructor_id: Option<i64>,
    student_id: Option<i64>,
    resource: ResourceRef,
}

impl From<PlanningRow> for PlanningSession {
    fn from(r: PlanningRow) -> Self {
        PlanningSession {
            id: r.id,
            title: r.title,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            instructor_id: r.instructor_id,
            student_id: r.student_id,
            resource: ResourceRef { r#type: r.resource_type, id: r.resource_id },
        }
    }
}

async fn sessions(
    State(state): State<AppState>,
    caller: PublicCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<PlanningSession>, ApiError> {
    let mut filters = list_filters_with::<PlanningRow>(&query, &["from", "to", "aircraft"])?;
    if let Some(from) = time_param(&query, "from")? {
        filters.push(Filter::AtLeast("starts_at", from));
    }
    if let Some(to) = time_param(&query, "to")? {
        filters.push(Filter::Before("starts_at", to));
    }
    if let Some(aircraft) = int_param(&query, "aircraft")? {
        filters.push(Filter::Text("resource_type", "aircraft".into()));
        filters.push(Filter::Int("resource_id", aircraft));
    }
    let page = resource::list::<PlanningRow>(
        &state.db,
        caller.org,
        &filters,
        &paging.sorted::<PlanningRow>()?,
    )
    .await?;
    Ok(paging.list(page.map(PlanningSession::from)))
}

async fn session(
    State(state): State<AppState>,
    caller: PublicCaller,
    Path(id): Path<i64>,
) -> Result<Data<PlanningSession>, ApiError> {
    let row = resource::get::<PlanningRow>(&state.db, caller.org, id).await?;
    row.map(|r| Data { data: r.into() })
        .ok_or_else(|| ApiError::not_found(format!("no planning session with id {id}")))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Event {
    id: String,
    r#type: String,
    created_at: String,
    data: Value,
}

async fn events(
    State(state): State<AppState>,
    caller: PublicCaller,
    paging: Paging,
    Query(query): Query<HashMap<String, String>>,
) -> Result<List<Event>, ApiError> {
    let filters = list_filters::<EventRow>(&query)?;
    let page =
        resource::list::<EventRow>(&state.db, caller.org, &filters, &paging.sorted::<EventRow>()?)
            .await?;
    Ok(paging.list(page.map(|e| {
        let payload: Value = serde_json::from_str(&e.payload).unwrap_or(Value::Null);
        Event {
            id: e.uuid,
            r#type: e.event_type,
            created_at: payload["created_at"].as_str().unwrap_or(&e.created_at).to_string(),
            data: payload["data"].clone(),
        }
    })))
}
