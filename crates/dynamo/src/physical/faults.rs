//! Faults on the physical model, as commands and as plans.
//!
//! Targets follow the kernel's `<scope>:<name>` convention:
//!
//! * `replica:orders/p0/r1` — slot 1 of partition 0 of table `orders` (after a split,
//!   the same slot of each partition that came from p0);
//! * `leader:orders/p0` — whichever replica leads partition 0 when the fault starts;
//! * `az:us-east-1a` — every replica in an Availability Zone.
//!
//! `crash` takes a replica down until healed (`kill` for good); `zone-outage` (or `crash`
//! on a zone) takes a whole zone down; `partition` cuts replicas off from their peers
//! while clients can still reach them; `slow Nx` makes them N times slower. A fault
//! remembers the members it hit, so healing restores exactly those even if leadership
//! has moved since. What follows — elections, log replicas, catch-up — is
//! `replication.rs`'s.

use dynaplay_sim::{FaultKind, FaultPlan, FaultTarget, SimTime};
use serde::Serialize;

use super::events::EventKind;
use super::replica::{Replica, ZONES};
use super::replication::Action;
use super::service::DynamoService;

/// A fault in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveFault {
    pub target: FaultTarget,
    pub kind: FaultKind,
    pub since: SimTime,
    /// The zone a zone-wide outage took down.
    #[serde(skip)]
    zone: Option<String>,
    /// (table, engine table id, partition id, member) of each replica it hit.
    #[serde(skip)]
    members: Vec<(String, String, u32, u32)>,
}

/// Why a fault command names nothing the model has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultTargetError(pub String);

impl std::fmt::Display for FaultTargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FaultTargetError {}

fn error(target: &FaultTarget, why: &str) -> FaultTargetError {
    FaultTargetError(format!("fault target {target}: {why}"))
}

fn number(text: &str, prefix: char) -> Option<u64> {
    text.strip_prefix(prefix)?.parse().ok()
}

impl DynamoService {
    /// Injects a fault now.
    pub fn inject(
        &mut self,
        target: &FaultTarget,
        kind: FaultKind,
    ) -> Result<(), FaultTargetError> {
        let now = self.now;
        let mut fault = ActiveFault {
            target: target.clone(),
            kind,
            since: now,
            zone: None,
            members: Vec::new(),
        };
        match target.scope() {
            Some("az") => {
                let zone = target.name();
                if !ZONES.contains(&zone) {
                    return Err(error(
                        target,
                        "no such Availability Zone (us-east-1a, -1b or -1c)",
                    ));
                }
                if matches!(
                    kind,
                    FaultKind::Crash | FaultKind::Kill | FaultKind::ZoneOutage
                ) {
                    fault.zone = Some(zone.to_string());
                    self.zones_down.insert(zone.to_string());
                }
                fault.members = self.members_in_zone(zone);
            }
            Some("replica") => {
                let parts: Vec<&str> = target.name().split('/').collect();
                let (Some(table), Some(partition), Some(slot), 3) = (
                    parts.first(),
                    parts.get(1).and_then(|p| number(p, 'p')),
                    parts.get(2).and_then(|r| number(r, 'r')),
                    parts.len(),
                ) else {
                    return Err(error(
                        target,
                        "expected replica:<table>/p<partition>/r<0..2>",
                    ));
                };
                fault.members = self
                    .members_at(table, partition, |_, s| s as u64 == slot)
                    .ok_or_else(|| error(target, "no such table or partition"))?;
                if fault.members.is_empty() {
                    return Err(error(target, "no such replica slot"));
                }
            }
            Some("leader") => {
                let parts: Vec<&str> = target.name().split('/').collect();
                let (Some(table), Some(partition), 2) = (
                    parts.first(),
                    parts.get(1).and_then(|p| number(p, 'p')),
                    parts.len(),
                ) else {
                    return Err(error(target, "expected leader:<table>/p<partition>"));
                };
                fault.members = self
                    .members_at(table, partition, |leader, slot| leader == Some(slot))
                    .ok_or_else(|| error(target, "no such table or partition"))?;
                if fault.members.is_empty() {
                    return Err(error(target, "the partition has no leader now"));
                }
            }
            _ => return Err(error(target, "expected a replica:, leader: or az: target")),
        }
        let zone_down = fault.zone.is_some();
        self.change(&fault.members, |replica| match kind {
            _ if zone_down => replica.zone_down = true,
            FaultKind::Crash | FaultKind::Kill | FaultKind::ZoneOutage => replica.crashed = true,
            FaultKind::Partition => replica.isolated = true,
            FaultKind::Slow { factor } => replica.slow = factor,
        });
        self.emit(
            now,
            EventKind::FaultInjected {
                target: target.to_string(),
                fault: kind.to_string(),
            },
        );
        self.faults.push(fault);
        Ok(())
    }

    /// Heals every fault on `target`; false if there was none. A killed replica stays
    /// dead.
    pub fn heal(&mut self, target: &FaultTarget) -> bool {
        let now = self.now;
        let (healed, kept): (Vec<ActiveFault>, Vec<ActiveFault>) = std::mem::take(&mut self.faults)
            .into_iter()
            .partition(|f| &f.target == target);
        self.faults = kept;
        if healed.is_empty() {
            return false;
        }
        for fault in healed {
            if let Some(zone) = &fault.zone {
                if fault.kind != FaultKind::Kill {
                    self.zones_down.remove(zone);
                    let members = self.members_in_zone(zone);
                    self.change(&members, |replica| replica.zone_down = false);
                }
                continue;
            }
            self.change(&fault.members, |replica| match fault.kind {
                FaultKind::Crash | FaultKind::ZoneOutage => replica.crashed = false,
                FaultKind::Partition => replica.isolated = false,
                FaultKind::Slow { .. } => replica.slow = 1.0,
                FaultKind::Kill => {}
            });
        }
        self.emit(
            now,
            EventKind::FaultHealed {
                target: target.to_string(),
            },
        );
        true
    }

    /// Schedules every start and end of `plan` (times already past happen now).
    pub fn schedule_faults(&mut self, plan: &FaultPlan) {
        for (at, transition) in plan.transitions() {
            self.actions.schedule(
                at.max(self.now),
                Action::Fault {
                    fault: transition.fault().clone(),
                    start: transition.is_start(),
                },
            );
        }
    }

    /// The faults in force.
    pub fn active_faults(&self) -> &[ActiveFault] {
        &self.faults
    }

    fn members_in_zone(&self, zone: &str) -> Vec<(String, String, u32, u32)> {
        let mut members = Vec::new();
        for (name, model) in &self.tables {
            for partition in &model.partitions {
                for replica in partition.replicas.iter().filter(|r| r.zone == zone) {
                    members.push((
                        name.clone(),
                        model.table_id.clone(),
                        partition.id,
                        replica.member,
                    ));
                }
            }
        }
        members
    }

    /// Members of partition `id` (or its descendants) of `table` whose slot `pick`
    /// accepts, given the leader's slot; `None` if the table or partition is unknown.
    fn members_at(
        &self,
        table: &str,
        id: u64,
        pick: impl Fn(Option<usize>, usize) -> bool,
    ) -> Option<Vec<(String, String, u32, u32)>> {
        let model = self.tables.get(table)?;
        let indices = model.resolve(u32::try_from(id).ok()?);
        if indices.is_empty() {
            return None;
        }
        let mut members = Vec::new();
        for index in indices {
            let partition = model.partitions.get(index)?;
            for (slot, replica) in partition.replicas.iter().enumerate() {
                if pick(partition.leader, slot) {
                    members.push((
                        table.to_string(),
                        model.table_id.clone(),
                        partition.id,
                        replica.member,
                    ));
                }
            }
        }
        Some(members)
    }

    /// Applies `f` to each member and lets the model react.
    fn change(&mut self, members: &[(String, String, u32, u32)], f: impl Fn(&mut Replica)) {
        let now = self.now;
        let mut touched: Vec<(String, usize, Vec<u32>)> = Vec::new();
        for (table, table_id, partition, member) in members {
            let Some(model) = self.tables.get(table).filter(|m| &m.table_id == table_id) else {
                continue;
            };
            for index in model.resolve(*partition) {
                match touched
                    .iter_mut()
                    .find(|(t, i, _)| t == table && *i == index)
                {
                    Some(entry) => entry.2.push(*member),
                    None => touched.push((table.clone(), index, vec![*member])),
                }
            }
        }
        for (table, index, members) in touched {
            let before = self.presence(&table, index);
            for member in members {
                self.with_member(&table, index, member, &f);
            }
            self.after_change(&table, index, &before, now);
        }
    }
}
