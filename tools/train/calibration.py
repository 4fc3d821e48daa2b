"""Writes the calibration text of `zhner quantize --calibration`: the training split's sentences, one
per line (the bigrams and words most frequent in it are the ones folded at load time).

    python -m tools.train.calibration OUT_FILE
"""
import sys

from . import corpora

if __name__ == "__main__":
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write("".join(text + "\n" for text, _ in corpora.msra_train_dev()[0]))
