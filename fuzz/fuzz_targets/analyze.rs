//! Fuzz target: the analyser (and the IDE features on its result) on arbitrary bytes, read as
//! UTF-8 (lossily when they are not). Invariants: `tests/robustness/checks.rs::check_analyze`.
#![no_main]

#[path = "../../tests/robustness/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::check_analyze(&checks::text_of(data), true);
});
