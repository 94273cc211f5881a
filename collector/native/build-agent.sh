#!/bin/sh
# Builds the agent library where the CUDA and CUPTI headers are (CUDA_HOME, default /usr/local/cuda); elsewhere says
# so and succeeds: the agent's pure parts and their unit tests build without CUDA (make test).
set -eu
out=${1:?usage: build-agent.sh OUT_DIR}
cuda=${CUDA_HOME:-/usr/local/cuda}
if [ -f "$cuda/include/cuda.h" ] && [ -f "$cuda/include/cupti.h" ]; then
  make -C "$(dirname "$0")" agent OUT="$out" CUDA_HOME="$cuda"
else
  echo "[bridgewatch] native agent not built: no CUDA/CUPTI headers under $cuda (set CUDA_HOME to build it)"
fi
