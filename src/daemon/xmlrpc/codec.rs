//! XML-RPC on the wire: reading a `methodCall` into a [`MethodCall`], writing a
//! `methodResponse` (a value or a fault) byte for byte as Python's `xmlrpc.client.dumps` writes
//! it, which is what supervisord sends.
//!
//! Reading goes through `quick-xml`, a pull parser that borrows from the input, checks
//! well-formedness (matching end tags, one root) and never expands entities beyond XML's five,
//! so a billion-laughs document is just an error: a small, well-kept crate that does exactly
//! the part worth not writing by hand. The document is first read into a small element tree
//! under bounds (nesting depth, element count; the byte size is bounded by the HTTP body
//! limit), then interpreted. Every failure is a [`DecodeError`], which the HTTP side answers
//! with 400, as supervisord does for a body it cannot unmarshal.
//!
//! Leniencies kept from supervisord: a `<value>` with bare text is a string; `<params>` may be
//! missing; `<base64>` arguments are decoded to strings; `<nil/>` is accepted. Where supervisord
//! would take nonsense silently we refuse it: an unknown type element or `<boolean>` other than
//! 0/1/true/false is a 400 (supervisord reads the first as its text and the second as false).
//! `<i8>` is read as an int (supervisord would take it as a string).
//!
//! Writing escapes `&`, `<` and `>` as Python does, and leaves tab, LF and CR raw, as Python
//! does (a client's XML parser turns a raw CR into LF, for supervisord's answers and ours
//! alike). Characters XML 1.0 cannot carry at all (other C0 controls, U+FFFE, U+FFFF) become
//! U+FFFD: supervisord writes them raw, and every XML parser then rejects the whole answer, so
//! a log read with one ANSI colour code in it fails (`ExpatError`) against supervisord and
//! works against us.

use std::fmt::Write as _;

use base64::Engine;
use quick_xml::events::Event;

use super::value::{Value, python_float_repr};

/// A decoded call: the method's name and its positional parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    pub method: String,
    pub params: Vec<Value>,
}

/// Bounds on a document, beyond the HTTP body bound on its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How deep values may nest in arrays and structs.
    pub max_value_depth: usize,
    /// Elements in the whole document.
    pub max_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // No API call nests more than 3 deep (multicall > call struct > params array > value);
        // a multicall of 10 000 small calls is ~100 000 elements.
        Limits { max_value_depth: 32, max_elements: 200_000 }
    }
}

/// Why a body is not a usable XML-RPC document (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    NotUtf8,
    /// Not well-formed XML.
    Xml(String),
    /// Well-formed, but not an XML-RPC document of the expected kind.
    Structure(String),
    /// Nesting or element count beyond [`Limits`].
    TooComplex,
    /// No `<methodName>`, or an empty one (supervisord's 400 too).
    NoMethodName,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::NotUtf8 => f.write_str("the body is not UTF-8"),
            DecodeError::Xml(e) => write!(f, "malformed XML: {e}"),
            DecodeError::Structure(e) => write!(f, "not an XML-RPC document: {e}"),
            DecodeError::TooComplex => f.write_str("the document nests too deep or is too large"),
            DecodeError::NoMethodName => f.write_str("no method name"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A decoded `methodResponse`, for clients and tests.
#[derive(Debug, Clone, PartialEq)]
pub enum MethodResponse {
    Value(Value),
    Fault { code: i64, string: String },
}

/// Reads a `methodCall` body.
pub fn decode_call(body: &[u8], limits: &Limits) -> Result<MethodCall, DecodeError> {
    let root = parse_tree(body, limits)?;
    if root.name != "methodCall" {
        return Err(structure(format!("root element is <{}>, not <methodCall>", root.name)));
    }
    let mut method = None;
    let mut params = Vec::new();
    for child in &root.children {
        match child.name.as_str() {
            "methodName" => method = Some(child.text.clone()),
            "params" => {
                for param in &child.children {
                    if param.name != "param" {
                        return Err(structure(format!("<{}> inside <params>", param.name)));
                    }
                    params.push(value_of(only_child(param, "value")?, 0, limits)?);
                }
            }
            other => return Err(structure(format!("<{other}> inside <methodCall>"))),
        }
    }
    match method {
        Some(method) if !method.is_empty() => Ok(MethodCall { method, params }),
        _ => Err(DecodeError::NoMethodName),
    }
}

/// Reads a `methodResponse` body (a value or a fault).
pub fn decode_response(body: &[u8], limits: &Limits) -> Result<MethodResponse, DecodeError> {
    let root = parse_tree(body, limits)?;
    if root.name != "methodResponse" {
        return Err(structure(format!("root element is <{}>, not <methodResponse>", root.name)));
    }
    let [child] = root.children.as_slice() else {
        return Err(structure("a methodResponse holds one <params> or one <fault>".into()));
    };
    match child.name.as_str() {
        "params" => {
            let param = only_child(child, "param")?;
            Ok(MethodResponse::Value(value_of(only_child(param, "value")?, 0, limits)?))
        }
        "fault" => {
            let fault = value_of(only_child(child, "value")?, 0, limits)?;
            match (fault.get("faultCode"), fault.get("faultString")) {
                (Some(Value::Int(code)), Some(Value::String(string))) => {
                    Ok(MethodResponse::Fault { code: *code, string: string.clone() })
                }
                _ => Err(structure("a fault is a struct of faultCode and faultString".into())),
            }
        }
        other => Err(structure(format!("<{other}> inside <methodResponse>"))),
    }
}

/// A successful answer.
pub fn encode_response(value: &Value) -> String {
    let mut out = String::from("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
    encode_value(&mut out, value);
    out.push_str("</param>\n</params>\n</methodResponse>\n");
    out
}

/// A fault answer; `string` is the whole faultString (`BAD_NAME: foo`).
pub fn encode_fault(code: i64, string: &str) -> String {
    let mut out = String::from("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n");
    encode_value(&mut out, &fault_struct(code, string));
    out.push_str("</fault>\n</methodResponse>\n");
    out
}

/// The struct a fault is carried in (also how `system.multicall` lists a failed call).
pub fn fault_struct(code: i64, string: &str) -> Value {
    Value::structure([("faultCode", Value::Int(code)), ("faultString", Value::string(string))])
}

/// A call, as a client sends it (for tests and tools).
pub fn encode_call(method: &str, params: &[Value]) -> String {
    let mut out = String::from("<?xml version='1.0'?>\n<methodCall>\n<methodName>");
    escape_into(&mut out, method);
    out.push_str("</methodName>\n<params>\n");
    for param in params {
        out.push_str("<param>\n");
        encode_value(&mut out, param);
        out.push_str("</param>\n");
    }
    out.push_str("</params>\n</methodCall>\n");
    out
}

/// One `<value>`, with the newlines Python's marshaller puts after it.
pub fn encode_value(out: &mut String, value: &Value) {
    match value {
        Value::Int(i) => {
            let clamped = (*i).clamp(i32::MIN.into(), i32::MAX.into());
            let _ = writeln!(out, "<value><int>{clamped}</int></value>");
        }
        Value::Bool(b) => {
            let _ = writeln!(out, "<value><boolean>{}</boolean></value>", u8::from(*b));
        }
        Value::String(s) => {
            out.push_str("<value><string>");
            escape_into(out, s);
            out.push_str("</string></value>\n");
        }
        Value::Double(d) => {
            let _ = writeln!(out, "<value><double>{}</double></value>", python_float_repr(*d));
        }
        Value::DateTime(text) => {
            out.push_str("<value><dateTime.iso8601>");
            escape_into(out, text);
            out.push_str("</dateTime.iso8601></value>\n");
        }
        Value::Base64(bytes) => {
            out.push_str("<value><base64>\n");
            // Python's base64.encodebytes: lines of 76 characters, each ending in a newline.
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            for line in encoded.as_bytes().chunks(76) {
                out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
                out.push('\n');
            }
            out.push_str("</base64></value>\n");
        }
        Value::Array(items) => {
            out.push_str("<value><array><data>\n");
            for item in items {
                encode_value(out, item);
            }
            out.push_str("</data></array></value>\n");
        }
        Value::Struct(members) => {
            out.push_str("<value><struct>\n");
            for (name, member) in members {
                out.push_str("<member>\n<name>");
                escape_into(out, name);
                out.push_str("</name>\n");
                encode_value(out, member);
                out.push_str("</member>\n");
            }
            out.push_str("</struct></value>\n");
        }
        // Python writes no newline after a nil.
        Value::Nil => out.push_str("<value><nil/></value>"),
    }
}

/// Python's `xmlrpc.client.escape`, plus U+FFFD for what XML 1.0 cannot carry (module doc).
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// XML 1.0's Char production (surrogates cannot occur in a Rust string).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

// ---------------------------------------------------------------------------------------------
// Reading: bytes -> element tree -> values.

#[derive(Debug, Default)]
struct Node {
    name: String,
    children: Vec<Node>,
    /// All character data directly inside, concatenated (references resolved).
    text: String,
}

fn structure(message: String) -> DecodeError {
    DecodeError::Structure(message)
}

fn parse_tree(body: &[u8], limits: &Limits) -> Result<Node, DecodeError> {
    let text = std::str::from_utf8(body).map_err(|_| DecodeError::NotUtf8)?;
    let mut reader = quick_xml::Reader::from_str(text);
    // methodCall > params > param > value, then three elements per level of value nesting
    // (value > array > data > value, value > struct > member > value).
    let max_elements_deep = 4 + 3 * limits.max_value_depth + 2;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut elements = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| DecodeError::Xml(e.to_string()))?;
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() && stack.is_empty() => {
                let _ = start;
                return Err(DecodeError::Xml("more than one root element".into()));
            }
            Event::Start(start) => {
                elements += 1;
                if elements > limits.max_elements || stack.len() >= max_elements_deep {
                    return Err(DecodeError::TooComplex);
                }
                stack.push(Node { name: start.name().as_ref().to_string(), ..Node::default() });
            }
            Event::Empty(start) => {
                elements += 1;
                if elements > limits.max_elements || stack.len() >= max_elements_deep {
                    return Err(DecodeError::TooComplex);
                }
                let node = Node { name: start.name().as_ref().to_string(), ..Node::default() };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                // quick-xml has checked that the end tag matches the open one.
                let node = stack.pop().ok_or_else(|| DecodeError::Xml("unmatched end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => return Err(DecodeError::Xml(format!("undefined entity &{other};"))),
                    },
                    Err(e) => return Err(DecodeError::Xml(e.to_string())),
                };
                if !is_xml_char(c) {
                    return Err(DecodeError::Xml(format!("character reference to U+{:04X}", c as u32)));
                }
                push_text(&mut stack, c.encode_utf8(&mut [0; 4]))?;
            }
            Event::DocType(_) => return Err(DecodeError::Xml("DOCTYPE is not allowed".into())),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(DecodeError::Xml("unclosed element at end of document".into()));
                }
                return root.ok_or_else(|| DecodeError::Xml("no root element".into()));
            }
        }
    }
}

fn push_text(stack: &mut [Node], text: &str) -> Result<(), DecodeError> {
    if let Some(c) = text.chars().find(|c| !is_xml_char(*c)) {
        return Err(DecodeError::Xml(format!("character U+{:04X} is not allowed in XML", c as u32)));
    }
    match stack.last_mut() {
        Some(node) => node.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err(DecodeError::Xml("text outside the root element".into())),
    }
    Ok(())
}

fn only_child<'a>(node: &'a Node, name: &str) -> Result<&'a Node, DecodeError> {
    match node.children.as_slice() {
        [child] if child.name == name => Ok(child),
        _ => Err(structure(format!("<{}> must hold exactly one <{name}>", node.name))),
    }
}

fn value_of(node: &Node, depth: usize, limits: &Limits) -> Result<Value, DecodeError> {
    if node.name != "value" {
        return Err(structure(format!("<{}> where a <value> belongs", node.name)));
    }
    if depth > limits.max_value_depth {
        return Err(DecodeError::TooComplex);
    }
    let typed = match node.children.as_slice() {
        [] => return Ok(Value::String(node.text.clone())),
        [typed] => typed,
        _ => return Err(structure("a <value> holds one typed element".into())),
    };
    let text = typed.text.as_str();
    let scalar = |kind: &str| {
        if typed.children.is_empty() { Ok(()) } else { Err(structure(format!("<{kind}> holds elements"))) }
    };
    match typed.name.as_str() {
        "int" | "i4" | "i8" => {
            scalar("int")?;
            text.trim().parse().map(Value::Int).map_err(|_| structure(format!("bad int {text:?}")))
        }
        "boolean" => {
            scalar("boolean")?;
            match text.trim() {
                "1" | "true" => Ok(Value::Bool(true)),
                "0" | "false" => Ok(Value::Bool(false)),
                _ => Err(structure(format!("bad boolean {text:?}"))),
            }
        }
        "string" => {
            scalar("string")?;
            Ok(Value::String(text.to_string()))
        }
        "double" => {
            scalar("double")?;
            text.trim().parse().map(Value::Double).map_err(|_| structure(format!("bad double {text:?}")))
        }
        "dateTime.iso8601" => {
            scalar("dateTime.iso8601")?;
            let trimmed = text.trim();
            chrono::NaiveDateTime::parse_from_str(trimmed, "%Y%m%dT%H:%M:%S")
                .map(|_| Value::DateTime(trimmed.to_string()))
                .map_err(|_| structure(format!("bad dateTime.iso8601 {text:?}")))
        }
        "base64" => {
            scalar("base64")?;
            let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT
                .decode(compact.as_bytes())
                .map_err(|_| structure("bad base64".into()))?;
            // supervisord turns base64 arguments into text; so do we.
            String::from_utf8(bytes).map(Value::String).map_err(|_| structure("base64 of non-UTF-8 bytes".into()))
        }
        "nil" => Ok(Value::Nil),
        "array" => {
            let data = only_child(typed, "data")?;
            data.children.iter().map(|v| value_of(v, depth + 1, limits)).collect::<Result<_, _>>().map(Value::Array)
        }
        "struct" => {
            let mut members = Vec::with_capacity(typed.children.len());
            for member in &typed.children {
                let [name, value] = member.children.as_slice() else {
                    return Err(structure("a <member> holds a <name> and a <value>".into()));
                };
                if member.name != "member" || name.name != "name" {
                    return Err(structure("a <struct> holds <member>s of <name> and <value>".into()));
                }
                members.push((name.text.clone(), value_of(value, depth + 1, limits)?));
            }
            Ok(Value::Struct(members))
        }
        other => Err(structure(format!("unknown type <{other}>"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(xml: &str) -> Result<MethodCall, DecodeError> {
        decode_call(xml.as_bytes(), &Limits::default())
    }

    fn params(inner: &str) -> Result<Vec<Value>, DecodeError> {
        call(&format!(
            "<?xml version='1.0'?><methodCall><methodName>m</methodName><params>{inner}</params></methodCall>"
        ))
        .map(|c| c.params)
    }

    fn one(value_xml: &str) -> Result<Value, DecodeError> {
        params(&format!("<param>{value_xml}</param>")).map(|mut p| p.remove(0))
    }

    #[test]
    fn every_value_type_is_read() {
        let cases: Vec<(&str, Value)> = vec![
            ("<value><int>42</int></value>", Value::Int(42)),
            ("<value><i4> -7 </i4></value>", Value::Int(-7)),
            ("<value><i8>+9000000000</i8></value>", Value::Int(9_000_000_000)),
            ("<value><boolean>1</boolean></value>", Value::Bool(true)),
            ("<value><boolean>0</boolean></value>", Value::Bool(false)),
            ("<value><boolean>true</boolean></value>", Value::Bool(true)),
            ("<value><string>a &lt;b&gt; &amp; &#233;&#x41;</string></value>", Value::from("a <b> & éA")),
            ("<value><string></string></value>", Value::from("")),
            ("<value><string/></value>", Value::from("")),
            ("<value><string><![CDATA[<raw> & ]]></string></value>", Value::from("<raw> & ")),
            ("<value>bare text</value>", Value::from("bare text")),
            ("<value>  spaced  </value>", Value::from("  spaced  ")),
            ("<value></value>", Value::from("")),
            ("<value/>", Value::from("")),
            ("<value><string>line\r\nbreak</string></value>", Value::from("line\nbreak")),
            ("<value><string>kept&#13;cr</string></value>", Value::from("kept\rcr")),
            ("<value><double>1.5</double></value>", Value::Double(1.5)),
            ("<value><double> -2e3 </double></value>", Value::Double(-2000.0)),
            (
                "<value><dateTime.iso8601>20261129T16:00:00</dateTime.iso8601></value>",
                Value::DateTime("20261129T16:00:00".into()),
            ),
            ("<value><base64>aGVs\nbG8=</base64></value>", Value::from("hello")),
            ("<value><base64>aGVsbG8</base64></value>", Value::from("hello")),
            ("<value><base64></base64></value>", Value::from("")),
            ("<value><nil/></value>", Value::Nil),
            ("<value><array><data></data></array></value>", Value::Array(vec![])),
            ("<value><array><data/></array></value>", Value::Array(vec![])),
            (
                "<value><array><data>\n<value><int>1</int></value>\n<value>x</value>\n</data></array></value>",
                Value::Array(vec![Value::Int(1), Value::from("x")]),
            ),
            (
                "<value><struct>\n<member><name>a</name><value><int>1</int></value></member>\n<member><name>b &amp; c</name><value><struct/></value></member></struct></value>",
                Value::structure([("a", Value::Int(1)), ("b & c", Value::Struct(vec![]))]),
            ),
            ("<value>\n  <int>5</int>\n</value>", Value::Int(5)),
        ];
        for (xml, expected) in cases {
            assert_eq!(one(xml), Ok(expected), "{xml}");
        }
    }

    #[test]
    fn a_whole_call() {
        let xml = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess</methodName>\n<params>\n<param>\n<value><string>foo</string></value>\n</param>\n<param>\n<value><boolean>0</boolean></value>\n</param>\n</params>\n</methodCall>\n";
        assert_eq!(
            call(xml),
            Ok(MethodCall {
                method: "supervisor.startProcess".into(),
                params: vec![Value::from("foo"), Value::Bool(false)]
            })
        );
        // No <params> at all is a call without parameters, as supervisord allows.
        assert_eq!(
            call("<methodCall><methodName>system.listMethods</methodName></methodCall>"),
            Ok(MethodCall { method: "system.listMethods".into(), params: vec![] })
        );
        assert_eq!(
            call("<!-- hi --><?pi x?><methodCall><methodName>a.b</methodName><params/></methodCall>\n"),
            Ok(MethodCall { method: "a.b".into(), params: vec![] })
        );
    }

    #[test]
    fn malformed_documents_are_errors() {
        let cases: Vec<(&[u8], &str)> = vec![
            (b"", "xml"),
            (b"   ", "xml"),
            (b"not xml", "xml"),
            (b"<methodCall><methodName>x</methodCall>", "xml"),
            (b"<methodCall><methodName>x</methodName>", "xml"),
            (b"<methodCall><methodName>x</methodName></methodCall><methodCall/>", "xml"),
            (b"<methodCall><methodName>x</methodName></methodCall>trailing", "xml"),
            (b"<methodCall><methodName>&foo;</methodName></methodCall>", "xml"),
            (b"<methodCall><methodName>&#0;</methodName></methodCall>", "xml"),
            (b"<methodCall><methodName>&#1;</methodName></methodCall>", "xml"),
            (b"<methodCall><methodName>a\x01b</methodName></methodCall>", "xml"),
            (b"<!DOCTYPE x [<!ENTITY a \"b\">]><methodCall><methodName>&a;</methodName></methodCall>", "xml"),
            (b"<methodCall><methodName>\xff</methodName></methodCall>", "utf8"),
            (b"<methodCall><params/></methodCall>", "name"),
            (b"<methodCall><methodName></methodName></methodCall>", "name"),
            (b"<methodCall><methodName/></methodCall>", "name"),
            (b"<methodResponse><params/></methodResponse>", "structure"),
            (b"<methodCall><methodName>m</methodName><params><value/></params></methodCall>", "structure"),
            (b"<methodCall><methodName>m</methodName><params><param/></params></methodCall>", "structure"),
            (b"<methodCall><methodName>m</methodName><other/></methodCall>", "structure"),
        ];
        for (xml, kind) in cases {
            let got = decode_call(xml, &Limits::default());
            let ok = matches!(
                (&got, kind),
                (Err(DecodeError::Xml(_)), "xml")
                    | (Err(DecodeError::NotUtf8), "utf8")
                    | (Err(DecodeError::NoMethodName), "name")
                    | (Err(DecodeError::Structure(_)), "structure")
            );
            assert!(ok, "{}: expected {kind}, got {got:?}", String::from_utf8_lossy(xml));
            if let Err(e) = got {
                assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn malformed_values_are_errors() {
        for xml in [
            "<value><int>x</int></value>",
            "<value><int></int></value>",
            "<value><int>1.5</int></value>",
            "<value><int>99999999999999999999</int></value>",
            "<value><int><int>1</int></int></value>",
            "<value><boolean>yes</boolean></value>",
            "<value><boolean/></value>",
            "<value><double>abc</double></value>",
            "<value><dateTime.iso8601>2026-11-29</dateTime.iso8601></value>",
            "<value><dateTime.iso8601>20261399T16:00:00</dateTime.iso8601></value>",
            "<value><base64>!!!</base64></value>",
            "<value><base64>//79</base64></value>",
            "<value><array/></value>",
            "<value><array><value/></array></value>",
            "<value><array><data><int>1</int></data></array></value>",
            "<value><struct><member><value/></member></struct></value>",
            "<value><struct><member><value/><name>a</name></member></struct></value>",
            "<value><struct><name>a</name></struct></value>",
            "<value><unknown>1</unknown></value>",
            "<value><int>1</int><int>2</int></value>",
        ] {
            assert!(matches!(one(xml), Err(DecodeError::Structure(_))), "{xml}: {:?}", one(xml));
        }
    }

    #[test]
    fn nesting_and_size_are_bounded() {
        let nested = |depth: usize| {
            format!(
                "{}<value>x</value>{}",
                "<value><array><data>".repeat(depth),
                "</data></array></value>".repeat(depth)
            )
        };
        assert!(one(&nested(32)).is_ok());
        assert_eq!(one(&nested(33)), Err(DecodeError::TooComplex));
        // Deep enough to overflow a naive recursive reader: refused while reading.
        assert_eq!(one(&nested(100_000)), Err(DecodeError::TooComplex));
        let limits = Limits { max_elements: 10, ..Limits::default() };
        let many = format!(
            "<methodCall><methodName>m</methodName><params>{}</params></methodCall>",
            "<param><value/></param>".repeat(10)
        );
        assert_eq!(decode_call(many.as_bytes(), &limits), Err(DecodeError::TooComplex));
    }

    #[test]
    fn responses_are_written_as_python_writes_them() {
        // Expected strings printed by CPython 3.11's xmlrpc.client.dumps.
        let value = Value::structure([
            ("name", Value::from("a<b&c>")),
            ("n", Value::Int(-5)),
            ("ok", Value::Bool(true)),
            ("f", Value::Double(1.5)),
            ("l", Value::Array(vec![Value::from("x"), Value::Array(vec![]), Value::Struct(vec![])])),
            ("b", Value::Base64(b"hello world".repeat(8))),
            ("d", Value::DateTime("20261129T16:00:00".into())),
        ]);
        let python = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>name</name>\n<value><string>a&lt;b&amp;c&gt;</string></value>\n</member>\n<member>\n<name>n</name>\n<value><int>-5</int></value>\n</member>\n<member>\n<name>ok</name>\n<value><boolean>1</boolean></value>\n</member>\n<member>\n<name>f</name>\n<value><double>1.5</double></value>\n</member>\n<member>\n<name>l</name>\n<value><array><data>\n<value><string>x</string></value>\n<value><array><data>\n</data></array></value>\n<value><struct>\n</struct></value>\n</data></array></value>\n</member>\n<member>\n<name>b</name>\n<value><base64>\naGVsbG8gd29ybGRoZWxsbyB3b3JsZGhlbGxvIHdvcmxkaGVsbG8gd29ybGRoZWxsbyB3b3JsZGhl\nbGxvIHdvcmxkaGVsbG8gd29ybGRoZWxsbyB3b3JsZA==\n</base64></value>\n</member>\n<member>\n<name>d</name>\n<value><dateTime.iso8601>20261129T16:00:00</dateTime.iso8601></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n";
        assert_eq!(encode_response(&value), python);
        assert_eq!(
            encode_fault(10, "BAD_NAME: <x>"),
            "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>BAD_NAME: &lt;x&gt;</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n"
        );
        assert_eq!(
            encode_call("supervisor.startProcess", &[Value::Int(1), Value::from("s")]),
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess</methodName>\n<params>\n<param>\n<value><int>1</int></value>\n</param>\n<param>\n<value><string>s</string></value>\n</param>\n</params>\n</methodCall>\n"
        );
        assert_eq!(
            encode_response(&Value::Nil),
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><nil/></value></param>\n</params>\n</methodResponse>\n"
        );
    }

    #[test]
    fn text_escaping() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&c\t\n\r \u{1b}[1m\u{0}\u{7f}\u{fffe}é\u{1F600}");
        assert_eq!(out, "a&lt;b&gt;&amp;c\t\n\r \u{fffd}[1m\u{fffd}\u{7f}\u{fffd}é\u{1F600}");
        let mut out = String::new();
        encode_value(&mut out, &Value::Int(i64::MAX));
        assert_eq!(out, "<value><int>2147483647</int></value>\n");
        let mut out = String::new();
        encode_value(&mut out, &Value::Int(i64::MIN));
        assert_eq!(out, "<value><int>-2147483648</int></value>\n");
        let mut out = String::new();
        encode_value(&mut out, &Value::Base64(vec![]));
        assert_eq!(out, "<value><base64>\n</base64></value>\n");
    }

    #[test]
    fn encoded_values_read_back() {
        let values = vec![
            Value::Int(7),
            Value::Bool(false),
            Value::from("text with <markup> & \u{1F600} and\nlines"),
            Value::Double(-0.125),
            Value::DateTime("19700101T00:00:00".into()),
            Value::Array(vec![Value::Array(vec![Value::Int(1)]), Value::structure([("k", Value::from("v"))])]),
            Value::Nil,
        ];
        for value in values {
            let xml = encode_response(&value);
            assert_eq!(decode_response(xml.as_bytes(), &Limits::default()), Ok(MethodResponse::Value(value.clone())));
            let call_xml = encode_call("x.y", std::slice::from_ref(&value));
            assert_eq!(call(&call_xml).map(|c| c.params), Ok(vec![value]));
        }
        assert_eq!(
            decode_response(encode_fault(70, "NOT_RUNNING: foo").as_bytes(), &Limits::default()),
            Ok(MethodResponse::Fault { code: 70, string: "NOT_RUNNING: foo".into() })
        );
        // base64 reads back as text, as supervisord reads it.
        let xml = encode_response(&Value::Base64(b"bytes".to_vec()));
        assert_eq!(
            decode_response(xml.as_bytes(), &Limits::default()),
            Ok(MethodResponse::Value(Value::from("bytes")))
        );
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = fastrand::Rng::with_seed(42);
        let pieces = [
            "<methodCall>",
            "</methodCall>",
            "<methodName>",
            "</methodName>",
            "m",
            "<params>",
            "</params>",
            "<param>",
            "</param>",
            "<value>",
            "</value>",
            "<int>",
            "</int>",
            "1",
            "<struct>",
            "</struct>",
            "<member>",
            "</member>",
            "<name>",
            "</name>",
            "<array>",
            "</array>",
            "<data>",
            "</data>",
            "&amp;",
            "&#",
            ";",
            "<![CDATA[",
            "]]>",
            "<!--",
            "-->",
            "<",
            ">",
            "/",
            "\u{0}",
            "é",
            "<base64>",
            "</base64>",
            "<nil/>",
            "<value/>",
        ];
        for _ in 0..20_000 {
            let mut doc = String::new();
            for _ in 0..rng.usize(0..40) {
                doc.push_str(pieces[rng.usize(..pieces.len())]);
            }
            let _ = decode_call(doc.as_bytes(), &Limits::default());
            let _ = decode_response(doc.as_bytes(), &Limits::default());
            let bytes: Vec<u8> = (0..rng.usize(0..80)).map(|_| rng.u8(..)).collect();
            let _ = decode_call(&bytes, &Limits::default());
        }
    }
}
