//! Applying a ProjectionExpression: keeping only the named parts of an item.
//!
//! `ProjectionExpression: "title, info.rating, actors[0]"` returns an item with just those
//! pieces, nested as they were: `{title, info: {rating}, actors: [first actor]}`. Paths
//! that do not exist in the item are left out silently. A list in the result holds the
//! selected elements in index order with the gaps closed up: selecting `l[4]` and `l[1]`
//! from a long list yields a two-element list, element 1 then element 4.
//!
//! The same operation serves `ReturnValues: UPDATED_OLD / UPDATED_NEW`, which return the
//! paths an update touched, so [`project`] is public on its own.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::Result;
use crate::expr::ast::Projection;
use crate::expr::checks::check_projection;
use crate::expr::document::{DocumentPath, PathStep};
use crate::expr::parser::parse_projection;
use crate::expr::placeholders::{Bindings, Placeholders};
use crate::value::{AttributeValue, Item};

/// A checked ProjectionExpression.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionExpression {
    tree: Projection,
    bindings: Bindings,
    paths: Vec<DocumentPath>,
}

impl ProjectionExpression {
    /// Parses and checks a ProjectionExpression, resolving `#names` through the request's
    /// `placeholders`.
    pub fn parse(source: &str, placeholders: &mut Placeholders) -> Result<ProjectionExpression> {
        let tree = parse_projection(source)?;
        let (bindings, paths) = check_projection(&tree, placeholders)?;
        Ok(ProjectionExpression {
            tree,
            bindings,
            paths,
        })
    }

    /// The resolved paths, in the order written.
    pub fn paths(&self) -> &[DocumentPath] {
        &self.paths
    }

    /// The top-level attributes the projection reads (for index projection checks).
    pub fn top_level_attributes(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.paths.iter().map(DocumentPath::top_level).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    pub fn tree(&self) -> &Projection {
        &self.tree
    }

    pub fn bindings(&self) -> &Bindings {
        &self.bindings
    }

    /// The parts of `item` the projection names.
    pub fn apply(&self, item: &Item) -> Item {
        project(item, &self.paths)
    }
}

impl fmt::Display for ProjectionExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.tree)
    }
}

/// A partly built result: a whole value copied from the item, or a map or list some of
/// whose parts were selected.
enum Selection {
    Whole(AttributeValue),
    Map(BTreeMap<String, Selection>),
    List(BTreeMap<usize, Selection>),
}

impl Selection {
    fn into_value(self) -> AttributeValue {
        match self {
            Selection::Whole(value) => value,
            Selection::Map(entries) => AttributeValue::M(
                entries
                    .into_iter()
                    .map(|(key, part)| (key, part.into_value()))
                    .collect(),
            ),
            // Ordered by original index, gaps closed.
            Selection::List(elements) => {
                AttributeValue::L(elements.into_values().map(Selection::into_value).collect())
            }
        }
    }

    /// Records `value` at `steps` below this selection.
    fn insert(&mut self, steps: &[PathStep], value: AttributeValue) {
        let Some((step, rest)) = steps.split_first() else {
            *self = Selection::Whole(value);
            return;
        };
        let child = match (self, step) {
            // The whole value is already selected; a part of it adds nothing.
            (Selection::Whole(_), _) => return,
            (Selection::Map(entries), PathStep::Attribute(key)) => entries
                .entry(key.clone())
                .or_insert_with(|| Selection::empty_for(rest)),
            (Selection::List(elements), PathStep::Index(index)) => elements
                .entry(*index)
                .or_insert_with(|| Selection::empty_for(rest)),
            // The path exists in the item, so its steps agree with the shapes above.
            _ => return,
        };
        child.insert(rest, value);
    }

    /// An empty container of the shape the next step needs.
    fn empty_for(steps: &[PathStep]) -> Selection {
        match steps.first() {
            Some(PathStep::Index(_)) => Selection::List(BTreeMap::new()),
            _ => Selection::Map(BTreeMap::new()),
        }
    }
}

/// The parts of `item` at `paths`; missing paths are skipped.
pub fn project(item: &Item, paths: &[DocumentPath]) -> Item {
    let mut root: BTreeMap<String, Selection> = BTreeMap::new();
    for path in paths {
        let Some(value) = path.get(item) else {
            continue;
        };
        let Some((PathStep::Attribute(name), rest)) = path.steps.split_first() else {
            continue;
        };
        root.entry(name.clone())
            .or_insert_with(|| Selection::empty_for(rest))
            .insert(rest, value.clone());
    }
    root.into_iter()
        .map(|(name, part)| (name, part.into_value()))
        .collect()
}

#[cfg(test)]
mod tests;
