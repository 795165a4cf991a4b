//! Reading HTTP/1.x requests out of a connection's input buffer, for a non-blocking loop.
//!
//! The loop appends whatever the socket gave to its buffer and calls [`parse_request`], which
//! answers without side effects: [`Parse::Incomplete`] (read more), [`Parse::Complete`] (a
//! request and how many bytes it used: drain them, and call again for a pipelined next one), or
//! a [`RequestError`] that maps to the 4xx/5xx status to answer before closing (after a
//! malformed head the rest of the stream cannot be trusted, so the connection never goes on).
//!
//! The head is parsed by `httparse` (zero-copy, no allocation, fuzzed and used by hyper): the
//! request line and header grammar, with its corner cases, is not something to hand-roll.
//! Everything is bounded before it is buffered: the head by [`Limits::max_head`] (also while it
//! is still incomplete), the header count by [`Limits::max_headers`], the body by
//! [`Limits::max_body`] checked against `Content-Length` before any body byte is awaited.
//! Bodies come with `Content-Length` only: a request with `Transfer-Encoding` gets 411 Length
//! Required, as supervisord's medusa answers any body without a length (XML-RPC clients all send
//! one; accepting chunked request bodies would only add a smuggling surface).

use super::Status;

/// The bounds a request must fit in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Request line plus headers plus the blank line, in bytes.
    pub max_head: usize,
    /// Number of header lines.
    pub max_headers: usize,
    /// `Content-Length` of the body, in bytes.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // A supervisorctl or xmlrpc.client head is ~200 bytes; the body bound is the JSON
        // side's line bound (1 MiB), ample for a multicall of a thousand calls.
        Limits { max_head: 16 * 1024, max_headers: 64, max_body: 1 << 20 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// One complete request. Header names keep their case; look them up with [`Request::header`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent (`/RPC2`, `/logtail/foo/stderr?x`), not decoded.
    pub target: String,
    pub version: Version,
    pub headers: Vec<(String, String)>,
    /// The declared body length; None when the request had no `Content-Length` (a POST without
    /// one is the XML-RPC handler's 411, not the parser's business).
    pub content_length: Option<usize>,
    pub body: Vec<u8>,
    /// Whether the connection stays open after the answer: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    pub keep_alive: bool,
}

impl Request {
    /// The first header of that name (case-insensitive), its value trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The target's path, before any `?query` or `#fragment`.
    pub fn path(&self) -> &str {
        let end = self.target.find(['?', '#']).unwrap_or(self.target.len());
        &self.target[..end]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parse {
    /// Read more bytes and call again. `expect_continue` is true once the head is complete and
    /// announced `Expect: 100-continue` while the body has not all arrived: the loop should send
    /// [`super::response::CONTINUE`] once, or curl waits a second before sending the body.
    Incomplete { expect_continue: bool },
    /// A request, and the number of bytes of the buffer it used (head and body).
    Complete { request: Request, consumed: usize },
}

/// Why a request cannot be served. Answer [`RequestError::status`], then close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// The head is not HTTP/1.x grammar (httparse's reason).
    Malformed(&'static str),
    /// The head is still incomplete, or complete, beyond [`Limits::max_head`].
    HeadTooLarge,
    TooManyHeaders,
    /// `Content-Length` is not a number, or two of them disagree.
    BadContentLength,
    BodyTooLarge {
        length: usize,
    },
    /// A `Transfer-Encoding` body: we need a `Content-Length`.
    LengthRequired,
    /// A version other than HTTP/1.0 and HTTP/1.1.
    UnsupportedVersion,
}

impl RequestError {
    pub fn status(&self) -> Status {
        match self {
            RequestError::Malformed(_) | RequestError::BadContentLength => Status::BAD_REQUEST,
            RequestError::HeadTooLarge | RequestError::TooManyHeaders => Status::HEADER_FIELDS_TOO_LARGE,
            RequestError::BodyTooLarge { .. } => Status::PAYLOAD_TOO_LARGE,
            RequestError::LengthRequired => Status::LENGTH_REQUIRED,
            RequestError::UnsupportedVersion => Status::VERSION_NOT_SUPPORTED,
        }
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestError::Malformed(why) => write!(f, "malformed request: {why}"),
            RequestError::HeadTooLarge => f.write_str("request head too large"),
            RequestError::TooManyHeaders => f.write_str("too many request headers"),
            RequestError::BadContentLength => f.write_str("invalid Content-Length"),
            RequestError::BodyTooLarge { length } => write!(f, "request body of {length} bytes is too large"),
            RequestError::LengthRequired => f.write_str("a request body needs a Content-Length"),
            RequestError::UnsupportedVersion => f.write_str("unsupported HTTP version"),
        }
    }
}

impl std::error::Error for RequestError {}

/// Reads the first request out of `buf`. Pure: call it again on the same bytes, get the same
/// answer. Leading blank lines are skipped (supervisorctl's `tail -f` client ends its request
/// with an extra CRLF, and RFC 9112 asks servers to ignore them); a buffer of only blank lines
/// is [`Parse::Incomplete`].
pub fn parse_request(buf: &[u8], limits: &Limits) -> Result<Parse, RequestError> {
    let mut slots = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let mut req = httparse::Request::new(&mut slots);
    let head_len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            // The bound applies to what is buffered, so a client that never ends its head
            // cannot make us hold more than this.
            return if buf.len() > limits.max_head {
                Err(RequestError::HeadTooLarge)
            } else {
                Ok(Parse::Incomplete { expect_continue: false })
            };
        }
        Err(httparse::Error::TooManyHeaders) => return Err(RequestError::TooManyHeaders),
        Err(httparse::Error::Version) => return Err(RequestError::UnsupportedVersion),
        Err(e) => return Err(RequestError::Malformed(error_reason(e))),
    };
    if head_len > limits.max_head {
        return Err(RequestError::HeadTooLarge);
    }
    let version = match req.version {
        Some(0) => Version::Http10,
        Some(1) => Version::Http11,
        _ => return Err(RequestError::UnsupportedVersion),
    };
    let method = req.method.unwrap_or_default().to_string();
    let target = req.path.unwrap_or_default().to_string();
    let headers: Vec<(String, String)> =
        req.headers.iter().map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).trim().to_string())).collect();

    let mut content_length: Option<usize> = None;
    let mut expect_continue = false;
    let mut connection_close = false;
    let mut connection_keep_alive = false;
    for (name, value) in &headers {
        if name.eq_ignore_ascii_case("content-length") {
            let length = parse_content_length(value)?;
            if content_length.is_some_and(|previous| previous != length) {
                return Err(RequestError::BadContentLength);
            }
            content_length = Some(length);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(RequestError::LengthRequired);
        } else if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                connection_close |= token.eq_ignore_ascii_case("close");
                connection_keep_alive |= token.eq_ignore_ascii_case("keep-alive");
            }
        } else if name.eq_ignore_ascii_case("expect") {
            expect_continue = value.eq_ignore_ascii_case("100-continue");
        }
    }
    let body_len = content_length.unwrap_or(0);
    if body_len > limits.max_body {
        return Err(RequestError::BodyTooLarge { length: body_len });
    }
    let Some(body) = buf.get(head_len..head_len + body_len) else {
        return Ok(Parse::Incomplete { expect_continue });
    };
    let keep_alive = match version {
        Version::Http11 => !connection_close,
        Version::Http10 => connection_keep_alive && !connection_close,
    };
    Ok(Parse::Complete {
        request: Request { method, target, version, headers, content_length, body: body.to_vec(), keep_alive },
        consumed: head_len + body_len,
    })
}

/// Whether the buffer holds nothing but the blank lines a client may leave between requests:
/// at end of input such a buffer is a clean close, not a truncated request.
pub fn is_blank(buf: &[u8]) -> bool {
    buf.iter().all(|b| matches!(b, b'\r' | b'\n'))
}

fn parse_content_length(value: &str) -> Result<usize, RequestError> {
    // Digits only: `+5`, `5 5` or `0x5` are how request smuggling starts.
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RequestError::BadContentLength);
    }
    // Too many digits for usize is as good as too large for any bound.
    Ok(value.parse().unwrap_or(usize::MAX))
}

fn error_reason(e: httparse::Error) -> &'static str {
    match e {
        httparse::Error::HeaderName => "invalid header name",
        httparse::Error::HeaderValue => "invalid header value",
        httparse::Error::NewLine => "invalid line ending",
        httparse::Error::Status => "invalid status",
        httparse::Error::Token => "invalid method or request line",
        httparse::Error::TooManyHeaders => "too many headers",
        httparse::Error::Version => "invalid HTTP version",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(buf: &[u8]) -> Result<Parse, RequestError> {
        parse_request(buf, &Limits::default())
    }

    fn complete(buf: &[u8]) -> (Request, usize) {
        match parse(buf) {
            Ok(Parse::Complete { request, consumed }) => (request, consumed),
            other => panic!("expected a complete request from {:?}, got {other:?}", String::from_utf8_lossy(buf)),
        }
    }

    const RPC: &[u8] =
        b"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\nhello";

    #[test]
    fn a_post_with_its_body() {
        let (r, consumed) = complete(RPC);
        assert_eq!(consumed, RPC.len());
        assert_eq!(r.method, "POST");
        assert_eq!(r.target, "/RPC2");
        assert_eq!(r.version, Version::Http11);
        assert_eq!(r.header("content-type"), Some("text/xml"));
        assert_eq!(r.header("CONTENT-LENGTH"), Some("5"));
        assert_eq!(r.header("x-missing"), None);
        assert_eq!(r.content_length, Some(5));
        assert_eq!(r.body, b"hello");
        assert!(r.keep_alive);
    }

    #[test]
    fn every_prefix_is_incomplete() {
        for end in 0..RPC.len() {
            assert_eq!(parse(&RPC[..end]), Ok(Parse::Incomplete { expect_continue: false }), "prefix of {end} bytes");
        }
    }

    #[test]
    fn pipelined_requests_come_one_at_a_time() {
        let mut buf = RPC.to_vec();
        buf.extend_from_slice(b"GET /logtail/foo HTTP/1.1\r\n\r\nGET /x");
        let (first, used) = complete(&buf);
        assert_eq!(first.body, b"hello");
        let rest = &buf[used..];
        let (second, used2) = complete(rest);
        assert_eq!(second.method, "GET");
        assert_eq!(second.path(), "/logtail/foo");
        assert_eq!(second.content_length, None);
        assert!(second.body.is_empty());
        assert_eq!(parse(&rest[used2..]), Ok(Parse::Incomplete { expect_continue: false }));
    }

    #[test]
    fn leading_blank_lines_are_skipped() {
        // supervisorctl's tail -f client sends one CRLF too many after its head.
        let buf = b"\r\n\r\nGET /mainlogtail HTTP/1.1\r\n\r\n";
        let (r, used) = complete(buf);
        assert_eq!(r.target, "/mainlogtail");
        assert_eq!(used, buf.len());
        assert!(is_blank(b"\r\n"));
        assert!(is_blank(b""));
        assert!(!is_blank(b"\r\nG"));
        assert_eq!(parse(b"\r\n"), Ok(Parse::Incomplete { expect_continue: false }));
    }

    #[test]
    fn keep_alive_by_version_and_connection_header() {
        let cases: &[(&[u8], bool)] = &[
            (b"GET / HTTP/1.1\r\n\r\n", true),
            (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            (b"GET / HTTP/1.1\r\nConnection: Keep-Alive, Close\r\n\r\n", false),
            (b"GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n", false),
            (b"GET / HTTP/1.0\r\n\r\n", false),
            (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
            (b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        ];
        for (buf, keep) in cases {
            let (r, _) = complete(buf);
            assert_eq!(r.keep_alive, *keep, "{}", String::from_utf8_lossy(buf));
        }
        assert_eq!(complete(b"GET / HTTP/1.0\r\n\r\n").0.version, Version::Http10);
    }

    #[test]
    fn expect_continue_is_reported_while_the_body_is_missing() {
        let head = b"POST /RPC2 HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
        assert_eq!(parse(head), Ok(Parse::Incomplete { expect_continue: true }));
        let mut full = head.to_vec();
        full.extend_from_slice(b"abc");
        assert_eq!(complete(&full).0.body, b"abc");
    }

    #[test]
    fn malformed_and_unbounded_requests_are_typed_errors() {
        let big_head = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(20_000));
        let many_headers = format!("GET / HTTP/1.1\r\n{}\r\n", "X-A: b\r\n".repeat(65));
        let cases: Vec<(Vec<u8>, RequestError, u16)> = vec![
            (b"GET\r\n\r\n".to_vec(), RequestError::Malformed("invalid method or request line"), 400),
            (b"GET / FOO/1.1\r\n\r\n".to_vec(), RequestError::UnsupportedVersion, 505),
            (b"GET / HTTP/2.0\r\n\r\n".to_vec(), RequestError::UnsupportedVersion, 505),
            (b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n".to_vec(), RequestError::Malformed("invalid header name"), 400),
            (b"{\"type\":\"status\"}\n".to_vec(), RequestError::Malformed("invalid method or request line"), 400),
            (b"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n".to_vec(), RequestError::BadContentLength, 400),
            (b"POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n".to_vec(), RequestError::BadContentLength, 400),
            (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n".to_vec(), RequestError::BadContentLength, 400),
            (b"POST / HTTP/1.1\r\nContent-Length:\r\n\r\n".to_vec(), RequestError::BadContentLength, 400),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(),
                RequestError::BadContentLength,
                400,
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n".to_vec(),
                RequestError::BodyTooLarge { length: 99_999_999_999 },
                413,
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 999999999999999999999999\r\n\r\n".to_vec(),
                RequestError::BodyTooLarge { length: usize::MAX },
                413,
            ),
            (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(), RequestError::LengthRequired, 411),
            (big_head.into_bytes(), RequestError::HeadTooLarge, 431),
            (many_headers.into_bytes(), RequestError::TooManyHeaders, 431),
        ];
        for (buf, error, status) in cases {
            assert_eq!(parse(&buf), Err(error.clone()), "{}", String::from_utf8_lossy(&buf));
            assert_eq!(error.status().code(), status);
            assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn an_endless_head_is_cut_off_before_it_completes() {
        let limits = Limits { max_head: 64, ..Limits::default() };
        let partial = format!("GET /{} HTTP/1.1\r\n", "a".repeat(100));
        assert_eq!(parse_request(partial.as_bytes(), &limits), Err(RequestError::HeadTooLarge));
        assert_eq!(
            parse_request(b"GET / HTTP/1.1\r\nX-A: b\r\n", &limits),
            Ok(Parse::Incomplete { expect_continue: false })
        );
    }

    #[test]
    fn identical_content_lengths_are_accepted() {
        let (r, _) = complete(b"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab");
        assert_eq!(r.body, b"ab");
    }

    #[test]
    fn the_path_drops_query_and_fragment() {
        let (r, _) = complete(b"GET /logtail/a%3Ab/stderr?x=1#f HTTP/1.1\r\n\r\n");
        assert_eq!(r.path(), "/logtail/a%3Ab/stderr");
        assert_eq!(r.target, "/logtail/a%3Ab/stderr?x=1#f");
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = fastrand::Rng::with_seed(13);
        let alphabet: &[u8] = b"GETPOST /HTP1.0\r\n:Content-Length: 12chunkedTransfer-Encoding\x00\xff{}";
        for _ in 0..20_000 {
            let len = rng.usize(0..200);
            let buf: Vec<u8> = if rng.bool() {
                (0..len).map(|_| rng.u8(..)).collect()
            } else {
                (0..len).map(|_| alphabet[rng.usize(..alphabet.len())]).collect()
            };
            if let Ok(Parse::Complete { consumed, .. }) = parse(&buf) {
                assert!(consumed <= buf.len());
            }
        }
    }
}
