//! The real computation of a map task and of a reduce task.
//!
//! The simulated clock decides *when* a task runs and how long it takes; this module
//! decides *what it produces*, by running the job's functions on the records for real.
//! A map runs the map function over its split, partitions each pair, sorts each
//! partition by key (a stable sort: pairs with equal keys keep their emission order, so
//! the output is the same on every run), and runs the combiner over each key's run of
//! values. A reduce merges its partition from every map output, in map order, groups by
//! key and runs the reduce function.
//!
//! Running a task twice gives the same output, so a re-executed map (after its node was
//! lost) or a speculative duplicate produces exactly what the first attempt did: only one
//! attempt's output is ever committed, and that is how the job's output stays correct
//! under failures.

use crate::datum::Datum;
use crate::jobs::{JobLogic, PartitionerKind};
use crate::mapreduce::record::Record;
use crate::script::RuntimeError;

/// How keys are assigned to reducers.
#[derive(Debug, Clone, PartialEq)]
pub enum Partitioner {
    Hash,
    /// Sorted split points: a key goes to the number of points not greater than it.
    Range(Vec<Datum>),
    Script,
}

impl Partitioner {
    pub fn partition(
        &self,
        logic: &JobLogic,
        key: &Datum,
        reduces: u32,
    ) -> Result<u32, RuntimeError> {
        let r = reduces.max(1);
        Ok(match self {
            Partitioner::Hash => (key.stable_hash() % u64::from(r)) as u32,
            Partitioner::Range(points) => {
                let below = points.partition_point(|p| p <= key);
                (below as u32).min(r - 1)
            }
            Partitioner::Script => logic.script_partition(key, r)?,
        })
    }

    /// Builds the job's partitioner; a total order samples the map's keys from `sample`.
    pub fn build(
        logic: &JobLogic,
        reduces: u32,
        sample: &[&Record],
    ) -> Result<Partitioner, RuntimeError> {
        Ok(match logic.partitioner() {
            PartitionerKind::Hash => Partitioner::Hash,
            PartitionerKind::Script => Partitioner::Script,
            PartitionerKind::TotalOrder => {
                let mut keys = Vec::new();
                for r in sample {
                    let mut out = Vec::new();
                    logic.map(r, &mut out)?;
                    keys.extend(out.into_iter().map(|(k, _)| k));
                }
                keys.sort();
                let r = reduces.max(1) as usize;
                let points = (1..r)
                    .filter_map(|i| keys.get(i * keys.len() / r).cloned())
                    .collect();
                Partitioner::Range(points)
            }
        })
    }
}

/// What a map attempt produced.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOutput {
    /// One sorted run per reducer.
    pub partitions: Vec<Vec<(Datum, Datum)>>,
    /// Serialised bytes per reducer.
    pub bytes: Vec<u64>,
    pub input_records: u64,
    pub output_records: u64,
    pub combine_input_records: u64,
    pub combine_output_records: u64,
}

impl MapOutput {
    pub fn total_bytes(&self) -> u64 {
        self.bytes.iter().sum()
    }
}

fn pair_bytes(k: &Datum, v: &Datum) -> u64 {
    k.encoded_len() + v.encoded_len()
}

/// Runs a map task over its records.
pub fn run_map(
    logic: &JobLogic,
    records: &[Record],
    partitioner: &Partitioner,
    reduces: u32,
    combine: bool,
) -> Result<MapOutput, RuntimeError> {
    let r = reduces.max(1) as usize;
    let mut partitions: Vec<Vec<(Datum, Datum)>> = vec![Vec::new(); r];
    let mut emitted = Vec::new();
    let mut output_records = 0u64;
    for record in records {
        emitted.clear();
        logic.map(record, &mut emitted)?;
        output_records += emitted.len() as u64;
        for (k, v) in emitted.drain(..) {
            let p = partitioner.partition(logic, &k, reduces)? as usize;
            if let Some(part) = partitions.get_mut(p) {
                part.push((k, v));
            }
        }
    }
    let mut combine_input_records = 0;
    let mut combine_output_records = 0;
    for part in &mut partitions {
        part.sort_by(|a, b| a.0.cmp(&b.0));
        if combine && logic.has_combiner() {
            combine_input_records += part.len() as u64;
            let mut combined = Vec::with_capacity(part.len());
            for (key, values) in group(std::mem::take(part)) {
                for v in logic.combine(&key, values)? {
                    combined.push((key.clone(), v));
                }
            }
            combine_output_records += combined.len() as u64;
            *part = combined;
        }
    }
    let bytes = partitions
        .iter()
        .map(|p| p.iter().map(|(k, v)| pair_bytes(k, v)).sum())
        .collect();
    Ok(MapOutput {
        partitions,
        bytes,
        input_records: records.len() as u64,
        output_records,
        combine_input_records,
        combine_output_records,
    })
}

/// Groups a key-sorted run into keys and their values.
fn group(sorted: Vec<(Datum, Datum)>) -> Vec<(Datum, Vec<Datum>)> {
    let mut out: Vec<(Datum, Vec<Datum>)> = Vec::new();
    for (k, v) in sorted {
        match out.last_mut() {
            Some((last, values)) if *last == k => values.push(v),
            _ => out.push((k, vec![v])),
        }
    }
    out
}

/// What a reduce attempt produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReduceOutput {
    pub records: Vec<(Datum, Datum)>,
    pub input_groups: u64,
    pub input_records: u64,
    /// The part file's contents.
    pub text: String,
}

/// Runs a reduce task over its partition of every map output, given in map order.
pub fn run_reduce<'a>(
    logic: &JobLogic,
    inputs: impl Iterator<Item = &'a [(Datum, Datum)]>,
) -> Result<ReduceOutput, RuntimeError> {
    let mut merged: Vec<(Datum, Datum)> = inputs.flat_map(|run| run.iter().cloned()).collect();
    // Stable: values of one key stay in map order, then emission order.
    merged.sort_by(|a, b| a.0.cmp(&b.0));
    let input_records = merged.len() as u64;
    let groups = group(merged);
    let input_groups = groups.len() as u64;
    let mut records = Vec::new();
    for (k, values) in groups {
        logic.reduce(&k, values, &mut records)?;
    }
    let mut text = String::new();
    for (k, v) in &records {
        text.push_str(&JobLogic::output_line(k, v));
        text.push('\n');
    }
    Ok(ReduceOutput {
        records,
        input_groups,
        input_records,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_records(text: &str) -> Vec<Record> {
        text.lines()
            .enumerate()
            .map(|(i, l)| Record::Line {
                file: 0,
                doc_name: None,
                offset: 0,
                number: i as u64 + 1,
                text: l.to_string(),
            })
            .collect()
    }

    #[test]
    fn word_count_combines_on_the_map_side() {
        let recs = line_records("a b a\nb a c");
        let out = run_map(&JobLogic::WordCount, &recs, &Partitioner::Hash, 2, true).unwrap();
        assert_eq!(out.input_records, 2);
        assert_eq!(out.output_records, 6);
        assert_eq!(out.combine_input_records, 6);
        assert_eq!(out.combine_output_records, 3);
        let all: Vec<String> = out
            .partitions
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(all.len(), 3);
        assert!(all.contains(&"a=3".to_string()));
        let reduced = run_reduce(
            &JobLogic::WordCount,
            out.partitions.iter().map(|p| p.as_slice()),
        )
        .unwrap();
        let mut lines: Vec<&str> = reduced.text.lines().collect();
        lines.sort();
        assert_eq!(lines, ["a\t3", "b\t2", "c\t1"]);
    }

    #[test]
    fn range_partitions_are_ordered() {
        let recs = line_records("m\nc\nx\na\nq\nf");
        let sample: Vec<&Record> = recs.iter().collect();
        let p = Partitioner::build(&JobLogic::Sort, 3, &sample).unwrap();
        let out = run_map(&JobLogic::Sort, &recs, &p, 3, false).unwrap();
        let concat: Vec<String> = out
            .partitions
            .iter()
            .flat_map(|part| part.iter().map(|(k, _)| k.to_string()))
            .collect();
        assert_eq!(concat, ["a", "c", "f", "m", "q", "x"]);
        assert!(out.partitions.iter().all(|p| !p.is_empty()));
    }
}
