"""Runs the README's and docs/API.md's shell examples as written, against a live `zhner serve`.

    python3 -m scripts.check_doc_examples       # from the repo root; ZHNER_BIN picks the binary

Every `curl` line of a ```sh block (backslash continuations joined), and the `python3 -c` lines that
make their inputs, run in bash in a scratch folder with `U` set to the server and `localhost:8080`
pointed at it. A curl example passes when it exits 0 with a 2xx answer (the status is read with
curl's `-w`, which the example itself never shows); anything else fails the check with the command
and its output. The server is the default model on a kernel-picked port (stress/harness.py).
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

from stress import harness

DOCS = ["README.md", "docs/API.md"]


def commands(path):
    """Shell commands of the file's ```sh blocks that this check runs, continuations joined."""
    text = (harness.REPO / path).read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for cmd in block.replace("\\\n", " ").splitlines():
            cmd = cmd.strip()
            if cmd.startswith("curl ") or cmd.startswith("python3 -c "):
                out.append(cmd)
    return out


def main():
    server = harness.Server([], binary=os.environ.get("ZHNER_BIN") or None)
    failures, ran = [], 0
    try:
        base = f"http://127.0.0.1:{server.port}"
        with tempfile.TemporaryDirectory() as tmp:
            for doc in DOCS:
                for cmd in commands(doc):
                    run = cmd.replace("localhost:8080", f"127.0.0.1:{server.port}")
                    if run.startswith("curl "):
                        # comments after the command describe its answer; the status goes last on stdout
                        run = run.split("   #")[0] + " -w '\\n%{http_code}'"
                    r = subprocess.run(["bash", "-c", "set -o pipefail; " + run], cwd=tmp, capture_output=True,
                                       env={**os.environ, "U": base}, timeout=120)
                    ran += 1
                    status = r.stdout.decode(errors="replace").rstrip().rsplit("\n", 1)[-1] if cmd.startswith("curl ") else "200"
                    if r.returncode != 0 or not status.startswith("2"):
                        failures.append(f"{doc}: {cmd}\n  exit {r.returncode}, status {status}\n  "
                                        f"{r.stdout.decode(errors='replace')[:300]}{r.stderr.decode(errors='replace')[:300]}")
    finally:
        server.stop()
    for f in failures:
        print(f, file=sys.stderr)
    print(f"doc examples: {ran - len(failures)} of {ran} ran as written")
    if failures or ran < 10:
        sys.exit(1)


if __name__ == "__main__":
    main()
