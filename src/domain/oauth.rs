//! OAuth rules with no I/O: which redirect URIs a Pilot client may register,
//! how they match, and PKCE.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use url::{Host, Url};

/// Schemes that are never a redirect target, whatever an app registers.
const FORBIDDEN_SCHEMES: [&str; 8] =
    ["javascript", "data", "file", "vbscript", "about", "blob", "ftp", "ws"];

/// A loopback host of a native app's redirect: the IP literals, or the name
/// `localhost` itself (what vAMSYS-style desktop apps register; no name
/// under it).
fn is_loopback_literal(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks a redirect URI a Pilot client registers: HTTPS, or a custom scheme
/// (`myapp://callback`), or plain HTTP on a loopback address (`127.0.0.1`,
/// `[::1]`, `localhost`) for native apps (RFC 8252 §7.3). Never a fragment.
pub fn check_redirect_uri(uri: &str) -> Result<Url, &'static str> {
    let url = Url::parse(uri).map_err(|_| "is not an absolute URI")?;
    if url.fragment().is_some() {
        return Err("must not have a fragment");
    }
    if uri.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("must not contain spaces or control characters");
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "https" => Err("needs a host"),
        "http" if is_loopback_literal(&url) => Ok(url),
        "http" => Err(
            "plain http is allowed only for http://127.0.0.1, http://[::1] or http://localhost (RFC 8252)",
        ),
        scheme if FORBIDDEN_SCHEMES.contains(&scheme) || scheme == "wss" => {
            Err("this scheme cannot be a redirect target")
        }
        _ => Ok(url),
    }
}

/// Whether a redirect URI sent to `/oauth/authorize` matches a registered
/// one: exactly, except that loopback HTTP URIs may use any port (RFC 8252 §7.3).
pub fn redirect_matches(registered: &str, offered: &str) -> bool {
    if registered == offered {
        return true;
    }
    match (Url::parse(registered), Url::parse(offered)) {
        (Ok(mut a), Ok(mut b)) if a.scheme() == "http" && is_loopback_literal(&a) => {
            let _ = a.set_port(None);
            let _ = b.set_port(None);
            a == b
        }
        _ => false,
    }
}

pub fn check_privacy_policy_url(uri: &str) -> Result<(), &'static str> {
    match Url::parse(uri) {
        Ok(url) if url.scheme() == "https" && url.host().is_some() => Ok(()),
        _ => Err("must be an https:// URL"),
    }
}

/// The S256 code challenge of a PKCE verifier (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A verifier is 43 to 128 unreserved characters (RFC 7636 §4.1).
pub fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// A challenge is an S256 hash: 43 base64url characters.
pub fn valid_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_that_may_be_registered() {
        for ok in [
            "https://app.example.com/callback",
            "https://app.example.com/cb?x=1",
            "myapp://callback",
            "com.example.app:/oauth2redirect",
            "http://127.0.0.1:8765/callback",
            "http://[::1]:8765/callback",
            "http://localhost:8765/callback",
            "http://LocalHost/callback",
        ] {
            assert!(check_redirect_uri(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://app.example.com/callback",
            "http://localhost.example.com/callback",
            "http://app.localhost:8765/callback",
            "https://app.example.com/cb#frag",
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "/relative",
            "https://app.example.com/a b",
            "",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirects_match_exactly_but_loopback_ports_vary() {
        assert!(redirect_matches("https://a.example/cb", "https://a.example/cb"));
        assert!(!redirect_matches("https://a.example/cb", "https://a.example/cb/"));
        assert!(!redirect_matches("https://a.example/cb", "https://a.example/cb?x=1"));
        assert!(!redirect_matches("https://a.example/cb", "https://A.example/cb "));
        assert!(redirect_matches("http://127.0.0.1:1000/cb", "http://127.0.0.1:5555/cb"));
        assert!(!redirect_matches("http://127.0.0.1:1000/cb", "http://127.0.0.1:5555/other"));
        assert!(redirect_matches("http://localhost:1000/cb", "http://localhost:5555/cb"));
        assert!(!redirect_matches("http://localhost:1000/cb", "http://127.0.0.1:1000/cb"));
        assert!(!redirect_matches("myapp://cb", "myapp://cb2"));
    }

    #[test]
    fn privacy_policies_are_https() {
        assert!(check_privacy_policy_url("https://app.example.com/privacy").is_ok());
        assert!(check_privacy_policy_url("http://app.example.com/privacy").is_err());
        assert!(check_privacy_policy_url("nonsense").is_err());
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(valid_verifier(verifier));
        assert_eq!(pkce_challenge(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert!(valid_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        assert!(!valid_verifier("short"));
        assert!(!valid_challenge("plain-challenge"));
    }
}
