#!/usr/bin/env bash
# Reproduces the shipped default model: trains (or resumes) the BiLSTM-CRF of configs/default.json,
# then writes its INT8 copy to models/default with `zhner quantize`.
#
#   tools/train/ship.sh            # from the repo root; logs to tools/train/runs/default/train.log
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
"$PY" -m tools.train.train --config tools/train/configs/default.json
# Calibration for the load-time folding of bigrams and words: the training split's sentences, one per line.
"$PY" -m tools.train.calibration tools/train/runs/default/calibration.txt
swift build -c release --product zhner
.build/release/zhner quantize tools/train/runs/default/export models/default --force \
    --calibration tools/train/runs/default/calibration.txt
.build/release/zhner info models/default
