//! Finding the table a control-plane request names.
//!
//! The data plane answers an unknown table with a bare "Requested resource not found";
//! the control plane (DescribeTable, UpdateTable, DeleteTable, the Time to Live calls)
//! names it: "Requested resource not found: Table: Music not found". Every table here is
//! ACTIVE from the moment it is created until it is gone, so there are no CREATING or
//! DELETING tables to turn away.

use crate::db::Database;
use crate::error::{DynamoError, ErrorKind, Result};
use crate::request::{Fields, Violations};
use crate::table::Table;

/// `ResourceNotFoundException: Requested resource not found: Table: <name> not found`.
pub(crate) fn table_not_found(name: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::ResourceNotFound,
        format!("Requested resource not found: Table: {name} not found"),
    )
}

/// Reads and shape-checks a request whose only member is `TableName`.
pub(crate) fn table_name_only<'a>(fields: &Fields<'a>) -> Result<&'a str> {
    let name = fields.string("TableName")?;
    let mut violations = Violations::new();
    violations.name("tableName", name, true);
    violations.finish()?;
    Ok(name.unwrap_or_default())
}

/// The table called `name`, or the control plane's ResourceNotFoundException.
pub(crate) fn table<'a>(db: &'a Database, name: &str) -> Result<&'a Table> {
    db.table(name).ok_or_else(|| table_not_found(name))
}

pub(crate) fn table_mut<'a>(db: &'a mut Database, name: &str) -> Result<&'a mut Table> {
    db.table_mut(name).ok_or_else(|| table_not_found(name))
}
