//! The job language's interpreter.
//!
//! A script runs once per input record (the map) and once per key (the reduce), and each
//! run has a work budget: every statement, operator and function call charges it, in
//! proportion to the data it touches. There are no `while` loops and no recursion, so a
//! script always terminates; the budget also bounds how *long* it can take — a loop over
//! a loop over a long line runs out of budget and fails the task attempt with a clear
//! message instead of stalling the simulation.

use std::fmt;

use dynaplay_dynamo::value::Number;

use super::ast::*;
use super::builtins;
use crate::datum::Datum;

/// Work units a map run may use per record, and a reduce run per key (plus
/// [`BUDGET_PER_VALUE`] for each of the key's values).
pub const BUDGET_PER_RECORD: u64 = 100_000;
/// Extra work units a reduce run gets for each value of its key.
pub const BUDGET_PER_VALUE: u64 = 100;

/// How deeply values may nest (DynamoDB allows 32 for items).
pub const MAX_NESTING: usize = 64;

/// How deeply a value nests, found without recursion.
fn nesting(d: &Datum) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(d, 1usize)];
    while let Some((d, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match d {
            Datum::List(l) => stack.extend(l.iter().map(|x| (x, depth + 1))),
            Datum::Map(m) => stack.extend(m.values().map(|x| (x, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// A script failing on some record: the task attempt fails with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeError {
    pub message: String,
}

impl RuntimeError {
    pub fn new(message: impl Into<String>) -> RuntimeError {
        RuntimeError {
            message: message.into(),
        }
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Work units left for the current run.
#[derive(Debug, Clone)]
pub struct Budget {
    left: u64,
    limit: u64,
}

impl Budget {
    pub fn new(limit: u64) -> Budget {
        Budget { left: limit, limit }
    }

    pub fn charge(&mut self, units: u64) -> Result<(), RuntimeError> {
        match self.left.checked_sub(units) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => {
                self.left = 0;
                Err(RuntimeError::new(format!(
                    "work limit exceeded: the script used more than {} steps on one record",
                    self.limit
                )))
            }
        }
    }
}

/// Variables in scope, innermost last.
struct Env {
    scopes: Vec<Vec<(String, Datum)>>,
}

impl Env {
    fn get(&self, name: &str) -> Result<&Datum, RuntimeError> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| RuntimeError::new(format!("'{name}' is not available here")))
    }

    fn set(&mut self, name: &str, value: Datum) -> Result<(), RuntimeError> {
        for scope in self.scopes.iter_mut().rev() {
            if let Some(slot) = scope.iter_mut().rev().find(|(n, _)| n == name) {
                slot.1 = value;
                return Ok(());
            }
        }
        Err(RuntimeError::new(format!("'{name}' is not declared")))
    }

    fn declare(&mut self, name: &str, value: Datum) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name.to_string(), value));
        }
    }
}

/// Runs `stmts` with the given input variables, appending emitted pairs to `out`.
pub fn run_block(
    stmts: &[Stmt],
    inputs: Vec<(String, Datum)>,
    budget: &mut Budget,
    out: &mut Vec<(Datum, Datum)>,
) -> Result<(), RuntimeError> {
    let mut env = Env {
        scopes: vec![inputs],
    };
    exec_block(stmts, &mut env, budget, out)
}

/// Evaluates one expression with the given variables (the partitioner's `by` clause).
pub fn eval_with(
    expr: &Expr,
    inputs: Vec<(String, Datum)>,
    budget: &mut Budget,
) -> Result<Datum, RuntimeError> {
    let env = Env {
        scopes: vec![inputs],
    };
    eval(expr, &env, budget)
}

fn exec_block(
    stmts: &[Stmt],
    env: &mut Env,
    budget: &mut Budget,
    out: &mut Vec<(Datum, Datum)>,
) -> Result<(), RuntimeError> {
    env.scopes.push(Vec::new());
    let result = stmts.iter().try_for_each(|s| exec(s, env, budget, out));
    env.scopes.pop();
    result
}

fn exec(
    stmt: &Stmt,
    env: &mut Env,
    budget: &mut Budget,
    out: &mut Vec<(Datum, Datum)>,
) -> Result<(), RuntimeError> {
    budget.charge(1)?;
    match stmt {
        Stmt::Emit { key, value } => {
            let k = eval(key, env, budget)?;
            let v = eval(value, env, budget)?;
            out.push((k, v));
        }
        Stmt::Let { name, value } => {
            let v = eval(value, env, budget)?;
            env.declare(name, v);
        }
        Stmt::Assign { name, value } => {
            let v = eval(value, env, budget)?;
            env.set(name, v)?;
        }
        Stmt::If {
            cond,
            then,
            otherwise,
        } => {
            if eval(cond, env, budget)?.truthy() {
                exec_block(then, env, budget, out)?;
            } else {
                exec_block(otherwise, env, budget, out)?;
            }
        }
        Stmt::For { var, iter, body } => {
            let items = match eval(iter, env, budget)? {
                Datum::List(l) => l,
                Datum::Map(m) => m.into_keys().map(Datum::Str).collect(),
                Datum::Str(s) => s.chars().map(|c| Datum::Str(c.to_string())).collect(),
                other => {
                    return Err(RuntimeError::new(format!(
                        "'for' needs a list, map or string to loop over, not a {}",
                        other.type_name()
                    )));
                }
            };
            for item in items {
                budget.charge(1)?;
                env.scopes.push(vec![(var.clone(), item)]);
                let r = exec_block(body, env, budget, out);
                env.scopes.pop();
                r?;
            }
        }
    }
    Ok(())
}

fn eval(expr: &Expr, env: &Env, budget: &mut Budget) -> Result<Datum, RuntimeError> {
    budget.charge(1)?;
    Ok(match expr {
        Expr::Null => Datum::Null,
        Expr::Bool(b) => Datum::Bool(*b),
        Expr::Number(n) => match n.parse::<i64>() {
            Ok(i) => Datum::Int(i),
            Err(_) => Datum::Num(
                Number::parse(n)
                    .map_err(|e| RuntimeError::new(format!("bad number {n}: {}", e.message)))?,
            ),
        },
        Expr::Str(s) => Datum::Str(s.clone()),
        Expr::List(items) => {
            let list = Datum::List(
                items
                    .iter()
                    .map(|e| eval(e, env, budget))
                    .collect::<Result<_, _>>()?,
            );
            // A loop can wrap a list in a list over and over; data that deep would make
            // every later comparison and hash recurse that deep.
            if nesting(&list) > MAX_NESTING {
                return Err(RuntimeError::new(format!(
                    "lists and maps may nest at most {MAX_NESTING} levels deep"
                )));
            }
            list
        }
        Expr::Var(name) => {
            let v = env.get(name)?;
            budget.charge(builtins::weight(v))?;
            v.clone()
        }
        Expr::Call { name, args } => {
            let args: Vec<Datum> = args
                .iter()
                .map(|e| eval(e, env, budget))
                .collect::<Result<_, _>>()?;
            builtins::call(name, &args, budget)?
        }
        Expr::Member { target, name } => match eval(target, env, budget)? {
            Datum::Map(mut m) => m.remove(name).unwrap_or(Datum::Null),
            Datum::Null => Datum::Null,
            other => {
                return Err(RuntimeError::new(format!(
                    "cannot read .{name} of a {}",
                    other.type_name()
                )));
            }
        },
        Expr::Index { target, index } => {
            let t = eval(target, env, budget)?;
            let i = eval(index, env, budget)?;
            index_into(t, &i)?
        }
        Expr::Unary { op, operand } => {
            let v = eval(operand, env, budget)?;
            match op {
                UnaryOp::Not => Datum::Bool(!v.truthy()),
                UnaryOp::Neg => match v {
                    Datum::Int(i) => match i.checked_neg() {
                        Some(n) => Datum::Int(n),
                        None => Datum::Num(Number::from_i64(i).negated()),
                    },
                    Datum::Num(n) => Datum::Num(n.negated()),
                    other => {
                        return Err(RuntimeError::new(format!(
                            "cannot negate a {}",
                            other.type_name()
                        )));
                    }
                },
            }
        }
        Expr::Binary { op, left, right } => match op {
            BinaryOp::And => {
                let l = eval(left, env, budget)?;
                Datum::Bool(l.truthy() && eval(right, env, budget)?.truthy())
            }
            BinaryOp::Or => {
                let l = eval(left, env, budget)?;
                Datum::Bool(l.truthy() || eval(right, env, budget)?.truthy())
            }
            _ => {
                let l = eval(left, env, budget)?;
                let r = eval(right, env, budget)?;
                binary(*op, l, r, budget)?
            }
        },
    })
}

fn index_into(target: Datum, index: &Datum) -> Result<Datum, RuntimeError> {
    match (target, index) {
        (Datum::List(l), Datum::Int(i)) => {
            let len = l.len() as i64;
            let at = if *i < 0 { len + i } else { *i };
            Ok(usize::try_from(at)
                .ok()
                .and_then(|at| l.into_iter().nth(at))
                .unwrap_or(Datum::Null))
        }
        (Datum::Map(mut m), Datum::Str(k)) => Ok(m.remove(k).unwrap_or(Datum::Null)),
        (Datum::Str(s), Datum::Int(i)) => Ok(usize::try_from(*i)
            .ok()
            .and_then(|i| s.chars().nth(i))
            .map_or(Datum::Null, |c| Datum::Str(c.to_string()))),
        (Datum::Null, _) => Ok(Datum::Null),
        (t, i) => Err(RuntimeError::new(format!(
            "cannot index a {} with a {}",
            t.type_name(),
            i.type_name()
        ))),
    }
}

/// A float result as an exact decimal (through its shortest round-trip text).
fn from_f64(x: f64) -> Result<Datum, RuntimeError> {
    if !x.is_finite() {
        return Err(RuntimeError::new(
            "arithmetic result is not a finite number",
        ));
    }
    Number::parse(&format!("{x}"))
        .map(Datum::Num)
        .map_err(|_| RuntimeError::new(format!("{x} is outside DynamoDB's number range")))
}

fn binary(op: BinaryOp, l: Datum, r: Datum, budget: &mut Budget) -> Result<Datum, RuntimeError> {
    use BinaryOp::*;
    let mismatch = |what: &str, l: &Datum, r: &Datum| {
        RuntimeError::new(format!(
            "cannot {what} a {} and a {}",
            l.type_name(),
            r.type_name()
        ))
    };
    Ok(match op {
        Eq => Datum::Bool(l == r),
        Ne => Datum::Bool(l != r),
        Lt | Le | Gt | Ge => {
            if l.type_name() != r.type_name() {
                return Err(mismatch("compare", &l, &r));
            }
            let ord = l.cmp(&r);
            Datum::Bool(match op {
                Lt => ord.is_lt(),
                Le => ord.is_le(),
                Gt => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        Add => match (&l, &r) {
            (Datum::Str(a), Datum::Str(b)) => {
                budget.charge((a.len() + b.len()) as u64 / 64)?;
                Datum::Str(format!("{a}{b}"))
            }
            (Datum::List(a), Datum::List(b)) => {
                budget.charge((a.len() + b.len()) as u64)?;
                Datum::List(a.iter().chain(b.iter()).cloned().collect())
            }
            _ => l.add(&r).ok_or_else(|| mismatch("add", &l, &r))?,
        },
        Sub => {
            let neg = match &r {
                Datum::Int(i) => i.checked_neg().map(Datum::Int),
                Datum::Num(n) => Some(Datum::Num(n.negated())),
                _ => None,
            };
            neg.and_then(|n| l.add(&n))
                .ok_or_else(|| mismatch("subtract", &l, &r))?
        }
        Mul | Div | Rem => {
            if let (Datum::Int(a), Datum::Int(b)) = (&l, &r) {
                let exact = match op {
                    Mul => a.checked_mul(*b),
                    Div if *b != 0 && a % b == 0 => a.checked_div(*b),
                    Rem if *b != 0 => a.checked_rem(*b),
                    _ => None,
                };
                if let Some(v) = exact {
                    return Ok(Datum::Int(v));
                }
            }
            let (Some(a), Some(b)) = (l.as_f64(), r.as_f64()) else {
                return Err(mismatch("do arithmetic on", &l, &r));
            };
            if matches!(op, Div | Rem) && b == 0.0 {
                return Err(RuntimeError::new("division by zero"));
            }
            from_f64(match op {
                Mul => a * b,
                Div => a / b,
                _ => a % b,
            })?
        }
        And | Or => Datum::Bool(l.truthy() && r.truthy()),
    })
}

/// Applies a built-in reducer to one key's values, producing the output pairs.
pub fn apply_named(
    reducer: NamedReducer,
    key: &Datum,
    values: Vec<Datum>,
) -> Result<Vec<(Datum, Datum)>, RuntimeError> {
    let one = |v: Datum| Ok(vec![(key.clone(), v)]);
    match reducer {
        NamedReducer::Sum => one(sum(&values)?),
        NamedReducer::Count => one(Datum::Int(values.len() as i64)),
        NamedReducer::Min => one(values.into_iter().min().unwrap_or(Datum::Null)),
        NamedReducer::Max => one(values.into_iter().max().unwrap_or(Datum::Null)),
        NamedReducer::Avg => {
            let n = values.len();
            let total = sum(&values)?;
            match (total.as_f64(), n) {
                (_, 0) => one(Datum::Null),
                (Some(t), n) => match &total {
                    Datum::Int(i) if i % (n as i64) == 0 => one(Datum::Int(i / n as i64)),
                    _ => one(from_f64(t / n as f64)?),
                },
                (None, _) => Err(RuntimeError::new("avg needs numbers")),
            }
        }
        NamedReducer::Collect => one(Datum::List(values)),
        NamedReducer::Distinct => {
            let mut v = values;
            v.sort();
            v.dedup();
            one(Datum::List(v))
        }
        NamedReducer::First => one(values.into_iter().next().unwrap_or(Datum::Null)),
        NamedReducer::Identity => Ok(values.into_iter().map(|v| (key.clone(), v)).collect()),
    }
}

fn sum(values: &[Datum]) -> Result<Datum, RuntimeError> {
    let mut total = Datum::Int(0);
    for v in values {
        total = total.add(v).ok_or_else(|| {
            RuntimeError::new(format!(
                "sum needs numbers, but a value is a {}",
                v.type_name()
            ))
        })?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse;

    fn map_line(src: &str, line: &str) -> Result<Vec<(Datum, Datum)>, RuntimeError> {
        let p = parse(src).unwrap();
        let mut out = Vec::new();
        run_block(
            &p.map,
            vec![("line".into(), Datum::from(line))],
            &mut Budget::new(BUDGET_PER_RECORD),
            &mut out,
        )?;
        Ok(out)
    }

    #[test]
    fn loops_conditions_and_variables() {
        let src = r#"
            map {
              let n = 0
              for w in words(line) {
                n = n + 1
                if length(w) > 2 { emit upper(w), n } else { emit "short", n * 10 }
              }
            }
            reduce sum
        "#;
        let out = map_line(src, "the ox ran").unwrap();
        let shown: Vec<String> = out.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(shown, ["THE=1", "short=20", "RAN=3"]);
    }

    #[test]
    fn arithmetic_is_exact_where_it_can_be() {
        let out = map_line("map { emit 0.1 + 0.2, 7 / 2 } reduce sum", "").unwrap();
        assert_eq!(out[0].0.to_string(), "0.3");
        assert_eq!(out[0].1.to_string(), "3.5");
        let err = map_line("map { emit 1 / 0, 1 } reduce sum", "").unwrap_err();
        assert_eq!(err.message, "division by zero");
        let err = map_line("map { emit line + 1, 1 } reduce sum", "x").unwrap_err();
        assert_eq!(err.message, "cannot add a string and a number");
    }

    #[test]
    fn data_cannot_nest_without_bound() {
        let src = "map { let l = [] for i in range(1000) { l = [l] } emit 1, l } reduce sum";
        let err = map_line(src, "").unwrap_err();
        assert!(err.message.contains("nest at most 64"), "{err}");
        let ok = map_line(
            "map { let l = [] for i in range(10) { l = [l] } emit 1, l } reduce sum",
            "",
        );
        assert!(ok.is_ok());
    }

    #[test]
    fn the_budget_stops_runaway_loops() {
        let src = "map { for a in range(1000) { for b in range(1000) { emit a, b } } } reduce sum";
        let err = map_line(src, "").unwrap_err();
        assert!(err.message.starts_with("work limit exceeded"), "{err}");
    }

    #[test]
    fn named_reducers() {
        let k = Datum::from("k");
        let vals = || vec![Datum::Int(3), Datum::Int(1), Datum::Int(2), Datum::Int(1)];
        let run = |r| apply_named(r, &k, vals()).unwrap();
        assert_eq!(run(NamedReducer::Sum)[0].1, Datum::Int(7));
        assert_eq!(run(NamedReducer::Count)[0].1, Datum::Int(4));
        assert_eq!(run(NamedReducer::Min)[0].1, Datum::Int(1));
        assert_eq!(run(NamedReducer::Max)[0].1, Datum::Int(3));
        assert_eq!(run(NamedReducer::Avg)[0].1.to_string(), "1.75");
        assert_eq!(run(NamedReducer::Distinct)[0].1.to_string(), "[1, 2, 3]");
        assert_eq!(run(NamedReducer::Identity).len(), 4);
        assert!(apply_named(NamedReducer::Sum, &k, vec![Datum::from("x")]).is_err());
    }
}
