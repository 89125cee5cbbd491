#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each, as many at a time as there are cores, and
# prints each target's final libFuzzer stats (executions, coverage, corpus) from its log.
#
#   fuzz/run-all.sh 900                  # the long campaign: 15 minutes per target
#   fuzz/run-all.sh 5                    # the CI smoke
#
# Needs cargo-fuzz and a nightly toolchain (`cargo +nightly fuzz`). Environment:
#   FUZZ_TARGET_DIR  the fuzz build's target dir (default: fuzz/target; the ASan build of every
#                    dependency takes ~15 minutes on 2 busy cores the first time)
#   FUZZ_JOBS        targets run at once (default: the number of cores)
#   FUZZ_TARGETS     a space-separated subset (default: every target of `cargo fuzz list`)
#   FUZZ_SANITIZER   address (default) or none
#   FUZZ_TOOLCHAIN   nightly (default: `cargo +nightly fuzz`) or bootstrap (the default
#                    toolchain with RUSTC_BOOTSTRAP=1, as fuzz/README.md's earlier runs)
# Corpora: fuzz/corpus/<target>/ (fill it first with fuzz/seed.sh); crashes land in
# fuzz/artifacts/<target>/ and make the script exit 1. Logs: fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: fuzz/run-all.sh SECONDS}
target_dir=${FUZZ_TARGET_DIR:-fuzz/target}
jobs=${FUZZ_JOBS:-$(nproc)}
sanitizer=${FUZZ_SANITIZER:-address}
if [[ ${FUZZ_TOOLCHAIN:-nightly} == bootstrap ]]; then
    fuzz=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
else
    fuzz=(cargo +nightly fuzz)
fi
targets=${FUZZ_TARGETS:-$("${fuzz[@]}" list)}

"${fuzz[@]}" build --sanitizer "$sanitizer" --target-dir "$target_dir"
mkdir -p fuzz/logs
run_one() {
    local t=$1
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    if "${fuzz[@]}" run "$t" --sanitizer "$sanitizer" --target-dir "$target_dir" \
        "fuzz/corpus/$t" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"fuzz/logs/$t.log" 2>&1; then
        echo "ok     $t"
    else
        echo "FAILED $t (fuzz/logs/$t.log, fuzz/artifacts/$t/)"
        return 1
    fi
}
export -f run_one
export seconds target_dir sanitizer
export FUZZ_CMD="${fuzz[*]}"
status=0
# shellcheck disable=SC2016
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'fuzz=($FUZZ_CMD); run_one {}' || status=1
for t in $targets; do
    # The last "#N DONE" line: executions, coverage, features, corpus.
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "fuzz/logs/$t.log" | tail -n1 || true)
    echo "$t: ${done_line:-no DONE line}"
done
exit $status
