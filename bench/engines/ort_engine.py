"""ONNX Runtime peers: FP32 and dynamic INT8 of the exported BERT (see export_onnx.py).

    python -m bench.engines.ort_engine --onnx FILE --tokenizer DIR --threads N [--cold TEXT]

run from the repository root. Without --cold it is a protocol worker (see common.py). The session runs
sequentially with `--threads` intra-op threads and all graph optimisations on (ORT's defaults for CPU).
"""
import argparse
import json
import os
import time

from . import common


class OrtEngine:
    def __init__(self, onnx_path, tokenizer_dir, threads):
        import numpy as np
        import onnxruntime as ort
        from transformers import AutoTokenizer
        self.np = np
        self.tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
        with open(os.path.join(tokenizer_dir, "config.json")) as f:
            config = json.load(f)
        assert len(self.tokenizer) == config["vocab_size"], (len(self.tokenizer), config["vocab_size"])
        self.id2label = {int(k): v for k, v in config["id2label"].items()}
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    def _run(self, texts):
        enc = self.tokenizer(texts, return_offsets_mapping=True, padding=True, return_tensors="np")
        feed = {k: enc[k].astype(self.np.int64) for k in self.inputs}
        logits = self.session.run(None, feed)[0]
        labels = logits.argmax(-1)
        out = []
        for b in range(len(texts)):
            ids = enc.word_ids(b)
            real = [t for t, w in enumerate(ids) if w is not None]
            out.append(common.token_entities(enc["offset_mapping"][b][real].tolist(), [ids[t] for t in real],
                                             labels[b, real].tolist(), self.id2label))
        return out

    def tag(self, text):
        return self._run([text])[0]

    def tag_batch(self, texts):
        return self._run(texts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--tokenizer", required=True, help="the HF model folder (tokenizer files, config.json)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cold")
    args = ap.parse_args()
    t = time.perf_counter()

    def make():
        return OrtEngine(args.onnx, args.tokenizer, args.threads)

    if args.cold is not None:
        common.cold(make, args.cold)
    engine = make()
    engine.tag("预热")
    import onnxruntime
    common.serve(engine, time.perf_counter() - t, {"onnxruntime": onnxruntime.__version__})


if __name__ == "__main__":
    main()
