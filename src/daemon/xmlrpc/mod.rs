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
