//! The job language's functions. Every function is pure and does work proportional to its
//! arguments, and charges that work to the record's budget, so no call can run away.

use std::collections::BTreeSet;

use dynaplay_dynamo::value::Number;

use super::eval::{Budget, RuntimeError};
use crate::datum::Datum;

/// How many arguments a function takes: at least `.0`, at most `.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arity(pub usize, pub usize);

/// Every function, for error messages and documentation.
pub const NAMES: [&str; 26] = [
    "abs",
    "contains",
    "distinct",
    "ends_with",
    "get",
    "has",
    "join",
    "keys",
    "length",
    "lower",
    "max",
    "min",
    "number",
    "range",
    "replace",
    "reverse",
    "sort",
    "split",
    "starts_with",
    "string",
    "substr",
    "sum",
    "trim",
    "type",
    "upper",
    "words",
];

/// The arity of a function, or `None` if there is no such function.
pub fn arity(name: &str) -> Option<Arity> {
    Some(match name {
        "length" | "lower" | "upper" | "trim" | "words" | "number" | "string" | "sort"
        | "reverse" | "distinct" | "keys" | "abs" | "sum" | "type" => Arity(1, 1),
        "split" | "contains" | "starts_with" | "ends_with" | "join" | "has" | "min" | "max" => {
            Arity(2, 2)
        }
        "substr" | "get" => Arity(2, 3),
        "replace" => Arity(3, 3),
        "range" => Arity(1, 2),
        _ => return None,
    })
}

/// The longest list `range` makes.
const MAX_RANGE: i64 = 100_000;

/// Hadoop's `StringTokenizer` delimiters, which its WordCount example splits on.
pub const WHITESPACE: [char; 5] = [' ', '\t', '\n', '\r', '\u{000C}'];

/// Splits text into words the way Hadoop's WordCount does.
pub fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(WHITESPACE).filter(|w| !w.is_empty())
}

fn type_error(name: &str, want: &str, got: &Datum) -> RuntimeError {
    RuntimeError::new(format!("{name}() takes {want}, not a {}", got.type_name()))
}

fn str_arg<'a>(name: &str, d: &'a Datum) -> Result<&'a str, RuntimeError> {
    match d {
        Datum::Str(s) => Ok(s),
        other => Err(type_error(name, "a string", other)),
    }
}

fn int_arg(name: &str, d: &Datum) -> Result<i64, RuntimeError> {
    match d {
        Datum::Int(i) => Ok(*i),
        Datum::Num(n) => n
            .to_string()
            .parse::<i64>()
            .map_err(|_| RuntimeError::new(format!("{name}() needs a whole number, not {n}"))),
        other => Err(type_error(name, "a whole number", other)),
    }
}

fn list_arg<'a>(name: &str, d: &'a Datum) -> Result<&'a [Datum], RuntimeError> {
    match d {
        Datum::List(l) => Ok(l),
        other => Err(type_error(name, "a list", other)),
    }
}

/// Work units a datum costs to touch: one per 64 bytes, at least one.
pub fn weight(d: &Datum) -> u64 {
    1 + d.encoded_len() / 64
}

/// Calls a function on evaluated arguments.
pub fn call(name: &str, args: &[Datum], budget: &mut Budget) -> Result<Datum, RuntimeError> {
    budget.charge(1 + args.iter().map(weight).sum::<u64>())?;
    let arg = |i: usize| args.get(i).unwrap_or(&Datum::Null);
    Ok(match name {
        "length" => match arg(0) {
            Datum::Str(s) => Datum::Int(s.chars().count() as i64),
            Datum::List(l) => Datum::Int(l.len() as i64),
            Datum::Map(m) => Datum::Int(m.len() as i64),
            other => return Err(type_error(name, "a string, list or map", other)),
        },
        "lower" => Datum::Str(str_arg(name, arg(0))?.to_lowercase()),
        "upper" => Datum::Str(str_arg(name, arg(0))?.to_uppercase()),
        "trim" => Datum::Str(str_arg(name, arg(0))?.trim().to_string()),
        "words" => Datum::List(
            words(str_arg(name, arg(0))?)
                .map(|w| Datum::Str(w.to_string()))
                .collect(),
        ),
        "split" => {
            let s = str_arg(name, arg(0))?;
            let sep = str_arg(name, arg(1))?;
            if sep.is_empty() {
                return Err(RuntimeError::new("split() needs a non-empty separator"));
            }
            Datum::List(s.split(sep).map(|p| Datum::Str(p.to_string())).collect())
        }
        "contains" => match (arg(0), arg(1)) {
            (Datum::Str(s), Datum::Str(t)) => Datum::Bool(s.contains(t.as_str())),
            (Datum::List(l), x) => Datum::Bool(l.contains(x)),
            (Datum::Map(m), Datum::Str(k)) => Datum::Bool(m.contains_key(k)),
            (other, _) => return Err(type_error(name, "a string, list or map", other)),
        },
        "starts_with" => Datum::Bool(str_arg(name, arg(0))?.starts_with(str_arg(name, arg(1))?)),
        "ends_with" => Datum::Bool(str_arg(name, arg(0))?.ends_with(str_arg(name, arg(1))?)),
        "substr" => {
            let s = str_arg(name, arg(0))?;
            let start = usize::try_from(int_arg(name, arg(1))?.max(0)).unwrap_or(usize::MAX);
            let len = match args.get(2) {
                Some(l) => usize::try_from(int_arg(name, l)?.max(0)).unwrap_or(usize::MAX),
                None => usize::MAX,
            };
            Datum::Str(s.chars().skip(start).take(len).collect())
        }
        "replace" => {
            let s = str_arg(name, arg(0))?;
            let from = str_arg(name, arg(1))?;
            let to = str_arg(name, arg(2))?;
            if from.is_empty() {
                return Err(RuntimeError::new("replace() needs a non-empty pattern"));
            }
            let out = s.replace(from, to);
            budget.charge(out.len() as u64 / 64)?;
            Datum::Str(out)
        }
        "number" => match arg(0) {
            d @ (Datum::Int(_) | Datum::Num(_)) => d.clone(),
            Datum::Str(s) => match s.trim().parse::<i64>() {
                Ok(i) => Datum::Int(i),
                Err(_) => Number::parse(s.trim()).map_or(Datum::Null, Datum::Num),
            },
            _ => Datum::Null,
        },
        "string" => Datum::Str(arg(0).to_string()),
        "join" => {
            let l = list_arg(name, arg(0))?;
            let sep = str_arg(name, arg(1))?;
            Datum::Str(
                l.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(sep),
            )
        }
        "sort" => {
            let mut l = list_arg(name, arg(0))?.to_vec();
            budget.charge(l.len() as u64)?;
            l.sort();
            Datum::List(l)
        }
        "reverse" => {
            let mut l = list_arg(name, arg(0))?.to_vec();
            l.reverse();
            Datum::List(l)
        }
        "distinct" => {
            let l = list_arg(name, arg(0))?;
            budget.charge(l.len() as u64)?;
            let set: BTreeSet<&Datum> = l.iter().collect();
            Datum::List(set.into_iter().cloned().collect())
        }
        "keys" => match arg(0) {
            Datum::Map(m) => Datum::List(m.keys().map(|k| Datum::Str(k.clone())).collect()),
            other => return Err(type_error(name, "a map", other)),
        },
        "has" => match (arg(0), arg(1)) {
            (Datum::Map(m), Datum::Str(k)) => Datum::Bool(m.contains_key(k)),
            (Datum::Map(_), other) => return Err(type_error(name, "an attribute name", other)),
            (other, _) => return Err(type_error(name, "a map", other)),
        },
        "get" => match (arg(0), arg(1)) {
            (Datum::Map(m), Datum::Str(k)) => m
                .get(k)
                .cloned()
                .unwrap_or_else(|| args.get(2).cloned().unwrap_or(Datum::Null)),
            (Datum::Map(_), other) => return Err(type_error(name, "an attribute name", other)),
            (other, _) => return Err(type_error(name, "a map", other)),
        },
        "abs" => match arg(0) {
            Datum::Int(i) => match i.checked_abs() {
                Some(a) => Datum::Int(a),
                None => Datum::Num(Number::from_i64(*i).negated()),
            },
            Datum::Num(n) if n.is_negative() => Datum::Num(n.negated()),
            d @ Datum::Num(_) => d.clone(),
            other => return Err(type_error(name, "a number", other)),
        },
        "min" => arg(0).clone().min(arg(1).clone()),
        "max" => arg(0).clone().max(arg(1).clone()),
        "sum" => {
            let mut total = Datum::Int(0);
            for d in list_arg(name, arg(0))? {
                total = total
                    .add(d)
                    .ok_or_else(|| type_error(name, "a list of numbers", d))?;
            }
            total
        }
        "range" => {
            let (lo, hi) = match args.get(1) {
                Some(hi) => (int_arg(name, arg(0))?, int_arg(name, hi)?),
                None => (0, int_arg(name, arg(0))?),
            };
            let len = hi.saturating_sub(lo).max(0);
            if len > MAX_RANGE {
                return Err(RuntimeError::new(format!(
                    "range() makes at most {MAX_RANGE} numbers, not {len}"
                )));
            }
            budget.charge(len as u64)?;
            Datum::List((lo..hi).map(Datum::Int).collect())
        }
        "type" => Datum::Str(arg(0).type_name().to_string()),
        _ => return Err(RuntimeError::new(format!("unknown function '{name}'"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, args: Vec<Datum>) -> Result<Datum, RuntimeError> {
        call(name, &args, &mut Budget::new(1_000_000))
    }

    #[test]
    fn every_listed_function_has_an_arity_and_runs() {
        for name in NAMES {
            let Arity(lo, _) = arity(name).unwrap_or_else(|| panic!("{name}"));
            // Calling with nulls must give an error or a value, never a panic.
            let _ = run(name, vec![Datum::Null; lo]);
        }
    }

    #[test]
    fn string_functions() {
        let s = |x: &str| Datum::from(x);
        assert_eq!(
            run("words", vec![s(" a\tb  c\n")]).unwrap().to_string(),
            r#"["a", "b", "c"]"#
        );
        assert_eq!(
            run("substr", vec![s("héllo"), Datum::Int(1), Datum::Int(3)]).unwrap(),
            s("éll")
        );
        assert_eq!(run("number", vec![s("12.50")]).unwrap().to_string(), "12.5");
        assert_eq!(run("number", vec![s("abc")]).unwrap(), Datum::Null);
        assert!(
            run("lower", vec![Datum::Int(1)])
                .unwrap_err()
                .to_string()
                .contains("lower() takes a string")
        );
    }

    #[test]
    fn range_is_bounded() {
        assert_eq!(
            run("range", vec![Datum::Int(3)]).unwrap().to_string(),
            "[0, 1, 2]"
        );
        assert!(run("range", vec![Datum::Int(10_000_000)]).is_err());
        let mut tiny = Budget::new(10);
        assert!(call("range", &[Datum::Int(1000)], &mut tiny).is_err());
    }
}
