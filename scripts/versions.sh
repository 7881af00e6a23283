# Pinned tool versions, in one place. wasm-bindgen's CLI must match the crate pinned in
# Cargo.toml (`wasm-bindgen = "=0.2.130"`).
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
