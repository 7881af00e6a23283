//! CPU time a server process spent, read from `/proc/<pid>/stat`.
//!
//! Throughput on a machine that others share moves with whatever else runs: a compiler
//! that takes one of two cores halves a server's requests per second without the server
//! changing at all. The CPU time the server itself spent per request hardly moves, so the
//! report shows it beside throughput when it knows the server's process id. The kernel
//! reports user and system time in clock ticks of `USER_HZ`, which the /proc interface
//! fixes at 100 per second on Linux whatever the kernel's internal tick rate.

/// Clock ticks per second in `/proc/<pid>/stat`.
const USER_HZ: f64 = 100.0;

/// User plus system CPU seconds of every thread of process `pid` so far, or `None` when
/// the process cannot be read (gone, or not Linux).
pub fn process_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&stat)
}

/// utime + stime of a `/proc/<pid>/stat` line, in seconds. The command name (field 2)
/// is in parentheses and may itself hold spaces and parentheses, so fields are counted
/// from the last `)`.
fn parse_stat(stat: &str) -> Option<f64> {
    let (_, after_name) = stat.rsplit_once(')')?;
    // After the name: state (field 3) ... utime (field 14), stime (field 15).
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / USER_HZ)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_system_ticks_are_added() {
        let stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 \
                    20 0 9 0 12345 1000000 500 18446744073709551615";
        assert_eq!(parse_stat(stat), Some(3.25));
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(parse_stat("1 (x) S 1 2"), None);
    }

    #[test]
    fn this_process_has_spent_some_cpu() {
        let mut spin = 0u64;
        for i in 0..20_000_000u64 {
            spin = spin.wrapping_add(i * i);
        }
        assert_ne!(spin, 1);
        let seconds = process_seconds(std::process::id()).unwrap();
        assert!(seconds > 0.0, "{seconds}");
    }
}
