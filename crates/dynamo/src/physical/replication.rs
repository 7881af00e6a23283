//! Replication on simulated time: the log moving to followers and indexes, leaders lost
//! and elected, failed replicas replaced by log replicas and rebuilt, splits finishing.
//!
//! A write is appended by the leader and sent to both followers; each persists it after a
//! sampled delay (slower on a slow replica), and the write is acknowledged as soon as the
//! faster one has — the leader and one follower make the 2-of-3 quorum. Each follower then
//! applies the record after a sampled lag, and each global secondary index after its own.
//! Applying is in log order: applying up to LSN *n* applies everything before it.
//!
//! When the leader fails (crashes, its zone goes out, or it is cut off from its peers) the
//! others wait out its lease and then elect the connected full replica with the most log
//! persisted. Quorum intersection makes that replica hold every acknowledged write; the
//! property tests check exactly that. Without two connected members there is no election
//! and no leader until enough come back. A member that stays down is replaced after a few
//! seconds by a log replica (which counts towards quorum but serves no reads) that is
//! rebuilt into a full replica within minutes.

use std::sync::Arc;

use dynaplay_sim::{SimDuration, SimTime};

use super::events::{EventKind, Few, Record};
use super::log::LogRecord;
use super::replica::{Replica, ReplicaKind, ZONES};
use super::service::DynamoService;
use super::table_model::TableHandle;

/// Something the model does later, to partition `partition` of the table `table` names
/// (by name and engine id: a table deleted and created again is not the same table).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// A follower persists the log up to `lsn`.
    Persist {
        table: Arc<TableHandle>,
        partition: u32,
        member: u32,
        lsn: u64,
    },
    /// A follower applies (and persists) the log up to `lsn`.
    Apply {
        table: Arc<TableHandle>,
        partition: u32,
        member: u32,
        lsn: u64,
    },
    /// A global secondary index applies a partition's writes up to `lsn`.
    IndexApply {
        table: Arc<TableHandle>,
        partition: u32,
        index: Arc<str>,
        lsn: u64,
    },
    /// The lease has run out: elect a leader if possible.
    Election {
        table: Arc<TableHandle>,
        partition: u32,
    },
    /// A member still down is replaced by a log replica.
    Replace {
        table: Arc<TableHandle>,
        partition: u32,
        member: u32,
    },
    /// A log replica becomes a full replica.
    Rebuild {
        table: Arc<TableHandle>,
        partition: u32,
        member: u32,
    },
    SplitDone {
        table: Arc<TableHandle>,
        partition: u32,
    },
    /// A fault of a plan starts or ends.
    Fault {
        fault: dynaplay_sim::ScheduledFault,
        start: bool,
    },
}

/// Up, connected, for each member of a group: what a fault changes.
pub(super) type Presence = Vec<(u32, bool, bool)>;

impl DynamoService {
    /// Runs everything due up to `now`, in time order, and moves the clock there.
    pub fn advance_to(&mut self, now: SimTime) {
        while let Some((at, action)) = self.actions.pop_due(now) {
            self.now = self.now.max(at);
            self.handle(action);
        }
        self.now = self.now.max(now);
    }

    /// When the model next has something to do, if anything.
    pub fn next_activity(&self) -> Option<SimTime> {
        self.actions.peek_time()
    }

    /// The partitions now holding what partition `id` of the table `handle` names held.
    fn locate(&self, handle: &TableHandle, id: u32) -> Few<usize> {
        match self.tables.get(&*handle.name) {
            Some(model) if model.table_id == handle.table_id => model.resolve_few(id),
            _ => Few::Empty,
        }
    }

    fn handle(&mut self, action: Action) {
        let now = self.now;
        match action {
            Action::Persist {
                table,
                partition,
                member,
                lsn,
            } => {
                for &index in self.locate(&table, partition).iter() {
                    self.with_member(&table.name, index, member, |replica| {
                        if replica.is_connected() {
                            replica.persisted_lsn = replica.persisted_lsn.max(lsn);
                        }
                    });
                }
            }
            Action::Apply {
                table,
                partition,
                member,
                lsn,
            } => {
                for &index in self.locate(&table, partition).iter() {
                    self.apply(&table.name, index, member, lsn, now);
                }
            }
            Action::IndexApply {
                table,
                partition,
                index: name,
                lsn,
            } => {
                for &index in self.locate(&table, partition).iter() {
                    let Some(part) = self
                        .tables
                        .get_mut(&*table.name)
                        .and_then(|m| m.partitions.get_mut(index))
                    else {
                        continue;
                    };
                    let applied = match part.index_applied.get_mut(&*name) {
                        Some(applied) => applied,
                        None => part.index_applied.entry(name.to_string()).or_insert(0),
                    };
                    if *applied < lsn {
                        *applied = lsn;
                        let id = part.id;
                        self.trim(&table.name, index);
                        self.events.record(
                            now,
                            Record::IndexApplied {
                                table: Arc::clone(&table.name),
                                index: Arc::clone(&name),
                                partition: id,
                                lsn,
                            },
                        );
                    }
                }
            }
            Action::Election { table, partition } => {
                for &index in self.locate(&table, partition).iter() {
                    self.elect(&table.name, index, now);
                }
            }
            Action::Replace {
                table,
                partition,
                member,
            } => {
                for &index in self.locate(&table, partition).iter() {
                    self.replace(&table, index, member, now);
                }
            }
            Action::Rebuild {
                table,
                partition,
                member,
            } => {
                for &index in self.locate(&table, partition).iter() {
                    self.rebuild(&table.name, index, member, now);
                }
            }
            Action::SplitDone { table, partition } => {
                let name = &*table.name;
                let done = match (self.tables.get_mut(name), self.db.table(name)) {
                    (Some(model), Some(engine)) if model.table_id == table.table_id => {
                        model.finish_split(partition, now, engine)
                    }
                    _ => None,
                };
                if let Some(children) = done {
                    self.emit(
                        now,
                        EventKind::SplitFinished {
                            table: name.to_string(),
                            parent: partition,
                            children,
                        },
                    );
                    self.ensure_partitions(name, now);
                }
            }
            Action::Fault { fault, start } => {
                if start {
                    // A plan's faults were validated when the plan was built; one that no
                    // longer names anything (a table since deleted) has nothing to do.
                    let _ = self.inject(&fault.target, fault.kind);
                } else {
                    self.heal(&fault.target);
                }
            }
        }
    }

    pub(super) fn with_member(
        &mut self,
        table: &str,
        index: usize,
        member: u32,
        f: impl FnOnce(&mut Replica),
    ) {
        if let Some(replica) = self
            .tables
            .get_mut(table)
            .and_then(|m| m.partitions.get_mut(index))
            .and_then(|p| p.replicas.iter_mut().find(|r| r.member == member))
        {
            f(replica);
        }
    }

    fn apply(&mut self, table: &str, index: usize, member: u32, lsn: u64, now: SimTime) {
        let Some(partition) = self
            .tables
            .get_mut(table)
            .and_then(|m| m.partitions.get_mut(index))
        else {
            return;
        };
        let id = partition.id;
        let Some(slot) = partition.slot_of(member) else {
            return;
        };
        let Some(replica) = partition.replicas.get_mut(slot) else {
            return;
        };
        if !replica.is_connected() {
            return;
        }
        replica.persisted_lsn = replica.persisted_lsn.max(lsn);
        if replica.kind == ReplicaKind::Full && replica.applied_lsn < lsn {
            replica.applied_lsn = lsn;
            self.trim(table, index);
            let table = self.shared_name(table);
            self.events.record(
                now,
                Record::LogApplied {
                    table,
                    partition: id,
                    replica: slot,
                    lsn,
                },
            );
        }
    }

    /// Drops log records every member and index has applied.
    fn trim(&mut self, table: &str, index: usize) {
        if let Some(partition) = self
            .tables
            .get_mut(table)
            .and_then(|m| m.partitions.get_mut(index))
        {
            let needed = partition.needed_from();
            partition.log.trim_through(needed);
        }
    }

    /// The name of table `table` as shared text for events.
    pub(super) fn shared_name(&self, table: &str) -> Arc<str> {
        match self.tables.get(table) {
            Some(model) => Arc::clone(&model.handle.name),
            None => Arc::from(table),
        }
    }

    /// Appends `record` at the leader of partition `index` and sends it to the followers;
    /// returns the slots that had persisted it at acknowledgement (ascending: the leader
    /// and the fastest follower) and how long the quorum took.
    pub(super) fn replicate(
        &mut self,
        table: &str,
        index: usize,
        record: LogRecord,
        now: SimTime,
    ) -> ([Option<usize>; 2], SimDuration) {
        let config = &self.config;
        let Some(model) = self.tables.get_mut(table) else {
            return ([None, None], SimDuration::ZERO);
        };
        let handle = Arc::clone(&model.handle);
        let Some(partition) = model.partitions.get_mut(index) else {
            return ([None, None], SimDuration::ZERO);
        };
        let lsn = record.lsn;
        let id = partition.id;
        // With realism off a write proceeds even without a leader; slot 0 stands in.
        let leader = partition.leader.unwrap_or(0);
        let leader_connected = partition
            .replicas
            .get(leader)
            .is_some_and(|r| r.is_connected());
        let mut delays: Vec<(usize, u32, SimDuration, SimDuration, ReplicaKind)> = Vec::new();
        for (slot, replica) in partition.replicas.iter_mut().enumerate() {
            if slot == leader {
                replica.persisted_lsn = replica.persisted_lsn.max(lsn);
                replica.applied_lsn = replica.applied_lsn.max(lsn);
                continue;
            }
            if !(leader_connected && replica.is_connected()) {
                continue;
            }
            let persist = config
                .persist
                .sample(&mut self.model_rng)
                .mul_f64(replica.slow);
            let lag = config
                .apply_lag
                .sample(&mut self.model_rng)
                .mul_f64(replica.slow);
            delays.push((slot, replica.member, persist, lag, replica.kind));
        }
        let fastest = delays
            .iter()
            .min_by_key(|(slot, _, persist, _, _)| (*persist, *slot))
            .map(|d| (d.0, d.2));
        let mut acked = [Some(leader), None];
        let mut quorum = SimDuration::ZERO;
        if let Some((slot, persist)) = fastest {
            acked = [Some(leader.min(slot)), Some(leader.max(slot))];
            quorum = persist;
            if let Some(replica) = partition.replicas.get_mut(slot) {
                replica.persisted_lsn = replica.persisted_lsn.max(lsn);
            }
        }
        let mut record = record;
        record.acked_at = now + quorum;
        partition.committed_lsn = partition.committed_lsn.max(lsn);
        partition.log.push(record);
        for (slot, member, persist, lag, kind) in delays {
            if Some(slot) != fastest.map(|f| f.0) {
                self.actions.schedule(
                    now + persist,
                    Action::Persist {
                        table: Arc::clone(&handle),
                        partition: id,
                        member,
                        lsn,
                    },
                );
            }
            if kind == ReplicaKind::Full {
                self.actions.schedule(
                    now + persist + lag,
                    Action::Apply {
                        table: Arc::clone(&handle),
                        partition: id,
                        member,
                        lsn,
                    },
                );
            }
        }
        let indexes = self
            .tables
            .get(table)
            .map(|m| m.index_names.as_slice())
            .unwrap_or_default();
        for name in indexes {
            let lag = config.index_lag.sample(&mut self.model_rng);
            self.actions.schedule(
                now + lag,
                Action::IndexApply {
                    table: Arc::clone(&handle),
                    partition: id,
                    index: Arc::clone(name),
                    lsn,
                },
            );
        }
        (acked, quorum)
    }

    /// Each member's (id, up, connected), to compare before and after a fault.
    pub(super) fn presence(&self, table: &str, index: usize) -> Presence {
        self.tables
            .get(table)
            .and_then(|m| m.partitions.get(index))
            .map(|p| {
                p.replicas
                    .iter()
                    .map(|r| (r.member, r.is_up(), r.is_connected()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Reacts to members going down or coming back after a fault changed them from
    /// `before`: replacement, catch-up, and leadership.
    pub(super) fn after_change(
        &mut self,
        table: &str,
        index: usize,
        before: &Presence,
        now: SimTime,
    ) {
        let after = self.presence(table, index);
        let Some(model) = self.tables.get(table) else {
            return;
        };
        let handle = Arc::clone(&model.handle);
        let Some(partition) = model.partitions.get(index) else {
            return;
        };
        let id = partition.id;
        let committed = partition.committed_lsn;
        for (slot, (member, up, connected)) in after.iter().copied().enumerate() {
            let Some((_, was_up, was_connected)) =
                before.iter().find(|(m, _, _)| *m == member).copied()
            else {
                continue;
            };
            if was_up && !up {
                self.emit(
                    now,
                    EventKind::ReplicaDown {
                        table: table.to_string(),
                        partition: id,
                        replica: slot,
                    },
                );
                let delay = self.sample(&self.config.log_replica.clone());
                self.actions.schedule(
                    now + delay,
                    Action::Replace {
                        table: Arc::clone(&handle),
                        partition: id,
                        member,
                    },
                );
            }
            if !was_up && up {
                self.emit(
                    now,
                    EventKind::ReplicaUp {
                        table: table.to_string(),
                        partition: id,
                        replica: slot,
                    },
                );
            }
            if !was_connected && connected {
                let lag = self.sample(&self.config.apply_lag.clone());
                self.actions.schedule(
                    now + lag,
                    Action::Apply {
                        table: Arc::clone(&handle),
                        partition: id,
                        member,
                        lsn: committed,
                    },
                );
            }
        }
        self.reconcile(table, index, now);
    }

    /// Leadership after a change: a leader that can no longer lead is lost and an
    /// election is scheduled for when its lease runs out; a leaderless group that has a
    /// quorum again gets an election.
    pub(super) fn reconcile(&mut self, table: &str, index: usize, now: SimTime) {
        let lease = self.config.lease;
        let election = self.sample(&self.config.election.clone());
        let Some(model) = self.tables.get_mut(table) else {
            return;
        };
        let handle = Arc::clone(&model.handle);
        let Some(partition) = model.partitions.get_mut(index) else {
            return;
        };
        let id = partition.id;
        let mut lost = None;
        if let Some(slot) = partition.leader
            && !partition.replicas.get(slot).is_some_and(Replica::can_lead)
        {
            partition.leader = None;
            lost = Some(slot);
        }
        let mut schedule = None;
        if partition.leader.is_none() && partition.election_at.is_none() {
            // Followers wait out the lost leader's lease; a group that lost its leader
            // long ago elects as soon as it can.
            let at = if lost.is_some() {
                now + lease + election
            } else {
                now + election
            };
            if lost.is_some() || partition.connected() >= 2 {
                partition.election_at = Some(at);
                schedule = Some(at);
            }
        }
        if let Some(slot) = lost {
            self.emit(
                now,
                EventKind::LeaderLost {
                    table: table.to_string(),
                    partition: id,
                    replica: slot,
                },
            );
        }
        if let Some(at) = schedule {
            self.actions.schedule(
                at,
                Action::Election {
                    table: handle,
                    partition: id,
                },
            );
        }
    }

    fn elect(&mut self, table: &str, index: usize, now: SimTime) {
        let Some(model) = self.tables.get_mut(table) else {
            return;
        };
        let handle = Arc::clone(&model.handle);
        let Some(partition) = model.partitions.get_mut(index) else {
            return;
        };
        partition.election_at = None;
        if partition.leader.is_some() {
            return;
        }
        if partition.connected() < 2 {
            return;
        }
        let winner = partition
            .replicas
            .iter()
            .enumerate()
            .filter(|(_, r)| r.can_lead())
            .max_by(|(a, ra), (b, rb)| ra.persisted_lsn.cmp(&rb.persisted_lsn).then(b.cmp(a)))
            .map(|(slot, _)| slot);
        let Some(slot) = winner else { return };
        partition.term += 1;
        partition.leader = Some(slot);
        let term = partition.term;
        let id = partition.id;
        let mut catch_up = Vec::new();
        if let Some(leader) = partition.replicas.get_mut(slot) {
            // The new leader applies everything it has persisted before serving.
            leader.applied_lsn = leader.applied_lsn.max(leader.persisted_lsn);
            partition.committed_lsn = partition.committed_lsn.max(leader.persisted_lsn);
        }
        let committed = partition.committed_lsn;
        for replica in &partition.replicas {
            if replica.is_connected() && replica.applied_lsn < committed {
                catch_up.push(replica.member);
            }
        }
        self.emit(
            now,
            EventKind::LeaderElected {
                table: table.to_string(),
                partition: id,
                replica: slot,
                term,
            },
        );
        for member in catch_up {
            let lag = self.sample(&self.config.apply_lag.clone());
            self.actions.schedule(
                now + lag,
                Action::Apply {
                    table: Arc::clone(&handle),
                    partition: id,
                    member,
                    lsn: committed,
                },
            );
        }
    }

    fn replace(&mut self, handle: &Arc<TableHandle>, index: usize, member: u32, now: SimTime) {
        let table = &*handle.name;
        let rebuild = self.sample(&self.config.rebuild.clone());
        let zones_down = self.zones_down.clone();
        let Some(partition) = self
            .tables
            .get_mut(table)
            .and_then(|m| m.partitions.get_mut(index))
        else {
            return;
        };
        let Some(slot) = partition.slot_of(member) else {
            return;
        };
        if partition.replicas.get(slot).is_none_or(Replica::is_up) {
            return;
        }
        // Changing the group's membership takes a quorum of the group: a lone survivor
        // cannot admit a new member (it might lack acknowledged writes). Try again later.
        if partition.connected() < 2 {
            let id = partition.id;
            let action = Action::Replace {
                table: Arc::clone(handle),
                partition: id,
                member,
            };
            self.actions.schedule(now + rebuild.mul_f64(0.05), action);
            return;
        }
        let old_zone = partition
            .replicas
            .get(slot)
            .map(|r| r.zone.clone())
            .unwrap_or_default();
        // Same zone if it is there; otherwise the zone with the fewest live members.
        let zone = if zones_down.contains(&old_zone) {
            ZONES
                .iter()
                .filter(|z| !zones_down.contains(**z))
                .min_by_key(|z| {
                    partition
                        .replicas
                        .iter()
                        .filter(|r| r.is_up() && r.zone == **z)
                        .count()
                })
                .map_or(old_zone.clone(), |z| z.to_string())
        } else {
            old_zone
        };
        let log_position = partition
            .replicas
            .iter()
            .filter(|r| r.is_connected())
            .map(|r| r.persisted_lsn)
            .max()
            .unwrap_or(partition.committed_lsn);
        let new_member = partition.next_member;
        partition.next_member += 1;
        let mut replica = Replica::new(new_member, &zone, ReplicaKind::Log, 0);
        replica.persisted_lsn = log_position;
        replica.zone_down = zones_down.contains(&zone);
        if let Some(entry) = partition.replicas.get_mut(slot) {
            *entry = replica;
        }
        let id = partition.id;
        self.emit(
            now,
            EventKind::LogReplicaAdded {
                table: table.to_string(),
                partition: id,
                replica: slot,
                zone,
                kind: ReplicaKind::Log,
            },
        );
        self.actions.schedule(
            now + rebuild,
            Action::Rebuild {
                table: Arc::clone(handle),
                partition: id,
                member: new_member,
            },
        );
        self.reconcile(table, index, now);
    }

    fn rebuild(&mut self, table: &str, index: usize, member: u32, now: SimTime) {
        let Some(partition) = self
            .tables
            .get_mut(table)
            .and_then(|m| m.partitions.get_mut(index))
        else {
            return;
        };
        let id = partition.id;
        let committed = partition.committed_lsn;
        let Some(slot) = partition.slot_of(member) else {
            return;
        };
        let Some(replica) = partition.replicas.get_mut(slot) else {
            return;
        };
        if replica.kind != ReplicaKind::Log || !replica.is_connected() {
            return;
        }
        // Built from a snapshot of a full replica: it has everything committed.
        replica.kind = ReplicaKind::Full;
        replica.persisted_lsn = replica.persisted_lsn.max(committed);
        replica.applied_lsn = replica.persisted_lsn;
        self.emit(
            now,
            EventKind::ReplicaRebuilt {
                table: table.to_string(),
                partition: id,
                replica: slot,
            },
        );
        self.reconcile(table, index, now);
    }
}
