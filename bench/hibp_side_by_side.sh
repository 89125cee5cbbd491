#!/usr/bin/env bash
# Side by side: `keepassxc-cli analyze --hibp FILE` vs credaudit's offline corpus lookup, on the
# same KDBX and the same sorted corpus. Checks that both report the same leaked entries (and
# counts) and prints the time ratio (medians over $RUNS runs).
#
# Until the CLI wiring lands (`credaudit audit VAULT --hibp-file FILE`, done by the lead), the
# credaudit side is the `vault` sub-command of the breach bench binary: it opens the KDBX with the
# keepass crate (the same library credaudit's reader uses), hashes current passwords of
# non-recycled entries and runs `OfflineCorpus::lookup`. Replace CREDAUDIT_CMD once it exists.
#
# Usage: bench/hibp_side_by_side.sh            (env: CORPUS, ENTRIES, RUNS, CARGO_TARGET_DIR)
# Needs: keepassxc-cli (apt-get install keepassxc), a release build of benches/breach.rs
#        (`cargo bench --bench breach --no-run`).
set -euo pipefail

TARGET=${CARGO_TARGET_DIR:-target}
CORPUS=${CORPUS:-/work/targets/breach/hibp-100m.txt}
ENTRIES=${ENTRIES:-1000}
RUNS=${RUNS:-3}
PW=bench-master-password

BIN=$(ls -t "$TARGET"/release/deps/breach-* 2>/dev/null | grep -v '\.d$' | head -n1 || true)
[ -x "$BIN" ] || { echo "build first: cargo bench --bench breach --no-run" >&2; exit 2; }
command -v keepassxc-cli >/dev/null || { echo "install keepassxc (keepassxc-cli)" >&2; exit 2; }
[ -f "$CORPUS" ] || "$BIN" gen "$CORPUS" 100000000

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BIN" make-xml "$WORK/vault.xml" "$ENTRIES"
printf '%s\n%s\n' "$PW" "$PW" | keepassxc-cli import -q -p -t 100 "$WORK/vault.xml" "$WORK/vault.kdbx" >/dev/null 2>&1

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); keepassxc-cli $(keepassxc-cli --version)"
echo "corpus: $CORPUS ($(du -h "$CORPUS" | cut -f1), $(stat -c %s "$CORPUS") bytes); vault: $ENTRIES entries"

: >"$WORK/kpx.times"; : >"$WORK/kpx_open.times"; : >"$WORK/cred.times"; : >"$WORK/cred_check.times"
for run in $(seq "$RUNS"); do
  t0=$(now)
  printf '%s\n' "$PW" | keepassxc-cli analyze -q --hibp "$CORPUS" "$WORK/vault.kdbx" >"$WORK/kpx.out"
  t1=$(now)
  # Opening the database alone (key derivation + decryption), to separate it from the scan.
  printf '%s\n' "$PW" | keepassxc-cli ls -q "$WORK/vault.kdbx" >/dev/null
  t2=$(now)
  "$BIN" vault "$WORK/vault.kdbx" "$PW" "$CORPUS" >"$WORK/cred.out" 2>"$WORK/cred.err"
  t3=$(now)
  echo "$t1 - $t0" | bc -l >>"$WORK/kpx.times"
  echo "$t2 - $t1" | bc -l >>"$WORK/kpx_open.times"
  echo "$t3 - $t2" | bc -l >>"$WORK/cred.times"
  sed -n 's/^TIMES [0-9.]* //p' "$WORK/cred.err" >>"$WORK/cred_check.times"
  echo "run $run: keepassxc-cli analyze $(tail -n1 "$WORK/kpx.times") s (open alone $(tail -n1 "$WORK/kpx_open.times") s); credaudit $(tail -n1 "$WORK/cred.times") s -- $(grep -v '^TIMES' "$WORK/cred.err")"
done

sed -n "s/^Password for '\(.*\)' has been leaked \([0-9]*\) time.*/\1\t\2/p" "$WORK/kpx.out" | sort >"$WORK/kpx.leaked"
sed -n 's/^LEAKED\t//p' "$WORK/cred.out" | sort >"$WORK/cred.leaked"
if diff -q "$WORK/kpx.leaked" "$WORK/cred.leaked" >/dev/null; then
  echo "same leaked set: $(wc -l <"$WORK/kpx.leaked") entries, same counts"
else
  echo "LEAKED SETS DIFFER:"; diff "$WORK/kpx.leaked" "$WORK/cred.leaked" | head -20; exit 1
fi

K=$(median <"$WORK/kpx.times"); O=$(median <"$WORK/kpx_open.times"); C=$(median <"$WORK/cred.times")
B=$(median <"$WORK/cred_check.times")
printf 'median over %s runs: keepassxc-cli analyze %.3f s (opening the vault alone: %.3f s); credaudit whole command %.3f s, breach check alone (open corpus + lookups) %.4f s\n' "$RUNS" "$K" "$O" "$C" "$B"
printf 'ratio, whole command: %.1fx; ratio, breach check alone (keepassxc analyze minus its open time, vs credaudit open corpus + lookups): %.0fx\n' \
  "$(echo "$K / $C" | bc -l)" "$(echo "($K - $O) / $B" | bc -l)"
