#!/usr/bin/env bash
# The whole test suite: lint, types, then every test against a real Neo4j.
# Starts the project's local Neo4j unless NEO4J_URI points at one, and always stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

started=""
stop_neo4j() {
  if [ -n "$started" ]; then
    "$BIN/buyergraph" neo4j stop || true
  fi
}
trap stop_neo4j EXIT

if [ -z "${NEO4J_URI:-}" ]; then
  if ! "$BIN/buyergraph" neo4j status >/dev/null 2>&1; then
    "$BIN/buyergraph" neo4j start
    started=1
  fi
  eval "$("$BIN/buyergraph" neo4j env)"
fi

echo "== ruff"
"$BIN/ruff" check .
echo "== mypy"
"$BIN/mypy"
# The browser tests (tests/e2e) drive Debian's Chromium; install it when it is missing.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "== installing chromium and chromium-driver for the browser tests"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi
# Screenshots of the Chinese pages need a CJK font (Debian's Noto CJK), installed the same way.
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  echo "== installing fonts-noto-cjk for the Chinese pages' screenshots"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig
fi

echo "== pytest"
"$BIN/python" -m pytest "$@"
