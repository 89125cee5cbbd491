#!/usr/bin/env bash
# Scale (issue 6): `credaudit audit VAULT --hibp-file CORPUS` end to end on synthetic vaults of
# $SIZES entries, with the offline breach source and with `--breach off`: wall time and peak
# memory (GNU time's maximum resident set size), medians over $RUNS runs, plus one extra run
# polled for peak anonymous vs file-backed (corpus map) resident memory. Target: peak < 500 MB
# at 100,000 entries.
#
# Usage: bench/scale.sh
# Env:   CORPUS (default /work/targets/breach/hibp-100m.txt; sorted HASH:COUNT, made by the breach
#          bench's `gen` sub-command, see BENCHMARKS.md, section 5; nothing is downloaded)
#        SIZES ("10000 100000"), FORMATS ("xml json": KeePass 2 XML, Bitwarden JSON; add "kdbx"
#          for a KDBX imported by keepassxc-cli with its default KDF), RUNS (5),
#        CARGO_TARGET_DIR (target), CREDAUDIT, GEN_VAULT (default: the release builds there),
#        WORK (scratch dir, default a fresh mktemp -d, removed at exit unless KEEP=1)
# Needs: GNU time (/usr/bin/time), jq; `cargo build --release && cargo build --release --example gen_vault`.
set -euo pipefail

TARGET=${CARGO_TARGET_DIR:-target}
CREDAUDIT=${CREDAUDIT:-$TARGET/release/credaudit}
GEN_VAULT=${GEN_VAULT:-$TARGET/release/examples/gen_vault}
CORPUS=${CORPUS:-/work/targets/breach/hibp-100m.txt}
SIZES=${SIZES:-10000 100000}
FORMATS=${FORMATS:-xml json}
RUNS=${RUNS:-5}
GNU_TIME=${GNU_TIME:-/usr/bin/time}
export BENCH_PW=bench-master-password

for t in "$CREDAUDIT" "$GEN_VAULT" "$GNU_TIME"; do
  [ -x "$t" ] || { echo "missing $t (cargo build --release && cargo build --release --example gen_vault)" >&2; exit 2; }
done
[ -f "$CORPUS" ] || { echo "missing corpus $CORPUS (see BENCHMARKS.md, section 5)" >&2; exit 2; }
# --hibp-file needs the corpus verified once: `credaudit corpus index` writes $CORPUS.cidx.
[ -f "$CORPUS.cidx" ] || "$CREDAUDIT" corpus index "$CORPUS" >&2
if [ -z "${WORK:-}" ]; then
  WORK=$(mktemp -d)
  [ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# poll_peak CMD...: runs CMD once, polling /proc/PID/status every 10 ms; prints the peak RssAnon
# and peak RssFile in MiB. GNU time's maximum RSS counts both; RssFile here is the corpus's
# memory map (clean page-cache pages, shared and reclaimable, not the process's own memory).
poll_peak() {
  "$@" >/dev/null 2>&1 &
  local pid=$! a=0 f=0 x y
  while kill -0 "$pid" 2>/dev/null; do
    read -r x y < <(awk '/^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {print a+0, f+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
    [ "${x:-0}" -gt "$a" ] && a=$x
    [ "${y:-0}" -gt "$f" ] && f=$y
    sleep 0.01
  done
  wait "$pid" || true
  awk -v a="$a" -v f="$f" 'BEGIN {printf "%.0f/%.0f\n", a / 1024, f / 1024}'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg); credaudit $("$CREDAUDIT" --version 2>/dev/null | awk '{print $2}')"
echo "corpus: $CORPUS ($(stat -c %s "$CORPUS") bytes); page cache state not forced (run twice for warm figures)"
printf '%-8s %-5s %-7s %9s %9s %9s %10s %11s  %s\n' entries fmt breach "wall med" "min" "max" "peak MiB" "anon/file" "summary (last run)"

for n in $SIZES; do
  "$GEN_VAULT" "$n" "$WORK/vault-$n" 2>/dev/null
  for fmt in $FORMATS; do
    vault=$WORK/vault-$n.$fmt
    if [ "$fmt" = kdbx ] && [ ! -f "$vault" ]; then
      printf '%s\n%s\n' "$BENCH_PW" "$BENCH_PW" | keepassxc-cli import -q -p "$WORK/vault-$n.xml" "$vault" >/dev/null 2>&1
    fi
    for breach in file off; do
      if [ "$breach" = file ]; then args=(--hibp-file "$CORPUS"); else args=(--breach off); fi
      : >"$WORK/wall"; : >"$WORK/rss"
      for _ in $(seq "$RUNS"); do
        "$GNU_TIME" -f '%e %M' -o "$WORK/time" \
          "$CREDAUDIT" audit "$vault" "${args[@]}" --password-env BENCH_PW -o json >"$WORK/out.json" 2>"$WORK/err" || true
        tail -n1 "$WORK/time" | grep -q '^[0-9.]* [0-9]*$' || { echo "credaudit failed on $vault: $(cat "$WORK/time" "$WORK/err")" >&2; exit 1; }
        jq -e .summary "$WORK/out.json" >/dev/null || { echo "no report for $vault: $(cat "$WORK/err")" >&2; exit 1; }
        # GNU time puts "Command exited with non-zero status 1" first (exit 1 = findings).
        tail -n1 "$WORK/time" | awk '{print $1}' >>"$WORK/wall"
        tail -n1 "$WORK/time" | awk '{printf "%.1f\n", $2 / 1024}' >>"$WORK/rss"
      done
      split=$(poll_peak "$CREDAUDIT" audit "$vault" "${args[@]}" --password-env BENCH_PW -o json)
      printf '%-8s %-5s %-7s %9s %9s %9s %10s %11s  %s\n' "$n" "$fmt" "$breach" \
        "$(median <"$WORK/wall")" "$(sort -g "$WORK/wall" | head -n1)" "$(sort -g "$WORK/wall" | tail -n1)" \
        "$(median <"$WORK/rss")" "$split" \
        "$(jq -r '.summary | "audited \(.accounts_audited), rotate \(.to_rotate), breached \(.breached), reused \(.reused_accounts), variants \(.variants), weak \(.weak), unchecked \(.unchecked)"' "$WORK/out.json")"
    done
  done
done
echo "work dir: $WORK"
