"""Fits a model's score calibration on the dev splits and writes it into the model's config.json.

    /work/venv/bin/python -m tools.calibrate.fit models/default [--zhner .build/release/zhner] [--plot docs/calibration.png]

zhner's raw entity score is the mean of the entity's label probabilities (CRF marginals or softmax).
A confident model puts them near 1 whether or not the entity is right, so the raw score is no
probability a user can threshold. This fits, per entity type, an isotonic (non-decreasing) map from
raw score to the observed rate of exact-match correctness (type, start, end) on the even-numbered
sentences of every dev split (MSRA dev, CLUENER dev split, Weibo dev, Resume dev; each split weighted
equally), and reports expected calibration error (ECE, 10 equal-width bins) before and after on the
odd-numbered sentences, which the fit never saw. The engine applies the map (ScoreCalibration.swift).
"""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np

from tools.train import corpora
from tools.train.metrics import entities

BINS = 10
MAX_POINTS = 48


def tag(zhner, model_dir, texts):
    """Entities [(type, start, end, score)] per text, raw scores (the config without its calibration)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in os.listdir(model_dir):
            if name != "config.json":
                os.symlink(os.path.abspath(os.path.join(model_dir, name)), os.path.join(tmp, name))
        with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        config.pop("score_calibration", None)
        with open(os.path.join(tmp, "config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f, ensure_ascii=False)
        # one text per line: line breaks inside a text would split it
        inp = "".join(t.replace("\n", " ").replace("\r", " ") + "\n" for t in texts)
        out = subprocess.run([zhner, "tag", "--model", tmp], input=inp.encode(), capture_output=True, check=True).stdout
    return [[(e["type"], e["start"], e["end"], e["score"]) for e in json.loads(line)["entities"]]
            for line in out.decode().splitlines()]


def observations(zhner, model_dir, sents):
    """(type, raw score, correct) for every predicted entity of `sents`."""
    found = tag(zhner, model_dir, [t for t, _ in sents])
    out = []
    for (_, tags), ents in zip(sents, found):
        gold = set(entities(tags))
        out += [(t, s, (t, a, b) in gold) for t, a, b, s in ents]
    return out


def pav(x, y, w):
    """Weighted isotonic regression (pool adjacent violators) of y on x: blocks as (mean x, mean y, weight)."""
    order = np.argsort(x, kind="stable")
    blocks = []
    for i in order:
        blocks.append([x[i] * w[i], y[i] * w[i], w[i]])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            for k in range(3):
                blocks[-1][k] += last[k]
    return [(bx / bw, by / bw, bw) for bx, by, bw in blocks]


def curve(x, y, w):
    """The isotonic fit as at most MAX_POINTS (x, y) knots through its blocks' centres."""
    blocks = pav(np.asarray(x), np.asarray(y, dtype=float), np.asarray(w))
    while len(blocks) > MAX_POINTS:  # merge the lightest neighbouring pair; means stay monotone
        k = min(range(len(blocks) - 1), key=lambda i: blocks[i][2] + blocks[i + 1][2])
        (x0, y0, w0), (x1, y1, w1) = blocks[k], blocks[k + 1]
        blocks[k:k + 2] = [((x0 * w0 + x1 * w1) / (w0 + w1), (y0 * w0 + y1 * w1) / (w0 + w1), w0 + w1)]
    return {"x": [round(float(b[0]), 6) for b in blocks], "y": [round(float(b[1]), 6) for b in blocks]}


def apply(cal, typ, s):
    c = cal["types"].get(typ, cal["default"])
    return float(np.interp(s, c["x"], c["y"]))


def ece(scores, correct):
    """Expected calibration error over BINS equal-width bins, and the per-bin (mean score, accuracy, n)."""
    scores, correct = np.asarray(scores), np.asarray(correct, dtype=float)
    if len(scores) == 0:
        return 0.0, []
    idx = np.minimum((scores * BINS).astype(int), BINS - 1)
    total, bins = 0.0, []
    for b in range(BINS):
        m = idx == b
        if m.any():
            total += m.sum() / len(scores) * abs(scores[m].mean() - correct[m].mean())
            bins.append((float(scores[m].mean()), float(correct[m].mean()), int(m.sum())))
    return float(total), bins


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--zhner", default=".build/release/zhner")
    ap.add_argument("--plot", help="write a reliability diagram (PNG) here")
    args = ap.parse_args()
    sets = corpora.dev_sets()
    fit, check = {}, {}
    for name, sents in sets.items():
        fit[name] = observations(args.zhner, args.model, sents[0::2])
        check[name] = observations(args.zhner, args.model, sents[1::2])
    types = sorted({t for obs in fit.values() for t, _, _ in obs})
    x, y, w, t_all = [], [], [], []
    for obs in fit.values():  # each dev split weighs the same, whatever its size
        for t, s, c in obs:
            x.append(s), y.append(c), w.append(1.0 / len(obs)), t_all.append(t)
    cal = {"method": "isotonic", "types": {}, "default": curve(x, y, w),
           "fitted_on": "even-numbered sentences of MSRA dev, CLUENER dev split, Weibo dev, Resume dev "
                        "(tools/calibrate/fit.py)"}
    for typ in types:
        sel = [i for i, t in enumerate(t_all) if t == typ]
        cal["types"][typ] = curve([x[i] for i in sel], [y[i] for i in sel], [w[i] for i in sel])
    report = {}
    for name, obs in check.items():
        raw = [s for _, s, _ in obs]
        cal_s = [apply(cal, t, s) for t, s, _ in obs]
        correct = [c for _, _, c in obs]
        before, bins_before = ece(raw, correct)
        after, bins_after = ece(cal_s, correct)
        report[name] = {"entities": len(obs), "precision": float(np.mean(correct)) if obs else 0.0,
                        "ece_before": round(before, 4), "ece_after": round(after, 4),
                        "bins_before": bins_before, "bins_after": bins_after}
        print(f"{name:8s} {len(obs):6d} entities  precision {report[name]['precision']:.3f}  "
              f"ECE before {before:.4f}  after {after:.4f}")
    path = os.path.join(args.model, "config.json")
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    config["score_calibration"] = cal
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(os.path.join(args.model, "calibration_report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
        f.write("\n")
    if args.plot:
        plot(report, args.plot)


def plot(report, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(report), figsize=(3.2 * len(report), 3.4), sharey=True)
    for ax, (name, r) in zip(axes, report.items()):
        ax.plot([0, 1], [0, 1], color="#999", lw=0.8, ls="--")
        for key, colour, label in (("bins_before", "#d6336c", "raw"), ("bins_after", "#1c7ed6", "calibrated")):
            xs, ys, ns = zip(*r[key]) if r[key] else ((), (), ())
            ax.plot(xs, ys, marker="o", color=colour, label=f"{label} (ECE {r[key.replace('bins', 'ece')]:.3f})")
        ax.set_title(f"{name} dev (held-out half)")
        ax.set_xlabel("score")
        ax.set_xlim(0, 1), ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel("share of entities right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
