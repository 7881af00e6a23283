//! The cluster map: every node, grouped by role, with its containers and its HDFS blocks.
//!
//! An EMR cluster's roles are the first thing to understand about it, so the map is cut
//! into three rows: the primary node (NameNode and ResourceManager, no containers, no
//! blocks), the core nodes (DataNode and NodeManager: blocks *and* containers) and the
//! task nodes (NodeManager only: containers, never blocks). Each node is a card: its name,
//! instance type and state; a bar of the memory YARN may use on it, cut into the
//! containers running there (maps blue, reduces green, the job's ApplicationMaster
//! purple); and, on core nodes, one square per block replica it stores, coloured by file —
//! so replication is visible as the same colours on several cards, and a lost node as
//! colours that must be copied again.
//!
//! A cluster of hundreds of nodes (the MapReduce paper's 1,746) cannot have cards; it is
//! drawn compact, one cell per node shaded by how much of its memory is in use, with the
//! failed and leaving nodes outlined.

use std::collections::BTreeMap;

use dynaplay_emr::node::{Market, Node, NodeState};
use dynaplay_emr::yarn::ContainerKind;
use dynaplay_emr::{Cluster, NodeRole, TaskRef};

use super::palette::Palette;
use super::raster::{Align, Raster, Rgb};

/// Above this many nodes the map is drawn compact.
pub const CARD_LIMIT: usize = 64;

const CARD_W: f64 = 172.0;
const CARD_GAP: f64 = 10.0;
const HEADER_H: f64 = 36.0;
const BAR_H: f64 = 12.0;
const SECTION_H: f64 = 22.0;
const CELL: f64 = 9.0;
const CELL_GAP: f64 = 2.0;

/// The containers running on each node (by node index), as the snapshot lists them.
pub fn containers(cluster: &Cluster) -> Vec<Vec<ContainerKind>> {
    let mut by_node = vec![Vec::new(); cluster.nodes().len()];
    if let Some(job) = cluster.active_job() {
        if let Some(list) = job.am_node.and_then(|n| by_node.get_mut(n.index())) {
            list.push(ContainerKind::AppMaster);
        }
        for a in job.attempts.iter().filter(|a| a.is_running()) {
            if let Some(list) = by_node.get_mut(a.node.index()) {
                list.push(match a.task {
                    TaskRef::Map(_) => ContainerKind::Map,
                    TaskRef::Reduce(_) => ContainerKind::Reduce,
                });
            }
        }
    }
    by_node
}

/// Each file's colour index, in path order.
pub fn file_colours(cluster: &Cluster) -> BTreeMap<String, usize> {
    cluster
        .hdfs()
        .files()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect()
}

/// What a node's state looks like on its card: the words, and the colour of the outline.
pub fn state_look(node: &Node, p: &Palette) -> (String, Rgb) {
    let slow = node.fault_slowdown > 1.0;
    let (word, colour) = match node.state {
        NodeState::Running if slow => (
            format!("RUNNING · slow ×{}", node.fault_slowdown),
            p.warning,
        ),
        NodeState::Running => ("RUNNING".to_string(), p.grid),
        NodeState::Provisioning => ("PROVISIONING".to_string(), p.muted),
        NodeState::Decommissioning => ("DECOMMISSIONING".to_string(), p.warning),
        NodeState::Restarting => ("RESTARTING".to_string(), p.warning),
        NodeState::Lost => ("LOST".to_string(), p.lost),
        NodeState::Terminated => ("TERMINATED".to_string(), p.killed),
    };
    let word = if node.market == Market::Spot {
        format!("{word} · Spot")
    } else {
        word
    };
    (word, colour)
}

/// How many blocks fit in a card's block area per row, and the square's size.
fn block_grid(inner: f64, blocks: usize) -> (usize, f64) {
    let size = if blocks > 120 { 4.0 } else { 7.0 };
    let per_row = ((inner + 1.0) / (size + 1.0)).floor().max(1.0) as usize;
    (per_row, size)
}

/// Draws the map `width` device pixels wide at `scale` device pixels per CSS pixel; the
/// height follows from the nodes.
pub fn draw(cluster: &Cluster, p: &Palette, width: u32, scale: f64) -> Raster {
    let workers = cluster
        .nodes()
        .iter()
        .filter(|n| n.role != NodeRole::Primary)
        .count();
    if workers > CARD_LIMIT {
        compact(cluster, p, width, scale)
    } else {
        cards(cluster, p, width, scale)
    }
}

fn sections(cluster: &Cluster) -> [(NodeRole, &'static str, Vec<&Node>); 3] {
    let of = |role| {
        cluster
            .nodes()
            .iter()
            .filter(|n| n.role == role)
            .collect::<Vec<_>>()
    };
    [
        (
            NodeRole::Primary,
            "Primary: HDFS NameNode, YARN ResourceManager",
            of(NodeRole::Primary),
        ),
        (
            NodeRole::Core,
            "Core: DataNode + NodeManager (blocks and containers)",
            of(NodeRole::Core),
        ),
        (
            NodeRole::Task,
            "Task: NodeManager only (containers, no HDFS)",
            of(NodeRole::Task),
        ),
    ]
}

fn cards(cluster: &Cluster, p: &Palette, width: u32, scale: f64) -> Raster {
    let s = scale;
    let css_width = f64::from(width) / s;
    let per_row = ((css_width + CARD_GAP) / (CARD_W + CARD_GAP))
        .floor()
        .max(1.0) as usize;
    let containers = containers(cluster);
    let colours = file_colours(cluster);
    let inner = CARD_W - 16.0;
    // Core cards are as tall as the fullest core node's blocks need.
    let most_blocks = cluster
        .nodes()
        .iter()
        .filter_map(|n| cluster.hdfs().datanode(n.id))
        .map(|d| d.blocks.len())
        .max()
        .unwrap_or(0);
    let (blocks_per_row, square) = block_grid(inner, most_blocks);
    let block_rows = most_blocks.div_ceil(blocks_per_row).max(1);
    let card_h = |role: NodeRole| match role {
        NodeRole::Primary => HEADER_H + 8.0,
        NodeRole::Task => HEADER_H + BAR_H + 14.0,
        NodeRole::Core => HEADER_H + BAR_H + 14.0 + 16.0 + block_rows as f64 * (square + 1.0),
    };
    let sections = sections(cluster);
    let mut height = 4.0;
    for (role, _, nodes) in &sections {
        if !nodes.is_empty() {
            height += SECTION_H + nodes.len().div_ceil(per_row) as f64 * (card_h(*role) + CARD_GAP);
        }
    }
    let mut r = Raster::new(width, (height * s).ceil() as u32, p.background);
    let mut y = 4.0;
    for (role, title, nodes) in &sections {
        if nodes.is_empty() {
            continue;
        }
        r.label(0.0, (y + 8.0) * s, *title, p.muted, 11.5 * s, Align::Left);
        y += SECTION_H;
        let h = card_h(*role);
        for (i, node) in nodes.iter().enumerate() {
            let x = (i % per_row) as f64 * (CARD_W + CARD_GAP);
            let top = y + (i / per_row) as f64 * (h + CARD_GAP);
            let running = containers
                .get(node.id.index())
                .map_or(&[][..], Vec::as_slice);
            card(
                &mut r,
                cluster,
                node,
                running,
                &colours,
                p,
                (x, top, h),
                (blocks_per_row, square),
                s,
            );
        }
        y += nodes.len().div_ceil(per_row) as f64 * (h + CARD_GAP);
    }
    r
}

#[allow(clippy::too_many_arguments)]
fn card(
    r: &mut Raster,
    cluster: &Cluster,
    node: &Node,
    running: &[ContainerKind],
    colours: &BTreeMap<String, usize>,
    p: &Palette,
    (x, y, h): (f64, f64, f64),
    (per_row, square): (usize, f64),
    s: f64,
) {
    let gone = matches!(node.state, NodeState::Lost | NodeState::Terminated);
    let (state, outline) = state_look(node, p);
    r.fill(x * s, y * s, (x + CARD_W) * s, (y + h) * s, p.panel);
    r.outline(
        x * s,
        y * s,
        (x + CARD_W) * s,
        (y + h) * s,
        if gone { 2.0 * s } else { s },
        outline,
    );
    let text = if gone { p.muted } else { p.text };
    r.label(
        (x + 8.0) * s,
        (y + 11.0) * s,
        node.name.clone(),
        text,
        12.5 * s,
        Align::Left,
    );
    if let Some(l) = r.labels.last_mut() {
        l.bold = true;
    }
    r.label(
        (x + CARD_W - 8.0) * s,
        (y + 11.0) * s,
        node.instance.name,
        p.muted,
        10.5 * s,
        Align::Right,
    );
    let state_colour = if outline == p.grid { p.muted } else { outline };
    r.label(
        (x + 8.0) * s,
        (y + 26.0) * s,
        state,
        state_colour,
        10.5 * s,
        Align::Left,
    );
    if node.role == NodeRole::Primary {
        return;
    }

    // YARN memory, cut into the running containers.
    let inner = CARD_W - 16.0;
    let (bx, by) = (x + 8.0, y + HEADER_H);
    r.fill(bx * s, by * s, (bx + inner) * s, (by + BAR_H) * s, p.slot);
    let total = node.yarn.sizing.nodemanager_mb.max(1) as f64;
    let mut at = bx;
    for kind in running {
        let w = inner * node.yarn.sizing.container_mb(*kind) as f64 / total;
        let colour = match kind {
            ContainerKind::Map => p.map,
            ContainerKind::Reduce => p.reduce,
            ContainerKind::AppMaster => p.am,
        };
        r.fill(
            at * s,
            by * s,
            (at + w - 1.0).max(at + 1.0) * s,
            (by + BAR_H) * s,
            colour,
        );
        at += w;
    }
    let gb = node.yarn.sizing.nodemanager_mb as f64 / 1024.0;
    r.label(
        bx * s,
        (by + BAR_H + 7.0) * s,
        format!("YARN {gb:.0} GB · {} containers", running.len()),
        p.muted,
        9.5 * s,
        Align::Left,
    );

    // Block replicas, coloured by file.
    if let Some(datanode) = cluster.hdfs().datanode(node.id) {
        let top = by + BAR_H + 16.0;
        let words = format!("HDFS: {} blocks", datanode.blocks.len());
        r.label(
            bx * s,
            (top + 6.0) * s,
            words,
            p.muted,
            9.5 * s,
            Align::Left,
        );
        let top = top + 14.0;
        for (i, block) in datanode.blocks.iter().enumerate() {
            let file = cluster
                .hdfs()
                .block(*block)
                .and_then(|b| colours.get(&b.file));
            let colour = file
                .and_then(|f| p.files.get(f % p.files.len()))
                .copied()
                .unwrap_or(p.muted);
            let colour = if gone {
                colour.mix(p.panel, 0.6)
            } else {
                colour
            };
            let cx = bx + (i % per_row) as f64 * (square + 1.0);
            let cy = top + (i / per_row) as f64 * (square + 1.0);
            if cy + square > y + h {
                break;
            }
            r.fill(cx * s, cy * s, (cx + square) * s, (cy + square) * s, colour);
        }
    }
    if gone {
        // A diagonal stroke across a node that is no longer there.
        let steps = (CARD_W.max(h) / 1.5) as usize;
        for k in 0..steps {
            let t = k as f64 / steps as f64;
            let (px, py) = (x + t * CARD_W, y + t * h);
            r.fill(px * s, py * s, (px + 2.0) * s, (py + 2.0) * s, outline);
        }
    }
}

fn compact(cluster: &Cluster, p: &Palette, width: u32, scale: f64) -> Raster {
    let s = scale;
    let css_width = f64::from(width) / s;
    let per_row = ((css_width + CELL_GAP) / (CELL + CELL_GAP))
        .floor()
        .max(1.0) as usize;
    let containers = containers(cluster);
    let sections = sections(cluster);
    let mut height = 4.0;
    for (_, _, nodes) in &sections {
        if !nodes.is_empty() {
            height += SECTION_H + nodes.len().div_ceil(per_row) as f64 * (CELL + CELL_GAP) + 6.0;
        }
    }
    let mut r = Raster::new(width, (height * s).ceil() as u32, p.background);
    let mut y = 4.0;
    for (role, title, nodes) in &sections {
        if nodes.is_empty() {
            continue;
        }
        let blocks: usize = nodes
            .iter()
            .filter_map(|n| cluster.hdfs().datanode(n.id))
            .map(|d| d.blocks.len())
            .sum();
        let title = match role {
            NodeRole::Core => format!("{title} · {} nodes, {blocks} block replicas", nodes.len()),
            NodeRole::Task => format!("{title} · {} nodes", nodes.len()),
            NodeRole::Primary => (*title).to_string(),
        };
        r.label(0.0, (y + 8.0) * s, title, p.muted, 11.5 * s, Align::Left);
        y += SECTION_H;
        for (i, node) in nodes.iter().enumerate() {
            let x = (i % per_row) as f64 * (CELL + CELL_GAP);
            let top = y + (i / per_row) as f64 * (CELL + CELL_GAP);
            let used =
                node.yarn.memory_used_mb as f64 / node.yarn.sizing.nodemanager_mb.max(1) as f64;
            let running = containers
                .get(node.id.index())
                .map_or(&[][..], Vec::as_slice);
            let hue = if running.contains(&ContainerKind::Reduce) {
                p.reduce
            } else {
                p.map
            };
            let (_, outline) = state_look(node, p);
            let fill = match node.state {
                NodeState::Lost | NodeState::Terminated => p.lost,
                _ if node.role == NodeRole::Primary => p.am,
                _ => p.slot.mix(hue, used),
            };
            r.fill(x * s, top * s, (x + CELL) * s, (top + CELL) * s, fill);
            if outline != p.grid {
                r.outline(
                    x * s,
                    top * s,
                    (x + CELL) * s,
                    (top + CELL) * s,
                    s.max(1.0),
                    outline,
                );
            }
        }
        y += nodes.len().div_ceil(per_row) as f64 * (CELL + CELL_GAP) + 6.0;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::Theme;
    use crate::views::emr::palette::palette;
    use dynaplay_emr::ClusterConfig;
    use dynaplay_world::SimTime;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn cards_show_each_role_with_blocks_only_on_core_nodes() {
        let mut cluster = Cluster::new(ClusterConfig::demo(4, 2, 5)).unwrap();
        cluster.advance_to(SimTime::ZERO);
        cluster.put_text("/in/a.txt", &"x".repeat(5_000)).unwrap();
        let p = palette(Theme::Dark);
        let r = draw(&cluster, &p, 800, 1.0);
        let text: Vec<&str> = r.labels.iter().map(|l| l.text.as_str()).collect();
        for name in ["primary", "core-1", "core-4", "task-1", "task-2"] {
            assert!(text.contains(&name), "{name} drawn: {text:?}");
        }
        // Five blocks of 1 KiB, two replicas each (four core nodes): ten squares of 7×7.
        assert_eq!(r.count(p.files[0]), 10 * 49);
        let blocks: Vec<&str> = text
            .iter()
            .copied()
            .filter(|t| t.starts_with("HDFS:"))
            .collect();
        assert_eq!(
            blocks.len(),
            4,
            "only core nodes have an HDFS line: {blocks:?}"
        );
        assert!(
            text.contains(&"RUNNING · Spot"),
            "task nodes are Spot by default"
        );
    }

    #[wasm_bindgen_test]
    fn a_lost_node_is_marked_and_big_clusters_are_compact() {
        let mut cluster = Cluster::new(ClusterConfig::demo(2, 0, 5)).unwrap();
        cluster.advance_to(SimTime::ZERO);
        let node = cluster.node_named("core-2").unwrap();
        cluster.lose_node(node).unwrap();
        let p = palette(Theme::Light);
        let r = draw(&cluster, &p, 600, 1.0);
        assert!(
            r.labels
                .iter()
                .any(|l| l.text == "LOST" && l.colour == p.lost)
        );

        let mut big = Cluster::new(ClusterConfig::demo(100, 20, 5)).unwrap();
        big.advance_to(SimTime::ZERO);
        let r = draw(&big, &p, 600, 1.0);
        assert!(
            r.labels.iter().all(|l| !l.text.starts_with("core-")),
            "no names when compact"
        );
        assert!(r.labels.iter().any(|l| l.text.contains("100 nodes")));
        assert_eq!(r.count(p.slot), 120 * 81, "one idle 9×9 cell per worker");
    }
}
