#!/usr/bin/env bash
# Robustness checks for CI (issue 6; docs/robustness.md): the differential edit property
# tests, the hostile-input suite, the soak test and the fuzz-corpus replay (cargo test, release),
# then each libFuzzer target for a short, bounded time. Exits non-zero on any failure.
#
#   FUZZ_SECONDS=30          seconds per fuzz target (0 skips fuzzing)
#   SUANPAN_PROPTEST_CASES   in-process differential cases (default 2000)
#   SUANPAN_E2E_CASES        differential cases through the binary (default 12)
#   SUANPAN_SOAK_EDITS       soak edits (default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${FUZZ_SECONDS:-30}"
started=$SECONDS

echo "== robustness tests (release)"
cargo test --release --lib framing
cargo test --release --test robustness_edits --test robustness_regressions \
    --test hostile --test robustness_soak

if [ "$secs" -gt 0 ]; then
    # libFuzzer is C++, built by libfuzzer-sys' build script.
    if ! command -v c++ >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq g++ >/dev/null
    fi
    echo "== fuzzing, ${secs}s per target"
    fuzz/run.sh all "$secs"
    # Crashes land in fuzz/artifacts/TARGET/; run.sh exits non-zero when one is found.
fi
echo "robustness: all passed in $((SECONDS - started))s"
