#!/usr/bin/env bash
# Build the fuzz targets with libFuzzer on the stable toolchain and run them.
#
#   fuzz/run.sh build                 # build all targets
#   fuzz/run.sh TARGET [SECONDS]      # run one target (analyze | framing | edits), default 60 s
#   fuzz/run.sh all [SECONDS]         # run every target in turn
#
# cargo-fuzz needs a nightly toolchain (for -Zsanitizer); libFuzzer itself only needs the
# SanitizerCoverage instrumentation, which stable rustc offers through -Cpasses/-Cllvm-args.
# Found crashes are written to fuzz/artifacts/TARGET/; new coverage goes to a scratch corpus
# (fuzz/corpus-new/TARGET, not committed) seeded from the committed fuzz/corpus/TARGET.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR="$here/target"
targets=(analyze framing edits)

triple="$(rustc -vV | sed -n 's/^host: //p')"
# --target: RUSTFLAGS then instrument the fuzzed code only, not the build scripts.
build() { cargo build --release --quiet --bins --target "$triple"; }

run() {
    local t="$1" secs="$2"
    mkdir -p "corpus-new/$t" "artifacts/$t"
    local max_len=4096
    [ "$t" = analyze ] && max_len=16384
    echo "== fuzz $t for ${secs}s"
    "$CARGO_TARGET_DIR/$triple/release/$t" "corpus-new/$t" "corpus/$t" \
        -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 2>"artifacts/$t.log" || {
        echo "fuzz $t FAILED; the last lines of fuzz/artifacts/$t.log:"
        tail -40 "artifacts/$t.log"
        return 1
    }
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "artifacts/$t.log" | tr '\n' ' '
    echo
}

case "${1:-all}" in
build) build ;;
all)
    build
    for t in "${targets[@]}"; do run "$t" "${2:-60}"; done
    ;;
*)
    build
    run "$1" "${2:-60}"
    ;;
esac
