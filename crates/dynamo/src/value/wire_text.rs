//! Attribute values written straight to wire JSON text.
//!
//! [`item_to_wire`](super::item_to_wire) builds a `serde_json::Value` for an item: every
//! attribute becomes a one-member JSON object, and each of those is a small map with its
//! own allocations and hashing. That is the right form inside the engine — DAX caches
//! responses, the page shows them, goldens compare them — but an endpoint that only sends
//! the response on as bytes builds the tree to throw it away. For the operations that
//! return many items (Query, Scan) that was a fifth of their CPU time.
//!
//! So the same rendering exists a second time, as text: [`write_item`] writes exactly the
//! bytes `serde_json::to_vec(&item_to_wire(item))` would — attributes in name order, no
//! whitespace, strings escaped as serde_json escapes them — and a test holds the two
//! renderings equal on every kind of value. [`RenderedItems`] carries what an operation
//! rendered this way to the endpoint, which writes it where its placeholder stands in the
//! response.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

use super::{AttributeValue, Item};

/// Writes `item`'s wire JSON: `{"name":{"S":"x"},...}` in name order.
pub fn write_item(out: &mut Vec<u8>, item: &Item) {
    write_object(out, item, |out, _, value| write_value(out, value));
}

/// Writes a JSON object of `members`, each value written by `write`.
fn write_object<'a, V: 'a>(
    out: &mut Vec<u8>,
    members: impl IntoIterator<Item = (&'a String, &'a V)>,
    write: impl Fn(&mut Vec<u8>, &'a String, &'a V),
) {
    out.push(b'{');
    for (i, (name, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, name);
        out.push(b':');
        write(out, name, value);
    }
    out.push(b'}');
}

/// Writes one attribute value's wire JSON: `{"N":"1.5"}`, `{"L":[...]}`, ...
pub fn write_value(out: &mut Vec<u8>, value: &AttributeValue) {
    out.extend_from_slice(b"{\"");
    out.extend_from_slice(value.type_name().as_bytes());
    out.extend_from_slice(b"\":");
    match value {
        AttributeValue::S(s) => write_str(out, s),
        AttributeValue::N(n) => write_number(out, n),
        AttributeValue::B(b) => write_blob(out, b),
        AttributeValue::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        AttributeValue::Null => out.extend_from_slice(b"true"),
        AttributeValue::L(elements) => write_list(out, elements, write_value),
        AttributeValue::M(entries) => write_item(out, entries),
        AttributeValue::Ss(members) => write_list(out, members, |out, s| write_str(out, s)),
        AttributeValue::Ns(members) => write_list(out, members, write_number),
        AttributeValue::Bs(members) => write_list(out, members, |out, b| write_blob(out, b)),
    }
    out.push(b'}');
}

fn write_list<T>(out: &mut Vec<u8>, members: &[T], write: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, member) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, member);
    }
    out.push(b']');
}

fn write_number(out: &mut Vec<u8>, n: &super::Number) {
    // A number's text is digits, a sign and a point: nothing to escape.
    out.push(b'"');
    n.write_text(out);
    out.push(b'"');
}

fn write_blob(out: &mut Vec<u8>, bytes: &[u8]) {
    // The base64 alphabet needs no escaping either.
    out.push(b'"');
    out.extend_from_slice(BASE64.encode(bytes).as_bytes());
    out.push(b'"');
}

/// Writes a JSON string as serde_json does: `"` and `\\` escaped, the control characters
/// below U+0020 as `\b \t \n \f \r` or `\u00XX`, everything else (non-ASCII included) as
/// it is.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let mut rest = s.as_bytes();
    while let Some(at) = first_to_escape(rest) {
        let (clean, tail) = rest.split_at(at);
        out.extend_from_slice(clean);
        let Some((&byte, tail)) = tail.split_first() else {
            break;
        };
        write_escape(out, byte);
        rest = tail;
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Where the first byte needing an escape is. Most strings have none, so whole 16-byte
/// blocks are tested at once (a branch-free test the compiler vectorises) and only a
/// block that has one is searched byte by byte.
fn first_to_escape(bytes: &[u8]) -> Option<usize> {
    let mut blocks = bytes.chunks_exact(16);
    let mut offset = 0;
    for block in &mut blocks {
        if block.iter().fold(false, |any, &b| any | needs_escape(b)) {
            return block
                .iter()
                .position(|&b| needs_escape(b))
                .map(|i| offset + i);
        }
        offset += 16;
    }
    blocks
        .remainder()
        .iter()
        .position(|&b| needs_escape(b))
        .map(|i| offset + i)
}

fn write_escape(out: &mut Vec<u8>, byte: u8) {
    let short: &[u8] = match byte {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        0x08 => b"\\b",
        0x0c => b"\\f",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        _ => b"",
    };
    if short.is_empty() {
        out.extend_from_slice(b"\\u00");
        out.extend_from_slice(&[hex_digit(byte >> 4), hex_digit(byte & 0xf)]);
    } else {
        out.extend_from_slice(short);
    }
}

fn hex_digit(nibble: u8) -> u8 {
    if nibble < 10 {
        b'0' + nibble
    } else {
        b'a' + nibble - 10
    }
}

/// Items an operation wrote as text ([`crate::db::ItemsAs::Text`]), for the response
/// member that stands for them: `Item` of a GetItem, `Items` of a Query or Scan. The
/// response itself holds `null` in that member, at the place AWS puts it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedItems {
    pub member: &'static str,
    pub json: Vec<u8>,
}

impl RenderedItems {
    /// Writes `response` as JSON with this rendering in place of its placeholder: the
    /// same bytes `serde_json::to_vec` gives for the response the operation builds when
    /// it renders items as values.
    pub fn write_response(&self, response: &Value, out: &mut Vec<u8>) {
        let Value::Object(members) = response else {
            write_json(out, response);
            return;
        };
        write_object(out, members, |out, name, value| {
            if name == self.member && value.is_null() {
                out.extend_from_slice(&self.json);
            } else {
                write_json(out, value);
            }
        });
    }
}

/// A whole response as JSON text: `response` as serde_json writes it, with `items` (when
/// the operation wrote them as text) in the place their placeholder holds.
pub fn response_text(response: &Value, items: Option<&RenderedItems>) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.map_or(0, |i| i.json.len()) + 256);
    match items {
        Some(items) => items.write_response(response, &mut out),
        None => write_json(&mut out, response),
    }
    out
}

/// Writes a `Value` as serde_json does.
fn write_json(out: &mut Vec<u8>, value: &Value) {
    // Serialising a `Value` into a Vec cannot fail: no I/O, and every map key is a string.
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Number, item_to_wire};

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    fn every_kind() -> Item {
        let mut inner = Item::new();
        inner.insert("deep".into(), AttributeValue::L(vec![AttributeValue::Null]));
        let mut item = Item::new();
        let awkward: String = (0u8..0x80).map(char::from).collect::<String>() + "é😀\u{2028}";
        item.insert("s".into(), AttributeValue::S(awkward.clone()));
        item.insert("empty".into(), AttributeValue::S(String::new()));
        item.insert("n".into(), AttributeValue::N(n("-12.500")));
        item.insert("big".into(), AttributeValue::N(n("1E+125")));
        item.insert("tiny".into(), AttributeValue::N(n("-1e-130")));
        item.insert("b".into(), AttributeValue::B(vec![0, 255, 1, 2, 3]));
        item.insert("t".into(), AttributeValue::Bool(true));
        item.insert("f".into(), AttributeValue::Bool(false));
        item.insert("z".into(), AttributeValue::Null);
        item.insert("m".into(), AttributeValue::M(inner));
        item.insert(
            "ss".into(),
            AttributeValue::Ss(vec!["b".into(), "a\"q".into()]),
        );
        item.insert("ns".into(), AttributeValue::Ns(vec![n("2"), n("0.1")]));
        item.insert("bs".into(), AttributeValue::Bs(vec![vec![1], vec![]]));
        item.insert(awkward, AttributeValue::L(vec![]));
        item
    }

    #[test]
    fn text_is_byte_for_byte_what_serde_json_writes_for_the_value() {
        let item = every_kind();
        let mut text = Vec::new();
        write_item(&mut text, &item);
        assert_eq!(
            String::from_utf8(text).unwrap(),
            serde_json::to_string(&item_to_wire(&item)).unwrap()
        );
        let mut empty = Vec::new();
        write_item(&mut empty, &Item::new());
        assert_eq!(empty, b"{}");
    }

    #[test]
    fn strings_escape_wherever_the_escapes_fall() {
        let clean = "abcdefghijklmnopqrstuvwxyz0123456789ÀÉ";
        for at in 0..clean.len() {
            if !clean.is_char_boundary(at) {
                continue;
            }
            for special in ["\"", "\\", "\n", "\u{1f}", "\u{7f}", "é"] {
                let text = format!("{}{special}{}{special}", &clean[..at], &clean[at..]);
                let mut out = Vec::new();
                write_str(&mut out, &text);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    serde_json::to_string(&text).unwrap()
                );
            }
        }
    }

    #[test]
    fn a_response_is_written_with_the_rendering_in_its_placeholder() {
        let item = every_kind();
        let mut json = b"[".to_vec();
        write_item(&mut json, &item);
        json.extend_from_slice(b",{}]");
        let rendered = RenderedItems {
            member: "Items",
            json,
        };
        let placeholder = serde_json::json!({"Count": 2, "Items": null, "ScannedCount": 3});
        let built = serde_json::json!({
            "Count": 2,
            "Items": [item_to_wire(&item), {}],
            "ScannedCount": 3
        });
        let mut out = Vec::new();
        rendered.write_response(&placeholder, &mut out);
        assert_eq!(out, serde_json::to_vec(&built).unwrap());
    }
}
