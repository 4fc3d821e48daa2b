#!/usr/bin/env bash
# Reproduces the shipped default model: trains (or resumes) the BiLSTM-CRF of configs/CONFIG.json
# (default: default), adds the corpus-conditioning tensors when the run has a corpus embedding
# (tools/train/domains.py), then writes its INT8 copy to models/default with `zhner quantize`.
#
#   tools/train/ship.sh [CONFIG]   # from the repo root; logs to tools/train/runs/<name>/train.log
#
# Needs Python 3.11 with the packages of tools/train/requirements.txt (installed into .build/train-venv
# if TRAIN_PYTHON is not set) and ../shared/data. Training resumes from runs/default/last.pt when present.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${TRAIN_PYTHON:-}
if [ -z "$PY" ]; then
    [ -x .build/train-venv/bin/python ] || python3 -m venv .build/train-venv
    .build/train-venv/bin/pip install -q -r tools/train/requirements.txt
    PY=.build/train-venv/bin/python
fi
CONFIG=tools/train/configs/${1:-default}.json
RUN=tools/train/runs/$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["name"])' "$CONFIG")
"$PY" -m tools.train.train --config "$CONFIG"
if "$PY" -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1])).get("domain_dim") else 1)' "$CONFIG"; then
    "$PY" -m tools.train.domains "$(basename "$RUN")"
fi
# Calibration for the load-time folding of bigrams and words: the training split's sentences, one per line.
"$PY" -m tools.train.calibration "$RUN/calibration.txt"
swift build -c release --product zhner
.build/release/zhner quantize "$RUN/export" models/default --force --calibration "$RUN/calibration.txt"
.build/release/zhner info models/default
