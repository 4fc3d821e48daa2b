"""Trains, evaluates and exports a zhner-bilstm-crf model.

    /work/venv/bin/python -m tools.train.train --config tools/train/configs/default.json

Run from the repo root. Writes tools/train/runs/<name>/{train.log,last.pt,best.pt,export/};
re-running the same command resumes from last.pt.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

from . import augment, charmap, corpora
from .data import collate, labels_for, length_batches, to_bio, to_scheme
from .export import export, load
from .lexicon import Lexicon
from .metrics import format_scores, score, seqeval_overall_f1
from .model import ZhNerModel
from .resources import read_lac_char_embeddings
from .vocab import Encoder, build_bigram_vocab, build_char_vocab

RUNS = os.path.join(os.path.dirname(__file__), "runs")


class Log:
    def __init__(self, path):
        self.f = open(path, "a", encoding="utf-8")

    def __call__(self, msg):
        line = f"[{time.strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)
        self.f.write(line + "\n")
        self.f.flush()


def build_encoder(cfg, train_texts):
    lexicon = Lexicon.from_jieba(cfg["max_word_len"])
    lexicon.assign_word_rows(train_texts, cfg["word_min_count"])
    lac_vocab, lac_emb = read_lac_char_embeddings()
    cmap = dict(charmap.build()) if cfg.get("charmap") else None
    chars = build_char_vocab(train_texts, lac_vocab, cmap)
    bigram_list = build_bigram_vocab(train_texts, cfg["bigram_min_count"], cmap)
    return Encoder(chars, bigram_list, lexicon, cmap), lac_vocab, lac_emb


def init_char_embeddings(model, encoder, lac_vocab, lac_emb, gen):
    """LAC rows where the char has one; others (and [UNK]) random with LAC's scale."""
    std = float(lac_emb[list(lac_vocab.values())].std())
    w = torch.randn(len(encoder.chars), lac_emb.shape[1], generator=gen) * std
    for i, c in enumerate(encoder.chars):
        if c in lac_vocab:
            w[i] = torch.tensor(lac_emb[lac_vocab[c]])
    model.char_embeddings.weight.data.copy_(w)


@torch.no_grad()
def predict(model, encoded, labels, batch_size=128, domain=0):
    """BIO tags, whatever scheme the model's `labels` use; `domain`: the corpus id the model is told."""
    model.eval()
    out = [[] for _ in encoded]  # empty sentences stay empty
    lengths = [len(e["chars"]) for e in encoded]
    for idx in length_batches(lengths, batch_size):
        if lengths[idx[0]] == 0:
            continue
        b = collate([(encoded[i], None) for i in idx], [domain] * len(idx))
        em = model.emissions(b["chars"], b["left"], b["right"], b["lex"], b["domain"])
        for i, path in zip(idx, model.crf.viterbi(em)):
            out[i] = to_bio([labels[t] for t in path])
    return out


def evaluate(model, encoder, labels, sents, domain=0):
    enc = [encoder.encode(t) for t, _ in sents]
    gold = [tags for _, tags in sents]
    pred = predict(model, enc, labels, domain=domain)
    return score(gold, pred), gold, pred


def domain_id(name):
    return corpora.DOMAINS.index(name)


def evaluate_dev_sets(log, model, encoder, labels, dev_sets, cfg):
    """F1 of every dev set with the general domain (what ships), and with its own corpus id when the
    model has domain embeddings; the selection score of SELECTION (EXPERIMENTS.md, session 6)."""
    general = {}
    for name, sents in dev_sets.items():
        general[name] = evaluate(model, encoder, labels, sents)[0]["overall"]["f1"]
    line = " ".join(f"{n} {f:.4f}" for n, f in general.items())
    if model.domain_embeddings is not None:
        own = {n: evaluate(model, encoder, labels, s, domain_id(n.split("-")[0]))[0]["overall"]["f1"]
               for n, s in dev_sets.items() if n.split("-")[0] in corpora.DOMAINS}
        line += " | own domain: " + " ".join(f"{n} {f:.4f}" for n, f in own.items())
    selection = general["msra"] if cfg.get("selection", "msra") == "msra" else \
        sum(general[n] for n in ("msra", "cluener", "weibo", "resume")) / 4
    log(f"  dev F1 (general domain): {line} | selection {selection:.4f}")
    return selection


# tables with sparse gradients need SparseAdam; dense Adam over 140k bigram rows would halve speed
SPARSE_PARAMS = {"char_embeddings.weight", "bigram_embeddings.weight", "lexicon_word_embeddings.weight"}


def epoch_lr(cfg, epoch):
    """The learning rate of a (0-based) epoch: lr / (1 + lr_decay·epoch), or with "lr_schedule":
    "cosine" a half cosine from lr down to lr_min at the last epoch, so the run ends annealed
    whatever its length (the 1/(1 + d·epoch) runs were still at 0.6·lr when stopped)."""
    if cfg.get("lr_schedule") == "cosine":
        last = max(cfg["epochs"] - 1, 1)
        return cfg["lr_min"] + (cfg["lr"] - cfg["lr_min"]) * 0.5 * (1 + math.cos(math.pi * min(epoch, last) / last))
    return cfg["lr"] / (1 + cfg["lr_decay"] * epoch)


def make_optimizers(model, cfg):
    sparse = [p for n, p in model.named_parameters() if n in SPARSE_PARAMS]
    dense = [p for n, p in model.named_parameters() if n not in SPARSE_PARAMS]
    return (torch.optim.Adam(dense, lr=cfg["lr"]), torch.optim.SparseAdam(sparse, lr=cfg["lr"])), dense


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--export-only", metavar="DIR",
                    help="train nothing: export the run's best.pt so far to DIR (a look at a run still training)")
    args = ap.parse_args()
    with open(args.config, encoding="utf-8") as f:
        cfg = json.load(f)
    run_dir = os.path.join(RUNS, cfg["name"])
    os.makedirs(run_dir, exist_ok=True)
    log = Log(os.path.join(run_dir, "export-only.log" if args.export_only else "train.log"))
    torch.set_num_threads(cfg["threads"])
    log(f"config {json.dumps(cfg)}")

    train, dev = corpora.msra_train_dev()
    if cfg.get("train_limit"):  # short experiments: first N MSRA sentences (extra corpora stay whole)
        train = train[:cfg["train_limit"]]
    domains = [domain_id("msra")] * len(train)
    for name in cfg["extra_corpora"]:
        extra = corpora.EXTRA_READERS[name]() * cfg.get("corpus_repeat", {}).get(name, 1)
        log(f"extra corpus {name}: {len(extra)} sentences")
        train = train + extra
        domains += [domain_id(name)] * len(extra)
    domains = np.array(domains)
    # every dev split (and MSRA dev in Traditional characters) is scored each epoch when the config
    # trains on several corpora; MSRA-only runs keep their MSRA dev score alone, as before
    dev_sets = {}
    if cfg.get("selection") == "mean_dev":
        dev_sets = corpora.dev_sets()
        dev_sets["msra-traditional"] = corpora.traditional(dev_sets["msra"])
    train_texts = [t for t, _ in train]
    encoder, lac_vocab, lac_emb = build_encoder(cfg, train_texts)
    lex = encoder.lexicon
    log(f"train {len(train)} dev {len(dev)} | chars {len(encoder.chars)} bigrams {len(encoder.bigram_list)} "
        f"lexicon {len(lex.entries)} classes {len(lex.classes)} word rows {lex.n_word_rows}")
    train_enc = [encoder.encode(t) for t in train_texts]
    scheme = cfg.get("label_scheme", "BIO")
    labels = labels_for(scheme)
    label_id = {l: i for i, l in enumerate(labels)}

    def tag_ids(tags):
        return np.array([label_id[x] for x in to_scheme(tags, scheme)], np.int64)

    train_tags = [tag_ids(tags) for _, tags in train]
    # built after the vocabularies, so the lists' name-to-name bigrams never become bigram rows
    names = augment.person_names(train, cfg.get("name_lists_han_only", False)) if cfg.get("name_lists") else []
    if names:
        log(f"name lists: {cfg['name_lists']} per epoch from {len(names)} training names")
    dev_lists = dev_name_lists(dev)

    gen = torch.Generator().manual_seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    cfg["n_domains"] = len(corpora.DOMAINS)
    model = ZhNerModel(cfg, len(encoder.chars), len(encoder.bigram_list), len(lex.classes),
                       lex.n_word_rows, len(labels))
    init_char_embeddings(model, encoder, lac_vocab, lac_emb, gen)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"parameters {n_params:,}")
    opts, dense = make_optimizers(model, cfg)

    start_epoch, best_f1, history = 0, -1.0, []
    last_path, best_path = os.path.join(run_dir, "last.pt"), os.path.join(run_dir, "best.pt")
    if os.path.exists(last_path):
        ck = torch.load(last_path, weights_only=False)
        model.load_state_dict(ck["model"])
        for o, s in zip(opts, ck["opts"]):
            o.load_state_dict(s)
        start_epoch, best_f1, history = ck["epoch"], ck["best_f1"], ck["history"]
        log(f"resumed after epoch {start_epoch}, best dev F1 {best_f1:.4f}")

    t_start = time.time()
    for epoch in range(start_epoch, start_epoch if args.export_only else cfg["epochs"]):
        # per-epoch seeds: batch order and dropout are the same whether or not the run was resumed
        rng = np.random.default_rng(cfg["seed"] + epoch)
        torch.manual_seed(cfg["seed"] + 1000 + epoch)
        lr = epoch_lr(cfg, epoch)
        for o in opts:
            for g in o.param_groups:
                g["lr"] = lr
        model.train()
        t0, seen, total_loss = time.time(), 0, 0.0
        enc, tag_seqs, doms = list(train_enc), list(train_tags), domains
        if cfg.get("informal_rate"):  # a fresh share of sentences gets informal tokens each epoch
            noise_rng = np.random.default_rng(cfg["seed"] + 3000 + epoch)
            for i in np.flatnonzero(noise_rng.random(len(train)) < cfg["informal_rate"]):
                text, tags = augment.add_informal(train[i][0], train[i][1], noise_rng)
                enc[i], tag_seqs[i] = encoder.encode(text), tag_ids(tags)
        if names:  # fresh lists each epoch, seeded by epoch like the batch order
            extra = augment.name_lists(names, cfg["name_lists"], np.random.default_rng(cfg["seed"] + 2000 + epoch))
            enc = enc + [encoder.encode(t) for t, _ in extra]
            tag_seqs = tag_seqs + [tag_ids(tags) for _, tags in extra]
            doms = np.concatenate([doms, np.full(len(extra), domain_id("msra"))])
        # domain dropout: a share of sentences is shown as "general", so the general id (what ships)
        # learns the whole mixture while the corpus ids keep each corpus's conventions
        drop_rng = np.random.default_rng(cfg["seed"] + 4000 + epoch)
        doms = np.where(drop_rng.random(len(doms)) < cfg.get("domain_dropout", 1.0), 0, doms)
        for idx in length_batches([len(e["chars"]) for e in enc], cfg["batch_size"], rng):
            b = collate([(enc[i], tag_seqs[i]) for i in idx], [int(doms[i]) for i in idx])
            em = model.emissions(b["chars"], b["left"], b["right"], b["lex"], b["domain"])
            loss = model.crf.neg_log_likelihood(em, b["tags"]) / len(idx)
            for o in opts:
                o.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(dense, cfg["clip"])
            for o in opts:
                o.step()
            seen += len(idx)
            total_loss += loss.item() * len(idx)
        minutes = (time.time() - t0) / 60
        res, _, _ = evaluate(model, encoder, labels, dev)
        f1 = res["overall"]["f1"]
        lists_f1 = evaluate(model, encoder, labels, dev_lists)[0]["overall"]["f1"]
        log(f"epoch {epoch + 1} lr {lr:.5f} loss {total_loss / seen:.3f} {seen / (minutes * 60):.0f} sent/s "
            f"{minutes:.1f} min | " + format_scores("dev", res) + f" | dev name lists F1 {lists_f1:.4f}")
        if dev_sets:
            f1 = evaluate_dev_sets(log, model, encoder, labels, dev_sets, cfg)
        history.append({"epoch": epoch + 1, "loss": total_loss / seen, "dev_f1": f1, "minutes": minutes})
        if f1 > best_f1:
            best_f1 = f1
            torch.save(model.state_dict(), best_path)
        torch.save({"model": model.state_dict(), "opts": [o.state_dict() for o in opts], "epoch": epoch + 1,
                    "best_f1": best_f1, "history": history}, last_path)
        if epoch + 1 > cfg["epochs"] - cfg.get("average_last", 0):
            torch.save(model.state_dict(), os.path.join(run_dir, f"epoch{epoch + 1}.pt"))
        # safety net for a slower machine: stop before an epoch that would end past the budget
        elapsed = (time.time() - t_start) / 60
        if cfg.get("max_minutes") and epoch + 1 < cfg["epochs"] and elapsed + minutes + 0.5 > cfg["max_minutes"]:
            log(f"time budget of {cfg['max_minutes']} min reached after epoch {epoch + 1}")
            break

    if cfg.get("average_last") and not args.export_only:
        best_f1 = try_weight_average(log, model, encoder, labels, dev, cfg, run_dir, best_f1, best_path)
    model.load_state_dict(torch.load(best_path))
    export_dir = args.export_only or os.path.join(run_dir, "export")
    export(model, encoder, cfg, labels, export_dir)
    log(f"exported {export_dir}")
    # a look at a run in progress never reads the test set
    final_eval(log, export_dir, cfg.get("eval_test", True) and not args.export_only, cfg)


def try_weight_average(log, model, encoder, labels, dev, cfg, run_dir, best_f1, best_path):
    """Averages the weights saved after the last epochs (annealed rate, so they sit in one basin) and keeps
    the average as best.pt when its dev F1 beats every single epoch: it smooths the epoch-to-epoch noise."""
    epochs = [e for e in range(cfg["epochs"] - cfg["average_last"] + 1, cfg["epochs"] + 1)
              if os.path.exists(os.path.join(run_dir, f"epoch{e}.pt"))]
    paths = [os.path.join(run_dir, f"epoch{e}.pt") for e in epochs]
    if len(paths) < 2:
        return best_f1
    states = [torch.load(p) for p in paths]
    avg = {k: sum(s[k].double() for s in states).div(len(states)).to(v.dtype) if v.is_floating_point() else v
           for k, v in states[-1].items()}
    model.load_state_dict(avg)
    res, _, _ = evaluate(model, encoder, labels, dev)
    f1 = res["overall"]["f1"]
    log(f"weight average of epochs {', '.join(map(str, epochs))}: " + format_scores("dev", res))
    if f1 > best_f1:
        torch.save(avg, best_path)
        log(f"exporting the weight average (dev F1 {f1:.4f} > {best_f1:.4f})")
        return f1
    return best_f1


def dev_name_lists(dev):
    """300 name lists from dev's own names: how well a model splits names run together, measured
    without the test set (MSRA dev has almost no such lists)."""
    return augment.name_lists(augment.person_names(dev), 300, np.random.default_rng(0))


def final_eval(log, export_dir, with_test, cfg):
    """Scores the exported folder itself, so the numbers are those of what ships."""
    model, encoder, labels = load(export_dir)
    if cfg.get("selection") == "mean_dev":
        sets = corpora.dev_sets()
        sets["msra-traditional"] = corpora.traditional(sets["msra"])
        evaluate_dev_sets(log, model, encoder, labels, sets, cfg)
    dev = corpora.msra_train_dev()[1]
    res, _, _ = evaluate(model, encoder, labels, dev)
    log(format_scores("MSRA dev (best)", res))
    if with_test:
        res, gold, pred = evaluate(model, encoder, labels, corpora.read_msra("test"))
        log(format_scores("MSRA test", res))
        s = seqeval_overall_f1(gold, pred)
        log(f"seqeval cross-check on MSRA test: {s:.6f} vs {res['overall']['f1']:.6f}")
        assert abs(s - res["overall"]["f1"]) < 1e-9
    dev_sets = (("MSRA dev name lists", dev_name_lists(dev)),
                ("Weibo dev", corpora.read_weibo("dev")), ("Resume dev", corpora.read_resume("dev")))
    for name, sents in dev_sets:
        res, _, _ = evaluate(model, encoder, labels, sents)
        log(format_scores(name, res))


if __name__ == "__main__":
    main()
