"""Per-corpus conditioning of a model trained with a corpus embedding (SPEC.md §4a).

The exported model folds the general corpus id into layer 0's input bias (export.fold_domain). Each
dev set scores 2–4 points higher when the model is told its own corpus (EXPERIMENTS.md, session 6),
so the folder also carries what it takes to pick a corpus per text:

- `domain.delta` [D, 8H]: what changes in layer 0's gate pre-activations (forward 4H, then backward
  4H, the engine's gate layout) when corpus d replaces the general id; row 0 (general) is zero.
- `domain.detector` [V, D-1] and `domain.detector_bias` [D-1]: a multinomial logistic regression over
  the model's own bigram ids, trained on the training splits. A text's corpus is 1 + the argmax over
  corpora of the bias plus the float32 sum of its left bigrams' rows (position order; ties to the lower
  corpus); a text with fewer than `min_bigrams` known bigrams stays general. EXPERIMENTS.md (session 7)
  has the dev evidence: it beat the naive-Bayes table it replaced by 0.5 mean dev F1 and 1 MSRA point.

    /work/venv/bin/python -m tools.train.domains RUN [EXPORT_DIR]   # adds both (default runs/RUN/export)
    /work/venv/bin/python -m tools.train.domains margins RUN [EXPORT_DIR]   # dev F1 per detector margin
"""
import json
import os
import sys

import numpy as np
import torch
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

from . import charmap, corpora
from .normalize import normalize
from .vocab import bigrams, read_vocab

MIN_BIGRAMS = 4


def delta(state, d_dom):
    """[D, 8H] gate changes per corpus id, from the unfolded training state."""
    emb = state["domain_embeddings.weight"].double()
    rows = []
    for d in range(emb.shape[0]):
        diff = emb[d] - emb[0]
        rows.append(torch.cat([state[f"lstm.weight_ih_l0{s}"][:, -d_dom:].double() @ diff for s in ("", "_reverse")]))
    return torch.stack(rows).float().numpy()


def bigram_ids(text, bigram_id, cmap):
    left, _ = bigrams(normalize(text, cmap))
    return [bigram_id.get(b, 0) for b in left]


# Logistic-regression settings chosen on dev F1 (EXPERIMENTS.md, session 7): the training splits' own
# corpus sizes as priors (no class weights), a light L2 penalty, six passes of Adam.
LR_EPOCHS, LR_RATE, LR_BATCH, LR_L2 = 6, 0.05, 512, 1e-7
# Added to the news corpus's bias: a news sentence read with another corpus's conventions loses more F1
# than a Weibo or CLUENER sentence read as news (dev: MSRA +0.7, mean −0.04 points at 2.0).
NEWS_BIAS = 2.0


def detector(texts_by_corpus, bigram_list, cmap, seed=0):
    """([V, corpora] bigram weights, [corpora] bias); row 0 ([UNK]) stays zero, so unknown bigrams say nothing."""
    bigram_id = {b: i for i, b in enumerate(bigram_list)}
    texts = [torch.tensor(bigram_ids(t, bigram_id, cmap) or [0]) for ts in texts_by_corpus for t in ts]
    gold = torch.tensor([k for k, ts in enumerate(texts_by_corpus) for _ in ts])
    torch.manual_seed(seed)
    weights = torch.nn.EmbeddingBag(len(bigram_list), len(texts_by_corpus), mode="sum", padding_idx=0)
    torch.nn.init.zeros_(weights.weight)
    bias = torch.zeros(len(texts_by_corpus), requires_grad=True)
    opt = torch.optim.Adam([weights.weight, bias], lr=LR_RATE)
    for _ in range(LR_EPOCHS):
        order = torch.randperm(len(texts))
        for start in range(0, len(texts), LR_BATCH):
            batch = order[start:start + LR_BATCH]
            ids = [texts[i] for i in batch]
            offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
            logits = weights(torch.cat(ids), offsets) + bias
            loss = torch.nn.functional.cross_entropy(logits, gold[batch]) + LR_L2 * weights.weight.pow(2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    table = weights.weight.detach().numpy().astype(np.float32)
    table[0] = 0
    b = bias.detach().numpy().astype(np.float32)
    b[0] += NEWS_BIAS
    return table, b


def detect(ids, table, bias, min_bigrams=MIN_BIGRAMS):
    """The corpus id (1…) of a text from its left-bigram ids, or 0 (general); float32 sums in order."""
    return detect_with_margin(ids, table, bias, min_bigrams)[0]


def detect_with_margin(ids, table, bias, min_bigrams=MIN_BIGRAMS):
    """(corpus id, how far its score is ahead of the runner-up's; 0 for general)."""
    if sum(1 for i in ids if i != 0) < min_bigrams:
        return 0, 0.0
    score = bias.copy()
    for i in ids:
        score += table[i]
    best = int(np.argmax(score))
    return 1 + best, float(score[best] - np.partition(score, -2)[-2])


def add_to_export(run_dir, export_dir):
    with open(os.path.join(export_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    state = torch.load(os.path.join(run_dir, "best.pt"))
    d_dom = state["domain_embeddings.weight"].shape[1]
    cmap_file = config["files"].get("charmap")
    cmap = charmap.read(os.path.join(export_dir, cmap_file)) if cmap_file else None
    bigram_list = read_vocab(os.path.join(export_dir, "bigrams.txt"))
    train_texts = [[t for t, _ in corpora.msra_train_dev()[0]]] + \
        [[t for t, _ in corpora.EXTRA_READERS[n]()] for n in corpora.DOMAINS[2:]]
    tensors = load_file(os.path.join(export_dir, "model.safetensors"))
    tensors["domain.delta"] = delta(state, d_dom)
    tensors["domain.detector"], tensors["domain.detector_bias"] = detector(train_texts, bigram_list, cmap)
    save_file(tensors, os.path.join(export_dir, "model.safetensors"), metadata={"format": "pt"})
    config["domains"] = list(corpora.DOMAINS)
    config["domain_min_bigrams"] = MIN_BIGRAMS
    with open(os.path.join(export_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return tensors["domain.detector"], tensors["domain.detector_bias"], bigram_list, cmap


def margins(run_dir, export_dir):
    """Dev F1 per set when the detector's corpus is used only if it leads the runner-up by at least a
    margin (else the general id), for a few margins: the data for choosing one (on dev)."""
    from .export import load
    from .model import ZhNerModel
    from .train import predict
    from .metrics import score
    _, encoder, labels = load(export_dir)
    state = torch.load(os.path.join(run_dir, "best.pt"))
    with open(os.path.join(export_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    cfg = {k: config[k] for k in ("char_dim", "bigram_dim", "lexicon_dim", "hidden_size", "num_layers")}
    cfg.update(dropout=0.0, embed_dropout=0.0, domain_dim=state["domain_embeddings.weight"].shape[1],
               n_domains=state["domain_embeddings.weight"].shape[0])
    model = ZhNerModel(cfg, config["char_vocab_size"], config["bigram_vocab_size"], config["lexicon_num_classes"],
                       config["lexicon_word_rows"], len(labels))
    model.load_state_dict(state)
    model.eval()
    with safe_open(os.path.join(export_dir, "model.safetensors"), "np") as f:
        table, bias = f.get_tensor("domain.detector"), f.get_tensor("domain.detector_bias")
    bigram_id = {b: i for i, b in enumerate(encoder.bigram_list)}
    thresholds = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, float("inf"))
    rows = {}
    for name, sents in corpora.dev_sets().items():
        enc = [encoder.encode(t) for t, _ in sents]
        found = [detect_with_margin(bigram_ids(t, bigram_id, encoder.charmap), table, bias) for t, _ in sents]
        general = predict(model, enc, labels, domain=0)
        told = list(general)
        for d in set(c for c, _ in found) - {0}:
            idx = [i for i, (c, _) in enumerate(found) if c == d]
            for i, p in zip(idx, predict(model, [enc[i] for i in idx], labels, domain=d)):
                told[i] = p
        gold = [tags for _, tags in sents]
        rows[name] = [score(gold, [told[i] if found[i][1] >= t else general[i] for i in range(len(sents))])
                      ["overall"]["f1"] for t in thresholds]
    print("margin   " + " ".join(f"{n:>8s}" for n in rows) + "     mean")
    for k, t in enumerate(thresholds):
        f1s = [rows[n][k] for n in rows]
        print(f"{t:6.1f}   " + " ".join(f"{f:8.4f}" for f in f1s) + f" {sum(f1s) / len(f1s):8.4f}")


def main():
    if sys.argv[1] == "margins":
        run_dir = os.path.join(os.path.dirname(__file__), "runs", sys.argv[2])
        margins(run_dir, sys.argv[3] if len(sys.argv) > 3 else os.path.join(run_dir, "export"))
        return
    run_dir = os.path.join(os.path.dirname(__file__), "runs", sys.argv[1])
    export_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(run_dir, "export")
    table, bias, bigram_list, cmap = add_to_export(run_dir, export_dir)
    bigram_id = {b: i for i, b in enumerate(bigram_list)}
    sets = corpora.dev_sets()
    sets["msra-traditional"] = corpora.traditional(sets["msra"])
    for name, sents in sets.items():
        found = [detect(bigram_ids(t, bigram_id, cmap), table, bias) for t, _ in sents]
        share = np.bincount(found, minlength=len(corpora.DOMAINS)) / len(found)
        print(f"{name}: " + " ".join(f"{d} {s:.3f}" for d, s in zip(corpora.DOMAINS, share)))


if __name__ == "__main__":
    main()
