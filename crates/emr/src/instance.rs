//! Instance types: what a node is made of.
//!
//! An EMR node is an EC2 instance, and its type decides everything the simulation needs to
//! know about it: how many YARN containers fit (vCPUs and memory), how much HDFS it can hold
//! (its attached storage), how fast it reads and writes its disks, how fast its network
//! interface is, and how fast its cores compute relative to the others. The catalog holds a
//! handful of real types with their published vCPU and memory; storage is EMR's default EBS
//! allotment (or the instance store where the type has one) and network is the *baseline*
//! bandwidth, not the "up to" burst, because a MapReduce job runs long enough to exhaust any
//! burst credit.
//!
//! One entry is not an EC2 type at all: `osdi-2004`, the machine of the MapReduce paper's
//! section 5 (two 2 GHz Xeons with Hyper-Threading, 4 GB of memory, two 160 GB IDE disks,
//! gigabit Ethernet), which the paper presets run on. Its speed is relative to the modern
//! types (a 2004 core does far less work per second) and its disk figures are what the
//! paper reports for a healthy disk (about 30 MB/s each).

use serde::Serialize;

/// The hardware of one node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceType {
    /// The EC2 name, e.g. `m5.xlarge`.
    pub name: &'static str,
    /// Virtual CPUs: also YARN's vcores on the node.
    pub vcpus: u32,
    /// Memory in MiB.
    pub memory_mib: u64,
    /// Storage available to HDFS and to intermediate map output, in bytes.
    pub storage_bytes: u64,
    /// Sequential disk throughput of the whole node, MB/s (10^6 bytes).
    pub disk_mbps: f64,
    /// Network interface throughput, MB/s.
    pub network_mbps: f64,
    /// Compute speed of one vCPU relative to an m5 vCPU (1.0).
    pub speed: f64,
}

const GIB: u64 = 1 << 30;

/// The catalog, in display order.
pub const CATALOG: &[InstanceType] = &[
    InstanceType {
        name: "m5.xlarge",
        vcpus: 4,
        memory_mib: 16 * 1024,
        storage_bytes: 64 * GIB,
        disk_mbps: 143.75,
        network_mbps: 156.25,
        speed: 1.0,
    },
    InstanceType {
        name: "m5.2xlarge",
        vcpus: 8,
        memory_mib: 32 * 1024,
        storage_bytes: 128 * GIB,
        disk_mbps: 287.5,
        network_mbps: 312.5,
        speed: 1.0,
    },
    InstanceType {
        name: "m5.4xlarge",
        vcpus: 16,
        memory_mib: 64 * 1024,
        storage_bytes: 256 * GIB,
        disk_mbps: 593.75,
        network_mbps: 625.0,
        speed: 1.0,
    },
    InstanceType {
        name: "r5.xlarge",
        vcpus: 4,
        memory_mib: 32 * 1024,
        storage_bytes: 64 * GIB,
        disk_mbps: 143.75,
        network_mbps: 156.25,
        speed: 1.0,
    },
    InstanceType {
        name: "r5.2xlarge",
        vcpus: 8,
        memory_mib: 64 * 1024,
        storage_bytes: 128 * GIB,
        disk_mbps: 287.5,
        network_mbps: 312.5,
        speed: 1.0,
    },
    InstanceType {
        name: "c5.xlarge",
        vcpus: 4,
        memory_mib: 8 * 1024,
        storage_bytes: 64 * GIB,
        disk_mbps: 143.75,
        network_mbps: 156.25,
        speed: 1.15,
    },
    InstanceType {
        name: "c5.2xlarge",
        vcpus: 8,
        memory_mib: 16 * 1024,
        storage_bytes: 128 * GIB,
        disk_mbps: 287.5,
        network_mbps: 312.5,
        speed: 1.15,
    },
    InstanceType {
        name: "i3.xlarge",
        vcpus: 4,
        memory_mib: 30_500,
        storage_bytes: 950_000_000_000,
        disk_mbps: 980.0,
        network_mbps: 156.25,
        speed: 0.85,
    },
    InstanceType {
        name: OSDI_2004,
        vcpus: 4,
        memory_mib: 4 * 1024,
        storage_bytes: 320_000_000_000,
        disk_mbps: 60.0,
        network_mbps: 125.0,
        speed: 1.0,
    },
];

/// The name of the MapReduce paper's machine in the catalog.
pub const OSDI_2004: &str = "osdi-2004";

/// EMR's default instance type for every group.
pub const DEFAULT_TYPE: &str = "m5.xlarge";

impl InstanceType {
    /// Looks a type up by name.
    pub fn named(name: &str) -> Option<&'static InstanceType> {
        CATALOG.iter().find(|t| t.name == name)
    }

    /// Every known name, for error messages.
    pub fn names() -> Vec<&'static str> {
        CATALOG.iter().map(|t| t.name).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_types_have_their_published_vcpus_and_memory() {
        let spec = |n: &str| {
            let t = InstanceType::named(n).unwrap();
            (t.vcpus, t.memory_mib / 1024)
        };
        assert_eq!(spec("m5.xlarge"), (4, 16));
        assert_eq!(spec("m5.2xlarge"), (8, 32));
        assert_eq!(spec("r5.xlarge"), (4, 32));
        assert_eq!(spec("c5.xlarge"), (4, 8));
        assert_eq!(spec(OSDI_2004), (4, 4));
        assert!(InstanceType::named("m5.huge").is_none());
    }

    #[test]
    fn names_are_unique() {
        let mut names = InstanceType::names();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
    }
}
