//! The syntax trees of DynamoDB's expressions.
//!
//! A tree records what the expression *says*, before placeholders are looked up: a path
//! element may be the literal `Price` or the placeholder `#p`, an operand may be the
//! placeholder `:v`. Keeping placeholders unresolved lets a tree print back as the text a
//! person wrote (modulo spacing, keyword case and redundant parentheses), and printing is
//! exact enough that parsing the printed text yields the same tree again. The playground
//! shows parsed expressions this way, and the parser's tests check the round trip.
//!
//! Function calls are kept generic (a name and operands) because DynamoDB accepts any
//! function-shaped syntax and only later rejects unknown names, wrong operand counts and
//! misplaced functions, each with its own message; see `checks`.

use std::fmt;

/// One step of a document path: an attribute (map key) or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathElement {
    /// A literal attribute name such as `Price`.
    Name(String),
    /// An expression attribute name such as `#p`, resolved later.
    Placeholder(String),
    /// A list index such as `[3]`.
    Index(usize),
}

/// A document path as written: `a.#b[2].c`. The first element is never an index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    pub elements: Vec<PathElement>,
}

/// A function call: `size(a)`, `begins_with(a, :p)`, `list_append(a, :l)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCall {
    pub name: String,
    pub arguments: Vec<Operand>,
}

/// Something that has a value: a path into the item, a placeholder value, or a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    Path(Path),
    /// An expression attribute value such as `:v`.
    Value(String),
    Call(FunctionCall),
}

/// The six comparators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Equal => "=",
            Comparator::NotEqual => "<>",
            Comparator::Less => "<",
            Comparator::LessOrEqual => "<=",
            Comparator::Greater => ">",
            Comparator::GreaterOrEqual => ">=",
        }
    }

    /// The comparator that holds with the operands swapped: `a < b` is `b > a`.
    pub fn flipped(self) -> Comparator {
        match self {
            Comparator::Less => Comparator::Greater,
            Comparator::LessOrEqual => Comparator::GreaterOrEqual,
            Comparator::Greater => Comparator::Less,
            Comparator::GreaterOrEqual => Comparator::LessOrEqual,
            other => other,
        }
    }
}

/// A condition (ConditionExpression, FilterExpression, KeyConditionExpression).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Compare {
        comparator: Comparator,
        left: Operand,
        right: Operand,
    },
    Between {
        operand: Operand,
        lower: Operand,
        upper: Operand,
    },
    In {
        operand: Operand,
        list: Vec<Operand>,
    },
    /// A function used as a condition: `attribute_exists(a)`, `contains(a, :v)`.
    Call(FunctionCall),
    Not(Box<Condition>),
    /// Two or more conditions joined by `AND`, in source order.
    And(Vec<Condition>),
    /// Two or more conditions joined by `OR`, in source order.
    Or(Vec<Condition>),
}

/// The right-hand side of a `SET` action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetValue {
    Operand(Operand),
    Plus(Operand, Operand),
    Minus(Operand, Operand),
}

/// `path = value` in a `SET` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAction {
    pub path: Path,
    pub value: SetValue,
}

/// `path :value` in an `ADD` or `DELETE` clause; the value is always a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueAction {
    pub path: Path,
    pub value: String,
}

/// One clause of an update expression, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateClause {
    Set(Vec<SetAction>),
    Remove(Vec<Path>),
    Add(Vec<ValueAction>),
    Delete(Vec<ValueAction>),
}

impl UpdateClause {
    /// The clause keyword as DynamoDB spells it in messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            UpdateClause::Set(_) => "SET",
            UpdateClause::Remove(_) => "REMOVE",
            UpdateClause::Add(_) => "ADD",
            UpdateClause::Delete(_) => "DELETE",
        }
    }
}

/// An UpdateExpression: its clauses in source order (repeats are kept so the checks can
/// reject them with DynamoDB's message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub clauses: Vec<UpdateClause>,
}

/// A ProjectionExpression: the paths to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    pub paths: Vec<Path>,
}

impl fmt::Display for PathElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Name(name) | PathElement::Placeholder(name) => f.write_str(name),
            PathElement::Index(index) => write!(f, "[{index}]"),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, element) in self.elements.iter().enumerate() {
            if position > 0 && !matches!(element, PathElement::Index(_)) {
                f.write_str(".")?;
            }
            write!(f, "{element}")?;
        }
        Ok(())
    }
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for FunctionCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        write_list(f, &self.arguments)?;
        f.write_str(")")
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Path(path) => write!(f, "{path}"),
            Operand::Value(name) => f.write_str(name),
            Operand::Call(call) => write!(f, "{call}"),
        }
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl Condition {
    /// Writes `self` as an operand of `AND`/`OR`/`NOT`, adding the parentheses the
    /// precedence (comparisons > NOT > AND > OR) requires to read it back the same way.
    fn write_grouped(&self, f: &mut fmt::Formatter<'_>, needs_parens: bool) -> fmt::Result {
        if needs_parens {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Compare {
                comparator,
                left,
                right,
            } => {
                write!(f, "{left} {comparator} {right}")
            }
            Condition::Between {
                operand,
                lower,
                upper,
            } => {
                write!(f, "{operand} BETWEEN {lower} AND {upper}")
            }
            Condition::In { operand, list } => {
                write!(f, "{operand} IN (")?;
                write_list(f, list)?;
                f.write_str(")")
            }
            Condition::Call(call) => write!(f, "{call}"),
            Condition::Not(inner) => {
                f.write_str("NOT ")?;
                let grouped = matches!(
                    **inner,
                    Condition::Not(_) | Condition::And(_) | Condition::Or(_)
                );
                inner.write_grouped(f, grouped)
            }
            Condition::And(parts) => {
                for (position, part) in parts.iter().enumerate() {
                    if position > 0 {
                        f.write_str(" AND ")?;
                    }
                    part.write_grouped(f, matches!(part, Condition::And(_) | Condition::Or(_)))?;
                }
                Ok(())
            }
            Condition::Or(parts) => {
                for (position, part) in parts.iter().enumerate() {
                    if position > 0 {
                        f.write_str(" OR ")?;
                    }
                    part.write_grouped(f, matches!(part, Condition::Or(_)))?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for SetValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetValue::Operand(operand) => write!(f, "{operand}"),
            SetValue::Plus(left, right) => write!(f, "{left} + {right}"),
            SetValue::Minus(left, right) => write!(f, "{left} - {right}"),
        }
    }
}

impl fmt::Display for SetAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.path, self.value)
    }
}

impl fmt::Display for ValueAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path, self.value)
    }
}

impl fmt::Display for UpdateClause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.keyword())?;
        match self {
            UpdateClause::Set(actions) => write_list(f, actions),
            UpdateClause::Remove(paths) => write_list(f, paths),
            UpdateClause::Add(actions) | UpdateClause::Delete(actions) => write_list(f, actions),
        }
    }
}

impl fmt::Display for Update {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, clause) in self.clauses.iter().enumerate() {
            if position > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{clause}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Projection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, &self.paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(elements: &[PathElement]) -> Path {
        Path {
            elements: elements.to_vec(),
        }
    }

    #[test]
    fn paths_print_with_dots_and_brackets() {
        let p = path(&[
            PathElement::Name("a".into()),
            PathElement::Placeholder("#b".into()),
            PathElement::Index(2),
            PathElement::Index(0),
            PathElement::Name("c".into()),
        ]);
        assert_eq!(p.to_string(), "a.#b[2][0].c");
    }

    #[test]
    fn conditions_print_with_the_parentheses_precedence_needs() {
        let a = Condition::Call(FunctionCall {
            name: "attribute_exists".into(),
            arguments: vec![Operand::Path(path(&[PathElement::Name("a".into())]))],
        });
        let b = Condition::Compare {
            comparator: Comparator::Less,
            left: Operand::Value(":x".into()),
            right: Operand::Path(path(&[PathElement::Name("b".into())])),
        };
        let or = Condition::Or(vec![a.clone(), b.clone()]);
        let and = Condition::And(vec![or.clone(), b.clone()]);
        assert_eq!(
            and.to_string(),
            "(attribute_exists(a) OR :x < b) AND :x < b"
        );
        assert_eq!(
            Condition::Not(Box::new(or)).to_string(),
            "NOT (attribute_exists(a) OR :x < b)"
        );
        assert_eq!(
            Condition::Not(Box::new(b.clone())).to_string(),
            "NOT :x < b"
        );
        let nested_and = Condition::And(vec![Condition::And(vec![a.clone(), b.clone()]), a]);
        assert_eq!(
            nested_and.to_string(),
            "(attribute_exists(a) AND :x < b) AND attribute_exists(a)"
        );
    }

    #[test]
    fn updates_print_clauses_in_order() {
        let update = Update {
            clauses: vec![
                UpdateClause::Set(vec![SetAction {
                    path: path(&[PathElement::Name("n".into())]),
                    value: SetValue::Plus(
                        Operand::Path(path(&[PathElement::Name("n".into())])),
                        Operand::Value(":one".into()),
                    ),
                }]),
                UpdateClause::Remove(vec![path(&[
                    PathElement::Name("l".into()),
                    PathElement::Index(1),
                ])]),
                UpdateClause::Delete(vec![ValueAction {
                    path: path(&[PathElement::Placeholder("#s".into())]),
                    value: ":v".into(),
                }]),
            ],
        };
        assert_eq!(
            update.to_string(),
            "SET n = n + :one REMOVE l[1] DELETE #s :v"
        );
    }
}
