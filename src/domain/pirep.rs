//! PIREPs (pilot reports) and the one place their state changes are decided.

use serde::{Deserialize, Serialize};

use super::org::text_enum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PirepState {
    /// Being flown: an ACARS client is sending positions.
    InProgress,
    /// Filed, waiting for review.
    Submitted,
    /// Counted: hours, flights and points go to the pilot.
    Accepted,
    Rejected,
    /// Once accepted, later found invalid; its hours are taken back.
    Invalidated,
    /// Abandoned before filing.
    Cancelled,
}

text_enum!(PirepState {
    PirepState::InProgress => "in_progress",
    PirepState::Submitted => "submitted",
    PirepState::Accepted => "accepted",
    PirepState::Rejected => "rejected",
    PirepState::Invalidated => "invalidated",
    PirepState::Cancelled => "cancelled",
});

impl PirepState {
    /// The state as phpVMS numbers it (`App\Models\Enums\PirepState`),
    /// for trackers written against phpVMS: in progress 0, pending 1,
    /// accepted 2, cancelled 3, rejected 6 (an invalidated PIREP too).
    pub fn phpvms_code(self) -> i64 {
        match self {
            PirepState::InProgress => 0,
            PirepState::Submitted => 1,
            PirepState::Accepted => 2,
            PirepState::Cancelled => 3,
            PirepState::Rejected | PirepState::Invalidated => 6,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PirepAction {
    File,
    Cancel,
    Accept,
    Reject,
    Invalidate,
}

impl PirepState {
    pub const ALL: [PirepState; 6] = [
        PirepState::InProgress,
        PirepState::Submitted,
        PirepState::Accepted,
        PirepState::Rejected,
        PirepState::Invalidated,
        PirepState::Cancelled,
    ];

    /// Whether a PIREP in this state counts towards the pilot's hours, flights and points.
    pub fn counts(self) -> bool {
        self == PirepState::Accepted
    }

    /// The state after `action`, or the refusal. Every state change goes through here.
    pub fn apply(self, action: PirepAction) -> Result<PirepState, IllegalTransition> {
        use PirepAction as A;
        use PirepState as S;
        let next = match (self, action) {
            (S::InProgress, A::File) => S::Submitted,
            (S::InProgress, A::Cancel) => S::Cancelled,
            (S::Submitted, A::Accept) => S::Accepted,
            (S::Submitted, A::Reject) => S::Rejected,
            // Staff may reconsider a rejection.
            (S::Rejected, A::Accept) => S::Accepted,
            (S::Submitted | S::Accepted, A::Invalidate) => S::Invalidated,
            (from, action) => return Err(IllegalTransition { from, action }),
        };
        Ok(next)
    }

    /// How the pilot's totals change when going from `self` to `next`: +1, -1 or 0.
    pub fn count_delta(self, next: PirepState) -> i64 {
        i64::from(next.counts()) - i64::from(self.counts())
    }
}

/// An org's rule for accepting ACARS PIREPs without a reviewer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoAccept {
    /// The lowest rank (its sort order) whose pilots qualify; None: any.
    pub min_rank_order: Option<i64>,
    /// The hardest landing (ft/min, either sign) accepted; None: any.
    pub max_landing_rate: Option<f64>,
}

impl AutoAccept {
    /// Whether a PIREP of a pilot of `rank_order` with `landing_rate`
    /// qualifies. A pilot without a rank, or a PIREP without a landing rate
    /// when the rule asks for one, does not.
    pub fn accepts(&self, rank_order: Option<i64>, landing_rate: Option<f64>) -> bool {
        let rank_ok = match self.min_rank_order {
            None => true,
            Some(min) => rank_order.is_some_and(|r| r >= min),
        };
        let landing_ok = match self.max_landing_rate {
            None => true,
            Some(max) => landing_rate.is_some_and(|r| r.abs() <= max.abs()),
        };
        rank_ok && landing_ok
    }
}

/// Points a flight earns: 10, one per 100 nm, and 5 for a landing softer
/// than 150 ft/min.
/// What filing a flight records beyond its schedule, checked by one rule
/// set whichever surface files it (an ACARS tracker or a pilot by hand).
#[derive(Debug, Clone, Copy, Default)]
pub struct FlightFacts<'a> {
    pub flight_minutes: i64,
    /// Feet per minute, negative on touchdown.
    pub landing_rate: Option<f64>,
    pub fuel_used: Option<f64>,
    /// Cruise flight level (FL350 is 350).
    pub flight_level: Option<i64>,
    pub route: Option<&'a str>,
}

/// A fact no flight could have: the field (by its core name) and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactError {
    pub field: &'static str,
    pub message: &'static str,
}

impl FlightFacts<'_> {
    pub fn check(&self) -> Result<(), FactError> {
        let fail = |field, message| Err(FactError { field, message });
        if !(0..=2_880).contains(&self.flight_minutes) {
            return fail("flight_minutes", "must be 0-48 hours");
        }
        if self.landing_rate.is_some_and(|r| !r.is_finite() || r.abs() > 20_000.0) {
            return fail("landing_rate", "must be within ±20,000 ft/min");
        }
        if self.fuel_used.is_some_and(|f| !f.is_finite() || f < 0.0) {
            return fail("fuel_used", "must not be negative");
        }
        if self.flight_level.is_some_and(|l| !(0..=600).contains(&l)) {
            return fail("flight_level", "must be a flight level, 0-600");
        }
        if self.route.is_some_and(|r| r.len() > 4_000) {
            return fail("route", "must be at most 4,000 characters");
        }
        Ok(())
    }
}

/// A cruise level as trackers send it: a flight level, or feet above 600
/// (35,000 is FL350).
pub fn flight_level_of(level: f64) -> i64 {
    let level = if level.abs() > 600.0 { level / 100.0 } else { level };
    level.round() as i64
}

pub fn points_for(distance_nm: f64, landing_rate: Option<f64>) -> i64 {
    let soft = landing_rate.is_some_and(|r| r.abs() < 150.0);
    10 + (distance_nm.max(0.0) / 100.0).round() as i64 + if soft { 5 } else { 0 }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a PIREP that is {from} cannot be {}", action.past_tense())]
pub struct IllegalTransition {
    pub from: PirepState,
    pub action: PirepAction,
}

impl PirepAction {
    pub const ALL: [PirepAction; 5] = [
        PirepAction::File,
        PirepAction::Cancel,
        PirepAction::Accept,
        PirepAction::Reject,
        PirepAction::Invalidate,
    ];

    fn past_tense(self) -> &'static str {
        match self {
            PirepAction::File => "filed",
            PirepAction::Cancel => "cancelled",
            PirepAction::Accept => "accepted",
            PirepAction::Reject => "rejected",
            PirepAction::Invalidate => "invalidated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PirepAction as A;
    use PirepState as S;

    const LEGAL: [(S, A, S); 7] = [
        (S::InProgress, A::File, S::Submitted),
        (S::InProgress, A::Cancel, S::Cancelled),
        (S::Submitted, A::Accept, S::Accepted),
        (S::Submitted, A::Reject, S::Rejected),
        (S::Submitted, A::Invalidate, S::Invalidated),
        (S::Rejected, A::Accept, S::Accepted),
        (S::Accepted, A::Invalidate, S::Invalidated),
    ];

    #[test]
    fn legal_transitions_land_where_expected() {
        for (from, action, to) in LEGAL {
            assert_eq!(from.apply(action), Ok(to), "{from} {action:?}");
        }
    }

    #[test]
    fn every_other_transition_is_refused() {
        let mut refused = 0;
        for from in S::ALL {
            for action in A::ALL {
                if LEGAL.iter().any(|(f, a, _)| *f == from && *a == action) {
                    continue;
                }
                assert_eq!(
                    from.apply(action),
                    Err(IllegalTransition { from, action }),
                    "{from} {action:?} must be refused"
                );
                refused += 1;
            }
        }
        assert_eq!(refused, 6 * 5 - LEGAL.len());
    }

    #[test]
    fn terminal_states_accept_nothing() {
        for from in [S::Cancelled, S::Invalidated] {
            assert!(A::ALL.iter().all(|a| from.apply(*a).is_err()));
        }
    }

    #[test]
    fn totals_move_only_in_and_out_of_accepted() {
        assert_eq!(S::Submitted.count_delta(S::Accepted), 1);
        assert_eq!(S::Rejected.count_delta(S::Accepted), 1);
        assert_eq!(S::Accepted.count_delta(S::Invalidated), -1);
        assert_eq!(S::Submitted.count_delta(S::Rejected), 0);
        assert_eq!(S::InProgress.count_delta(S::Submitted), 0);
    }

    #[test]
    fn refusal_reads_well() {
        let err = S::Cancelled.apply(A::Accept).unwrap_err();
        assert_eq!(err.to_string(), "a PIREP that is cancelled cannot be accepted");
    }

    #[test]
    fn auto_accept_needs_the_rank_and_a_soft_enough_landing() {
        let rule = AutoAccept { min_rank_order: Some(2), max_landing_rate: Some(300.0) };
        assert!(rule.accepts(Some(2), Some(-250.0)));
        assert!(rule.accepts(Some(5), Some(-300.0)));
        assert!(!rule.accepts(Some(1), Some(-100.0)), "rank too low");
        assert!(!rule.accepts(None, Some(-100.0)), "no rank");
        assert!(!rule.accepts(Some(3), Some(-301.0)), "too hard");
        assert!(!rule.accepts(Some(3), None), "no landing rate");
        let open = AutoAccept { min_rank_order: None, max_landing_rate: None };
        assert!(open.accepts(None, None));
    }

    #[test]
    fn points_reward_distance_and_soft_landings() {
        assert_eq!(points_for(0.0, None), 10);
        assert_eq!(points_for(249.0, Some(-300.0)), 12);
        assert_eq!(points_for(1_000.0, Some(-120.0)), 25);
    }
}
