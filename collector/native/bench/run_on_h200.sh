#!/usr/bin/env bash
# The agent's runs on the H200 (through the device tool). Builds the agent, then runs the PARTS asked for:
#   probe     what the real driver's cuGetProcAddress hands out, against libcuda's exports (proc_address_probe.c)
#   workload  bridge_workload.py twice: agent (interposition) + torch.profiler in one process; CUPTI mode alone
#             (workload-interposition, workload-cupti: one of them)
#   fixture   the decode loop with the agent preloaded AND under torch.profiler, 60 steps per batch size
#   cupti     the decode loop in CUPTI mode (agent preloaded and injected), alone and next to torch.profiler
#   fallback  CUPTI mode when the profiler took CUPTI first: the agent falls back to interposition
#   micro     per-call cost: ROUNDS rounds x (untraced, agent), 200,000 launches and copies
#   overhead  untraced / agent / torch.profiler interleaved, ROUNDS rounds of STEPS decode steps per batch size
# The device returns at most 8 files, also when the call is cut short: records and traces land gzipped one by one,
# every JSON line in runs.jsonl, every log in log.txt. Rounds stop starting once BUDGET_S seconds have passed.
set -euo pipefail
OUT=${OUT:?set OUT}
ROUNDS=${ROUNDS:-10}
STEPS=${STEPS:-500}
BUDGET_S=${BUDGET_S:-540}
PARTS=${PARTS:-probe workload micro overhead}
# Python threads and the agent's drain thread: every timed run gets the same two cores.
pin="taskset -c 2,3"
here="$(cd "$(dirname "$0")" && pwd)"
native="$here/.."
build=/tmp/bridgewatch-build
python=${PYTHON:-python3}
log="$OUT/log.txt"
runs="$OUT/runs.jsonl"
export BRIDGEWATCH_AGENT_SOCKET=""

has() { [[ " $PARTS " == *" $1 "* ]]; }
in_budget() { [ "$SECONDS" -lt "$BUDGET_S" ] || { echo "budget spent at ${SECONDS}s: $1 skipped" | tee -a "$log"; false; }; }
# run LABEL COMMAND...: the command's JSON line to runs.jsonl, its stderr to the log.
run() {
  local label=$1; shift
  echo "== $label (${SECONDS}s)" >> "$log"
  "$@" 2>> "$log" | tee -a "$runs" || echo "(exit $? in $label)" | tee -a "$log"
}

make -C "$native" OUT="$build" agent >> "$log" 2>&1 || { cat "$log"; exit 1; }
agent="$build/libbridgewatch_agent.so"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv >> "$log" 2>&1 || true
"$python" -c 'import torch; print("torch", torch.__version__, torch.version.cuda)' >> "$log" 2>&1

if has probe; then
  cc -O2 -std=gnu11 -I"$native/src" -I/usr/local/cuda/include "$here/proc_address_probe.c" "$native/src/bw_abi.c" \
    -ldl -o "$build/proc_address_probe" >> "$log" 2>&1
  "$build/proc_address_probe" > "$OUT/proc-address.jsonl" 2>> "$log" || echo "(probe exit $?)" >> "$log"
  tail -1 "$OUT/proc-address.jsonl"
fi

if has workload || has workload-interposition; then
  BRIDGEWATCH_AGENT_FILE="$OUT/workload-interposition.bwr" LD_PRELOAD="$agent" \
    run workload-interposition "$python" "$here/bridge_workload.py" --scale "${SCALE:-0.5}" \
      --profile "$OUT/workload-kineto.json.gz" --label interposition+profiler
  gzip -9 "$OUT/workload-interposition.bwr"
fi
if has workload || has workload-cupti; then
  BRIDGEWATCH_AGENT_FILE="$OUT/workload-cupti.bwr" LD_PRELOAD="$agent" CUDA_INJECTION64_PATH="$agent" \
    run workload-cupti "$python" "$here/bridge_workload.py" --scale "${SCALE:-0.5}" --label cupti
  gzip -9 "$OUT/workload-cupti.bwr"
fi

if has fixture; then
  BRIDGEWATCH_AGENT_FILE="$OUT/fixture-interposition.bwr" LD_PRELOAD="$agent" \
    run fixture "$python" "$here/decode_loop.py" --steps 60 --profile "$OUT/fixture-kineto.json.gz" --label fixture
  gzip -9 "$OUT/fixture-interposition.bwr"
fi

if has cupti; then
  BRIDGEWATCH_AGENT_FILE="$OUT/fixture-cupti.bwr" LD_PRELOAD="$agent" CUDA_INJECTION64_PATH="$agent" \
    run cupti "$python" "$here/decode_loop.py" --steps 20 --label cupti
  gzip -9 "$OUT/fixture-cupti.bwr"
  # One CUPTI client per process: the profiler started later loses its CUDA activity.
  BRIDGEWATCH_AGENT_FILE=/tmp/cupti-with-profiler.bwr LD_PRELOAD="$agent" CUDA_INJECTION64_PATH="$agent" \
    run cupti-profiler "$python" "$here/decode_loop.py" --steps 5 --profile /tmp/cupti-with-profiler.json.gz \
      --label cupti-profiler
fi

if has fallback; then
  BRIDGEWATCH_AGENT_FILE=/tmp/fallback.bwr LD_PRELOAD="$agent" CUDA_INJECTION64_PATH="$agent" \
    run fallback "$python" "$here/decode_loop.py" --steps 5 --profile /tmp/fallback-profile.json --profile-first \
      --label fallback
fi

if has micro; then
  for round in $(seq 1 "$ROUNDS"); do
    in_budget "micro round $round" || break
    run "micro $round untraced" $pin "$python" "$here/decode_loop.py" --micro 200000 --label micro-untraced
    BRIDGEWATCH_AGENT_QUIET=1 BRIDGEWATCH_AGENT_FILE=/tmp/micro-%p.bwr LD_PRELOAD="$agent" \
      run "micro $round agent" $pin "$python" "$here/decode_loop.py" --micro 200000 --label micro-agent
    rm -f /tmp/micro-*.bwr
  done
fi

if has overhead; then
  for round in $(seq 1 "$ROUNDS"); do
    in_budget "overhead round $round" || break
    run "overhead $round untraced" $pin "$python" "$here/decode_loop.py" --steps "$STEPS" --label untraced
    BRIDGEWATCH_AGENT_QUIET=1 BRIDGEWATCH_AGENT_FILE=/tmp/overhead-%p.bwr LD_PRELOAD="$agent" \
      run "overhead $round agent" $pin "$python" "$here/decode_loop.py" --steps "$STEPS" --label agent
    ls -la /tmp/overhead-*.bwr >> "$log" 2>&1 || true
    rm -f /tmp/overhead-*.bwr
    run "overhead $round profiler" $pin "$python" "$here/decode_loop.py" --steps "$STEPS" \
      --profile /tmp/overhead-profile.json.gz --label profiler
    rm -f /tmp/overhead-profile.json.gz
  done
fi
echo "done in ${SECONDS}s" | tee -a "$log"
ls -la "$OUT"
