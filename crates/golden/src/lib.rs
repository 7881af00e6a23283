//! Golden scripts: the engines' behaviour written down as readable transcripts.
//!
//! A golden script is a text file of commands, each followed by what the engine answered.
//! Each engine's test has its own little language (DynamoDB requests, DAX cluster steps,
//! the physical model's faults and traffic, EMR jobs) and its own runner that replays a
//! script's commands and writes the transcript afresh. What they share lives here: finding
//! a directory's scripts, comparing every transcript with the file, pointing at the first
//! line that differs, and — with `UPDATE_GOLDEN=1` in the environment — rewriting the files
//! from what the engine does now, so a deliberate change is reviewed as a diff of the
//! transcripts rather than of test code.

// A test harness reports a failure by panicking: that is how the test that calls it fails.
#![allow(clippy::panic)]

use std::path::{Path, PathBuf};

/// The scripts in `dir` whose names end in `.{extension}` (every file when `extension`
/// is `None`), in name order.
pub fn scripts(dir: &Path, extension: Option<&str>) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("cannot read the golden scripts in {}: {err}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .filter(|path| extension.is_none_or(|ext| path.extension().is_some_and(|e| e == ext)))
        .collect();
    files.sort();
    files
}

/// Runs every script in `dir` (see [`scripts`]) through `run`, which returns the script's
/// transcript as it should now read, and panics naming each script whose file differs,
/// with its first differing line. With `UPDATE_GOLDEN` set the files are rewritten instead.
pub fn check(what: &str, dir: &Path, extension: Option<&str>, run: impl Fn(&Path) -> String) {
    let paths = scripts(dir, extension);
    assert!(!paths.is_empty(), "no {what} in {}", dir.display());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for path in paths {
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let actual = run(&path);
        if actual == expected {
            continue;
        }
        if update {
            std::fs::write(&path, &actual)
                .unwrap_or_else(|err| panic!("cannot rewrite {}: {err}", path.display()));
            continue;
        }
        failures.push(first_difference(&path, &expected, &actual));
    }
    assert!(
        failures.is_empty(),
        "{what} differ (UPDATE_GOLDEN=1 rewrites them):\n{}",
        failures.join("\n")
    );
}

/// `path:line` of the first line where `actual` departs from `expected`, with both lines.
fn first_difference(path: &Path, expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    let mut line = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(want), Some(got)) if want == got => line += 1,
            (want, got) => {
                return format!(
                    "{}:{line}\n  expected: {}\n  actual:   {}",
                    path.display(),
                    want.unwrap_or("(end of file)"),
                    got.unwrap_or("(end of transcript)"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_differing_line_is_named() {
        let path = Path::new("x.golden");
        assert_eq!(
            first_difference(path, "a\nb\nc\n", "a\nB\nc\n"),
            "x.golden:2\n  expected: b\n  actual:   B"
        );
        assert_eq!(
            first_difference(path, "a\n", "a\nmore\n"),
            "x.golden:2\n  expected: (end of file)\n  actual:   more"
        );
        // Only a trailing newline differs: the end of the file is named.
        assert_eq!(
            first_difference(path, "a", "a\n\n"),
            "x.golden:2\n  expected: (end of file)\n  actual:   "
        );
    }

    #[test]
    fn scripts_are_found_by_extension_in_name_order() {
        let dir = std::env::temp_dir().join(format!("dynaplay-golden-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["b.golden", "a.golden", "notes.txt"] {
            std::fs::write(dir.join(name), "").unwrap();
        }
        let names = |ext| -> Vec<String> {
            scripts(&dir, ext)
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(Some("golden")), ["a.golden", "b.golden"]);
        assert_eq!(names(None), ["a.golden", "b.golden", "notes.txt"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
