"""Fits a model's score calibration on the dev splits and writes it into the model's config.json.

    /work/venv/bin/python -m tools.calibrate.fit models/default [--zhner .build/release/zhner] \
        [--plot docs/calibration.png] [--golden Tests/NERCoreTests/Fixtures/calibration/golden.json]

zhner's raw entity score is the mean of the entity's label probabilities (CRF marginals or softmax).
A confident model puts them near 1 whether or not the entity is right, so the raw score is no
probability a user can threshold. The same raw score also means different things on different text:
0.99 on a Weibo post is right far less often than 0.99 on news. This fits a logistic regression
(method "logistic", version 2; ScoreCalibration.swift computes the same) from what the engine knows
when it scores an entity to whether the entity is exactly right (type, start, end):

- l = min(logit(raw clamped to [1e-6, 1 - 1e-6]), 10) and a flag for logit > 12, where raw is the
  score as zhner prints it (4 decimals; the flag marks the raw scores printed as 1);
- the entity type (one-hot);
- per corpus c of the model's corpus detector (tools/train/domains.py): p_c = softmax(detector
  score / 10) over the text, and l * p_c; all 0 where the detector does not decide;
- the text's ln(length) clamped to [ln 8, ln 256], whether it ends in 。！？!?…, and its share of
  ASCII letters and digits (trailing White_Space left out).

Every dev split (MSRA dev, CLUENER dev split, Weibo dev, Resume dev) weighs the same, whatever its
size. The shipped calibration is fitted on all dev entities. Its expected calibration error (ECE, 10
equal-width bins) is measured by 5-fold cross-fitting: each split's sentences are dealt at random
(seed 0) into 5 folds, the calibration is fitted on 4 folds of every split and scores the 5th, and
the out-of-fold scores of all entities of a split give its ECE, so every dev entity counts and none
is scored by a fit that saw it. The ECE reported is the mean over 5 such fold assignments (seeds
0-4), with their range: one assignment alone moves MSRA's figure by about ±0.005. Next to each ECE: its noise floor, the ECE that outcomes drawn from
a perfectly calibrated model with the same scores show (mean and 95th percentile of 1000 draws).
That floor is the plug-in ECE's upward bias from sampling noise, large on a small set (Weibo dev); so
beside it stand Kumar, Liang & Ma (2019)'s debiased estimate of the L2 calibration error over the same
bins, which subtracts that noise bin by bin, a bootstrap 95% interval of the plug-in (entities resampled), and
per bin a Wilson interval of the share right, to see whether any bin's miss is more than noise.
The per-type isotonic maps fitted before (method "isotonic") are measured the same way for comparison.
"""
import argparse
import json
import math
import os
import subprocess
import tempfile
from statistics import NormalDist

import numpy as np
from safetensors.numpy import load_file

from tools.train import charmap, corpora
from tools.train.metrics import entities
from tools.train.normalize import normalize
from tools.train.vocab import bigrams, read_vocab

BINS = 10
MAX_POINTS = 48
FOLDS = 5
REPEATS = 5  # fold assignments (seeds 0..4): the ECE reported is their mean
SIMULATIONS = 1000
BOOTSTRAPS = 1000
L2 = 3e-3  # on the equal-weight mean log loss; the intercept is not penalised

# The logistic calibration's fixed transforms (written into the config; ScoreCalibration.swift reads them).
EPSILON = 1e-6
LOGIT_CAP = 10.0
SATURATED_LOGIT = 12.0
TEMPERATURE = 10.0
LENGTH_RANGE = (8, 256)
FINAL_PUNCTUATION = "。！？!?…"
# Unicode White_Space, which Swift's `properties.isWhitespace` tests (Python's isspace differs).
WHITE_SPACE = set(map(chr, [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                            0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))


def tag(zhner, model_dir, texts, calibrated=False):
    """Entities [(type, start, end, score)] per text; raw scores (the config without its calibration)
    unless `calibrated`."""
    if calibrated:
        return _tag(zhner, model_dir, texts)
    with tempfile.TemporaryDirectory() as tmp:
        for name in os.listdir(model_dir):
            if name != "config.json":
                os.symlink(os.path.abspath(os.path.join(model_dir, name)), os.path.join(tmp, name))
        with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        config.pop("score_calibration", None)
        with open(os.path.join(tmp, "config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f, ensure_ascii=False)
        return _tag(zhner, tmp, texts)


def _tag(zhner, model_dir, texts):
    # one text per line: line breaks inside a text would split it
    inp = "".join(t + "\n" for t in texts)
    out = subprocess.run([zhner, "tag", "--model", model_dir], input=inp.encode(), capture_output=True, check=True).stdout
    return [[(e["type"], e["start"], e["end"], e["score"]) for e in json.loads(line)["entities"]]
            for line in out.decode().splitlines()]


def one_line(text):
    return text.replace("\n", " ").replace("\r", " ")


class Detector:
    """The model's corpus detector as the engine runs it (CorpusConditioning.scores): float32 sums of
    the bias and the left bigrams' rows in position order; None below `domain_min_bigrams` known bigrams."""

    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
            config = json.load(f)
        self.names = config.get("domains", [])[1:]
        self.ok = bool(self.names)
        if not self.ok:
            return
        files = config["files"]
        self.bigram_id = {b: i for i, b in enumerate(read_vocab(os.path.join(model_dir, files["bigrams"])))}
        self.cmap = charmap.read(os.path.join(model_dir, files["charmap"])) if files.get("charmap") else None
        tensors = load_file(os.path.join(model_dir, files["weights"]))
        self.table = tensors["domain.detector"].astype(np.float32)
        self.bias = tensors["domain.detector_bias"].astype(np.float32)
        self.min_bigrams = config["domain_min_bigrams"]

    def scores(self, text):
        if not self.ok:
            return None
        ids = [self.bigram_id.get(b, 0) for b in bigrams(normalize(text, self.cmap))[0]]
        if sum(1 for i in ids if i) < self.min_bigrams:
            return None
        s = self.bias.copy()
        for i in ids:
            s += self.table[i]
        return [float(v) for v in s]


def context(text, corpus_scores, names, cal):
    """What the logistic calibration reads of a whole text (ScoreCalibration.Logistic.context)."""
    probs = {}
    if corpus_scores is not None and len(corpus_scores) == len(names):
        s = np.array(corpus_scores, dtype=np.float64) / cal["corpus_temperature"]
        e = np.exp(s - s.max())
        probs = dict(zip(names, (e / e.sum()).tolist()))
    n = len(text)
    while n > 0 and text[n - 1] in WHITE_SPACE:
        n -= 1
    lo, hi = cal["length_range"]
    log_length = min(max(math.log(max(n, 1)), math.log(lo)), math.log(hi))
    final = 1.0 if n > 0 and text[n - 1] in cal["final_punctuation"] else 0.0
    latin = sum(1 for c in text[:n] if c.isascii() and c.isalnum()) / max(n, 1)
    return {"corpus": probs, "log_length": log_length, "final_punctuation": final, "latin_share": latin}


def transforms():
    return {"epsilon": EPSILON, "logit_cap": LOGIT_CAP, "saturated_logit": SATURATED_LOGIT,
            "corpus_temperature": TEMPERATURE, "length_range": list(LENGTH_RANGE), "final_punctuation": FINAL_PUNCTUATION}


def logits(raw, cal):
    p = min(max(printed(raw), cal["epsilon"]), 1 - cal["epsilon"])
    z = math.log(p / (1 - p))
    return min(z, cal["logit_cap"]), 1.0 if z > cal["saturated_logit"] else 0.0


def design(obs, types, names, cal):
    """Feature rows in the order of `weight_names`."""
    rows = []
    for o in obs:
        l, sat = logits(o["raw"], cal)
        c = o["context"]
        p = [c["corpus"].get(n, 0.0) for n in names]
        rows.append([1.0, l, sat] + [float(o["type"] == t) for t in types] + p + [l * q for q in p]
                    + [c["log_length"], c["final_punctuation"], c["latin_share"]])
    return np.array(rows)


def fit_logistic(obs, types, names):
    """The calibration (config form) of a weighted, L2-penalised logistic regression (Newton's method)."""
    cal = {"method": "logistic", "version": 2, **transforms()}
    X = design(obs, types, names, cal)
    y = np.array([o["correct"] for o in obs], dtype=float)
    w = np.array([o["weight"] for o in obs])
    w = w / w.sum()
    penalty = L2 * np.eye(X.shape[1])
    penalty[0, 0] = 0
    b = np.zeros(X.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-X @ b))
        step = np.linalg.solve((X * (w * p * (1 - p))[:, None]).T @ X + penalty, X.T @ (w * (p - y)) + penalty @ b)
        b -= step
        if np.abs(step).max() < 1e-12:
            break
    b = [float(v) for v in b]
    k, m = len(types), len(names)
    cal["weights"] = {
        "bias": b[0], "logit": b[1], "saturated": b[2],
        "type": dict(zip(types, b[3:3 + k])),
        "corpus": dict(zip(names, b[3 + k:3 + k + m])),
        "logit_corpus": dict(zip(names, b[3 + k + m:3 + k + 2 * m])),
        "log_length": b[3 + k + 2 * m], "final_punctuation": b[4 + k + 2 * m], "latin_share": b[5 + k + 2 * m],
    }
    return cal


def printed(raw):
    """A score as zhner prints it (JSONWriter.score: 4 decimals, halves away from zero) from its float32
    value; the identity on a score already read from zhner's output."""
    r = float(np.float32(min(max(raw, 0.0), 1.0))) * 10000
    f = math.floor(r)
    return (f + (1 if r - f >= 0.5 else 0)) / 10000


def apply_logistic(cal, typ, raw, ctx):
    """ScoreCalibration.Logistic.callAsFunction, in float64."""
    w = cal["weights"]
    p = min(max(printed(raw), cal["epsilon"]), 1 - cal["epsilon"])
    z = math.log(p / (1 - p))
    l = min(z, cal["logit_cap"])
    x = w["bias"] + w["logit"] * l + (w["saturated"] if z > cal["saturated_logit"] else 0.0) + w["type"].get(typ, 0.0)
    for name, q in ctx["corpus"].items():
        x += w["corpus"].get(name, 0.0) * q + w["logit_corpus"].get(name, 0.0) * l * q
    x += w["log_length"] * ctx["log_length"] + w["final_punctuation"] * ctx["final_punctuation"] \
        + w["latin_share"] * ctx["latin_share"]
    return 1 / (1 + math.exp(-x))


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


def fit_isotonic(obs, types):
    """The earlier method: per type an isotonic map of the raw score alone."""
    x, y, w = [o["raw"] for o in obs], [o["correct"] for o in obs], [o["weight"] for o in obs]
    cal = {"method": "isotonic", "types": {}, "default": curve(x, y, w)}
    for typ in types:
        sel = [i for i, o in enumerate(obs) if o["type"] == typ]
        cal["types"][typ] = curve([x[i] for i in sel], [y[i] for i in sel], [w[i] for i in sel])
    return cal


def apply(cal, o):
    if cal["method"] == "logistic":
        return apply_logistic(cal, o["type"], o["raw"], o["context"])
    c = cal["types"].get(o["type"], cal["default"])
    return float(np.interp(o["raw"], c["x"], c["y"]))


def bins_of(scores, correct):
    """The non-empty ones of BINS equal-width bins: (mean score, accuracy, entities) each."""
    scores, correct = np.asarray(scores, dtype=float), np.asarray(correct, dtype=float)
    idx = np.minimum((scores * BINS).astype(int), BINS - 1)
    n = np.bincount(idx, minlength=BINS)
    s = np.bincount(idx, scores, minlength=BINS)
    y = np.bincount(idx, correct, minlength=BINS)
    return [(float(s[b] / n[b]), float(y[b] / n[b]), int(n[b])) for b in range(BINS) if n[b]]


def ece(scores, correct):
    """Expected calibration error over BINS equal-width bins (the plug-in estimate), and the bins."""
    bins = bins_of(scores, correct)
    total = sum(n for _, _, n in bins)
    return float(sum(n / total * abs(s - y) for s, y, n in bins)) if bins else 0.0, bins


def debiased_ce(scores, correct):
    """Kumar, Liang & Ma (2019)'s debiased estimate of the L2 calibration error over the same bins. A bin's
    squared plug-in gap overstates its true squared gap by the variance of its accuracy, mu(1 - mu) / n,
    in expectation; y(1 - y) / (n - 1) estimates that variance without bias, so subtracting it makes the
    weighted sum unbiased for the binned squared error. Reported as its square root, clipped at 0. A bin of
    one entity has no variance estimate and counts 0, as in their code."""
    bins = bins_of(scores, correct)
    total = sum(n for _, _, n in bins)
    sq = sum(n / total * ((s - y) ** 2 - y * (1 - y) / (n - 1)) for s, y, n in bins if n > 1)
    return math.sqrt(max(sq, 0.0))


ESTIMATORS = {"ece": lambda s, y: ece(s, y)[0], "debiased": debiased_ce}


def noise_floor(scores, rng):
    """Each estimator on outcomes drawn from a perfectly calibrated model with these scores: (mean, 95th
    percentile) over SIMULATIONS draws, the same draws for every estimator."""
    scores = np.asarray(scores)
    draws = [rng.random(len(scores)) < scores for _ in range(SIMULATIONS)]
    return {key: (float(np.mean(v)), float(np.percentile(v, 95)))
            for key, f in ESTIMATORS.items() for v in [[f(scores, d) for d in draws]]}


def bootstrap(scores, correct, rng):
    """The plug-in ECE's 95% percentile interval over BOOTSTRAPS resamples of the entities (with replacement).
    It shows how much the plug-in moves with the sample. A resample's truth is the sample itself, whose
    binned error is the plug-in value, so the interval sits on the plug-in's upward bias and is no interval
    for the true error; for the same reason a bootstrap of the debiased estimate would be centred on the
    plug-in, not on the debiased value, and is left out."""
    scores, correct = np.asarray(scores), np.asarray(correct)
    idx = rng.integers(0, len(scores), (BOOTSTRAPS, len(scores)))
    return [float(v) for v in np.percentile([ece(scores[i], correct[i])[0] for i in idx], [2.5, 97.5])]


def wilson(k, n, z=1.96):
    """Wilson score interval of a binomial share k / n."""
    centre, half = (k + z * z / 2) / (n + z * z), z / (n + z * z) * math.sqrt(k * (n - k) / n + z * z / 4)
    return max(centre - half, 0.0), min(centre + half, 1.0)  # 0 or 1 exactly at k = 0 or n, but for rounding


def reliability(bins):
    """Per bin: mean score, share right, entities, its 95% Wilson interval, and whether that interval leaves
    out the bin's mean score (the diagonal); also each interval at a Bonferroni-corrected level over the
    set's bins, so that a miss there is not one of the ~5% that chance gives among this many bins."""
    z_family = NormalDist().inv_cdf(1 - 0.025 / len(bins))
    rows = []
    for s, y, n in bins:
        k = round(y * n)
        lo, hi = wilson(k, n)
        flo, fhi = wilson(k, n, z_family)
        rows.append({"score": round(s, 4), "right": round(y, 4), "entities": n, "wilson95": [round(lo, 4), round(hi, 4)],
                     "off_diagonal": not lo <= s <= hi, "wilson_family95": [round(flo, 4), round(fhi, 4)],
                     "off_diagonal_family": not flo <= s <= fhi})
    return rows


def observations(zhner, model_dir, sets, detector, cal):
    """Every predicted entity of every dev split: type, raw score, correctness, text context, split,
    its fold under each of the REPEATS fold assignments, weight (1 / entities of its split)."""
    rngs = [np.random.default_rng(seed) for seed in range(REPEATS)]
    out = {}
    for name, sents in sets.items():
        texts = [one_line(t) for t, _ in sents]
        folds = np.empty((REPEATS, len(sents)), dtype=int)
        for r, rng in enumerate(rngs):
            folds[r, rng.permutation(len(sents))] = np.arange(len(sents)) % FOLDS
        rows = []
        for i, ((_, tags), ents) in enumerate(zip(sents, tag(zhner, model_dir, texts))):
            gold = set(entities(tags))
            ctx = context(texts[i], detector.scores(texts[i]), detector.names, cal)
            rows += [{"set": name, "sentence": i, "folds": folds[:, i].tolist(), "type": t, "start": a, "end": b, "raw": s,
                      "correct": (t, a, b) in gold, "context": ctx} for t, a, b, s in ents]
        for r in rows:
            r["weight"] = 1.0 / len(rows)
        out[name] = rows
    return out


def cross_fitted(obs, fit, repeat):
    """Out-of-fold calibrated scores per split under fold assignment `repeat`: fold k is scored by a
    fit on the other folds of every split."""
    pooled = [o for rows in obs.values() for o in rows]
    out = {name: np.zeros(len(rows)) for name, rows in obs.items()}
    for k in range(FOLDS):
        cal = fit([o for o in pooled if o["folds"][repeat] != k])
        for name, rows in obs.items():
            for i, o in enumerate(rows):
                if o["folds"][repeat] == k:
                    out[name][i] = apply(cal, o)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--zhner", default=".build/release/zhner")
    ap.add_argument("--plot", help="write a reliability diagram (PNG) here")
    ap.add_argument("--golden", help="write golden values for the Swift tests (ScoreCalibrationTests) here")
    args = ap.parse_args()
    detector = Detector(args.model)
    obs = observations(args.zhner, args.model, corpora.dev_sets(), detector, transforms())
    pooled = [o for rows in obs.values() for o in rows]
    types = sorted({o["type"] for o in pooled})
    names = detector.names
    logistic_oof = [cross_fitted(obs, lambda train: fit_logistic(train, types, names), r) for r in range(REPEATS)]
    isotonic_oof = [cross_fitted(obs, lambda train: fit_isotonic(train, types), r) for r in range(REPEATS)]
    rng = np.random.default_rng(0)
    resample = np.random.default_rng(2)  # its own stream, so the noise floors stay the draws they were
    report = {"protocol": f"{FOLDS}-fold cross-fitting by sentence over every dev entity, repeated over {REPEATS} "
                          f"random fold assignments (seeds 0-{REPEATS - 1}; ECE: their mean, range: min and max); "
                          f"ECE over {BINS} equal-width bins; debiased: Kumar, Liang & Ma (2019)'s debiased L2 "
                          f"calibration error over the same bins (mean over the fold assignments); noise floor: mean and "
                          f"95th percentile of each estimator on {SIMULATIONS} outcome draws from a perfectly calibrated "
                          f"model with the same scores (fold assignment 0); bootstrap95: 2.5th and 97.5th percentile of "
                          f"the plug-in ECE over {BOOTSTRAPS} resamples of the entities (fold assignment 0); bins and "
                          "reliability (Wilson intervals): fold assignment 0",
              "sets": {}}
    for name, rows in obs.items():
        correct = [o["correct"] for o in rows]
        raw = [o["raw"] for o in rows]
        before, bins_before = ece(raw, correct)
        after = [ece(oof[name], correct)[0] for oof in logistic_oof]
        debiased = [debiased_ce(oof[name], correct) for oof in logistic_oof]
        bins_after = ece(logistic_oof[0][name], correct)[1]
        iso = [ece(oof[name], correct)[0] for oof in isotonic_oof]
        floor = noise_floor(logistic_oof[0][name], rng)
        iso_floor = noise_floor(isotonic_oof[0][name], rng)["ece"][0]
        boot_before, boot_after = bootstrap(raw, correct, resample), bootstrap(logistic_oof[0][name], correct, resample)
        report["sets"][name] = {
            "entities": len(rows), "precision": round(float(np.mean(correct)), 4),
            "mean_score_after": round(float(np.mean(logistic_oof[0][name])), 4),
            "ece_before": round(before, 4), "ece_after": round(float(np.mean(after)), 4),
            "ece_after_range": [round(min(after), 4), round(max(after), 4)],
            "noise_floor_after": round(floor["ece"][0], 4), "noise_floor_after_p95": round(floor["ece"][1], 4),
            "ece_isotonic": round(float(np.mean(iso)), 4), "ece_isotonic_range": [round(min(iso), 4), round(max(iso), 4)],
            "noise_floor_isotonic": round(iso_floor, 4),
            "debiased_before": round(debiased_ce(raw, correct), 4), "debiased_after": round(float(np.mean(debiased)), 4),
            "debiased_after_range": [round(min(debiased), 4), round(max(debiased), 4)],
            "debiased_noise_floor_after": round(floor["debiased"][0], 4),
            "debiased_noise_floor_after_p95": round(floor["debiased"][1], 4),
            "ece_before_bootstrap95": [round(v, 4) for v in boot_before],
            "ece_after_assignment0": round(after[0], 4), "ece_after_bootstrap95": [round(v, 4) for v in boot_after],
            "bins_before": bins_before, "bins_after": bins_after, "reliability_after": reliability(bins_after)}
        r = report["sets"][name]
        print(f"{name:8s} {len(rows):5d} entities  precision {np.mean(correct):.3f}\n"
              f"  raw       ECE {before:.4f} {r['ece_before_bootstrap95']}  debiased {r['debiased_before']:.4f}\n"
              f"  logistic  ECE {np.mean(after):.4f} [{min(after):.4f}-{max(after):.4f}] (assignment 0 {after[0]:.4f}, "
              f"bootstrap {r['ece_after_bootstrap95']}) "
              f"(floor {floor['ece'][0]:.4f}, p95 {floor['ece'][1]:.4f})  debiased {np.mean(debiased):.4f} "
              f"[{min(debiased):.4f}-{max(debiased):.4f}] "
              f"(floor {floor['debiased'][0]:.4f}, p95 {floor['debiased'][1]:.4f})\n"
              f"  isotonic  ECE {np.mean(iso):.4f} [{min(iso):.4f}-{max(iso):.4f}] (floor {iso_floor:.4f})")
        for b in r["reliability_after"]:
            print(f"    score {b['score']:.3f}  right {b['right']:.3f}  n {b['entities']:4d}  Wilson95 {b['wilson95']}"
                  f"{'  OFF' if b['off_diagonal'] else ''}  family95 {b['wilson_family95']}"
                  f"{'  OFF' if b['off_diagonal_family'] else ''}")
    cal = fit_logistic(pooled, types, names)
    cal["fitted_on"] = ("every entity of MSRA dev, CLUENER dev split, Weibo dev, Resume dev, each split weighted "
                        "the same (tools/calibrate/fit.py)")
    path = os.path.join(args.model, "config.json")
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    config["score_calibration"] = cal
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    # The engine must give what this file computes: tag the dev texts with the calibration on and compare.
    diffs = []
    for name, sents in corpora.dev_sets().items():
        texts = [one_line(t) for t, _ in sents]
        by_key = {(o["sentence"], o["type"], o["start"], o["end"]): apply(cal, o) for o in obs[name]}
        for i, ents in enumerate(tag(args.zhner, args.model, texts, calibrated=True)):
            diffs += [abs(s - by_key[(i, t, a, b)]) for t, a, b, s in ents]
    report["engine_max_abs_difference"] = float(max(diffs))
    print(f"engine vs fit.py on {len(diffs)} dev entities: max |difference| {max(diffs):.2e}")
    # zhner prints 4 decimals: a difference up to 0.00005 is rounding
    assert max(diffs) <= 0.6e-4, "the engine computes a different calibrated score"
    with open(os.path.join(args.model, "calibration_report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
        f.write("\n")
    if args.golden:
        golden(args, cal, detector)
    if args.plot:
        plot(report["sets"], args.plot)


# Made-up texts (no corpus text in the repository): news-like, résumé-like, social-media-like, short.
GOLDEN_TEXTS = [
    "新华社北京三月五日电，国务院总理李强在人民大会堂作政府工作报告。",
    "张伟，男，1978年出生，中国国籍，无境外永久居留权，现任华为技术有限公司董事。",
    "今天和@小王 去西湖边吃了杭州酸菜鱼哈哈哈 http://t.cn/abc 太好吃了",
    "王芳说上海明天下雨",
    "Apple CEO Tim Cook 访问北京中关村，会见了清华大学的学生",
    "据路透社报道，联合国秘书长古特雷斯周二抵达日内瓦",
]


def golden(args, cal, detector):
    """Golden values for Tests/NERCoreTests/ScoreCalibrationTests.swift: synthetic feature cases through the
    shipped calibration, and the default model's calibrated entities of made-up texts."""
    rng = np.random.default_rng(1)
    cases = []
    for i in range(24):
        text = GOLDEN_TEXTS[i % len(GOLDEN_TEXTS)] + ("  " if i % 5 == 0 else "")
        scores = None if i % 7 == 3 else [float(np.float32(v)) for v in rng.normal(0, 30, len(detector.names))]
        raw = float(np.float32([0.31, 0.5, 0.77, 0.95, 0.9993, 0.99999994, 1.0][i % 7]))
        typ = (cal["weights"]["type"] and list(cal["weights"]["type"]) + ["MISC"])[i % 4]
        ctx = context(text, scores, detector.names, cal)
        cases.append({"type": typ, "raw": raw, "text": text, "corpus_scores": scores,
                      "expected": apply_logistic(cal, typ, raw, ctx)})
    raw_ents = tag(args.zhner, args.model, GOLDEN_TEXTS)
    texts = []
    for text, ents in zip(GOLDEN_TEXTS, raw_ents):
        ctx = context(text, detector.scores(text), detector.names, cal)
        texts.append({"text": text, "entities": [{"type": t, "start": a, "end": b, "raw": s,
                                                   "score": apply_logistic(cal, t, s, ctx)} for t, a, b, s in ents]})
    os.makedirs(os.path.dirname(args.golden), exist_ok=True)
    with open(args.golden, "w", encoding="utf-8") as f:
        json.dump({"note": "written by tools/calibrate/fit.py --golden; the default model's calibration",
                   "corpus_names": detector.names, "score_calibration": cal, "cases": cases, "default_model": texts},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")


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
            ax.scatter(xs, ys, s=[4 + 60 * n / r["entities"] for n in ns], color=colour)  # dot area ~ entities in the bin
        # a bin whose interval reaches the diagonal is consistent with calibration, however far off its point is
        lo, hi = np.array([b["wilson95"] for b in r["reliability_after"]]).T
        ys = np.array([b["right"] for b in r["reliability_after"]])
        ax.errorbar([b["score"] for b in r["reliability_after"]], ys, yerr=[ys - lo, hi - ys], fmt="none",
                    ecolor="#1c7ed6", elinewidth=0.8, capsize=2)
        ax.set_title(f"{name} dev ({r['entities']} entities, out-of-fold)", fontsize=9)
        ax.set_xlabel("score")
        ax.set_xlim(0, 1), ax.set_ylim(0, 1)
        # under the axes: inside, the box hides bins
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.24), title=f"calibrated: mean of {REPEATS} fold assignments, debiased {r['debiased_after']:.3f};\n"
                  f"points: assignment 0, bars: 95% Wilson; noise floor {r['noise_floor_after']:.3f}",
                  title_fontsize=6)
    axes[0].set_ylabel("share of entities right")
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    main()
