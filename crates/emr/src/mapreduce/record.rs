//! Input records and how an input is cut into splits.
//!
//! A map task reads one *split*. For files, Hadoop's `FileInputFormat` cuts each file into
//! pieces of the split size (the HDFS block size unless configured) and lets the last piece
//! be up to 1.1 times that size rather than leave a runt: a 14.9-block file makes 15 splits,
//! not 14 plus a tiny one — which is why the MapReduce paper's 1,000 files of a gigabyte
//! make exactly M = 15,000 map tasks. A split prefers the nodes holding its first block.
//!
//! Lines never break across splits: as in Hadoop's `LineRecordReader`, a line belongs to
//! the split in which it *starts*, and that split reads past its end to finish it. For
//! DynamoDB input the connector decides the splits (see [`crate::connector`]).

use std::sync::Arc;

use dynaplay_dynamo::value::{Item, item_size};

use crate::datum::Datum;
use crate::ids::NodeId;

/// One record a map reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A line of text (without its line terminator).
    Line {
        /// Index of the file among the job's input files.
        file: u32,
        /// The file's name, when the job reads several files (so documents can be told
        /// apart).
        doc_name: Option<Arc<str>>,
        /// Byte offset of the line in its file.
        offset: u64,
        /// 1-based line number in its file.
        number: u64,
        text: String,
    },
    /// A DynamoDB item.
    Item(Item),
}

impl Record {
    /// Bytes the record occupies in its input.
    pub fn size(&self) -> u64 {
        match self {
            Record::Line { text, .. } => text.len() as u64 + 1,
            Record::Item(i) => item_size(i) as u64,
        }
    }

    /// The variables a job script's map sees.
    pub fn script_inputs(&self) -> Vec<(String, Datum)> {
        match self {
            Record::Line {
                doc_name,
                offset,
                number,
                text,
                ..
            } => vec![
                ("line".into(), Datum::from(text.as_str())),
                ("offset".into(), Datum::Int(*offset as i64)),
                ("lineno".into(), Datum::Int(*number as i64)),
                (
                    "file".into(),
                    Datum::from(doc_name.as_deref().unwrap_or_default()),
                ),
            ],
            Record::Item(i) => vec![("item".into(), Datum::from_item(i))],
        }
    }
}

/// The ranges `(start, length)` Hadoop cuts a file of `size` bytes into.
pub fn file_splits(size: u64, split_size: u64) -> Vec<(u64, u64)> {
    const SLOP: f64 = 1.1;
    let split_size = split_size.max(1);
    if size == 0 {
        return vec![(0, 0)];
    }
    let mut out = Vec::new();
    let mut remaining = size;
    while remaining as f64 / split_size as f64 > SLOP {
        out.push((size - remaining, split_size));
        remaining -= split_size;
    }
    if remaining > 0 {
        out.push((size - remaining, remaining));
    }
    out
}

/// One split of a job's input.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The file (or table) and where in it.
    pub source: String,
    pub start: u64,
    pub length: u64,
    /// Nodes holding the split's first block (none for table splits).
    pub hosts: Vec<NodeId>,
    /// The HDFS block the split begins in, to check it can still be read.
    pub block: Option<crate::ids::BlockId>,
    /// The records, when the input is materialised.
    pub records: Option<Arc<Vec<Record>>>,
    /// Records in the split (counted even when not materialised).
    pub record_count: u64,
}

/// Reads text into lines with their offsets and numbers; `None` if it is not text.
pub fn lines(bytes: &[u8]) -> Result<Vec<(u64, String)>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "the input is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    if let Some(pos) = text.find('\0') {
        return Err(format!(
            "the input looks binary, not text (a NUL byte at offset {pos})"
        ));
    }
    let mut out = Vec::new();
    let mut offset = 0u64;
    for raw in text.split_inclusive('\n') {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.push((offset, line.to_string()));
        offset += raw.len() as u64;
    }
    Ok(out)
}

/// Assigns lines to the splits in which they start.
pub fn assign_lines(
    lines: Vec<(u64, String)>,
    ranges: &[(u64, u64)],
    file: u32,
    doc_name: Option<Arc<str>>,
) -> Vec<Vec<Record>> {
    let mut out: Vec<Vec<Record>> = vec![Vec::new(); ranges.len()];
    let mut split = 0usize;
    for (i, (offset, text)) in lines.into_iter().enumerate() {
        while ranges
            .get(split)
            .is_some_and(|(start, len)| offset >= start + len)
            && split + 1 < ranges.len()
        {
            split += 1;
        }
        if let Some(bucket) = out.get_mut(split) {
            bucket.push(Record::Line {
                file,
                doc_name: doc_name.clone(),
                offset,
                number: i as u64 + 1,
                text,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_split_absorbs_up_to_ten_percent() {
        assert_eq!(file_splits(250, 100), vec![(0, 100), (100, 100), (200, 50)]);
        assert_eq!(file_splits(210, 100), vec![(0, 100), (100, 110)]);
        assert_eq!(file_splits(211, 100), vec![(0, 100), (100, 100), (200, 11)]);
        assert_eq!(file_splits(0, 100), vec![(0, 0)]);
        // The paper's input: 1,000 files of 10^9 bytes in 64 MiB pieces make 15 each.
        assert_eq!(file_splits(1_000_000_000, 64 << 20).len(), 15);
    }

    #[test]
    fn lines_belong_to_the_split_they_start_in() {
        let text = b"alpha\nbravo charlie\r\ndelta\n\necho";
        let ls = lines(text).unwrap();
        let offsets: Vec<u64> = ls.iter().map(|l| l.0).collect();
        assert_eq!(offsets, vec![0, 6, 21, 27, 28]);
        assert_eq!(ls[1].1, "bravo charlie", "CR LF is one terminator");
        let ranges = file_splits(text.len() as u64, 10);
        let splits = assign_lines(ls, &ranges, 0, None);
        let per: Vec<Vec<u64>> = splits
            .iter()
            .map(|s| {
                s.iter()
                    .map(|r| match r {
                        Record::Line { number, .. } => *number,
                        Record::Item(_) => 0,
                    })
                    .collect()
            })
            .collect();
        assert_eq!(ranges.len(), 4);
        assert_eq!(per, vec![vec![1, 2], vec![], vec![3, 4, 5], vec![]]);
    }

    #[test]
    fn binary_input_is_refused() {
        assert!(
            lines(&[0xff, 0xfe, b'a'])
                .unwrap_err()
                .contains("not UTF-8")
        );
        assert!(
            lines(b"ab\0cd")
                .unwrap_err()
                .contains("NUL byte at offset 2")
        );
        assert_eq!(lines(b"").unwrap(), vec![]);
        assert_eq!(lines(b"x\n").unwrap(), vec![(0, "x".to_string())]);
    }
}
