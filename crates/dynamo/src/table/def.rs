//! What a table is, as CreateTable and DescribeTable speak of it: its key schema and
//! attribute definitions, billing mode and throughput, its secondary indexes with their
//! projections, and its status and identity.

use std::collections::BTreeMap;

use dynaplay_sim::SimTime;

use crate::key::{KeySchema, ScalarType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStatus {
    Creating,
    Updating,
    Deleting,
    Active,
}

impl TableStatus {
    pub fn name(self) -> &'static str {
        match self {
            TableStatus::Creating => "CREATING",
            TableStatus::Updating => "UPDATING",
            TableStatus::Deleting => "DELETING",
            TableStatus::Active => "ACTIVE",
        }
    }
}

/// Provisioned read and write capacity units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throughput {
    pub read: u64,
    pub write: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingMode {
    Provisioned(Throughput),
    PayPerRequest,
}

impl BillingMode {
    /// The provisioned throughput; `None` on-demand.
    pub fn throughput(self) -> Option<Throughput> {
        match self {
            BillingMode::Provisioned(t) => Some(t),
            BillingMode::PayPerRequest => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            BillingMode::Provisioned(_) => "PROVISIONED",
            BillingMode::PayPerRequest => "PAY_PER_REQUEST",
        }
    }
}

/// A maximum on-demand throughput (OnDemandThroughput): read and write request units per
/// second a table or global secondary index may serve, each `None` when it has no maximum.
/// Only an UpdateTable response shows -1, echoing a maximum that request removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OnDemandMaximum {
    pub read: Option<i64>,
    pub write: Option<i64>,
}

impl OnDemandMaximum {
    pub fn is_empty(&self) -> bool {
        self.read.is_none() && self.write.is_none()
    }
}

/// Warm throughput: the read and write units per second a table (or global secondary
/// index) can serve at once, without waiting for DynamoDB to scale — an on-demand table's
/// initial 12,000 / 4,000, a provisioned table's capacity, or more when asked for. It only
/// ever grows: it remembers the highest capacity the table was ever ready for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmThroughput {
    pub read: u64,
    pub write: u64,
    /// UPDATING in the response of the request that raised it, ACTIVE otherwise.
    pub status: TableStatus,
}

/// The warm throughput every on-demand table starts with.
pub const ON_DEMAND_WARM: Throughput = Throughput {
    read: 12_000,
    write: 4_000,
};

impl WarmThroughput {
    /// The warm throughput of a table or index with `throughput` provisioned (`None`:
    /// on-demand), before anyone raised it.
    pub fn initial(throughput: Option<Throughput>) -> WarmThroughput {
        let units = throughput.unwrap_or(ON_DEMAND_WARM);
        WarmThroughput {
            read: units.read,
            write: units.write,
            status: TableStatus::Active,
        }
    }

    /// At least `throughput` (`None`: on-demand's initial throughput): what a table or
    /// index is warm for once it has served under it.
    pub fn at_least(self, throughput: Option<Throughput>) -> WarmThroughput {
        let floor = WarmThroughput::initial(throughput);
        WarmThroughput {
            read: self.read.max(floor.read),
            write: self.write.max(floor.write),
            status: self.status,
        }
    }
}

/// Which attributes an index copies from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Projection {
    All,
    KeysOnly,
    /// Keys plus these non-key attributes.
    Include(Vec<String>),
}

impl Projection {
    pub fn type_name(&self) -> &'static str {
        match self {
            Projection::All => "ALL",
            Projection::KeysOnly => "KEYS_ONLY",
            Projection::Include(_) => "INCLUDE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    Global,
    Local,
}

/// A global or local secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub name: String,
    pub kind: IndexKind,
    pub key_schema: KeySchema,
    pub projection: Projection,
    /// A GSI's own throughput on a provisioned table; `None` for LSIs and on-demand.
    pub throughput: Option<Throughput>,
    pub status: TableStatus,
    /// While a new GSI is backfilling from the table.
    pub backfilling: bool,
    /// A GSI's maximum on-demand throughput (empty for LSIs and provisioned tables).
    pub on_demand_maximum: OnDemandMaximum,
    /// A GSI's warm throughput (LSIs share the table's).
    pub warm: WarmThroughput,
}

impl IndexDef {
    /// Whether the index holds `attribute` for an item: its own key attributes, the
    /// table's key attributes, and whatever the projection includes.
    pub fn projects(&self, table_keys: &KeySchema, attribute: &str) -> bool {
        if self.key_schema.is_key_attribute(attribute) || table_keys.is_key_attribute(attribute) {
            return true;
        }
        match &self.projection {
            Projection::All => true,
            Projection::KeysOnly => false,
            Projection::Include(names) => names.iter().any(|n| n == attribute),
        }
    }
}

/// Everything DescribeTable reports about a table except its live counters.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    pub name: String,
    pub key_schema: KeySchema,
    /// Attribute definitions in request order: exactly the key attributes of the table
    /// and its indexes.
    pub attribute_definitions: Vec<(String, ScalarType)>,
    pub billing: BillingMode,
    pub global_indexes: Vec<IndexDef>,
    pub local_indexes: Vec<IndexDef>,
    pub status: TableStatus,
    pub created_at: SimTime,
    pub table_id: String,
    pub arn: String,
    pub deletion_protection: bool,
    /// The maximum on-demand throughput (always empty on a provisioned table).
    pub on_demand_maximum: OnDemandMaximum,
    pub warm: WarmThroughput,
    /// When the last throughput decrease/increase happened, for DescribeTable.
    pub last_increase: Option<SimTime>,
    pub last_decrease: Option<SimTime>,
    pub decreases_today: u32,
    /// The UTC day (days since the Unix epoch) `decreases_today` counts; the counter
    /// starts again at 0 when a new UTC day begins.
    pub decreases_day: u64,
    /// The same bookkeeping for each global secondary index's own throughput, by name.
    pub index_throughput_history: BTreeMap<String, ThroughputHistory>,
    /// When the table last became on-demand (BillingModeSummary's
    /// LastUpdateToPayPerRequestDateTime); `None` for tables that were never on-demand.
    pub last_update_to_pay_per_request: Option<SimTime>,
    /// When DeletionProtectionEnabled was last set by UpdateTable (a 15 s cooldown follows).
    pub deletion_protection_changed_at: Option<SimTime>,
    /// The stream, while one is enabled.
    pub stream: Option<StreamSpec>,
    /// Label of the latest stream; it outlives disabling the stream, as LatestStreamArn does.
    pub latest_stream_label: Option<String>,
    /// Server-side encryption with a KMS key; `None` means the default AWS owned key.
    pub sse: Option<SseSpec>,
    /// The table class, once one was given (TableClassSummary is absent until then).
    pub table_class: Option<TableClass>,
    /// When UpdateTable last changed the table class.
    pub table_class_updated_at: Option<SimTime>,
    /// Every UpdateTable change of the table class, for the 2-per-30-days quota.
    pub table_class_changes: Vec<SimTime>,
    /// Time to Live: the attribute holding expiry times, while enabled.
    pub ttl_attribute: Option<String>,
    /// When UpdateTimeToLive last changed the setting (a cooldown follows).
    pub ttl_changed_at: Option<SimTime>,
    /// The table's tags, by key.
    pub tags: BTreeMap<String, String>,
}

/// Increases and decreases of one provisioned throughput (a table's or an index's), which
/// DescribeTable reports and the daily decrease quota counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThroughputHistory {
    pub last_increase: Option<SimTime>,
    pub last_decrease: Option<SimTime>,
    pub decreases_today: u32,
    /// The UTC day `decreases_today` counts.
    pub decreases_day: u64,
}

/// What a table's stream records for each change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamViewType {
    KeysOnly,
    NewImage,
    OldImage,
    NewAndOldImages,
}

impl StreamViewType {
    pub const NAMES: [&'static str; 4] =
        ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];

    pub fn name(self) -> &'static str {
        match self {
            StreamViewType::KeysOnly => "KEYS_ONLY",
            StreamViewType::NewImage => "NEW_IMAGE",
            StreamViewType::OldImage => "OLD_IMAGE",
            StreamViewType::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }

    pub fn parse(name: &str) -> Option<StreamViewType> {
        match name {
            "KEYS_ONLY" => Some(StreamViewType::KeysOnly),
            "NEW_IMAGE" => Some(StreamViewType::NewImage),
            "OLD_IMAGE" => Some(StreamViewType::OldImage),
            "NEW_AND_OLD_IMAGES" => Some(StreamViewType::NewAndOldImages),
            _ => None,
        }
    }
}

/// An enabled stream: its view type and its label (the ISO-8601 time it was enabled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSpec {
    pub view_type: StreamViewType,
    pub label: String,
}

/// Encryption at rest with a KMS key (SSEType KMS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseSpec {
    pub kms_master_key_arn: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableClass {
    Standard,
    StandardInfrequentAccess,
}

impl TableClass {
    pub fn name(self) -> &'static str {
        match self {
            TableClass::Standard => "STANDARD",
            TableClass::StandardInfrequentAccess => "STANDARD_INFREQUENT_ACCESS",
        }
    }

    pub fn parse(name: &str) -> Option<TableClass> {
        match name {
            "STANDARD" => Some(TableClass::Standard),
            "STANDARD_INFREQUENT_ACCESS" => Some(TableClass::StandardInfrequentAccess),
            _ => None,
        }
    }
}

impl TableDef {
    pub fn index(&self, name: &str) -> Option<&IndexDef> {
        self.global_indexes
            .iter()
            .chain(&self.local_indexes)
            .find(|i| i.name == name)
    }

    pub fn indexes(&self) -> impl Iterator<Item = &IndexDef> {
        self.global_indexes.iter().chain(&self.local_indexes)
    }
}
