//! Transactions in flight, and the requests that conflict with them.
//!
//! A TransactWriteItems does not happen in an instant. DynamoDB's transaction coordinator
//! first prepares every item on its storage node — marking it as part of an ongoing
//! transaction and checking its condition — and only then commits them all; between the
//! two the items are held. A PutItem, UpdateItem or DeleteItem that reaches a held item is
//! rejected with `TransactionConflictException`; a TransactWriteItems or TransactGetItems
//! that touches one is cancelled, its `TransactionCanceledException` giving the reason
//! `TransactionConflict` for each held item and `None` for the others. Plain reads
//! (GetItem, Query, Scan, BatchGetItem) never conflict: they read the last committed
//! value. A conflict is the one transactional failure worth retrying as it is, and the SDKs
//! retry it on their own.
//!
//! In the model a transaction lasts as long as its client waits for it: a TransactWriteItems
//! that succeeds at `now` with a sampled latency `l` holds all its items, those it only
//! checks included, from `now` until `now + l`. Requests arriving in that window on those
//! items conflict; from `now + l` on they succeed. Time passes for requests only when
//! clients feel latency ([`Realism::latency`](super::Realism)): without it every request
//! completes the instant it arrives, nothing is ever in flight and nothing conflicts. A
//! conflicting request is turned away before it does anything: it changes nothing and
//! consumes no capacity. Only transactions hold items here; DynamoDB also cancels a
//! TransactGetItems that meets a single-item write or a BatchWriteItem in progress, which
//! the model, applying those at once, does not show.

use std::collections::BTreeMap;

use dynaplay_sim::SimTime;
use serde_json::Value;

use super::route::{Route, Target, transaction_actions};
use crate::db::Database;
use crate::error::{DynamoError, ErrorKind};
use crate::key::PrimaryKey;
use crate::ops::transaction::{Failure, TRANSACTION_CONFLICT, cancelled};

/// The items held by transactions in flight, each until its transaction completes.
#[derive(Debug, Clone, Default)]
pub(crate) struct InFlight {
    held: BTreeMap<(String, PrimaryKey), SimTime>,
}

impl InFlight {
    /// Holds the items a TransactWriteItems (the `request`, which succeeded) touches until
    /// `until`.
    pub(crate) fn hold(&mut self, db: &Database, request: &Value, now: SimTime, until: SimTime) {
        self.held.retain(|_, held_until| *held_until > now);
        if until <= now {
            return;
        }
        for (table, key, _) in transaction_actions(db, request).unwrap_or_default() {
            let held_until = self.held.entry((table.to_string(), key)).or_insert(until);
            *held_until = (*held_until).max(until);
        }
    }

    fn is_held(&self, table: &str, key: &PrimaryKey, now: SimTime) -> bool {
        self.held
            .get(&(table.to_string(), key.clone()))
            .is_some_and(|until| *until > now)
    }

    /// The error `operation` meets at `now` if it touches an item a transaction in flight
    /// holds; `None` if it may go ahead.
    pub(crate) fn conflict(
        &self,
        db: &Database,
        operation: &str,
        request: &Value,
        route: &Route<'_>,
        now: SimTime,
    ) -> Option<DynamoError> {
        if !self.held.values().any(|until| *until > now) {
            return None;
        }
        match operation {
            "PutItem" | "UpdateItem" | "DeleteItem" => {
                let table = route.tables.as_slice().first()?;
                let Some(Target::Key { key, .. }) = table.targets.as_slice().first() else {
                    return None;
                };
                self.is_held(table.table, key, now)
                    .then(|| DynamoError::new(ErrorKind::TransactionConflict, TRANSACTION_CONFLICT))
            }
            "TransactWriteItems" | "TransactGetItems" => {
                let outcomes: Vec<Option<Failure>> = transaction_actions(db, request)?
                    .iter()
                    .map(|(table, key, _)| {
                        self.is_held(table, key, now).then_some(Failure::Conflict)
                    })
                    .collect();
                outcomes
                    .iter()
                    .any(Option::is_some)
                    .then(|| cancelled(outcomes))
            }
            _ => None,
        }
    }
}
