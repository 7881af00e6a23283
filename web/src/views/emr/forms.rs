//! The EMR view's forms, and what they turn into: a cluster's configuration and a job.
//!
//! Every field is kept as the text the learner typed (a half-typed number is not an
//! error until it is used), and is read only when a button is pressed: [`cluster_config`]
//! for "Create cluster", [`job_logic`] and [`job_config`] for "Run job". A value that makes
//! no sense comes back as a sentence naming the field, shown next to the button — the
//! engine never sees it.
//!
//! The cluster is EMR's defaults except where a classroom needs otherwise: it is up at once
//! (a real one takes several minutes to provision and bootstrap), its HDFS blocks are
//! small so that a page of text makes several splits, and YARN gives up on a silent node
//! after the failure-detection time chosen here rather than always after ten minutes.

use dynaplay_emr::cluster::InstanceGroupConfig;
use dynaplay_emr::instance::{CATALOG, OSDI_2004};
use dynaplay_emr::jobs::{AggFn, Aggregate, GroupBy, TopK};
use dynaplay_emr::node::Market;
use dynaplay_emr::script::{self, ast::InputKind};
use dynaplay_emr::{ClusterConfig, JobConfig, JobLogic};
use dynaplay_world::SimDuration;

/// The most nodes of a group the form creates (the paper presets go far beyond).
pub const MAX_GROUP: u32 = 40;

/// Where a job's records come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// A text file the learner uploaded.
    #[default]
    Upload,
    /// The built-in sample text.
    Sample,
    /// A DynamoDB table of this page, through the EMR DynamoDB connector.
    Table,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Upload, Source::Sample, Source::Table];

    pub fn slug(self) -> &'static str {
        match self {
            Source::Upload => "upload",
            Source::Sample => "sample",
            Source::Table => "table",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Source::Upload => "Upload a text file",
            Source::Sample => "Sample text",
            Source::Table => "A DynamoDB table",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Whether the records are lines of text (rather than items).
    pub fn is_text(self) -> bool {
        self != Source::Table
    }
}

/// The jobs the form offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JobKind {
    #[default]
    WordCount,
    Grep,
    Sort,
    InvertedIndex,
    GroupBy,
    TopK,
    Script,
}

impl JobKind {
    pub const ALL: [JobKind; 7] = [
        JobKind::WordCount,
        JobKind::Grep,
        JobKind::Sort,
        JobKind::InvertedIndex,
        JobKind::GroupBy,
        JobKind::TopK,
        JobKind::Script,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            JobKind::WordCount => "wordcount",
            JobKind::Grep => "grep",
            JobKind::Sort => "sort",
            JobKind::InvertedIndex => "invert",
            JobKind::GroupBy => "groupby",
            JobKind::TopK => "topk",
            JobKind::Script => "script",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            JobKind::WordCount => "Word count",
            JobKind::Grep => "Grep (lines containing a string)",
            JobKind::Sort => "Sort lines",
            JobKind::InvertedIndex => "Inverted index",
            JobKind::GroupBy => "Group by and aggregate (table)",
            JobKind::TopK => "Top K (table)",
            JobKind::Script => "Write a job (job language)",
        }
    }

    pub fn from_slug(slug: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// What the job reads: lines, items, or whatever its script says.
    pub fn reads(self) -> Option<InputKind> {
        match self {
            JobKind::WordCount | JobKind::Grep | JobKind::Sort | JobKind::InvertedIndex => {
                Some(InputKind::Lines)
            }
            JobKind::GroupBy | JobKind::TopK => Some(InputKind::Items),
            JobKind::Script => None,
        }
    }
}

/// Which real job the export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportKind {
    #[default]
    Streaming,
    PySpark,
}

/// The order the output table is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputOrder {
    /// As the reducers wrote it: each part file sorted by key.
    #[default]
    Written,
    /// Largest value first (the most frequent words of a word count).
    ByValue,
}

/// A text field of the view, for [`super::state::EmrAction::Edit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    CoreCount,
    CoreType,
    TaskCount,
    TaskType,
    TaskMarket,
    BlockSize,
    Expiry,
    Source,
    Table,
    Job,
    Pattern,
    GroupBy,
    Aggregate,
    AggregateOf,
    TopK,
    TopBy,
    Script,
    Reducers,
    Node,
    ResizeCore,
    ResizeTask,
    Export,
    Order,
}

/// Everything typed into the view.
#[derive(Debug, Clone, PartialEq)]
pub struct EmrForm {
    pub core_count: String,
    pub core_type: String,
    pub task_count: String,
    pub task_type: String,
    pub task_market: String,
    /// `dfs.blocksize` in bytes.
    pub block_size: String,
    /// Seconds before YARN declares a silent node lost.
    pub expiry: String,
    pub source: Source,
    pub table: String,
    pub job: JobKind,
    pub pattern: String,
    pub group_by: String,
    pub aggregate: String,
    pub aggregate_of: String,
    pub top_k: String,
    pub top_by: String,
    pub script: String,
    pub reducers: String,
    pub speculative: bool,
    pub node: String,
    pub resize_core: String,
    pub resize_task: String,
    pub export: ExportKind,
    pub order: OutputOrder,
}

/// The script a new form starts with: the job language's own example.
pub const EXAMPLE_SCRIPT: &str = "# Count the words longer than three letters, ignoring case.
input lines
map {
  for w in words(line) {
    if length(w) > 3 { emit lower(w), 1 }
  }
}
combine sum
reduce sum
reducers 2
";

impl Default for EmrForm {
    fn default() -> Self {
        EmrForm {
            core_count: "4".into(),
            core_type: "m5.xlarge".into(),
            task_count: "2".into(),
            task_type: "m5.xlarge".into(),
            task_market: "SPOT".into(),
            block_size: "1024".into(),
            expiry: "30".into(),
            source: Source::default(),
            table: String::new(),
            job: JobKind::default(),
            pattern: "the".into(),
            group_by: String::new(),
            aggregate: "count".into(),
            aggregate_of: String::new(),
            top_k: "3".into(),
            top_by: String::new(),
            script: EXAMPLE_SCRIPT.into(),
            reducers: "2".into(),
            speculative: true,
            node: String::new(),
            resize_core: String::new(),
            resize_task: String::new(),
            export: ExportKind::default(),
            order: OutputOrder::default(),
        }
    }
}

impl EmrForm {
    /// Stores one field's new text. Choices that are not among the offered ones are
    /// ignored, so the form can never hold a job kind or source that does not exist.
    pub fn edit(&mut self, field: Field, text: String) {
        match field {
            Field::CoreCount => self.core_count = text,
            Field::CoreType => self.core_type = text,
            Field::TaskCount => self.task_count = text,
            Field::TaskType => self.task_type = text,
            Field::TaskMarket => self.task_market = text,
            Field::BlockSize => self.block_size = text,
            Field::Expiry => self.expiry = text,
            Field::Source => self.source = Source::from_slug(&text).unwrap_or(self.source),
            Field::Table => self.table = text,
            Field::Job => self.job = JobKind::from_slug(&text).unwrap_or(self.job),
            Field::Pattern => self.pattern = text,
            Field::GroupBy => self.group_by = text,
            Field::Aggregate => self.aggregate = text,
            Field::AggregateOf => self.aggregate_of = text,
            Field::TopK => self.top_k = text,
            Field::TopBy => self.top_by = text,
            Field::Script => self.script = text,
            Field::Reducers => self.reducers = text,
            Field::Node => self.node = text,
            Field::ResizeCore => self.resize_core = text,
            Field::ResizeTask => self.resize_task = text,
            Field::Export => {
                self.export = match text.as_str() {
                    "pyspark" => ExportKind::PySpark,
                    _ => ExportKind::Streaming,
                }
            }
            Field::Order => {
                self.order = match text.as_str() {
                    "value" => OutputOrder::ByValue,
                    _ => OutputOrder::Written,
                }
            }
        }
    }
}

/// Instance types a learner may pick (the 2004 machine belongs to the paper presets).
pub fn instance_types() -> Vec<&'static str> {
    CATALOG
        .iter()
        .map(|t| t.name)
        .filter(|n| *n != OSDI_2004)
        .collect()
}

/// The block sizes offered: small ones make many splits of a small file.
pub const BLOCK_SIZES: [(&str, &str); 4] = [
    ("1024", "1 KiB (a page of text makes several splits)"),
    ("4096", "4 KiB"),
    ("65536", "64 KiB"),
    ("134217728", "128 MiB (EMR's default)"),
];

/// Failure detection choices, in seconds.
pub const EXPIRIES: [(&str, &str); 2] = [
    ("30", "30 s (quick, for watching)"),
    ("600", "10 min (YARN's default)"),
];

/// A whole number from a field, within `range`.
pub fn count(label: &str, text: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32, String> {
    let n: u32 = text
        .trim()
        .parse()
        .map_err(|_| format!("{label} must be a whole number"))?;
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "{label} must be between {} and {}",
            range.start(),
            range.end()
        ))
    }
}

/// The cluster the form describes, with `seed`.
pub fn cluster_config(form: &EmrForm, seed: u64) -> Result<ClusterConfig, String> {
    let core = count("Core nodes", &form.core_count, 1..=MAX_GROUP)?;
    let task = count("Task nodes", &form.task_count, 0..=MAX_GROUP)?;
    let types = instance_types();
    for (label, t) in [("Core", &form.core_type), ("Task", &form.task_type)] {
        if !types.contains(&t.as_str()) {
            return Err(format!("{label} instance type {t:?} is not offered"));
        }
    }
    let block_size: u64 = form
        .block_size
        .parse()
        .ok()
        .filter(|b| BLOCK_SIZES.iter().any(|(v, _)| v.parse() == Ok(*b)))
        .ok_or("Choose one of the offered block sizes")?;
    let expiry: u64 = form
        .expiry
        .parse()
        .ok()
        .filter(|e| EXPIRIES.iter().any(|(v, _)| v.parse() == Ok(*e)))
        .ok_or("Choose one of the offered failure-detection times")?;
    let mut config = ClusterConfig::demo(core, task, seed);
    config.name = "Playground cluster".into();
    config.primary_type = form.core_type.clone();
    config.core = InstanceGroupConfig {
        instance_type: form.core_type.clone(),
        count: core,
        market: Market::OnDemand,
    };
    config.task = InstanceGroupConfig {
        instance_type: form.task_type.clone(),
        count: task,
        market: if form.task_market == "ON_DEMAND" {
            Market::OnDemand
        } else {
            Market::Spot
        },
    };
    config.block_size = block_size;
    config.node_expiry = SimDuration::from_secs(expiry);
    // The NameNode's heartbeat expiry is a little longer than YARN's (630 s to 600 s).
    config.datanode_expiry = SimDuration::from_secs(expiry + expiry / 20);
    Ok(config)
}

/// The computation the form describes. Scripts are parsed here, so a mistake is shown
/// with its line and column before anything runs.
pub fn job_logic(form: &EmrForm) -> Result<JobLogic, String> {
    let attribute = |label: &str, text: &str| {
        let name = text.trim();
        if name.is_empty() {
            Err(format!("{label}: name an attribute of the table's items"))
        } else {
            Ok(name.to_string())
        }
    };
    let logic = match form.job {
        JobKind::WordCount => JobLogic::WordCount,
        JobKind::Grep if form.pattern.is_empty() => {
            return Err("Grep needs a string to look for".into());
        }
        JobKind::Grep => JobLogic::Grep {
            pattern: form.pattern.clone(),
        },
        JobKind::Sort => JobLogic::Sort,
        JobKind::InvertedIndex => JobLogic::InvertedIndex,
        JobKind::GroupBy => {
            let func = AggFn::parse(&form.aggregate).ok_or("Choose an aggregate function")?;
            let of = match func {
                AggFn::Count => None,
                _ => Some(attribute("Aggregate of", &form.aggregate_of)?),
            };
            JobLogic::GroupBy(GroupBy {
                by: attribute("Group by", &form.group_by)?,
                aggregates: vec![Aggregate {
                    func,
                    attribute: of,
                }],
            })
        }
        JobKind::TopK => JobLogic::TopK(TopK {
            k: count("K", &form.top_k, 1..=1_000)? as usize,
            by: attribute("Top K by", &form.top_by)?,
            group_by: None,
            show: Vec::new(),
            ascending: false,
        }),
        JobKind::Script => {
            let program = script::parse(&form.script)
                .map_err(|e| format!("The job script does not parse: {e}"))?;
            JobLogic::Script(std::sync::Arc::new(program))
        }
    };
    let wants = logic.input_kind();
    match (wants, form.source.is_text()) {
        (Some(InputKind::Items), true) => {
            Err("This job reads DynamoDB items: choose a table as the input (or a text job)".into())
        }
        (Some(InputKind::Lines), false) => {
            Err("This job reads lines of text: upload a file or use the sample text".into())
        }
        _ => Ok(logic),
    }
}

/// Hadoop's settings for the job: reducers and speculation from the form, rate series in
/// quarter seconds so that a short job still draws a curve.
pub fn job_config(form: &EmrForm) -> Result<JobConfig, String> {
    let reduces = if form.reducers.trim().is_empty() {
        None
    } else {
        Some(count("Reducers", &form.reducers, 1..=64)?)
    };
    Ok(JobConfig {
        reduces,
        speculative: form.speculative,
        series_bucket: SimDuration::from_millis(250),
        ..JobConfig::default()
    })
}

/// A file name made safe for an HDFS path: letters, digits, `.`, `_` and `-`.
pub fn hdfs_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('.').to_string();
    if cleaned.is_empty() {
        "input.txt".into()
    } else {
        cleaned
    }
}

/// The built-in sample: the opening of *A Tale of Two Cities* (public domain).
pub const SAMPLE_TEXT: &str = "It was the best of times, it was the worst of times,
it was the age of wisdom, it was the age of foolishness,
it was the epoch of belief, it was the epoch of incredulity,
it was the season of Light, it was the season of Darkness,
it was the spring of hope, it was the winter of despair,
we had everything before us, we had nothing before us,
we were all going direct to Heaven, we were all going direct the other way -
in short, the period was so far like the present period,
that some of its noisiest authorities insisted on its being received,
for good or for evil, in the superlative degree of comparison only.
There were a king with a large jaw and a queen with a plain face,
on the throne of England; there were a king with a large jaw and
a queen with a fair face, on the throne of France.
In both countries it was clearer than crystal to the lords of the State preserves
of loaves and fishes, that things in general were settled for ever.
It was the year of Our Lord one thousand seven hundred and seventy-five.
Spiritual revelations were conceded to England at that favoured period,
as at this. Mrs. Southcott had recently attained her five-and-twentieth
blessed birthday, of whom a prophetic private in the Life Guards had heralded
the sublime appearance by announcing that arrangements were made for the
swallowing up of London and Westminster.
";

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_default_form_makes_a_small_cluster_and_a_word_count() {
        let form = EmrForm::default();
        let config = cluster_config(&form, 7).unwrap();
        assert_eq!((config.core.count, config.task.count), (4, 2));
        assert_eq!(config.task.market, Market::Spot);
        assert_eq!(config.block_size, 1024);
        assert_eq!(config.node_expiry, SimDuration::from_secs(30));
        assert_eq!(config.datanode_expiry, SimDuration::from_secs(31));
        assert!(config.provisioning.is_zero(), "up at once");
        assert!(matches!(job_logic(&form), Ok(JobLogic::WordCount)));
        let job = job_config(&form).unwrap();
        assert_eq!((job.reduces, job.speculative), (Some(2), true));
    }

    #[wasm_bindgen_test]
    fn bad_values_are_sentences_naming_the_field() {
        let mut form = EmrForm::default();
        form.edit(Field::CoreCount, "0".into());
        assert_eq!(
            cluster_config(&form, 1).unwrap_err(),
            "Core nodes must be between 1 and 40"
        );
        form.edit(Field::CoreCount, "three".into());
        assert_eq!(
            cluster_config(&form, 1).unwrap_err(),
            "Core nodes must be a whole number"
        );
        form.edit(Field::CoreCount, "3".into());
        form.edit(Field::TaskType, "osdi-2004".into());
        assert!(
            cluster_config(&form, 1)
                .unwrap_err()
                .contains("not offered")
        );
        form.edit(Field::Job, "groupby".into());
        assert_eq!(
            job_logic(&form).unwrap_err(),
            "Group by: name an attribute of the table's items"
        );
        form.edit(Field::Source, "table".into());
        form.edit(Field::GroupBy, "genre".into());
        assert!(matches!(job_logic(&form), Ok(JobLogic::GroupBy(_))));
        form.edit(Field::Job, "wordcount".into());
        assert!(
            job_logic(&form)
                .unwrap_err()
                .starts_with("This job reads lines of text")
        );
        form.edit(Field::Job, "nonsense".into());
        assert_eq!(form.job, JobKind::WordCount, "unknown choices are ignored");
    }

    #[wasm_bindgen_test]
    fn scripts_are_parsed_with_positions() {
        let mut form = EmrForm::default();
        form.edit(Field::Job, "script".into());
        assert!(
            matches!(job_logic(&form), Ok(JobLogic::Script(_))),
            "the example parses"
        );
        form.edit(
            Field::Script,
            "map { emit nope(line), 1 }\nreduce sum".into(),
        );
        let err = job_logic(&form).unwrap_err();
        assert!(
            err.starts_with("The job script does not parse: line 1, column"),
            "{err}"
        );
    }

    #[wasm_bindgen_test]
    fn hdfs_names_are_safe() {
        assert_eq!(hdfs_name("my notes (1).txt"), "my_notes__1_.txt");
        assert_eq!(hdfs_name("../.."), "_");
        assert_eq!(hdfs_name(""), "input.txt");
    }
}
