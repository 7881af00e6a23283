//! Durations and sizes as the DAX view prints them.
//!
//! The engine keeps time in microseconds and prints durations exactly (`296.9668 s`),
//! which is right for logs and golden scripts but hard to read at a glance in a table
//! whose numbers change on every frame. The view rounds to what a reader takes in: a
//! TTL of `4 min 57 s`, an age of `2.0 s`, a hit of `204 µs`, a budget of `8.0 GiB`.

use dynaplay_world::SimDuration;

/// A duration rounded for reading: µs below a millisecond, one decimal up to a minute,
/// then minutes and seconds.
pub fn short(d: SimDuration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", micros as f64 / 1e3)
    } else if micros < 60_000_000 {
        format!("{:.1} s", micros as f64 / 1e6)
    } else {
        let secs = micros / 1_000_000;
        format!("{} min {:02} s", secs / 60, secs % 60)
    }
}

/// A size in bytes, in binary units.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = "B";
    for next in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn durations_and_sizes_for_reading() {
        assert_eq!(short(SimDuration::from_micros(204)), "204 µs");
        assert_eq!(short(SimDuration::from_micros(5_134)), "5.1 ms");
        assert_eq!(short(SimDuration::from_micros(2_016_601)), "2.0 s");
        assert_eq!(short(SimDuration::from_micros(296_966_800)), "4 min 56 s");
        assert_eq!(short(SimDuration::from_secs(300)), "5 min 00 s");
        assert_eq!(bytes(330), "330 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(8 << 30), "8.0 GiB");
    }
}
