//! "Export": the job on this page, written for a real EMR cluster.
//!
//! The point of a simulation is to understand the real thing, so the view can write out
//! what it just ran as something that runs on Amazon EMR: either a Hadoop Streaming job (a
//! `mapper.py` and a `reducer.py` that read standard input, as Streaming feeds them) or a
//! PySpark script, plus the `steps.json` of the step and a shell script with the
//! `aws s3 cp`, `aws emr create-cluster` and `aws emr add-steps` commands for a cluster
//! like the simulated one (same instance types and counts, Spot task nodes, the same
//! failure-detection time and speculation setting).
//!
//! Where the real service differs, the files say so rather than pretend. HDFS refuses
//! blocks under 1 MiB, so a tiny playground block size becomes the maximum *split* size
//! instead, which makes the same number of maps. A DynamoDB table is read from an export to
//! S3 (the usual way; the playground's connector arithmetic applies to Hive's connector).
//! A job written in the job language is translated statement by statement into Python,
//! with the language's functions defined at the top of the file.

use dynaplay_emr::ClusterConfig;
use dynaplay_emr::jobs::AggFn;
use dynaplay_emr::node::Market;
use dynaplay_emr::script::ast::{
    BinaryOp, Expr, InputKind, NamedReducer, Program, Reducer, Stmt, UnaryOp,
};
use serde_json::json;
use yew::prelude::*;

use super::forms::{self, EmrForm, ExportKind, Field, JobKind, Source};
use super::state::{EmrAction, EmrState};
use crate::state::{Action, Playground};
use crate::views::fields::select_field;

/// The EMR release the commands name.
pub const RELEASE: &str = "emr-7.5.0";

/// One file of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportFile {
    pub name: String,
    pub text: String,
}

/// What the job reads, as the export needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportInput {
    /// A local text file of this many bytes.
    Text { name: String, bytes: usize },
    /// The sample text, written out by the commands.
    Sample,
    /// A DynamoDB table.
    Table(String),
}

impl ExportInput {
    pub fn of(emr: &EmrState) -> Result<ExportInput, String> {
        Ok(match emr.form.source {
            Source::Sample => ExportInput::Sample,
            Source::Upload => match &emr.upload {
                Some(u) => ExportInput::Text {
                    name: u.name.clone(),
                    bytes: u.text.len(),
                },
                None => return Err("Choose a text file to upload first".into()),
            },
            Source::Table if emr.form.table.is_empty() => {
                return Err("Choose a table as the input first".into());
            }
            Source::Table => ExportInput::Table(emr.form.table.clone()),
        })
    }

    fn file_name(&self) -> String {
        match self {
            ExportInput::Text { name, .. } => forms::hdfs_name(name),
            ExportInput::Sample => "sample.txt".into(),
            ExportInput::Table(t) => format!("{t}-export"),
        }
    }

    fn bytes(&self) -> Option<usize> {
        match self {
            ExportInput::Text { bytes, .. } => Some(*bytes),
            ExportInput::Sample => Some(forms::SAMPLE_TEXT.len()),
            ExportInput::Table(_) => None,
        }
    }
}

/// The files for `form`'s job on a cluster like `cluster`.
pub fn export(
    form: &EmrForm,
    cluster: &ClusterConfig,
    input: &ExportInput,
) -> Result<Vec<ExportFile>, String> {
    let logic = forms::job_logic(form)?;
    let job = forms::job_config(form)?;
    let reduces = logic
        .required_reduces()
        .or(job.reduces)
        .unwrap_or_else(|| logic.default_reduces())
        .max(1);
    let program = match &logic {
        dynaplay_emr::JobLogic::Script(p) => Some(p.clone()),
        _ => None,
    };
    let reduces = if form.job == JobKind::Script {
        program
            .as_ref()
            .and_then(|p| p.reducers)
            .or(job.reduces)
            .unwrap_or(reduces)
    } else {
        reduces
    };
    let name = format!("{}-1", form.job.slug());
    let table = matches!(input, ExportInput::Table(_));
    let mut files = Vec::new();
    let code: Vec<String> = match form.export {
        ExportKind::Streaming => {
            let (mapper, reducer) = streaming(form, program.as_deref(), table)?;
            files.push(ExportFile {
                name: "mapper.py".into(),
                text: mapper,
            });
            files.push(ExportFile {
                name: "reducer.py".into(),
                text: reducer,
            });
            vec!["mapper.py".into(), "reducer.py".into()]
        }
        ExportKind::PySpark => {
            files.push(ExportFile {
                name: "job.py".into(),
                text: pyspark(
                    form,
                    program.as_deref(),
                    table,
                    reduces,
                    input,
                    cluster.block_size,
                )?,
            });
            vec!["job.py".into()]
        }
    };
    let combiner = form.export == ExportKind::Streaming && combinable(form, program.as_deref());
    files.push(ExportFile {
        name: "steps.json".into(),
        text: steps_json(form, &name, reduces, combiner, input, cluster.block_size),
    });
    files.push(ExportFile {
        name: "run.sh".into(),
        text: commands(form, cluster, input, &code),
    });
    Ok(files)
}

/// Whether the exported reduce may also run as Streaming's combiner: only when applying it
/// to partial results gives the same answer (sums, minima, maxima).
fn combinable(form: &EmrForm, program: Option<&Program>) -> bool {
    match (form.job, program) {
        (JobKind::WordCount, _) => true,
        (JobKind::GroupBy, _) => matches!(
            AggFn::parse(&form.aggregate),
            Some(AggFn::Count | AggFn::Sum | AggFn::Min | AggFn::Max)
        ),
        (JobKind::Script, Some(p)) => match (&p.combine, &p.reduce) {
            (Some(Reducer::Named(c)), Reducer::Named(r)) => c == r && c.combinable(),
            _ => false,
        },
        _ => false,
    }
}

/// Bytes a split may hold on the real cluster to cut the input as the playground did:
/// `None` when the block size itself is allowed (HDFS refuses blocks under 1 MiB).
fn split_size(block_size: u64) -> Option<u64> {
    (block_size < 1 << 20).then_some(block_size)
}

fn steps_json(
    form: &EmrForm,
    name: &str,
    reduces: u32,
    combiner: bool,
    input: &ExportInput,
    block: u64,
) -> String {
    let input_uri = match input {
        ExportInput::Table(_) => "s3://BUCKET/dynaplay/table-export/data/".to_string(),
        other => format!("s3://BUCKET/dynaplay/input/{}", other.file_name()),
    };
    let output = format!("s3://BUCKET/dynaplay/output/{name}");
    let speculative = form.speculative.to_string();
    let step = match form.export {
        ExportKind::Streaming => {
            let mut args: Vec<String> = vec![
                "-files".into(),
                "s3://BUCKET/dynaplay/code/mapper.py,s3://BUCKET/dynaplay/code/reducer.py".into(),
                "-D".into(),
                format!("mapreduce.job.reduces={reduces}"),
                "-D".into(),
                format!("mapreduce.map.speculative={speculative}"),
                "-D".into(),
                format!("mapreduce.reduce.speculative={speculative}"),
            ];
            if let Some(split) = split_size(block) {
                args.extend([
                    "-D".into(),
                    format!("mapreduce.input.fileinputformat.split.maxsize={split}"),
                ]);
            }
            if form.job == JobKind::InvertedIndex {
                // Streaming passes each line's byte offset only when asked.
                args.extend(["-D".into(), "stream.map.input.ignoreKey=false".into()]);
            }
            args.extend(["-mapper".into(), "mapper.py".into()]);
            if combiner {
                // The reducer, run as a combiner, writes pairs for the real reducer.
                args.extend(["-combiner".into(), "reducer.py combine".into()]);
            }
            args.extend([
                "-reducer".into(),
                "reducer.py".into(),
                "-input".into(),
                input_uri,
                "-output".into(),
                output,
            ]);
            json!({"Type": "STREAMING", "Name": form.job.title(), "ActionOnFailure": "CONTINUE", "Args": args})
        }
        ExportKind::PySpark => json!({
            "Type": "Spark",
            "Name": form.job.title(),
            "ActionOnFailure": "CONTINUE",
            "Args": [
                "--deploy-mode", "cluster",
                "--conf", format!("spark.speculation={speculative}"),
                "s3://BUCKET/dynaplay/code/job.py", input_uri, output,
            ],
        }),
    };
    serde_json::to_string_pretty(&json!([step])).unwrap_or_default()
}

fn commands(
    form: &EmrForm,
    cluster: &ClusterConfig,
    input: &ExportInput,
    code: &[String],
) -> String {
    let mut out = String::from(
        "#!/bin/sh\n# The playground's job on a real Amazon EMR cluster. Put an S3 bucket of yours\n\
         # in BUCKET (also in steps.json), run this next to the other exported files, and\n\
         # terminate the cluster when you are done: it costs money while it runs.\nset -e\nBUCKET=s3://BUCKET/dynaplay\n\n",
    );
    match input {
        ExportInput::Table(table) => {
            out.push_str(&format!(
                "# Export the table to S3 (needs point-in-time recovery). The playground read it with the\n\
                 # EMR DynamoDB connector at half its read capacity; an export spends none of it.\n\
                 aws dynamodb update-continuous-backups --table-name {table} \\\n  \
                 --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true\n\
                 TABLE_ARN=$(aws dynamodb describe-table --table-name {table} --query Table.TableArn --output text)\n\
                 aws dynamodb export-table-to-point-in-time --table-arn \"$TABLE_ARN\" \\\n  \
                 --s3-bucket BUCKET --s3-prefix dynaplay/table-export --export-format DYNAMODB_JSON\n\
                 # Wait for the export to finish (aws dynamodb list-exports), then move its\n\
                 # AWSDynamoDB/<id>/data/ files to $BUCKET/table-export/data/.\n\n"
            ));
        }
        ExportInput::Sample => {
            out.push_str("cat > sample.txt <<'EOF'\n");
            out.push_str(forms::SAMPLE_TEXT);
            out.push_str("EOF\naws s3 cp sample.txt \"$BUCKET/input/sample.txt\"\n");
        }
        ExportInput::Text { name, .. } => {
            out.push_str(&format!(
                "aws s3 cp {} \"$BUCKET/input/{}\"\n",
                shell_quote(name),
                input.file_name()
            ));
        }
    }
    for file in code {
        out.push_str(&format!("aws s3 cp {file} \"$BUCKET/code/{file}\"\n"));
    }
    let spot = |market: Market| {
        if market == Market::Spot {
            ",BidPrice=OnDemandPrice"
        } else {
            ""
        }
    };
    let mut groups = vec![
        format!(
            "InstanceGroupType=MASTER,InstanceCount=1,InstanceType={}",
            cluster.primary_type
        ),
        format!(
            "InstanceGroupType=CORE,InstanceCount={},InstanceType={}{}",
            cluster.core.count,
            cluster.core.instance_type,
            spot(cluster.core.market)
        ),
    ];
    if cluster.task.count > 0 {
        groups.push(format!(
            "InstanceGroupType=TASK,InstanceCount={},InstanceType={}{}",
            cluster.task.count,
            cluster.task.instance_type,
            spot(cluster.task.market)
        ));
    }
    let mut configurations = Vec::new();
    let expiry_ms = cluster.node_expiry.as_micros() / 1_000;
    if expiry_ms != 600_000 {
        configurations.push(json!({
            "Classification": "yarn-site",
            "Properties": {"yarn.nm.liveness-monitor.expiry-interval-ms": expiry_ms.to_string()},
        }));
    }
    if split_size(cluster.block_size).is_none() && cluster.block_size != 128 << 20 {
        configurations.push(json!({
            "Classification": "hdfs-site",
            "Properties": {"dfs.blocksize": cluster.block_size.to_string()},
        }));
    }
    let applications = match form.export {
        ExportKind::Streaming => "Name=Hadoop",
        ExportKind::PySpark => "Name=Hadoop Name=Spark",
    };
    out.push_str(&format!(
        "\nCLUSTER_ID=$(aws emr create-cluster \\\n  --name {} \\\n  --release-label {RELEASE} \\\n  \
         --applications {applications} \\\n  --instance-groups \\\n    {} \\\n",
        shell_quote(&cluster.name),
        groups.join(" \\\n    ")
    ));
    if !configurations.is_empty() {
        let text = serde_json::to_string(&configurations).unwrap_or_default();
        out.push_str(&format!("  --configurations {} \\\n", shell_quote(&text)));
    }
    out.push_str("  --use-default-roles \\\n  --query ClusterId --output text)\necho \"Cluster $CLUSTER_ID\"\n\n");
    out.push_str(
        "aws emr add-steps --cluster-id \"$CLUSTER_ID\" --steps file://steps.json\n\
         # Watch it: aws emr list-steps --cluster-id \"$CLUSTER_ID\"\n\
         # Read the output: aws s3 cp --recursive \"$BUCKET/output/\" output/\n\
         # Then: aws emr terminate-clusters --cluster-ids \"$CLUSTER_ID\"\n",
    );
    out
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A Python string literal.
fn py_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Helpers every exported Python file shares: DynamoDB JSON to plain values, and Hadoop's
/// way of printing a pair.
const PY_COMMON: &str = r#"import json
import re
import sys
from decimal import Decimal

# Hadoop's WordCount splits on StringTokenizer's delimiters: space, tab, CR, LF, FF.
WORD = re.compile(r"[^ \t\n\r\f]+")


def plain(v):
    """A DynamoDB JSON attribute value as a plain Python value."""
    (kind, x), = v.items()
    if kind == "S":
        return x
    if kind == "N":
        d = Decimal(x)
        return int(d) if d == d.to_integral_value() else d
    if kind in ("BOOL", "NULL"):
        return x if kind == "BOOL" else None
    if kind == "L":
        return [plain(e) for e in x]
    if kind == "M":
        return {k: plain(e) for k, e in x.items()}
    if kind in ("SS", "BS"):
        return list(x)
    if kind == "NS":
        return [plain({"N": n}) for n in x]
    return x


def item_of(line):
    """One line of a DynamoDB export to S3: {"Item": {...}}."""
    return {k: plain(v) for k, v in json.loads(line)["Item"].items()}


def show(d, nested=False):
    """A value as the playground prints it."""
    if d is None:
        return "null"
    if d is True or d is False:
        return "true" if d else "false"
    if isinstance(d, str):
        return json.dumps(d, ensure_ascii=False) if nested else d
    if isinstance(d, (list, tuple)):
        return "[" + ", ".join(show(x, True) for x in d) + "]"
    if isinstance(d, dict):
        return "{" + ", ".join(json.dumps(k) + ": " + show(v, True) for k, v in sorted(d.items())) + "}"
    return str(d)


def pair(key, value):
    """A key and value as Streaming carries them between map and reduce: JSON, TAB."""
    number = lambda d: float(d) if isinstance(d, Decimal) else str(d)
    return json.dumps(key, default=number) + "\t" + json.dumps(value, default=number)


def line_of(key, value):
    """Hadoop's TextOutputFormat: key TAB value, leaving out a null half."""
    if key is None:
        return "" if value is None else show(value)
    return show(key) if value is None else show(key) + "\t" + show(value)
"#;

/// The job language's functions, in Python (prefixed `f_` so they never shadow Python's).
const PY_FUNCTIONS: &str = r#"

def truthy(x):
    return bool(x)


def f_length(x): return len(x)
def f_lower(s): return s.lower()
def f_upper(s): return s.upper()
def f_trim(s): return s.strip()
def f_words(s): return WORD.findall(s)
def f_split(s, sep): return s.split(sep)
def f_contains(x, y): return y in x
def f_starts_with(s, p): return s.startswith(p)
def f_ends_with(s, p): return s.endswith(p)
def f_substr(s, start, n=None): return s[start:] if n is None else s[start:start + n]
def f_replace(s, a, b): return s.replace(a, b)
def f_string(x): return show(x)
def f_join(xs, sep): return sep.join(show(x) for x in xs)
def f_sort(xs): return sorted(xs)
def f_reverse(xs): return list(reversed(xs))
def f_distinct(xs): return sorted(set(xs))
def f_keys(m): return sorted(m)
def f_has(m, k): return k in m
def f_get(m, k, default=None): return m.get(k, default)
def f_abs(x): return abs(x)
def f_min(a, b): return min(a, b)
def f_max(a, b): return max(a, b)
def f_sum(xs): return sum(xs)
def f_range(a, b=None): return list(range(a)) if b is None else list(range(a, b))
def f_type(x):
    return {type(None): "null", bool: "bool", str: "string", list: "list", dict: "map"}.get(type(x), "number")


def f_number(x):
    try:
        return int(x) if str(x).strip().lstrip("-").isdigit() else Decimal(str(x).strip())
    except Exception:
        return None


def member(m, name):
    return None if m is None else m.get(name)


def index(x, i):
    try:
        return x[i]
    except (IndexError, KeyError, TypeError):
        return None
"#;

const PYTHON_KEYWORDS: [&str; 20] = [
    "and", "as", "assert", "class", "def", "del", "elif", "except", "from", "global", "import",
    "is", "lambda", "nonlocal", "pass", "raise", "return", "try", "while", "yield",
];

fn py_name(name: &str) -> String {
    if PYTHON_KEYWORDS.contains(&name) || name.starts_with("f_") || name == "show" {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// An expression of the job language in Python.
pub fn py_expr(e: &Expr) -> String {
    match e {
        Expr::Null => "None".into(),
        Expr::Bool(true) => "True".into(),
        Expr::Bool(false) => "False".into(),
        Expr::Number(n) if n.contains(['.', 'e', 'E']) => format!("Decimal({})", py_str(n)),
        Expr::Number(n) => n.clone(),
        Expr::Str(s) => py_str(s),
        Expr::List(items) => format!(
            "[{}]",
            items.iter().map(py_expr).collect::<Vec<_>>().join(", ")
        ),
        Expr::Var(v) => py_name(v),
        Expr::Call { name, args } => format!(
            "f_{name}({})",
            args.iter().map(py_expr).collect::<Vec<_>>().join(", ")
        ),
        Expr::Member { target, name } => format!("member({}, {})", py_expr(target), py_str(name)),
        Expr::Index { target, index } => format!("index({}, {})", py_expr(target), py_expr(index)),
        Expr::Unary {
            op: UnaryOp::Neg,
            operand,
        } => format!("(-{})", py_expr(operand)),
        Expr::Unary {
            op: UnaryOp::Not,
            operand,
        } => format!("(not truthy({}))", py_expr(operand)),
        Expr::Binary { op, left, right } => {
            let (l, r) = (py_expr(left), py_expr(right));
            match op {
                BinaryOp::And => format!("(truthy({l}) and truthy({r}))"),
                BinaryOp::Or => format!("(truthy({l}) or truthy({r}))"),
                other => format!("({l} {} {r})", other.symbol()),
            }
        }
    }
}

/// Statements as the body of a Python generator (emit is `yield`).
pub fn py_block(stmts: &[Stmt], indent: usize, out: &mut String) {
    let pad = "    ".repeat(indent);
    if stmts.is_empty() {
        out.push_str(&format!("{pad}pass\n"));
    }
    for s in stmts {
        match s {
            Stmt::Emit { key, value } => out.push_str(&format!(
                "{pad}yield ({}, {})\n",
                py_expr(key),
                py_expr(value)
            )),
            Stmt::Let { name, value } | Stmt::Assign { name, value } => {
                out.push_str(&format!("{pad}{} = {}\n", py_name(name), py_expr(value)))
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                out.push_str(&format!("{pad}if truthy({}):\n", py_expr(cond)));
                py_block(then, indent + 1, out);
                if !otherwise.is_empty() {
                    out.push_str(&format!("{pad}else:\n"));
                    py_block(otherwise, indent + 1, out);
                }
            }
            Stmt::For { var, iter, body } => {
                out.push_str(&format!(
                    "{pad}for {} in {}:\n",
                    py_name(var),
                    py_expr(iter)
                ));
                py_block(body, indent + 1, out);
            }
        }
    }
}

/// The script's map and reduce as Python generators `map_record` and `reduce_key`.
fn py_program(p: &Program) -> String {
    let mut out = String::from(PY_FUNCTIONS);
    let params = match p.input {
        Some(InputKind::Items) => "item",
        _ => "line, offset=None, lineno=None, file=\"\"",
    };
    out.push_str(&format!("\n\ndef map_record({params}):\n"));
    py_block(&p.map, 1, &mut out);
    out.push_str("    yield from ()\n\n\ndef reduce_key(key, values):\n");
    match &p.reduce {
        Reducer::Block(stmts) => {
            py_block(stmts, 1, &mut out);
            out.push_str("    yield from ()\n");
        }
        Reducer::Named(n) => out.push_str(&format!("    {}\n", named_reducer(*n))),
    }
    out
}

fn named_reducer(n: NamedReducer) -> &'static str {
    match n {
        NamedReducer::Sum => "yield (key, sum(values))",
        NamedReducer::Count => "yield (key, len(values))",
        NamedReducer::Min => "yield (key, min(values))",
        NamedReducer::Max => "yield (key, max(values))",
        NamedReducer::Avg => "yield (key, sum(values) / len(values))",
        NamedReducer::Collect => "yield (key, list(values))",
        NamedReducer::Distinct => "yield (key, sorted(set(values)))",
        NamedReducer::First => "yield (key, values[0])",
        NamedReducer::Identity => "yield from ((key, v) for v in values)",
    }
}

/// What each built-in job's map emits (as Python over `line` or `item`), and how its reduce
/// folds a key's values, for Streaming.
fn builtin_parts(form: &EmrForm) -> Result<(String, String), String> {
    let aggregate = AggFn::parse(&form.aggregate).ok_or("Choose an aggregate function")?;
    Ok(match form.job {
        JobKind::WordCount => (
            "for w in WORD.findall(line):\n        yield (w, 1)".into(),
            "yield (key, sum(values))".into(),
        ),
        JobKind::Grep => (
            format!(
                "if {} in line:\n        yield (line, None)",
                py_str(&form.pattern)
            ),
            "yield from ((key, None) for _ in values)".into(),
        ),
        JobKind::Sort => (
            "yield (line, None)".into(),
            "yield from ((key, None) for _ in values)".into(),
        ),
        JobKind::InvertedIndex => (
            "for w in sorted(set(WORD.findall(line))):\n        yield (w, offset)".into(),
            "yield (key, \",\".join(str(v) for v in sorted(set(values))))".into(),
        ),
        JobKind::GroupBy => {
            let by = py_str(form.group_by.trim());
            let of = py_str(form.aggregate_of.trim());
            let value = match aggregate {
                AggFn::Count => "1".to_string(),
                _ => format!("item.get({of})"),
            };
            let fold = match aggregate {
                AggFn::Count | AggFn::Sum => "sum(v for v in values if v is not None)",
                AggFn::Min => "min(v for v in values if v is not None)",
                AggFn::Max => "max(v for v in values if v is not None)",
                AggFn::Avg => {
                    "sum(v for v in values if v is not None) / len([v for v in values if v is not None])"
                }
            };
            (
                format!("if {by} in item:\n        yield (item[{by}], {value})"),
                format!("yield (key, {fold})"),
            )
        }
        JobKind::TopK => {
            let by = py_str(form.top_by.trim());
            let k = forms::count("K", &form.top_k, 1..=1_000)?;
            (
                format!(
                    "if isinstance(item.get({by}), (int, Decimal)):\n        yield (None, [item[{by}], item])"
                ),
                format!(
                    "for rank, (score, item) in enumerate(sorted(values, key=lambda c: c[0], reverse=True)[:{k}], 1):\n        \
                     yield (rank, \"\\t\".join(show(v) for v in item.values()) + \"\\t\" + show(score))"
                ),
            )
        }
        JobKind::Script => return Err("scripts are translated separately".into()),
    })
}

/// The Streaming mapper and reducer.
fn streaming(
    form: &EmrForm,
    program: Option<&Program>,
    table: bool,
) -> Result<(String, String), String> {
    let head = format!(
        "#!/usr/bin/env python3\n# {} for Hadoop Streaming, exported from the Dynaplay playground.\n{PY_COMMON}",
        form.job.title()
    );
    let (functions, map_body, reduce_body, items) = match program {
        Some(p) => (
            py_program(p),
            String::new(),
            String::new(),
            p.input == Some(InputKind::Items),
        ),
        None => {
            let (m, r) = builtin_parts(form)?;
            (String::new(), m, r, table)
        }
    };
    let mut mapper = head.clone();
    mapper.push_str(&functions);
    if program.is_none() {
        let params = if items { "item" } else { "line, offset=None" };
        mapper.push_str(&format!(
            "\n\ndef map_record({params}):\n    {map_body}\n    yield from ()\n"
        ));
    }
    let read = if items {
        "        pairs = map_record(item_of(raw))"
    } else if form.job == JobKind::InvertedIndex {
        // With stream.map.input.ignoreKey=false Streaming sends "offset TAB line".
        "        offset, _, line = raw.partition(\"\\t\")\n        pairs = map_record(line, int(offset))"
    } else {
        "        pairs = map_record(raw)"
    };
    mapper.push_str(&format!(
        "\n\nfor raw in sys.stdin:\n    raw = raw.rstrip(\"\\n\")\n    if raw:\n{read}\n        \
         for key, value in pairs:\n            # Keys and values travel as JSON so that any value survives the shuffle.\n            \
         print(pair(key, value))\n"
    ));
    let mut reducer = head;
    reducer.push_str(&functions);
    if program.is_none() {
        reducer.push_str(&format!(
            "\n\ndef reduce_key(key, values):\n    {reduce_body}\n"
        ));
    }
    let final_pass = "        print(pair(k, v) if COMBINE else line_of(k, v))";
    reducer.push_str(&format!(
        "\n\n# Run as `reducer.py combine`, it is the combiner: it writes pairs, not lines.\n\
         COMBINE = sys.argv[1:] == [\"combine\"]\n\n\ndef flush(key, values):\n    for k, v in reduce_key(key, values):\n{final_pass}\n\n\n\
         # Streaming hands the reducer its keys sorted: one run of equal keys is one group.\n\
         current, values = None, []\nfor raw in sys.stdin:\n    k, _, v = raw.rstrip(\"\\n\").partition(\"\\t\")\n    \
         if values and k != current:\n        flush(json.loads(current), values)\n        values = []\n    \
         current = k\n    values.append(json.loads(v, parse_float=Decimal))\nif values:\n    flush(json.loads(current), values)\n"
    ));
    Ok((mapper, reducer))
}

fn pyspark(
    form: &EmrForm,
    program: Option<&Program>,
    table: bool,
    reduces: u32,
    input: &ExportInput,
    block: u64,
) -> Result<String, String> {
    let mut out = format!(
        "#!/usr/bin/env python3\n# {} for PySpark on EMR, exported from the Dynaplay playground.\n\
         # spark-submit job.py <input> <output>\n{PY_COMMON}\nfrom pyspark.sql import SparkSession\n",
        form.job.title()
    );
    let items = match program {
        Some(p) => {
            out.push_str(&py_program(p));
            p.input == Some(InputKind::Items)
        }
        None => table,
    };
    let splits = match (input.bytes(), split_size(block)) {
        (Some(bytes), Some(split)) => (bytes as u64).div_ceil(split).max(1),
        _ => 2,
    };
    out.push_str(&format!(
        "\n\nspark = SparkSession.builder.appName({}).getOrCreate()\nsc = spark.sparkContext\n\
         source, target = sys.argv[1], sys.argv[2]\nlines = sc.textFile(source, minPartitions={splits})\n",
        py_str(form.job.title())
    ));
    let records = if items {
        "records = lines.map(item_of)\n"
    } else {
        "records = lines\n"
    };
    out.push_str(records);
    let body = match (program, form.job) {
        (Some(_), _) if !items => format!(
            "# Line numbers count from 1 over the whole input (offsets are not known to Spark).\n\
             pairs = records.zipWithIndex().flatMap(lambda li: map_record(li[0], None, li[1] + 1, source))\n\
             result = pairs.groupByKey({reduces}).flatMap(lambda kv: reduce_key(kv[0], list(kv[1])))\n"
        ),
        (Some(_), _) => {
            format!(
                "pairs = records.flatMap(map_record)\n\
                 result = pairs.groupByKey({reduces}).flatMap(lambda kv: reduce_key(kv[0], list(kv[1])))\n"
            )
        }
        (None, JobKind::WordCount) => format!(
            "result = records.flatMap(WORD.findall).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b, {reduces}).sortByKey()\n"
        ),
        (None, JobKind::Grep) => format!(
            "# One partition keeps the matches in input order, as the playground's single reducer does.\n\
             result = records.filter(lambda line: {} in line).coalesce(1).map(lambda line: (None, line))\n",
            py_str(&form.pattern)
        ),
        (None, JobKind::Sort) => format!(
            "# sortBy samples the input for range boundaries, like Hadoop's TotalOrderPartitioner.\n\
             result = records.sortBy(lambda line: line, numPartitions={reduces}).map(lambda line: (line, None))\n"
        ),
        (None, JobKind::InvertedIndex) => format!(
            "numbered = records.zipWithIndex().map(lambda li: (li[0], li[1] + 1))\n\
             result = (numbered.flatMap(lambda li: [(w, li[1]) for w in set(WORD.findall(li[0]))])\n    \
             .groupByKey({reduces}).mapValues(lambda ns: \",\".join(str(n) for n in sorted(set(ns)))).sortByKey())\n"
        ),
        (None, JobKind::GroupBy | JobKind::TopK) => {
            let (m, r) = builtin_parts(form)?;
            out.push_str(&format!(
                "\n\ndef map_record(item):\n    {m}\n    yield from ()\n\n\ndef reduce_key(key, values):\n    {r}\n\n\n"
            ));
            let reduces = if form.job == JobKind::TopK {
                1
            } else {
                reduces
            };
            format!(
                "result = records.flatMap(map_record).groupByKey({reduces}).flatMap(lambda kv: reduce_key(kv[0], list(kv[1])))\n"
            )
        }
        (None, JobKind::Script) => return Err("the job script did not parse".into()),
    };
    out.push_str(&body);
    out.push_str(
        "result.map(lambda kv: line_of(kv[0], kv[1])).saveAsTextFile(target)\nspark.stop()\n",
    );
    Ok(out)
}

/// The export panel: a button that opens it, the format, and the files.
/// `cluster` is the learner's cluster on show, if any (a paper run's is not one).
pub fn panel(
    dispatcher: &UseReducerDispatcher<Playground>,
    emr: &EmrState,
    cluster: Option<&ClusterConfig>,
) -> Html {
    let toggle = {
        let d = dispatcher.clone();
        Callback::from(move |_| d.dispatch(Action::Emr(EmrAction::ToggleExport)))
    };
    let formats = vec![
        (
            "streaming".to_string(),
            "Hadoop Streaming (Python)".to_string(),
        ),
        ("pyspark".to_string(), "PySpark".to_string()),
    ];
    let on_format = {
        let d = dispatcher.clone();
        Callback::from(move |v| d.dispatch(Action::Emr(EmrAction::Edit(Field::Export, v))))
    };
    let cluster = match cluster {
        Some(config) => Ok(config.clone()),
        None => forms::cluster_config(&emr.form, 1),
    };
    let files = cluster.and_then(|c| export(&emr.form, &c, &ExportInput::of(emr)?));
    html! {
        <section class="panel" aria-labelledby="emr-export-title">
            <div class="panel-head">
                <h2 id="emr-export-title">{"Export"}</h2>
                <button data-testid="emr-export" aria-expanded={emr.export_open.to_string()}
                    onclick={toggle}>{if emr.export_open { "Hide" } else { "Export as a real EMR job" }}</button>
            </div>
            if emr.export_open {
                {select_field("Format", match emr.form.export { ExportKind::Streaming => "streaming", ExportKind::PySpark => "pyspark" },
                    "emr-export-format", &formats, on_format)}
                {match files {
                    Ok(files) => html! {
                        <div data-testid="emr-export-files">
                            { for files.iter().map(|f| html! {
                                <details key={f.name.clone()} open={f.name == "run.sh"}>
                                    <summary><code>{f.name.clone()}</code></summary>
                                    <pre class="json emr-code" tabindex="0"
                                        data-testid={format!("emr-export-{}", f.name.replace('.', "-"))}>{f.text.clone()}</pre>
                                </details>
                            }) }
                        </div>
                    },
                    Err(why) => html! { <p class="form-problem" data-testid="emr-export-problem">{why}</p> },
                }}
            } else {
                <p class="hint">{"The job in the forms as a Hadoop Streaming or PySpark script, with the \
                    aws emr create-cluster and add-steps commands for a cluster like this one."}</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynaplay_emr::script::parse;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn files(form: &EmrForm, input: &ExportInput) -> Vec<ExportFile> {
        let cluster = forms::cluster_config(form, 1).unwrap();
        export(form, &cluster, input).unwrap()
    }

    fn file<'a>(files: &'a [ExportFile], name: &str) -> &'a str {
        &files.iter().find(|f| f.name == name).unwrap().text
    }

    #[wasm_bindgen_test]
    fn streaming_word_count_has_the_cluster_and_the_step() {
        let form = EmrForm::default();
        let input = ExportInput::Text {
            name: "my words.txt".into(),
            bytes: 5_000,
        };
        let out = files(&form, &input);
        let names: Vec<&str> = out.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["mapper.py", "reducer.py", "steps.json", "run.sh"]);
        let run = file(&out, "run.sh");
        assert!(
            run.contains("aws s3 cp 'my words.txt' \"$BUCKET/input/my_words.txt\""),
            "{run}"
        );
        assert!(run.contains("InstanceGroupType=CORE,InstanceCount=4,InstanceType=m5.xlarge \\"));
        assert!(run.contains(
            "InstanceGroupType=TASK,InstanceCount=2,InstanceType=m5.xlarge,BidPrice=OnDemandPrice"
        ));
        assert!(
            run.contains("yarn.nm.liveness-monitor.expiry-interval-ms"),
            "30 s detection"
        );
        assert!(!run.contains("dfs.blocksize"), "HDFS refuses 1 KiB blocks");
        assert!(
            run.contains(
                "aws emr add-steps --cluster-id \"$CLUSTER_ID\" --steps file://steps.json"
            )
        );
        let steps: serde_json::Value = serde_json::from_str(file(&out, "steps.json")).unwrap();
        let args: Vec<&str> = steps[0]["Args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(steps[0]["Type"], "STREAMING");
        for expected in [
            "mapreduce.job.reduces=2",
            "mapreduce.input.fileinputformat.split.maxsize=1024",
            "reducer.py combine",
            "s3://BUCKET/dynaplay/input/my_words.txt",
        ] {
            assert!(args.contains(&expected), "{expected} in {args:?}");
        }
        assert!(file(&out, "mapper.py").contains("for w in WORD.findall(line):"));
    }

    #[wasm_bindgen_test]
    fn pyspark_and_tables() {
        let mut form = EmrForm::default();
        form.edit(Field::Export, "pyspark".into());
        let out = files(&form, &ExportInput::Sample);
        let job = file(&out, "job.py");
        assert!(job.contains("reduceByKey(lambda a, b: a + b, 2)"), "{job}");
        assert!(job.contains(&format!(
            "minPartitions={}",
            forms::SAMPLE_TEXT.len().div_ceil(1024)
        )));
        assert!(file(&out, "run.sh").contains("Name=Hadoop Name=Spark"));
        assert!(file(&out, "run.sh").contains("cat > sample.txt <<'EOF'"));
        form.edit(Field::Source, "table".into());
        form.edit(Field::Job, "groupby".into());
        form.edit(Field::GroupBy, "team".into());
        let out = files(&form, &ExportInput::Table("Scores".into()));
        assert!(file(&out, "run.sh").contains("export-table-to-point-in-time"));
        assert!(file(&out, "job.py").contains("yield (item[\"team\"], 1)"));
    }

    #[wasm_bindgen_test]
    fn scripts_become_python_generators() {
        let p = parse(forms::EXAMPLE_SCRIPT).unwrap();
        let py = py_program(&p);
        assert!(
            py.contains("def map_record(line, offset=None, lineno=None, file=\"\"):"),
            "{py}"
        );
        assert!(py.contains("    for w in f_words(line):\n        if truthy((f_length(w) > 3)):\n            yield (f_lower(w), 1)"), "{py}");
        assert!(py.contains("def reduce_key(key, values):\n    yield (key, sum(values))"));
        let e = parse("input items\nmap { let lambda = not (item.x and 1.5) \n emit [lambda], \"a\\\"b\" } reduce count").unwrap();
        let mut body = String::new();
        py_block(&e.map, 0, &mut body);
        assert_eq!(
            body,
            "lambda_ = (not truthy((truthy(member(item, \"x\")) and truthy(Decimal(\"1.5\")))))\nyield ([lambda_], \"a\\\"b\")\n"
        );
    }
}
