//! Signed webhooks: endpoints staff register (`api`), and the dispatcher
//! that delivers the outbox's events to them (`dispatcher`).

pub mod api;
pub mod dispatcher;

use crate::domain::webhook::{is_internal, is_internal_name, EVENT_TYPES};

/// Checks an endpoint URL: HTTPS, and nothing that reaches this host or its
/// private network, unless the operator allows insecure webhooks (local
/// testing). A name that does not resolve now is accepted: every delivery
/// resolves it again and refuses internal addresses then.
pub async fn check_url(url: &str, allow_insecure: bool) -> Result<String, String> {
    // URL parsing drops tabs and line breaks silently; a URL carrying them
    // is refused rather than quietly changed.
    if url.trim().chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("must not contain spaces or control characters".into());
    }
    let parsed = url::Url::parse(url.trim()).map_err(|e| format!("not a URL: {e}"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure => {}
        "http" => return Err("must use https".into()),
        other => return Err(format!("{other}: URLs are not supported; use https")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    let host = parsed.host().ok_or("must name a host")?.to_owned();
    if !allow_insecure {
        let internal = "resolves to a private, loopback or link-local address";
        match host {
            url::Host::Ipv4(v4) if is_internal(v4.into()) => return Err(internal.into()),
            url::Host::Ipv6(v6) if is_internal(v6.into()) => return Err(internal.into()),
            url::Host::Domain(name) if is_internal_name(&name) => {
                return Err("names this host or a metadata service".into())
            }
            url::Host::Domain(name) => {
                let port = parsed.port_or_known_default().unwrap_or(443);
                if let Ok(addrs) = tokio::net::lookup_host((name.as_str(), port)).await {
                    if addrs.into_iter().any(|a| is_internal(a.ip())) {
                        return Err(internal.into());
                    }
                }
            }
            _ => {}
        }
    }
    Ok(parsed.to_string())
}

/// Event types from the catalog, or the unknown ones.
pub fn check_event_types(types: &[String]) -> Result<Vec<String>, Vec<String>> {
    let unknown: Vec<String> =
        types.iter().filter(|t| !EVENT_TYPES.contains(&t.as_str())).cloned().collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let mut types = types.to_vec();
    types.sort();
    types.dedup();
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn urls_must_be_https_and_public_unless_allowed() {
        assert!(check_url("https://8.8.8.8/hook", false).await.is_ok());
        for refused in [
            "http://8.8.8.8/hook",
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://169.254.169.254/latest",
            "https://10.0.0.5/",
            "https://localhost/hook",
            "https://localhost./hook",
            "https://hooks.localhost/hook",
            "https://metadata.google.internal/computeMetadata/v1/",
            "https://[::127.0.0.1]/hook",
            "https://[64:ff9b::7f00:1]/hook",
            "https://[2002:7f00:1::]/hook",
            "https://[fec0::1]/hook",
            "https://[ff02::1]/hook",
            "https://198.18.0.1/hook",
            "https://224.0.0.1/hook",
            "https://240.0.0.1/hook",
            "https://user:pw@8.8.8.8/",
            "ftp://8.8.8.8/",
            "not a url",
        ] {
            assert!(check_url(refused, false).await.is_err(), "{refused}");
        }
        assert!(check_url("http://127.0.0.1:9000/hook", true).await.is_ok());
    }

    #[test]
    fn event_types_come_from_the_catalog() {
        let ok = check_event_types(&[
            "flight.approved".into(),
            "webhook.test".into(),
            "flight.approved".into(),
        ]);
        assert_eq!(ok, Ok(vec!["flight.approved".to_string(), "webhook.test".to_string()]));
        assert_eq!(
            check_event_types(&["flight.landed".into()]),
            Err(vec!["flight.landed".to_string()])
        );
    }
}
