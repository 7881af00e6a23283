//! YARN: how much of each node the jobs may use, in containers.
//!
//! Every core and task node runs a NodeManager that offers YARN some of the node's memory
//! and all of its vCPUs; the rest of the memory is left to the operating system and the
//! Hadoop daemons. A MapReduce task runs in a *container* of a fixed size — EMR sizes them
//! from the instance's memory: an m5.xlarge (16 GiB) offers 12,288 MB, a map container
//! takes 3,072 MB and a reduce container 6,144 MB, and the same proportions scale to the
//! other types. A node fits a container when both its free memory and its free vcores
//! allow, so an m5.xlarge runs four maps, or two reduces, or one reduce and two maps.
//!
//! The ApplicationMaster of each job also needs a container, and EMR puts it on a core
//! node (task nodes may vanish as Spot capacity, and losing the AM loses the job's
//! progress).

use serde::Serialize;

use crate::instance::InstanceType;

/// Container sizes for one instance type, in MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContainerSizing {
    /// `yarn.nodemanager.resource.memory-mb`
    pub nodemanager_mb: u64,
    /// `mapreduce.map.memory.mb`
    pub map_mb: u64,
    /// `mapreduce.reduce.memory.mb`
    pub reduce_mb: u64,
    /// `yarn.app.mapreduce.am.resource.mb`
    pub am_mb: u64,
}

impl ContainerSizing {
    /// EMR's defaults for an instance type: three quarters of the memory for YARN, a
    /// quarter of that per map and half per reduce (12,288 / 3,072 / 6,144 MB on an
    /// m5.xlarge).
    pub fn for_instance(t: &InstanceType) -> ContainerSizing {
        let nodemanager_mb = t.memory_mib * 3 / 4;
        ContainerSizing {
            nodemanager_mb,
            map_mb: nodemanager_mb / 4,
            reduce_mb: nodemanager_mb / 2,
            am_mb: nodemanager_mb / 4,
        }
    }

    pub fn container_mb(&self, kind: ContainerKind) -> u64 {
        match kind {
            ContainerKind::Map => self.map_mb,
            ContainerKind::Reduce => self.reduce_mb,
            ContainerKind::AppMaster => self.am_mb,
        }
    }
}

/// What a container runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerKind {
    Map,
    Reduce,
    #[serde(rename = "am")]
    AppMaster,
}

/// A NodeManager's resources and what is allocated of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeResources {
    pub sizing: ContainerSizing,
    pub vcores: u32,
    pub memory_used_mb: u64,
    pub vcores_used: u32,
}

impl NodeResources {
    pub fn new(sizing: ContainerSizing, vcores: u32) -> NodeResources {
        NodeResources {
            sizing,
            vcores,
            memory_used_mb: 0,
            vcores_used: 0,
        }
    }

    /// Whether a container of `kind` fits in what is free now.
    pub fn fits(&self, kind: ContainerKind) -> bool {
        let mb = self.sizing.container_mb(kind);
        self.vcores_used < self.vcores
            && self.memory_used_mb.saturating_add(mb) <= self.sizing.nodemanager_mb
    }

    /// Whether a container of `kind` could ever fit on this node.
    pub fn could_fit(&self, kind: ContainerKind) -> bool {
        self.vcores > 0 && self.sizing.container_mb(kind) <= self.sizing.nodemanager_mb
    }

    /// Takes a container's resources; `false` (and nothing taken) if it does not fit.
    pub fn allocate(&mut self, kind: ContainerKind) -> bool {
        if !self.fits(kind) {
            return false;
        }
        self.memory_used_mb += self.sizing.container_mb(kind);
        self.vcores_used += 1;
        true
    }

    /// Returns a container's resources.
    pub fn release(&mut self, kind: ContainerKind) {
        self.memory_used_mb = self
            .memory_used_mb
            .saturating_sub(self.sizing.container_mb(kind));
        self.vcores_used = self.vcores_used.saturating_sub(1);
    }

    /// Forgets every allocation (the NodeManager restarted).
    pub fn reset(&mut self) {
        self.memory_used_mb = 0;
        self.vcores_used = 0;
    }

    /// Whether anything is allocated.
    pub fn is_idle(&self) -> bool {
        self.vcores_used == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m5_xlarge_matches_emr_defaults() {
        let t = InstanceType::named("m5.xlarge").unwrap();
        let s = ContainerSizing::for_instance(t);
        assert_eq!(
            (s.nodemanager_mb, s.map_mb, s.reduce_mb),
            (12_288, 3_072, 6_144)
        );
        let big = ContainerSizing::for_instance(InstanceType::named("m5.2xlarge").unwrap());
        assert_eq!(
            (big.nodemanager_mb, big.map_mb, big.reduce_mb),
            (24_576, 6_144, 12_288)
        );
    }

    #[test]
    fn memory_and_vcores_both_limit_containers() {
        let t = InstanceType::named("m5.xlarge").unwrap();
        let mut n = NodeResources::new(ContainerSizing::for_instance(t), t.vcpus);
        assert!(n.allocate(ContainerKind::Reduce));
        assert!(n.allocate(ContainerKind::Map));
        assert!(n.allocate(ContainerKind::Map));
        assert!(!n.fits(ContainerKind::Map), "12,288 MB all taken");
        n.release(ContainerKind::Reduce);
        assert!(n.fits(ContainerKind::Reduce));
        n.reset();
        for _ in 0..4 {
            assert!(n.allocate(ContainerKind::Map));
        }
        assert!(
            !n.allocate(ContainerKind::Map),
            "four maps fill an m5.xlarge"
        );
        assert!(n.could_fit(ContainerKind::Reduce));
    }
}
