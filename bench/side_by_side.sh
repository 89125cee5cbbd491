#!/usr/bin/env bash
# Side by side with keepassxc-cli (issue 6), on the same KDBX and the same sorted corpus:
#   a. `keepassxc-cli analyze --hibp CORPUS DB` vs `credaudit audit DB --hibp-file CORPUS -o json`:
#      same leaked accounts (Group/Title and count), time ratio;
#   b. `keepassxc-cli db-info DB` (weak / reuse statistics) vs `credaudit audit DB --breach off`:
#      time ratio, counts side by side, and the per-entry weak sets compared by group
#      (`keepassxc-cli search DB is:weak` gives KeePassXC's weak entries one by one);
#   plus the key-derivation cost of each tool (a 1-entry vault imported the same way).
# Medians over $RUNS (slow keepassxc analyze) and $FAST_RUNS (everything else) runs.
#
# Usage: bench/side_by_side.sh
# Env:   CORPUS (default /work/targets/breach/hibp-100m.txt, a sorted HASH:COUNT file made by
#          `cargo bench --bench breach --no-run` + its `gen` sub-command; nothing is downloaded)
#        ENTRIES (5000), RUNS (3; 0 skips part a), FAST_RUNS (7), CARGO_TARGET_DIR (target),
#        CREDAUDIT (default $CARGO_TARGET_DIR/release/credaudit),
#        GEN_VAULT (default $CARGO_TARGET_DIR/release/examples/gen_vault),
#        DECRYPT_MS (unset: keepassxc-cli import's default KDF; else passed as `-t`),
#        WORK (scratch dir, default a fresh mktemp -d, removed at exit unless KEEP=1)
# Needs: keepassxc-cli, jq, GNU time (/usr/bin/time);
#        `cargo build --release && cargo build --release --example gen_vault`.
set -euo pipefail

TARGET=${CARGO_TARGET_DIR:-target}
CREDAUDIT=${CREDAUDIT:-$TARGET/release/credaudit}
GEN_VAULT=${GEN_VAULT:-$TARGET/release/examples/gen_vault}
CORPUS=${CORPUS:-/work/targets/breach/hibp-100m.txt}
ENTRIES=${ENTRIES:-5000}
RUNS=${RUNS:-3}
FAST_RUNS=${FAST_RUNS:-7}
KXC=${KXC:-keepassxc-cli}
export BENCH_PW=bench-master-password

for t in "$CREDAUDIT" "$GEN_VAULT"; do
  [ -x "$t" ] || { echo "missing $t: cargo build --release && cargo build --release --example gen_vault" >&2; exit 2; }
done
command -v "$KXC" >/dev/null || { echo "missing keepassxc-cli (apt-get install keepassxc)" >&2; exit 2; }
command -v jq >/dev/null || { echo "missing jq" >&2; exit 2; }
[ -f "$CORPUS" ] || { echo "missing corpus $CORPUS (see BENCHMARKS.md, section 5: the breach bench's gen)" >&2; exit 2; }
# --hibp-file needs the corpus verified once: `credaudit corpus index` writes $CORPUS.cidx.
[ -f "$CORPUS.cidx" ] || "$CREDAUDIT" corpus index "$CORPUS" >&2

if [ -z "${WORK:-}" ]; then
  WORK=$(mktemp -d)
  [ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed FILE CMD...: appends "wall user sys" (s, bash's `time`, children included) of CMD to
# FILE; CMD's stdout passes through, its stderr is dropped. On a shared machine the CPU time
# (user + sys) is the steadier figure: wall time includes waiting for a core.
timed() { local f=$1; shift; local TIMEFORMAT='%R %U %S'; { time "$@" 2>/dev/null; } 2>>"$f"; }
wall() { awk '{print $1}' "$1" | median; }
cpu() { awk '{print $2 + $3}' "$1" | median; }
import() { # import XML KDBX
  rm -f "$2"
  printf '%s\n%s\n' "$BENCH_PW" "$BENCH_PW" |
    "$KXC" import -q -p ${DECRYPT_MS:+-t "$DECRYPT_MS"} "$1" "$2" >/dev/null 2>&1
}
cred() { "$CREDAUDIT" audit "$@" --password-env BENCH_PW -o json 2>/dev/null || [ $? -eq 1 ]; }
kxc() { printf '%s\n' "$BENCH_PW" | "$KXC" "$1" -q "${@:2}"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg); $("$KXC" --version | sed 's/^/keepassxc-cli /'); credaudit $("$CREDAUDIT" --version 2>/dev/null | awk '{print $2}')"

"$GEN_VAULT" "$ENTRIES" "$WORK/vault" 2>&1
"$GEN_VAULT" 1 "$WORK/one" >/dev/null 2>&1
import "$WORK/vault.xml" "$WORK/vault.kdbx"
import "$WORK/one.xml" "$WORK/one.kdbx"
rm -f "$WORK/vault.json" "$WORK/one.json"
DB=$WORK/vault.kdbx
echo "vault: $ENTRIES entries, $(kxc db-info "$DB" | grep -E '^(Cipher|KDF):' | tr '\n' ' ')($(head -c 12 "$DB" | od -An -tu2 | awk '{print "KDBX " $6 "." $5}'))"
echo "corpus: $CORPUS ($(stat -c %s "$CORPUS") bytes, $(du -h "$CORPUS" | cut -f1))"
if [ "$RUNS" -gt 0 ]; then echo "warming the page cache: reading the corpus once"; cat "$CORPUS" >/dev/null; fi

# --- key derivation: a 1-entry vault imported the same way -------------------------------------
: >"$WORK/kdf_kxc"; : >"$WORK/kdf_cred"
for _ in $(seq "$FAST_RUNS"); do
  timed "$WORK/kdf_kxc" kxc db-info "$WORK/one.kdbx" >/dev/null
  timed "$WORK/kdf_cred" cred "$WORK/one.kdbx" --breach off >/dev/null
done
KDF_K=$(wall "$WORK/kdf_kxc"); KDF_C=$(wall "$WORK/kdf_cred")
printf 'open a 1-entry vault with the same KDF (key derivation + process start), median of %s: keepassxc-cli db-info %.3f s (CPU %.3f s), credaudit --breach off %.3f s (CPU %.3f s)\n' \
  "$FAST_RUNS" "$KDF_K" "$(cpu "$WORK/kdf_kxc")" "$KDF_C" "$(cpu "$WORK/kdf_cred")"

# --- a. breach check ---------------------------------------------------------------------------
if [ "$RUNS" -gt 0 ]; then  # RUNS=0 skips part a (the slow one)
: >"$WORK/a_kxc"; : >"$WORK/a_cred"; : >"$WORK/a_only"
for run in $(seq "$RUNS"); do
  timed "$WORK/a_kxc" kxc analyze --hibp "$CORPUS" "$DB" >"$WORK/kxc.analyze"
  echo "run $run: keepassxc-cli analyze (wall user sys) $(tail -n1 "$WORK/a_kxc")"
done
for _ in $(seq "$FAST_RUNS"); do
  timed "$WORK/a_cred" cred "$DB" --hibp-file "$CORPUS" >"$WORK/cred.json"
  # Like for like with `analyze --hibp`, which only checks breaches: skip zxcvbn and variants.
  timed "$WORK/a_only" cred "$DB" --hibp-file "$CORPUS" --skip weak --skip variants >"$WORK/cred.only.json"
done
sed -n "s/^Password for '\(.*\)' has been leaked \([0-9]*\) time.*/\1\t\2/p" "$WORK/kxc.analyze" | sort >"$WORK/kxc.leaked"
jq -r '.accounts[] | select(any(.reasons[]; .code == "breached")) | "\(if .group == "" then "" else .group + "/" end)\(.title)\t\(.breach_count)"' \
  "$WORK/cred.json" | sort >"$WORK/cred.leaked"
if diff -q "$WORK/kxc.leaked" "$WORK/cred.leaked" >/dev/null; then
  echo "a. same leaked set: $(wc -l <"$WORK/kxc.leaked") entries (Group/Title and count identical)"
else
  echo "a. LEAKED SETS DIFFER (< keepassxc, > credaudit):"; diff "$WORK/kxc.leaked" "$WORK/cred.leaked" | head -20
fi
AK=$(wall "$WORK/a_kxc"); AC=$(wall "$WORK/a_cred"); AKC=$(cpu "$WORK/a_kxc"); ACC=$(cpu "$WORK/a_cred")
printf 'a. median wall: keepassxc-cli analyze %.3f s (%s runs); credaudit audit --hibp-file %.3f s (%s runs); ratio %.0fx; minus each tool'"'"'s 1-entry open time: %.0fx\n' \
  "$AK" "$RUNS" "$AC" "$FAST_RUNS" "$(echo "$AK / $AC" | bc -l)" "$(echo "($AK - $KDF_K) / ($AC - $KDF_C)" | bc -l)"
printf 'a. median CPU (user+sys): keepassxc-cli analyze %.3f s; credaudit audit --hibp-file %.3f s; ratio %.0fx\n' \
  "$AKC" "$ACC" "$(echo "$AKC / $ACC" | bc -l)"
AO=$(wall "$WORK/a_only"); AOC=$(cpu "$WORK/a_only")
printf 'a. like for like, credaudit audit --hibp-file --skip weak --skip variants: median wall %.3f s (ratio %.0fx), CPU %.3f s (ratio %.0fx)\n' \
  "$AO" "$(echo "$AK / $AO" | bc -l)" "$AOC" "$(echo "$AKC / $AOC" | bc -l)"
fi

# --- b. weak / reuse statistics ----------------------------------------------------------------
: >"$WORK/b_kxc"; : >"$WORK/b_cred"
for _ in $(seq "$FAST_RUNS"); do
  timed "$WORK/b_kxc" kxc db-info "$DB" >"$WORK/kxc.info"
  timed "$WORK/b_cred" cred "$DB" --breach off >"$WORK/cred.off.json"
done
BK=$(wall "$WORK/b_kxc"); BC=$(wall "$WORK/b_cred"); BKC=$(cpu "$WORK/b_kxc"); BCC=$(cpu "$WORK/b_cred")
printf 'b. median of %s, wall: keepassxc-cli db-info %.3f s; credaudit audit --breach off %.3f s (full analysis: reuse, variants, weak, stale, ranking); ratio %.2fx; minus each tool'"'"'s 1-entry open time: %.2fx\n' \
  "$FAST_RUNS" "$BK" "$BC" "$(echo "$BK / $BC" | bc -l)" "$(echo "($BK - $KDF_K) / ($BC - $KDF_C)" | bc -l)"
printf 'b. median CPU (user+sys): keepassxc-cli db-info %.3f s; credaudit --breach off %.3f s; ratio %.2fx\n' \
  "$BKC" "$BCC" "$(echo "$BKC / $BCC" | bc -l)"
[ "$RUNS" -gt 0 ] && printf 'a-b. the breach check'"'"'s own cost in credaudit (audit --hibp-file minus audit --breach off): wall %.3f s, CPU %.3f s\n' \
  "$(echo "$AC - $BC" | bc -l)" "$(echo "$ACC - $BCC" | bc -l)"
stat_kxc() { sed -n "s/^$1: //p" "$WORK/kxc.info"; }
echo "b. keepassxc-cli db-info: unique passwords $(stat_kxc 'Unique passwords'), non-unique $(stat_kxc 'Non-unique passwords'), max reuse $(stat_kxc 'Maximum password reuse'), short $(stat_kxc 'Number of short passwords'), weak $(stat_kxc 'Number of weak passwords')"
jq -r '"b. credaudit: accounts " + (.summary.accounts_audited|tostring) + ", reuse groups " + (.summary.reuse_groups|tostring) + ", reused accounts " + (.summary.reused_accounts|tostring) + " (reused minus groups = " + ((.summary.reused_accounts - .summary.reuse_groups)|tostring) + ", KeePassXC'"'"'s non-unique), max reuse " + (([.accounts[].reasons[] | select(.code == "reused" or .code == "reused-breached") | .text | capture("(?<n>[0-9]+) other account") | .n | tonumber] | max // 0) + 1 | tostring) + ", weak " + (.summary.weak|tostring) + " (" + ([.accounts[].reasons[].code] | map(select(startswith("weak"))) | group_by(.) | map(.[0] + " " + (length|tostring)) | join(", ")) + ")"' "$WORK/cred.off.json"

# Per-entry weak sets, by group (the generator puts one kind of password in each group).
kxc search "$DB" "is:weak" | sed 's|^/||' | sort >"$WORK/kxc.weak"
jq -r '.accounts[] | select(any(.reasons[]; .code | startswith("weak"))) | "\(.group)/\(.title)"' "$WORK/cred.off.json" | sort >"$WORK/cred.weak"
jq -r '.accounts[] | select(any(.reasons[]; .code == "reused" or .code == "reused-breached")) | "\(.group)/\(.title)"' "$WORK/cred.off.json" | sort >"$WORK/cred.reused"
echo "b. weak entries by group: keepassxc-cli search is:weak $(wc -l <"$WORK/kxc.weak") (db-info counts only passwords < 25 chars: $(stat_kxc 'Number of weak passwords')), credaudit $(wc -l <"$WORK/cred.weak")"
printf '   %-10s %6s %6s %6s %8s %8s %16s\n' group kxc cred both kxc-only cred-only "kxc-only reused"
for g in $(cut -d/ -f1 "$WORK/kxc.weak" "$WORK/cred.weak" | sort -u); do
  k=$(grep -c "^$g/" "$WORK/kxc.weak" || true); c=$(grep -c "^$g/" "$WORK/cred.weak" || true)
  b=$(comm -12 "$WORK/kxc.weak" "$WORK/cred.weak" | grep -c "^$g/" || true)
  ko=$(comm -23 "$WORK/kxc.weak" "$WORK/cred.weak" | grep "^$g/" || true)
  kor=$( (printf '%s\n' "$ko" | grep -v '^$' || true) | comm -12 - "$WORK/cred.reused" | wc -l)
  printf '   %-10s %6s %6s %6s %8s %8s %16s\n' "$g" "$k" "$c" "$b" "$((k - b))" "$((c - b))" "$kor"
done
echo "work dir: $WORK"
