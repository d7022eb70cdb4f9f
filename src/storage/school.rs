//! Flight-school records: compliance, training, finance, maintenance, VTRs
//! and planning. Rows as the Public API shows them.

use super::Table;
use serde::Serialize;

use super::page::Order;
use super::resource::keyed_by_id;
use super::resource::{FilterKind, Resource};
use crate::domain::Timestamp;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ComplianceRecord {
    pub id: i64,
    /// `pilot` or `aircraft`.
    pub subject_type: String,
    pub subject_id: i64,
    pub record_type: String,
    pub valid_until: Option<String>,
    pub status: String,
    #[sqlx(try_from = "String")]
    pub updated_at: Timestamp,
}

impl Resource for ComplianceRecord {
    const TABLE: Table = Table::ComplianceRecords;
    const COLUMNS: &'static str =
        "id, subject_type, subject_id, record_type, valid_until, status, updated_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("subject_type", "subject_type", FilterKind::Text),
        ("status", "status", FilterKind::Text),
    ];
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Signoff {
    pub id: i64,
    pub student_id: i64,
    pub program_id: i64,
    pub item_id: i64,
    pub item: String,
    pub signed_by: String,
    pub signed_at: String,
}

impl Resource for Signoff {
    const TABLE: Table = Table::Signoffs;
    const FROM: &'static str =
        "signoffs JOIN training_items ON training_items.id = signoffs.item_id";
    const COLUMNS: &'static str =
        "signoffs.id, signoffs.student_id, signoffs.program_id, signoffs.item_id, \
         training_items.name AS item, signoffs.signed_by, signoffs.signed_at";
    const ORDER: Order = Order::NewestFirst;
}

/// A student's progress through a program.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TrainingProgress {
    pub id: i64,
    pub student_id: i64,
    pub program_id: i64,
    pub program: String,
    pub items: i64,
    pub signed_off: i64,
    pub started_at: String,
    pub completed_at: Option<String>,
}

impl Resource for TrainingProgress {
    const TABLE: Table = Table::Enrolments;
    const FROM: &'static str =
        "enrolments JOIN training_programs ON training_programs.id = enrolments.program_id";
    const COLUMNS: &'static str = "enrolments.id, enrolments.student_id, enrolments.program_id, \
         training_programs.name AS program, \
         (SELECT COUNT(*) FROM training_items i WHERE i.program_id = enrolments.program_id) AS items, \
         (SELECT COUNT(*) FROM signoffs s WHERE s.program_id = enrolments.program_id AND s.student_id = enrolments.student_id) AS signed_off, \
         enrolments.started_at, enrolments.completed_at";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("student", "enrolments.student_id", FilterKind::Int),
        ("program", "enrolments.program_id", FilterKind::Int),
    ];
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FinanceSummary {
    pub id: i64,
    /// `YYYY-MM`.
    pub period: String,
    pub revenue_cents: i64,
    pub costs_cents: i64,
    pub currency: String,
}

impl Resource for FinanceSummary {
    const TABLE: Table = Table::FinanceSummaries;
    const COLUMNS: &'static str = "id, period, revenue_cents, costs_cents, currency";
    const ORDER: Order = Order::NewestFirst;
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Invoice {
    pub id: i64,
    pub number: String,
    pub student_id: Option<i64>,
    pub issued_on: String,
    pub due_on: String,
    pub status: String,
    pub currency: String,
    pub total_cents: i64,
}

impl Resource for Invoice {
    const TABLE: Table = Table::Invoices;
    const COLUMNS: &'static str =
        "id, number, student_id, issued_on, due_on, status, currency, total_cents";
    const ORDER: Order = Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("status", "status", FilterKind::Text)];
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct InvoiceLine {
    pub id: i64,
    pub description: String,
    pub quantity: f64,
    pub unit_cents: i64,
    pub amount_cents: i64,
}

impl Resource for InvoiceLine {
    const TABLE: Table = Table::InvoiceLines;
    const COLUMNS: &'static str = "id, description, quantity, unit_cents, amount_cents";
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct MaintenanceItem {
    pub id: i64,
    pub aircraft_id: i64,
    pub name: String,
    pub due_on: Option<String>,
    pub due_hours: Option<f64>,
}

impl Resource for MaintenanceItem {
    const TABLE: Table = Table::MaintenanceItems;
    const COLUMNS: &'static str = "id, aircraft_id, name, due_on, due_hours";
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct WorkOrder {
    pub id: i64,
    pub aircraft_id: i64,
    pub title: String,
    pub status: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
}

impl Resource for WorkOrder {
    const TABLE: Table = Table::WorkOrders;
    const COLUMNS: &'static str = "id, aircraft_id, title, status, opened_at, closed_at";
    const ORDER: Order = Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("status", "status", FilterKind::Text), ("aircraft", "aircraft_id", FilterKind::Int)];
}

/// A virtual training record: metadata only. The certificate's content is
/// never selected, so it cannot leak.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Vtr {
    pub id: i64,
    pub student_id: i64,
    pub title: String,
    pub issued_on: String,
    pub file_name: String,
    pub size_bytes: i64,
}

impl Resource for Vtr {
    const TABLE: Table = Table::Vtrs;
    const COLUMNS: &'static str = "id, student_id, title, issued_on, file_name, size_bytes";
    const ORDER: Order = Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("student", "student_id", FilterKind::Int)];
}

/// A planning session as stored (the Public API shows it with its resource).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PlanningRow {
    pub id: i64,
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    pub instructor_id: Option<i64>,
    pub student_id: Option<i64>,
    pub resource_type: String,
    pub resource_id: i64,
}

impl Resource for PlanningRow {
    const TABLE: Table = Table::PlanningSessions;
    const COLUMNS: &'static str =
        "id, title, starts_at, ends_at, instructor_id, student_id, resource_type, resource_id";
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] = &[
        ("instructor", "instructor_id", FilterKind::Int),
        ("student", "student_id", FilterKind::Int),
    ];
}

/// An entry of the org's event log (the webhook outbox), newest first.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub uuid: String,
    pub event_type: String,
    pub payload: String,
    pub created_at: String,
}

impl Resource for EventRow {
    const TABLE: Table = Table::Events;
    const COLUMNS: &'static str = "id, uuid, event_type, payload, created_at";
    const ORDER: Order = Order::NewestFirst;
    const FILTERS: &'static [(&'static str, &'static str, FilterKind)] =
        &[("type", "event_type", FilterKind::Text)];
}

keyed_by_id!(
    ComplianceRecord,
    Signoff,
    TrainingProgress,
    FinanceSummary,
    Invoice,
    InvoiceLine,
    MaintenanceItem,
    WorkOrder,
    Vtr,
    PlanningRow,
    EventRow
);

/// Re-evaluates one maintenance item against today and its aircraft's hours.
/// When it becomes upcoming or overdue, a `maintenance.alert` is written in
/// the caller's transaction; a change for the better is recorded silently.
pub async fn check_maintenance_item(
    conn: &mut sqlx::AnyConnection,
    org: crate::domain::OrgId,
    item: i64,
    today: chrono::NaiveDate,
) -> Result<bool, sqlx::Error> {
    use crate::domain::maintenance::{due_status, stored_date, DueStatus};
    #[derive(sqlx::FromRow)]
    struct Row {
        name: String,
        aircraft_id: i64,
        registration: String,
        airframe_hours: f64,
        due_on: Option<String>,
        due_hours: Option<f64>,
        last_status: String,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT m.name, m.aircraft_id, a.registration, a.airframe_hours, m.due_on, m.due_hours, m.last_status \
         FROM maintenance_items m JOIN aircraft a ON a.id = m.aircraft_id WHERE m.org_id = $1 AND m.id = $2",
    )
    .bind(org.0)
    .bind(item)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(false) };
    let due_on = row.due_on.as_deref().and_then(stored_date);
    let status = due_status(today, row.airframe_hours, due_on, row.due_hours);
    let last: DueStatus = row.last_status.parse().unwrap_or(DueStatus::Ok);
    if status == last {
        return Ok(false);
    }
    sqlx::query("UPDATE maintenance_items SET last_status = $1 WHERE org_id = $2 AND id = $3")
        .bind(status.as_str())
        .bind(org.0)
        .bind(item)
        .execute(&mut *conn)
        .await?;
    // Getting better is recorded, not announced.
    if status > last {
        return Ok(false);
    }
    let data = serde_json::json!({
        "item_id": item,
        "item": row.name,
        "aircraft_id": row.aircraft_id,
        "registration": row.registration,
        "status": status.as_str(),
    });
    super::outbox::emit(conn, org, "maintenance.alert", data).await?;
    Ok(true)
}

/// Checks every maintenance item (time passes; hours accrue). Returns how
/// many alerts it wrote. Each item in its own short transaction.
pub async fn sweep_maintenance(db: &super::Db) -> Result<usize, sqlx::Error> {
    let today = chrono::Utc::now().date_naive();
    let items: Vec<(i64, i64)> =
        sqlx::query_as("SELECT org_id, id FROM maintenance_items ORDER BY id")
            .fetch_all(db.reader())
            .await?;
    let mut alerts = 0;
    for (org, id) in items {
        let mut tx = db.begin().await?;
        alerts += usize::from(
            check_maintenance_item(&mut tx, crate::domain::OrgId(org), id, today).await?,
        );
        tx.commit().await?;
    }
    Ok(alerts)
}

/// The newest signoff of the org.
pub async fn latest_signoff(
    conn: &mut sqlx::AnyConnection,
    org: crate::domain::OrgId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT max(id) FROM signoffs WHERE org_id = $1")
        .bind(org.0)
        .fetch_one(conn)
        .await
}

/// The first expired compliance record of the org.
pub async fn first_expired_record(
    conn: &mut sqlx::AnyConnection,
    org: crate::domain::OrgId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT min(id) FROM compliance_records WHERE org_id = $1 AND status = 'expired'",
    )
    .bind(org.0)
    .fetch_one(conn)
    .await
}

/// The org's maintenance items, by id.
pub async fn maintenance_item_ids(
    conn: &mut sqlx::AnyConnection,
    org: crate::domain::OrgId,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM maintenance_items WHERE org_id = $1 ORDER BY id")
        .bind(org.0)
        .fetch_all(conn)
        .await
}
