//! The Tables view's state: the table being looked at, one page of its items, and what
//! came of the last request each form sent.
//!
//! The items grid pages through a table the way an application must: a `Scan` with a
//! `Limit`, and for the next page the `LastEvaluatedKey` of this one sent back as
//! `ExclusiveStartKey`. DynamoDB keeps no cursor, so going back a page means remembering
//! the start key of every page passed; [`TableBrowser::starts`] is that stack. A page that
//! ended exactly at the limit still carries a `LastEvaluatedKey`, and the next page may
//! then be empty — that is DynamoDB's behaviour, shown as it is.
//!
//! Both reads (the `DescribeTable` and the `Scan`) go through the same door as every other
//! request. They are redone only when the data changed or the learner pages, never on a
//! tick of simulated time, since each one is a real request that consumes read capacity.

use std::cell::RefCell;

use dynaplay_world::World;
use dynaplay_world::dynamo::DynamoError;
use serde_json::{Value, json};

use crate::dynamo_json::TableInfo;
use crate::requests::{self, Outcome};

/// Items per page of the grid.
pub const PAGE_SIZE: u64 = 10;

/// The selected table and the page of it on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct TableBrowser {
    pub table: String,
    /// The `Table` member of `DescribeTable`'s response.
    pub description: Result<Value, DynamoError>,
    /// `ExclusiveStartKey` of this page (last) and of every page before it; empty on the
    /// first page.
    pub starts: Vec<Value>,
    /// The `Scan` response for this page.
    pub page: Result<Value, DynamoError>,
    /// The data revision this was read at, so a view can tell it is out of date.
    pub read_at: u64,
}

impl TableBrowser {
    /// Opens `table` at its first page.
    pub fn open(world: &RefCell<World>, table: &str, revision: u64) -> TableBrowser {
        Self::read(world, table.to_string(), Vec::new(), revision)
    }

    fn read(world: &RefCell<World>, table: String, starts: Vec<Value>, revision: u64) -> Self {
        let description = requests::execute(world, "DescribeTable", &json!({ "TableName": table }))
            .map(|mut response| {
                response
                    .get_mut("Table")
                    .map(Value::take)
                    .unwrap_or_default()
            });
        let mut scan = json!({ "TableName": table, "Limit": PAGE_SIZE });
        if let (Some(start), Some(body)) = (starts.last(), scan.as_object_mut()) {
            body.insert("ExclusiveStartKey".into(), start.clone());
        }
        let page = requests::execute(world, "Scan", &scan);
        TableBrowser {
            table,
            description,
            starts,
            page,
            read_at: revision,
        }
    }

    /// Reads the same page again (after the data changed).
    pub fn refresh(&self, world: &RefCell<World>, revision: u64) -> TableBrowser {
        Self::read(world, self.table.clone(), self.starts.clone(), revision)
    }

    /// The key the next page starts after, if this page says there is one.
    pub fn next_start(&self) -> Option<&Value> {
        self.page.as_ref().ok()?.get("LastEvaluatedKey")
    }

    pub fn has_previous(&self) -> bool {
        !self.starts.is_empty()
    }

    /// Moves to the next page; stays put when there is none.
    pub fn next(&self, world: &RefCell<World>, revision: u64) -> TableBrowser {
        let Some(start) = self.next_start() else {
            return self.clone();
        };
        let mut starts = self.starts.clone();
        starts.push(start.clone());
        Self::read(world, self.table.clone(), starts, revision)
    }

    /// Moves to the previous page; stays put on the first.
    pub fn previous(&self, world: &RefCell<World>, revision: u64) -> TableBrowser {
        if self.starts.is_empty() {
            return self.clone();
        }
        let mut starts = self.starts.clone();
        starts.pop();
        Self::read(world, self.table.clone(), starts, revision)
    }

    /// 1-based number of the page on screen.
    pub fn page_number(&self) -> usize {
        self.starts.len() + 1
    }

    pub fn info(&self) -> Option<TableInfo> {
        TableInfo::from_description(self.description.as_ref().ok()?)
    }

    /// The items on this page, in the order the Scan returned them.
    pub fn items(&self) -> &[Value] {
        self.page
            .as_ref()
            .ok()
            .and_then(|page| page.get("Items"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// Which of the Tables view's forms a request came from; its outcome is shown there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TablesForm {
    CreateTable,
    DeleteTable,
    /// PutItem from the item editor and DeleteItem from the grid.
    Item,
    /// The query/scan form.
    Query,
}

/// Everything the Tables view shows besides the list of tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TablesState {
    pub browser: Option<TableBrowser>,
    pub create_table: Option<Outcome>,
    pub delete_table: Option<Outcome>,
    pub item: Option<Outcome>,
    pub query: Option<Outcome>,
}

impl TablesState {
    pub fn outcome(&self, form: TablesForm) -> Option<&Outcome> {
        self.slot(form).as_ref()
    }

    pub fn record(&mut self, form: TablesForm, outcome: Outcome) {
        *self.slot_mut(form) = Some(outcome);
    }

    fn slot(&self, form: TablesForm) -> &Option<Outcome> {
        match form {
            TablesForm::CreateTable => &self.create_table,
            TablesForm::DeleteTable => &self.delete_table,
            TablesForm::Item => &self.item,
            TablesForm::Query => &self.query,
        }
    }

    fn slot_mut(&mut self, form: TablesForm) -> &mut Option<Outcome> {
        match form {
            TablesForm::CreateTable => &mut self.create_table,
            TablesForm::DeleteTable => &mut self.delete_table,
            TablesForm::Item => &mut self.item,
            TablesForm::Query => &mut self.query,
        }
    }

    /// Which table is selected, if any.
    pub fn selected(&self) -> Option<&str> {
        self.browser.as_ref().map(|b| b.table.as_str())
    }

    /// Forgets per-table results when another table is selected: a query result or an
    /// item error about the old table would be misleading next to the new one.
    pub fn forget_table_results(&mut self) {
        self.item = None;
        self.query = None;
    }
}
