#!/usr/bin/env bash
# Set up (if needed), index the sample articles, then print a briefing, the events found and
# the answer to a sample question.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
Q=.venv/bin/qa
$Q ingest seeds/
$Q sources
$Q brief
$Q events
$Q ask "How long will the China-Belarus exercise last?"
