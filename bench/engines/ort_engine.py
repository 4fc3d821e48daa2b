"""ONNX Runtime peers: FP32 and dynamic INT8 of the exported BERT (see export_onnx.py).

    python -m bench.engines.ort_engine --onnx FILE --tokenizer DIR --threads N [--cold TEXT]

run from the repository root. Without --cold it is a protocol worker (see common.py). The session runs
sequentially with `--threads` intra-op threads and all graph optimisations on (ORT's defaults for CPU).
"""

from . import common


class OrtEngine(common.ArrayBertEngine):
    def __init__(self, onnx_path, tokenizer_dir, threads):
        import onnxruntime as ort
        super().__init__(tokenizer_dir)
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]

    def forward(self, feed):
        return self.session.run(None, feed)[0]


def main():
    args, t = common.worker_args(("--onnx", {"required": True}), common.TOKENIZER)

    def make():
        return OrtEngine(args.onnx, args.tokenizer, args.threads)

    import onnxruntime
    common.main(make, args.cold, t, lambda engine: {"onnxruntime": onnxruntime.__version__})

if __name__ == "__main__":
    main()
