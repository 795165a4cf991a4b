//! Requests about events: following them (`taskmasterctl events`), and sending a
//! REMOTE_COMMUNICATION event (supervisord's `sendRemoteCommEvent`).

use super::{ClientId, Handled};
use crate::daemon::events::Follower;
use crate::daemon::events::types::{Event, EventType};
use crate::daemon::supervisor::Supervisor;
use crate::protocol::{ErrorKind, Response};

impl Supervisor {
    /// `events [NAME…] [--type T…]`: the connection streams one line per event from now on.
    pub(super) fn follow_events_request(
        &mut self,
        client: ClientId,
        names: Vec<String>,
        types: &[String],
        json: bool,
    ) -> Handled {
        let mut parsed = Vec::new();
        for name in types {
            match EventType::from_name(name) {
                Some(t) => parsed.push(t),
                None => {
                    let hint = crate::config::keys::did_you_mean(
                        &name.to_ascii_uppercase(),
                        EventType::ALL.iter().map(|t| t.name()),
                    )
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_default();
                    return Handled::Reply(Response::Error {
                        kind: ErrorKind::BadRequest,
                        message: format!("unknown event type '{name}'{hint}"),
                    });
                }
            }
        }
        self.follow_events(client, Follower { names, types: parsed, json });
        Handled::Stream { initial: Vec::new(), follow: true }
    }

    pub(super) fn send_remote_comm_event(&mut self, kind: &str, data: &str) -> Response {
        self.emit(Event::remote_communication(kind, data));
        Response::Done { message: "Sent".to_string() }
    }
}
