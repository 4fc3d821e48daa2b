"""SPEC.md implemented independently of torch and of the training code (numpy, float32,
straight from the model folder's files), so that make_golden can prove the spec matches the
PyTorch model. Also a readable reference for the Swift engine.
"""
import json
import os

import numpy as np
from safetensors.numpy import load_file


def _lines(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        return f.read().split("\n")[:-1]  # split on \n only, never trim


class Reference:
    def __init__(self, folder):
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            self.cfg = json.load(f)
        files = self.cfg["files"]
        self.w = load_file(os.path.join(folder, files["weights"]))
        self.char_id = {c: i for i, c in enumerate(_lines(os.path.join(folder, files["chars"])))}
        self.bigram_id = {b: i for i, b in enumerate(_lines(os.path.join(folder, files["bigrams"])))}
        self.lexicon = {}
        for line in _lines(os.path.join(folder, files["lexicon"])):
            word, cls, row, weight = line.split("\t")
            self.lexicon[word] = (int(cls), int(row), int(weight))

    @staticmethod
    def normalize(text):
        out = []
        for ch in text:
            o = ord(ch)
            if 0xFF01 <= o <= 0xFF5E:
                o -= 0xFEE0
            elif o == 0x3000:
                o = 0x20
            if o <= 0x1F or 0x7F <= o <= 0x9F:
                o = 0x20
            if 0x41 <= o <= 0x5A:
                o += 0x20
            elif 0x30 <= o <= 0x39:
                o = 0x30
            out.append(chr(o))
        return out

    def inputs(self, c):
        n, d = len(c), self.cfg["lexicon_dim"]
        bos, eos = self.cfg["bos"], self.cfg["eos"]
        char_emb, big_emb = self.w["char_embeddings.weight"], self.w["bigram_embeddings.weight"]
        cls_emb = self.w["lexicon_class_embeddings.weight"]
        word_emb = self.w.get("lexicon_word_embeddings.weight")
        sets = np.zeros((n, 4, d), np.float32)
        z = np.zeros(n, np.int64)
        matches = []
        for s in range(n):
            for k in range(1, min(self.cfg["max_word_len"], n - s) + 1):
                entry = self.lexicon.get("".join(c[s:s + k]))
                if entry is not None:
                    matches.append((s, k, entry))
                    z[s:s + k] += entry[2]
        for s, k, (cls, row, weight) in matches:
            e = cls_emb[cls] + (word_emb[row] if row >= 0 else 0)
            members = [(s, 3)] if k == 1 else [(s, 0)] + [(p, 1) for p in range(s + 1, s + k - 1)] + [(s + k - 1, 2)]
            for p, st in members:
                sets[p, st] += np.float32(weight) / np.float32(z[p]) * e
        rows = []
        for p in range(n):
            left = (c[p - 1] if p > 0 else bos) + c[p]
            right = c[p] + (c[p + 1] if p + 1 < n else eos)
            rows.append(np.concatenate([char_emb[self.char_id.get(c[p], 0)],
                                        big_emb[self.bigram_id.get(left, 0)],
                                        big_emb[self.bigram_id.get(right, 0)], sets[p].reshape(-1)]))
        return np.stack(rows)

    def lstm_direction(self, x, suffix):
        w_ih, w_hh = self.w["lstm.weight_ih" + suffix], self.w["lstm.weight_hh" + suffix]
        b = self.w["lstm.bias_ih" + suffix] + self.w["lstm.bias_hh" + suffix]
        H = w_hh.shape[1]
        h, cell = np.zeros(H, np.float32), np.zeros(H, np.float32)
        out = []
        for xt in x:
            g = w_ih @ xt + w_hh @ h + b
            i, f = 1 / (1 + np.exp(-g[:H])), 1 / (1 + np.exp(-g[H:2 * H]))
            gg, o = np.tanh(g[2 * H:3 * H]), 1 / (1 + np.exp(-g[3 * H:]))
            cell = f * cell + i * gg
            h = o * np.tanh(cell)
            out.append(h)
        return np.stack(out)

    def emissions(self, text):
        x = self.inputs(self.normalize(text))
        for k in range(self.cfg["num_layers"]):
            fwd = self.lstm_direction(x, f"_l{k}")
            bwd = self.lstm_direction(x[::-1], f"_l{k}_reverse")[::-1]
            x = np.concatenate([fwd, bwd], axis=1)
        return x @ self.w["classifier.weight"].T + self.w["classifier.bias"]

    def viterbi(self, em):
        trans = self.w["crf.transitions"]
        score = self.w["crf.start_transitions"] + em[0]
        back = []
        for t in range(1, len(em)):
            cand = score[:, None] + trans
            back.append(cand.argmax(axis=0))  # first maximum = lowest index
            score = cand.max(axis=0) + em[t]
        tag = int((score + self.w["crf.end_transitions"]).argmax())
        path = [tag]
        for bp in reversed(back):
            tag = int(bp[tag])
            path.append(tag)
        return path[::-1]
