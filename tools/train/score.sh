#!/usr/bin/env bash
# Scores a training run's export the way docs/MODEL.md reports the shipped model: FP32 (the export)
# and INT8 (`zhner quantize --calibration`, into a temporary folder) on MSRA dev (the held-out last
# 5 % of train), the synthetic name lists built from dev's names (train.dev_name_lists), CLUENER dev (the
# last 1,000 records of its train), Weibo dev, Resume dev (mapped to PER/LOC/ORG), MSRA dev in Traditional
# characters (OpenCC s2t) and MSRA test: one line of F1 (P / R) per set and model.
#
#   tools/train/score.sh RUN        # e.g. default, bioes; from the repo root
#
# Needs the training venv (TRAIN_PYTHON, default /work/venv/bin/python, else .build/train-venv) for
# the dev split and the calibration text, and a release build of zhner.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=${1:?usage: tools/train/score.sh RUN}
DIR=tools/train/runs/$RUN
[ -f "$DIR/export/config.json" ] || { echo "score.sh: no export in $DIR" >&2; exit 1; }
PY=${TRAIN_PYTHON:-}
[ -n "$PY" ] || for p in /work/venv/bin/python .build/train-venv/bin/python; do [ -x "$p" ] && PY=$p && break; done
[ -n "$PY" ] || { echo "score.sh: set TRAIN_PYTHON to a python with tools/train/requirements.txt" >&2; exit 1; }
ZHNER=.build/release/zhner
[ -x "$ZHNER" ] || swift build -c release --product zhner
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$PY" - "$TMP" <<'PYEOF'
import sys
from tools.train import corpora, train
sets = corpora.dev_sets()
sets["msra_lists"] = train.dev_name_lists(sets["msra"])
sets["msra_traditional"] = corpora.traditional(sets["msra"])
for name, sents in sets.items():
    with open(f"{sys.argv[1]}/{name}.tsv", "w", encoding="utf-8") as f:
        for text, tags in sents:
            f.write("".join(f"{c}\t{t}\n" for c, t in zip(text, tags)) + "\n")
PYEOF
[ -f "$DIR/calibration.txt" ] || "$PY" -m tools.train.calibration "$DIR/calibration.txt"
"$ZHNER" quantize "$DIR/export" "$TMP/int8" --calibration "$DIR/calibration.txt" >/dev/null
for model in "$DIR/export" "$TMP/int8"; do
    [ "$model" = "$DIR/export" ] && echo "=== FP32 ($model)" || echo "=== INT8"
    for set in msra msra_lists cluener weibo resume msra_traditional test; do
        data=$TMP/$set.tsv
        [ "$set" = test ] && data=../shared/data/msra/test.tsv
        printf '%-17s ' "$set"
        "$ZHNER" eval --model "$model" --data "$data" --json | "$PY" -c 'import json, sys
o = json.load(sys.stdin)["overall"]
print("%.4f (%.3f / %.3f)" % (o["f1"], o["precision"], o["recall"]))'
    done
done
