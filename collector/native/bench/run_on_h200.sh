#!/usr/bin/env bash
# The agent's runs on the H200 (through the device tool): builds the agent, then
#  1. accuracy fixture: the decode loop with the agent preloaded AND under torch.profiler, one run, 60 steps per
#     batch size: both see the same calls (agent records + Kineto trace);
#  2. CUPTI mode: agent preloaded and injected (CUDA_INJECTION64_PATH): GPU timestamps in the records;
#  3. overhead: untraced / agent / torch.profiler, interleaved, ROUNDS rounds of STEPS steps per batch size.
# Everything lands in $OUT (records and traces gzipped, timings as JSON lines, logs).
set -euo pipefail
OUT=${OUT:?set OUT}
ROUNDS=${ROUNDS:-5}
STEPS=${STEPS:-1500}
# The loop is one Python thread; the agent adds its drain thread. Every run gets the same two cores.
pin="taskset -c 2,3"
here="$(cd "$(dirname "$0")" && pwd)"
native="$here/.."
build="$OUT/build"
make -C "$native" OUT="$build" all > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
agent="$build/libbridgewatch_agent.so"
python=${PYTHON:-python3}
export BRIDGEWATCH_AGENT_SOCKET=""

PARTS=${PARTS:-fixture cupti overhead micro}
has() { [[ " $PARTS " == *" $1 "* ]]; }

if has fixture; then
echo "== accuracy fixture: agent (interposition) + torch.profiler, same run"
BRIDGEWATCH_AGENT_FILE="$OUT/fixture-interposition.bwr" LD_PRELOAD="$agent" \
  "$python" "$here/decode_loop.py" --steps 60 --profile "$OUT/fixture-kineto.json.gz" --label fixture \
  2> "$OUT/fixture.log" | tee -a "$OUT/runs.jsonl"

fi

if has cupti; then
echo "== CUPTI mode: agent preloaded and injected"
BRIDGEWATCH_AGENT_FILE="$OUT/fixture-cupti.bwr" LD_PRELOAD="$agent" CUDA_INJECTION64_PATH="$agent" \
  "$python" "$here/decode_loop.py" --steps 20 --label cupti 2> "$OUT/cupti.log" | tee -a "$OUT/runs.jsonl"

echo "== CUPTI mode next to torch.profiler (one CUPTI client per process)"
BRIDGEWATCH_AGENT_FILE="$OUT/cupti-with-profiler.bwr" LD_PRELOAD="$agent" CUDA_INJECTION64_PATH="$agent" \
  "$python" "$here/decode_loop.py" --steps 5 --profile "$OUT/cupti-with-profiler.json.gz" --label cupti-profiler \
  2> "$OUT/cupti-with-profiler.log" | tee -a "$OUT/runs.jsonl" || echo "(exit $?)"

fi

if has fallback; then
echo "== CUPTI mode when the profiler took CUPTI first: the agent falls back to interposition"
BRIDGEWATCH_AGENT_FILE="$OUT/fallback.bwr" LD_PRELOAD="$agent" CUDA_INJECTION64_PATH="$agent" \
  "$python" "$here/decode_loop.py" --steps 5 --profile "$OUT/fallback-profile.json" --profile-first --label fallback \
  2> "$OUT/fallback.log" | tee -a "$OUT/runs.jsonl"
rm -f "$OUT/fallback-profile.json"
fi

if has overhead; then
echo "== overhead: $ROUNDS rounds x (untraced, agent, profiler), $STEPS steps per batch size"
for round in $(seq 1 "$ROUNDS"); do
  $pin "$python" "$here/decode_loop.py" --steps "$STEPS" --label untraced 2>>"$OUT/overhead.log" \
    | tee -a "$OUT/overhead.jsonl"
  BRIDGEWATCH_AGENT_QUIET=1 BRIDGEWATCH_AGENT_FILE="/tmp/overhead-%p.bwr" LD_PRELOAD="$agent" \
    $pin "$python" "$here/decode_loop.py" --steps "$STEPS" --label agent 2>>"$OUT/overhead.log" \
    | tee -a "$OUT/overhead.jsonl"
  $pin "$python" "$here/decode_loop.py" --steps "$STEPS" --profile "/tmp/overhead-profile.json.gz" \
    --label profiler 2>>"$OUT/overhead.log" | tee -a "$OUT/overhead.jsonl"
done
ls -la /tmp/overhead-*.bwr | tail -3 >> "$OUT/overhead.log" || true
rm -f /tmp/overhead-*.bwr /tmp/overhead-profile.json.gz
fi

if has micro; then
echo "== per-call cost: $ROUNDS rounds x (untraced, agent), 200000 launches and copies"
for round in $(seq 1 "$ROUNDS"); do
  $pin "$python" "$here/decode_loop.py" --micro 200000 --label untraced 2>>"$OUT/micro.log" | tee -a "$OUT/micro.jsonl"
  BRIDGEWATCH_AGENT_QUIET=1 BRIDGEWATCH_AGENT_FILE="/tmp/micro-%p.bwr" LD_PRELOAD="$agent" \
    $pin "$python" "$here/decode_loop.py" --micro 200000 --label agent 2>>"$OUT/micro.log" | tee -a "$OUT/micro.jsonl"
done
rm -f /tmp/micro-*.bwr
fi

gzip -9 "$OUT"/*.bwr
rm -rf "$build"
# Few files come back from the device: logs and timings in one archive.
tar -C "$OUT" -czf "$OUT/logs.tar.gz" $(cd "$OUT" && ls *.log *.jsonl)
rm -f "$OUT"/*.log "$OUT"/*.jsonl "$OUT"/cupti-with-profiler.json.gz
ls -la "$OUT"
