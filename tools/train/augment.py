"""Synthetic name lists: training sentences that list person names with nothing between them.

People's Daily prints member lists (a congress's delegates, a committee) as names run together,
"江泽民李鹏乔石…", sometimes with "（女）" after a name. MSRA train has almost none of them (220
name-to-name boundaries in 74,703 entities), so a model trained on it merges neighbours into one
long PER ("孙维本苏晓云"). These sentences teach where one name stops and the next starts; they are
built from the PER entities of the sentences passed in (the training split), never from dev or test.
"""
import re

from .metrics import entities

FEMALE = "（女）"
# Han characters and the interpunct of transliterated names ("阿沛·阿旺晋美")
HAN_NAME = re.compile(r"[\u3400-\u9fff·]+")


def person_names(sents, han_only=False):
    """The distinct PER entities of `sents` that can stand alone in a list: two characters or more
    (single characters are abbreviations, "马列"), sorted so a seed gives the same lists everywhere.
    han_only keeps Han names only: rosters with Latin names ("PeterShor") teach the model that runs of
    Latin letters ("http", "t.cn") are people."""
    names = {text[s:e] for text, tags in sents for typ, s, e in entities(tags) if typ == "PER"}
    return sorted(n for n in names if len(n) >= 2 and (not han_only or HAN_NAME.fullmatch(n)))


def name_lists(names, count, rng, min_names=2, max_names=12, female_rate=0.1):
    """`count` sentences of `min_names`…`max_names` names drawn from `names`, each name followed by
    "（女）" with probability `female_rate`, as (text, BIO tags)."""
    out = []
    for _ in range(count):
        text, tags = [], []
        for k in rng.integers(len(names), size=int(rng.integers(min_names, max_names + 1))):
            name = names[k]
            text.append(name)
            tags += ["B-PER"] + ["I-PER"] * (len(name) - 1)
            if rng.random() < female_rate:
                text.append(FEMALE)
                tags += ["O"] * len(FEMALE)
        out.append(("".join(text), tags))
    return out
