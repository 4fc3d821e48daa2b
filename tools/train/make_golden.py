"""Writes the tiny golden fixture the Swift engine is tested against.

    /work/venv/bin/python -m tools.train.make_golden

A small random instance of the shipped architecture (same layout and options as
configs/default.json, tiny dimensions, ~200-word lexicon) goes to
Tests/NERCoreTests/Fixtures/models/tiny-lstm/, and per-text emissions, Viterbi label ids and
entities go to tiny-lstm.golden.json. Values are computed from the exported folder itself.
"""
import json
import os

import numpy as np
import torch

from . import charmap, domains
from .data import LABELS
from .export import export, load
from .lexicon import Lexicon
from .metrics import entities
from .model import ZhNerModel
from .normalize import normalize
from .spec_reference import Reference
from .vocab import Encoder, build_bigram_vocab, build_char_vocab

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPO, "Tests", "NERCoreTests", "Fixtures", "models")
DEFAULT_CONFIG = os.path.join(os.path.dirname(__file__), "configs", "default.json")

# Training text for the tiny vocabularies; the cases below also use chars outside it ([UNK]).
CORPUS = [
    "中华人民共和国国务院总理李鹏在北京会见了美国国务卿。",
    "北京大学生命科学学院的学生在上海参加比赛。",
    "南京市长江大桥于1968年建成通车。",
    "张三和李四去了广州市天河区的中山大学。",
    "新华社记者报道，联合国秘书长访问了日本东京。",
    "微软公司和ibm公司在纽约发布了新产品。",
    "他在香港中文大学读书，后来去了台湾。",
    "中国人民银行行长周小川出席会议。",
    "欧洲联盟委员会主席来到北京人民大会堂。",
    "王小明是清华大学计算机系的学生。",
]

CASES = [
    "李鹏在北京会见了美国国务卿。",
    "北京大学生命科学学院",
    "南京市长江大桥",
    "中华人民共和国国务院",
    "张三去了广州市天河区的中山大学。",
    "ＩＢＭ公司和Microsoft在纽约",
    "２０２４年3月15日，周小川出席会议",
    "他在香港中文大学读书 后来去了台湾",
    "欧洲联盟委员会\u3000主席",
    "王小明😀是清华大学的学生",
    "鑫龘靐齉",
    "",
    "京",
    "a",
    "   ",
    "Hello, World! 123",
    "联合国秘书长访问日本东京",
    "中国人民银行行长",
    "新华社记者报道\t上海\n广州",
    "café\u0301 在上海",
    "《人民日报》：北京、上海、广州。",
    "北京北京北京北京北京北京北京北京北京北京北京北京",
    "大学生大学生活",
    "长江大桥和南京大学",
    "清华大学计算机系主任王小明教授",
    "１２３ＡＢＣａｂｃ！？",
    "日本东京都知事",
    "国务卿访问中国",
    "中山大学附属医院的李四医生",
    "𠀀𠀁北京",
]


def tiny_lexicon(max_word_len):
    """~200 jieba words built only from corpus chars, many of them overlapping."""
    full = Lexicon.from_jieba(max_word_len)
    text = "".join(normalize(t) for t in CORPUS)
    chars = set(text)
    picked = sorted(w for w in full.entries if all(c in chars for c in w) and (len(w) == 1 or w in text))
    entries = {w: full.entries[w] for w in picked}
    lex = Lexicon(entries, full.classes, max_word_len)
    lex.assign_word_rows(CORPUS, 2)  # some words get an own row, others only their class
    return lex


def check_against_spec(folder, cases):
    """The numpy SPEC.md implementation must reproduce every emission and path."""
    ref = Reference(folder)
    for case in cases:
        if not case["text"]:
            continue
        em = ref.emissions(case["text"])
        worst = float(np.abs(em - np.array(case["emissions"])).max())
        assert worst < 1e-4, (case["text"], worst)
        assert ref.viterbi(em) == case["viterbi"], case["text"]


# Unicode's White_Space property (what Swift's `isWhitespace` reads), for `trim_blank_edges`.
WHITE_SPACE = {*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F,
               0x205F, 0x3000}


def is_blank(c):
    o = ord(c)
    return o in WHITE_SPACE or o < 0x20 or 0x7F <= o <= 0x9F or o in (0xFEFF, 0x200B)


def trim_blank_edges(ents, text):
    """SPEC.md §7: an entity never starts or ends on whitespace, a control character, a BOM or a
    zero-width space; one made only of them is dropped."""
    out = []
    for t, s, e in ents:
        while s < e and is_blank(text[s]):
            s += 1
        while s < e and is_blank(text[e - 1]):
            e -= 1
        if s < e:
            out.append([t, s, e])
    return out


def tiny_model(default, cmap, seed, **extra):
    """(cfg, encoder, randomly initialised model) of the tiny fixture: the default configuration's
    layout with tiny dimensions, BIO labels (LABELS), vocabularies of CORPUS normalised with `cmap`."""
    cfg = dict(default, char_dim=12, bigram_dim=6, lexicon_dim=5, hidden_size=8,
               dropout=0.0, embed_dropout=0.0, label_scheme="BIO", **extra)
    lexicon = tiny_lexicon(default["max_word_len"])
    encoder = Encoder(build_char_vocab(CORPUS, "abcdefghijklmnopqrstuvwxyz0 ,.!?", cmap),
                      build_bigram_vocab(CORPUS, 1, cmap), lexicon, cmap)
    torch.manual_seed(seed)
    model = ZhNerModel(cfg, len(encoder.chars), len(encoder.bigram_list), len(lexicon.classes),
                       lexicon.n_word_rows, len(LABELS))
    with torch.no_grad():
        for name, p in model.named_parameters():
            # large random weights so that emissions and Viterbi paths vary clearly
            std = 0.2 if name in ("classifier.bias", "crf.start_transitions", "crf.end_transitions") else \
                {"classifier": 2.5, "crf": 0.5, "domain_embeddings": 1.5}.get(name.split(".")[0], 0.8)
            p.normal_(0.0, std)
    return cfg, encoder, model


def golden_case(model, encoder, labels, text, corpus=None):
    """The reference's emissions, Viterbi path and entities of one text (told `corpus` if given)."""
    e = encoder.encode(text)
    lex = torch.from_numpy(e["lex"])
    lex_in = ((lex[:, 0] * 4 + lex[:, 1]).long(), lex[:, 2].long(), lex[:, 3].long(), lex[:, 4].float())
    em = model.emissions(torch.from_numpy(e["chars"])[None], torch.from_numpy(e["left"])[None],
                         torch.from_numpy(e["right"])[None], lex_in,
                         None if corpus is None else torch.tensor([corpus]))
    path = model.crf.viterbi(em)[0]
    return {"text": text, "emissions": [[float(v) for v in row] for row in em[0].tolist()],
            "viterbi": path, "entities": trim_blank_edges(entities([labels[i] for i in path]), text)}


def main():
    with open(DEFAULT_CONFIG, encoding="utf-8") as f:
        default = json.load(f)
    cfg, encoder, model = tiny_model(default, None, 20240601, domain_dim=0)
    out_dir = os.path.join(FIXTURES, "tiny-lstm")
    export(model, encoder, cfg, LABELS, out_dir)

    model, encoder, labels = load(out_dir)
    cases = []
    with torch.no_grad():
        for text in CASES:
            if not text:
                cases.append({"text": text, "emissions": [], "viterbi": [], "entities": []})
                continue
            cases.append(golden_case(model, encoder, labels, text))
    check_against_spec(out_dir, cases)
    golden = {"model": "tiny-lstm",
              "note": "written by tools/train/make_golden.py; entities are [type, start, end_exclusive] "
                      "in code points",
              "cases": cases}
    with open(os.path.join(FIXTURES, "tiny-lstm.golden.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
        f.write("\n")


# Traditional texts and informal ones for the corpus-conditioned fixture (tiny-lstm-domains).
DOMAIN_CASES = CASES + [
    "國務院總理李鵬在北京會見了美國國務卿。",
    "張三去了廣州市天河區的中山大學。",
    "哈哈哈@小明 今天在北京吃饭 http://t.cn/abc",
    "王小明，男，汉族，清华大学计算机系毕业，现任中国人民银行行长。",
]


def main_domains():
    """tiny-lstm-domains: the tiny model trained as if with a corpus embedding and the Traditional ->
    Simplified char map (zhner-v2): golden emissions are the unfolded PyTorch model's, told the corpus
    the detector picks for each text (`corpus` in the golden file)."""
    with open(DEFAULT_CONFIG, encoding="utf-8") as f:
        default = json.load(f)
    cmap = dict(charmap.build())
    cfg, encoder, model = tiny_model(default, cmap, 20241207, domain_dim=3, n_domains=5)
    model.eval()
    out_dir = os.path.join(FIXTURES, "tiny-lstm-domains")
    export(model, encoder, cfg, LABELS, out_dir)
    # four "corpora" of the tiny training text, so the detector has something to tell apart
    table, bias = domains.detector([CORPUS[k::4] for k in range(4)], encoder.bigram_list, cmap)
    from safetensors.numpy import load_file, save_file
    tensors = load_file(os.path.join(out_dir, "model.safetensors"))
    tensors["domain.delta"] = domains.delta(model.state_dict(), cfg["domain_dim"])
    tensors["domain.detector"] = table
    tensors["domain.detector_bias"] = bias
    save_file(tensors, os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(out_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    config["domains"] = ["general", "msra", "cluener", "weibo", "resume"]
    config["domain_min_bigrams"] = 2
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    bigram_id = {b: i for i, b in enumerate(encoder.bigram_list)}
    cases = []
    with torch.no_grad():
        for text in DOMAIN_CASES:
            if not text:
                continue
            corpus = domains.detect(domains.bigram_ids(text, bigram_id, cmap), table, bias, min_bigrams=2)
            cases.append({**golden_case(model, encoder, LABELS, text, corpus), "corpus": corpus})
    print("corpora picked:", [c["corpus"] for c in cases])
    golden = {"model": "tiny-lstm-domains",
              "note": "written by tools/train/make_golden.py (main_domains); corpus = the detector's choice",
              "cases": cases}
    with open(os.path.join(FIXTURES, "tiny-lstm-domains.golden.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
    main_domains()
