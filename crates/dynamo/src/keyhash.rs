//! Where a partition key lands in the key space.
//!
//! DynamoDB hashes the partition key and gives each partition a contiguous range of hash
//! values. Dynaplay does the same with a documented, stable 128-bit hash — MurmurHash3
//! x64/128 with seed 0 over the key's canonical bytes (a type tag `S`, `N` or `B`, then the
//! UTF-8 text, the normalised number text, or the raw bytes) — so an item's place never
//! changes between runs, platforms or versions, and a learner can reproduce it by hand.
//!
//! The hash also orders a Scan (items come back in key-space order, partition by
//! partition, as they do from DynamoDB) and divides the key space among parallel Scan
//! segments.

use crate::key::KeyValue;

/// The 128-bit position of a partition key in the key space.
pub fn key_hash(key: &KeyValue) -> u128 {
    murmur3_x64_128(&key.canonical_bytes(), 0)
}

/// The hash range `[start, end]` (inclusive) that parallel Scan segment `segment` of
/// `total` covers: the key space cut into `total` equal slices.
pub fn segment_range(segment: u32, total: u32) -> (u128, u128) {
    let total = u128::from(total.max(1));
    let segment = u128::from(segment).min(total - 1);
    let width = u128::MAX / total;
    let start = width * segment;
    let end = if segment + 1 == total {
        u128::MAX
    } else {
        start + width - 1
    };
    (start, end)
}

const C1: u64 = 0x87c3_7b91_1142_53d5;
const C2: u64 = 0x4cf5_ad43_2745_937f;

fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

fn mix_k1(k1: u64) -> u64 {
    k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2)
}

fn mix_k2(k2: u64) -> u64 {
    k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1)
}

fn le_u64(bytes: &[u8]) -> u64 {
    // Little-endian over up to eight bytes; shorter tails are zero-extended.
    bytes
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// MurmurHash3, x64 128-bit variant (Austin Appleby's reference), as `h1 << 64 | h2`.
pub fn murmur3_x64_128(data: &[u8], seed: u32) -> u128 {
    let mut h1 = u64::from(seed);
    let mut h2 = u64::from(seed);
    let mut blocks = data.chunks_exact(16);
    for block in &mut blocks {
        let (lo, hi) = block.split_at(8);
        h1 ^= mix_k1(le_u64(lo));
        h1 = h1
            .rotate_left(27)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(0x52dc_e729);
        h2 ^= mix_k2(le_u64(hi));
        h2 = h2
            .rotate_left(31)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(0x3849_5ab5);
    }
    let tail = blocks.remainder();
    if tail.len() > 8 {
        h2 ^= mix_k2(le_u64(tail.get(8..).unwrap_or_default()));
    }
    if !tail.is_empty() {
        h1 ^= mix_k1(le_u64(tail.get(..tail.len().min(8)).unwrap_or_default()));
    }
    let len = data.len() as u64;
    h1 ^= len;
    h2 ^= len;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (u128::from(h1) << 64) | u128::from(h2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vectors() {
        assert_eq!(murmur3_x64_128(b"", 0), 0);
        assert_eq!(
            murmur3_x64_128(b"hello", 0),
            0xcbd8a7b341bd9b02_5b1e906a48ae1d19
        );
        assert_eq!(
            murmur3_x64_128(b"The quick brown fox jumps over the lazy dog", 0),
            0xe34bbc7bbc071b6c_7a433ca9c49a9347
        );
    }

    #[test]
    fn equal_numbers_hash_alike() {
        use crate::value::Number;
        let a = KeyValue::N(Number::parse("1.0").unwrap());
        let b = KeyValue::N(Number::parse("1").unwrap());
        assert_eq!(key_hash(&a), key_hash(&b));
        assert_ne!(
            key_hash(&KeyValue::S("1".into())),
            key_hash(&a),
            "types differ"
        );
    }

    #[test]
    fn segments_tile_the_key_space() {
        for total in [1u32, 2, 3, 7, 1000] {
            let mut next = 0u128;
            for segment in 0..total {
                let (start, end) = segment_range(segment, total);
                assert_eq!(start, next);
                assert!(end >= start);
                next = end.wrapping_add(1);
            }
            assert_eq!(next, 0, "the last segment ends at u128::MAX");
        }
    }
}
