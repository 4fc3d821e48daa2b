"""Per-code-point text normalisation shared by training, export and the Swift engine (SPEC.md §1).

One input code point always yields exactly one output code point, so model positions map 1:1
onto the caller's code-point offsets.
"""


def normalize_char(c: str, charmap=None) -> str:
    if charmap:                        # Traditional -> Simplified (charmap.py), before the rest
        c = charmap.get(c, c)
    o = ord(c)
    if 0xFF01 <= o <= 0xFF5E:          # full-width ASCII variants -> ASCII
        o -= 0xFEE0
    elif o == 0x3000:                  # ideographic space -> space
        o = 0x20
    if o <= 0x1F or 0x7F <= o <= 0x9F:  # control chars -> space; frees U+0002/U+0003 for BOS/EOS
        o = 0x20
    if 0x41 <= o <= 0x5A:              # ASCII upper -> lower
        o += 0x20
    elif 0x30 <= o <= 0x39:            # all ASCII digits -> '0': digit identity carries no entity signal
        o = 0x30
    return chr(o)


def normalize(text: str, charmap=None) -> str:
    return "".join(normalize_char(c, charmap) for c in text)
