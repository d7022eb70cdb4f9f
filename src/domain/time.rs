//! Timestamps are UTC and travel as RFC 3339. In the database they are stored
//! as fixed-width RFC 3339 text, which sorts correctly and reads the same in
//! SQLite and PostgreSQL.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Self {
        Timestamp(Utc::now())
    }

    /// The database form: always microseconds and a `Z`, so text order is time order.
    pub fn to_db(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    pub fn to_rfc3339(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

impl TryFrom<String> for Timestamp {
    type Error = chrono::ParseError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Ok(Timestamp(DateTime::parse_from_rfc3339(&value)?.with_timezone(&Utc)))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Timestamp(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_form_round_trips_and_sorts_as_time() {
        let early: Timestamp = "2026-01-02T03:04:05Z".to_string().try_into().unwrap();
        let late: Timestamp = "2026-01-02T03:04:05.5Z".to_string().try_into().unwrap();
        assert_eq!(early.to_db(), "2026-01-02T03:04:05.000000Z");
        assert!(early.to_db() < late.to_db());
        assert_eq!(Timestamp::try_from(late.to_db()).unwrap(), late);
    }
}
