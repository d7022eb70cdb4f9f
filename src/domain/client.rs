//! What a client registration must satisfy, by kind. Shared by the console
//! and `airside admin`, so both refuse the same things in the same words.

use super::oauth::{check_privacy_policy_url, check_redirect_uri};
use super::scope::{Scopes, OPERATIONS, PILOT};

/// A registration as asked for, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub name: String,
    pub scopes: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub privacy_policy_url: Option<String>,
}

/// The registration once checked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub name: String,
    pub scopes: Scopes,
    pub redirect_uris: Vec<String>,
    pub privacy_policy_url: Option<String>,
}

/// (field, message) for each thing wrong.
pub type Problems = Vec<(String, String)>;

fn scopes(
    list: &[String],
    allowed: &[super::scope::Scope],
    kind: &str,
    problems: &mut Problems,
) -> Scopes {
    match Scopes::from_list(list) {
        Ok(scopes) => {
            let foreign = scopes.outside(allowed);
            if !foreign.is_empty() {
                problems
                    .push(("scopes".into(), format!("not {kind} scopes: {}", foreign.join(", "))));
            }
            scopes
        }
        Err(unknown) => {
            problems.push(("scopes".into(), format!("unknown scopes: {}", unknown.join(", "))));
            Scopes::default()
        }
    }
}

fn name(name: &str, problems: &mut Problems) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        problems.push(("name".into(), "must be 1-100 characters".into()));
    }
    name.to_string()
}

/// An Operations client: a name and optional `ops:*` scopes (none: unrestricted).
pub fn check_operations(r: &Registration) -> Result<Checked, Problems> {
    let mut problems = vec![];
    let name = name(&r.name, &mut problems);
    let scopes = scopes(&r.scopes, &OPERATIONS, "Operations", &mut problems);
    if !r.redirect_uris.is_empty() || r.privacy_policy_url.is_some() {
        problems.push(("redirect_uris".into(), "Operations clients have no redirect URIs".into()));
    }
    if problems.is_empty() {
        Ok(Checked { name, scopes, redirect_uris: vec![], privacy_policy_url: None })
    } else {
        Err(problems)
    }
}

/// A Pilot client: a name, at least one valid redirect URI, an https privacy
/// policy, and at least one pilot scope.
pub fn check_pilot(r: &Registration) -> Result<Checked, Problems> {
    let mut problems = vec![];
    let name = name(&r.name, &mut problems);
    let scopes = scopes(&r.scopes, &PILOT, "Pilot", &mut problems);
    if scopes.is_empty() && !problems.iter().any(|(f, _)| f == "scopes") {
        problems.push((
            "scopes".into(),
            format!("name at least one of {}", super::scope::PILOT.map(|s| s.as_str()).join(", ")),
        ));
    }
    if r.redirect_uris.is_empty() || r.redirect_uris.len() > 10 {
        problems.push(("redirect_uris".into(), "register 1 to 10 redirect URIs".into()));
    }
    for (i, uri) in r.redirect_uris.iter().enumerate() {
        if let Err(why) = check_redirect_uri(uri) {
            problems.push((format!("redirect_uris[{i}]"), why.into()));
        }
    }
    match &r.privacy_policy_url {
        None => problems
            .push(("privacy_policy_url".into(), "a Pilot client needs a privacy policy".into())),
        Some(url) => {
            if let Err(why) = check_privacy_policy_url(url) {
                problems.push(("privacy_policy_url".into(), why.into()));
            }
        }
    }
    if problems.is_empty() {
        Ok(Checked {
            name,
            scopes,
            redirect_uris: r.redirect_uris.clone(),
            privacy_policy_url: r.privacy_policy_url.clone(),
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pilot_app() -> Registration {
        Registration {
            name: "Tracker".into(),
            scopes: vec!["identity:basic".into(), "flights:read".into()],
            redirect_uris: vec!["myapp://callback".into(), "http://127.0.0.1:9000/cb".into()],
            privacy_policy_url: Some("https://tracker.example/privacy".into()),
        }
    }

    #[test]
    fn a_good_pilot_client_passes() {
        let checked = check_pilot(&pilot_app()).unwrap();
        assert_eq!(checked.scopes.to_text(), "identity:basic flights:read");
    }

    #[test]
    fn pilot_clients_name_every_problem() {
        let mut r = pilot_app();
        r.redirect_uris = vec!["http://tracker.example/cb".into()];
        r.privacy_policy_url = Some("http://tracker.example/privacy".into());
        r.scopes = vec!["ops:read".into()];
        let fields: Vec<String> =
            check_pilot(&r).unwrap_err().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["scopes", "redirect_uris[0]", "privacy_policy_url"]);
    }

    #[test]
    fn operations_clients_take_only_ops_scopes() {
        let r = Registration {
            name: "Bot".into(),
            scopes: vec!["identity:basic".into()],
            ..Default::default()
        };
        assert_eq!(check_operations(&r).unwrap_err()[0].1, "not Operations scopes: identity:basic");
        let r = Registration { name: "Bot".into(), ..Default::default() };
        assert!(check_operations(&r).unwrap().scopes.is_empty());
    }
}
