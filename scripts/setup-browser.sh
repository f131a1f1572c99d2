#!/usr/bin/env bash
# The browser the dashboard's test drives (playwright-core, no browser
# download): Debian's chromium, installed when missing. One line: what it found
# or did, and how long it took. Prints the browser's path on stdout.
set -euo pipefail

LOG=${SETUP_LOG:-${TMPDIR:-/tmp}/zmq-lab-setup.log}
now() { date +%s.%N; }
t0=$(now)
say() { printf 'setup: %-14s %s (%s s)\n' "browser" "$1" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')" >&2; }

for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    say "$candidate, here already"
    echo "$candidate"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: no chromium here and no apt-get to install it: install Chromium and set CHROMIUM_PATH to it" >&2
  exit 1
fi
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! { run apt-get update && DEBIAN_FRONTEND=noninteractive run apt-get install -y --no-install-recommends chromium; } >>"$LOG" 2>&1; then
  echo "setup: installing chromium failed (as root, or with sudo): see $LOG" >&2
  exit 1
fi
say "/usr/bin/chromium, installed"
echo /usr/bin/chromium
