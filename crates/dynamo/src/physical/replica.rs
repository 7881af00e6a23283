//! One copy of a partition: a member of its replication group.
//!
//! Every partition is kept by three replicas in three Availability Zones. Each replica
//! *persists* the leader's log records (what counts towards the 2-of-3 quorum that
//! acknowledges a write) and *applies* them to its B-tree a little later (what an
//! eventually consistent read it serves can see). The leader applies at once; followers
//! lag. A replica may be crashed, cut off from its peers, slowed, or in an Availability
//! Zone that is out; a *log replica* — log only, no B-tree — stands in for a replica
//! that stays down, counting towards quorum but serving no reads until it is rebuilt into
//! a full replica.

use serde::{Deserialize, Serialize};

/// The three Availability Zones a replication group spans.
pub const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Leader,
    Follower,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaKind {
    /// Log and B-tree: can lead and serve reads.
    Full,
    /// Log only: persists records for the quorum while a full replica is rebuilt.
    Log,
}

/// How a replica is doing, worst condition first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Health {
    Crashed,
    ZoneDown,
    Isolated,
    Slow { factor: f64 },
    Healthy,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    /// Member id, unique within the partition's group; a replacement gets a new one.
    pub member: u32,
    pub zone: String,
    pub kind: ReplicaKind,
    pub crashed: bool,
    pub zone_down: bool,
    pub isolated: bool,
    pub slow: f64,
    /// Highest log position persisted.
    pub persisted_lsn: u64,
    /// Highest log position applied (visible to reads this replica serves).
    pub applied_lsn: u64,
}

impl Replica {
    pub fn new(member: u32, zone: &str, kind: ReplicaKind, lsn: u64) -> Replica {
        Replica {
            member,
            zone: zone.to_string(),
            kind,
            crashed: false,
            zone_down: false,
            isolated: false,
            slow: 1.0,
            persisted_lsn: lsn,
            applied_lsn: lsn,
        }
    }

    /// Running and reachable from its zone.
    pub fn is_up(&self) -> bool {
        !self.crashed && !self.zone_down
    }

    /// Up and in touch with its peers: can persist the log and vote.
    pub fn is_connected(&self) -> bool {
        self.is_up() && !self.isolated
    }

    /// Can answer an eventually consistent read (a cut-off replica still can: clients
    /// reach it, but it hears no new writes).
    pub fn serves_reads(&self) -> bool {
        self.is_up() && self.kind == ReplicaKind::Full
    }

    /// Can become the leader.
    pub fn can_lead(&self) -> bool {
        self.is_connected() && self.kind == ReplicaKind::Full
    }

    pub fn health(&self) -> Health {
        if self.crashed {
            Health::Crashed
        } else if self.zone_down {
            Health::ZoneDown
        } else if self.isolated {
            Health::Isolated
        } else if self.slow != 1.0 {
            Health::Slow { factor: self.slow }
        } else {
            Health::Healthy
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_replica_votes_but_neither_leads_nor_serves_reads() {
        let log = Replica::new(3, ZONES[0], ReplicaKind::Log, 7);
        assert!(log.is_connected());
        assert!(!log.can_lead());
        assert!(!log.serves_reads());
    }

    #[test]
    fn an_isolated_replica_serves_reads_but_cannot_lead() {
        let mut replica = Replica::new(0, ZONES[1], ReplicaKind::Full, 0);
        replica.isolated = true;
        assert!(replica.serves_reads());
        assert!(!replica.can_lead());
        assert_eq!(replica.health(), Health::Isolated);
        replica.zone_down = true;
        assert!(!replica.serves_reads());
        assert_eq!(replica.health(), Health::ZoneDown);
    }
}
