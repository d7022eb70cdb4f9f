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
}
