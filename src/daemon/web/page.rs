//! The dashboard page as the server renders it: the template (`assets/index.html`) with the
//! daemon's identity and a table of every process filled in, escaped. This is what a browser
//! with JavaScript off shows; with it on, `assets/app.js` takes the table over and keeps it live
//! from the JSON API and its event stream. Pure: the data and the time are passed in.

use std::fmt::Write;

use super::api::process_json;
use crate::protocol::ProcessInfo;

/// What the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PageData {
    pub identification: String,
    pub version: String,
    pub hostname: String,
    pub pid: u32,
    /// The daemon's uptime, in seconds.
    pub uptime: f64,
    pub now: f64,
    pub processes: Vec<ProcessInfo>,
}

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One row of the process table (the same cells `app.js` renders).
fn row(out: &mut String, info: &ProcessInfo, now: f64) {
    let view = process_json(info, now);
    let text = |key: &str| match &view[key] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let state = info.state.as_str();
    let uptime = view["uptime"].as_f64().map(|s| crate::client::render::format_uptime(s as u64)).unwrap_or_default();
    let exit = match info.exit_status.filter(|_| !info.state.is_running()) {
        Some(crate::protocol::ExitStatus::Code(code)) => code.to_string(),
        Some(crate::protocol::ExitStatus::Signal(signal)) => format!("signal {signal}"),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "<tr data-name=\"{name}\" data-state=\"{state}\"><td class=\"name\">{name}</td><td class=\"group\">{group}</td>\
         <td><span class=\"state st-{lower}\">{state}</span></td><td class=\"pid\">{pid}</td>\
         <td class=\"uptime\">{uptime}</td><td class=\"desc\">{desc}</td><td class=\"exit\">{exit}</td>\
         <td class=\"actions\"></td></tr>",
        name = escape(&text("name")),
        group = escape(&info.group),
        lower = state.to_ascii_lowercase(),
        pid = info.pid.map(|p| p.to_string()).unwrap_or_default(),
        desc = escape(&text("description")),
    );
}

/// The page: `{{KEY}}` placeholders of the template replaced by escaped values.
pub fn render(template: &str, data: &PageData) -> String {
    let mut rows = String::with_capacity(data.processes.len() * 400);
    for info in &data.processes {
        row(&mut rows, info, data.now);
    }
    let uptime = crate::client::render::format_uptime(data.uptime as u64);
    template
        .replace("{{identification}}", &escape(&data.identification))
        .replace("{{version}}", &escape(&data.version))
        .replace("{{hostname}}", &escape(&data.hostname))
        .replace("{{pid}}", &data.pid.to_string())
        .replace("{{uptime}}", &escape(&uptime))
        .replace("{{count}}", &data.processes.len().to_string())
        .replace("{{rows}}", &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ExitStatus, ProcessState};

    #[test]
    fn the_table_is_rendered_and_escaped() {
        let data = PageData {
            identification: "<b>host</b>".into(),
            version: "0.1.0".into(),
            hostname: "box".into(),
            pid: 7,
            uptime: 3725.0,
            now: 200.0,
            processes: vec![
                ProcessInfo {
                    name: "web".into(),
                    group: "web".into(),
                    state: ProcessState::Running,
                    pid: Some(99),
                    start_time: Some(140.0),
                    stop_time: None,
                    exit_status: None,
                    spawn_error: None,
                    health: None,
                    status_text: None,
                },
                ProcessInfo {
                    name: "x\"<y".into(),
                    group: "g".into(),
                    state: ProcessState::Fatal,
                    pid: None,
                    start_time: None,
                    stop_time: None,
                    exit_status: Some(ExitStatus::Signal(9)),
                    spawn_error: Some("can't find command '<nope>'".into()),
                    health: None,
                    status_text: None,
                },
            ],
        };
        let html = render("<h1>{{identification}}</h1>{{uptime}} {{count}}<table>{{rows}}</table>", &data);
        assert!(html.starts_with("<h1>&lt;b&gt;host&lt;/b&gt;</h1>1:02:05 2<table>"), "{html}");
        assert!(html.contains("<tr data-name=\"web\" data-state=\"RUNNING\">"), "{html}");
        assert!(html.contains("<span class=\"state st-running\">RUNNING</span>"), "{html}");
        assert!(html.contains("<td class=\"uptime\">0:01:00</td>"), "{html}");
        assert!(html.contains("data-name=\"g:x&quot;&lt;y\""), "{html}");
        assert!(html.contains("can&#39;t find command &#39;&lt;nope&gt;&#39;"), "{html}");
        assert!(html.contains("<td class=\"exit\">signal 9</td>"), "{html}");
        assert!(!html.contains("<nope>"));
    }
}
