"""The word lexicon and its SoftLexicon-style B/M/E/S matching (SPEC.md §3).

Every word carries a class (its jieba POS tag: nr/ns/nt/... make it a gazetteer), an integer
weight, and optionally a row in the trainable word-embedding table.
"""
import math

from .normalize import normalize
from .resources import read_jieba_dict

SETS = ("B", "M", "E", "S")


class Lexicon:
    def __init__(self, entries, classes, max_word_len):
        # entries: {word: (class_id, row, weight)}; row -1 = no own embedding
        self.entries = entries
        self.classes = classes
        self.max_word_len = max_word_len

    @classmethod
    def from_jieba(cls, max_word_len):
        """Normalised jieba words up to max_word_len code points.

        Words that collide after normalisation merge: frequencies add, the class comes from the
        most frequent original (first in dict order on ties). Weight = round(ln(1 + freq)), an
        integer so that the Swift side reproduces it exactly.
        """
        merged = {}
        for word, freq, pos in read_jieba_dict():
            w = normalize(word)
            if len(w) > max_word_len or " " in w:
                continue
            if w in merged:
                total, best_freq, best_pos = merged[w]
                merged[w] = (total + freq, max(best_freq, freq), pos if freq > best_freq else best_pos)
            else:
                merged[w] = (freq, freq, pos)
        classes = sorted({pos for _, _, pos in merged.values()})
        class_id = {c: i for i, c in enumerate(classes)}
        entries = {w: (class_id[pos], -1, max(1, round(math.log1p(total))))
                   for w, (total, _, pos) in merged.items()}
        return cls(entries, classes, max_word_len)

    def assign_word_rows(self, texts, min_count):
        """Give an own embedding row to words matched >= min_count times in `texts` (rows in sorted word order)."""
        counts = {}
        for text in texts:
            for _, _, w in self.matches(normalize(text)):
                counts[w] = counts.get(w, 0) + 1
        frequent = sorted(w for w, n in counts.items() if n >= min_count) if min_count > 0 else []
        rows = {w: i for i, w in enumerate(frequent)}
        self.entries = {w: (c, rows.get(w, -1), wt) for w, (c, _, wt) in self.entries.items()}
        return len(frequent)

    @property
    def n_word_rows(self):
        return sum(1 for _, r, _ in self.entries.values() if r >= 0)

    def matches(self, norm_text):
        """All (start, end_exclusive, word) with the word in the lexicon, by start then length."""
        out = []
        n = len(norm_text)
        for i in range(n):
            for k in range(1, min(self.max_word_len, n - i) + 1):
                w = norm_text[i:i + k]
                if w in self.entries:
                    out.append((i, i + k, w))
        return out

    def features(self, norm_text):
        """Flat match list: (position, set, class, row, weight / Z(position)).

        set 0..3 = B, M, E, S. Z(position) sums the weights of all words in all four sets of that
        position (SoftLexicon normalisation), so each position's weights sum to 1.
        """
        items = []
        z = [0] * len(norm_text)
        for s, e, w in self.matches(norm_text):
            c, r, wt = self.entries[w]
            if e - s == 1:
                items.append((s, 3, c, r, wt))
            else:
                items.append((s, 0, c, r, wt))
                items.extend((p, 1, c, r, wt) for p in range(s + 1, e - 1))
                items.append((e - 1, 2, c, r, wt))
            for p in range(s, e):
                z[p] += wt
        return [(p, st, c, r, wt / z[p]) for p, st, c, r, wt in items]

    def write(self, path):
        """lexicon.txt: `word<TAB>class<TAB>row<TAB>weight`, sorted by code points."""
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for w in sorted(self.entries):
                c, r, wt = self.entries[w]
                f.write(f"{w}\t{c}\t{r}\t{wt}\n")
