//! Secrets: minting, hashing and comparing them.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A secret value. It never prints: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that must show or send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A new random token: `prefix` then 256 bits from the OS, base64url.
pub fn new_token(prefix: &str) -> Secret {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// How token-like values are stored: the hex SHA-256. Tokens carry 256 bits
/// of randomness, so a fast hash is enough (unlike passwords).
pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// A session's CSRF token, derived from its session token (which only the
/// cookie holds): nothing that could forge it is stored. HMAC-SHA256 keyed
/// with the session token, so knowing one session's CSRF token tells
/// nothing of another's.
pub fn csrf_token_of(session_token: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<Sha256>::new_from_slice(session_token.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(b"airside session csrf");
    hex::encode(mac.finalize().into_bytes())
}

/// Whether a CSRF token sent with a form or a header is the one expected.
/// An empty expectation matches nothing.
pub fn csrf_matches(expected: &str, sent: &str) -> bool {
    !expected.is_empty() && constant_time_eq(expected.as_bytes(), sent.as_bytes())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// An argon2id hash (PHC string) of a password.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters")
        .to_string()
}

/// A real hash of no one's password: checked against when a sign-in names
/// nobody, so the answer takes as long as for a real account.
pub static DUMMY_PASSWORD_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("no account has this password"));

/// Checks a password against its stored hash (argon2 compares in constant time).
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// The one password check of every sign-in: `password` against each stored
/// hash, off the async workers (argon2 is CPU-heavy on purpose). With no
/// hash at all it checks a dummy one, so an unknown account costs the same
/// time as a wrong password.
pub async fn check_password(password: &str, hashes: Vec<String>) -> Vec<bool> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        if hashes.is_empty() {
            verify_password(&password, &DUMMY_PASSWORD_HASH);
        }
        hashes.iter().map(|hash| verify_password(&password, hash)).collect()
    })
    .await
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = new_token("apk_");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        assert!(s.expose().starts_with("apk_"));
        // 32 bytes in unpadded base64 are 43 characters.
        assert_eq!(s.expose().len(), 4 + 43);
        assert_ne!(new_token("x"), new_token("x"));
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn sha256_is_hex() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
    }
}
