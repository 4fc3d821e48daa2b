#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) side by side, each from its committed seed
# corpus, and fails if any finds a crash, leak or broken invariant. New interesting inputs go to
# fuzz/work/<target>/ (ignored by git); crash inputs to fuzz/work/crash-*, and the log says how
# to replay them. Usage: fuzz/run.sh [SECONDS] [TARGET...]   (build first: make fuzz-build)
set -euo pipefail
# The build the Makefile makes (fuzz-build): release, ASan, testable.
bin=.build/${FUZZ_CONFIG:-release}
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzTokenizer FuzzRequestDecoding FuzzChunking FuzzModelFiles FuzzPatterns)
dict_for() { case $1 in FuzzTokenizer|FuzzChunking) echo dict/text.dict ;; FuzzPatterns) echo dict/patterns.dict ;; *) echo dict/json.dict ;; esac; }
mkdir -p work
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp:print_suppressions=0"
pids=()
for t in "${targets[@]}"; do
    mkdir -p "work/$t"
    # -max_len: long enough for several sentences and windows; -timeout: a hang is a finding.
    "$bin/$t" "work/$t" "corpus/$t" -dict="$(dict_for "$t")" -max_total_time="$seconds" \
        -max_len=4096 -timeout=20 -rss_limit_mb=3000 -print_final_stats=1 -artifact_prefix="work/$t-" \
        >"work/$t.log" 2>&1 &
    pids+=($!)
done
status=0
for i in "${!targets[@]}"; do
    t=${targets[$i]}
    if wait "${pids[$i]}"; then result=clean; else result=FAILED; status=1; fi
    runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "work/$t.log" | grep -oE '[0-9]+$' || echo "?")
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "work/$t.log" | tail -1 || true)
    echo "$t: $result, $runs executions in ${seconds}s ($cov)"
    if [ $result = FAILED ]; then grep -E 'ERROR|invariant broken|Fatal error|Test unit written' "work/$t.log" | head -5; fi
done
exit $status
