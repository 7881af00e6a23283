//! The shuffle: reducers fetching their partitions of the map outputs over the network.
//!
//! Each shuffling reduce attempt is one aggregated flow: it can fetch whatever the
//! committed maps have produced for its partition and it has not fetched yet. Every
//! shuffle tick the flows' rates are recomputed: a reducer gets its node's network
//! interface shared with the other reducers shuffling there, and when the core network
//! has a capacity (the MapReduce paper's 100–200 Gbps root switches) all flows share it
//! max-min fairly — small demands are met in full and the rest split what remains. The
//! bytes moved in a tick are added to each flow and to the job's shuffle-rate series.
//!
//! A reducer whose maps are all committed and who has fetched everything is done with its
//! shuffle and moves on to merge-sort and reduce. Reducers that start during the map phase
//! keep up with the maps as they finish; the ones that start later fetch everything at
//! once — which is why a job with more reduces than reduce slots shows a second hump in its
//! shuffle rate, as the paper's figure 3 does.

use std::collections::BTreeMap;

use super::job::AttemptPhase;
use super::{Cluster, Ev};
use crate::ids::{AttemptId, JobId, NodeId};

/// Finds λ such that Σ min(dᵢ, λ) = capacity (the max-min fair share), given demands.
pub(crate) fn fair_level(demands: &[f64], capacity: f64) -> f64 {
    let total: f64 = demands.iter().sum();
    if total <= capacity {
        return f64::INFINITY;
    }
    let mut sorted: Vec<f64> = demands.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut left = capacity;
    let mut n = sorted.len();
    for d in sorted {
        let share = left / n as f64;
        if d <= share {
            left -= d;
            n -= 1;
        } else {
            return share;
        }
    }
    f64::INFINITY
}

impl Cluster {
    pub(crate) fn on_shuffle_tick(&mut self, id: JobId) {
        let Some(mut job) = self.take_job(id) else {
            return;
        };
        let now = self.now();
        let dt = job.config.shuffle_tick.as_secs_f64();
        let all_committed = job.committed_maps as usize == job.maps.len();
        // First, reducers that finished fetching during the last tick move on.
        let shuffling: Vec<AttemptId> = job.shuffling.iter().copied().collect();
        for a in &shuffling {
            let done = job.attempt(*a).is_some_and(|att| {
                att.phase() == Some(AttemptPhase::Shuffle)
                    && all_committed
                    && att.fetched + 0.5 >= job.available(att.task.index() as u32)
            });
            if done {
                self.begin_reduce_phase(&mut job, *a);
            }
        }
        // Then the flows for the next tick.
        let mut flows: Vec<(AttemptId, NodeId, f64)> = Vec::new();
        let mut per_node: BTreeMap<NodeId, u32> = BTreeMap::new();
        for a in job.shuffling.iter() {
            let Some(att) = job.attempt(*a) else { continue };
            let backlog = job.available(att.task.index() as u32) - att.fetched;
            if backlog > 0.5 {
                flows.push((*a, att.node, backlog));
                *per_node.entry(att.node).or_insert(0) += 1;
            }
        }
        job.backlogged_fetches = flows.len();
        let demands: Vec<f64> = flows
            .iter()
            .map(|(_, node, backlog)| {
                let n = per_node.get(node).copied().unwrap_or(1).max(1);
                let nic = self.node(*node).map_or(0.0, |nd| {
                    nd.instance.network_mbps * 1e6 / f64::from(n) / nd.factor()
                });
                nic.min(backlog / dt)
            })
            .collect();
        let level = match self.config.core_network_mbps {
            Some(c) => fair_level(&demands, c * 1e6),
            None => f64::INFINITY,
        };
        let mut moved = 0.0;
        for ((a, _, _), d) in flows.iter().zip(&demands) {
            let bytes = d.min(level) * dt;
            if let Some(att) = job.attempt_mut(*a) {
                att.fetched += bytes;
            }
            moved += bytes;
        }
        let next = now + job.config.shuffle_tick;
        if moved > 0.0 {
            job.shuffle_rate.add_flow(now, next, moved);
        }
        if job.shuffling.is_empty() {
            job.shuffle_ticking = false;
        } else {
            self.schedule_at(next, Ev::ShuffleTick(id));
        }
        self.put_job(job);
    }
}

#[cfg(test)]
mod tests {
    use super::fair_level;

    #[test]
    fn max_min_fair_share() {
        assert_eq!(fair_level(&[1.0, 2.0], 10.0), f64::INFINITY);
        // 10 shared by demands 1, 5, 8: the 1 is met, the others get 4.5 each.
        assert_eq!(fair_level(&[8.0, 1.0, 5.0], 10.0), 4.5);
        assert_eq!(fair_level(&[4.0, 4.0, 4.0], 6.0), 2.0);
    }
}
