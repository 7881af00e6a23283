//! A finished job's output, read back from HDFS as a table.
//!
//! Hadoop's `TextOutputFormat` writes one `key<TAB>value` line per output pair into one
//! part file per reducer, each sorted by key. The table shows exactly that — read from the
//! simulated HDFS, so a part file whose blocks were lost cannot be read here either — in
//! the order written, or largest value first (the question a word count is usually asked).

use dynaplay_emr::{Cluster, JobId, JobRun};

/// The output of one job.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputTable {
    pub job: JobId,
    pub directory: String,
    /// Part files read (not counting `_SUCCESS`).
    pub files: usize,
    /// Each line as (key, value); a line without a tab is all key.
    pub rows: Vec<(String, String)>,
    /// Row indexes with the largest numeric value first (ties in written order).
    pub by_value: Vec<usize>,
    /// Why the output could not be read, if it could not.
    pub problem: Option<String>,
}

impl OutputTable {
    pub fn read(cluster: &Cluster, job: &JobRun) -> OutputTable {
        let files = cluster
            .hdfs()
            .list(&job.output)
            .iter()
            .filter(|f| !f.path.ends_with("/_SUCCESS"))
            .count();
        let (rows, problem) = match cluster.read_dir_text(&job.output) {
            Ok(text) => (parse(&text), None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        OutputTable {
            job: job.id,
            directory: job.output.clone(),
            files,
            by_value: by_value(&rows),
            rows,
            problem,
        }
    }

    /// The rows in `order`, at most `limit` of them.
    pub fn shown(&self, by_value: bool, limit: usize) -> Vec<&(String, String)> {
        if by_value {
            self.by_value
                .iter()
                .filter_map(|&i| self.rows.get(i))
                .take(limit)
                .collect()
        } else {
            self.rows.iter().take(limit).collect()
        }
    }
}

/// `key<TAB>value` lines as pairs.
pub fn parse(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once('\t') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (line.to_string(), String::new()),
        })
        .collect()
}

fn by_value(rows: &[(String, String)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let value = |i: &usize| rows.get(*i).and_then(|(_, v)| v.trim().parse::<f64>().ok());
    // Numbers first, largest first; the stable sort keeps written order among equals.
    order.sort_by(|a, b| match (value(a), value(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn lines_split_at_the_first_tab_and_sort_by_value() {
        let rows = parse("apple\t3\nbanana\t10\n\nlonely\ncherry\t3\tx\n");
        assert_eq!(rows.len(), 4);
        assert_eq!(rows.get(2), Some(&("lonely".to_string(), String::new())));
        assert_eq!(
            rows.get(3),
            Some(&("cherry".to_string(), "3\tx".to_string()))
        );
        let order = by_value(&rows);
        assert_eq!(order, vec![1, 0, 2, 3], "10 before 3; non-numbers last");
    }
}
