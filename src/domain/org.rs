//! Organisations: airlines and flight schools, each on a plan.

use serde::{Deserialize, Serialize};

use super::{OrgId, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// Trial orgs have no API settings at all.
    Trial,
    Active,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Airline,
    FlightSchool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Org {
    #[serde(skip)]
    pub id: OrgId,
    #[serde(rename = "id")]
    #[sqlx(try_from = "String")]
    pub uuid: uuid::Uuid,
    pub slug: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    #[sqlx(try_from = "String")]
    pub plan: Plan,
    #[sqlx(try_from = "String")]
    pub created_at: Timestamp,
}

impl Org {
    pub fn has_api_settings(&self) -> bool {
        self.plan == Plan::Active
    }
}

/// Text forms used in the database and the CLI.
macro_rules! text_enum {
    ($ty:ty { $($variant:path => $text:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($variant => $text),* }
            }
        }
        impl std::str::FromStr for $ty {
            type Err = crate::domain::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($variant),)*
                    other => Err(crate::domain::UnknownValue(other.to_string())),
                }
            }
        }
        impl TryFrom<String> for $ty {
            type Error = crate::domain::UnknownValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(Plan { Plan::Trial => "trial", Plan::Active => "active" });
text_enum!(OrgKind { OrgKind::Airline => "airline", OrgKind::FlightSchool => "flight_school" });
