//! OAuth scopes. Operations clients hold `ops:*` scopes (none means
//! unrestricted); Pilot clients hold the pilot scopes.

use serde::{Deserialize, Serialize};

use super::org::text_enum;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum Scope {
    /// Every GET of the Operations API.
    #[serde(rename = "ops:read")]
    OpsRead,
    /// Fleet, aircraft, airports, hubs, ranks, badges, routes.
    #[serde(rename = "ops:config:write")]
    OpsConfigWrite,
    /// Bookings, PIREP comments, points, notes, pilot data.
    #[serde(rename = "ops:flights:write")]
    OpsFlightsWrite,
    /// Accept, reject, invalidate PIREPs; ban, delete pilots; registrations, transfers.
    #[serde(rename = "ops:moderation:write")]
    OpsModerationWrite,
    /// Events, tours, rosters, focus airports, community goals, challenges.
    #[serde(rename = "ops:activities:write")]
    OpsActivitiesWrite,
    /// Flight-school records: compliance, signoffs, maintenance, work orders, planning.
    #[serde(rename = "ops:school:write")]
    OpsSchoolWrite,
    // Pilot apps: vAMSYS's Pilot API scopes.
    #[serde(rename = "identity:basic")]
    IdentityBasic,
    #[serde(rename = "identity:discord")]
    IdentityDiscord,
    #[serde(rename = "identity:networks")]
    IdentityNetworks,
    #[serde(rename = "pilot:read")]
    PilotRead,
    #[serde(rename = "pilot:write")]
    PilotWrite,
    #[serde(rename = "flights:read")]
    FlightsRead,
    #[serde(rename = "flights:write")]
    FlightsWrite,
    #[serde(rename = "activities:read")]
    ActivitiesRead,
    #[serde(rename = "activities:write")]
    ActivitiesWrite,
    // Org API keys (the read-only Public API).
    #[serde(rename = "public.pilots:read")]
    PublicPilots,
    #[serde(rename = "public.flights:read")]
    PublicFlights,
    #[serde(rename = "public.fleet:read")]
    PublicFleet,
    #[serde(rename = "public.compliance:read")]
    PublicCompliance,
    #[serde(rename = "public.training:read")]
    PublicTraining,
    #[serde(rename = "public.signoffs:read")]
    PublicSignoffs,
    #[serde(rename = "public.finance:read")]
    PublicFinance,
    #[serde(rename = "public.invoices:read")]
    PublicInvoices,
    #[serde(rename = "public.maintenance:read")]
    PublicMaintenance,
    #[serde(rename = "public.vtr:read")]
    PublicVtr,
    #[serde(rename = "public.planning:read")]
    PublicPlanning,
    #[serde(rename = "public.events:read")]
    PublicEvents,
}

text_enum!(Scope {
    Scope::OpsRead => "ops:read",
    Scope::OpsConfigWrite => "ops:config:write",
    Scope::OpsFlightsWrite => "ops:flights:write",
    Scope::OpsModerationWrite => "ops:moderation:write",
    Scope::OpsActivitiesWrite => "ops:activities:write",
    Scope::OpsSchoolWrite => "ops:school:write",
    Scope::IdentityBasic => "identity:basic",
    Scope::IdentityDiscord => "identity:discord",
    Scope::IdentityNetworks => "identity:networks",
    Scope::PilotRead => "pilot:read",
    Scope::PilotWrite => "pilot:write",
    Scope::FlightsRead => "flights:read",
    Scope::FlightsWrite => "flights:write",
    Scope::ActivitiesRead => "activities:read",
    Scope::ActivitiesWrite => "activities:write",
    Scope::PublicPilots => "public.pilots:read",
    Scope::PublicFlights => "public.flights:read",
    Scope::PublicFleet => "public.fleet:read",
    Scope::PublicCompliance => "public.compliance:read",
    Scope::PublicTraining => "public.training:read",
    Scope::PublicSignoffs => "public.signoffs:read",
    Scope::PublicFinance => "public.finance:read",
    Scope::PublicInvoices => "public.invoices:read",
    Scope::PublicMaintenance => "public.maintenance:read",
    Scope::PublicVtr => "public.vtr:read",
    Scope::PublicPlanning => "public.planning:read",
    Scope::PublicEvents => "public.events:read",
});

impl Scope {
    /// What the scope allows, for people (consent pages, docs, the console).
    pub fn description(self) -> &'static str {
        match self {
            Scope::OpsRead => "Every GET",
            Scope::OpsConfigWrite => "Fleet, aircraft, airports, hubs, ranks, badges, routes",
            Scope::OpsFlightsWrite => "Bookings, PIREP comments, points, notes, pilot data",
            Scope::OpsModerationWrite => {
                "Accept, reject, invalidate PIREPs; ban, delete pilots; registrations, transfers"
            }
            Scope::OpsActivitiesWrite => {
                "Events, tours, rosters, focus airports, community goals, challenges"
            }
            Scope::OpsSchoolWrite => {
                "Compliance records, signoffs, maintenance items, work orders, planning sessions"
            }
            Scope::IdentityBasic => "Who the pilot is: name, email, pilot id, airline",
            Scope::IdentityDiscord => "The pilot's linked Discord account",
            Scope::IdentityNetworks => "The pilot's flight-network ids",
            Scope::PilotRead => "The pilot's profile, rank, hours, points, badges",
            Scope::PilotWrite => "Change the pilot's current airport",
            Scope::FlightsRead => "The pilot's PIREPs and bookings",
            Scope::FlightsWrite => "Book, cancel and file flights; fly with a tracker",
            Scope::ActivitiesRead => "Events, tours and progress, rosters, challenges, NOTAMs",
            Scope::ActivitiesWrite => "Mark NOTAMs read",
            public => public.as_str().trim_start_matches("public.").trim_end_matches(":read"),
        }
    }
}

pub const OPERATIONS: [Scope; 6] = [
    Scope::OpsRead,
    Scope::OpsConfigWrite,
    Scope::OpsFlightsWrite,
    Scope::OpsModerationWrite,
    Scope::OpsActivitiesWrite,
    Scope::OpsSchoolWrite,
];

/// Org API keys' scopes, one per family of Public API endpoints: GA
/// Flight's twelve.
pub const PUBLIC: [Scope; 12] = [
    Scope::PublicPilots,
    Scope::PublicFlights,
    Scope::PublicFleet,
    Scope::PublicCompliance,
    Scope::PublicTraining,
    Scope::PublicSignoffs,
    Scope::PublicFinance,
    Scope::PublicInvoices,
    Scope::PublicMaintenance,
    Scope::PublicVtr,
    Scope::PublicPlanning,
    Scope::PublicEvents,
];

pub const PILOT: [Scope; 9] = [
    Scope::IdentityBasic,
    Scope::IdentityDiscord,
    Scope::IdentityNetworks,
    Scope::PilotRead,
    Scope::PilotWrite,
    Scope::FlightsRead,
    Scope::FlightsWrite,
    Scope::ActivitiesRead,
    Scope::ActivitiesWrite,
];

/// Airside's first Pilot scope names, still accepted (and stored rows
/// holding them still read): each means the vAMSYS scopes it grew into.
const PILOT_ALIASES: [(&str, &[Scope]); 4] = [
    ("identity", &[Scope::IdentityBasic]),
    ("pilot.profile", &[Scope::PilotRead]),
    ("pilot.flights", &[Scope::FlightsRead, Scope::FlightsWrite]),
    ("pilot.activities", &[Scope::ActivitiesRead]),
];

/// A set of scopes, kept sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn new(mut scopes: Vec<Scope>) -> Self {
        scopes.sort();
        scopes.dedup();
        Scopes(scopes)
    }

    /// Parses space-separated scopes; the error lists every unknown one.
    pub fn parse(text: &str) -> Result<Scopes, Vec<String>> {
        let mut known = vec![];
        let mut unknown = vec![];
        for word in text.split_whitespace() {
            if let Some((_, meant)) = PILOT_ALIASES.iter().find(|(alias, _)| *alias == word) {
                known.extend_from_slice(meant);
                continue;
            }
            match word.parse::<Scope>() {
                Ok(scope) => known.push(scope),
                Err(_) => unknown.push(word.to_string()),
            }
        }
        if unknown.is_empty() {
            Ok(Scopes::new(known))
        } else {
            Err(unknown)
        }
    }

    /// Parses scopes from a list, as JSON bodies send them.
    pub fn from_list(list: &[String]) -> Result<Scopes, Vec<String>> {
        Scopes::parse(&list.join(" "))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn is_subset_of(&self, other: &Scopes) -> bool {
        self.0.iter().all(|s| other.contains(*s))
    }

    /// Those of `self` that are not among `allowed`.
    pub fn outside(&self, allowed: &[Scope]) -> Vec<String> {
        self.0.iter().filter(|s| !allowed.contains(s)).map(|s| s.to_string()).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    /// Space-separated, as stored and as OAuth sends them.
    pub fn to_text(&self) -> String {
        self.0.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sorts_and_names_unknowns() {
        let s = Scopes::parse("ops:config:write ops:read ops:read").unwrap();
        assert_eq!(s.to_text(), "ops:read ops:config:write");
        assert_eq!(
            Scopes::parse("ops:read ops:everything x").unwrap_err(),
            vec!["ops:everything", "x"]
        );
        assert!(Scopes::parse("").unwrap().is_empty());
    }

    #[test]
    fn first_pilot_names_mean_the_vamsys_scopes() {
        let s = Scopes::parse("identity pilot.flights pilot:read").unwrap();
        assert_eq!(s.to_text(), "identity:basic pilot:read flights:read flights:write");
        assert!(Scopes::parse("pilot.everything").is_err());
    }

    #[test]
    fn subsets_and_kinds() {
        let all = Scopes::new(OPERATIONS.to_vec());
        let read = Scopes::new(vec![Scope::OpsRead]);
        assert!(read.is_subset_of(&all));
        assert!(!all.is_subset_of(&read));
        assert_eq!(
            Scopes::new(vec![Scope::IdentityBasic, Scope::OpsRead]).outside(&OPERATIONS),
            vec!["identity:basic"]
        );
    }
}
