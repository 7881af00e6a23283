//! The text jobs: word count, grep, sort and the inverted index.

use crate::datum::Datum;
use crate::mapreduce::record::Record;
use crate::script::RuntimeError;
use crate::script::builtins::words;

fn line(record: &Record) -> Result<&str, RuntimeError> {
    match record {
        Record::Line { text, .. } => Ok(text),
        Record::Item(_) => Err(RuntimeError::new(
            "this job reads lines of text, but its input is DynamoDB items",
        )),
    }
}

pub fn word_count_map(record: &Record, out: &mut Vec<(Datum, Datum)>) -> Result<(), RuntimeError> {
    for w in words(line(record)?) {
        out.push((Datum::from(w), Datum::Int(1)));
    }
    Ok(())
}

pub fn grep_map(
    pattern: &str,
    record: &Record,
    out: &mut Vec<(Datum, Datum)>,
) -> Result<(), RuntimeError> {
    let text = line(record)?;
    if text.contains(pattern)
        && let Record::Line { file, offset, .. } = record
    {
        // Keyed by position so that one reducer writes the matches in input order.
        let key = Datum::List(vec![
            Datum::Int(i64::from(*file)),
            Datum::Int(*offset as i64),
        ]);
        out.push((key, Datum::from(text)));
    }
    Ok(())
}

pub fn sort_map(record: &Record, out: &mut Vec<(Datum, Datum)>) -> Result<(), RuntimeError> {
    out.push((Datum::from(line(record)?), Datum::Null));
    Ok(())
}

pub fn invert_map(record: &Record, out: &mut Vec<(Datum, Datum)>) -> Result<(), RuntimeError> {
    let text = line(record)?;
    let Record::Line {
        number, doc_name, ..
    } = record
    else {
        return Ok(());
    };
    // With several input files a document is (file, line), which sorts by file and then
    // numerically by line.
    let doc = match doc_name {
        Some(name) => Datum::List(vec![Datum::from(&**name), Datum::Int(*number as i64)]),
        None => Datum::Int(*number as i64),
    };
    let mut seen: Vec<&str> = words(text).collect();
    seen.sort_unstable();
    seen.dedup();
    for w in seen {
        out.push((Datum::from(w), doc.clone()));
    }
    Ok(())
}

/// Joins a word's documents, sorted and without repeats: `word<TAB>1,4,9`.
pub fn invert_reduce(key: &Datum, mut values: Vec<Datum>) -> (Datum, Datum) {
    values.sort();
    values.dedup();
    let docs: Vec<String> = values
        .iter()
        .map(|d| match d {
            Datum::List(parts) => parts
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(":"),
            other => other.to_string(),
        })
        .collect();
    (key.clone(), Datum::Str(docs.join(",")))
}
