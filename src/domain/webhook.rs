//! Webhooks: the event catalog, the retry schedule, signatures (GA Flight's
//! `X-GA-Webhook-Signature` and Standard Webhooks'), and which addresses a
//! delivery may go to. No I/O here.

use std::net::IpAddr;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const EVENT_TYPES: [&str; 8] = [
    "flight.submitted",
    "flight.approved",
    "flight.rejected",
    "maintenance.alert",
    "compliance.updated",
    "training.signoff.recorded",
    "notam.created",
    "webhook.test",
];

/// Retries after the first attempt; then the delivery has failed.
pub const MAX_RETRIES: i64 = 5;

/// The wait before retry `n` (1-based): 1, 2, 4, 8, 16 s, each stretched or
/// shrunk by up to 20 % (`jitter` in [-1, 1]) so failing endpoints are not
/// hit by every retry at once.
pub fn retry_delay(n: i64, jitter: f64) -> Duration {
    let base = 2f64.powi((n.clamp(1, MAX_RETRIES) - 1) as i32);
    Duration::from_secs_f64(base * (1.0 + 0.2 * jitter.clamp(-1.0, 1.0)))
}

/// A new signing secret: `whsec_` and base64 of 32 random bytes.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("whsec_{}", STANDARD.encode(bytes))
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// `X-GA-Webhook-Signature`: `sha256=` and hex HMAC-SHA256 of the raw body,
/// keyed with the secret as shown to the user.
pub fn ga_signature(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(hmac(secret.as_bytes(), &[body])))
}

/// Standard Webhooks `webhook-signature`: `v1,` and base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}`, keyed with the base64-decoded part of the secret.
pub fn standard_signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = STANDARD.decode(encoded).unwrap_or_else(|_| encoded.as_bytes().to_vec());
    let signed = hmac(&key, &[id.as_bytes(), b".", timestamp.to_string().as_bytes(), b".", body]);
    format!("v1,{}", STANDARD.encode(signed))
}

/// Addresses a webhook must not reach unless the operator allows it: this
/// host, private networks, link-local (cloud metadata), and every range
/// that is not public unicast. IPv6 forms that carry an IPv4 address
/// (mapped, compatible, NAT64, 6to4) are judged by that address.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                // 240.0.0.0/4 reserved, with the broadcast address.
                || a >= 240
                // 100.64.0.0/10, carrier-grade NAT.
                || (a == 100 && (b & 0xc0) == 64)
                // 198.18.0.0/15, benchmarking.
                || (a == 198 && (b & 0xfe) == 18)
                // 192.0.0.0/24, protocol assignments.
                || v4.octets()[..3] == [192, 0, 0]
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |high: u16, low: u16| {
                is_internal(IpAddr::V4(std::net::Ipv4Addr::from(
                    (u32::from(high) << 16) | u32::from(low),
                )))
            };
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            match s {
                // ::/96, IPv4-compatible (and :: and ::1 themselves).
                [0, 0, 0, 0, 0, 0, high, low] => high == 0 || embedded(high, low),
                // 64:ff9b::/96, NAT64 of an IPv4 address.
                [0x64, 0xff9b, 0, 0, 0, 0, high, low] => embedded(high, low),
                // 2002::/16, 6to4 of an IPv4 address.
                [0x2002, high, low, ..] => embedded(high, low),
                // 2001::/32 Teredo and 2001:db8::/32 documentation.
                [0x2001, 0 | 0xdb8, ..] => true,
                // Public unicast is 2000::/3; fc00::/7, fe80::/10, fec0::/10,
                // ff00::/8, 64:ff9b:1::/48 and the rest are not.
                [first, ..] => (first & 0xe000) != 0x2000,
            }
        }
    }
}

/// Host names that mean this host or a cloud's metadata service whatever
/// they resolve to: `localhost` and names under it, and the metadata names.
pub fn is_internal_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "metadata.google.internal"
        || name == "metadata"
        || name.ends_with(".metadata.google.internal")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_one_second() {
        let plain: Vec<u64> = (1..=5).map(|n| retry_delay(n, 0.0).as_secs()).collect();
        assert_eq!(plain, vec![1, 2, 4, 8, 16]);
        assert_eq!(retry_delay(5, 1.0), Duration::from_secs_f64(19.2));
        assert_eq!(retry_delay(1, -1.0), Duration::from_millis(800));
    }

    #[test]
    fn signatures_match_published_examples() {
        // The Standard Webhooks specification's test vector.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            standard_signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
        assert_eq!(
            ga_signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let secret = new_secret();
        assert!(secret.starts_with("whsec_") && STANDARD.decode(&secret[6..]).unwrap().len() == 32);
    }

    #[test]
    fn internal_addresses() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2002:a00:1::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "2001:0:4136:e378::1",
            "198.18.0.1",
            "198.19.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "192.0.0.8",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "198.20.0.1",
            "2606:4700::1111",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
        for name in [
            "localhost",
            "localhost.",
            "api.localhost",
            "A.LOCALHOST.",
            "metadata.google.internal",
            "metadata.google.internal.",
        ] {
            assert!(is_internal_name(name), "{name}");
        }
        for name in ["hooks.example.com", "localhost.example.com", "mylocalhost"] {
            assert!(!is_internal_name(name), "{name}");
        }
    }
}
