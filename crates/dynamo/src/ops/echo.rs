//! How AWS's request validator prints a collection it rejects.
//!
//! A shape constraint on a list or map quotes the offending value back: "Value
//! '{t=[com.amazonaws.dynamodb.v20120810.WriteRequest@6a8d5fe5, ...]}' at 'requestItems'
//! failed to satisfy constraint: Map value must satisfy constraint: [...]". The value is
//! Java's `toString` of the deserialised request: maps as `{key=value, ...}`, lists as
//! `[a, b]`, and structures as their class name and an object hash. AWS's hashes are
//! identity hashes and differ on every call; Dynaplay derives them from the structure's
//! JSON (FNV-1a) so the same request always prints the same message.

use serde_json::Value;

/// The Java package of DynamoDB's request structures.
const PACKAGE: &str = "com.amazonaws.dynamodb.v20120810";

/// `com.amazonaws.dynamodb.v20120810.<class>@<hash>` for a structure.
pub(crate) fn structure(class: &str, value: &Value) -> String {
    format!(
        "{PACKAGE}.{class}@{:08x}",
        fnv1a(value.to_string().as_bytes())
    )
}

/// Java's rendering of a list: `[a, b, c]`.
pub(crate) fn list(elements: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", elements.into_iter().collect::<Vec<_>>().join(", "))
}

/// Java's rendering of a map: `{k=v, k2=v2}`.
pub(crate) fn map<'a>(entries: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let entries: Vec<String> = entries
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// A key or item as Java prints it: `{pk=com.amazonaws.dynamodb.v20120810.AttributeValue@…}`.
pub(crate) fn attribute_map(value: &Value) -> String {
    match value {
        Value::Object(entries) => map(entries
            .iter()
            .map(|(k, v)| (k.as_str(), structure("AttributeValue", v)))),
        other => structure("AttributeValue", other),
    }
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_like_java_and_is_stable() {
        let request = json!({"PutRequest": {"Item": {"a": {"S": "x"}}}});
        let one = structure("WriteRequest", &request);
        assert!(one.starts_with("com.amazonaws.dynamodb.v20120810.WriteRequest@"));
        assert_eq!(
            one.len(),
            "com.amazonaws.dynamodb.v20120810.WriteRequest@".len() + 8
        );
        assert_eq!(one, structure("WriteRequest", &request));
        assert_ne!(one, structure("WriteRequest", &json!({})));
        assert_eq!(
            map([("t", list(["a".to_string(), "b".to_string()]))]),
            "{t=[a, b]}"
        );
        let key = attribute_map(&json!({"pk": {"S": "a"}}));
        assert!(key.starts_with("{pk=com.amazonaws.dynamodb.v20120810.AttributeValue@"));
    }
}
