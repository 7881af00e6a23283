//! `dynaplay emr` as a user runs it: the built binary, its stdout, stderr and exit code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn dynaplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dynaplay"))
        .args(args)
        .output()
        .expect("the dynaplay binary runs")
}

/// A file in the system's temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let path = std::env::temp_dir().join(format!("dynaplay-emr-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn simulate_grep_prints_one_json_object() {
    let out = dynaplay(&["emr", "simulate", "--preset", "osdi-grep", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.trim().lines().count(), 1, "one object on one line");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let secs = v["simulated_seconds"].as_f64().unwrap();
    assert!((120.0..180.0).contains(&secs), "{secs}");
    assert_eq!(v["map_tasks"], 15_000);
    assert_eq!(v["reduce_tasks"], 1);
    assert!(v["attempts"].as_u64().unwrap() >= 15_001);
    assert_eq!(v["preset"], "osdi-grep");
    assert_eq!(v["paper_seconds"], 150.0);
    assert!(v["peak_input_mbps"].as_f64().unwrap() > 30_000.0);
}

#[test]
fn simulate_is_deterministic_and_flags_change_the_run() {
    let args = [
        "emr",
        "simulate",
        "--preset",
        "osdi-grep",
        "--json",
        "--seed",
        "9",
    ];
    let a = dynaplay(&args);
    let b = dynaplay(&args);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout, "same seed, same answer");
    let text = dynaplay(&[
        "emr",
        "simulate",
        "--preset",
        "osdi-grep",
        "--no-speculation",
    ]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("without backup tasks"), "{text}");
    assert!(text.contains("simulated time"), "{text}");
    assert!(text.contains("0 speculative"), "{text}");
}

#[test]
fn run_wordcount_prints_hadoop_word_counts_sorted_by_word() {
    let input = TempFile::new(
        "words.txt",
        b"the quick brown fox\njumps over the lazy dog\r\nThe end.\tthe\x0cEND\n\n",
    );
    let out = dynaplay(&["emr", "run", "--job", "wordcount", "--input", input.path()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let want = "END\t1\nThe\t1\nbrown\t1\ndog\t1\nend.\t1\nfox\t1\njumps\t1\nlazy\t1\nover\t1\nquick\t1\nthe\t3\n";
    assert_eq!(stdout, want);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("simulated time"), "{stderr}");
    assert!(stderr.contains("maps"), "{stderr}");
    // More nodes and reducers change the simulated run, not the answer.
    let out = dynaplay(&[
        "emr",
        "run",
        "--job",
        "wordcount",
        "--input",
        input.path(),
        "--core-nodes",
        "5",
        "--task-nodes",
        "2",
        "--reduces",
        "3",
        "--seed",
        "4",
    ]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
}

#[test]
fn run_grep_sort_and_invert() {
    let input = TempFile::new("lines.txt", b"pear apple\nfig\napple pie\n");
    let grep = dynaplay(&[
        "emr",
        "run",
        "--job",
        "grep",
        "--pattern",
        "apple",
        "--input",
        input.path(),
    ]);
    assert_eq!(
        String::from_utf8(grep.stdout).unwrap(),
        "pear apple\napple pie\n"
    );
    let sort = dynaplay(&[
        "emr",
        "run",
        "--job",
        "sort",
        "--input",
        input.path(),
        "--reduces",
        "2",
    ]);
    assert_eq!(
        String::from_utf8(sort.stdout).unwrap(),
        "apple pie\nfig\npear apple\n"
    );
    let invert = dynaplay(&["emr", "run", "--job", "invert", "--input", input.path()]);
    assert_eq!(
        String::from_utf8(invert.stdout).unwrap(),
        "apple\t1,3\nfig\t2\npear\t1\npie\t3\n"
    );
}

#[test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let missing = dynaplay(&[
        "emr",
        "run",
        "--job",
        "wordcount",
        "--input",
        "/definitely/not/here.txt",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    let err = String::from_utf8(missing.stderr).unwrap();
    assert!(
        err.contains("cannot read /definitely/not/here.txt"),
        "{err}"
    );

    let junk = TempFile::new(
        "junk.bin",
        &[0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, 1, 2, 3],
    );
    let out = dynaplay(&["emr", "run", "--job", "wordcount", "--input", junk.path()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not UTF-8 text"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let nul = TempFile::new("nul.txt", b"text\0more");
    let out = dynaplay(&["emr", "run", "--job", "sort", "--input", nul.path()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("binary"));

    let input = TempFile::new("ok.txt", b"a b\n");
    for args in [
        vec!["emr", "run", "--job", "grep", "--input", input.path()],
        vec!["emr", "run", "--job", "frobnicate", "--input", input.path()],
        vec![
            "emr",
            "run",
            "--job",
            "wordcount",
            "--input",
            input.path(),
            "--core-nodes",
            "0",
        ],
        vec!["emr", "run", "--job", "wordcount"],
        vec!["emr", "simulate", "--preset", "osdi-bogus"],
        vec![
            "emr",
            "simulate",
            "--preset",
            "osdi-sort",
            "--kill-workers",
            "5000",
        ],
        vec![
            "emr",
            "simulate",
            "--preset",
            "osdi-sort",
            "--kill-at",
            "never",
        ],
    ] {
        let out = dynaplay(&args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            !err.is_empty() && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}
