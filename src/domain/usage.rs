//! Who made a request, and the calendar windows usage is counted in.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

/// The kinds of credential a request can carry, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    OperationsClient,
    PilotClient,
    LegacyToken,
    OrgKey,
    /// A pilot's ACARS API key.
    PilotApiKey,
}

impl CredentialKind {
    pub const ALL: [CredentialKind; 5] = [
        CredentialKind::OperationsClient,
        CredentialKind::PilotClient,
        CredentialKind::LegacyToken,
        CredentialKind::OrgKey,
        CredentialKind::PilotApiKey,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::OperationsClient => "operations_client",
            CredentialKind::PilotClient => "pilot_client",
            CredentialKind::LegacyToken => "legacy_token",
            CredentialKind::OrgKey => "org_key",
            CredentialKind::PilotApiKey => "pilot_api_key",
        }
    }

    pub fn parse(text: &str) -> Option<CredentialKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// The credential a request was made with: its kind and database id, and
/// for a pilot client, the pilot the token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credential {
    pub kind: CredentialKind,
    pub id: i64,
    pub pilot: Option<i64>,
}

/// The first days of the windows counted for `today` (UTC): this ISO week
/// (from Monday), this month, and last month (which ends where this one starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    pub today: NaiveDate,
    pub week: NaiveDate,
    pub month: NaiveDate,
    pub last_month: NaiveDate,
}

impl Windows {
    pub fn for_day(today: NaiveDate) -> Windows {
        let week = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let month = today.with_day(1).expect("every month has a first day");
        let last_month = month - Months::new(1);
        Windows { today, week, month, last_month }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn windows_follow_iso_weeks_and_calendar_months() {
        // A Sunday: the ISO week began on Monday the 23rd.
        let w = Windows::for_day(day("2026-11-29"));
        assert_eq!(
            (w.week, w.month, w.last_month),
            (day("2026-11-23"), day("2026-11-01"), day("2026-10-01"))
        );
        // A Monday starts its own week; a week can begin in the previous month.
        assert_eq!(Windows::for_day(day("2026-11-23")).week, day("2026-11-23"));
        assert_eq!(Windows::for_day(day("2026-12-02")).week, day("2026-11-30"));
        // January's last month is last year's December.
        let w = Windows::for_day(day("2027-01-01"));
        assert_eq!(
            (w.week, w.month, w.last_month),
            (day("2026-12-28"), day("2027-01-01"), day("2026-12-01"))
        );
        assert_eq!(CredentialKind::parse("org_key"), Some(CredentialKind::OrgKey));
        assert_eq!(CredentialKind::parse("nope"), None);
    }
}
