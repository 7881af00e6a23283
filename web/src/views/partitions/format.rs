//! Numbers as the Partitions and Consistency views print them: thousands separated, units
//! rounded to what a gauge can show, bytes in KB/MB/GB, simulated instants in seconds.

use dynaplay_world::SimTime;

/// `12345` → `12,345`.
pub fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Capacity units: whole numbers above 10 (`1,234`), one decimal below (`2.5`), and a
/// minus sign for debt.
pub fn units(value: f64) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let magnitude = value.abs();
    if magnitude >= 10.0 || magnitude == magnitude.round() {
        // Rounded and far inside u64.
        format!("{sign}{}", int(magnitude.round() as u64))
    } else {
        format!("{sign}{magnitude:.1}")
    }
}

/// Bytes in the largest unit that keeps the number at least 1: `812 B`, `1.4 MB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = "KB";
    for next in UNITS.iter().skip(1) {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    if value >= 100.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// A share as a whole percentage: `0.254` → `25%`.
pub fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.0}%", share * 100.0)
    } else {
        "–".into()
    }
}

/// A simulated instant with milliseconds: `12.345 s`.
pub fn at(time: SimTime) -> String {
    let micros = time.as_micros();
    format!("{}.{:03} s", micros / 1_000_000, (micros / 1_000) % 1_000)
}

/// A duration in microseconds as milliseconds: `2.4 ms`, `180 ms`.
pub fn millis(micros: u64) -> String {
    let ms = micros as f64 / 1_000.0;
    if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// How full a gauge is, clamped to 0..=1 (a gauge cannot show debt or overshoot).
pub fn fill(value: f64, limit: f64) -> f64 {
    if limit > 0.0 && value.is_finite() {
        (value / limit).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn numbers_in_words() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(10_000), "10,000");
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(units(2.5), "2.5");
        assert_eq!(units(800.0), "800");
        assert_eq!(units(-1_700.4), "-1,700");
        assert_eq!(units(0.0), "0");
        assert_eq!(units(f64::NAN), "–");
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(1_468_006), "1.4 MB");
        assert_eq!(bytes(10 * 1024 * 1024 * 1024), "10.0 GB");
        assert_eq!(percent(0.254), "25%");
        assert_eq!(at(SimTime::from_micros(12_345_678)), "12.345 s");
        assert_eq!(millis(2_400), "2.4 ms");
        assert_eq!(millis(180_000), "180 ms");
        assert_eq!(fill(50.0, 200.0), 0.25);
        assert_eq!(fill(-5.0, 200.0), 0.0);
        assert_eq!(fill(500.0, 200.0), 1.0);
        assert_eq!(fill(1.0, 0.0), 0.0);
    }
}
