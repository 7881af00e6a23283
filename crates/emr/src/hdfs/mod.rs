//! HDFS: files cut into blocks, blocks copied onto core nodes.
//!
//! The NameNode (on the primary node) knows every file, the blocks it is cut into and which
//! DataNodes (the core nodes) hold a replica of each block; the DataNodes hold the bytes.
//! This module is the NameNode's book-keeping: [`Hdfs::create`] cuts a file into blocks of
//! the configured size (128 MB by default; small demos use kilobytes so that a short text
//! still makes several blocks) and places each block's replicas with the policy in
//! [`placement`]; capacity is the DataNodes' storage, of which every byte of a file takes
//! `replication` bytes.
//!
//! When a DataNode dies, the NameNode notices only when its heartbeats have been missing
//! long enough (ten and a half minutes by default); then every block that had a replica
//! there is *under-replicated* and gets copied again from a surviving replica, and a block
//! whose last replica was there is *missing*: its file can no longer be read, which is the
//! data loss a one-replica cluster risks. Decommissioning is the graceful way out: the node
//! stays readable while its blocks are copied elsewhere, and only then leaves. Task nodes
//! run no DataNode and hold no blocks at all.
//!
//! File contents are kept only for files whose bytes matter (inputs a job computes on and
//! the output it writes); a large synthetic input, such as the MapReduce paper's terabyte,
//! is sizes only.

pub mod placement;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use dynaplay_sim::SimRng;
use serde::Serialize;

use crate::error::{EmrError, Result};
use crate::ids::{BlockId, NodeId};

pub use placement::replication_for;

/// HDFS's default block size: 128 MiB.
pub const DEFAULT_BLOCK_SIZE: u64 = 128 << 20;

/// What a file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum FileData {
    /// Real bytes.
    Bytes(Arc<Vec<u8>>),
    /// Only a size: the bytes are never materialised.
    Synthetic { size: u64 },
}

impl FileData {
    pub fn len(&self) -> u64 {
        match self {
            FileData::Bytes(b) => b.len() as u64,
            FileData::Synthetic { size } => *size,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One file.
#[derive(Debug, Clone)]
pub struct HdfsFile {
    pub path: String,
    pub data: FileData,
    pub blocks: Vec<BlockId>,
    pub replication: u32,
}

/// One block and where its replicas are.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub id: BlockId,
    pub file: String,
    /// Offset of the block in its file.
    pub offset: u64,
    pub size: u64,
    /// The DataNodes holding a replica, in the order they were written.
    pub replicas: Vec<NodeId>,
    /// How many replicas the block should have.
    pub target: u32,
}

/// A DataNode's life as the NameNode sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DataNodeState {
    Live,
    Decommissioning,
    Decommissioned,
    Dead,
}

/// One DataNode's storage.
#[derive(Debug, Clone, Serialize)]
pub struct DataNode {
    pub capacity: u64,
    pub used: u64,
    pub state: DataNodeState,
    pub blocks: BTreeSet<BlockId>,
}

/// What the NameNode concluded when a DataNode was declared dead.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeadNodeReport {
    /// Blocks that still have a replica somewhere but fewer than they should.
    pub under_replicated: Vec<BlockId>,
    /// Blocks whose last replica was on the node: their files are corrupt.
    pub missing: Vec<(BlockId, String)>,
}

/// The NameNode's view of the file system.
#[derive(Debug, Clone)]
pub struct Hdfs {
    block_size: u64,
    replication: u32,
    files: BTreeMap<String, HdfsFile>,
    blocks: BTreeMap<BlockId, Block>,
    datanodes: BTreeMap<NodeId, DataNode>,
    next_block: u64,
}

impl Hdfs {
    /// An empty file system with `dfs.blocksize` and `dfs.replication`.
    pub fn new(block_size: u64, replication: u32) -> Result<Hdfs> {
        if block_size == 0 {
            return Err(EmrError::InvalidConfig(
                "the block size must be positive".into(),
            ));
        }
        if replication == 0 {
            return Err(EmrError::InvalidConfig(
                "dfs.replication must be at least 1".into(),
            ));
        }
        Ok(Hdfs {
            block_size,
            replication,
            files: BTreeMap::new(),
            blocks: BTreeMap::new(),
            datanodes: BTreeMap::new(),
            next_block: 1,
        })
    }

    pub fn block_size(&self) -> u64 {
        self.block_size
    }

    /// The default replication of new files (`dfs.replication`).
    pub fn replication(&self) -> u32 {
        self.replication
    }

    /// Registers a core node's DataNode.
    pub fn add_datanode(&mut self, node: NodeId, capacity: u64) {
        self.datanodes.insert(
            node,
            DataNode {
                capacity,
                used: 0,
                state: DataNodeState::Live,
                blocks: BTreeSet::new(),
            },
        );
    }

    pub fn datanode(&self, node: NodeId) -> Option<&DataNode> {
        self.datanodes.get(&node)
    }

    pub fn datanodes(&self) -> impl Iterator<Item = (NodeId, &DataNode)> {
        self.datanodes.iter().map(|(id, d)| (*id, d))
    }

    /// DataNodes that are live (decommissioning ones still serve reads but take no new
    /// blocks).
    pub fn live_datanodes(&self) -> usize {
        self.datanodes
            .values()
            .filter(|d| d.state == DataNodeState::Live)
            .count()
    }

    /// Raw bytes of storage on live DataNodes.
    pub fn raw_capacity(&self) -> u64 {
        self.datanodes
            .values()
            .filter(|d| d.state == DataNodeState::Live)
            .map(|d| d.capacity)
            .sum()
    }

    /// Raw bytes used by replicas on live or decommissioning DataNodes.
    pub fn raw_used(&self) -> u64 {
        self.datanodes
            .values()
            .filter(|d| {
                matches!(
                    d.state,
                    DataNodeState::Live | DataNodeState::Decommissioning
                )
            })
            .map(|d| d.used)
            .sum()
    }

    /// What files can still hold: raw capacity ÷ replication, less what is used.
    pub fn capacity(&self) -> u64 {
        self.raw_capacity() / u64::from(self.replication)
    }

    pub fn file(&self, path: &str) -> Option<&HdfsFile> {
        self.files.get(path)
    }

    pub fn files(&self) -> impl Iterator<Item = &HdfsFile> {
        self.files.values()
    }

    /// Files whose path is `path` or lies under the directory `path/`, in path order.
    pub fn list(&self, path: &str) -> Vec<&HdfsFile> {
        let dir = format!("{}/", path.trim_end_matches('/'));
        let exact = self.files.get(path);
        let under = self
            .files
            .range::<str, _>((
                std::ops::Bound::Included(dir.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(p, _)| p.starts_with(&dir))
            .map(|(_, f)| f);
        exact.into_iter().chain(under).collect()
    }

    /// Whether a file or directory exists at `path`.
    pub fn exists(&self, path: &str) -> bool {
        let dir = format!("{}/", path.trim_end_matches('/'));
        self.files.contains_key(path)
            || self
                .files
                .range::<str, _>((
                    std::ops::Bound::Included(dir.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .next()
                .is_some_and(|(p, _)| p.starts_with(&dir))
    }

    pub fn block(&self, id: BlockId) -> Option<&Block> {
        self.blocks.get(&id)
    }

    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.values()
    }

    /// Writes a new file from `writer` (a node whose DataNode gets the first replica),
    /// with `replication` copies (the default when `None`).
    pub fn create(
        &mut self,
        path: &str,
        data: FileData,
        writer: Option<NodeId>,
        replication: Option<u32>,
        rng: &mut SimRng,
    ) -> Result<&HdfsFile> {
        validate_path(path)?;
        if self.exists(path) {
            return Err(EmrError::AlreadyExists(format!("{path}: file exists")));
        }
        let replication = replication.unwrap_or(self.replication).max(1);
        let size = data.len();
        // One pass over the DataNodes: how many are live, how much room they have, and
        // which have room for a whole block (a node that fills up drops out as we go).
        let mut live = 0usize;
        let mut free = 0u64;
        let mut eligible: Vec<NodeId> = Vec::new();
        for (id, d) in &self.datanodes {
            if d.state != DataNodeState::Live {
                continue;
            }
            live += 1;
            let room = d.capacity.saturating_sub(d.used);
            free += room;
            if room >= self.block_size.min(size) {
                eligible.push(*id);
            }
        }
        if live == 0 && size > 0 {
            return Err(EmrError::InsufficientCapacity(format!(
                "{path}: there are no live DataNodes (task nodes hold no HDFS data)"
            )));
        }
        let needed = size.saturating_mul(u64::from(replication.min(live as u32)));
        if needed > free {
            return Err(EmrError::InsufficientCapacity(format!(
                "{path}: {size} bytes × {replication} replicas do not fit in the {free} bytes \
                 free on the DataNodes"
            )));
        }
        let mut blocks = Vec::new();
        let mut offset = 0;
        while offset < size {
            let len = self.block_size.min(size - offset);
            let targets = placement::choose_targets(&eligible, writer, replication as usize, rng);
            if targets.is_empty() {
                // Undo the blocks placed so far: a failed write leaves nothing behind.
                for id in blocks {
                    self.remove_block(id);
                }
                return Err(EmrError::InsufficientCapacity(format!(
                    "{path}: no DataNode has room for block {} of the file",
                    offset / self.block_size
                )));
            }
            let id = BlockId(self.next_block);
            self.next_block += 1;
            for t in &targets {
                if let Some(d) = self.datanodes.get_mut(t) {
                    d.used += len;
                    d.blocks.insert(id);
                    if d.capacity.saturating_sub(d.used) < self.block_size {
                        eligible.retain(|n| n != t);
                    }
                }
            }
            self.blocks.insert(
                id,
                Block {
                    id,
                    file: path.to_string(),
                    offset,
                    size: len,
                    replicas: targets,
                    target: replication,
                },
            );
            blocks.push(id);
            offset += len;
        }
        let file = HdfsFile {
            path: path.to_string(),
            data,
            blocks,
            replication,
        };
        Ok(self.files.entry(path.to_string()).or_insert(file))
    }

    /// Deletes a file and frees its replicas.
    pub fn delete(&mut self, path: &str) -> Result<()> {
        let file = self
            .files
            .remove(path)
            .ok_or_else(|| EmrError::NotFound(format!("{path}: no such file")))?;
        for id in file.blocks {
            self.remove_block(id);
        }
        Ok(())
    }

    fn remove_block(&mut self, id: BlockId) {
        if let Some(block) = self.blocks.remove(&id) {
            for n in block.replicas {
                if let Some(d) = self.datanodes.get_mut(&n) {
                    d.used = d.used.saturating_sub(block.size);
                    d.blocks.remove(&id);
                }
            }
        }
    }

    /// The bytes of a file, if all its blocks can be read from a replica on a node for
    /// which `up` holds.
    pub fn read(&self, path: &str, up: impl Fn(NodeId) -> bool) -> Result<&Arc<Vec<u8>>> {
        let file = self
            .files
            .get(path)
            .ok_or_else(|| EmrError::NotFound(format!("{path}: no such file")))?;
        if let Some(missing) = file.blocks.iter().find(|b| !self.readable(**b, &up)) {
            return Err(EmrError::NotFound(format!(
                "{path}: could not obtain block {missing}: no live replica"
            )));
        }
        match &file.data {
            FileData::Bytes(b) => Ok(b),
            FileData::Synthetic { size } => Err(EmrError::BadInput(format!(
                "{path}: a synthetic file of {size} bytes has no contents to read"
            ))),
        }
    }

    /// Whether some replica of the block is on a node for which `up` holds.
    pub fn readable(&self, id: BlockId, up: impl Fn(NodeId) -> bool) -> bool {
        self.blocks
            .get(&id)
            .is_some_and(|b| b.replicas.iter().any(|n| up(*n)))
    }

    /// Declares a DataNode dead: its replicas are forgotten, and the report says which
    /// blocks now need copies and which are gone for good.
    pub fn mark_dead(&mut self, node: NodeId) -> DeadNodeReport {
        let mut report = DeadNodeReport::default();
        let Some(dn) = self.datanodes.get_mut(&node) else {
            return report;
        };
        if dn.state == DataNodeState::Dead {
            return report;
        }
        dn.state = DataNodeState::Dead;
        dn.used = 0;
        let held = std::mem::take(&mut dn.blocks);
        for id in held {
            if let Some(block) = self.blocks.get_mut(&id) {
                block.replicas.retain(|n| *n != node);
                if block.replicas.is_empty() {
                    report.missing.push((id, block.file.clone()));
                } else {
                    report.under_replicated.push(id);
                }
            }
        }
        report
    }

    /// Starts decommissioning a DataNode: it takes no new blocks while its replicas are
    /// copied away.
    pub fn start_decommission(&mut self, node: NodeId) {
        if let Some(d) = self.datanodes.get_mut(&node)
            && d.state == DataNodeState::Live
        {
            d.state = DataNodeState::Decommissioning;
        }
    }

    /// Finishes decommissioning once no block depends on the node; returns whether it
    /// could.
    pub fn finish_decommission(&mut self, node: NodeId) -> bool {
        if !self.needs_copies_from(node).is_empty() {
            return false;
        }
        let Some(dn) = self.datanodes.get_mut(&node) else {
            return false;
        };
        let held = std::mem::take(&mut dn.blocks);
        dn.state = DataNodeState::Decommissioned;
        dn.used = 0;
        for id in held {
            if let Some(block) = self.blocks.get_mut(&id) {
                block.replicas.retain(|n| *n != node);
            }
        }
        true
    }

    /// Blocks on `node` that do not yet have their target number of replicas on other,
    /// live DataNodes — what a decommission must copy before the node may leave.
    pub fn needs_copies_from(&self, node: NodeId) -> Vec<BlockId> {
        let Some(dn) = self.datanodes.get(&node) else {
            return Vec::new();
        };
        dn.blocks
            .iter()
            .filter(|id| {
                self.blocks.get(id).is_some_and(|b| {
                    let elsewhere = b
                        .replicas
                        .iter()
                        .filter(|n| {
                            **n != node
                                && self
                                    .datanodes
                                    .get(n)
                                    .is_some_and(|d| d.state == DataNodeState::Live)
                        })
                        .count();
                    (elsewhere as u32) < b.target.min(self.live_datanodes() as u32)
                })
            })
            .copied()
            .collect()
    }

    /// Blocks with fewer live replicas than their target (and that can get more), in id
    /// order.
    pub fn under_replicated(&self) -> Vec<BlockId> {
        let live = self.live_datanodes() as u32;
        self.blocks
            .values()
            .filter(|b| {
                !b.replicas.is_empty() && (self.live_replicas(b) as u32) < b.target.min(live)
            })
            .map(|b| b.id)
            .collect()
    }

    fn live_replicas(&self, b: &Block) -> usize {
        b.replicas
            .iter()
            .filter(|n| {
                self.datanodes
                    .get(n)
                    .is_some_and(|d| d.state == DataNodeState::Live)
            })
            .count()
    }

    /// Blocks with no replica at all.
    pub fn missing_blocks(&self) -> Vec<BlockId> {
        self.blocks
            .values()
            .filter(|b| b.replicas.is_empty())
            .map(|b| b.id)
            .collect()
    }

    /// Picks a source replica and a new target for copying `block`, avoiding `busy`
    /// sources and targets; `None` when no copy is possible right now.
    pub fn plan_copy(
        &self,
        block: BlockId,
        busy: &BTreeSet<NodeId>,
        rng: &mut SimRng,
    ) -> Option<(NodeId, NodeId)> {
        let b = self.blocks.get(&block)?;
        let source = b.replicas.iter().copied().find(|n| {
            !busy.contains(n)
                && self
                    .datanodes
                    .get(n)
                    .is_some_and(|d| d.state != DataNodeState::Dead)
        })?;
        let eligible: Vec<NodeId> = self
            .datanodes
            .iter()
            .filter(|(id, d)| {
                d.state == DataNodeState::Live
                    && !b.replicas.contains(id)
                    && !busy.contains(id)
                    && d.capacity.saturating_sub(d.used) >= b.size
            })
            .map(|(id, _)| *id)
            .collect();
        let target = *rng.pick(&eligible)?;
        Some((source, target))
    }

    /// Records a finished copy of `block` onto `target`.
    pub fn add_replica(&mut self, block: BlockId, target: NodeId) -> bool {
        let Some(b) = self.blocks.get_mut(&block) else {
            return false;
        };
        let Some(d) = self.datanodes.get_mut(&target) else {
            return false;
        };
        if b.replicas.contains(&target) || d.state != DataNodeState::Live {
            return false;
        }
        b.replicas.push(target);
        d.used += b.size;
        d.blocks.insert(block);
        true
    }
}

/// HDFS paths are absolute, without empty, `.` or `..` components.
fn validate_path(path: &str) -> Result<()> {
    let ok = path.starts_with('/')
        && path.len() > 1
        && !path.ends_with('/')
        && path
            .split('/')
            .skip(1)
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains(char::is_control));
    if ok {
        Ok(())
    } else {
        Err(EmrError::BadInput(format!(
            "{path:?} is not a valid HDFS path: use an absolute path such as /input/words.txt"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(nodes: u32, capacity: u64) -> Hdfs {
        let mut h = Hdfs::new(100, replication_for(nodes as usize)).unwrap();
        for n in 1..=nodes {
            h.add_datanode(NodeId(n), capacity);
        }
        h
    }

    fn text(n: usize) -> FileData {
        FileData::Bytes(Arc::new(vec![b'x'; n]))
    }

    #[test]
    fn files_are_cut_into_blocks_with_distinct_replicas() {
        let mut h = fs(5, 10_000);
        let mut rng = SimRng::seed_from(3);
        let f = h.create("/in/a", text(250), None, None, &mut rng).unwrap();
        let blocks = f.blocks.clone();
        let sizes: Vec<u64> = blocks.iter().map(|b| h.block(*b).unwrap().size).collect();
        assert_eq!(sizes, vec![100, 100, 50]);
        for b in &blocks {
            let r = &h.block(*b).unwrap().replicas;
            assert_eq!(r.len(), 2, "5 core nodes: replication 2");
            assert_ne!(r[0], r[1]);
        }
        assert_eq!(h.raw_used(), 500);
        assert_eq!(h.capacity(), 25_000);
    }

    #[test]
    fn capacity_is_checked_and_a_failed_write_leaves_nothing() {
        let mut h = fs(2, 120);
        let mut rng = SimRng::seed_from(3);
        let err = h
            .create("/big", text(300), None, None, &mut rng)
            .unwrap_err();
        assert!(matches!(err, EmrError::InsufficientCapacity(_)), "{err}");
        assert_eq!(h.raw_used(), 0);
        assert!(!h.exists("/big"));
        assert!(h.create("/ok", text(200), None, None, &mut rng).is_ok());
        let err = h.create("/ok", text(1), None, None, &mut rng).unwrap_err();
        assert!(matches!(err, EmrError::AlreadyExists(_)));
    }

    #[test]
    fn losing_the_only_replica_is_data_loss() {
        let mut h = fs(3, 10_000);
        let mut rng = SimRng::seed_from(9);
        h.create("/a", text(300), None, None, &mut rng).unwrap();
        let holder = h.block(BlockId(1)).unwrap().replicas[0];
        let report = h.mark_dead(holder);
        assert!(report.under_replicated.is_empty());
        assert!(
            report
                .missing
                .iter()
                .any(|(b, f)| *b == BlockId(1) && f == "/a")
        );
        let err = h.read("/a", |_| true).unwrap_err();
        assert!(err.to_string().contains("could not obtain block"), "{err}");
    }

    #[test]
    fn a_dead_node_leaves_under_replicated_blocks_that_can_be_copied() {
        let mut h = fs(4, 10_000);
        let mut rng = SimRng::seed_from(9);
        h.create("/a", text(400), None, None, &mut rng).unwrap();
        let victim = h.block(BlockId(1)).unwrap().replicas[0];
        let report = h.mark_dead(victim);
        assert!(report.missing.is_empty());
        assert!(!report.under_replicated.is_empty());
        assert_eq!(h.under_replicated(), report.under_replicated);
        for b in report.under_replicated {
            let (src, dst) = h.plan_copy(b, &BTreeSet::new(), &mut rng).unwrap();
            assert_ne!(src, victim);
            assert_ne!(dst, victim);
            assert!(h.add_replica(b, dst));
        }
        assert!(h.under_replicated().is_empty());
    }

    #[test]
    fn decommission_waits_for_copies() {
        let mut h = fs(4, 10_000);
        let mut rng = SimRng::seed_from(5);
        h.create("/a", text(200), None, None, &mut rng).unwrap();
        let node = h.block(BlockId(1)).unwrap().replicas[0];
        h.start_decommission(node);
        assert!(!h.finish_decommission(node));
        for b in h.needs_copies_from(node) {
            let (_, dst) = h.plan_copy(b, &BTreeSet::new(), &mut rng).unwrap();
            h.add_replica(b, dst);
        }
        assert!(h.finish_decommission(node));
        assert!(h.read("/a", |n| n != node).is_ok());
    }

    #[test]
    fn paths_are_validated() {
        let mut h = fs(1, 100);
        let mut rng = SimRng::seed_from(1);
        for bad in ["relative", "/", "/a/", "/a//b", "/a/../b"] {
            assert!(
                h.create(bad, text(1), None, None, &mut rng).is_err(),
                "{bad}"
            );
        }
    }
}
