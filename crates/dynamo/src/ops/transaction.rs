//! What TransactWriteItems and TransactGetItems share: limits, the one-action-per-item
//! rule, and the shape of a cancelled transaction.
//!
//! A transaction names up to 100 items, each at most once, across any tables of the
//! account, totalling at most 4 MB. It either happens completely or not at all; when it
//! does not, `TransactionCanceledException` lists one reason per action in request order —
//! `None` for actions that were fine — and its message repeats the codes:
//! "Transaction cancelled, please refer cancellation reasons for specific reasons [None,
//! ConditionalCheckFailed]".

use serde_json::Value;

use crate::error::{CancellationReason, DynamoError, ErrorKind, Result};
use crate::key::PrimaryKey;
use crate::ops::item_collection::COLLECTION_SIZE_EXCEEDED;

/// Actions one transaction may hold.
pub(crate) const MAX_ACTIONS: usize = 100;

/// The most item data one transaction may carry.
pub(crate) const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

/// Refuses a transaction that names one item twice.
pub(crate) fn check_distinct(targets: &[(&str, &PrimaryKey)]) -> Result<()> {
    for (index, target) in targets.iter().enumerate() {
        if targets.iter().take(index).any(|earlier| earlier == target) {
            return Err(DynamoError::validation(
                "Transaction request cannot include multiple operations on one item",
            ));
        }
    }
    Ok(())
}

/// Refuses a transaction whose items add up to more than 4 MB.
pub(crate) fn check_total_size(bytes: usize) -> Result<()> {
    if bytes > MAX_TRANSACTION_BYTES {
        // The wording DynamoDB emulators record for this limit; no AWS capture was found.
        return Err(DynamoError::validation(
            "Collection size of items exceeded, which can also be caused by the aggregate size of the items in the transaction exceeding the 4MB limit",
        ));
    }
    Ok(())
}

/// Why one action stopped the transaction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Failure {
    /// Its condition did not hold; `item` is the item it was checked against, when the
    /// action asked for it with `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
    Condition { item: Option<Value> },
    /// The action could not be applied to the item as it is (an update expression's
    /// operand of the wrong type, a result over 400 KB, ...).
    Invalid(String),
    /// The write would grow its item collection past the size limit.
    CollectionSize,
    /// Another transaction in flight holds the item.
    Conflict,
}

/// The message of a `TransactionConflict` reason and of `TransactionConflictException`.
pub(crate) const TRANSACTION_CONFLICT: &str = "Transaction is ongoing for the item";

/// `TransactionCanceledException` with one reason per action, in request order.
pub(crate) fn cancelled(outcomes: Vec<Option<Failure>>) -> DynamoError {
    let reasons: Vec<CancellationReason> = outcomes
        .into_iter()
        .map(|outcome| match outcome {
            None => CancellationReason {
                code: None,
                message: None,
                item: None,
            },
            Some(Failure::Condition { item }) => CancellationReason {
                code: Some("ConditionalCheckFailed".into()),
                message: Some("The conditional request failed".into()),
                item,
            },
            Some(Failure::Invalid(message)) => CancellationReason {
                code: Some("ValidationError".into()),
                message: Some(message),
                item: None,
            },
            Some(Failure::CollectionSize) => CancellationReason {
                code: Some("ItemCollectionSizeLimitExceeded".into()),
                message: Some(COLLECTION_SIZE_EXCEEDED.into()),
                item: None,
            },
            Some(Failure::Conflict) => CancellationReason {
                code: Some("TransactionConflict".into()),
                message: Some(TRANSACTION_CONFLICT.into()),
                item: None,
            },
        })
        .collect();
    let codes: Vec<&str> = reasons
        .iter()
        .map(|r| r.code.as_deref().unwrap_or("None"))
        .collect();
    let mut error = DynamoError::new(
        ErrorKind::TransactionCanceled,
        format!(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
            codes.join(", ")
        ),
    );
    error.cancellation_reasons = Some(reasons);
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::KeyValue;

    fn key(v: &str) -> PrimaryKey {
        PrimaryKey {
            hash: KeyValue::S(v.into()),
            range: None,
        }
    }

    #[test]
    fn an_item_may_appear_once_per_transaction() {
        let (a, b) = (key("a"), key("b"));
        assert!(check_distinct(&[("t", &a), ("t", &b), ("u", &a)]).is_ok());
        assert_eq!(
            check_distinct(&[("t", &a), ("u", &b), ("t", &a)])
                .unwrap_err()
                .message,
            "Transaction request cannot include multiple operations on one item"
        );
    }

    #[test]
    fn cancellation_lists_every_action_in_order() {
        let error = cancelled(vec![
            None,
            Some(Failure::Condition { item: None }),
            Some(Failure::Invalid("bad".into())),
        ]);
        assert_eq!(error.kind, ErrorKind::TransactionCanceled);
        assert_eq!(
            error.message,
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, ValidationError]"
        );
        let reasons = error.cancellation_reasons.unwrap();
        assert_eq!(reasons.len(), 3);
        assert_eq!(reasons[2].message.as_deref(), Some("bad"));
    }

    #[test]
    fn four_megabytes_is_the_limit() {
        assert!(check_total_size(MAX_TRANSACTION_BYTES).is_ok());
        assert!(check_total_size(MAX_TRANSACTION_BYTES + 1).is_err());
    }
}
