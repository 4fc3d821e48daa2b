"""OpenVINO peers: FP32 and NNCF INT8 IR of the BERT (see export_openvino.py).

    python -m bench.engines.openvino_engine --ir FILE.xml --tokenizer DIR --threads N [--cold TEXT]

run from the repository root. Without --cold it is a protocol worker (see common.py). The model is
compiled for the CPU plugin the way OpenVINO documents for batch-1 latency: PERFORMANCE_HINT=LATENCY,
one stream, INFERENCE_NUM_THREADS = --threads. The inference precision is pinned to f32, so that on a
host with bf16 (AVX-512 BF16, AMX) the "FP32" engine stays FP32 and the INT8 model's non-quantized ops
run as they do on the others; on an AVX2 host that is OpenVINO's default anyway.
"""

from . import common

PROPERTIES = ("INFERENCE_NUM_THREADS", "PERFORMANCE_HINT", "NUM_STREAMS", "INFERENCE_PRECISION_HINT")


class OpenVinoEngine(common.ArrayBertEngine):
    def __init__(self, ir_path, tokenizer_dir, threads):
        import openvino as ov
        super().__init__(tokenizer_dir)
        config = {"INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 1,
                  "INFERENCE_PRECISION_HINT": "f32"}
        self.compiled = ov.Core().compile_model(ir_path, "CPU", config)
        self.request = self.compiled.create_infer_request()
        self.input_names = [i.get_any_name() for i in self.compiled.inputs]

    def forward(self, feed):
        # share_inputs: the tokenizer's fresh arrays are read in place instead of copied
        return self.request.infer(feed, share_inputs=True)[0]

    def properties(self):
        """What the plugin actually compiled with (recorded in the ready line, so a run shows it)."""
        values = {k: self.compiled.get_property(k) for k in PROPERTIES}
        # the precision comes back as an openvino.Type, whose str() is a repr
        return {k: v.get_type_name() if hasattr(v, "get_type_name") else str(v) for k, v in values.items()}


def main():
    args, t = common.worker_args(("--ir", {"required": True, "help": "the model's .xml (its .bin beside it)"}), common.TOKENIZER)

    def make():
        return OpenVinoEngine(args.ir, args.tokenizer, args.threads)

    import openvino
    common.main(make, args.cold, t, lambda engine: {"openvino": openvino.__version__, **engine.properties()})


if __name__ == "__main__":
    main()
