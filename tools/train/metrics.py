"""Entity-level exact-match P/R/F1, equal to seqeval's default (conlleval) mode on BIO tags."""
from collections import Counter

TYPES = ("PER", "LOC", "ORG")


def entities(tags):
    """Set of (type, start, end_exclusive). An entity starts at B-X, or at I-X not preceded by
    B-X/I-X (conlleval's lenient rule), and continues over following I-X."""
    out = []
    i, n = 0, len(tags)
    while i < n:
        tag = tags[i]
        if tag == "O":
            i += 1
            continue
        typ = tag[2:]
        j = i + 1
        while j < n and tags[j] == "I-" + typ:
            j += 1
        out.append((typ, i, j))
        i = j
    return out


def score(gold_seqs, pred_seqs):
    """{type or 'overall': {'p','r','f1','support'}} over a corpus of tag sequences."""
    tp, n_gold, n_pred = Counter(), Counter(), Counter()
    for g, p in zip(gold_seqs, pred_seqs):
        ge, pe = set(entities(g)), set(entities(p))
        for e in ge:
            n_gold[e[0]] += 1
        for e in pe:
            n_pred[e[0]] += 1
        for e in ge & pe:
            tp[e[0]] += 1
    res = {}
    for t in list(TYPES) + ["overall"]:
        if t == "overall":
            a, g, p = sum(tp.values()), sum(n_gold.values()), sum(n_pred.values())
        else:
            a, g, p = tp[t], n_gold[t], n_pred[t]
        prec = a / p if p else 0.0
        rec = a / g if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        res[t] = {"p": prec, "r": rec, "f1": f1, "support": g}
    return res


def seqeval_overall_f1(gold_seqs, pred_seqs):
    """seqeval's micro F1, used once per final evaluation to cross-check `score`."""
    from seqeval.metrics import f1_score
    return f1_score(gold_seqs, pred_seqs)


def format_scores(name, res):
    parts = [f"{t} {res[t]['f1']:.4f}" for t in TYPES]
    o = res["overall"]
    return f"{name}: P {o['p']:.4f} R {o['r']:.4f} F1 {o['f1']:.4f} | " + " | ".join(parts)
