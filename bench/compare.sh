#!/usr/bin/env bash
# Two credaudit builds on one vault, alternating runs (BENCHMARKS.md, "Round 2 as a whole"):
# median and minimum wall time and median CPU (user + sys) of `audit VAULT --breach off -o FORMAT`.
#
# Usage: bench/compare.sh OLD_BINARY NEW_BINARY VAULT [RUNS (31)]
# Env:   EXTRA (more audit flags, e.g. "--skip weak"), FORMAT (json; table, markdown, csv, html)
# A vault: `cargo run --release --example gen_vault -- 5000 /tmp/vault` (XML, JSON, CSV).
set -euo pipefail
old=$1 new=$2 vault=$3 runs=${4:-31}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq "$runs"); do
  for which in old new; do
    bin=$old; [ "$which" = new ] && bin=$new
    # shellcheck disable=SC2086
    { TIMEFORMAT='%R %U %S'; time "$bin" audit "$vault" --breach off ${EXTRA:-} -o "${FORMAT:-json}" >/dev/null 2>&1 || true; } 2>>"$work/$which"
  done
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each; $vault -o ${FORMAT:-json} ${EXTRA:-}"
for which in old new; do
  echo "$which: wall median $(awk '{print $1}' "$work/$which" | median) s, min $(awk '{print $1}' "$work/$which" | sort -g | head -n1) s, cpu median $(awk '{print $2 + $3}' "$work/$which" | median) s"
done
