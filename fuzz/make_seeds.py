#!/usr/bin/env python3
"""Writes the seed corpora (fuzz/corpus/<target>/) the fuzz targets start from.

Each seed is a small input in the target's own format (see the byte layout at the top of each
target's source). Run once after changing a target's format; the corpora are committed so CI and
anyone replaying start from the same place. Stdlib only.
"""
import hashlib
import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent
REPO = ROOT.parent

TEXTS = [
    "国务院总理李强在北京会见了联合国秘书长古特雷斯。",
    "华为技术有限公司总部位于广东省深圳市龙岗区。",
    "据新华社报道，张伟与王芳昨日抵达上海浦东国际机场，随后前往复旦大学参加学术会议。",
    "王小明在北京大学读书！他说：“我爱北京。”然后去了上海？ 好的",
    "Apple CEO Tim Cook visited 北京 on 2024-05-01. Really? Yes! See https://a.b/c?d=1",
    "😀😃🇨🇳👨‍👩‍👧 表情符号 emoji only 🎉",
    "Ünïcödé ÀÉÎ İstanbul ﬃ straße 한국어 日本語のテキスト Русский текст",
    "e\u0301 a\u0308 \u0000nul\u0000 tab\tcr\rlf\n\u3000全角空格\u200b零宽",
    "[CLS] 北京 [SEP] 上海 [UNK] [MASK] [PAD] [SE",
    "……。。。！！？？”」』）》】",
    "a" * 300,
    "京" * 120 + "。" + "沪" * 50,
    "\ud7ff\ue000\uffff\U0010ffff",
    # long unbroken texts: one sequence of thousands of positions (CRF marginals once reached inf there)
    "a" * 4000, "张伟" * 680, "😀" * 1000, "北京大学的张伟在上海工作，" * 100,
]


def write(target: str, seeds: list[bytes]) -> None:
    d = ROOT / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        (d / hashlib.sha1(s).hexdigest()).write_bytes(s)


def safetensors(tensors: dict, metadata: dict | None = None, pad_to: int = 8) -> bytes:
    header, data = {}, b""
    for name, (dtype, shape, blob) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    if metadata is not None:
        header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % pad_to)
    return struct.pack("<Q", len(h)) + h + data


def main() -> None:
    utf8 = [t.encode("utf-8", "surrogatepass") for t in TEXTS]
    write("FuzzTokenizer", [bytes([i % 2]) + t for i, t in enumerate(utf8)] + [b"\x00\xff\xfe\xc0\x80", b"\x01\xed\xa0\x80"])
    write("FuzzChunking", [bytes([i * 37 % 256, i * 11 % 256]) + t for i, t in enumerate(utf8)]
          + [b"\x05\x09" + "。".join(TEXTS[:4]).encode() * 3, b"\x20\x03" + ("，".join(["北京上海广州深圳"] * 20)).encode()])

    # A types byte (bit k: types k and k + 8), then text with personal data of every kind.
    pii = ["手机13812345678，邮箱zhangsan@qq.com，官网https://www.example.com/a?b=1。", "身份证11010519491231002X，卡号4111 1111 1111 1111",
           "统一社会信用代码91350100M000100Y43，车牌粤B D12345，护照E12345678", "服务器192.168.1.1与2001:db8::1，座机(010)62345678",
           "2015年3月5日上午九点半，营收40亿元，增长百分之三十点五，¥1,200，30%", "订单号20231381234567890123，２０１５－０３－０５"]
    write("FuzzPatterns", [bytes([0xFF if i % 2 else i * 41 % 256]) + t.encode() for i, t in enumerate(pii + TEXTS)])

    bodies = [
        {"text": TEXTS[0]}, {"text": ""}, {"text": "  \n "}, {"text": TEXTS[0], "types": ["PER", "LOC"]},
        {"texts": TEXTS[:3]}, {"texts": []}, {"texts": ["a", 1]}, {"text": 5}, {"text": None}, {"types": "PER"},
        {"text": "a", "type": ["PER"]}, {"texts": ["a"] * 5}, {"text": "x" * 70}, {"text": "a", "types": ["PERSON"]},
        # pattern types are accepted in "types" (naming one turns its recognizer on)
        {"text": "参", "types": ["URL"]}, {"text": "a", "types": ["PHONE", "PER"], "patterns": "pii"},
        # /v1/redact bodies: operators of every kind, good and bad parameters
        {"text": "a", "operators": {"PER": {"type": "mask", "keep_first": 1, "keep_last": 2, "mask_char": "#"}}},
        {"texts": ["a", "b"], "operators": {"default": {"type": "pseudonym"}}, "include_originals": True},
        {"text": "a", "operators": {"PHONE": {"type": "hash", "length": 12}, "LOC": {"type": "keep"}}},
        {"text": "a", "operators": {"ORG": {"type": "replace", "template": "<{label}>"}}}, {"text": "a", "texts": ["b"]},
        {"text": "a", "operators": {"PER": {"type": "mask", "keep_first": 3.5, "mask_char": "ab"}}},
        {"text": "a", "operators": {"PER": {"type": "hash", "length": 4}}}, {"text": "a", "include_originals": 1},
        {"text": "a", "operators": {"NOPE": {"type": "keep"}, "PER": {"type": "shred"}}}, {"text": "a", "operators": []},
    ]
    raw = [json.dumps(b, ensure_ascii=i % 2 == 0).encode() for i, b in enumerate(bodies)]
    raw += [b"", b"{", b"[1,2]", b"\"s\"", b"null", b"{\"text\": \"\\ud800\"}", b"{\"text\": \"\\u0000\"}",
            b"[" * 64 + b"]" * 64, b"{\"text\": \"\xe4\xb8\"}", b"{\"text\":\"a\",\"text\":\"b\"}", b"{\"\\u0074ext\": \"a\"}"]
    # Shapes the server refuses beyond the JSON parser: trailing commas (Foundation accepts them),
    # UTF-16/32 bodies (Foundation decodes them from the NULs in their first bytes), and field or
    # type names that must never be echoed in the error.
    raw += [b"{\"text\":\"a\",}", b"{\"texts\":[\"a\",]}", b"{\"text\":\"a\",\"types\":[\"PER\" , ]  }",
            b"{\"text\":\"a,}\\\",]\"}", "{\"text\":\"a\"}".encode("utf-16-le"), "{\"text\":\"a\"}".encode("utf-16-be"),
            "{\"text\":\"a\"}".encode("utf-32-le"), "{\"text\":\"a\"}".encode("utf-16"),
            b"{\"text\":\"a\",\"sk-SECRET123\":1}", b"{\"text\":\"a\",\"types\":[\"" + b"T" * 5000 + b"\"]}"]
    write("FuzzRequestDecoding", raw)

    f32 = struct.pack("<4f", 1.0, -2.0, 0.5, 3.25)
    st = [
        safetensors({"w": ("F32", [2, 2], f32)}),
        safetensors({"w": ("F16", [2], b"\x00\x3c\x00\xc0"), "b": ("BF16", [1], b"\x80\x3f")}, {"format": "pt"}),
        safetensors({"q": ("I8", [3], b"\x01\x02\x03"), "e": ("F32", [0], b"")}),
        safetensors({}),
        b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
        b"\x02\x00\x00\x00\x00\x00\x00\x00{}",
    ]
    tiny = (REPO / "Tests/NERCoreTests/Fixtures/models/tiny-bert/config.json").read_bytes()
    bilstm = (REPO / "models/default/config.json").read_bytes() if (REPO / "models/default/config.json").exists() else b"{}"
    write("FuzzModelFiles", [b"\x00" + s for s in st] + [b"\x01" + tiny, b"\x01{\"model_type\": \"bert\"}", b"\x02" + bilstm])


if __name__ == "__main__":
    main()
