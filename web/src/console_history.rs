//! The console's memory: every request run from it, newest first.
//!
//! Each entry keeps the exact request body that ran, so re-running it repeats the request
//! rather than whatever the editor now holds — useful for watching a conditional write
//! fail the second time, or a read come back different after time passed. Entries are
//! numbered from a counter that never repeats, which gives the list stable keys while old
//! entries fall off the end.

use crate::requests::Outcome;

/// How many requests the console remembers.
pub const HISTORY_LIMIT: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// Unique for the life of the page.
    pub id: u64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsoleHistory {
    entries: Vec<HistoryEntry>,
    next_id: u64,
}

impl ConsoleHistory {
    /// Adds an outcome as the newest entry, dropping the oldest beyond the limit.
    pub fn push(&mut self, outcome: Outcome) {
        self.next_id += 1;
        self.entries.insert(
            0,
            HistoryEntry {
                id: self.next_id,
                outcome,
            },
        );
        self.entries.truncate(HISTORY_LIMIT);
    }

    /// Newest first.
    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    pub fn latest(&self) -> Option<&HistoryEntry> {
        self.entries.first()
    }

    pub fn get(&self, id: u64) -> Option<&HistoryEntry> {
        self.entries.iter().find(|e| e.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn outcome(n: u64) -> Outcome {
        Outcome {
            operation: "ListTables".into(),
            request: json!({"Limit": n}),
            result: Ok(json!({})),
        }
    }

    #[wasm_bindgen_test]
    fn newest_first_bounded_with_unique_ids() {
        let mut history = ConsoleHistory::default();
        for n in 1..=(HISTORY_LIMIT as u64 + 5) {
            history.push(outcome(n));
        }
        assert_eq!(history.entries().len(), HISTORY_LIMIT);
        let newest = history.latest().unwrap();
        assert_eq!(newest.outcome.request, json!({"Limit": HISTORY_LIMIT + 5}));
        assert_eq!(newest.id, HISTORY_LIMIT as u64 + 5);
        assert!(history.get(1).is_none(), "the oldest entries fell off");
        let ids: Vec<u64> = history.entries().iter().map(|e| e.id).collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]));
    }
}
