//! The single-item read: what GetItem, BatchGetItem and TransactGetItems share.
//!
//! A read returns the whole item or the parts a projection names — a
//! ProjectionExpression (`a, b.c, l[0]`) or the legacy `AttributesToGet` list of top-level
//! names — and is billed on the whole item whatever the projection keeps: 4 KB read units,
//! halved for an eventually consistent read and doubled in a transaction. Reading an item
//! that is not there still costs the minimum.

use crate::capacity::{ReadKind, read_units};
use crate::expr::ProjectionExpression;
use crate::ops::legacy::attributes_to_get;
use crate::value::{Item, item_size, item_to_wire, write_item};
use serde_json::Value;

/// Which parts of an item a read returns.
#[derive(Debug, Clone, Default)]
pub(crate) enum ReadProjection {
    #[default]
    All,
    Expression(ProjectionExpression),
    Names(Vec<String>),
}

impl ReadProjection {
    pub(crate) fn from_parts(
        expression: Option<ProjectionExpression>,
        names: Option<Vec<String>>,
    ) -> ReadProjection {
        match (expression, names) {
            (Some(expression), _) => ReadProjection::Expression(expression),
            (None, Some(names)) => ReadProjection::Names(names),
            (None, None) => ReadProjection::All,
        }
    }

    pub(crate) fn apply(&self, item: &Item) -> Item {
        match self {
            ReadProjection::All => item.clone(),
            ReadProjection::Expression(expression) => expression.apply(item),
            ReadProjection::Names(names) => attributes_to_get(item, names),
        }
    }

    /// The projected item in its wire shape. The whole item goes straight to JSON, without
    /// the copy [`ReadProjection::apply`] makes.
    pub(crate) fn to_wire(&self, item: &Item) -> Value {
        match self {
            ReadProjection::All => item_to_wire(item),
            _ => item_to_wire(&self.apply(item)),
        }
    }

    /// [`ReadProjection::to_wire`] written as JSON text.
    pub(crate) fn write_text(&self, out: &mut Vec<u8>, item: &Item) {
        match self {
            ReadProjection::All => write_item(out, item),
            _ => write_item(out, &self.apply(item)),
        }
    }
}

/// Read units for reading `item` (or finding nothing) one way or another.
pub(crate) fn read_cost(item: Option<&Item>, kind: ReadKind) -> f64 {
    read_units(item.map(|i| item_size(i) as u64).unwrap_or(0), kind)
}

/// The read kind of a `ConsistentRead` flag.
pub(crate) fn read_kind(consistent: Option<bool>) -> ReadKind {
    if consistent == Some(true) {
        ReadKind::Strong
    } else {
        ReadKind::Eventual
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::AttributeValue;

    fn item_of(bytes: usize) -> Item {
        let mut item = Item::new();
        item.insert("k".into(), AttributeValue::S("x".repeat(bytes - 1)));
        item
    }

    #[test]
    fn reads_are_billed_on_the_whole_item() {
        let five_kb = item_of(5 * 1024);
        assert_eq!(read_cost(Some(&five_kb), ReadKind::Eventual), 1.0);
        assert_eq!(read_cost(Some(&five_kb), ReadKind::Strong), 2.0);
        assert_eq!(read_cost(Some(&five_kb), ReadKind::Transactional), 4.0);
        assert_eq!(
            read_cost(None, ReadKind::Eventual),
            0.5,
            "a miss still costs"
        );
        assert_eq!(read_kind(Some(true)), ReadKind::Strong);
        assert_eq!(read_kind(None), ReadKind::Eventual);
    }

    #[test]
    fn attribute_names_project_top_level_attributes() {
        let mut item = item_of(10);
        item.insert("other".into(), AttributeValue::Null);
        let projection = ReadProjection::from_parts(None, Some(vec!["other".into()]));
        let projected = projection.apply(&item);
        assert_eq!(projected.keys().collect::<Vec<_>>(), ["other"]);
        assert_eq!(ReadProjection::All.apply(&item), item);
    }
}
