"""Batching of encoded sentences into padded model inputs."""
import numpy as np
import torch

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
LABEL_ID = {l: i for i, l in enumerate(LABELS)}


def labels_for(scheme):
    """The model's output labels: the corpora's BIO, or BIOES (a span's end and single-character
    spans get labels of their own, so the CRF learns where names stop)."""
    if scheme == "BIO":
        return LABELS
    if scheme == "BIOES":
        return ["O"] + [f"{r}-{t}" for t in ("PER", "LOC", "ORG") for r in "BIES"]
    raise ValueError(f"label_scheme {scheme!r}: BIO or BIOES")


def to_scheme(tags, scheme):
    """BIO tags -> `scheme`, with metrics.entities' segmentation (an I-X not after X starts a span)."""
    if scheme == "BIO":
        return list(tags)
    out = []
    for i, tag in enumerate(tags):
        if tag == "O":
            out.append(tag)
            continue
        typ = tag[2:]
        begins = tag[0] == "B" or i == 0 or tags[i - 1][2:] != typ
        ends = i + 1 == len(tags) or tags[i + 1] != "I-" + typ
        role = ("S" if ends else "B") if begins else ("E" if ends else "I")
        out.append(role + "-" + typ)
    return out


def to_bio(tags):
    """Any of labels_for's schemes -> BIO with the spans conlleval (and zhner's LabelScheme) read:
    E-X and S-X close a span, so an I-X or E-X after them starts a new one."""
    out, prev = [], "O"
    for t in tags:
        if t == "O":
            out.append(t)
        else:
            continues = t[0] in "IE" and prev[0] in "BI" and prev[2:] == t[2:]
            out.append(("I-" if continues else "B-") + t[2:])
        prev = t
    return out


def collate(items, domains=None):
    """items: list of (encoded dict, tag ids or None), all of one length -> dict of tensors;
    domains: a corpus id per item (model.domain_embeddings), or None."""
    T = len(items[0][0]["chars"])
    lex = []
    for b, (e, _) in enumerate(items):
        m = e["lex"].copy()
        m[:, 0] = (b * T + m[:, 0]) * 4 + m[:, 1]  # flat slot index into [B, T, 4]
        lex.append(m)
    lex = np.concatenate(lex)
    out = {k: torch.from_numpy(np.stack([e[k] for e, _ in items])) for k in ("chars", "left", "right")}
    if domains is not None:
        out["domain"] = torch.tensor(domains, dtype=torch.int64)
    if items[0][1] is not None:
        out["tags"] = torch.from_numpy(np.stack([t for _, t in items]))
    out["lex"] = (torch.from_numpy(lex[:, 0].astype(np.int64)), torch.from_numpy(lex[:, 2].astype(np.int64)),
                  torch.from_numpy(lex[:, 3].astype(np.int64)), torch.from_numpy(lex[:, 4].astype(np.float32)))
    return out


def length_batches(lengths, batch_size, rng=None):
    """Batches of sentences of exactly equal length: no padding, so the LSTM runs unpacked
    (the fast fused path) and the reverse direction never sees padding.
    With rng: shuffled within each length and in batch order; without: deterministic order."""
    by_len = {}
    for i, n in enumerate(lengths):
        by_len.setdefault(n, []).append(i)
    batches = []
    for n in sorted(by_len):
        idx = by_len[n]
        if rng is not None:
            idx = [idx[k] for k in rng.permutation(len(idx))]
        batches.extend(idx[k:k + batch_size] for k in range(0, len(idx), batch_size))
    if rng is not None:
        batches = [batches[k] for k in rng.permutation(len(batches))]
    return batches
