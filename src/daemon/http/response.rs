//! Writing HTTP/1.x responses: the status line and headers, then a body framed by
//! `Content-Length`, or streamed (`tail -f`) in chunks on HTTP/1.1 and until close on HTTP/1.0.
//!
//! The connection's fate is decided here once, from the request ([`super::request::Request::
//! keep_alive`]) and whether the server wants to close (an error, a 401, a shutdown): a closing
//! answer says `Connection: close`, an HTTP/1.0 keep-alive answer says `Connection: Keep-Alive`
//! (what supervisord's medusa sends, and what 1.0 clients look for).

use std::time::SystemTime;

use super::Status;
use super::request::Version;

/// The interim answer to `Expect: 100-continue`.
pub const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// How a streamed body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// HTTP/1.1: [`chunk`] each piece, [`LAST_CHUNK`] at the end; the connection may go on.
    Chunked,
    /// HTTP/1.0 has no chunks: raw bytes, and the end of the body is the end of the connection.
    UntilClose,
}

/// The end of a chunked body.
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// What the response head needs to know about its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    pub version: Version,
    /// The request allowed the connection to stay open.
    pub keep_alive: bool,
    /// The `Date` header's time (passed in so tests need no clock).
    pub now: SystemTime,
}

impl Reply {
    pub fn new(request: &super::request::Request, now: SystemTime) -> Self {
        Reply { version: request.version, keep_alive: request.keep_alive, now }
    }

    /// For answering a request that could not be parsed: HTTP/1.1, and close.
    pub fn broken(now: SystemTime) -> Self {
        Reply { version: Version::Http11, keep_alive: false, now }
    }
}

/// A complete response with a `Content-Length` body. Returns the bytes and whether the
/// connection stays open afterwards (false when `close` or the request said so).
pub fn full(reply: Reply, status: Status, headers: &[(&str, &str)], body: &[u8], close: bool) -> (Vec<u8>, bool) {
    let keep = reply.keep_alive && !close;
    let mut out = head(reply, status, headers, keep);
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    (out, keep)
}

/// The head of a streamed response; the body follows in the returned [`Framing`]. The
/// connection stays open after the stream only when the framing is chunked and the request
/// allowed it; [`Framing::UntilClose`] always ends the connection.
pub fn stream_head(reply: Reply, status: Status, headers: &[(&str, &str)]) -> (Vec<u8>, Framing) {
    match reply.version {
        Version::Http11 => {
            let mut out = head(reply, status, headers, reply.keep_alive);
            out.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
            (out, Framing::Chunked)
        }
        Version::Http10 => {
            let mut out = head(reply, status, headers, false);
            out.extend_from_slice(b"\r\n");
            (out, Framing::UntilClose)
        }
    }
}

/// One piece of a streamed body, framed. An empty piece writes nothing (an empty chunk would
/// end the body).
pub fn chunk(framing: Framing, data: &[u8], out: &mut Vec<u8>) {
    if data.is_empty() {
        return;
    }
    match framing {
        Framing::Chunked => {
            out.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
            out.extend_from_slice(data);
            out.extend_from_slice(b"\r\n");
        }
        Framing::UntilClose => out.extend_from_slice(data),
    }
}

/// An error page, as supervisord's medusa sends for 400, 401, 404, ...: a short HTML body. A
/// 401 carries `WWW-Authenticate: Basic realm="default"` and closes, as supervisord does.
pub fn error(reply: Reply, status: Status, close: bool) -> (Vec<u8>, bool) {
    let body = format!(
        "<html><head><title>Error response</title></head><body><h1>Error response</h1>\r\n<p>Error code {}.\r\n<p>Message: {}.\r\n</body></html>\r\n",
        status.code(),
        status.reason()
    );
    if status == Status::UNAUTHORIZED {
        let headers = [("Content-Type", "text/html"), ("WWW-Authenticate", "Basic realm=\"default\"")];
        full(reply, status, &headers, body.as_bytes(), true)
    } else {
        full(reply, status, &[("Content-Type", "text/html")], body.as_bytes(), close)
    }
}

fn head(reply: Reply, status: Status, headers: &[(&str, &str)], keep: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(format!("{} {} {}\r\n", reply.version.as_str(), status.code(), status.reason()).as_bytes());
    out.extend_from_slice(format!("Server: taskmasterd/{}\r\n", env!("CARGO_PKG_VERSION")).as_bytes());
    out.extend_from_slice(format!("Date: {}\r\n", http_date(reply.now)).as_bytes());
    for (name, value) in headers {
        // Header values come from us, but a process name can reach one: never let a CR or LF
        // split the head.
        debug_assert!(!name.contains(['\r', '\n']));
        let value: String = value.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    match (keep, reply.version) {
        (false, _) => out.extend_from_slice(b"Connection: close\r\n"),
        (true, Version::Http10) => out.extend_from_slice(b"Connection: Keep-Alive\r\n"),
        (true, Version::Http11) => {}
    }
    out
}

/// RFC 9110's IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(time: SystemTime) -> String {
    let time: chrono::DateTime<chrono::Utc> = time.into();
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn reply(version: Version, keep_alive: bool) -> Reply {
        Reply { version, keep_alive, now: UNIX_EPOCH + Duration::from_secs(784_111_777) }
    }

    fn text(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn a_full_response_has_length_and_date() {
        let (bytes, keep) =
            full(reply(Version::Http11, true), Status::OK, &[("Content-Type", "text/xml")], b"<x/>", false);
        assert!(keep);
        let expected = format!(
            "HTTP/1.1 200 OK\r\nServer: taskmasterd/{}\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: text/xml\r\nContent-Length: 4\r\n\r\n<x/>",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(text(&bytes), expected);
    }

    #[test]
    fn connection_header_follows_version_and_intent() {
        let cases = [
            (Version::Http11, true, false, None, true),
            (Version::Http11, true, true, Some("close"), false),
            (Version::Http11, false, false, Some("close"), false),
            (Version::Http10, true, false, Some("Keep-Alive"), true),
            (Version::Http10, false, false, Some("close"), false),
            (Version::Http10, true, true, Some("close"), false),
        ];
        for (version, keep_alive, close, header, stays) in cases {
            let (bytes, keep) = full(reply(version, keep_alive), Status::OK, &[], b"", close);
            let t = text(&bytes);
            assert!(t.starts_with(&format!("{} 200 OK\r\n", version.as_str())), "{t}");
            assert_eq!(keep, stays, "{t}");
            match header {
                Some(value) => assert!(t.contains(&format!("\r\nConnection: {value}\r\n")), "{t}"),
                None => assert!(!t.contains("Connection:"), "{t}"),
            }
        }
    }

    #[test]
    fn streams_are_chunked_on_11_and_raw_on_10() {
        let (head11, framing) =
            stream_head(reply(Version::Http11, true), Status::OK, &[("Content-Type", "text/plain;charset=utf-8")]);
        assert_eq!(framing, Framing::Chunked);
        let t = text(&head11);
        assert!(t.ends_with("Content-Type: text/plain;charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"), "{t}");
        let mut body = Vec::new();
        chunk(framing, b"hello world, this is long", &mut body);
        chunk(framing, b"", &mut body);
        body.extend_from_slice(LAST_CHUNK);
        assert_eq!(text(&body), "19\r\nhello world, this is long\r\n0\r\n\r\n");

        let (head10, framing) = stream_head(reply(Version::Http10, true), Status::OK, &[]);
        assert_eq!(framing, Framing::UntilClose);
        let t = text(&head10);
        assert!(t.contains("Connection: close\r\n") && !t.contains("Transfer-Encoding"), "{t}");
        let mut body = Vec::new();
        chunk(framing, b"raw", &mut body);
        assert_eq!(body, b"raw");
    }

    #[test]
    fn unauthorized_asks_for_basic_auth_and_closes() {
        let (bytes, keep) = error(reply(Version::Http11, true), Status::UNAUTHORIZED, false);
        assert!(!keep);
        let t = text(&bytes);
        assert!(t.starts_with("HTTP/1.1 401 Unauthorized\r\n"), "{t}");
        assert!(t.contains("\r\nWWW-Authenticate: Basic realm=\"default\"\r\n"), "{t}");
        assert!(t.contains("\r\nConnection: close\r\n"), "{t}");
        assert!(t.contains("Error code 401."), "{t}");
        let (bytes, keep) = error(reply(Version::Http11, true), Status::NOT_FOUND, false);
        assert!(keep);
        assert!(text(&bytes).contains("Content-Type: text/html\r\n"));
    }

    #[test]
    fn header_values_cannot_split_the_head() {
        let (bytes, _) =
            full(reply(Version::Http11, true), Status::OK, &[("X-Name", "a\r\nInjected: yes")], b"", false);
        let t = text(&bytes);
        assert!(t.contains("X-Name: aInjected: yes\r\n"), "{t}");
    }

    #[test]
    fn the_length_counts_bytes_not_chars() {
        let (bytes, _) = full(reply(Version::Http11, true), Status::OK, &[], "é".as_bytes(), false);
        assert!(text(&bytes).contains("Content-Length: 2\r\n"));
    }
}
