//! The jobs compute the right answer: word count, grep, sort and the inverted index agree
//! with a straightforward computation of the same thing, on generated inputs, on clusters
//! of different shapes — and still agree when task attempts fail and workers crash in the
//! middle of the job, because only one attempt of each task ever commits its output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};

use dynaplay_emr::cluster::ClusterConfig;
use dynaplay_emr::cluster::faults::Injection;
use dynaplay_emr::*;
use dynaplay_sim::{SimDuration, SimTime};
use proptest::prelude::*;

/// Hadoop's WordCount splits on these.
const DELIMS: [char; 5] = [' ', '\t', '\n', '\r', '\u{000C}'];

fn lines(text: &str) -> Vec<String> {
    text.split_inclusive('\n')
        .map(|l| {
            let l = l.strip_suffix('\n').unwrap_or(l);
            l.strip_suffix('\r').unwrap_or(l).to_string()
        })
        .collect()
}

fn reference_wordcount(text: &str) -> Vec<String> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for w in text.split(DELIMS).filter(|w| !w.is_empty()) {
        *counts.entry(w).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(w, c)| format!("{w}\t{c}"))
        .collect()
}

fn reference_grep(text: &str, pattern: &str) -> Vec<String> {
    lines(text)
        .into_iter()
        .filter(|l| l.contains(pattern))
        .collect()
}

fn reference_sort(text: &str) -> Vec<String> {
    let mut l = lines(text);
    l.sort();
    l
}

fn reference_invert(text: &str) -> Vec<String> {
    let mut index: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (i, line) in lines(text).iter().enumerate() {
        for w in line.split(DELIMS).filter(|w| !w.is_empty()) {
            index.entry(w.to_string()).or_default().insert(i + 1);
        }
    }
    index
        .into_iter()
        .map(|(w, docs)| {
            let docs: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
            format!("{w}\t{}", docs.join(","))
        })
        .collect()
}

/// How a run is disturbed.
#[derive(Debug, Clone)]
struct Trouble {
    /// Failures injected into the first attempts of some maps (fewer than four each).
    map_failures: Vec<(u32, u32)>,
    /// A reduce whose first attempt fails.
    reduce_failure: Option<u32>,
    /// A core node whose workers crash, and when.
    crash: Option<(u32, u64)>,
}

/// The cluster and job shape of one run.
#[derive(Debug, Clone, Copy)]
struct Shape {
    core: u32,
    task: u32,
    block: u64,
    reduces: u32,
    seed: u64,
}

fn run_job(text: &str, logic: JobLogic, shape: Shape, trouble: &Trouble) -> (String, JobSummary) {
    let Shape {
        core,
        task,
        block,
        reduces,
        seed,
    } = shape;
    let mut config = ClusterConfig::demo(core, task, seed);
    config.block_size = block;
    let mut c = Cluster::new(config).unwrap();
    c.advance_to(SimTime::ZERO);
    c.put_text("/in/input.txt", text).unwrap();
    for &(m, count) in &trouble.map_failures {
        c.inject_failures(Injection {
            task: Some(TaskRef::Map(m)),
            node: None,
            count,
        });
    }
    if let Some(r) = trouble.reduce_failure {
        c.inject_failures(Injection {
            task: Some(TaskRef::Reduce(r)),
            node: None,
            count: 1,
        });
    }
    let spec = JobSpec {
        name: "job".into(),
        logic,
        input: JobInput::Hdfs(vec!["/in".into()]),
        output: "/out".into(),
        config: JobConfig {
            reduces: Some(reduces),
            ..JobConfig::default()
        },
    };
    c.add_step(StepConfig {
        name: "job".into(),
        job: spec,
        action_on_failure: ActionOnFailure::Continue,
    })
    .unwrap();
    if let Some((node, at_ms)) = trouble.crash {
        c.advance_to(SimTime::from_millis(at_ms));
        let id = c.node_named(&format!("core-{node}")).unwrap();
        let _ = c.crash_worker(id, SimDuration::from_secs(20));
    }
    assert!(c.run_until_quiet(SimTime::from_secs(86_400)));
    let summary = c.job_summary(JobId(0)).unwrap();
    let out = if summary.state == "SUCCEEDED" {
        c.read_dir_text("/out").unwrap()
    } else {
        String::new()
    };
    (out, summary)
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Words from a small alphabet (so words repeat), with every kind of WordCount
    // delimiter, blank lines, CR LF endings and a few non-ASCII letters.
    let word = prop::sample::select(vec![
        "a", "b", "ab", "ba", "abc", "é", "ß", "a.b", "B", "zz",
    ]);
    let sep = prop::sample::select(vec![
        " ", " ", " ", "  ", "\t", "\n", "\n", "\r\n", "\u{000C}", "\n\n",
    ]);
    prop::collection::vec((word, sep), 0..120).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(w, s)| format!("{w}{s}"))
            .collect::<String>()
    })
}

fn trouble_strategy(enabled: bool) -> impl Strategy<Value = Trouble> {
    (
        prop::collection::vec((0u32..6, 1u32..4), 0..3),
        prop::option::of(0u32..3),
        prop::option::of((1u32..4, 4_000u64..9_000)),
    )
        .prop_map(move |(mut map_failures, reduce_failure, crash)| {
            // One injection per task, so that no task fails four times.
            map_failures.sort_unstable();
            map_failures.dedup_by_key(|f| f.0);
            if enabled {
                Trouble {
                    map_failures,
                    reduce_failure,
                    crash,
                }
            } else {
                Trouble {
                    map_failures: vec![],
                    reduce_failure: None,
                    crash: None,
                }
            }
        })
}

fn sorted(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(String::from).collect();
    v.sort();
    v
}

fn check_all(text: &str, shape: Shape, trouble: &Trouble) -> Result<(), TestCaseError> {
    // Word count: every part file is sorted by word; together they hold each word once.
    let (out, s) = run_job(text, JobLogic::WordCount, shape, trouble);
    prop_assert_eq!(&s.state, "SUCCEEDED", "{:?}", s.failure);
    prop_assert_eq!(sorted(&out), reference_wordcount(text));
    // Grep: one reducer, matching lines in input order.
    let grep = JobLogic::Grep {
        pattern: "ab".into(),
    };
    let (out, s) = run_job(
        text,
        grep,
        Shape {
            reduces: 1,
            ..shape
        },
        trouble,
    );
    prop_assert_eq!(&s.state, "SUCCEEDED", "{:?}", s.failure);
    let got: Vec<String> = out.lines().map(String::from).collect();
    prop_assert_eq!(got, reference_grep(text, "ab"));
    // Sort: the part files, read in order, are one sorted sequence (duplicates kept).
    let (out, s) = run_job(text, JobLogic::Sort, shape, trouble);
    prop_assert_eq!(&s.state, "SUCCEEDED", "{:?}", s.failure);
    let got: Vec<String> = if out.is_empty() {
        vec![]
    } else {
        out.split('\n').map(String::from).collect::<Vec<_>>()
    };
    let mut want = reference_sort(text);
    if !want.is_empty() {
        want.push(String::new());
    }
    prop_assert_eq!(got, want);
    // Inverted index: each word with the sorted lines it is on.
    let (out, s) = run_job(text, JobLogic::InvertedIndex, shape, trouble);
    prop_assert_eq!(&s.state, "SUCCEEDED", "{:?}", s.failure);
    prop_assert_eq!(sorted(&out), reference_invert(text));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn jobs_agree_with_a_reference(
        text in text_strategy(),
        core in 1u32..6,
        task in 0u32..3,
        block in prop::sample::select(vec![16u64, 64, 256, 4096]),
        reduces in 1u32..5,
        seed in 0u64..1000,
        trouble in trouble_strategy(false),
    ) {
        check_all(&text, Shape { core, task, block, reduces, seed }, &trouble)?;
    }

    #[test]
    fn jobs_agree_with_a_reference_despite_failures(
        text in text_strategy(),
        core in 3u32..6,
        task in 0u32..3,
        block in prop::sample::select(vec![16u64, 64, 256]),
        reduces in 1u32..5,
        seed in 0u64..1000,
        trouble in trouble_strategy(true),
    ) {
        check_all(&text, Shape { core, task, block, reduces, seed }, &trouble)?;
    }
}

#[test]
fn a_crash_after_the_maps_really_reruns_them_and_the_counts_stay_right() {
    let text = "to be or not to be\nthat is the question\n".repeat(30);
    let trouble = Trouble {
        map_failures: vec![(0, 2)],
        reduce_failure: Some(0),
        crash: Some((2, 6_200)),
    };
    let (out, s) = run_job(
        &text,
        JobLogic::WordCount,
        Shape {
            core: 4,
            task: 1,
            block: 128,
            reduces: 2,
            seed: 5,
        },
        &trouble,
    );
    assert_eq!(s.state, "SUCCEEDED");
    assert!(s.attempts_failed >= 3, "{s:?}");
    assert!(
        s.attempts > s.map_tasks + s.reduce_tasks,
        "some tasks ran twice"
    );
    assert_eq!(sorted(&out), reference_wordcount(&text));
    // The counters count each record once, re-runs notwithstanding.
    assert_eq!(s.counters.map_input_records, 60);
    assert_eq!(s.counters.map_output_records, 300);
}
