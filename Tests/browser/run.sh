#!/usr/bin/env bash
# Browser test of the web page (Tests/browser/test_page.py) in headless Chromium against a real `zhner serve`.
#
#   Tests/browser/run.sh [pytest args…]
#
# Builds nothing: it takes the binary from ZHNER_BIN (default .build/debug/zhner) and the model from
# ZHNER_TEST_MODEL (default the tiny golden-test model). Installs Debian's chromium + chromium-driver if
# missing (as root), makes a venv under BROWSER_VENV (default .build/browser-venv, git-ignored) with
# Tests/browser/requirements.txt, starts the server on a free port, runs the test and stops the server.
# ZHNER_SCREENSHOT=1 also writes docs/screenshot.png, screenshot-en.png and screenshot-redact.png (1280x900); the committed ones are taken with
# ZHNER_TEST_MODEL=models/default ZHNER_SCREENSHOT=1 make test-browser.
set -euo pipefail
cd "$(dirname "$0")/../.."

ZHNER_BIN=${ZHNER_BIN:-.build/debug/zhner}
ZHNER_TEST_MODEL=${ZHNER_TEST_MODEL:-Tests/NERCoreTests/Fixtures/models/tiny-bert}
VENV=${BROWSER_VENV:-.build/browser-venv}

[ -x "$ZHNER_BIN" ] || { echo "run.sh: no zhner binary at $ZHNER_BIN; build it first (swift build --product zhner) or set ZHNER_BIN" >&2; exit 1; }
[ -f "$ZHNER_TEST_MODEL/config.json" ] || { echo "run.sh: no model at $ZHNER_TEST_MODEL" >&2; exit 1; }

# System packages: the browser and its driver; CJK and emoji fonts so screenshots show text, not boxes.
packages=(chromium chromium-driver)
[ "${ZHNER_SCREENSHOT:-0}" = 1 ] && packages+=(fonts-wqy-microhei fonts-noto-color-emoji)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" -ne 0 ]; then echo "run.sh: install ${missing[*]} first (apt-get install -y ${missing[*]})" >&2; exit 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python: selenium + pytest in a venv outside the tracked tree; reinstalled only when requirements change.
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
stamp="$VENV/.requirements.sha256"
want=$(sha256sum Tests/browser/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/pip" install -q --disable-pip-version-check -r Tests/browser/requirements.txt
    echo "$want" >"$stamp"
fi

# The server: a free port, no API keys from the environment; small stream pieces so the long sample
# streams in many lines (an unknown variable is simply ignored by older servers).
log=$(mktemp)
env -u ZHNER_API_KEYS -u ZHNER_API_KEY_FILE -u ZHNER_MAX_TEXT_CHARS ZHNER_STREAM_PIECE_TOKENS=32 \
    "$ZHNER_BIN" serve --port 0 --model "$ZHNER_TEST_MODEL" >"$log" 2>&1 &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -f "$log"
}
trap cleanup EXIT
# Up to 60 s for the model to load; says why if the server exits or prints no serving line by then.
url=$(python3 -m pytools.zhner_server "$log" "$pid" --timeout 60) \
    || { echo "run.sh: zhner serve did not start:" >&2; cat "$log" >&2; exit 1; }
echo "run.sh: server at $url (model $ZHNER_TEST_MODEL)"

export ZHNER_URL="$url" ZHNER_BIN ZHNER_TEST_MODEL
set +e
"$VENV/bin/python" -m pytest -v -rs -p no:cacheprovider Tests/browser/test_page.py "$@"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then echo "--- server log (tail) ---"; tail -n 40 "$log"; fi
exit "$rc"
