"""Readers for the corpora in /work/shared/data, all mapped onto BIO over PER/LOC/ORG.

Each reader returns a list of (text, tags) with one tag per code point of text.
Mappings follow /work/shared/data/README.md.
"""
import json
import os

DATA_DIR = os.environ.get("ZHNER_DATA", "/work/shared/data")

CLUENER_MAP = {"name": "PER", "address": "LOC", "scene": "LOC",
               "organization": "ORG", "company": "ORG", "government": "ORG"}
WEIBO_MAP = {"PER.NAM": "PER", "LOC.NAM": "LOC", "GPE.NAM": "LOC", "ORG.NAM": "ORG"}
RESUME_MAP = {"NAME": "PER", "LOC": "LOC", "ORG": "ORG"}


def _read_columns(path, split_token):
    """Blank-line separated sentences of `token<sep>tag` lines -> list of (tokens, tags)."""
    sents, toks, tags = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if toks:
                    sents.append((toks, tags))
                toks, tags = [], []
                continue
            tok, tag = split_token(line)
            toks.append(tok)
            tags.append(tag)
    if toks:
        sents.append((toks, tags))
    return sents


def _map_tag(tag, mapping):
    """Map a B-/I- (or BMES) tag through `mapping`; unmapped types become O."""
    if tag == "O":
        return "O"
    prefix, typ = tag.split("-", 1)
    if typ not in mapping:
        return "O"
    return ("B-" if prefix in ("B", "S") else "I-") + mapping[typ]


def _finish(sents, mapping=None):
    out = []
    for toks, tags in sents:
        if mapping is not None:
            tags = [_map_tag(t, mapping) for t in tags]
        # Weibo stores some broken emoji as two U+FFFD per token: give every code point a tag.
        cp_tags = []
        for tok, tag in zip(toks, tags):
            cp_tags.append(tag)
            cp_tags.extend(["O" if tag == "O" else "I-" + tag[2:]] * (len(tok) - 1))
        out.append(("".join(toks), cp_tags))
    return out


def read_msra(split):
    """MSRA `char<TAB>tag`, BIO already over PER/LOC/ORG."""
    path = os.path.join(DATA_DIR, "msra", f"{split}.tsv")
    return _finish(_read_columns(path, lambda l: tuple(l.split("\t"))))


def read_weibo(split):
    """Weibo `<char><seg digit>\\t<tag>`: the trailing digit is word segmentation, not text."""
    path = os.path.join(DATA_DIR, "weibo", f"weiboNER_2nd_conll.{split}")

    def split_token(line):
        tok, tag = line.split("\t")
        return tok[:-1], tag

    return _finish(_read_columns(path, split_token), WEIBO_MAP)


def read_resume(split):
    """Resume `char tag` in BMES; B/S start an entity, M/E continue it."""
    path = os.path.join(DATA_DIR, "resume", f"{split}.char.bmes")
    return _finish(_read_columns(path, lambda l: tuple(l.split(" "))), RESUME_MAP)


def read_cluener():
    """CLUENER JSON lines with inclusive spans; overlaps cannot occur in its annotation."""
    out = []
    with open(os.path.join(DATA_DIR, "cluener", "train.json"), encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            text = rec["text"]
            tags = ["O"] * len(text)
            for typ, ents in rec.get("label", {}).items():
                if typ not in CLUENER_MAP:
                    continue
                for spans in ents.values():
                    for s, e in spans:
                        tags[s] = "B-" + CLUENER_MAP[typ]
                        for k in range(s + 1, e + 1):
                            tags[k] = "I-" + CLUENER_MAP[typ]
            out.append((text, tags))
    return out


def msra_train_dev(dev_fraction=0.05):
    """MSRA train split into train / dev = its last `dev_fraction` of sentences."""
    sents = read_msra("train")
    cut = len(sents) - int(round(len(sents) * dev_fraction))
    return sents[:cut], sents[cut:]


# CLUENER's public dev split has no annotations we can read here, so a fixed dev split is carved from
# train: its last CLUENER_DEV records (the file's order, no shuffling), never trained on.
CLUENER_DEV = 1000


def cluener_train_dev():
    sents = read_cluener()
    return sents[:-CLUENER_DEV], sents[-CLUENER_DEV:]


EXTRA_READERS = {
    "cluener": lambda: cluener_train_dev()[0],
    "weibo": lambda: read_weibo("train"),
    "resume": lambda: read_resume("train"),
}

# Corpus ids for model.domain_embeddings; 0 is the general domain the shipped model uses.
DOMAINS = ("general", "msra", "cluener", "weibo", "resume")


def dev_sets():
    """Every dev split, by corpus name: selection data (SPEC.md, EXPERIMENTS.md session 6)."""
    return {"msra": msra_train_dev()[1], "cluener": cluener_train_dev()[1],
            "weibo": read_weibo("dev"), "resume": read_resume("dev")}


def traditional(sents):
    """The same sentences in Traditional characters (OpenCC s2t, char by char where the converter
    keeps lengths; a sentence whose length changes keeps its Simplified text)."""
    import opencc
    conv = opencc.OpenCC("s2t")
    out = []
    for text, tags in sents:
        t = conv.convert(text)
        out.append((t if len(t) == len(text) else text, tags))
    return out
