//! HTTP basic auth as supervisord does it: one username, its password stored plain or as
//! `{SHA}` followed by the hex SHA-1 of the password (supervisord's `encrypted_dictionary_
//! authorizer`). A missing header, another scheme or wrong credentials get 401 with
//! `WWW-Authenticate: Basic realm="default"`; a `Basic` token that is not base64 of UTF-8 gets
//! 400, as in supervisord.
//!
//! Comparisons are constant-time over fixed-length digests, so neither the content nor the
//! length of the secret leaks through timing.

use base64::Engine;

/// The configured credentials of one listener.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    username: String,
    password: Password,
}

// Never print the secret, even in a debug dump of the config.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("username", &self.username).finish_non_exhaustive()
    }
}

#[derive(Clone, PartialEq, Eq)]
enum Password {
    /// The SHA-1 of the plain password: comparing digests makes the comparison length-blind.
    Plain([u8; 20]),
    /// The hex digest after `{SHA}`, lowercased (supervisord compares case-sensitively with
    /// Python's lowercase hexdigest; accepting uppercase is a harmless superset).
    Sha1Hex(String),
}

/// What to do with a request, given its `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Granted,
    /// 401 with the challenge.
    Denied,
    /// 400: a `Basic` token that is not base64 of UTF-8 text.
    Malformed,
}

impl Outcome {
    /// The status to answer with, or None to serve the request.
    pub fn status(self) -> Option<super::Status> {
        match self {
            Outcome::Granted => None,
            Outcome::Denied => Some(super::Status::UNAUTHORIZED),
            Outcome::Malformed => Some(super::Status::BAD_REQUEST),
        }
    }
}

impl Credentials {
    /// `password` as written in the config: plain, or `{SHA}` + 40 hex digits.
    pub fn new(username: &str, password: &str) -> Self {
        let password = match password.strip_prefix("{SHA}") {
            Some(hex) => Password::Sha1Hex(hex.to_ascii_lowercase()),
            None => Password::Plain(sha1(password.as_bytes())),
        };
        Credentials { username: username.to_string(), password }
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    /// Checks a request's `Authorization` header value (None when it had none).
    pub fn check(&self, authorization: Option<&str>) -> Outcome {
        let Some(value) = authorization else {
            return Outcome::Denied;
        };
        let value = value.trim();
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        if !scheme.eq_ignore_ascii_case("basic") {
            return Outcome::Denied;
        }
        // Python's base64 decoder skips characters outside the alphabet; whitespace is the
        // only such thing a real client sends (long tokens wrapped by old encoders).
        let token: String = token.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let Ok(decoded) = base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT.decode(token.as_bytes()) else {
            return Outcome::Malformed;
        };
        let Ok(decoded) = String::from_utf8(decoded) else {
            return Outcome::Malformed;
        };
        let Some((username, password)) = decoded.split_once(':') else {
            return Outcome::Denied;
        };
        let user_ok = ct_eq(&sha1(username.as_bytes()), &sha1(self.username.as_bytes()));
        let password_ok = match &self.password {
            Password::Plain(digest) => ct_eq(&sha1(password.as_bytes()), digest),
            Password::Sha1Hex(hex) => ct_eq(sha1_hex(password.as_bytes()).as_bytes(), hex.as_bytes()),
        };
        if user_ok & password_ok { Outcome::Granted } else { Outcome::Denied }
    }
}

/// The `{SHA}` form of a password, for writing configs (and `taskmaster` tooling later).
pub fn sha_password(password: &str) -> String {
    format!("{{SHA}}{}", sha1_hex(password.as_bytes()))
}

fn sha1(data: &[u8]) -> [u8; 20] {
    sha1_smol::Sha1::from(data).digest().bytes()
}

fn sha1_hex(data: &[u8]) -> String {
    sha1_smol::Sha1::from(data).digest().to_string()
}

/// Equal without an early exit. Different lengths are unequal at once: every caller compares
/// fixed-length digests, so only a malformed `{SHA}` config takes that branch.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimiser from turning the fold back into a short-circuit compare.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user_pass: &str) -> String {
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(user_pass))
    }

    #[test]
    fn sha_password_is_supervisords_format() {
        // sha1("secret"), as `echo -n secret | sha1sum` prints it.
        assert_eq!(sha_password("secret"), "{SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4");
    }

    #[test]
    fn plain_and_sha_passwords() {
        let plain = Credentials::new("user", "secret");
        let hashed = Credentials::new("user", "{SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4");
        let upper = Credentials::new("user", "{SHA}E5E9FA1BA31ECD1AE84F75CAAA474F3A663F05F4");
        let broken = Credentials::new("user", "{SHA}nothex");
        // A plain password that merely looks like a digest is compared as text.
        let lookalike = Credentials::new("user", "e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4");
        for creds in [&plain, &hashed, &upper] {
            assert_eq!(creds.check(Some(&basic("user:secret"))), Outcome::Granted, "{creds:?}");
            assert_eq!(creds.check(Some(&basic("user:Secret"))), Outcome::Denied);
            assert_eq!(creds.check(Some(&basic("other:secret"))), Outcome::Denied);
            assert_eq!(creds.check(Some(&basic("user:secret "))), Outcome::Denied);
        }
        assert_eq!(broken.check(Some(&basic("user:secret"))), Outcome::Denied);
        assert_eq!(lookalike.check(Some(&basic("user:secret"))), Outcome::Denied);
        assert_eq!(lookalike.check(Some(&basic("user:e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4"))), Outcome::Granted);
        assert_eq!(plain.username(), "user");
        assert!(!format!("{plain:?}").contains("secret"));
    }

    #[test]
    fn header_forms() {
        let creds = Credentials::new("user", "pa:ss");
        let token = base64::engine::general_purpose::STANDARD.encode("user:pa:ss");
        let cases: Vec<(Option<String>, Outcome)> = vec![
            (None, Outcome::Denied),
            (Some(String::new()), Outcome::Denied),
            (Some(format!("Basic {token}")), Outcome::Granted),
            (Some(format!("basic {token}")), Outcome::Granted),
            (Some(format!("BASIC   {token}  ")), Outcome::Granted),
            (Some(format!("Basic {}", token.trim_end_matches('='))), Outcome::Granted),
            (Some(format!("Bearer {token}")), Outcome::Denied),
            (Some("Digest username=\"user\"".into()), Outcome::Denied),
            (Some("Basic".into()), Outcome::Denied),
            (Some("Basic !!!!".into()), Outcome::Malformed),
            (
                Some(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode([0xff, 0xfe]))),
                Outcome::Malformed,
            ),
            (Some(basic("nocolon")), Outcome::Denied),
            (Some(basic("user:")), Outcome::Denied),
            (Some(basic(":pa:ss")), Outcome::Denied),
        ];
        for (header, outcome) in cases {
            assert_eq!(creds.check(header.as_deref()), outcome, "{header:?}");
        }
        assert_eq!(Outcome::Denied.status(), Some(crate::daemon::http::Status::UNAUTHORIZED));
        assert_eq!(Outcome::Malformed.status(), Some(crate::daemon::http::Status::BAD_REQUEST));
        assert_eq!(Outcome::Granted.status(), None);
    }

    #[test]
    fn empty_password_is_still_checked() {
        let creds = Credentials::new("user", "");
        assert_eq!(creds.check(Some(&basic("user:"))), Outcome::Granted);
        assert_eq!(creds.check(Some(&basic("user:x"))), Outcome::Denied);
    }

    #[test]
    fn constant_time_compare() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(ct_eq(b"", b""));
    }

    #[test]
    fn garbage_never_panics() {
        let creds = Credentials::new("user", "secret");
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..10_000 {
            let bytes: Vec<u8> = (0..rng.usize(0..60)).map(|_| rng.u8(..)).collect();
            let text = String::from_utf8_lossy(&bytes);
            assert_ne!(creds.check(Some(&format!("Basic {text}"))), Outcome::Granted);
            let _ = creds.check(Some(&text));
        }
    }
}
