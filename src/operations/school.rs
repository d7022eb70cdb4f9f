//! `ops:school:write`: the flight school's records behind the Public API.
//! Compliance changes, signoffs and maintenance items coming due write
//! their events in the same transaction.

use crate::storage::Table;
use serde::Deserialize;

use super::crud::{float, int, opt_text, patched, reference, text, Check, Col, Writable};
use crate::domain::Timestamp;
use crate::http::patch::Patch;
use crate::http::ApiError;
use crate::storage::school::{ComplianceRecord, MaintenanceItem, PlanningRow, Signoff, WorkOrder};

fn date(check: &mut Check, field: &str, value: &Option<String>) {
    let ok =
        value.as_deref().is_none_or(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
    check.field(ok, field, "must be a date: YYYY-MM-DD");
}

fn subject_table(kind: &str) -> Option<Table> {
    match kind {
        "pilot" => Some(Table::Pilots),
        "aircraft" => Some(Table::Aircraft),
        _ => None,
    }
}

const COMPLIANCE_STATUSES: [&str; 4] = ["valid", "expiring", "expired", "suspended"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceInput {
    /// `pilot` or `aircraft`.
    subject_type: String,
    subject_id: i64,
    record_type: String,
    valid_until: Option<String>,
    status: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceChanges {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    valid_until: Patch<String>,
    status: Option<String>,
}

impl Writable for ComplianceRecord {
    const NAME: &'static str = "compliance record";
    const EMITS: Option<&'static str> = Some("compliance.updated");
    const EVENT_KEY: &'static str = "compliance_record";
    type Create = ComplianceInput;
    type Update = ComplianceChanges;

    fn create(c: ComplianceInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        let table = subject_table(&c.subject_type);
        check.field(table.is_some(), "subject_type", "must be pilot or aircraft");
        check.field(!c.record_type.trim().is_empty(), "record_type", "must not be empty");
        check.field(
            COMPLIANCE_STATUSES.contains(&c.status.as_str()),
            "status",
            "must be valid, expiring, expired or suspended",
        );
        date(&mut check, "valid_until", &c.valid_until);
        check.done()?;
        let now = Timestamp::now().to_db();
        Ok(vec![
            text("subject_type", c.subject_type),
            reference("subject_id", table.expect("checked"), Some(c.subject_id)),
            text("record_type", c.record_type),
            opt_text("valid_until", c.valid_until),
            text("status", c.status),
            text("updated_at", now),
        ])
    }

    fn update(c: ComplianceChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            c.status.as_deref().is_none_or(|s| COMPLIANCE_STATUSES.contains(&s)),
            "status",
            "must be valid, expiring, expired or suspended",
        );
        date(&mut check, "valid_until", &c.valid_until.value().cloned());
        check.done()?;
        let mut cols = vec![text("updated_at", Timestamp::now().to_db())];
        patched(&mut cols, c.valid_until, |v| opt_text("valid_until", v));
        if let Some(v) = c.status {
            cols.push(text("status", v));
        }
        Ok(cols)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffInput {
    student_id: i64,
    program_id: i64,
    item_id: i64,
    /// Who signed (an instructor's name).
    signed_by: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffChanges {
    signed_by: Option<String>,
}

impl Writable for Signoff {
    const NAME: &'static str = "signoff";
    const EMITS: Option<&'static str> = Some("training.signoff.recorded");
    const EVENT_KEY: &'static str = "signoff";
    const STAMPED: bool = false;
    type Create = SignoffInput;
    type Update = SignoffChanges;

    fn create(s: SignoffInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            !s.signed_by.trim().is_empty() && s.signed_by.len() <= 100,
            "signed_by",
            "must be 1-100 characters",
        );
        check.done()?;
        Ok(vec![
            reference("student_id", Table::Pilots, Some(s.student_id)),
            reference("program_id", Table::TrainingPrograms, Some(s.program_id)),
            reference("item_id", Table::TrainingItems, Some(s.item_id)),
            text("signed_by", s.signed_by),
            text("signed_at", Timestamp::now().to_db()),
        ])
    }

    fn update(s: SignoffChanges) -> Result<Vec<Col>, ApiError> {
        Ok(s.signed_by.map(|v| text("signed_by", v)).into_iter().collect())
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceInput {
    aircraft_id: i64,
    name: String,
    /// Due by date (YYYY-MM-DD), by airframe hours, or both.
    due_on: Option<String>,
    due_hours: Option<f64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceChanges {
    name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    due_on: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    due_hours: Patch<f64>,
}

impl Writable for MaintenanceItem {
    const NAME: &'static str = "maintenance item";
    type Create = MaintenanceInput;
    type Update = MaintenanceChanges;

    fn create(m: MaintenanceInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(!m.name.trim().is_empty(), "name", "must not be empty");
        check.field(
            m.due_on.is_some() || m.due_hours.is_some(),
            "due_on",
            "give a due date, due hours, or both",
        );
        check.field(m.due_hours.is_none_or(|h| h >= 0.0), "due_hours", "must not be negative");
        date(&mut check, "due_on", &m.due_on);
        check.done()?;
        let mut cols = vec![
            reference("aircraft_id", Table::Aircraft, Some(m.aircraft_id)),
            text("name", m.name),
            opt_text("due_on", m.due_on),
        ];
        cols.push(match m.due_hours {
            Some(h) => float("due_hours", h),
            None => Col {
                name: "due_hours",
                value: crate::storage::resource::Value::NullFloat,
                refers_to: None,
            },
        });
        Ok(cols)
    }

    fn update(m: MaintenanceChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            m.due_hours.value().is_none_or(|h| *h >= 0.0),
            "due_hours",
            "must not be negative",
        );
        check.field(
            !(m.due_on == Patch::Null && m.due_hours == Patch::Null),
            "due_on",
            "give a due date, due hours, or both",
        );
        date(&mut check, "due_on", &m.due_on.value().cloned());
        check.done()?;
        let mut cols = vec![];
        if let Some(v) = m.name {
            cols.push(text("name", v));
        }
        patched(&mut cols, m.due_on, |v| opt_text("due_on", v));
        patched(&mut cols, m.due_hours, |v| match v {
            Some(hours) => float("due_hours", hours),
            None => Col {
                name: "due_hours",
                value: crate::storage::resource::Value::NullFloat,
                refers_to: None,
            },
        });
        Ok(cols)
    }

    /// An item written as due or overdue alerts at once.
    async fn after_write(
        tx: &mut sqlx::AnyConnection,
        org: crate::domain::OrgId,
        id: i64,
    ) -> Result<(), sqlx::Error> {
        let today = chrono::Utc::now().date_naive();
        crate::storage::school::check_maintenance_item(tx, org, id, today).await.map(|_| ())
    }
}

const WORK_ORDER_STATUSES: [&str; 3] = ["open", "in_progress", "closed"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkOrderInput {
    aircraft_id: i64,
    title: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkOrderChanges {
    title: Option<String>,
    /// `open`, `in_progress` or `closed` (closing stamps `closed_at`).
    status: Option<String>,
}

impl Writable for WorkOrder {
    const NAME: &'static str = "work order";
    const STAMPED: bool = false;
    type Create = WorkOrderInput;
    type Update = WorkOrderChanges;

    fn create(w: WorkOrderInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(!w.title.trim().is_empty(), "title", "must not be empty");
        check.done()?;
        Ok(vec![
            reference("aircraft_id", Table::Aircraft, Some(w.aircraft_id)),
            text("title", w.title),
            text("status", "open"),
            text("opened_at", Timestamp::now().to_db()),
        ])
    }

    fn update(w: WorkOrderChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(
            w.status.as_deref().is_none_or(|s| WORK_ORDER_STATUSES.contains(&s)),
            "status",
            "must be open, in_progress or closed",
        );
        check.done()?;
        let mut cols = vec![];
        if let Some(v) = w.title {
            cols.push(text("title", v));
        }
        if let Some(status) = w.status {
            cols.push(if status == "closed" {
                text("closed_at", Timestamp::now().to_db())
            } else {
                opt_text("closed_at", None)
            });
            cols.push(text("status", status));
        }
        Ok(cols)
    }
}

const RESOURCE_TYPES: [&str; 3] = ["aircraft", "simulator", "classroom"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    title: String,
    starts_at: String,
    ends_at: String,
    instructor_id: Option<i64>,
    student_id: Option<i64>,
    /// `aircraft` (an aircraft id), `simulator` or `classroom`.
    resource_type: String,
    resource_id: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionChanges {
    title: Option<String>,
    starts_at: Option<String>,
    ends_at: Option<String>,
}

fn time(check: &mut Check, field: &str, value: &str) -> Option<Timestamp> {
    let parsed = Timestamp::try_from(value.to_string()).ok();
    check.field(parsed.is_some(), field, "must be an RFC 3339 time");
    parsed
}

impl Writable for PlanningRow {
    const NAME: &'static str = "planning session";
    type Create = SessionInput;
    type Update = SessionChanges;

    fn create(s: SessionInput) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        check.field(!s.title.trim().is_empty(), "title", "must not be empty");
        check.field(
            RESOURCE_TYPES.contains(&s.resource_type.as_str()),
            "resource_type",
            "must be aircraft, simulator or classroom",
        );
        let (starts, ends) =
            (time(&mut check, "starts_at", &s.starts_at), time(&mut check, "ends_at", &s.ends_at));
        if let (Some(a), Some(b)) = (starts, ends) {
            check.field(b > a, "ends_at", "must be after starts_at");
        }
        check.done()?;
        let resource = if s.resource_type == "aircraft" {
            reference("resource_id", Table::Aircraft, Some(s.resource_id))
        } else {
            int("resource_id", s.resource_id)
        };
        Ok(vec![
            text("title", s.title),
            text("starts_at", starts.expect("checked").to_db()),
            text("ends_at", ends.expect("checked").to_db()),
            reference("instructor_id", Table::StaffUsers, s.instructor_id),
            reference("student_id", Table::Pilots, s.student_id),
            text("resource_type", s.resource_type),
            resource,
        ])
    }

    fn update(s: SessionChanges) -> Result<Vec<Col>, ApiError> {
        let mut check = Check::default();
        let starts = s.starts_at.as_deref().and_then(|v| time(&mut check, "starts_at", v));
        let ends = s.ends_at.as_deref().and_then(|v| time(&mut check, "ends_at", v));
        check.done()?;
        let mut cols = vec![];
        if let Some(v) = s.title {
            cols.push(text("title", v));
        }
        if let Some(v) = starts {
            cols.push(text("starts_at", v.to_db()));
        }
        if let Some(v) = ends {
            cols.push(text("ends_at", v.to_db()));
        }
        Ok(cols)
    }
}
