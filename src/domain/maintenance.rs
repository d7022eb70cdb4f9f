//! When a maintenance item is due: by date, by airframe hours, or both.

use chrono::NaiveDate;
use serde::Serialize;

/// Within these margins an item is "upcoming".
pub const UPCOMING_DAYS: i64 = 30;
pub const UPCOMING_HOURS: f64 = 10.0;

/// Declared worst first: `a < b` means `a` is the worse status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    /// Past its date, or its hours exceeded.
    Overdue,
    /// Due today or within 30 days, or at or within 10 hours.
    Upcoming,
    Ok,
}

super::org::text_enum!(DueStatus {
    DueStatus::Overdue => "overdue",
    DueStatus::Upcoming => "upcoming",
    DueStatus::Ok => "ok",
});

/// A stored due date: `YYYY-MM-DD`, or a time whose date part counts.
pub fn stored_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok()
}

/// The status of an item due on `due_on` and/or at `due_hours`, for an
/// aircraft at `airframe_hours` on `today`. The worse of the two limits wins.
pub fn due_status(
    today: NaiveDate,
    airframe_hours: f64,
    due_on: Option<NaiveDate>,
    due_hours: Option<f64>,
) -> DueStatus {
    let by_date = due_on.map(|due| {
        let days_left = (due - today).num_days();
        if days_left < 0 {
            DueStatus::Overdue
        } else if days_left <= UPCOMING_DAYS {
            DueStatus::Upcoming
        } else {
            DueStatus::Ok
        }
    });
    let by_hours = due_hours.map(|due| {
        let left = due - airframe_hours;
        if left < 0.0 {
            DueStatus::Overdue
        } else if left <= UPCOMING_HOURS {
            DueStatus::Upcoming
        } else {
            DueStatus::Ok
        }
    });
    [by_date, by_hours].into_iter().flatten().min().unwrap_or(DueStatus::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn by_date_at_the_boundaries() {
        let today = day("2026-11-23");
        assert_eq!(
            due_status(today, 0.0, Some(day("2026-11-23")), None),
            DueStatus::Upcoming,
            "due today"
        );
        assert_eq!(
            due_status(today, 0.0, Some(day("2026-11-22")), None),
            DueStatus::Overdue,
            "one day over"
        );
        assert_eq!(
            due_status(today, 0.0, Some(day("2026-12-23")), None),
            DueStatus::Upcoming,
            "30 days out"
        );
        assert_eq!(
            due_status(today, 0.0, Some(day("2026-12-24")), None),
            DueStatus::Ok,
            "31 days out"
        );
    }

    #[test]
    fn by_hours_at_the_boundaries() {
        let today = day("2026-11-23");
        assert_eq!(
            due_status(today, 1000.0, None, Some(1000.0)),
            DueStatus::Upcoming,
            "due at these hours"
        );
        assert_eq!(due_status(today, 1000.1, None, Some(1000.0)), DueStatus::Overdue, "just over");
        assert_eq!(
            due_status(today, 990.0, None, Some(1000.0)),
            DueStatus::Upcoming,
            "10 hours left"
        );
        assert_eq!(due_status(today, 989.9, None, Some(1000.0)), DueStatus::Ok);
    }

    #[test]
    fn the_worse_limit_wins_and_no_limit_is_ok() {
        let today = day("2026-11-23");
        assert_eq!(
            due_status(today, 1001.0, Some(day("2027-06-01")), Some(1000.0)),
            DueStatus::Overdue
        );
        assert_eq!(
            due_status(today, 500.0, Some(day("2026-11-20")), Some(1000.0)),
            DueStatus::Overdue
        );
        assert_eq!(due_status(today, 500.0, None, None), DueStatus::Ok);
    }
}
