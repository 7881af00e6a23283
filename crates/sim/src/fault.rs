//! Faults as data: [`FaultPlan`].
//!
//! Dynaplay exists to show what failures do — a crashed storage node, a partitioned leader, a
//! slow disk, a lost Availability Zone. So faults are not code paths scattered through the
//! engine but data: a [`FaultPlan`] is an ordered list of [`ScheduledFault`]s, each saying
//! *when* (`at`), *for how long* (`duration`, or `None` until healed explicitly), *to what*
//! ([`FaultTarget`]) and *what* ([`FaultKind`]). A plan can be written by hand, stored in a
//! scenario or a link, diffed and replayed; the world turns it into events with
//! [`FaultPlan::transitions`], and the same plan with the same seed gives the same history.
//!
//! The kernel knows nothing about AWS, so a target is an opaque name the higher layers
//! define. The convention is `<scope>:<name>`: `node:core-2` (an EMR node), `az:us-east-1a`
//! (an Availability Zone), `replica:orders/p0/r1` (replica 1 of partition 0 of table
//! `orders`), `dax:cluster-1/node-0`. A target is one word of at most 256 bytes: no
//! whitespace, no control characters, and neither `;` nor `#`, which the text form uses.
//!
//! # Text form
//!
//! One fault per line or per `;`, `#` starting a comment, blank lines ignored:
//!
//! ```text
//! at 5s crash node:core-2 for 30s
//! at 10s slow 2.5x replica:orders/p0/r1 for 1m   # a slow disk
//! at 45s zone-outage az:us-east-1a               # until healed explicitly
//! at 2m kill node:task-7
//! ```
//!
//! that is `at <time> <kind> <target> [for <duration>]`, where the kind is `crash`,
//! `partition`, `slow <factor>x`, `zone-outage` or `kill`, and times are written as in
//! [`crate::time`] without spaces (`250ms`, `1.5s`, `2m`). Keywords are case-insensitive.
//! `Display` writes exactly this form (times in [`SimDuration::compact`] form) and `FromStr`
//! reads it back to an equal plan. Bad input gets an error naming the line and what was
//! expected, never a panic.
//!
//! A fault is active on the half-open interval `[at, at + duration)`. When one fault ends
//! at the instant another starts, the end comes first in [`FaultPlan::transitions`], so a
//! target crashed "until 10s" and crashed again "at 10s" ends up crashed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::time::{SimDuration, SimTime};

/// Longest accepted target name in bytes; names are identifiers, not documents.
const MAX_TARGET_LEN: usize = 256;

/// What a fault applies to: an opaque, validated `<scope>:<name>` word.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FaultTarget(String);

impl FaultTarget {
    /// Accepts one non-empty word of at most 256 bytes without `;` or `#`.
    pub fn new(name: impl Into<String>) -> Result<FaultTarget, FaultError> {
        let name = name.into();
        let reason = if name.is_empty() {
            Some("it is empty")
        } else if name.len() > MAX_TARGET_LEN {
            Some("it is longer than 256 bytes")
        } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some("it contains whitespace or control characters")
        } else if name.contains([';', '#']) {
            Some("it contains ';' or '#', which separate faults and start comments")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(FaultError::InvalidTarget {
                target: name,
                reason,
            }),
            None => Ok(FaultTarget(name)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the first `:` (`node` in `node:core-2`), if there is one.
    pub fn scope(&self) -> Option<&str> {
        self.0.split_once(':').map(|(scope, _)| scope)
    }

    /// The part after the first `:`, or the whole name if it has no scope.
    pub fn name(&self) -> &str {
        self.0
            .split_once(':')
            .map_or(self.0.as_str(), |(_, name)| name)
    }
}

impl TryFrom<String> for FaultTarget {
    type Error = FaultError;

    fn try_from(name: String) -> Result<FaultTarget, FaultError> {
        FaultTarget::new(name)
    }
}

impl From<FaultTarget> for String {
    fn from(target: FaultTarget) -> String {
        target.0
    }
}

impl FromStr for FaultTarget {
    type Err = FaultError;

    fn from_str(name: &str) -> Result<FaultTarget, FaultError> {
        FaultTarget::new(name)
    }
}

impl fmt::Display for FaultTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What goes wrong. The higher layers decide what each means for their targets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// Down, losing volatile state, until the fault ends (a restart).
    Crash,
    /// Running but cut off from its peers.
    Partition,
    /// Everything takes `factor` times as long (`factor > 0`; below 1 is a speed-up).
    Slow { factor: f64 },
    /// A whole Availability Zone is unreachable.
    ZoneOutage,
    /// Gone for good: never comes back, so it takes no duration.
    Kill,
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::Crash => f.write_str("crash"),
            FaultKind::Partition => f.write_str("partition"),
            // `f64`'s Display is the shortest text that parses back to the same value.
            FaultKind::Slow { factor } => write!(f, "slow {factor}x"),
            FaultKind::ZoneOutage => f.write_str("zone-outage"),
            FaultKind::Kill => f.write_str("kill"),
        }
    }
}

/// One fault in a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledFault {
    pub at: SimTime,
    /// How long it lasts; `None` means until healed explicitly (or forever, for `Kill`).
    pub duration: Option<SimDuration>,
    pub target: FaultTarget,
    pub kind: FaultKind,
}

impl ScheduledFault {
    /// When the fault stops, if it has a duration (saturating at [`SimTime::MAX`]).
    pub fn end(&self) -> Option<SimTime> {
        self.duration.map(|d| self.at + d)
    }

    /// Whether the fault is in force at `t`: on `[at, at + duration)`.
    pub fn is_active_at(&self, t: SimTime) -> bool {
        self.at <= t && self.end().is_none_or(|end| t < end)
    }

    /// Rejects a zero duration (a fault that never takes effect), a duration on a `Kill`
    /// (which is permanent) and a slow-down factor that is not a finite number above zero.
    pub fn validate(&self) -> Result<(), FaultError> {
        if let FaultKind::Slow { factor } = self.kind
            && !(factor.is_finite() && factor > 0.0)
        {
            return Err(FaultError::InvalidFactor { factor });
        }
        match (self.kind, self.duration) {
            (_, Some(d)) if d.is_zero() => Err(FaultError::ZeroDuration),
            (FaultKind::Kill, Some(_)) => Err(FaultError::KillWithDuration),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for ScheduledFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {} {} {}", self.at.compact(), self.kind, self.target)?;
        if let Some(d) = self.duration {
            write!(f, " for {}", d.compact())?;
        }
        Ok(())
    }
}

impl FromStr for ScheduledFault {
    type Err = FaultError;

    /// Parses one fault in the text form; see the module docs.
    fn from_str(text: &str) -> Result<ScheduledFault, FaultError> {
        parse_fault(text).map_err(|message| FaultError::Parse {
            line: None,
            message,
        })
    }
}

/// A fault starting or ending, as produced by [`FaultPlan::transitions`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultTransition<'a> {
    Start(&'a ScheduledFault),
    End(&'a ScheduledFault),
}

impl<'a> FaultTransition<'a> {
    pub fn fault(&self) -> &'a ScheduledFault {
        match self {
            FaultTransition::Start(fault) | FaultTransition::End(fault) => fault,
        }
    }

    pub fn is_start(&self) -> bool {
        matches!(self, FaultTransition::Start(_))
    }
}

/// Why a fault or a plan is not acceptable.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultError {
    InvalidTarget {
        target: String,
        reason: &'static str,
    },
    /// A duration of zero: the fault would never take effect.
    ZeroDuration,
    /// `Kill` is permanent and takes no duration.
    KillWithDuration,
    /// A slow-down factor that is not a finite number above zero.
    InvalidFactor { factor: f64 },
    /// Text that is not a fault; `line` is 1-based within a plan, `None` for a single fault.
    Parse {
        line: Option<usize>,
        message: String,
    },
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultError::InvalidTarget { target, reason } => {
                write!(f, "invalid fault target {target:?}: {reason}")
            }
            FaultError::ZeroDuration => {
                write!(
                    f,
                    "a fault lasting 0s never takes effect; omit \"for\" to make it last"
                )
            }
            FaultError::KillWithDuration => {
                write!(
                    f,
                    "kill is permanent and takes no duration; use crash to restart later"
                )
            }
            FaultError::InvalidFactor { factor } => {
                write!(
                    f,
                    "slow-down factor must be a finite number above 0, got {factor}"
                )
            }
            FaultError::Parse {
                line: Some(line),
                message,
            } => write!(f, "line {line}: {message}"),
            FaultError::Parse {
                line: None,
                message,
            } => f.write_str(message),
        }
    }
}

impl std::error::Error for FaultError {}

/// Faults ordered by start time; faults starting together keep the order they were added.
/// Every fault in a plan has passed [`ScheduledFault::validate`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<ScheduledFault>", into = "Vec<ScheduledFault>")]
pub struct FaultPlan {
    faults: Vec<ScheduledFault>,
}

impl FaultPlan {
    pub fn new() -> FaultPlan {
        FaultPlan::default()
    }

    /// Builds a plan from faults in any order, validating each.
    pub fn from_faults(
        faults: impl IntoIterator<Item = ScheduledFault>,
    ) -> Result<FaultPlan, FaultError> {
        let mut plan = FaultPlan::new();
        for fault in faults {
            plan.push(fault)?;
        }
        Ok(plan)
    }

    /// Validates `fault` and adds it after every fault starting at or before its time.
    pub fn push(&mut self, fault: ScheduledFault) -> Result<(), FaultError> {
        fault.validate()?;
        let position = self.faults.partition_point(|f| f.at <= fault.at);
        self.faults.insert(position, fault);
        Ok(())
    }

    pub fn faults(&self) -> &[ScheduledFault] {
        &self.faults
    }

    pub fn iter(&self) -> std::slice::Iter<'_, ScheduledFault> {
        self.faults.iter()
    }

    pub fn len(&self) -> usize {
        self.faults.len()
    }

    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }

    /// The faults in force at `t`, in plan order.
    pub fn active_at(&self, t: SimTime) -> Vec<&ScheduledFault> {
        self.faults.iter().filter(|f| f.is_active_at(t)).collect()
    }

    /// Every start and end in time order. At equal times ends come before starts, and
    /// within each, plan order. Faults without a duration have no end.
    pub fn transitions(&self) -> Vec<(SimTime, FaultTransition<'_>)> {
        let mut edges: Vec<(SimTime, FaultTransition<'_>)> = Vec::with_capacity(self.len() * 2);
        for fault in &self.faults {
            edges.push((fault.at, FaultTransition::Start(fault)));
            if let Some(end) = fault.end() {
                edges.push((end, FaultTransition::End(fault)));
            }
        }
        // Stable, so plan order survives among equal keys.
        edges.sort_by_key(|(at, edge)| (*at, edge.is_start()));
        edges
    }
}

impl TryFrom<Vec<ScheduledFault>> for FaultPlan {
    type Error = FaultError;

    fn try_from(faults: Vec<ScheduledFault>) -> Result<FaultPlan, FaultError> {
        FaultPlan::from_faults(faults)
    }
}

impl From<FaultPlan> for Vec<ScheduledFault> {
    fn from(plan: FaultPlan) -> Vec<ScheduledFault> {
        plan.faults
    }
}

impl<'a> IntoIterator for &'a FaultPlan {
    type Item = &'a ScheduledFault;
    type IntoIter = std::slice::Iter<'a, ScheduledFault>;

    fn into_iter(self) -> Self::IntoIter {
        self.faults.iter()
    }
}

/// One fault per line.
impl fmt::Display for FaultPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, fault) in self.faults.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{fault}")?;
        }
        Ok(())
    }
}

impl FromStr for FaultPlan {
    type Err = FaultError;

    /// Parses faults separated by newlines or `;`, with `#` comments; see the module docs.
    fn from_str(text: &str) -> Result<FaultPlan, FaultError> {
        let mut plan = FaultPlan::new();
        for (index, line) in text.lines().enumerate() {
            let line_number = Some(index + 1);
            let code = line.split_once('#').map_or(line, |(code, _comment)| code);
            for piece in code.split(';').filter(|piece| !piece.trim().is_empty()) {
                let fault = parse_fault(piece).map_err(|message| FaultError::Parse {
                    line: line_number,
                    message,
                })?;
                // parse_fault has validated it; push cannot fail, but stay honest.
                plan.push(fault).map_err(|error| FaultError::Parse {
                    line: line_number,
                    message: error.to_string(),
                })?;
            }
        }
        Ok(plan)
    }
}

const EXAMPLE: &str = "e.g. at 5s crash node:core-2 for 30s";

/// Parses `at <time> <kind> <target> [for <duration>]` into a validated fault, or explains
/// what was expected.
fn parse_fault(text: &str) -> Result<ScheduledFault, String> {
    let mut words = text.split_whitespace();
    let keyword = |word: &str, expected: &str| word.eq_ignore_ascii_case(expected);

    match words.next() {
        Some(word) if keyword(word, "at") => {}
        Some(word) => {
            return Err(format!(
                "a fault starts with \"at <time>\", found {word:?} ({EXAMPLE})"
            ));
        }
        None => return Err(format!("empty fault ({EXAMPLE})")),
    }
    let at = match words.next() {
        Some(word) => word
            .parse::<SimTime>()
            .map_err(|error| format!("bad time after \"at\": {error}"))?,
        None => return Err(format!("missing time after \"at\" ({EXAMPLE})")),
    };
    let kind = match words.next() {
        Some(word) if keyword(word, "crash") => FaultKind::Crash,
        Some(word) if keyword(word, "partition") => FaultKind::Partition,
        Some(word) if keyword(word, "zone-outage") => FaultKind::ZoneOutage,
        Some(word) if keyword(word, "kill") => FaultKind::Kill,
        Some(word) if keyword(word, "slow") => {
            let Some(factor) = words.next() else {
                return Err("missing factor after \"slow\" (e.g. slow 2.5x)".to_owned());
            };
            FaultKind::Slow {
                factor: parse_factor(factor)?,
            }
        }
        Some(word) => {
            return Err(format!(
                "unknown fault kind {word:?}: expected crash, partition, slow <factor>x, \
                 zone-outage or kill"
            ));
        }
        None => return Err(format!("missing fault kind after the time ({EXAMPLE})")),
    };
    let target = match words.next() {
        Some(word) => FaultTarget::new(word).map_err(|error| error.to_string())?,
        None => {
            return Err(format!(
                "missing target after \"{kind}\" (e.g. node:core-2)"
            ));
        }
    };
    let duration = match words.next() {
        None => None,
        Some(word) if keyword(word, "for") => match words.next() {
            Some(word) => Some(
                word.parse::<SimDuration>()
                    .map_err(|error| format!("bad duration after \"for\": {error}"))?,
            ),
            None => return Err("missing duration after \"for\" (e.g. for 30s)".to_owned()),
        },
        Some(word) => {
            return Err(format!(
                "expected \"for <duration>\" or the end after the target, found {word:?}"
            ));
        }
    };
    if let Some(extra) = words.next() {
        return Err(format!("unexpected {extra:?} after the end of the fault"));
    }
    let fault = ScheduledFault {
        at,
        duration,
        target,
        kind,
    };
    fault.validate().map_err(|error| error.to_string())?;
    Ok(fault)
}

/// Parses `<number>x`, accepting only finite numbers above zero.
fn parse_factor(word: &str) -> Result<f64, String> {
    let Some(number) = word.strip_suffix(['x', 'X']) else {
        return Err(format!(
            "slow-down factor {word:?} must end in x (e.g. slow 2.5x)"
        ));
    };
    let factor: f64 = number
        .parse()
        .map_err(|_| format!("slow-down factor {word:?} is not a number (e.g. slow 2.5x)"))?;
    if factor.is_finite() && factor > 0.0 {
        Ok(factor)
    } else {
        Err(FaultError::InvalidFactor { factor }.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secs(s: u64) -> SimTime {
        SimTime::from_secs(s)
    }

    fn fault(at: u64, kind: FaultKind, target: &str, duration: Option<u64>) -> ScheduledFault {
        ScheduledFault {
            at: secs(at),
            duration: duration.map(SimDuration::from_secs),
            target: FaultTarget::new(target).unwrap(),
            kind,
        }
    }

    fn parse_err(text: &str) -> String {
        text.parse::<ScheduledFault>().unwrap_err().to_string()
    }

    #[test]
    fn parses_every_kind_and_prints_it_back() {
        for text in [
            "at 5s crash node:core-2 for 30s",
            "at 1.5s partition replica:orders/p0/r1 for 250us",
            "at 10s slow 2.5x node:core-1 for 60s",
            "at 0s slow 0.5x node:fast",
            "at 45s zone-outage az:us-east-1a",
            "at 120s kill node:task-7",
        ] {
            let parsed: ScheduledFault = text.parse().unwrap();
            assert_eq!(parsed.to_string(), text);
        }
        let parsed: ScheduledFault = "at 5s crash node:core-2 for 30s".parse().unwrap();
        assert_eq!(parsed, fault(5, FaultKind::Crash, "node:core-2", Some(30)));
    }

    #[test]
    fn accepts_loose_spelling_and_prints_canonically() {
        let parsed: ScheduledFault = "  AT 1500ms   Slow 3X  node:a   FOR 0.5s ".parse().unwrap();
        assert_eq!(parsed.kind, FaultKind::Slow { factor: 3.0 });
        assert_eq!(parsed.to_string(), "at 1.5s slow 3x node:a for 500ms");
        let parsed: ScheduledFault = "at 2m kill node:x".parse().unwrap();
        assert_eq!(parsed.at, secs(120));
    }

    #[test]
    fn explains_what_is_wrong() {
        let cases = [
            ("", "empty fault"),
            (
                "crash node:a",
                "a fault starts with \"at <time>\", found \"crash\"",
            ),
            ("at", "missing time after \"at\""),
            (
                "at five crash node:a",
                "bad time after \"at\": \"five\" is not a duration",
            ),
            (
                "at 5 crash node:a",
                "bad time after \"at\": \"5\" has no unit",
            ),
            ("at 5s", "missing fault kind after the time"),
            ("at 5s explode node:a", "unknown fault kind \"explode\""),
            ("at 5s crash", "missing target after \"crash\""),
            ("at 5s slow", "missing factor after \"slow\""),
            (
                "at 5s slow 3 node:a",
                "slow-down factor \"3\" must end in x",
            ),
            (
                "at 5s slow fastx node:a",
                "slow-down factor \"fastx\" is not a number",
            ),
            ("at 5s slow 0x node:a", "finite number above 0, got 0"),
            ("at 5s slow -2x node:a", "got -2"),
            ("at 5s slow infx node:a", "got inf"),
            ("at 5s slow NaNx node:a", "got NaN"),
            ("at 5s crash node:a for", "missing duration after \"for\""),
            ("at 5s crash node:a for soon", "bad duration after \"for\""),
            ("at 5s crash node:a for 0s", "never takes effect"),
            ("at 5s kill node:a for 10s", "kill is permanent"),
            (
                "at 5s crash node:a until 10s",
                "expected \"for <duration>\" or the end",
            ),
            (
                "at 5s crash node:a for 1s now",
                "unexpected \"now\" after the end",
            ),
        ];
        for (text, expected) in cases {
            let message = parse_err(text);
            assert!(
                message.contains(expected),
                "{text:?} gave {message:?}, want {expected:?}"
            );
        }
    }

    #[test]
    fn targets_are_single_words() {
        assert!(FaultTarget::new("node:core-2").is_ok());
        for bad in [
            "",
            "two words",
            "tab\there",
            "semi;colon",
            "hash#tag",
            "ctl\u{7}",
        ] {
            assert!(FaultTarget::new(bad).is_err(), "{bad:?}");
        }
        assert!(FaultTarget::new("x".repeat(257)).is_err());
        assert!(FaultTarget::new("x".repeat(256)).is_ok());
        let t = FaultTarget::new("replica:orders/p0/r1").unwrap();
        assert_eq!((t.scope(), t.name()), (Some("replica"), "orders/p0/r1"));
        let bare = FaultTarget::new("everything").unwrap();
        assert_eq!((bare.scope(), bare.name()), (None, "everything"));
        let message = FaultTarget::new("a b").unwrap_err().to_string();
        assert!(message.contains("whitespace"), "{message}");
    }

    #[test]
    fn validation_catches_inconsistent_faults() {
        let mut plan = FaultPlan::new();
        let zero = ScheduledFault {
            duration: Some(SimDuration::ZERO),
            ..fault(1, FaultKind::Crash, "n:a", None)
        };
        assert_eq!(plan.push(zero), Err(FaultError::ZeroDuration));
        assert_eq!(
            plan.push(fault(1, FaultKind::Kill, "n:a", Some(5))),
            Err(FaultError::KillWithDuration)
        );
        for factor in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let slow = fault(1, FaultKind::Slow { factor }, "n:a", Some(5));
            assert!(matches!(
                plan.push(slow),
                Err(FaultError::InvalidFactor { .. })
            ));
        }
        assert!(plan.is_empty(), "rejected faults are not added");
        assert_eq!(plan.push(fault(1, FaultKind::Kill, "n:a", None)), Ok(()));
    }

    #[test]
    fn plans_stay_ordered_by_time_and_stable_for_ties() {
        let plan = FaultPlan::from_faults([
            fault(10, FaultKind::Crash, "n:late", Some(1)),
            fault(5, FaultKind::Partition, "n:first-at-5", Some(1)),
            fault(5, FaultKind::ZoneOutage, "az:second-at-5", None),
            fault(0, FaultKind::Kill, "n:zero", None),
        ])
        .unwrap();
        let order: Vec<&str> = plan.iter().map(|f| f.target.as_str()).collect();
        assert_eq!(
            order,
            ["n:zero", "n:first-at-5", "az:second-at-5", "n:late"]
        );
        assert_eq!(plan.len(), 4);
        assert_eq!(plan.faults()[0].target.as_str(), "n:zero");
    }

    #[test]
    fn active_at_uses_half_open_intervals() {
        let plan: FaultPlan =
            "at 10s crash node:a for 5s\nat 12s kill node:b\nat 0s partition node:c for 10s"
                .parse()
                .unwrap();
        let active = |s: u64| -> Vec<String> {
            plan.active_at(secs(s))
                .iter()
                .map(|f| f.target.to_string())
                .collect()
        };
        assert_eq!(active(0), ["node:c"]);
        assert_eq!(active(9), ["node:c"]);
        assert_eq!(active(10), ["node:a"], "c ended exactly when a started");
        assert_eq!(active(12), ["node:a", "node:b"]);
        assert_eq!(active(15), ["node:b"]);
        assert_eq!(active(1_000_000), ["node:b"], "kill never ends");
    }

    #[test]
    fn transitions_come_in_time_order_with_ends_first() {
        let plan: FaultPlan =
            "at 0s crash node:a for 10s; at 10s slow 2x node:a for 5s; at 10s kill node:b"
                .parse()
                .unwrap();
        let log: Vec<String> = plan
            .transitions()
            .iter()
            .map(|(at, tr)| {
                let edge = if tr.is_start() { "start" } else { "end" };
                format!(
                    "{} {edge} {} {}",
                    at.compact(),
                    tr.fault().kind,
                    tr.fault().target
                )
            })
            .collect();
        assert_eq!(
            log,
            [
                "0s start crash node:a",
                "10s end crash node:a",
                "10s start slow 2x node:a",
                "10s start kill node:b",
                "15s end slow 2x node:a",
            ]
        );
    }

    #[test]
    fn plan_text_handles_comments_separators_and_line_numbers() {
        let text = "# outage drill\n\nat 1s crash node:a for 2s   # first\n at 3s partition node:b ; at 4s kill node:c\n";
        let plan: FaultPlan = text.parse().unwrap();
        assert_eq!(plan.len(), 3);
        assert_eq!(
            plan.to_string(),
            "at 1s crash node:a for 2s\nat 3s partition node:b\nat 4s kill node:c"
        );
        let err = "at 1s crash node:a\n\nat 2s crash node:b for -1s"
            .parse::<FaultPlan>()
            .unwrap_err();
        assert!(matches!(err, FaultError::Parse { line: Some(3), .. }));
        assert!(err.to_string().starts_with("line 3: bad duration"), "{err}");
        assert_eq!("".parse::<FaultPlan>(), Ok(FaultPlan::new()));
        assert_eq!(FaultPlan::new().to_string(), "");
    }

    #[test]
    fn serde_validates_like_the_parser() {
        use serde::de::IntoDeserializer;
        use serde::de::value::Error;
        let ok = FaultTarget::deserialize(IntoDeserializer::<Error>::into_deserializer("node:a"));
        assert_eq!(ok.map(String::from), Ok("node:a".to_owned()));
        let bad = FaultTarget::deserialize(IntoDeserializer::<Error>::into_deserializer("a b"));
        assert!(bad.is_err());
        let invalid = vec![fault(1, FaultKind::Kill, "n:a", Some(1))];
        assert_eq!(
            FaultPlan::try_from(invalid),
            Err(FaultError::KillWithDuration)
        );
        let plan = FaultPlan::try_from(vec![
            fault(2, FaultKind::Crash, "n:b", None),
            fault(1, FaultKind::Crash, "n:a", None),
        ])
        .unwrap();
        let back: Vec<ScheduledFault> = plan.clone().into();
        assert_eq!(back[0].target.as_str(), "n:a", "sorted on the way in");
    }

    fn target() -> impl Strategy<Value = FaultTarget> {
        "[a-z]{1,6}:[A-Za-z0-9/_.:-]{1,16}".prop_map(|name| FaultTarget::new(name).unwrap())
    }

    fn kind() -> impl Strategy<Value = FaultKind> {
        prop_oneof![
            Just(FaultKind::Crash),
            Just(FaultKind::Partition),
            Just(FaultKind::ZoneOutage),
            Just(FaultKind::Kill),
            (1u32..100).prop_map(|tenths| FaultKind::Slow {
                factor: f64::from(tenths) / 10.0
            }),
            any::<f64>()
                .prop_filter("valid factor", |f| f.is_finite() && *f > 0.0)
                .prop_map(|factor| FaultKind::Slow { factor }),
        ]
    }

    fn scheduled_fault() -> impl Strategy<Value = ScheduledFault> {
        (
            any::<u64>(),
            proptest::option::of(1u64..=u64::MAX),
            target(),
            kind(),
        )
            .prop_map(|(at, duration, target, kind)| ScheduledFault {
                at: SimTime::from_micros(at),
                duration: if kind == FaultKind::Kill {
                    None
                } else {
                    duration.map(SimDuration::from_micros)
                },
                target,
                kind,
            })
    }

    proptest! {
        #[test]
        fn fault_text_round_trips(fault in scheduled_fault()) {
            let text = fault.to_string();
            prop_assert_eq!(text.parse::<ScheduledFault>(), Ok(fault), "{}", text);
        }

        #[test]
        fn plan_text_round_trips(faults in proptest::collection::vec(scheduled_fault(), 0..12)) {
            let plan = FaultPlan::from_faults(faults).unwrap();
            let text = plan.to_string();
            prop_assert_eq!(text.parse::<FaultPlan>(), Ok(plan), "{}", text);
        }

        #[test]
        fn transitions_are_sorted_and_complete(faults in proptest::collection::vec(scheduled_fault(), 0..12)) {
            let plan = FaultPlan::from_faults(faults).unwrap();
            let transitions = plan.transitions();
            for pair in transitions.windows(2) {
                prop_assert!(pair[0].0 <= pair[1].0);
            }
            let starts = transitions.iter().filter(|(_, t)| t.is_start()).count();
            let ends = plan.iter().filter(|f| f.duration.is_some()).count();
            prop_assert_eq!(starts, plan.len());
            prop_assert_eq!(transitions.len(), plan.len() + ends);
        }

        #[test]
        fn parser_never_panics_on_arbitrary_text(text in "\\PC*") {
            let _ = text.parse::<FaultPlan>();
            let _ = text.parse::<ScheduledFault>();
        }

        #[test]
        fn parser_never_panics_on_near_misses(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("at".to_owned()), Just("for".to_owned()), Just("slow".to_owned()),
                    Just("crash".to_owned()), Just("kill".to_owned()), Just(";".to_owned()),
                    Just("#".to_owned()), Just("\n".to_owned()), "[0-9.]{1,25}(us|ms|s|m|h|x)?",
                    "[a-z]{1,4}:[a-z0-9]{0,4}", "\\PC{0,6}",
                ],
                0..12,
            )
        ) {
            let text = words.join(" ");
            let _ = text.parse::<FaultPlan>();
        }
    }
}
