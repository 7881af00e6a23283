//! Jobs over DynamoDB items: a group-by with aggregates, and the top K.
//!
//! Both are written the MapReduce way: the map turns each item into a small *partial*
//! result, the combiner merges partials on the map side (so a mapper sends one partial per
//! group, not one per item), and the reduce merges what the mappers sent and finishes it.
//! Missing attributes are skipped, as SQL skips nulls; `count` counts items in the group.

use serde::Serialize;

use crate::datum::Datum;
use crate::mapreduce::record::Record;
use crate::script::RuntimeError;

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AggFn {
    Count,
    Sum,
    Min,
    Max,
    Avg,
}

impl AggFn {
    pub fn name(self) -> &'static str {
        match self {
            AggFn::Count => "count",
            AggFn::Sum => "sum",
            AggFn::Min => "min",
            AggFn::Max => "max",
            AggFn::Avg => "avg",
        }
    }

    pub fn parse(s: &str) -> Option<AggFn> {
        [AggFn::Count, AggFn::Sum, AggFn::Min, AggFn::Max, AggFn::Avg]
            .into_iter()
            .find(|f| f.name() == s)
    }
}

/// One aggregate: a function of an attribute (`count` needs none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Aggregate {
    pub func: AggFn,
    pub attribute: Option<String>,
}

impl Aggregate {
    fn label(&self) -> String {
        match &self.attribute {
            Some(a) => format!("{}({a})", self.func.name()),
            None => self.func.name().to_string(),
        }
    }
}

/// `SELECT by, aggregates... GROUP BY by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupBy {
    pub by: String,
    pub aggregates: Vec<Aggregate>,
}

fn item(record: &Record) -> Result<&dynaplay_dynamo::value::Item, RuntimeError> {
    match record {
        Record::Item(i) => Ok(i),
        Record::Line { .. } => Err(RuntimeError::new(
            "this job reads DynamoDB items, but its input is lines of text",
        )),
    }
}

fn attr(record: &dynaplay_dynamo::value::Item, name: &str) -> Option<Datum> {
    record.get(name).map(Datum::from_attribute)
}

impl GroupBy {
    /// The partial for one item: one slot per aggregate (`Avg` keeps `[sum, count]`).
    pub fn map(&self, record: &Record, out: &mut Vec<(Datum, Datum)>) -> Result<(), RuntimeError> {
        let it = item(record)?;
        let Some(group) = attr(it, &self.by) else {
            return Ok(());
        };
        let partial = self
            .aggregates
            .iter()
            .map(|a| {
                let v = a.attribute.as_deref().and_then(|n| attr(it, n));
                match a.func {
                    AggFn::Count => Datum::Int(1),
                    AggFn::Sum => v.filter(|v| v.as_number().is_some()).unwrap_or(Datum::Null),
                    AggFn::Min | AggFn::Max => v.unwrap_or(Datum::Null),
                    AggFn::Avg => match v.filter(|v| v.as_number().is_some()) {
                        Some(n) => Datum::List(vec![n, Datum::Int(1)]),
                        None => Datum::Null,
                    },
                }
            })
            .collect();
        out.push((group, Datum::List(partial)));
        Ok(())
    }

    /// Merges partials into one.
    pub fn merge(&self, partials: Vec<Datum>) -> Datum {
        let mut acc: Vec<Datum> = vec![Datum::Null; self.aggregates.len()];
        for p in partials {
            let Datum::List(slots) = p else { continue };
            for ((a, slot), v) in self.aggregates.iter().zip(acc.iter_mut()).zip(slots) {
                *slot = merge_slot(a.func, std::mem::replace(slot, Datum::Null), v);
            }
        }
        Datum::List(acc)
    }

    /// The final row: `count=3  sum(score)=42 ...`, tab-separated in aggregate order.
    pub fn finish(&self, merged: Datum) -> Datum {
        let Datum::List(slots) = merged else {
            return Datum::Null;
        };
        let cells: Vec<String> = self
            .aggregates
            .iter()
            .zip(slots)
            .map(|(a, v)| {
                let shown = match (a.func, v) {
                    (AggFn::Count, Datum::Null) => Datum::Int(0),
                    (AggFn::Avg, Datum::List(sc)) => average(&sc),
                    (_, v) => v,
                };
                format!("{}={shown}", a.label())
            })
            .collect();
        Datum::Str(cells.join("\t"))
    }
}

fn merge_slot(func: AggFn, a: Datum, b: Datum) -> Datum {
    match (a, b) {
        (Datum::Null, b) => b,
        (a, Datum::Null) => a,
        (a, b) => match func {
            AggFn::Count | AggFn::Sum => a.add(&b).unwrap_or(a),
            AggFn::Min => a.min(b),
            AggFn::Max => a.max(b),
            AggFn::Avg => match (a, b) {
                (Datum::List(x), Datum::List(y)) => Datum::List(
                    x.iter()
                        .zip(y.iter())
                        .map(|(p, q)| p.add(q).unwrap_or(Datum::Null))
                        .collect(),
                ),
                (a, _) => a,
            },
        },
    }
}

fn average(sum_count: &[Datum]) -> Datum {
    let (Some(sum), Some(count)) = (sum_count.first(), sum_count.get(1)) else {
        return Datum::Null;
    };
    match (sum, count) {
        (Datum::Int(s), Datum::Int(c)) if *c != 0 && s % c == 0 => Datum::Int(s / c),
        _ => match (sum.as_f64(), count.as_f64()) {
            (Some(s), Some(c)) if c != 0.0 => {
                let avg = s / c;
                dynaplay_dynamo::value::Number::parse(&format!("{avg}"))
                    .map_or(Datum::Null, Datum::Num)
            }
            _ => Datum::Null,
        },
    }
}

/// The `k` items with the highest (or lowest) `by`, overall or per `group_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopK {
    pub k: usize,
    pub by: String,
    pub group_by: Option<String>,
    /// Attributes to show for each entry (all of the item's when empty).
    pub show: Vec<String>,
    /// Lowest first instead of highest first (a golf leaderboard).
    pub ascending: bool,
}

impl TopK {
    /// Each item with a numeric `by` becomes a candidate `[score, shown]`.
    pub fn map(&self, record: &Record, out: &mut Vec<(Datum, Datum)>) -> Result<(), RuntimeError> {
        let it = item(record)?;
        let Some(score) = attr(it, &self.by).filter(|v| v.as_number().is_some()) else {
            return Ok(());
        };
        let group = match &self.group_by {
            Some(g) => match attr(it, g) {
                Some(v) => v,
                None => return Ok(()),
            },
            None => Datum::Null,
        };
        let shown = if self.show.is_empty() {
            Datum::from_item(it)
        } else {
            Datum::List(
                self.show
                    .iter()
                    .map(|a| attr(it, a).unwrap_or(Datum::Null))
                    .collect(),
            )
        };
        out.push((group, Datum::List(vec![score, shown])));
        Ok(())
    }

    fn order(&self, a: &Datum, b: &Datum) -> std::cmp::Ordering {
        let score = |d: &Datum| match d {
            Datum::List(l) => l.first().cloned().unwrap_or(Datum::Null),
            _ => Datum::Null,
        };
        let by_score = score(a).cmp(&score(b));
        let by_score = if self.ascending {
            by_score
        } else {
            by_score.reverse()
        };
        // Ties go to the smaller shown value, so the ranking never depends on input order.
        by_score.then_with(|| a.cmp(b))
    }

    /// The best `k` candidates, best first.
    pub fn keep_top(&self, mut candidates: Vec<Datum>) -> Vec<Datum> {
        candidates.sort_by(|a, b| self.order(a, b));
        candidates.truncate(self.k);
        candidates
    }

    /// Emits `rank<TAB>shown...<TAB>score` lines (prefixed by the group when grouped).
    pub fn emit_ranked(
        &self,
        group: &Datum,
        candidates: Vec<Datum>,
        out: &mut Vec<(Datum, Datum)>,
    ) {
        for (rank, c) in self.keep_top(candidates).into_iter().enumerate() {
            let Datum::List(parts) = c else { continue };
            let score = parts.first().cloned().unwrap_or(Datum::Null);
            let shown = match parts.get(1) {
                Some(Datum::List(cols)) => cols
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\t"),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let rank = rank as i64 + 1;
            let key = match group {
                Datum::Null => Datum::Int(rank),
                g => Datum::Str(format!("{g}\t{rank}")),
            };
            out.push((key, Datum::Str(format!("{shown}\t{score}"))));
        }
    }
}
