//! The jobs: what a map and a reduce compute.
//!
//! [`JobLogic`] names a computation. The built-ins are the classics: Hadoop's WordCount,
//! the MapReduce paper's distributed grep and sort, an inverted index, and two that read
//! DynamoDB items — a group-by with count/sum/min/max/avg and a top-K (a game's
//! leaderboard). [`JobLogic::Script`] runs a user's job written in the job language
//! ([`crate::script`]).
//!
//! Each job really computes its output: word counts are the true counts, the sort's output
//! is sorted. The framework (splitting, partitioning, the shuffle's merge, retries) is the
//! same for all of them and lives in [`crate::mapreduce`]; here is only what differs.

mod table;
mod text;

use std::sync::Arc;

pub use table::{AggFn, Aggregate, GroupBy, TopK};

use crate::datum::Datum;
use crate::error::EmrError;
use crate::mapreduce::record::Record;
use crate::mapreduce::spec::CostModel;
use crate::script::RuntimeError;
use crate::script::ast::{InputKind, NamedReducer, Program, Reducer};
use crate::script::eval::{self, BUDGET_PER_RECORD, BUDGET_PER_VALUE, Budget};

/// A job's computation.
#[derive(Debug, Clone)]
pub enum JobLogic {
    /// Hadoop's WordCount: words are maximal runs of non-whitespace, case kept.
    WordCount,
    /// The paper's distributed grep: lines containing a fixed string, in input order.
    Grep { pattern: String },
    /// The paper's sort: lines in byte order, with a sampled range partitioner so that
    /// the output files, read in order, are one sorted sequence.
    Sort,
    /// An inverted index: for each word, the lines it occurs on.
    InvertedIndex,
    /// Group DynamoDB items by an attribute and aggregate.
    GroupBy(GroupBy),
    /// The top K items by a numeric attribute, optionally per group.
    TopK(TopK),
    /// A user's job script.
    Script(Arc<Program>),
}

/// How a job assigns keys to reducers.
#[derive(Debug, Clone, PartialEq)]
pub enum PartitionerKind {
    /// `hash(key) mod R`.
    Hash,
    /// Split points sampled from the input; reducer `i` gets keys below point `i`.
    TotalOrder,
    /// The script's `partition by` expression.
    Script,
}

impl JobLogic {
    /// A built-in text job by name: `wordcount`, `grep` (which needs a pattern), `sort` or
    /// `invert`.
    pub fn builtin(name: &str, pattern: Option<&str>) -> Result<JobLogic, EmrError> {
        match (name, pattern) {
            ("wordcount", _) => Ok(JobLogic::WordCount),
            ("grep", Some(p)) if !p.is_empty() => Ok(JobLogic::Grep {
                pattern: p.to_string(),
            }),
            ("grep", _) => Err(EmrError::InvalidConfig(
                "grep needs a non-empty pattern".into(),
            )),
            ("sort", _) => Ok(JobLogic::Sort),
            ("invert", _) => Ok(JobLogic::InvertedIndex),
            (other, _) => Err(EmrError::InvalidConfig(format!(
                "unknown job {other:?}: the built-in jobs are wordcount, grep, sort and invert"
            ))),
        }
    }

    /// A user's job script, parsed.
    pub fn script(source: &str) -> Result<JobLogic, EmrError> {
        Ok(JobLogic::Script(Arc::new(crate::script::parse(source)?)))
    }

    /// A short name for listings.
    pub fn name(&self) -> String {
        match self {
            JobLogic::WordCount => "wordcount".into(),
            JobLogic::Grep { pattern } => format!("grep {pattern:?}"),
            JobLogic::Sort => "sort".into(),
            JobLogic::InvertedIndex => "invert".into(),
            JobLogic::GroupBy(g) => format!("group-by {}", g.by),
            JobLogic::TopK(t) => format!("top-{} by {}", t.k, t.by),
            JobLogic::Script(_) => "script".into(),
        }
    }

    /// What kind of record the map reads.
    pub fn input_kind(&self) -> Option<InputKind> {
        match self {
            JobLogic::WordCount
            | JobLogic::Grep { .. }
            | JobLogic::Sort
            | JobLogic::InvertedIndex => Some(InputKind::Lines),
            JobLogic::GroupBy(_) | JobLogic::TopK(_) => Some(InputKind::Items),
            JobLogic::Script(p) => p.input,
        }
    }

    /// Reducers when the config does not say. Grep collects into one file as in the
    /// paper; a global top-K needs a single reducer to see every candidate.
    pub fn default_reduces(&self) -> u32 {
        match self {
            JobLogic::Script(p) => p.reducers.unwrap_or(1),
            _ => 1,
        }
    }

    /// A number of reducers the job cannot work without.
    pub fn required_reduces(&self) -> Option<u32> {
        match self {
            JobLogic::TopK(t) if t.group_by.is_none() => Some(1),
            _ => None,
        }
    }

    pub fn has_combiner(&self) -> bool {
        match self {
            JobLogic::WordCount | JobLogic::GroupBy(_) | JobLogic::TopK(_) => true,
            JobLogic::Script(p) => p.combine.is_some(),
            _ => false,
        }
    }

    pub fn partitioner(&self) -> PartitionerKind {
        match self {
            JobLogic::Sort => PartitionerKind::TotalOrder,
            JobLogic::Script(p) if p.partition.is_some() => PartitionerKind::Script,
            _ => PartitionerKind::Hash,
        }
    }

    /// The map function: one record in, pairs appended to `out`.
    pub fn map(&self, record: &Record, out: &mut Vec<(Datum, Datum)>) -> Result<(), RuntimeError> {
        match self {
            JobLogic::WordCount => text::word_count_map(record, out),
            JobLogic::Grep { pattern } => text::grep_map(pattern, record, out),
            JobLogic::Sort => text::sort_map(record, out),
            JobLogic::InvertedIndex => text::invert_map(record, out),
            JobLogic::GroupBy(g) => g.map(record, out),
            JobLogic::TopK(t) => t.map(record, out),
            JobLogic::Script(p) => {
                let inputs = record.script_inputs();
                eval::run_block(&p.map, inputs, &mut Budget::new(BUDGET_PER_RECORD), out)
            }
        }
    }

    /// The combiner: one key's values on the map side, to fewer values.
    pub fn combine(&self, key: &Datum, values: Vec<Datum>) -> Result<Vec<Datum>, RuntimeError> {
        match self {
            JobLogic::WordCount => Ok(reduce_named(NamedReducer::Sum, key, values)?),
            JobLogic::GroupBy(g) => Ok(vec![g.merge(values)]),
            JobLogic::TopK(t) => Ok(t.keep_top(values)),
            JobLogic::Script(p) => match &p.combine {
                Some(Reducer::Named(n)) => reduce_named(*n, key, values),
                _ => Ok(values),
            },
            _ => Ok(values),
        }
    }

    /// The reduce function: one key and all its values, pairs appended to `out`.
    pub fn reduce(
        &self,
        key: &Datum,
        values: Vec<Datum>,
        out: &mut Vec<(Datum, Datum)>,
    ) -> Result<(), RuntimeError> {
        match self {
            JobLogic::WordCount => {
                out.extend(eval::apply_named(NamedReducer::Sum, key, values)?);
            }
            JobLogic::Grep { .. } => out.extend(values.into_iter().map(|v| (Datum::Null, v))),
            JobLogic::Sort => out.extend(values.into_iter().map(|_| (key.clone(), Datum::Null))),
            JobLogic::InvertedIndex => out.push(text::invert_reduce(key, values)),
            JobLogic::GroupBy(g) => out.push((key.clone(), g.finish(g.merge(values)))),
            JobLogic::TopK(t) => t.emit_ranked(key, values, out),
            JobLogic::Script(p) => match &p.reduce {
                Reducer::Named(n) => out.extend(eval::apply_named(*n, key, values)?),
                Reducer::Block(stmts) => {
                    let budget = BUDGET_PER_RECORD
                        .saturating_add(BUDGET_PER_VALUE.saturating_mul(values.len() as u64));
                    let inputs = vec![
                        ("key".to_string(), key.clone()),
                        ("values".to_string(), Datum::List(values)),
                    ];
                    eval::run_block(stmts, inputs, &mut Budget::new(budget), out)?;
                }
            },
        }
        Ok(())
    }

    /// The reducer a key goes to under the script's `partition by` clause.
    pub fn script_partition(&self, key: &Datum, reduces: u32) -> Result<u32, RuntimeError> {
        let JobLogic::Script(p) = self else {
            return Ok(0);
        };
        let Some(expr) = &p.partition else {
            return Ok(0);
        };
        let r = u64::from(reduces.max(1));
        let v = eval::eval_with(
            expr,
            vec![("key".to_string(), key.clone())],
            &mut Budget::new(BUDGET_PER_RECORD),
        )?;
        let slot = match v {
            Datum::Int(i) => i.rem_euclid(r as i64) as u64,
            other => other.stable_hash() % r,
        };
        Ok(slot as u32)
    }

    /// Default costs at nominal speed.
    pub fn default_cost(&self) -> CostModel {
        let map_cpu = match self {
            JobLogic::WordCount => 0.04,
            JobLogic::Grep { .. } => 0.01,
            JobLogic::Sort => 0.01,
            JobLogic::InvertedIndex => 0.05,
            JobLogic::GroupBy(_) | JobLogic::TopK(_) => 0.03,
            JobLogic::Script(_) => 0.08,
        };
        CostModel {
            task_launch_secs: 1.5,
            map_cpu_secs_per_mb: map_cpu,
            spill_passes: 1.0,
            sort_cpu_secs_per_mb: 0.02,
            merge_passes: 1.0,
            reduce_cpu_secs_per_mb: 0.01,
            output_write_mbps: None,
        }
    }

    /// Renders an output pair as a line of a part file: `key<TAB>value`, or only the one
    /// that is not null (as Hadoop's `TextOutputFormat` skips a `NullWritable`).
    pub fn output_line(key: &Datum, value: &Datum) -> String {
        match (key, value) {
            (Datum::Null, Datum::Null) => String::new(),
            (Datum::Null, v) => v.to_string(),
            (k, Datum::Null) => k.to_string(),
            (k, v) => format!("{k}\t{v}"),
        }
    }
}

fn reduce_named(
    n: NamedReducer,
    key: &Datum,
    values: Vec<Datum>,
) -> Result<Vec<Datum>, RuntimeError> {
    Ok(eval::apply_named(n, key, values)?
        .into_iter()
        .map(|(_, v)| v)
        .collect())
}
