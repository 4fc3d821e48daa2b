"""Writes a random-initialised BertForTokenClassification with bert-base-chinese's exact shape.

vocab 21128, 12 layers, hidden 768, 12 heads, FFN 3072, 512 positions, 7 BIO labels (PER/LOC/ORG).
No pretrained weights can be had offline; for speed and memory the values do not matter, the shape does.
The vocabulary is the test fixture's (real CJK characters, so MSRA text tokenizes to real ids) padded
with [unusedN] entries to 21128.

    python bench/make_random_bert.py OUT_DIR [--seed 0]
"""
import argparse
import pathlib

import torch
from transformers import BertConfig, BertForTokenClassification

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    vocab = (ROOT / "Tests/NERCoreTests/Fixtures/vocab.txt").read_text(encoding="utf-8").split("\n")
    vocab = [t for t in vocab if t]
    vocab += [f"[unused{i}]" for i in range(21128 - len(vocab))]
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")

    torch.manual_seed(args.seed)
    config = BertConfig(vocab_size=21128, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                        intermediate_size=3072, max_position_embeddings=512, type_vocab_size=2,
                        id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    model = BertForTokenClassification(config).eval()
    model.save_pretrained(out, safe_serialization=True)
    (out / "tokenizer_config.json").write_text('{"do_lower_case": true}\n')
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
