//! Pilots: their state, and the pilot id shown to people (`AIR0001`).

use serde::{Deserialize, Serialize};

use super::org::text_enum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PilotState {
    Active,
    OnLeave,
    Inactive,
    Banned,
}

text_enum!(PilotState {
    PilotState::Active => "active",
    PilotState::OnLeave => "on_leave",
    PilotState::Inactive => "inactive",
    PilotState::Banned => "banned",
});

impl PilotState {
    /// Active and on-leave pilots sign in: locking out pilots on leave is wrong.
    pub fn can_authenticate(self) -> bool {
        matches!(self, PilotState::Active | PilotState::OnLeave)
    }

    /// Filing a flight brings a pilot on leave back to active.
    pub fn after_filing(self) -> PilotState {
        match self {
            PilotState::OnLeave => PilotState::Active,
            other => other,
        }
    }
}

/// The pilot id people see: airline ICAO plus the pilot number, zero-padded to four digits.
pub fn pilot_ident(airline_icao: &str, number: i64) -> String {
    format!("{airline_icao}{number:04}")
}

/// Splits `AIR0001` into (`AIR`, 1). Accepts any case; the ICAO part is letters only.
pub fn parse_pilot_ident(ident: &str) -> Option<(String, i64)> {
    let split = ident.find(|c: char| c.is_ascii_digit())?;
    let (icao, number) = ident.split_at(split);
    if icao.is_empty() || !icao.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) || number.len() > 9 {
        return None;
    }
    Some((icao.to_ascii_uppercase(), number.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ident_round_trips() {
        assert_eq!(pilot_ident("AIR", 1), "AIR0001");
        assert_eq!(pilot_ident("AIR", 12345), "AIR12345");
        assert_eq!(parse_pilot_ident("AIR0001"), Some(("AIR".into(), 1)));
        assert_eq!(parse_pilot_ident("air0042"), Some(("AIR".into(), 42)));
    }

    #[test]
    fn ident_rejects_garbage() {
        for bad in ["", "AIR", "0001", "A1R0001", "AIR00x1", "AIR-001", "AIR9999999999"] {
            assert_eq!(parse_pilot_ident(bad), None, "{bad}");
        }
    }

    #[test]
    fn who_may_sign_in() {
        assert!(PilotState::Active.can_authenticate());
        assert!(PilotState::OnLeave.can_authenticate());
        assert!(!PilotState::Inactive.can_authenticate());
        assert!(!PilotState::Banned.can_authenticate());
        assert_eq!(PilotState::OnLeave.after_filing(), PilotState::Active);
        assert_eq!(PilotState::Banned.after_filing(), PilotState::Banned);
    }
}
