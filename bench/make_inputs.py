"""Benchmark inputs from MSRA test (read from ../shared/data, never copied into the repo).

    python bench/make_inputs.py OUT_DIR

Writes OUT_DIR/msra_test.txt (the 4,631 test sentences, one per line) and OUT_DIR/len{32,128,512}.txt:
lines of exactly N-2 characters (N tokens with [CLS] and [SEP]; MSRA text is almost all CJK, one token per
character) cut from the concatenated test text.
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared/data/msra/test.tsv"
TRAIN = ROOT.parent / "shared/data/msra/train.tsv"


def sentences(path=DATA):
    chars = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            if chars:
                yield "".join(chars)
            chars = []
            continue
        chars.append(line.split("\t")[0])
    if chars:
        yield "".join(chars)


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    sents = list(sentences())
    (out / "msra_test.txt").write_text("\n".join(sents) + "\n", encoding="utf-8")
    text = "".join(s for s in sents if all(not c.isspace() for c in s))
    for n in (32, 128, 512):
        width = n - 2
        lines = [text[i:i + width] for i in range(0, len(text) - width, width)][:2000]
        (out / f"len{n}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(sents)} sentences -> {out}")


if __name__ == "__main__":
    main()
