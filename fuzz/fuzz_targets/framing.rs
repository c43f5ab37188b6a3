//! Fuzz target: the LSP message decoder in front of tower-lsp-server (`lsp::framing::Framer`)
//! on arbitrary byte streams, split into reads of a size taken from the first byte.
//! Invariants: `tests/robustness/checks.rs::check_framing`.
#![no_main]

#[path = "../../tests/robustness/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&chunk, rest)) = data.split_first() {
        checks::check_framing(rest, chunk as usize % 17 + 1);
    }
});
