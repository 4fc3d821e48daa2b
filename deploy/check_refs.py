#!/usr/bin/env python3
"""Cross-checks the deployment files against a live `zhner serve` and against each other.

    check_refs.py METRICS_FILE

METRICS_FILE is a /metrics scrape of a server that has answered at least one request on each
route (so every histogram has samples). The check fails (exit 1) when:
  - a PromQL expression in the alert rules or the Grafana dashboard names a metric the server does
    not export, or matches on a label that metric does not carry (Prometheus adds job and instance);
  - a metric family the server exports is not described in docs/OPERATIONS.md;
  - the dashboard has no uid, duplicate panel ids, overlapping or off-grid panels;
  - the memory limit differs between the systemd unit (MemoryMax), the Kubernetes Deployment
    (limits.memory) and the ZhnerMemoryHigh alert's constant: the alert is "80 % of the limit";
  - ZHNER_SHUTDOWN_GRACE_S differs between the unit and the Deployment, or does not end before the
    supervisor kills: under TimeoutStopSec, and under terminationGracePeriodSeconds minus the
    preStop pause (which Kubernetes counts in the grace period).
Needs PyYAML (deploy/.venv has it).
"""
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALERTS = ROOT / "deploy/prometheus/zhner-alerts.yaml"
DASHBOARD = ROOT / "deploy/grafana/zhner-dashboard.json"
DEPLOYMENT = ROOT / "deploy/k8s/deployment.yaml"
UNIT = ROOT / "deploy/systemd/zhner.service"
OPERATIONS = ROOT / "docs/OPERATIONS.md"

# Labels Prometheus attaches to every scraped series (target labels), and the synthetic `up`.
TARGET_LABELS = {"job", "instance"}
SYNTHETIC = {"up": set()}

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "and", "or", "unless", "offset", "inf", "nan"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                "bottomk", "topk", "quantile", "limitk", "limit_ratio"}
TOKEN = re.compile(r'''"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|\$\{?\w+\}?|'''
                   r'''[A-Za-z_:][A-Za-z0-9_:]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|=~|!~|!=|==|>=|<=|\S''')

errors = []


def parse_scrape(text):
    """{sample name: set of label names} and the set of family names (# TYPE lines)."""
    samples, families = {}, set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            families.add(line.split()[2])
            continue
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s", line)
        if not m:
            errors.append(f"/metrics: unparsable line {line!r}")
            continue
        labels = set(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)="', m.group(3) or ""))
        samples.setdefault(m.group(1), set()).update(labels)
    return samples, families


def selectors(expr):
    """(metric name, [label names matched]) for every vector selector in a PromQL expression."""
    tokens = TOKEN.findall(expr)
    out, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if t in GROUPING and nxt == "(":
            # by (a, b) / on (job, instance): label lists, not metrics.
            i = tokens.index(")", i) + 1
            continue
        if re.fullmatch(r"[A-Za-z_:][A-Za-z0-9_:]*", t) and t.lower() not in KEYWORDS:
            if nxt == "(" or (t in AGGREGATIONS and nxt in ("by", "without")):  # a function or an aggregation
                i += 1
                continue
            labels = []
            if nxt == "{":
                j = i + 2
                while j < len(tokens) and tokens[j] != "}":
                    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", tokens[j]) and j + 1 < len(tokens) \
                            and tokens[j + 1] in ("=", "!=", "=~", "!~"):
                        labels.append(tokens[j])
                    j += 1
                i = j
            out.append((t, labels))
        i += 1
    return out


def check_expr(where, expr, samples):
    found = selectors(expr)
    if not found:
        errors.append(f"{where}: no metric found in {expr!r}")
    for name, labels in found:
        known = SYNTHETIC.get(name, samples.get(name))
        if known is None:
            errors.append(f"{where}: metric {name} is not exported by zhner serve's /metrics")
            continue
        for label in labels:
            if label not in known | TARGET_LABELS:
                errors.append(f"{where}: {name} has no label {label!r} (it has: {sorted(known) or 'none'})")
    return {name for name, _ in found}


def dashboard_exprs(dash):
    """Every PromQL query in the dashboard: panel targets and templating queries."""
    def walk(panels):
        for p in panels:
            yield from walk(p.get("panels", []))
            for t in p.get("targets", []):
                yield f"panel {p.get('title')!r}", t["expr"]
    yield from walk(dash["panels"])
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        q = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
        m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", q)
        if not m:
            errors.append(f"dashboard variable {var['name']}: unexpected query {q!r}")
            continue
        # Check the label too: label_values(sel, lab) -> sel{lab=~".*"}.
        sel, label = m.group(1).strip(), m.group(2)
        sel = sel[:-1] + f', {label}=~".*"}}' if sel.endswith("}") else sel + f'{{{label}=~".*"}}'
        yield f"dashboard variable {var['name']}", sel


def check_dashboard_layout(dash):
    """What Grafana needs to import it cleanly: a uid, unique panel ids, panels inside the 24-column
    grid and not on top of each other, a refId per query."""
    if not dash.get("uid"):
        errors.append("dashboard has no uid")
    seen, cells = set(), {}
    for p in dash["panels"]:
        if p["id"] in seen:
            errors.append(f"dashboard panel id {p['id']} used twice")
        seen.add(p["id"])
        g = p["gridPos"]
        if g["x"] < 0 or g["x"] + g["w"] > 24:
            errors.append(f"panel {p['title']!r} outside the 24-column grid")
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                if (x, y) in cells:
                    errors.append(f"panel {p['title']!r} overlaps {cells[(x, y)]!r}")
                    break
                cells[(x, y)] = p["title"]
            else:
                continue
            break
        refs = [t.get("refId") for t in p.get("targets", [])]
        if None in refs or len(set(refs)) != len(refs):
            errors.append(f"panel {p['title']!r}: queries need distinct refIds")


def to_bytes(quantity):
    """256M (systemd: base 1024) / 256Mi (Kubernetes) / plain bytes."""
    m = re.fullmatch(r"(\d+)\s*(K|M|G|Ki|Mi|Gi)?", quantity.strip())
    if not m:
        raise ValueError(quantity)
    scale = {None: 1, "K": 1024, "M": 1024**2, "G": 1024**3, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}
    return int(m.group(1)) * scale[m.group(2)]


def check_memory_limits():
    unit = re.search(r"^MemoryMax=(\S+)", UNIT.read_text(), re.M)
    deployment = yaml.safe_load(DEPLOYMENT.read_text())
    container = next(c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "zhner")
    rules = yaml.safe_load(ALERTS.read_text())["groups"][0]["rules"]
    alert = next(r for r in rules if r.get("alert") == "ZhnerMemoryHigh")
    m = re.search(r">\s*0\.8\s*\*\s*(\d+)", alert["expr"])
    figures = {
        "systemd MemoryMax": to_bytes(unit.group(1)) if unit else None,
        "Kubernetes limits.memory": to_bytes(container["resources"]["limits"]["memory"]),
        "ZhnerMemoryHigh constant": int(m.group(1)) if m else None,
    }
    if None in figures.values() or len(set(figures.values())) != 1:
        errors.append(f"memory limits disagree: {figures}")


def check_shutdown_grace():
    unit_text = UNIT.read_text()
    unit_grace = re.search(r"^Environment=ZHNER_SHUTDOWN_GRACE_S=(\d+)$", unit_text, re.M)
    stop = re.search(r"^TimeoutStopSec=(\d+)$", unit_text, re.M)
    pod = yaml.safe_load(DEPLOYMENT.read_text())["spec"]["template"]["spec"]
    container = next(c for c in pod["containers"] if c["name"] == "zhner")
    pod_grace = next((e.get("value") for e in container.get("env", []) if e["name"] == "ZHNER_SHUTDOWN_GRACE_S"), None)
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    pause = int(pre_stop[1]) if pre_stop[:1] == ["sleep"] else 0
    if not unit_grace or not stop or pod_grace is None:
        errors.append("ZHNER_SHUTDOWN_GRACE_S or TimeoutStopSec missing from the unit or the Deployment")
        return
    grace = int(unit_grace.group(1))
    if int(pod_grace) != grace:
        errors.append(f"shutdown grace differs: unit {grace} s, Deployment {pod_grace} s")
    if grace >= int(stop.group(1)):
        errors.append(f"shutdown grace {grace} s is not under TimeoutStopSec={stop.group(1)}")
    if grace + pause >= pod["terminationGracePeriodSeconds"]:
        errors.append(f"shutdown grace {grace} s + preStop {pause} s is not under "
                      f"terminationGracePeriodSeconds={pod['terminationGracePeriodSeconds']}")


def main():
    samples, families = parse_scrape(Path(sys.argv[1]).read_text())
    if "zhner_http_request_duration_seconds_bucket" not in samples:
        errors.append("/metrics has no request histogram samples: send requests before scraping")

    used = set()
    rules = yaml.safe_load(ALERTS.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            used |= check_expr(f"alert {rule.get('alert') or rule.get('record')}", rule["expr"], samples)

    dash = json.loads(DASHBOARD.read_text())
    check_dashboard_layout(dash)
    for where, expr in dashboard_exprs(dash):
        used |= check_expr(where, expr, samples)

    ops = OPERATIONS.read_text()
    for family in sorted(families):
        if f"`{family}`" not in ops:
            errors.append(f"docs/OPERATIONS.md does not describe the metric `{family}`")

    check_memory_limits()
    check_shutdown_grace()

    for e in errors:
        print(f"check_refs: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"check_refs: {len(used)} metric names in alerts and dashboard all exported; "
          f"{len(families)} metric families documented; memory limits and shutdown grace agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
