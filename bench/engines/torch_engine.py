"""PyTorch peers: eager FP32 and dynamic INT8 (torch.ao.quantization.quantize_dynamic on Linear, LSTM too
for the BiLSTM-CRF), for BERT folders (transformers' BertForTokenClassification) and the default
zhner-bilstm-crf model (tools/train's reference implementation).

    python -m bench.engines.torch_engine --model DIR --arch bert|lstm --dtype fp32|int8 --threads N [--cold TEXT]

run from the repository root. Without --cold it is a protocol worker (see common.py).
"""

from . import common


class BertEngine:
    def __init__(self, model_dir, dtype):
        import torch
        from transformers import AutoTokenizer, BertForTokenClassification
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = BertForTokenClassification.from_pretrained(model_dir).eval()
        # transformers 5 can silently ignore a vocabulary file (PLATFORM.md): check it was read.
        assert len(self.tokenizer) == model.config.vocab_size, (len(self.tokenizer), model.config.vocab_size)
        if dtype == "int8":
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        self.id2label = model.config.id2label

    def _run(self, texts):
        enc = self.tokenizer(texts, return_offsets_mapping=True, padding=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping")
        with self.torch.inference_mode():
            logits = self.model(**enc).logits
        out = common.batch_entities(enc, offsets.tolist(), logits.argmax(-1).tolist(), self.id2label)
        self.last = (texts, logits, offsets, enc)  # for char_margins, after the timed call
        return out

    def char_margins(self, text):
        """Per character of the last tagged text: top-1 minus top-2 logit of its word's first token (how
        decided the label is; the correctness guard leaves near-ties aside). Characters of no token: inf."""
        texts, logits, offsets, enc = self.last
        assert texts[0] == text
        top2 = logits[0].topk(2, dim=-1).values
        margin = (top2[:, 0] - top2[:, 1]).tolist()
        ids = enc.word_ids(0)
        out = [float("inf")] * len(text)
        first = {}
        for t, w in enumerate(ids):
            if w is None:
                continue
            first.setdefault(w, t)
            s, e = offsets[0][t].tolist()
            for i in range(s, e):
                out[i] = margin[first[w]]
        return out

    def tag(self, text):
        return self._run([text])[0]

    def tag_batch(self, texts):
        return self._run(texts)


class LstmEngine:
    """The default model through tools/train (the code it was trained with): features in Python, the
    network in PyTorch, CRF Viterbi. One position per code point, so entities come straight from labels."""

    def __init__(self, model_dir, dtype):
        import torch
        from tools.train.data import collate
        from tools.train.export import load
        self.torch, self.collate = torch, collate
        # with its corpus detector, as the engine runs it (tools/train/export.py)
        model, self.corpus_of, self.encoder, self.labels = load(model_dir, corpora=True)
        if dtype == "int8":
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear, torch.nn.LSTM},
                                                           dtype=torch.qint8)
        self.model = model

    def _run_same_length(self, texts):
        batch = self.collate([(self.encoder.encode(t), None) for t in texts])
        corpora = self.torch.tensor([self.corpus_of(t) for t in texts]) if self.corpus_of else None
        with self.torch.inference_mode():
            em = self.model.emissions(batch["chars"], batch["left"], batch["right"], batch["lex"], domain=corpora)
            paths = self.model.crf.viterbi(em)
        return [[[s, e, kind] for kind, s, e in common.spans([self.labels[i] for i in p])] for p in paths]

    def tag(self, text):
        return self._run_same_length([text])[0] if text else []

    def tag_batch(self, texts):
        # The reference model batches sentences of equal length only (no padding: the LSTM runs unpacked).
        out = [None] * len(texts)
        groups = {}
        for i, t in enumerate(texts):
            groups.setdefault(len(t), []).append(i)
        for n, idx in groups.items():
            res = self._run_same_length([texts[i] for i in idx]) if n else [[] for _ in idx]
            for i, r in zip(idx, res):
                out[i] = r
        return out


def main():
    args, t = common.worker_args(("--model", {"required": True}), ("--arch", {"choices": ["bert", "lstm"], "default": "bert"}),
                                 ("--dtype", {"choices": ["fp32", "int8"], "default": "fp32"}))
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    def make():
        return (BertEngine if args.arch == "bert" else LstmEngine)(args.model, args.dtype)

    common.main(make, args.cold, t, lambda engine: {"torch": torch.__version__,
                                                    "quantized_engine": torch.backends.quantized.engine})

if __name__ == "__main__":
    main()
