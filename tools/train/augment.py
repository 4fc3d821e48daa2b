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


# Informal text (issue 14): the things social media and web text put next to names, none of them an
# entity. Inserted as O between tokens (never inside an entity) so the model learns they are not names
# and that a name next to them still starts and ends where it does ("CEO库克" -> 库克).
LATIN_WORDS = ("CEO", "CTO", "VP", "Dr", "iPhone", "app", "APP", "vlog", "wifi", "OK", "ok", "PK", "DIY",
               "KTV", "VIP", "Mr", "Ms", "App Store", "U盘", "PPT", "NBA", "hhh", "lol", "cp", "get", "high")
LAUGHS = ("哈哈", "哈哈哈", "哈哈哈哈", "呵呵", "嘻嘻", "嘿嘿", "2333", "hhhh", "hahaha", "啊啊啊", "嗯嗯", "呜呜")
EMOJI = [chr(c) for c in list(range(0x1F600, 0x1F64F)) + list(range(0x1F300, 0x1F3F0)) + [0x2764, 0x2B50, 0x1F44D]]
BRACKETS = ("[哈哈]", "[嘻嘻]", "[爱你]", "[泪]", "[赞]", "[doge]", "[酷]", "[偷笑]")
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _word(rng, alphabet=ALNUM, lo=3, hi=10):
    return "".join(alphabet[int(k)] for k in rng.integers(len(alphabet), size=int(rng.integers(lo, hi + 1))))


def informal_token(rng):
    """One non-entity token of informal text: a URL, e-mail, @mention, #topic#, emoji run, laughter,
    a Weibo bracket emoticon, or a Latin word, sometimes in full-width form."""
    kind = int(rng.integers(9))
    if kind == 0:
        tok = rng.choice(["http://t.cn/", "https://t.cn/", "http://www.", "https://m.", "www."]) + _word(rng, lo=5, hi=8)
        if not tok.endswith("/") and "t.cn" not in tok:
            tok += rng.choice([".com", ".cn", ".com.cn", ".net"]) + rng.choice(["", "/", "/p/" + _word(rng)])
    elif kind == 1:
        tok = _word(rng) + "@" + _word(rng, lo=2, hi=6) + rng.choice([".com", ".cn", ".net"])
    elif kind == 2:
        tok = "@" + _word(rng, lo=4, hi=12) + rng.choice(["", " ", "："])
    elif kind == 3:
        tok = "#" + rng.choice(["今日话题", "热门", "晒美食", "每日一善", "抽奖", "周末去哪儿", "vlog日常"]) + "#"
    elif kind == 4:
        tok = "".join(rng.choice(EMOJI) for _ in range(int(rng.integers(1, 4))))
    elif kind == 5:
        tok = str(rng.choice(LAUGHS))
    elif kind == 6:
        tok = str(rng.choice(BRACKETS))
    else:
        tok = str(rng.choice(LATIN_WORDS))
    if rng.random() < 0.1:  # full-width variants of the ASCII part
        tok = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in tok)
    return str(tok)


def add_informal(text, tags, rng, max_tokens=2, before_name=0.3):
    """`text` with 1..max_tokens informal tokens inserted at token boundaries outside entities (one
    directly before a PER with probability `before_name`), tags O; (text, tags)."""
    text, tags = list(text), list(tags)
    for _ in range(int(rng.integers(1, max_tokens + 1))):
        starts = [i for i, t in enumerate(tags) if t.startswith("B-PER")]
        if starts and rng.random() < before_name:
            pos = starts[int(rng.integers(len(starts)))]
        else:
            # not inside an entity, nor inside a token inserted before ("N" until the end)
            free = [i for i in range(len(tags) + 1) if i == len(tags) or not (
                tags[i].startswith("I-") or (tags[i] == "N" and i > 0 and tags[i - 1] == "N"))]
            pos = free[int(rng.integers(len(free)))]
        tok = informal_token(rng)
        text[pos:pos] = list(tok)
        tags[pos:pos] = ["N"] * len(tok)
    return "".join(text), ["O" if t == "N" else t for t in tags]
