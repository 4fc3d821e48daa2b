"""The HTTP peer: a Flask service around a transformers token-classification pipeline, same API as
`zhner serve` (POST /v1/entities {"text"} -> {"entities": [...]}), same weights (the HF folder that zhner
quantized).

    python bench/flask_server.py MODEL_DIR [--port 0] [--threads 2]

Prints "flask serving http://127.0.0.1:PORT/" when ready (as zhner serve does). Choices, each the usual
one for such a service: Flask's threaded server with HTTP/1.1 keep-alive; one pipeline shared by all
request threads behind a lock (a fast tokenizer used from several threads at once fails with "Already
borrowed", and concurrent forward passes would only oversubscribe 2 cores); torch intra-op threads =
--threads.
"""
import argparse
import sys
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import torch
    from flask import Flask, jsonify, request
    from transformers import pipeline
    from werkzeug.serving import WSGIRequestHandler, make_server

    torch.set_num_threads(args.threads)
    ner = pipeline("token-classification", model=args.model, aggregation_strategy="first", device=-1)
    lock = threading.Lock()
    app = Flask("zhner-bench-peer")

    @app.post("/v1/entities")
    def entities():
        body = request.get_json(force=True, silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return jsonify({"error": "expected {\"text\": string}"}), 400
        with lock, torch.inference_mode():
            found = ner(body["text"]) if body["text"] else []
        return jsonify({"entities": [{"type": e["entity_group"], "start": int(e["start"]), "end": int(e["end"]),
                                      "text": body["text"][e["start"]:e["end"]], "score": float(e["score"])}
                                     for e in found]})

    WSGIRequestHandler.protocol_version = "HTTP/1.1"  # keep-alive, as zhner serve offers
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    port = server.socket.getsockname()[1]
    print(f"flask serving http://127.0.0.1:{port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
