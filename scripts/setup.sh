#!/usr/bin/env bash
# Create .venv and install qa with pinned versions. Re-running is a no-op when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
stamp=.venv/.qa-installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first and exactly 2.13.0: pip finds the CPU build on this disk; any other
# torch (or letting a dependency pick one) pulls a multi-GB CUDA build.
.venv/bin/python -m pip install -q torch==2.13.0
# Every version pinned: no resolver backtracking, the same set on every machine.
.venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]'
echo "$want" > "$stamp"
