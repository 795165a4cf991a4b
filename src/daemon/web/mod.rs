//! The web side of the HTTP front-end: the dashboard page (`GET /`), its script and style, the
//! JSON API (`/api/v1/...`, see [`api`]), Prometheus metrics (`GET /metrics`, see [`metrics`]),
//! and the live event stream the page and API clients follow (`/api/v1/events`).
//!
//! `http_front` owns the connections and hands a request here when [`route`] claims its path;
//! this module decides the answer through the same request layer as every other front-end
//! (`Supervisor::handle`), so a click on the page, a `POST /api/v1/...`, an XML-RPC call and a
//! `taskmasterctl` command cannot disagree. The page itself is plain HTML, CSS and JavaScript
//! compiled into the binary (`assets/`): no build step, no CDN, and a server-rendered table
//! ([`page`]) so that it lists the processes with JavaScript off.
//!
//! Security: the listener's basic auth applies to every path here; every request that changes
//! state is a POST and passes the cross-site check of [`origin`]; nothing acts on a GET. The
//! page is served with a Content-Security-Policy that allows only its own script and style,
//! and may not be framed (no clickjacking of its buttons).
//!
//! Live updates: a process whose state (or pid) changes is pushed as a server-sent event to
//! every subscriber of `/api/v1/events` by a small hook in `Supervisor::feed`
//! ([`Supervisor::web_process_changed`]); a change in the set of processes (add, remove,
//! update) is pushed as a `processes` event, after which a client reads the list again. With no
//! subscriber the hooks cost one emptiness check. The daemon never wakes up on its own for any
//! of it: no heartbeat, no polling.

pub mod api;
pub mod metrics;
pub mod origin;
pub mod page;

use std::collections::HashSet;
use std::time::SystemTime;

use serde_json::{Value, json};

use super::http::request::Request as HttpRequest;
use super::http::response::Reply;
use super::http::{LOGTAIL_BACKLOG, Status};
use super::requests::{ClientId, Handled, Outgoing};
use super::supervisor::{Mode, ProcessId, Supervisor, epoch_seconds};
use crate::protocol::{Channel, ProcessInfo, ProcessState, Request, Response};
use api::{Act, ApiError, Code, Endpoint};

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// What the page may load: only its own script and style, and it may not be framed.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                           connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A path this module serves, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebRoute {
    Page,
    Asset {
        content_type: &'static str,
        body: &'static str,
    },
    Metrics,
    Api(Result<Endpoint, ApiError>),
    /// A page path with a method it does not take.
    MethodNotAllowed,
}

/// Which paths are the web side's; None leaves the request to supervisord's routes (`/RPC2`,
/// `/logtail`, `/mainlogtail`). Pure.
pub fn route(method: &str, target: &str) -> Option<WebRoute> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = path.split('#').next().unwrap_or(path);
    let get = |route: WebRoute| Some(if method == "GET" { route } else { WebRoute::MethodNotAllowed });
    match path {
        "/" | "/index.html" => get(WebRoute::Page),
        "/ui/app.js" => get(WebRoute::Asset { content_type: "text/javascript; charset=utf-8", body: APP_JS }),
        "/ui/app.css" => get(WebRoute::Asset { content_type: "text/css; charset=utf-8", body: APP_CSS }),
        "/metrics" => get(WebRoute::Metrics),
        p if p == "/api" || p.starts_with("/api/") => Some(WebRoute::Api(api::route(method, p, query))),
        _ => None,
    }
}

/// The connections following `/api/v1/events`.
#[derive(Default)]
pub struct Subscribers(HashSet<ClientId>);

impl Subscribers {
    pub fn remove(&mut self, client: ClientId) {
        self.0.remove(&client);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An API request whose answer the request layer gives later (an update, an action with
/// `wait`): every such answer is a list of results.
#[derive(Debug)]
pub struct Pending;

/// A process's state and pid before an input, to tell whether it changed.
pub type Watch = Option<(ProcessState, Option<u32>)>;

fn now() -> f64 {
    epoch_seconds(SystemTime::now())
}

impl Supervisor {
    /// Serves a request [`route`] claimed.
    pub(super) fn serve_web(&mut self, key: usize, reply: Reply, req: &HttpRequest, route: WebRoute) {
        let is_api = matches!(route, WebRoute::Api(_));
        if let Some(status) = self.http_auth_refusal(key, req) {
            let error = if status == Status::UNAUTHORIZED {
                ApiError::new(Code::Unauthorized, "this server asks for a username and password")
            } else {
                ApiError::new(Code::BadRequest, "malformed Authorization header")
            };
            return self.web_error(key, reply, &error, is_api);
        }
        let route = match route {
            WebRoute::Api(Ok(endpoint)) if req.method == "POST" => {
                if let Err(why) = origin::check(req) {
                    return self.web_error(key, reply, &ApiError::new(Code::CrossOrigin, why), true);
                }
                WebRoute::Api(api::apply_body(endpoint, &req.body))
            }
            other => other,
        };
        match route {
            WebRoute::Page => {
                let body = page::render(INDEX_HTML, &self.page_data());
                let headers = [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Security-Policy", PAGE_POLICY),
                    ("X-Frame-Options", "DENY"),
                    ("X-Content-Type-Options", "nosniff"),
                    ("Cache-Control", "no-store"),
                ];
                self.http_respond(key, reply, Status::OK, &headers, body.as_bytes());
            }
            WebRoute::Asset { content_type, body } => {
                let headers = [("Content-Type", content_type), ("X-Content-Type-Options", "nosniff")];
                self.http_respond(key, reply, Status::OK, &headers, body.as_bytes());
            }
            WebRoute::Metrics => {
                let body = metrics::render(&self.metrics_snapshot());
                self.http_respond(key, reply, Status::OK, &[("Content-Type", metrics::CONTENT_TYPE)], body.as_bytes());
            }
            WebRoute::MethodNotAllowed => {
                let error = ApiError::new(Code::MethodNotAllowed, format!("{} takes GET", req.path()));
                self.web_error(key, reply, &error, false);
            }
            WebRoute::Api(Err(error)) => self.web_error(key, reply, &error, true),
            WebRoute::Api(Ok(endpoint)) => self.serve_api(key, reply, endpoint),
        }
    }

    fn web_error(&mut self, key: usize, reply: Reply, error: &ApiError, json: bool) {
        let status = error.code.status();
        let mut headers = vec![("Cache-Control", "no-store")];
        if status == Status::UNAUTHORIZED {
            headers.push(("WWW-Authenticate", "Basic realm=\"default\""));
        }
        if json {
            headers.push(("Content-Type", "application/json"));
            self.http_respond(key, reply, status, &headers, &error.body());
        } else {
            headers.push(("Content-Type", "text/plain; charset=utf-8"));
            let body = format!("{} {}: {}\n", status.code(), status.reason(), error.message);
            self.http_respond(key, reply, status, &headers, body.as_bytes());
        }
    }

    fn api_json(&mut self, key: usize, reply: Reply, status: Status, body: &Value) {
        let headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")];
        self.http_respond(key, reply, status, &headers, &api::json_bytes(body));
    }

    fn serve_api(&mut self, key: usize, reply: Reply, endpoint: Endpoint) {
        let client = ClientId(key);
        match endpoint {
            Endpoint::Daemon => {
                let body = self.daemon_json();
                self.api_json(key, reply, Status::OK, &body);
            }
            Endpoint::Processes => {
                let now = now();
                let processes: Vec<Value> = self
                    .processes
                    .keys()
                    .filter_map(|id| self.web_info(*id))
                    .map(|i| api::process_json(&i, now))
                    .collect();
                self.api_json(key, reply, Status::OK, &json!({ "now": now, "processes": processes }));
            }
            Endpoint::Process { name } => match self.resolve_one(&name, "this endpoint") {
                Ok(id) => {
                    let body = self.web_info(id).map_or(Value::Null, |info| api::process_json(&info, now()));
                    self.api_json(key, reply, Status::OK, &body);
                }
                Err(response) => self.api_answer(key, reply, &response),
            },
            Endpoint::Act { name, act } => {
                let names = vec![name];
                let request = match act {
                    Act::Start { wait } => Request::Start { names, wait, no_deps: false },
                    Act::Stop { wait } => Request::Stop { names, wait },
                    Act::Restart { wait } => Request::Restart { names, wait },
                    Act::Signal { signal: Some(signal) } => Request::Signal { signal, names },
                    Act::Signal { signal: None } => {
                        let error =
                            ApiError::new(Code::BadRequest, "which signal? ?signal=HUP or {\"signal\": \"HUP\"}");
                        return self.web_error(key, reply, &error, true);
                    }
                    Act::Clear => Request::Clear { names },
                };
                self.api_request(key, reply, request);
            }
            Endpoint::Update { names } => self.api_request(key, reply, Request::Update { names }),
            Endpoint::Reread => {
                let (status, body) = api::reread_json(&self.reread_for_web(client));
                self.api_json(key, reply, status, &body);
            }
            Endpoint::Log { name, channel, query } => match self.resolve_one(&name, "a log read") {
                Ok(id) => {
                    let p = &self.processes[&id];
                    let channel = if p.config.redirect_stderr { Channel::Stdout } else { channel };
                    let log = match channel {
                        Channel::Stdout => &p.stdout_log,
                        Channel::Stderr => &p.stderr_log,
                    };
                    let path = log.file().map(|f| f.path().to_path_buf());
                    let body = read_log(path.as_deref(), query);
                    self.log_answer(key, reply, body, json!({ "name": p.config.qualified_name(), "channel": channel }));
                }
                Err(response) => self.api_answer(key, reply, &response),
            },
            Endpoint::DaemonLog { query } => {
                let body = read_log(self.config.daemon.logfile.as_deref(), query);
                self.log_answer(key, reply, body, json!({ "name": "taskmasterd" }));
            }
            Endpoint::LogStream { name, channel } => {
                self.http_log_stream(key, reply, Request::Tail { name, channel, bytes: LOGTAIL_BACKLOG, follow: true })
            }
            Endpoint::DaemonLogStream => {
                self.http_log_stream(key, reply, Request::Maintail { bytes: LOGTAIL_BACKLOG, follow: true })
            }
            Endpoint::Events => {
                let hello = api::sse_event("hello", &self.daemon_json());
                let mut initial = b"retry: 1000\n\n".to_vec();
                initial.extend_from_slice(&hello);
                let headers =
                    [("Content-Type", "text/event-stream"), ("Cache-Control", "no-store"), ("X-Accel-Buffering", "no")];
                self.http_open_stream(key, reply, &headers, &initial);
                if self.http.has_connection(key) {
                    self.http.web.0.insert(client);
                }
            }
        }
    }

    fn log_answer(&mut self, key: usize, reply: Reply, read: Result<Value, String>, mut about: Value) {
        match read {
            Ok(Value::Object(fields)) => {
                if let Value::Object(about) = &mut about {
                    about.extend(fields);
                }
                self.api_json(key, reply, Status::OK, &about);
            }
            Ok(_) => unreachable!("read_log answers an object"),
            Err(message) => self.web_error(key, reply, &ApiError::new(Code::Failed, message), true),
        }
    }

    /// `reread` answers at once; it is the request layer's, like everything else.
    fn reread_for_web(&mut self, client: ClientId) -> Response {
        let peer = self.http_peer(client.0);
        match self.handle(client, &peer, Request::Reread) {
            Handled::Reply(response) => response,
            other => Response::Error {
                kind: crate::protocol::ErrorKind::Failed,
                message: format!("unexpected answer {other:?}"),
            },
        }
    }

    fn api_request(&mut self, key: usize, reply: Reply, request: Request) {
        let peer = self.http_peer(key);
        match self.handle(ClientId(key), &peer, request) {
            Handled::Reply(response) => self.api_answer(key, reply, &response),
            Handled::Later => self.http_hold(key, reply, Pending),
            Handled::Stream { .. } => {
                self.unfollow(ClientId(key));
                let error = ApiError::new(Code::Failed, "this request does not stream");
                self.web_error(key, reply, &error, true);
            }
        }
    }

    fn api_answer(&mut self, key: usize, reply: Reply, response: &Response) {
        let (status, body) = api::response_json(response);
        self.api_json(key, reply, status, &body);
    }

    /// The later answer a held API request was promised.
    pub(super) fn answer_web_later(&mut self, key: usize, reply: Reply, _pending: Pending, response: Response) {
        self.api_answer(key, reply, &response);
    }

    fn daemon_json(&self) -> Value {
        let now = now();
        let started = epoch_seconds(self.stats.started);
        let state = match self.mode {
            Mode::Serving => "RUNNING",
            Mode::Reloading { .. } => "RESTARTING",
            Mode::ShuttingDown => "SHUTDOWN",
        };
        json!({
            "identification": self.config.daemon.identifier,
            "version": env!("CARGO_PKG_VERSION"),
            "api_version": 1,
            "pid": std::process::id(),
            "hostname": hostname(),
            "state": state,
            "start_time": started,
            "now": now,
            "uptime": (now - started).max(0.0).floor(),
            "has_log": self.config.daemon.logfile.is_some(),
        })
    }

    fn page_data(&self) -> page::PageData {
        let now = now();
        page::PageData {
            identification: self.config.daemon.identifier.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            hostname: hostname(),
            pid: std::process::id(),
            uptime: (now - epoch_seconds(self.stats.started)).max(0.0),
            now,
            processes: self.processes.keys().filter_map(|id| self.web_info(*id)).collect(),
        }
    }

    /// A process as `status` shows it: its state, and its health check's view.
    fn web_info(&self, id: ProcessId) -> Option<ProcessInfo> {
        let mut info = self.processes.get(&id)?.info();
        (info.health, info.status_text) = self.monitor_view(id);
        Some(info)
    }

    fn metrics_snapshot(&self) -> metrics::Snapshot {
        let daemon = metrics::DaemonSample {
            version: env!("CARGO_PKG_VERSION").to_string(),
            identification: self.config.daemon.identifier.clone(),
            start_time: epoch_seconds(self.stats.started),
            now: now(),
            resident_memory_bytes: metrics::resident_memory_bytes(),
            open_fds: metrics::open_fds(),
            json_clients: self.clients.len(),
            http_clients: self.http.connection_count(),
            wakeups: self.stats.wakeups,
            log_write_failures: self.stats.log_write_failures,
        };
        let processes = self
            .processes
            .iter()
            .map(|(id, p)| metrics::ProcessSample {
                name: p.config.qualified_name(),
                group: p.config.group.clone(),
                state: p.public_state(),
                start_time: p.start_time.map(epoch_seconds),
                exit_status: p.exit_status,
                health: self.monitor_view(*id).0,
                counters: self.stats.process(*id),
            })
            .collect();
        metrics::Snapshot { daemon, processes }
    }

    /// Before an input to a process's state machine: what to compare with after it (nothing
    /// when nobody follows events).
    pub(super) fn web_watch(&self, id: ProcessId) -> Watch {
        if self.http.web.is_empty() {
            return None;
        }
        self.processes.get(&id).map(|p| (p.public_state(), p.state.pid()))
    }

    /// After an input: a changed process is pushed to every event subscriber.
    pub(super) fn web_process_changed(&mut self, id: ProcessId, before: Watch) {
        let Some(before) = before else { return };
        let Some(p) = self.processes.get(&id) else { return };
        if (p.public_state(), p.state.pid()) == before {
            return;
        }
        let Some(info) = self.web_info(id) else { return };
        let event = api::sse_event("process", &api::process_json(&info, now()));
        self.push_event(event);
    }

    /// A process was added or removed: subscribers read the list again.
    pub(super) fn web_processes_changed(&mut self) {
        if !self.http.web.is_empty() {
            self.push_event(api::sse_event("processes", &json!({})));
        }
    }

    fn push_event(&mut self, event: Vec<u8>) {
        for client in &self.http.web.0 {
            self.outbox.push_back((*client, Outgoing::Bytes(event.clone())));
        }
    }
}

/// A range of a log file as the API answers it: `offset` and `next_offset` are byte offsets
/// in the file (give `next_offset` back to read on), `reset` says the file is shorter than the
/// offset asked (cleared or rotated) so the read started over at 0, and `data` is the bytes as
/// UTF-8, invalid sequences replaced.
fn read_log(path: Option<&std::path::Path>, query: api::LogQuery) -> Result<Value, String> {
    use std::io::{Read, Seek, SeekFrom};
    let Some(path) = path else { return Err("no log file (it is NONE)".to_string()) };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => Some(file),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("can't read {}: {e}", path.display())),
    };
    let size = file.as_ref().and_then(|f| f.metadata().ok()).map_or(0, |m| m.len());
    let (start, reset) = match query.offset {
        Some(offset) if offset > size => (0, true),
        Some(offset) => (offset, false),
        None => (size.saturating_sub(query.length), false),
    };
    let end = start.saturating_add(query.length).min(size);
    let mut data = Vec::with_capacity((end - start) as usize);
    if let Some(file) = file.as_mut() {
        file.seek(SeekFrom::Start(start))
            .and_then(|_| file.take(end - start).read_to_end(&mut data))
            .map_err(|e| format!("can't read {}: {e}", path.display()))?;
    }
    let next = start + data.len() as u64;
    Ok(json!({
        "offset": start,
        "next_offset": next,
        "size": size,
        "reset": reset,
        "data": String::from_utf8_lossy(&data),
    }))
}

fn hostname() -> String {
    nix::unistd::gethostname().map(|h| h.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_paths_are_claimed_and_others_left_alone() {
        assert_eq!(route("GET", "/"), Some(WebRoute::Page));
        assert_eq!(route("GET", "/?filter=x"), Some(WebRoute::Page));
        assert_eq!(route("POST", "/"), Some(WebRoute::MethodNotAllowed));
        assert_eq!(route("GET", "/metrics"), Some(WebRoute::Metrics));
        assert!(matches!(route("GET", "/ui/app.js"), Some(WebRoute::Asset { .. })));
        assert_eq!(route("GET", "/api/v1/processes"), Some(WebRoute::Api(Ok(Endpoint::Processes))));
        assert!(matches!(route("GET", "/api"), Some(WebRoute::Api(Err(_)))));
        for other in ["/RPC2", "/logtail/x", "/mainlogtail", "/apis", "/favicon.ico"] {
            assert_eq!(route("GET", other), None, "{other}");
        }
    }

    #[test]
    fn the_page_refers_only_to_its_own_files() {
        for asset in [INDEX_HTML, APP_JS, APP_CSS] {
            assert!(!asset.contains("http://") && !asset.contains("https://"), "an external reference");
        }
        assert!(INDEX_HTML.contains("/ui/app.js") && INDEX_HTML.contains("/ui/app.css"));
    }
}
