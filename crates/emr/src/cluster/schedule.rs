//! Placing a job's tasks: which node gets which map or reduce, and when.
//!
//! YARN hands out containers as nodes have room; the ApplicationMaster decides what to run
//! in them. Offers go in Hadoop's order of request priorities: maps being retried after a
//! failure, then reduces (once 5% of the maps are done, and within the ramp-up limit while
//! maps still wait), then the other maps — each node first taking the maps whose split it
//! holds, so that most maps read from their own disk. A node that cannot fit a reduce yet
//! is *reserved* for one until it can. A failed task avoids the nodes it failed on while
//! another has room, and a blacklisted node gets nothing more of the job.
//!
//! Reduces wait for every map, so reduces holding every container while a map waits would
//! wait for ever; as Hadoop's ApplicationMaster does, the youngest reduce is preempted.

use super::Cluster;
use super::job::*;
use crate::ids::{JobId, NodeId};
use crate::yarn::ContainerKind;

impl Cluster {
    /// Whether the blacklist is being honoured: Hadoop ignores it once a third of the
    /// nodes are on it.
    fn blacklist_active(&self, job: &JobRun) -> bool {
        let workers = self.nodes.iter().filter(|n| n.accepts_containers()).count();
        (job.blacklist.len() as f64) < 0.33 * workers as f64
    }

    pub(crate) fn usable(&self, job: &JobRun, node: NodeId) -> bool {
        self.node(node).is_some_and(|n| n.accepts_containers())
            && job.ready.get(node.index()).copied().unwrap_or(false)
            && !(job.blacklist.contains(&node) && self.blacklist_active(job))
    }

    fn slowstart_reached(job: &JobRun) -> bool {
        let need = (job.config.slowstart * job.maps.len() as f64).ceil() as u32;
        job.committed_maps >= need
    }

    fn reduce_wanted(&self, job: &JobRun, reduce_mb: u64) -> bool {
        if job.pending_reduces.is_empty() || !Self::slowstart_reached(job) || job.maps_starved {
            return false;
        }
        if !job.has_pending_maps() {
            return true;
        }
        let limit = job.config.reduce_rampup_limit * self.yarn_mb as f64;
        (job.reduce_mb_running + reduce_mb) as f64 <= limit
    }

    /// Offers a node's free room to the job: reduces first (when wanted), then maps.
    pub(crate) fn offer(&mut self, job: &mut JobRun, node: NodeId) {
        self.offer_with(job, node, true);
        self.preempt_if_maps_starve(job);
    }

    /// Offers a node's room; with `remote` false only node-local maps are placed.
    ///
    /// The order is Hadoop's request priorities: maps being retried after a failure,
    /// then reduces (when wanted), then the other maps.
    fn offer_with(&mut self, job: &mut JobRun, node: NodeId, remote: bool) {
        if job.state != JobState::Running {
            return;
        }
        loop {
            if !self.usable(job, node) {
                job.reserved.remove(&node);
                return;
            }
            let Some(n) = self.node(node) else { return };
            let sizing = n.yarn.sizing;
            let fits_map = n.yarn.fits(ContainerKind::Map);
            if fits_map && let Some(m) = self.next_retry(job, node) {
                self.start_map(job, node, m, false);
                continue;
            }
            if self.reduce_wanted(job, sizing.reduce_mb) {
                let fits = self
                    .node(node)
                    .is_some_and(|n| n.yarn.fits(ContainerKind::Reduce));
                if fits {
                    if let Some(r) = self.next_reduce(job, node) {
                        job.reserved.remove(&node);
                        self.start_reduce(job, node, r, false);
                        continue;
                    }
                } else {
                    // Could this node ever hold one more reduce beside the long-lived
                    // containers (reduces, the AM)? Then hold its room for it.
                    let on_node = u64::from(job.reduces_on_node.get(&node).copied().unwrap_or(0));
                    let am = u64::from(job.am_node == Some(node));
                    let vcores = self.node(node).map_or(0, |n| u64::from(n.yarn.vcores));
                    let room = (on_node + 1) * sizing.reduce_mb + am * sizing.am_mb
                        <= sizing.nodemanager_mb
                        && on_node + 1 + am <= vcores;
                    if room
                        && (job.reserved.contains(&node)
                            || job.reserved.len() < job.pending_reduces.len())
                    {
                        job.reserved.insert(node);
                        return;
                    }
                }
            } else {
                job.reserved.remove(&node);
            }
            if fits_map && let Some(m) = Self::next_map(job, node, remote) {
                self.start_map(job, node, m, false);
                continue;
            }
            return;
        }
    }

    /// Offers every node (after a change that may let waiting tasks run): first every
    /// node takes the maps whose data it holds, then what is left goes anywhere — so a
    /// node does not take another node's local work just because it was asked first.
    pub(crate) fn offer_all(&mut self, job: &mut JobRun) {
        let ids: Vec<NodeId> = self.nodes.iter().map(|n| n.id).collect();
        for remote in [false, true] {
            for &id in &ids {
                if job.state != JobState::Running {
                    return;
                }
                if !job.has_pending_maps() && job.pending_reduces.is_empty() {
                    return;
                }
                self.offer_with(job, id, remote);
            }
        }
        self.preempt_if_maps_starve(job);
    }

    /// Reduces wait for every map, so maps that can find no room while reduces hold the
    /// containers would wait for ever. Like Hadoop's ApplicationMaster, when maps wait,
    /// none can be placed and none is running to free a container, preempt the youngest
    /// reduce to make room, and hold new reduces back until the maps are placed.
    fn preempt_if_maps_starve(&mut self, job: &mut JobRun) {
        if job.state != JobState::Running || !job.has_pending_maps() {
            return;
        }
        let room = self
            .nodes
            .iter()
            .any(|n| self.usable(job, n.id) && n.yarn.fits(ContainerKind::Map));
        let maps_running = job.attempts.iter().any(|a| {
            a.is_running() && a.task.kind() == crate::ids::TaskKind::Map && self.node_is_up(a.node)
        });
        if room || maps_running {
            return;
        }
        let victim = job
            .attempts
            .iter()
            .filter(|a| {
                a.is_running()
                    && a.task.kind() == crate::ids::TaskKind::Reduce
                    && self.usable(job, a.node)
            })
            .max_by_key(|a| (a.start, a.id))
            .map(|a| (a.id, a.node));
        if let Some((victim, node)) = victim {
            job.maps_starved = true;
            self.kill_attempt(job, victim, "preempted: maps are waiting for a container");
            self.offer(job, node);
        }
    }

    /// Workers that became ready at this instant are offered work together.
    pub(crate) fn on_offer_round(&mut self, id: JobId) {
        let Some(mut job) = self.take_job(id) else {
            return;
        };
        job.offer_round = false;
        self.offer_all(&mut job);
        self.put_job(job);
    }

    /// Whether some node other than `node` and those in `avoid` could take a map now.
    fn room_elsewhere(
        &self,
        job: &JobRun,
        node: NodeId,
        avoid: &[NodeId],
        kind: ContainerKind,
    ) -> bool {
        self.nodes.iter().any(|n| {
            n.id != node && !avoid.contains(&n.id) && self.usable(job, n.id) && n.yarn.fits(kind)
        })
    }

    /// A failed map to retry here: not on a node where it already failed while another
    /// node has room for it.
    fn next_retry(&self, job: &mut JobRun, node: NodeId) -> Option<u32> {
        let m = job.retry_maps.iter().copied().find(|m| {
            job.maps.get(*m as usize).is_some_and(|t| {
                !t.failed_on.contains(&node)
                    || !self.room_elsewhere(job, node, &t.failed_on, ContainerKind::Map)
            })
        })?;
        job.retry_maps.remove(&m);
        if !job.has_pending_maps() {
            job.maps_starved = false;
        }
        Some(m)
    }

    fn next_reduce(&self, job: &mut JobRun, node: NodeId) -> Option<u32> {
        let r = job.pending_reduces.iter().copied().find(|r| {
            job.reduces.get(*r as usize).is_some_and(|t| {
                !t.failed_on.contains(&node)
                    || !self.room_elsewhere(job, node, &t.failed_on, ContainerKind::Reduce)
            })
        })?;
        job.pending_reduces.remove(&r);
        Some(r)
    }

    fn next_map(job: &mut JobRun, node: NodeId, remote: bool) -> Option<u32> {
        let mut found = None;
        if let Some(list) = job.local_maps.get_mut(node.index()) {
            while let Some(m) = list.pop() {
                if job.pending_maps.remove(&m) {
                    found = Some(m);
                    break;
                }
            }
        }
        if found.is_none() && remote {
            found = job.pending_maps.pop_first();
        }
        if found.is_some() && !job.has_pending_maps() {
            job.maps_starved = false;
        }
        found
    }

    /// Puts a map back in the queue (its output was lost, or its attempt was killed).
    pub(crate) fn requeue_map(&self, job: &mut JobRun, m: u32) {
        let Some(task) = job.maps.get_mut(m as usize) else {
            return;
        };
        task.state = TaskState::Pending;
        let hosts: Vec<NodeId> = task
            .split
            .block
            .and_then(|b| self.hdfs.block(b))
            .map(|b| b.replicas.clone())
            .unwrap_or_default();
        for h in hosts {
            if let Some(list) = job.local_maps.get_mut(h.index()) {
                list.push(m);
            }
        }
        job.pending_maps.insert(m);
    }
}
