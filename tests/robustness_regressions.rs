//! Regression tests for what the fuzzers and the hostile-input suite found (issue 6). Each test
//! names the input that failed and what went wrong; engine-side failures are `#[ignore]`d with
//! the reason until the engine is fixed, so CI stays green while the test keeps the input.
//!
//! Also replays the committed fuzz corpus (`fuzz/corpus/*`) through the fuzz targets'
//! invariant checks, so every input kept there — and every crash, once minimised and added —
//! is checked by `cargo test` without libFuzzer.

#[path = "robustness/checks.rs"]
mod checks;

use std::path::Path;

fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// Found by `fuzz/run.sh analyze` in its first 20 s: the same text analysed twice gave
/// different findings. `rules/number_format.rs::decimals` takes the usual number of decimals
/// of a unit with `max_by_key` over a `HashMap` — on a tie the winner depends on the map's
/// random iteration order, so a figure with 3 decimals is "精度过高" or not from one run (one
/// keystroke, in the server) to the next. Minimal input below; the fuzzer's input is
/// `tests/fixtures/hostile/nondeterministic-precision.bin`.
#[test]
fn the_analysis_is_deterministic() {
    for text in [
        "支出1.123元，收入2元。".to_string(),
        String::from_utf8_lossy(
            &std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/hostile/nondeterministic-precision.bin"),
            )
            .unwrap(),
        )
        .into_owned(),
    ] {
        let first = suanpan::analyze(&text).findings;
        for _ in 0..64 {
            assert_eq!(suanpan::analyze(&text).findings, first, "{text:?}");
        }
    }
}

/// Found by `fuzz/run.sh analyze` in CI (session 5): a figure with 24 decimal places that the
/// parts of a list recompute to ~10¹⁵ — `rules::written_like` formats the expected value with
/// that figure's 24 places, more than a u128 holds, and the fallback, rust_decimal's `{:.24}`,
/// panicked (`CapacityError: insufficient capacity`): `suanpan check` printed a panic, the
/// server lost that keystroke's findings. `format_grouped` now pads such a value with zeros
/// itself. Minimal input below; the fuzzer's is
/// `tests/fixtures/hostile/decimal-places-overflow.bin`.
/// Found by the second reading of session 6 (it predates it): a base near `Decimal`'s limit
/// made the middle of a rate's interval overflow (`Interval::mid` added its bounds) and the
/// analysis panicked.
#[test]
fn a_rate_whose_interval_bounds_overflow_when_added() {
    let text = "8元比7789385151184245861628612.0万，增9%";
    checks::check_analyze(text, true);
    let _ = suanpan::analyze(text);
}

#[test]
fn a_figure_with_more_places_than_a_u128_holds() {
    let minimal = "支出1.123456789012345678901234元，其中：人员经费600000000000000元，公用经费300000000000000元。";
    checks::check_analyze(minimal, true);
    assert!(!suanpan::analyze(minimal).findings.is_empty());
    let fuzzed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/hostile/decimal-places-overflow.bin"),
    )
    .unwrap();
    checks::check_analyze(&checks::text_of(&fuzzed), true);
}

#[test]
fn analyze_corpus_replays() {
    for (name, bytes) in files("fuzz/corpus/analyze") {
        eprintln!("{name}");
        checks::check_analyze(&checks::text_of(&bytes), true);
    }
}

#[test]
fn framing_corpus_replays() {
    for (_, bytes) in files("fuzz/corpus/framing") {
        if let Some((&chunk, rest)) = bytes.split_first() {
            checks::check_framing(rest, chunk as usize % 17 + 1);
        }
    }
}
