//! The HTTP side of the control sockets, transport-free: what supervisord's clients speak.
//!
//! supervisorctl, Python's `xmlrpc.client` and every tool built on supervisord's API talk HTTP/1.1
//! to it: XML-RPC as `POST /RPC2`, and `GET /logtail/NAME[/CHANNEL]` and `GET /mainlogtail` for
//! `tail -f`. This module owns the pieces that do not depend on the event loop, each a pure
//! function over bytes with its own tests, for the loop to call:
//! - [`sniff`]: whether a new connection on the shared unix socket speaks HTTP or our
//!   JSON-lines protocol, from its first bytes;
//! - [`request`]: incremental request parsing with bounds, keep-alive and pipelining;
//! - [`response`]: status line and headers, fixed-length or chunked bodies;
//! - [`auth`]: supervisord's HTTP basic auth (plain or `{SHA}` passwords);
//! - [`route`]: which handler a request goes to, as supervisord's medusa server dispatches;
//! - [`follow`]: where a `/logtail` stream starts and what it sends next.
//!
//! The XML-RPC payloads themselves are [`crate::daemon::xmlrpc`]'s business.

pub mod auth;
pub mod request;
pub mod response;

/// An HTTP status code, with the reason phrase supervisord's medusa server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status(u16);

impl Status {
    pub const OK: Status = Status(200);
    pub const BAD_REQUEST: Status = Status(400);
    pub const UNAUTHORIZED: Status = Status(401);
    pub const FORBIDDEN: Status = Status(403);
    pub const NOT_FOUND: Status = Status(404);
    pub const METHOD_NOT_ALLOWED: Status = Status(405);
    pub const REQUEST_TIMEOUT: Status = Status(408);
    pub const CONFLICT: Status = Status(409);
    pub const LENGTH_REQUIRED: Status = Status(411);
    pub const PAYLOAD_TOO_LARGE: Status = Status(413);
    pub const HEADER_FIELDS_TOO_LARGE: Status = Status(431);
    pub const INTERNAL_SERVER_ERROR: Status = Status(500);
    pub const SERVICE_UNAVAILABLE: Status = Status(503);
    pub const VERSION_NOT_SUPPORTED: Status = Status(505);

    pub fn code(self) -> u16 {
        self.0
    }

    pub fn reason(self) -> &'static str {
        match self.0 {
            100 => "Continue",
            200 => "OK",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Time-out",
            409 => "Conflict",
            411 => "Length Required",
            413 => "Request Entity Too Large",
            414 => "Request-URI Too Large",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            501 => "Not Implemented",
            503 => "Service Unavailable",
            505 => "HTTP Version not supported",
            _ => "Unknown",
        }
    }
}

/// The two protocols the control socket answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Http,
    JsonLines,
}

/// The longest method token worth waiting for (`OPTIONS` is 7; proxies invent longer ones).
const MAX_METHOD: usize = 20;

/// Tells the protocol from a connection's first bytes; None means "read more first".
///
/// A JSON-lines request starts with `{` after optional whitespace; an HTTP request starts
/// with a method token followed by a space (blank lines before it are allowed, as RFC 9112
/// asks). Anything else goes to the JSON-lines side, which already answers garbage with an
/// error line and stays up. Decided by at most [`MAX_METHOD`] + 1 bytes past the whitespace,
/// so a silent peer cannot make us buffer more than that before we pick a side; a peer that
/// sends only whitespace stays undecided, which the loop's idle timeout covers.
pub fn sniff(first: &[u8]) -> Option<Protocol> {
    let start = first.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &first[start..];
    if rest[0] == b'{' {
        return Some(Protocol::JsonLines);
    }
    for (i, &b) in rest.iter().enumerate().take(MAX_METHOD + 1) {
        if b == b' ' {
            return Some(if i > 0 { Protocol::Http } else { Protocol::JsonLines });
        }
        if !is_tchar(b) {
            return Some(Protocol::JsonLines);
        }
    }
    if rest.len() > MAX_METHOD { Some(Protocol::JsonLines) } else { None }
}

/// RFC 9110's token characters, the alphabet of a method.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Which stream of a process a log request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Stdout,
    Stderr,
}

/// Where a request goes, as supervisord's handlers match it (first match wins, by prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `POST /RPC2...`: an XML-RPC call (any other method there is a 400, like supervisord).
    XmlRpc,
    /// `GET /logtail/NAME[/CHANNEL]`: follow a process's log. `name` is percent-decoded and
    /// may be `group:process`; an unknown name or channel is the handler's 404.
    Logtail { name: String, channel: Result<Channel, String> },
    /// `GET /mainlogtail`: follow the daemon's own log.
    MainLogtail,
    /// Anything else: 404. (The dashboard, the JSON API and `/metrics` are routed before this,
    /// by `daemon::web`.)
    NotFound,
    /// A known path with the wrong method, or a logtail path without a name: 400, as
    /// supervisord answers (it crashes into a 500 on the latter).
    BadRequest,
}

/// Routes a request by method and target. Pure; authentication comes before it.
pub fn route(method: &str, target: &str) -> Route {
    let end = target.find(['?', '#']).unwrap_or(target.len());
    let path = &target[..end];
    if path.starts_with("/RPC2") {
        return if method == "POST" { Route::XmlRpc } else { Route::BadRequest };
    }
    // /mainlogtail is tested first: supervisord's /logtail prefix does not match it anyway.
    if path.starts_with("/mainlogtail") {
        return if method == "GET" { Route::MainLogtail } else { Route::BadRequest };
    }
    if path.starts_with("/logtail") {
        if method != "GET" {
            return Route::BadRequest;
        }
        let decoded = percent_decode(path);
        let rest = decoded.trim_start_matches('/');
        let Some((_, name_and_channel)) = rest.split_once('/') else {
            return Route::BadRequest;
        };
        let (name, channel) = match name_and_channel.split_once('/') {
            Some((name, channel)) => (name, channel),
            None => (name_and_channel, "stdout"),
        };
        if name.is_empty() {
            return Route::BadRequest;
        }
        let channel = match channel {
            "stdout" => Ok(Channel::Stdout),
            "stderr" => Ok(Channel::Stderr),
            other => Err(other.to_string()),
        };
        return Route::Logtail { name: name.to_string(), channel };
    }
    Route::NotFound
}

/// `%XX` decoding as Python's `urllib.parse.unquote` does it: invalid escapes stay as they are,
/// and decoded bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) =
                (bytes.get(i + 1).and_then(|c| hex_value(*c)), bytes.get(i + 2).and_then(|c| hex_value(*c)))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// How many bytes of the log's end a `/logtail` or `/mainlogtail` stream starts with, as
/// supervisord's `tail_f_producer` does.
pub const LOGTAIL_BACKLOG: u64 = 1024;

/// What a `/logtail` stream sends when the file shrank under it (supervisord's words).
pub const LOGTAIL_TRUNCATED: &str = "==> File truncated <==\n";

/// What a `/logtail` or `/mainlogtail` stream does next, given where it is and the file's size
/// now (supervisord's `tail_f_producer`, driven by the loop's output events instead of polling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Follow {
    /// Send these bytes of the file, then continue from the range's end.
    Send(std::ops::Range<u64>),
    /// The file is shorter than what was sent (cleared or rotated): send [`LOGTAIL_TRUNCATED`],
    /// then continue from 0.
    Truncated,
    /// Nothing new.
    Wait,
}

/// Where a stream starts in a file of `size` bytes: [`LOGTAIL_BACKLOG`] before its end.
pub fn follow_start(size: u64) -> u64 {
    size.saturating_sub(LOGTAIL_BACKLOG)
}

/// The next step of a stream that has sent the file up to `sent`.
pub fn follow(sent: u64, size: u64) -> Follow {
    match size.cmp(&sent) {
        std::cmp::Ordering::Less => Follow::Truncated,
        std::cmp::Ordering::Equal => Follow::Wait,
        std::cmp::Ordering::Greater => Follow::Send(sent..size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_tells_http_from_json_lines() {
        let cases: &[(&[u8], Option<Protocol>)] = &[
            (b"", None),
            (b"   \r\n", None),
            (b"{", Some(Protocol::JsonLines)),
            (b"  \n {\"type\":\"status\"}", Some(Protocol::JsonLines)),
            (b"GET", None),
            (b"GET ", Some(Protocol::Http)),
            (b"POST /RPC2 HTTP/1.1\r\n", Some(Protocol::Http)),
            (b"\r\nGET / HTTP/1.1", Some(Protocol::Http)),
            (b"M-SEARCH * HTTP/1.1", Some(Protocol::Http)),
            (b" x", None),
            (b"[1,2]", Some(Protocol::JsonLines)),
            (b"\"str\"", Some(Protocol::JsonLines)),
            (b"\x00\x01", Some(Protocol::JsonLines)),
            (b"GE\xff", Some(Protocol::JsonLines)),
            (b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", Some(Protocol::JsonLines)),
            (b"ABCDEFGHIJKLMNOPQRST", None),
            (b"ABCDEFGHIJKLMNOPQRST ", Some(Protocol::Http)),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff(bytes), *expected, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn routes_follow_supervisords_handlers() {
        let stdout = Ok(Channel::Stdout);
        let cases: Vec<(&str, &str, Route)> = vec![
            ("POST", "/RPC2", Route::XmlRpc),
            ("POST", "/RPC2/extra?x", Route::XmlRpc),
            ("GET", "/RPC2", Route::BadRequest),
            ("GET", "/logtail/foo", Route::Logtail { name: "foo".into(), channel: stdout.clone() }),
            ("GET", "/logtail/foo/stdout", Route::Logtail { name: "foo".into(), channel: stdout.clone() }),
            ("GET", "/logtail/foo/stderr", Route::Logtail { name: "foo".into(), channel: Ok(Channel::Stderr) }),
            (
                "GET",
                "/logtail/grp%3Afoo/stderr?x=1",
                Route::Logtail { name: "grp:foo".into(), channel: Ok(Channel::Stderr) },
            ),
            ("GET", "/logtail/grp:foo", Route::Logtail { name: "grp:foo".into(), channel: stdout.clone() }),
            ("GET", "//logtail/foo", Route::NotFound),
            ("GET", "/logtail/foo/other", Route::Logtail { name: "foo".into(), channel: Err("other".into()) }),
            ("GET", "/logtail", Route::BadRequest),
            ("GET", "/logtail/", Route::BadRequest),
            ("POST", "/logtail/foo", Route::BadRequest),
            ("GET", "/mainlogtail", Route::MainLogtail),
            ("HEAD", "/mainlogtail", Route::BadRequest),
            ("GET", "/", Route::NotFound),
            ("GET", "/index.html", Route::NotFound),
        ];
        for (method, target, expected) in cases {
            assert_eq!(route(method, target), expected, "{method} {target}");
        }
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("a%3Ab%3a"), "a:b:");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn log_streams_follow_the_file() {
        assert_eq!(follow_start(100), 0);
        assert_eq!(follow_start(1024), 0);
        assert_eq!(follow_start(5000), 5000 - 1024);
        assert_eq!(follow(10, 10), Follow::Wait);
        assert_eq!(follow(10, 25), Follow::Send(10..25));
        assert_eq!(follow(10, 3), Follow::Truncated);
        assert_eq!(follow(0, 0), Follow::Wait);
    }

    #[test]
    fn statuses_have_medusas_reasons() {
        assert_eq!(Status::UNAUTHORIZED.reason(), "Unauthorized");
        assert_eq!(Status::LENGTH_REQUIRED.code(), 411);
        assert_eq!(Status(999).reason(), "Unknown");
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let bytes: Vec<u8> = (0..rng.usize(0..40)).map(|_| rng.u8(..)).collect();
            let _ = sniff(&bytes);
            let text = String::from_utf8_lossy(&bytes);
            let _ = route(if rng.bool() { "GET" } else { "POST" }, &format!("/logtail/{text}"));
            let _ = percent_decode(&text);
        }
    }
}
