"""Traditional -> Simplified character table (SPEC.md §1): one code point to one code point, so a
model that reads Simplified text reads Traditional text too and every offset stays the caller's.

Built from OpenCC's dictionaries (opencc-python-reimplemented 0.1.7 on PyPI, Apache-2.0; the
tables are OpenCC's, https://github.com/BYVoid/OpenCC):
- TSCharacters.txt, Traditional -> Simplified, first candidate;
- TWVariantsRev.txt / HKVariantsRev.txt, Taiwan and Hong Kong variant forms -> OpenCC's standard
  Traditional form (啟 -> 啓, 裡 -> 裏), then through TSCharacters; only where that standard form
  is itself Traditional (a TSCharacters key): 著 -> 着 is a Taiwan spelling of a Simplified char.
A character that is itself a Simplified character (a key of STCharacters.txt: 著, 乾, 余) is never
mapped, so Simplified text passes through unchanged (checked on every corpus in `check`).

    /work/venv/bin/python -m tools.train.charmap check     # how many chars of each corpus it changes
"""
import os
import sys

PROVENANCE = ("OpenCC character tables TSCharacters, TWVariantsRev, HKVariantsRev (Apache-2.0, "
              "https://github.com/BYVoid/OpenCC) as packaged by opencc-python-reimplemented 0.1.7; "
              "one char to one char, Simplified chars never mapped (tools/train/charmap.py)")


def _read(name):
    """{single char: first single-char candidate} of an OpenCC dictionary file, leaving out a char
    that is one of its own candidates (乾 -> 干 乾: both forms are in Simplified use)."""
    import opencc  # building the table needs it; reading a written one (read()) does not
    out = {}
    with open(os.path.join(os.path.dirname(opencc.__file__), "dictionary", name), encoding="utf-8") as f:
        for line in f:
            key, _, values = line.rstrip("\n").partition("\t")
            candidates = values.split(" ")
            if len(key) == 1 and len(candidates[0]) == 1 and key not in candidates:
                out[key] = candidates[0]
    return out


def build():
    """The table, sorted by code point: [(traditional, simplified)]."""
    ts = _read("TSCharacters.txt")
    simplified = set(_read("STCharacters.txt"))
    table = {t: s for t, s in ts.items() if t != s and t not in simplified}
    for variants in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for v, standard in _read(variants).items():
            s = ts.get(standard)
            if s is not None and v != s and v not in simplified and v not in table:
                table[v] = s
    return sorted(table.items())


def write(path, table):
    """`traditional<TAB>simplified` per line, UTF-8 (the model folder's charmap.txt)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for t, s in table:
            f.write(f"{t}\t{s}\n")


def read(path):
    with open(path, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t") for line in f if line.strip("\n"))


def check():
    from . import corpora
    table = dict(build())
    print(f"{len(table)} entries")
    sets = {"msra train": corpora.read_msra("train"), "msra test": corpora.read_msra("test"),
            "cluener": corpora.read_cluener(), "weibo train": corpora.read_weibo("train"),
            "resume train": corpora.read_resume("train")}
    for name, sents in sets.items():
        chars = [c for t, _ in sents for c in t]
        changed = [c for c in chars if c in table]
        print(f"{name}: {len(changed)} of {len(chars)} chars mapped; most frequent: "
              f"{sorted(set(changed), key=changed.count, reverse=True)[:15]}")


if __name__ == "__main__":
    if sys.argv[1:] == ["check"]:
        check()
