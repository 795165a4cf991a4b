//! supervisord's XML-RPC API (version 3.0), transport-free: what every supervisord client
//! (supervisorctl, dashboards, exporters, `xmlrpc.client` scripts) sends to `POST /RPC2`.
//!
//! - [`value`]: the data model, one [`value::Value`] tree for both directions;
//! - [`codec`]: `methodCall` in, `methodResponse` out, bounded, byte-compatible with Python's
//!   `xmlrpc.client` (and so with supervisord);
//! - [`faults`]: fault codes, process and supervisor state codes;
//! - [`methods`]: the published methods with their signatures and help, and the decoding of a
//!   call into a typed [`methods::ApiCall`];
//! - [`info`]: the shapes of the answers about processes and logs (`getProcessInfo` and its
//!   `description`, log offsets), as pure functions of a snapshot and the time.
//!
//! What a call does to the supervisor is the request layer's business: it receives an
//! [`methods::ApiCall`], the same way a JSON-lines request arrives, and its answer is encoded
//! back here. `tests/reference/xmlrpc_probe.py` records supervisord's behaviour for the
//! differential test that compares the two daemons.

pub mod codec;
pub mod faults;
pub mod info;
pub mod methods;
pub mod value;

/// How the pieces compose, from the bytes supervisorctl sends to the bytes it gets back: the
/// path the wiring follows (with the request layer where [`methods::answer_static`] is here).
#[cfg(test)]
mod pipeline {
    use std::time::{Duration, UNIX_EPOCH};

    use super::codec::{self, MethodResponse};
    use super::methods;
    use super::value::Value;
    use crate::daemon::http::{self, Protocol, Route, auth, request, response};

    /// What supervisorctl's transport sends for `getAPIVersion`, authenticated as user:123.
    const BYTES: &[u8] = b"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\nUser-Agent: xmlrpclib.py/1.0.1 (by www.pythonware.com)\r\nContent-Type: text/xml\r\nAccept: text/xml\r\nAuthorization: Basic dXNlcjoxMjM=\r\nContent-Length: 118\r\n\r\n<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getAPIVersion</methodName>\n<params>\n</params>\n</methodCall>\n";

    fn serve(bytes: &[u8], creds: &auth::Credentials) -> (Vec<u8>, bool) {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        assert_eq!(http::sniff(bytes), Some(Protocol::Http));
        let (req, used) = match request::parse_request(bytes, &request::Limits::default()) {
            Ok(request::Parse::Complete { request, consumed }) => (request, consumed),
            Ok(request::Parse::Incomplete { .. }) => panic!("incomplete"),
            Err(e) => return response::error(response::Reply::broken(now), e.status(), true),
        };
        assert_eq!(used, bytes.len());
        let reply = response::Reply::new(&req, now);
        if let Some(status) = creds.check(req.header("authorization")).status() {
            return response::error(reply, status, false);
        }
        match http::route(&req.method, &req.target) {
            Route::XmlRpc => {}
            _ => return response::error(reply, http::Status::NOT_FOUND, false),
        }
        let body = match codec::decode_call(&req.body, &codec::Limits::default()) {
            Ok(call) => match methods::decode(&call) {
                Ok(api) => match methods::answer_static(&api) {
                    Some(Ok(value)) => codec::encode_response(&value),
                    Some(Err(fault)) => fault.encode(),
                    None => unreachable!("the request layer's part: {api:?}"),
                },
                Err(fault) => fault.encode(),
            },
            Err(_) => return response::error(reply, http::Status::BAD_REQUEST, false),
        };
        response::full(reply, http::Status::OK, &[("Content-Type", "text/xml")], body.as_bytes(), false)
    }

    fn body_of(answer: &[u8]) -> &[u8] {
        let at = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        &answer[at + 4..]
    }

    #[test]
    fn a_call_from_supervisorctl_to_its_answer() {
        let creds = auth::Credentials::new("user", "123");
        let (answer, keep) = serve(BYTES, &creds);
        assert!(keep);
        let text = String::from_utf8(answer.clone()).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("Content-Type: text/xml\r\n"), "{text}");
        assert_eq!(
            codec::decode_response(body_of(&answer), &codec::Limits::default()),
            Ok(MethodResponse::Value(Value::from("3.0")))
        );

        let wrong = auth::Credentials::new("user", "other");
        let (answer, keep) = serve(BYTES, &wrong);
        assert!(!keep);
        assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 401 Unauthorized\r\n"));
    }

    #[test]
    fn a_fault_travels_as_a_200_with_a_fault_body() {
        let creds = auth::Credentials::new("user", "123");
        let call = codec::encode_call("supervisor.nosuch", &[]);
        let bytes = format!(
            "POST /RPC2 HTTP/1.0\r\nAuthorization: Basic dXNlcjoxMjM=\r\nContent-Length: {}\r\n\r\n{call}",
            call.len()
        );
        let (answer, keep) = serve(bytes.as_bytes(), &creds);
        assert!(!keep, "HTTP/1.0 without keep-alive closes");
        assert_eq!(
            codec::decode_response(body_of(&answer), &codec::Limits::default()),
            Ok(MethodResponse::Fault { code: 1, string: "UNKNOWN_METHOD".into() })
        );
    }
}
