//! Errors as DynamoDB reports them.
//!
//! Every failure the engine can produce is a [`DynamoError`]: an [`ErrorKind`] that names
//! the AWS exception exactly (what SDKs surface as the error code) and the message AWS
//! writes, byte for byte. Learners compare our messages with what the real service tells
//! them, and application tests match on them, so messages are data to get right, not prose.
//!
//! Two exceptions carry more than a message: a cancelled transaction lists a reason per
//! action, and a failed conditional write may return the item it was checked against
//! (`ReturnValuesOnConditionCheckFailure`). Both travel on the error.

use std::fmt;

use serde_json::{Map, Value, json};

/// The AWS exception a request failed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    Validation,
    /// A ValidationException raised by the request-shape validator ("1 validation error
    /// detected: ..."), which AWS reports under the `com.amazon.coral.validate` namespace.
    CoralValidation,
    Serialization,
    UnknownOperation,
    MissingAuthenticationToken,
    ConditionalCheckFailed,
    ResourceNotFound,
    ResourceInUse,
    LimitExceeded,
    ProvisionedThroughputExceeded,
    Throttling,
    RequestLimitExceeded,
    TransactionCanceled,
    TransactionConflict,
    TransactionInProgress,
    IdempotentParameterMismatch,
    ItemCollectionSizeLimitExceeded,
    InternalServerError,
    ServiceUnavailable,
}

impl ErrorKind {
    /// The exception's name, as SDKs show it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Validation | ErrorKind::CoralValidation => "ValidationException",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorKind::ConditionalCheckFailed => "ConditionalCheckFailedException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ResourceInUse => "ResourceInUseException",
            ErrorKind::LimitExceeded => "LimitExceededException",
            ErrorKind::ProvisionedThroughputExceeded => "ProvisionedThroughputExceededException",
            ErrorKind::Throttling => "ThrottlingException",
            ErrorKind::RequestLimitExceeded => "RequestLimitExceeded",
            ErrorKind::TransactionCanceled => "TransactionCanceledException",
            ErrorKind::TransactionConflict => "TransactionConflictException",
            ErrorKind::TransactionInProgress => "TransactionInProgressException",
            ErrorKind::IdempotentParameterMismatch => "IdempotentParameterMismatchException",
            ErrorKind::ItemCollectionSizeLimitExceeded => {
                "ItemCollectionSizeLimitExceededException"
            }
            ErrorKind::InternalServerError => "InternalServerError",
            ErrorKind::ServiceUnavailable => "ServiceUnavailableException",
        }
    }

    /// The `__type` AWS puts on the wire: the name behind the namespace that raised it.
    pub fn wire_type(self) -> String {
        let namespace = match self {
            ErrorKind::CoralValidation => "com.amazon.coral.validate",
            ErrorKind::Serialization
            | ErrorKind::UnknownOperation
            | ErrorKind::MissingAuthenticationToken => "com.amazon.coral.service",
            ErrorKind::Throttling | ErrorKind::ServiceUnavailable => {
                "com.amazon.coral.availability"
            }
            _ => "com.amazonaws.dynamodb.v20120810",
        };
        format!("{namespace}#{}", self.name())
    }

    /// The HTTP status the endpoint answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InternalServerError => 500,
            ErrorKind::ServiceUnavailable => 503,
            _ => 400,
        }
    }

    /// Whether an SDK would retry this error (throttles and server faults).
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::ProvisionedThroughputExceeded
                | ErrorKind::Throttling
                | ErrorKind::RequestLimitExceeded
                | ErrorKind::TransactionConflict
                | ErrorKind::InternalServerError
                | ErrorKind::ServiceUnavailable
        )
    }
}

/// Why one action of a transaction was (or was not) the reason it was cancelled.
#[derive(Debug, Clone, PartialEq)]
pub struct CancellationReason {
    /// `None` for actions that were fine, else e.g. `ConditionalCheckFailed`.
    pub code: Option<String>,
    pub message: Option<String>,
    /// The item, when the action asked for `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
    pub item: Option<Value>,
}

/// A failed request: which exception, AWS's message, and any extra payload.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamoError {
    pub kind: ErrorKind,
    pub message: String,
    /// For `TransactionCanceledException`: one entry per action, in request order.
    pub cancellation_reasons: Option<Vec<CancellationReason>>,
    /// For `ConditionalCheckFailedException` with `ReturnValuesOnConditionCheckFailure`:
    /// the item as it was, in wire JSON. Boxed to keep `Result`s small.
    pub item: Option<Box<Value>>,
}

impl DynamoError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        DynamoError {
            kind,
            message: message.into(),
            cancellation_reasons: None,
            item: None,
        }
    }

    /// A plain `ValidationException`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, message)
    }

    /// `ResourceNotFoundException: Requested resource not found`.
    pub fn resource_not_found() -> Self {
        Self::new(ErrorKind::ResourceNotFound, "Requested resource not found")
    }

    /// `ConditionalCheckFailedException: The conditional request failed`.
    pub fn conditional_check_failed() -> Self {
        Self::new(
            ErrorKind::ConditionalCheckFailed,
            "The conditional request failed",
        )
    }

    pub fn with_item(mut self, item: Value) -> Self {
        self.item = Some(Box::new(item));
        self
    }

    /// The JSON body the endpoint sends: `{"__type": ..., "message": ...}` plus payload.
    pub fn to_wire(&self) -> Value {
        let mut body = Map::new();
        body.insert("__type".into(), json!(self.kind.wire_type()));
        // AWS spells the key `Message` for a few coral exceptions and `message` otherwise;
        // SDKs read either.
        let key = match self.kind {
            ErrorKind::Serialization | ErrorKind::UnknownOperation => "Message",
            _ => "message",
        };
        // AWS sends no message at all for some exceptions (UnknownOperationException).
        if !self.message.is_empty() {
            body.insert(key.into(), json!(self.message));
        }
        if let Some(reasons) = &self.cancellation_reasons {
            let list: Vec<Value> = reasons
                .iter()
                .map(|reason| {
                    let mut entry = Map::new();
                    entry.insert(
                        "Code".into(),
                        json!(reason.code.as_deref().unwrap_or("None")),
                    );
                    if let Some(message) = &reason.message {
                        entry.insert("Message".into(), json!(message));
                    }
                    if let Some(item) = &reason.item {
                        entry.insert("Item".into(), item.clone());
                    }
                    Value::Object(entry)
                })
                .collect();
            body.insert("CancellationReasons".into(), Value::Array(list));
        }
        if let Some(item) = &self.item {
            body.insert("Item".into(), item.as_ref().clone());
        }
        Value::Object(body)
    }
}

impl fmt::Display for DynamoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for DynamoError {}

pub type Result<T, E = DynamoError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape_names_the_exception_and_message() {
        let wire = DynamoError::resource_not_found().to_wire();
        assert_eq!(
            wire,
            json!({
                "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                "message": "Requested resource not found"
            })
        );
    }

    #[test]
    fn shape_validation_uses_the_coral_namespace() {
        let err = DynamoError::new(ErrorKind::CoralValidation, "1 validation error detected");
        assert_eq!(
            err.kind.wire_type(),
            "com.amazon.coral.validate#ValidationException"
        );
        assert_eq!(err.kind.name(), "ValidationException");
    }

    #[test]
    fn cancellation_reasons_keep_request_order() {
        let mut err = DynamoError::new(
            ErrorKind::TransactionCanceled,
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
        );
        err.cancellation_reasons = Some(vec![
            CancellationReason {
                code: None,
                message: None,
                item: None,
            },
            CancellationReason {
                code: Some("ConditionalCheckFailed".into()),
                message: Some("The conditional request failed".into()),
                item: None,
            },
        ]);
        let wire = err.to_wire();
        assert_eq!(wire["CancellationReasons"][0]["Code"], "None");
        assert_eq!(
            wire["CancellationReasons"][1]["Code"],
            "ConditionalCheckFailed"
        );
    }
}
