"""Char and bigram vocabularies (SPEC.md §2) and per-sentence encoding into model inputs."""
from collections import Counter

import numpy as np

from .normalize import normalize

UNK = "[UNK]"
BOS = "\x02"  # normalisation maps every control char to space, so these never occur in text
EOS = "\x03"


def bigrams(norm_text):
    """Left bigram of position i = c[i-1]c[i], right = c[i]c[i+1], with BOS/EOS at the edges."""
    padded = BOS + norm_text + EOS
    left = [padded[i:i + 2] for i in range(len(norm_text))]
    right = [padded[i + 1:i + 3] for i in range(len(norm_text))]
    return left, right


def build_char_vocab(texts, extra_chars, charmap=None):
    """[UNK] then every char of the (normalised) training texts or `extra_chars`, in code-point order."""
    chars = {c for t in texts for c in normalize(t, charmap)} | {normalize(c, charmap) for c in extra_chars}
    return [UNK] + sorted(chars)


def build_bigram_vocab(texts, min_count, charmap=None):
    counts = Counter()
    for t in texts:
        left, right = bigrams(normalize(t, charmap))
        counts.update(left)
        counts[right[-1]] += 1  # the EOS bigram; every other right bigram is someone's left bigram
    return [UNK] + sorted(b for b, n in counts.items() if n >= min_count)


def write_vocab(path, items):
    """One entry per line, written verbatim (entries may be or contain a space: never trim)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for it in items:
            f.write(it + "\n")


def read_vocab(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        return f.read().split("\n")[:-1]


class Encoder:
    """Turns a raw str into the integer/float inputs of the model."""

    def __init__(self, chars, bigram_list, lexicon, charmap=None):
        self.charmap = charmap or {}
        self.chars = chars
        self.bigram_list = bigram_list
        self.char_id = {c: i for i, c in enumerate(chars)}
        self.bigram_id = {b: i for i, b in enumerate(bigram_list)}
        self.lexicon = lexicon

    def encode(self, text):
        norm = normalize(text, self.charmap)
        left, right = bigrams(norm)
        feats = self.lexicon.features(norm)
        lex = np.array(feats, dtype=np.float64).reshape(-1, 5)
        return {
            "chars": np.array([self.char_id.get(c, 0) for c in norm], dtype=np.int64),
            "left": np.array([self.bigram_id.get(b, 0) for b in left], dtype=np.int64),
            "right": np.array([self.bigram_id.get(b, 0) for b in right], dtype=np.int64),
            # columns: position, set (B,M,E,S), class, word row (-1 none), normalised weight
            "lex": lex,
        }
