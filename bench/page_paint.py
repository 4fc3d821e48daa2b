"""How long the web page takes to open, stream and paint a 1 MB document, in headless Chromium against a
real `zhner serve` (issue 17's benchmark; a measurement, not a test), and the page's own file sizes.

    .build/browser-venv/bin/python -m bench.page_paint [--zhner .build/release/zhner] [--model models/default]
        [--rounds 3] [--out bench/results/page-<date>.json]

The document is the page's "long" sample repeated to just over 1 MB of UTF-8 (≈ 340,000 characters),
opened through the file input as a user would. Timed: from choosing the file to `#output[data-state=done]`
with every character painted; also the longest gap between 50 ms timer ticks meanwhile (how long the tab
was unresponsive) and the entity count. The results name the host's CPU (`lscpu`) and load, since both
move these numbers. Needs the browser-test venv (`make test-browser` makes it) and Chromium.
"""
import argparse
import datetime
import gzip
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from pytools import zhner_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "Sources", "NERServer", "Web", "page")


def driver():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        opts.add_argument(a)
    return webdriver.Chrome(options=opts, service=Service(executable_path="/usr/bin/chromedriver"))


def page_sizes():
    """Bytes of each page file as served, and gzipped (what a compressing proxy would send)."""
    out = {}
    for name in sorted(os.listdir(PAGE)):
        data = open(os.path.join(PAGE, name), "rb").read()
        out[name] = {"bytes": len(data), "gzip_bytes": len(gzip.compress(data, 9))}
    return out


def host_cpu():
    """Model name, CPUs and hypervisor from lscpu (empty where it is missing)."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return {k: fields[k].strip() for k in ("Model name", "CPU(s)", "Hypervisor vendor") if k in fields}


def one_round(d, url, path, text):
    d.get(url)
    d.execute_script("window.__gap = 0; let last = performance.now(); setInterval(() => { const now = "
                     "performance.now(); window.__gap = Math.max(window.__gap, now - last); last = now; }, 50);")
    start = time.perf_counter()
    d.find_element(By.ID, "file").send_keys(path)
    while True:
        state, shown = d.execute_script("const o = document.getElementById('output'); return [o.dataset.state, o.textContent.length];")
        if state == "done" and shown == len(text):
            break
        if state == "error" or time.perf_counter() - start > 600:
            raise SystemExit(f"the page did not finish (state {state})")
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    marks = d.execute_script("return document.querySelectorAll('#output mark.ent').length")
    return {"seconds": seconds, "longest_gap_ms": d.execute_script("return window.__gap"), "entities": marks}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zhner", default=os.path.join(ROOT, ".build", "release", "zhner"))
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "default"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  f"page-{datetime.date.today().isoformat()}.json"))
    args = ap.parse_args()
    folder = tempfile.mkdtemp()
    d = driver()
    try:
        with zhner_server.start(args.zhner, args.model) as server:
            d.get(server.url)
            d.find_element(By.CSS_SELECTOR, 'button[data-sample="long"]').click()
            sample = d.execute_script("return document.getElementById('text').value")
            text = sample
            while len(text.encode()) < 1_000_000:
                text += "\n" + sample
            path = os.path.join(folder, "document.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            rounds = [one_round(d, server.url, path, text) for _ in range(args.rounds)]
    finally:
        d.quit()
        shutil.rmtree(folder, ignore_errors=True)
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "zhner": args.zhner, "model": args.model, "characters": len(text), "utf8_bytes": len(text.encode()),
              "rounds": rounds, "median_seconds": statistics.median(r["seconds"] for r in rounds),
              "median_longest_gap_ms": statistics.median(r["longest_gap_ms"] for r in rounds),
              "page_files": page_sizes(), "cpu": host_cpu(), "loadavg": os.getloadavg()}
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps({k: result[k] for k in ("characters", "utf8_bytes", "median_seconds", "median_longest_gap_ms", "rounds",
                                             "page_files", "cpu", "loadavg")}, indent=1))


if __name__ == "__main__":
    main()
