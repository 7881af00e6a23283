//! Applying an UpdateExpression to an item.
//!
//! The four clauses do four different things. `SET path = value` writes a value, where the
//! value may be `a + b` or `a - b` on numbers, `if_not_exists(path, fallback)` or
//! `list_append(list, list)`. `REMOVE path` deletes an attribute or a list element (later
//! elements shift down). `ADD path :v` adds a number, or unions a set, creating the
//! attribute if it is missing. `DELETE path :set` subtracts from a set, and removes the
//! attribute when nothing is left.
//!
//! DynamoDB evaluates every `SET` value against the item as it was before the update, so
//! `SET a = b, b = a` swaps. Then it applies the actions. Paths name positions in the
//! original item too: writes to list indexes past the end append in index order
//! (`SET l[9] = :x, l[7] = :y` on a two-element list gives `[.., .., :y, :x]`), and
//! removals of several elements of one list remove the elements that were at those
//! indexes (`REMOVE l[1], l[3]`), which is why removals run last, highest index first.
//!
//! Errors here depend on the item and so cannot be found by the checks: an operand path
//! that is missing, arithmetic on a non-number, a path whose parent does not exist or is
//! not a map (for a name) or list (for an index).

use std::fmt;

use crate::error::Result;
use crate::expr::ast::{Operand, SetValue, Update, UpdateClause};
use crate::expr::checks::check_update;
use crate::expr::document::{Container, DocumentPath, PathStep};
use crate::expr::messages;
use crate::expr::parser::parse_update;
use crate::expr::placeholders::{Bindings, Placeholders};
use crate::value::{AttributeValue, Item};

/// A checked UpdateExpression, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateExpression {
    tree: Update,
    bindings: Bindings,
    targets: Vec<DocumentPath>,
}

/// What happens at one path.
#[derive(Debug, Clone)]
enum Write {
    Put(AttributeValue),
    Add(AttributeValue),
    Delete(AttributeValue),
}

impl UpdateExpression {
    /// Parses and checks an UpdateExpression, resolving placeholders through the request's
    /// `placeholders`.
    pub fn parse(source: &str, placeholders: &mut Placeholders) -> Result<UpdateExpression> {
        let tree = parse_update(source)?;
        let (bindings, targets) = check_update(&tree, placeholders)?;
        Ok(UpdateExpression {
            tree,
            bindings,
            targets,
        })
    }

    /// The paths the expression writes or removes, in the order written. `UPDATED_OLD` and
    /// `UPDATED_NEW` return these paths of the old and new item (see
    /// [`crate::expr::projection::project`]); their first steps are the attributes a key
    /// check must look at.
    pub fn target_paths(&self) -> &[DocumentPath] {
        &self.targets
    }

    /// The syntax tree, with placeholders as written.
    pub fn tree(&self) -> &Update {
        &self.tree
    }

    pub fn bindings(&self) -> &Bindings {
        &self.bindings
    }

    /// Applies the update to `item` (the empty item when none exists yet) and returns
    /// the new item.
    pub fn apply(&self, item: &Item) -> Result<Item> {
        let mut writes: Vec<(DocumentPath, Write)> = Vec::new();
        let mut removals: Vec<DocumentPath> = Vec::new();
        let mut targets = self.targets.iter();
        // Targets were resolved in the same order the clauses are walked here.
        let mut next_target = || {
            targets
                .next()
                .cloned()
                .ok_or_else(messages::update_invalid_path)
        };
        for clause in &self.tree.clauses {
            match clause {
                UpdateClause::Set(actions) => {
                    for action in actions {
                        let value = self.set_value(&action.value, item)?;
                        writes.push((next_target()?, Write::Put(value)));
                    }
                }
                UpdateClause::Remove(paths) => {
                    for _ in paths {
                        removals.push(next_target()?);
                    }
                }
                UpdateClause::Add(actions) | UpdateClause::Delete(actions) => {
                    for action in actions {
                        let value = self.literal(&action.value)?;
                        let write = match clause {
                            UpdateClause::Add(_) => Write::Add(value),
                            _ => Write::Delete(value),
                        };
                        writes.push((next_target()?, write));
                    }
                }
            }
        }
        let mut updated = item.clone();
        writes.sort_by(|(a, _), (b, _)| a.cmp(b));
        for (path, write) in writes {
            apply_write(&mut updated, &path, write)?;
        }
        removals.sort_by(|a, b| b.cmp(a));
        for path in removals {
            remove(&mut updated, &path)?;
        }
        Ok(updated)
    }

    fn literal(&self, placeholder: &str) -> Result<AttributeValue> {
        self.bindings
            .value(placeholder)
            .cloned()
            .ok_or_else(messages::update_refers_to_missing_attribute)
    }

    fn set_value(&self, value: &SetValue, item: &Item) -> Result<AttributeValue> {
        let (left, right, subtract) = match value {
            SetValue::Operand(operand) => return self.operand(operand, item),
            SetValue::Plus(left, right) => (left, right, false),
            SetValue::Minus(left, right) => (left, right, true),
        };
        let AttributeValue::N(left) = self.operand(left, item)? else {
            return Err(messages::update_operand_type());
        };
        let AttributeValue::N(right) = self.operand(right, item)? else {
            return Err(messages::update_operand_type());
        };
        let result = if subtract {
            left.checked_sub(&right)?
        } else {
            left.checked_add(&right)?
        };
        Ok(AttributeValue::N(result))
    }

    fn operand(&self, operand: &Operand, item: &Item) -> Result<AttributeValue> {
        match operand {
            Operand::Path(path) => DocumentPath::resolve(path, &self.bindings)
                .and_then(|path| path.get(item).cloned())
                .ok_or_else(messages::update_refers_to_missing_attribute),
            Operand::Value(placeholder) => self.literal(placeholder),
            Operand::Call(call) => {
                let argument = |index: usize| {
                    call.arguments
                        .get(index)
                        .ok_or_else(messages::update_operand_type)
                };
                match call.name.as_str() {
                    "if_not_exists" => {
                        let existing = match argument(0)? {
                            Operand::Path(path) => DocumentPath::resolve(path, &self.bindings)
                                .and_then(|path| path.get(item).cloned()),
                            _ => None,
                        };
                        match existing {
                            Some(value) => Ok(value),
                            None => self.operand(argument(1)?, item),
                        }
                    }
                    "list_append" => {
                        let AttributeValue::L(mut list) = self.operand(argument(0)?, item)? else {
                            return Err(messages::update_operand_type());
                        };
                        let AttributeValue::L(tail) = self.operand(argument(1)?, item)? else {
                            return Err(messages::update_operand_type());
                        };
                        list.extend(tail);
                        Ok(AttributeValue::L(list))
                    }
                    _ => Err(messages::update_operand_type()),
                }
            }
        }
    }
}

impl fmt::Display for UpdateExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.tree)
    }
}

/// Adds `b`'s members missing from `a`, keeping `a`'s order.
fn union<T: PartialEq>(mut a: Vec<T>, b: Vec<T>) -> Vec<T> {
    for member in b {
        if !a.contains(&member) {
            a.push(member);
        }
    }
    a
}

fn difference<T: PartialEq>(a: Vec<T>, b: &[T]) -> Vec<T> {
    a.into_iter().filter(|member| !b.contains(member)).collect()
}

/// The new value at a path given the current one; `None` removes it.
fn written_value(
    existing: Option<&AttributeValue>,
    write: Write,
) -> Result<Option<AttributeValue>> {
    use AttributeValue::{Bs, N, Ns, Ss};
    let value = match (write, existing) {
        (Write::Put(value), _) | (Write::Add(value), None) => Some(value),
        (Write::Add(N(add)), Some(N(current))) => Some(N(current.checked_add(&add)?)),
        (Write::Add(Ss(add)), Some(Ss(current))) => Some(Ss(union(current.clone(), add))),
        (Write::Add(Ns(add)), Some(Ns(current))) => Some(Ns(union(current.clone(), add))),
        (Write::Add(Bs(add)), Some(Bs(current))) => Some(Bs(union(current.clone(), add))),
        (Write::Delete(_), None) => None,
        (Write::Delete(Ss(remove)), Some(Ss(current))) => {
            Some(Ss(difference(current.clone(), &remove))).filter(|v| !is_empty_set(v))
        }
        (Write::Delete(Ns(remove)), Some(Ns(current))) => {
            Some(Ns(difference(current.clone(), &remove))).filter(|v| !is_empty_set(v))
        }
        (Write::Delete(Bs(remove)), Some(Bs(current))) => {
            Some(Bs(difference(current.clone(), &remove))).filter(|v| !is_empty_set(v))
        }
        _ => return Err(messages::update_operand_type()),
    };
    Ok(value)
}

fn is_empty_set(value: &AttributeValue) -> bool {
    match value {
        AttributeValue::Ss(set) => set.is_empty(),
        AttributeValue::Ns(set) => set.is_empty(),
        AttributeValue::Bs(set) => set.is_empty(),
        _ => false,
    }
}

fn apply_write(item: &mut Item, path: &DocumentPath, write: Write) -> Result<()> {
    let container = path
        .container_mut(item)
        .ok_or_else(messages::update_invalid_path)?;
    match (container, path.last()) {
        (Container::Map(map), Some(PathStep::Attribute(key))) => {
            match written_value(map.get(key), write)? {
                Some(value) => {
                    map.insert(key.clone(), value);
                }
                None => {
                    map.remove(key);
                }
            }
        }
        (Container::List(list), Some(PathStep::Index(index))) => {
            let index = *index;
            match written_value(list.get(index), write)? {
                Some(value) => match list.get_mut(index) {
                    Some(slot) => *slot = value,
                    // Past the end: DynamoDB appends rather than leaving holes.
                    None => list.push(value),
                },
                None if index < list.len() => {
                    list.remove(index);
                }
                None => {}
            }
        }
        _ => return Err(messages::update_invalid_path()),
    }
    Ok(())
}

fn remove(item: &mut Item, path: &DocumentPath) -> Result<()> {
    let container = path
        .container_mut(item)
        .ok_or_else(messages::update_invalid_path)?;
    match (container, path.last()) {
        (Container::Map(map), Some(PathStep::Attribute(key))) => {
            map.remove(key);
        }
        (Container::List(list), Some(PathStep::Index(index))) => {
            if *index < list.len() {
                list.remove(*index);
            }
        }
        _ => return Err(messages::update_invalid_path()),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
