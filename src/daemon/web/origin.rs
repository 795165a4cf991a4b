//! The check against cross-site requests: a request that changes state (every one is a POST)
//! must come from a page of this server, or from no browser at all.
//!
//! Browsers send `Origin` with every POST (and `Referer` unless told not to); a page of
//! another site that makes the browser POST here names its own origin there, and cannot
//! forge either header. So: when `Origin` (or, without it, `Referer`) is present, its host and
//! port must be this server's, as the request's `Host` names it, or as a reverse proxy's
//! `X-Forwarded-Host` does (a cross-site page cannot set that header without a CORS preflight,
//! which this server never grants). `Origin: null` (a sandboxed frame, a file) is refused.
//! Scripts and `curl` send neither header and pass; they must still authenticate.

use crate::daemon::http::request::Request;

/// Why a request is refused, or Ok to serve it.
pub fn check(req: &Request) -> Result<(), String> {
    let source = match (req.header("origin"), req.header("referer")) {
        (Some(origin), _) => origin,
        (None, Some(referer)) => referer,
        (None, None) => return Ok(()),
    };
    let Some(authority) = authority(source) else {
        return Err(format!("refusing a request from '{source}': not this server's page"));
    };
    let forwarded = req.header("x-forwarded-host").and_then(|h| h.split(',').next()).map(str::trim);
    let ours = [req.header("host"), forwarded];
    if ours.iter().flatten().any(|host| host.eq_ignore_ascii_case(authority)) {
        Ok(())
    } else {
        Err(format!("refusing a cross-site request from {source}"))
    }
}

/// The `host[:port]` of `scheme://host[:port][/path]`.
fn authority(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // userinfo@host is never in an Origin; in a Referer browsers strip it.
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    (!authority.is_empty()).then_some(authority)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::http::request::Version;

    fn request(headers: &[(&str, &str)]) -> Request {
        Request {
            method: "POST".into(),
            target: "/api/v1/processes/a/stop".into(),
            version: Version::Http11,
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            content_length: Some(0),
            body: Vec::new(),
            keep_alive: true,
        }
    }

    #[test]
    fn same_origin_passes_and_other_sites_do_not() {
        let host = ("Host", "127.0.0.1:9001");
        assert!(check(&request(&[host])).is_ok(), "no browser, no header");
        assert!(check(&request(&[host, ("Origin", "http://127.0.0.1:9001")])).is_ok());
        assert!(check(&request(&[host, ("Origin", "https://127.0.0.1:9001")])).is_ok());
        assert!(check(&request(&[host, ("Referer", "http://127.0.0.1:9001/?x=1")])).is_ok());
        assert!(check(&request(&[host, ("Origin", "http://evil.example")])).is_err());
        assert!(check(&request(&[host, ("Origin", "http://127.0.0.1:9002")])).is_err());
        assert!(check(&request(&[host, ("Origin", "null")])).is_err());
        assert!(check(&request(&[host, ("Referer", "http://evil.example/127.0.0.1:9001")])).is_err());
        assert!(check(&request(&[("Origin", "http://127.0.0.1:9001")])).is_err(), "no Host to compare");
        // Origin wins over a Referer that would pass.
        assert!(check(&request(&[host, ("Origin", "http://evil"), ("Referer", "http://127.0.0.1:9001/")])).is_err());
    }

    #[test]
    fn a_reverse_proxy_names_the_public_host() {
        let headers = [
            ("Host", "localhost"),
            ("X-Forwarded-Host", "dash.example.com, inner"),
            ("Origin", "https://dash.example.com"),
        ];
        assert!(check(&request(&headers)).is_ok());
        let headers = [("Host", "localhost"), ("Origin", "https://dash.example.com")];
        assert!(check(&request(&headers)).is_err());
    }
}
