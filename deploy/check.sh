#!/usr/bin/env bash
# Validates everything under deploy/ that can be checked without Docker, systemd or a cluster
# (`make test-deploy`; part of `make test`). Installs its tools on first use, idempotently:
#   - promtool, extracted from Debian's `prometheus` package into deploy/.tools (not installed:
#     installing the package would also start a Prometheus server on machines running systemd);
#   - systemd-analyze (Debian `systemd`, only if missing);
#   - deploy/.venv with deploy/requirements.txt (kubernetes-validate with its bundled schemas,
#     hadolint's binary wheel, PyYAML).
# ZHNER_BIN: the zhner binary to run (default: .build/debug/zhner, which `make test` builds, else
# .build/release/zhner). Needs root or sudo only when something must be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=deploy/.tools
VENV=deploy/.venv
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'check.sh: FAIL: %s\n' "$*" >&2; exit 1; }

apt_updated=""
apt_update_once() {
    [ -n "$apt_updated" ] && return
    $SUDO apt-get update -qq
    apt_updated=1
}

# --- tools -------------------------------------------------------------------------------
step "tools"
if ! "$TOOLS/promtool" --version >/dev/null 2>&1; then
    apt_update_once
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -qq prometheus 2>/dev/null) || fail "apt-get download prometheus"
    dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
    mkdir -p "$TOOLS"
    install -m 0755 "$tmp/root/usr/bin/promtool" "$TOOLS/promtool"
    rm -rf "$tmp"
fi
if ! command -v systemd-analyze >/dev/null; then
    apt_update_once
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends systemd >/dev/null
fi
if ! command -v curl >/dev/null; then
    apt_update_once
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends curl >/dev/null
fi
if ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt_update_once
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
fi
# The venv is rebuilt when deploy/requirements.txt changes (its copy in the venv is the stamp).
if ! cmp -s deploy/requirements.txt "$VENV/requirements.txt"; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r deploy/requirements.txt
    cp deploy/requirements.txt "$VENV/requirements.txt"
fi
PROMTOOL=$TOOLS/promtool
"$PROMTOOL" --version 2>&1 | head -1
systemd-analyze --version | head -1
"$VENV/bin/kubernetes-validate" --version | sed 's/^/kubernetes-validate /'
"$VENV/bin/hadolint" --version

# --- Dockerfile ----------------------------------------------------------------------------
step "hadolint deploy/Dockerfile"
"$VENV/bin/hadolint" --config deploy/.hadolint.yaml deploy/Dockerfile
# The image must build the way the README does, and copy the model it serves.
grep -q '^RUN make deps && make build$' deploy/Dockerfile || fail "Dockerfile does not build with 'make deps && make build'"
grep -q '^COPY models/default /opt/zhner/share/zhner/models/default$' deploy/Dockerfile \
    || fail "Dockerfile does not copy models/default where /opt/zhner/bin/zhner finds it (make install's layout)"
grep -q '^HEALTHCHECK .*' deploy/Dockerfile && grep -q '/healthz' deploy/Dockerfile || fail "Dockerfile has no /healthz HEALTHCHECK"
grep -Eq '^USER [1-9][0-9]*(:[1-9][0-9]*)?$' deploy/Dockerfile || fail "Dockerfile does not switch to a numeric non-root user"
echo "ok"

# --- systemd unit --------------------------------------------------------------------------
step "systemd-analyze verify / security deploy/systemd/zhner.service"
# verify resolves the unit's dependencies and checks ExecStart is executable, under --root: a
# throw-away root with the distribution's units and stubs at the unit's command paths, so nothing
# is installed on this machine. It exits 0 on unknown keys or bad values, so any output fails too.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
cp deploy/systemd/zhner.service "$root/etc/systemd/system/"
# Every Exec*= command (ExecStart, ExecReload, ...) gets a stub: verify checks each is executable.
for exec_path in $(sed -n 's/^Exec[A-Za-z]*=\([^ ]*\).*/\1/p' deploy/systemd/zhner.service); do
    install -D -m 0755 /dev/null "$root$exec_path"
done
out=$(systemd-analyze verify --root="$root" zhner.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warned: $out"
# The hardening is measured, not just listed: exposure must stay at or below 1.5 ("OK", 0-10 scale).
out=$(systemd-analyze security --offline=true --threshold=15 --root="$root" zhner.service 2>&1) \
    || fail "systemd-analyze security: exposure above 1.5: $(echo "$out" | tail -1)"
echo "$out" | tail -1

# --- Kubernetes ----------------------------------------------------------------------------
step "kubernetes-validate --strict deploy/k8s/*.yaml"
# --strict rejects fields the schema does not know (typos such as periodSecond).
"$VENV/bin/kubernetes-validate" --strict --quiet deploy/k8s/*.yaml
echo "ok: $(ls deploy/k8s/*.yaml | wc -l) files"

# --- Prometheus ----------------------------------------------------------------------------
step "promtool check config / check rules / test rules"
"$PROMTOOL" check config deploy/prometheus/prometheus.yml
"$PROMTOOL" check rules deploy/prometheus/zhner-alerts.yaml
"$PROMTOOL" test rules deploy/prometheus/zhner-alerts.test.yaml

# --- live server: metrics names, graceful stop as PID 1 ------------------------------------
ZHNER_BIN=${ZHNER_BIN:-$(for b in .build/debug/zhner .build/release/zhner; do [ -x "$b" ] && echo "$b" && break; done || true)}
[ -n "$ZHNER_BIN" ] && [ -x "$ZHNER_BIN" ] || fail "no zhner binary: run swift build first or set ZHNER_BIN"
step "live $ZHNER_BIN serve: /metrics vs alerts, dashboard, docs"
log=$(mktemp -d)
"$ZHNER_BIN" serve --model models/default --port 0 >"$log/out" 2>"$log/err" &
server=$!
stop_server() { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap 'stop_server; rm -rf "$root" "$log"' EXIT
url=$(python3 -m pytools.zhner_server "$log/out" "$server" --timeout 30) \
    || fail "zhner serve did not start: $(cat "$log/err")"
url=${url%/}
post() { curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$2" "$url$1"; }
# One request per route, so every labelled series and histogram the rules use has samples.
post /v1/entities '{"text": "张伟在北京工作。"}'
post /v1/entities/batch '{"texts": ["张伟在北京工作。", "联合国秘书长访问上海。"]}'
post /v1/entities/stream '{"text": "张伟在北京工作。"}'
curl -s -o /dev/null "$url/no-such-route"
curl -sf -o /dev/null "$url/readyz"
curl -sf "$url/metrics" >"$log/metrics"
"$PROMTOOL" check metrics <"$log/metrics" || fail "promtool check metrics found problems in /metrics"
"$VENV/bin/python" deploy/check_refs.py "$log/metrics"
# The image's HEALTHCHECK command itself (JSON exec form in the Dockerfile), run against this server.
python3 - "$log/healthcheck" <<'PY'
import json, re, sys
text = open("deploy/Dockerfile").read().replace("\\\n", " ")
cmd = json.loads(re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", text, re.M).group(1))
open(sys.argv[1], "w").write("\0".join(cmd))
PY
port=${url##*:}
ZHNER_PORT=$port xargs -0 -a "$log/healthcheck" env >/dev/null || fail "the Dockerfile's HEALTHCHECK fails against a healthy server"
ZHNER_PORT=1 xargs -0 -a "$log/healthcheck" env >/dev/null 2>&1 && fail "the Dockerfile's HEALTHCHECK passes with nothing listening"
echo "HEALTHCHECK: passes on /healthz, fails with nothing listening"
kill -TERM "$server"
rc=0; wait "$server" || rc=$?
[ "$rc" -eq 0 ] || fail "zhner serve exited $rc on SIGTERM (expected 0: graceful stop)"
echo "SIGTERM: exit 0"

# In the container zhner is PID 1, which the kernel sends only signals it handles or blocks.
step "graceful stop as PID 1 (the container case)"
if unshare --pid --fork --kill-child true 2>/dev/null; then
    : >"$log/out"
    unshare --pid --fork --kill-child "$ZHNER_BIN" serve --model models/default --port 0 >"$log/out" 2>"$log/err" &
    wrapper=$!
    python3 -m pytools.zhner_server "$log/out" "$wrapper" --timeout 30 >/dev/null \
        || fail "zhner did not start in a PID namespace: $(cat "$log/err")"
    # unshare --fork's only child is zhner (read from /proc: ps may not be installed).
    pid1=$(tr -d ' ' <"/proc/$wrapper/task/$wrapper/children")
    grep -q 'NSpid:.*[[:space:]]1$' "/proc/$pid1/status" || fail "zhner is not PID 1 in its namespace"
    kill -TERM "$pid1"
    rc=0; wait "$wrapper" || rc=$?
    [ "$rc" -eq 0 ] || fail "zhner as PID 1 exited $rc on SIGTERM (expected 0)"
    echo "ok: exit 0"
else
    echo "SKIP: this machine does not allow PID namespaces (unshare --pid)"
fi

# docs/DEPLOY.md installs the binary with the Swift libraries `ldd` names copied beside it (found
# through its $ORIGIN run path); the Dockerfile copies the same list. Hide the toolchain's library
# directory in a private mount namespace and run the copy: a missing library shows here.
step "installed layout runs without the Swift toolchain"
swiftlib=$(ldd "$ZHNER_BIN" | awk '/libswiftCore/ { print $3 }' | xargs -r dirname)
[ -n "$swiftlib" ] || fail "ldd does not list libswiftCore for $ZHNER_BIN"
if unshare --mount true 2>/dev/null; then
    mkdir -p "$log/install/bin" "$log/empty"
    cp "$ZHNER_BIN" "$log/install/bin/zhner"
    ldd "$ZHNER_BIN" | awk '$3 ~ /\/swift\// { print $3 }' | xargs cp -L -t "$log/install/bin/"
    out=$(unshare --mount sh -c 'mount --bind "$1" "$2" && "$3" info models/default' sh \
          "$log/empty" "$swiftlib" "$log/install/bin/zhner" 2>&1) || fail "installed copy does not run: $out"
    echo "ok: $(ls "$log/install/bin" | wc -l) files"
else
    echo "SKIP: this machine does not allow mount namespaces (unshare --mount)"
fi

printf '\ndeploy/check.sh: all checks passed\n'
