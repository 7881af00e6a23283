//! Document paths after placeholder resolution, and walking them through items.
//!
//! `#pics.Front[2]` in an expression becomes, once `#pics` is looked up, the steps
//! `Pictures`, `Front`, `[2]`: a [`DocumentPath`]. Everything that reads or changes part
//! of an item goes through one: conditions read values, projections copy them out,
//! updates find the map or list that holds the value they change. An attribute step only
//! descends into a map and an index step only into a list; anything else means the path
//! does not exist in this item.
//!
//! DynamoDB describes paths in messages as `[Pictures, Front, [2]]`
//! ([`DocumentPath::describe`]); that is also how a placeholder standing for a name like
//! `[3]` shows up, which is why the two are kept distinct here.

use std::fmt;

use crate::expr::ast::{Path, PathElement};
use crate::expr::placeholders::Bindings;
use crate::value::{AttributeValue, Item};

/// One resolved step of a document path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// A map key (or, as the first step, a top-level attribute name).
    Attribute(String),
    /// A position in a list.
    Index(usize),
}

/// A path with its placeholders resolved. The first step is always an attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentPath {
    pub steps: Vec<PathStep>,
}

impl DocumentPath {
    /// A path to a top-level attribute.
    pub fn attribute(name: impl Into<String>) -> DocumentPath {
        DocumentPath {
            steps: vec![PathStep::Attribute(name.into())],
        }
    }

    /// Resolves a written path; `None` if a placeholder is not bound.
    pub fn resolve(path: &Path, bindings: &Bindings) -> Option<DocumentPath> {
        let steps = path
            .elements
            .iter()
            .map(|element| match element {
                PathElement::Name(name) => Some(PathStep::Attribute(name.clone())),
                PathElement::Placeholder(placeholder) => bindings
                    .name(placeholder)
                    .map(|name| PathStep::Attribute(name.to_string())),
                PathElement::Index(index) => Some(PathStep::Index(*index)),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(DocumentPath { steps })
    }

    /// The top-level attribute the path starts at.
    pub fn top_level(&self) -> &str {
        match self.steps.first() {
            Some(PathStep::Attribute(name)) => name,
            _ => "",
        }
    }

    /// DynamoDB's rendering in messages: `[a, b, [1]]`.
    pub fn describe(&self) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|step| match step {
                PathStep::Attribute(name) => name.clone(),
                PathStep::Index(index) => format!("[{index}]"),
            })
            .collect();
        format!("[{}]", steps.join(", "))
    }

    /// The value at this path, if the item has one there.
    pub fn get<'a>(&self, item: &'a Item) -> Option<&'a AttributeValue> {
        let (first, rest) = self.steps.split_first()?;
        let PathStep::Attribute(name) = first else {
            return None;
        };
        let mut current = item.get(name)?;
        for step in rest {
            current = match (current, step) {
                (AttributeValue::M(map), PathStep::Attribute(key)) => map.get(key)?,
                (AttributeValue::L(list), PathStep::Index(index)) => list.get(*index)?,
                _ => return None,
            };
        }
        Some(current)
    }

    /// The map or list holding the path's last step, for changing it in place. `None` if
    /// an intermediate step is missing or the container has the wrong type for the last
    /// step (a key into a list, an index into a map).
    pub fn container_mut<'a>(&self, item: &'a mut Item) -> Option<Container<'a>> {
        let (last, parents) = self.steps.split_last()?;
        let Some((first, rest)) = parents.split_first() else {
            // A top-level attribute lives in the item itself.
            return match last {
                PathStep::Attribute(_) => Some(Container::Map(item)),
                PathStep::Index(_) => None,
            };
        };
        let PathStep::Attribute(name) = first else {
            return None;
        };
        let mut current = item.get_mut(name)?;
        for step in rest {
            current = match (current, step) {
                (AttributeValue::M(map), PathStep::Attribute(key)) => map.get_mut(key)?,
                (AttributeValue::L(list), PathStep::Index(index)) => list.get_mut(*index)?,
                _ => return None,
            };
        }
        match (current, last) {
            (AttributeValue::M(map), PathStep::Attribute(_)) => Some(Container::Map(map)),
            (AttributeValue::L(list), PathStep::Index(_)) => Some(Container::List(list)),
            _ => None,
        }
    }

    /// The last step of the path.
    pub fn last(&self) -> Option<&PathStep> {
        self.steps.last()
    }
}

/// Where a path's last step lives: a map (or the item itself) or a list.
pub enum Container<'a> {
    Map(&'a mut Item),
    List(&'a mut Vec<AttributeValue>),
}

impl fmt::Display for DocumentPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if position == 0 => f.write_str(name)?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Number;

    fn path(steps: &[PathStep]) -> DocumentPath {
        DocumentPath {
            steps: steps.to_vec(),
        }
    }

    fn attr(name: &str) -> PathStep {
        PathStep::Attribute(name.to_string())
    }

    fn sample() -> Item {
        let mut inner = Item::new();
        inner.insert("c".into(), AttributeValue::S("deep".into()));
        let list = AttributeValue::L(vec![
            AttributeValue::N(Number::from_i64(1)),
            AttributeValue::M(inner),
        ]);
        let mut map = Item::new();
        map.insert("b".into(), list);
        let mut item = Item::new();
        item.insert("a".into(), AttributeValue::M(map));
        item.insert("s".into(), AttributeValue::S("top".into()));
        item
    }

    #[test]
    fn get_walks_maps_and_lists() {
        let item = sample();
        let deep = path(&[attr("a"), attr("b"), PathStep::Index(1), attr("c")]);
        assert_eq!(deep.get(&item), Some(&AttributeValue::S("deep".into())));
        assert_eq!(
            path(&[attr("s")]).get(&item),
            Some(&AttributeValue::S("top".into()))
        );
    }

    #[test]
    fn get_refuses_wrong_container_types_and_missing_steps() {
        let item = sample();
        assert_eq!(path(&[attr("a"), PathStep::Index(0)]).get(&item), None);
        assert_eq!(path(&[attr("a"), attr("b"), attr("x")]).get(&item), None);
        assert_eq!(
            path(&[attr("a"), attr("b"), PathStep::Index(7)]).get(&item),
            None
        );
        assert_eq!(path(&[attr("s"), attr("x")]).get(&item), None);
        assert_eq!(path(&[]).get(&item), None);
    }

    #[test]
    fn container_mut_finds_the_parent_of_the_last_step() {
        let mut item = sample();
        let target = path(&[attr("a"), attr("b"), PathStep::Index(5)]);
        match target.container_mut(&mut item) {
            Some(Container::List(list)) => assert_eq!(list.len(), 2),
            _ => panic!("expected the list"),
        }
        assert!(
            path(&[attr("a"), PathStep::Index(0)])
                .container_mut(&mut item)
                .is_none()
        );
        assert!(
            path(&[attr("missing"), attr("x")])
                .container_mut(&mut item)
                .is_none()
        );
        assert!(matches!(
            path(&[attr("new")]).container_mut(&mut item),
            Some(Container::Map(_))
        ));
    }

    #[test]
    fn describe_and_display() {
        let p = path(&[attr("c"), PathStep::Index(3), attr("[3]")]);
        assert_eq!(p.describe(), "[c, [3], [3]]");
        assert_eq!(p.to_string(), "c[3].[3]");
        assert_eq!(p.top_level(), "c");
    }
}
