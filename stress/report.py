#!/usr/bin/env python3
"""Writes the figures of the last overload and soak runs (stress/results/*.json) into
docs/RELIABILITY.md, between the `stress:begin` and `stress:end` markers."""
import json
import pathlib
import platform
import os

REPO = pathlib.Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "RELIABILITY.md"
BEGIN, END = "<!-- stress:begin -->", "<!-- stress:end -->"


def mb(kb):
    return f"{kb / 1024:.1f} MB"


def section():
    out = [f"Machine: {os.cpu_count()} cores, {platform.machine()}, shared with other jobs while measured; model `models/default` "
           "(BiLSTM-CRF INT8), `.build/release/zhner`, one worker.", ""]
    o = REPO / "stress/results/overload.json"
    if o.exists():
        r = json.loads(o.read_text())
        lat, rss = r["admitted_latency_s"], r["rss_kb"]
        out += [f"**Overload** ({r['seconds']:.0f} s at {r['offered_rps']} req/s offered = 10 × the measured {r['capacity_rps']} req/s "
                f"of one worker; queue {r['queue']}; each request a new connection, ~600 characters):", "",
                "| requests | 200 | 503 (all with Retry-After) | other statuses | dropped connections | p50 / p99 / max of 200s | p99 bound | RSS idle / peak / after (budget) |",
                "|---|---|---|---|---|---|---|---|",
                f"| {r['requests']} | {r['statuses'].get('200', 0)} | {r['statuses'].get('503', 0)} | "
                f"{sum(v for k, v in r['statuses'].items() if k not in ('200', '503'))} | {r['dropped']} | "
                f"{lat['p50']:.2f} / {lat['p99']:.2f} / {lat['max']:.2f} s | {lat['bound']:.2f} s | "
                f"{mb(rss['idle'])} / {mb(rss['peak'])} / {mb(rss['after'])} ({mb(rss['budget'])}) |", "",
                "Checks: " + ", ".join(f"{k}: {'pass' if v else 'FAIL'}" for k, v in r["checks"].items()) + ".", ""]
    s = REPO / "stress/results/soak.json"
    if s.exists():
        r = json.loads(s.read_text())
        rss, fds = r["rss_kb"], r["fds"]
        kinds = ", ".join(f"{k}: {v}" for k, v in r["by_kind_and_status"].items())
        out += [f"**Soak** ({r['seconds'] / 60:.0f} min, {r['clients']} clients, mixed short / long / streamed / batch / bad requests):", "",
                "| requests | errors | RSS start / after 1 min / peak / end | RSS slope | fds idle before / peak / idle after | fd slope |",
                "|---|---|---|---|---|---|",
                f"| {r['requests']} | {r['errors']} | {mb(rss['start'])} / {mb(rss['after_warmup'])} / {mb(rss['peak'])} / {mb(rss['end'])} | "
                f"{rss['slope_kb_per_min']:+.1f} KB/min | {fds['idle_before']} / {fds['peak']} / {fds['idle_after']} | {fds['slope_per_min']:+.3f} /min |", "",
                f"By kind and status: {kinds}.", "",
                "Checks: " + ", ".join(f"{k}: {'pass' if v else 'FAIL'}" for k, v in r["checks"].items()) + ".", ""]
    return "\n".join(out)


def main():
    text = DOC.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + BEGIN + "\n" + section() + "\n" + END + tail)
    print(f"updated {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
