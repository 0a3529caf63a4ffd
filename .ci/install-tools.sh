#!/usr/bin/env bash
# The one place that installs the system tools pipelab's test suites use (Debian packages).
# Suites that need one of these skip with a notice naming this script when it is missing, and
# fail under CI=true. Safe to run again: apt-get skips what is installed.
set -euo pipefail
PKGS=(
  kcat                      # librdkafka client: embedded-broker compatibility tests and bench
  openssl                   # test certificates for the TLS/SASL broker tests (made at test time)
  python3-confluent-kafka   # librdkafka's transactional API: embedded-broker transaction tests
  redis-server redis-tools  # real feature store tests (pipeline)
  python3-scipy python3-numpy  # reference statistics fixtures for the drift lab
  jupyter-nbconvert python3-nbconvert python3-ipykernel jupyter-client python3-nbclient  # tslab notebooks
  fonts-dejavu-core         # text in SVG -> PNG chart rendering
  docker-compose            # validates docker-compose.yml without an engine (config -q)
  wrk                       # bench/http.ts: the HTTP ceiling beside autocannon
  chromium                  # test/browser: report.html and the live dashboard in a real browser (playwright-core)
)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then echo "install-tools: all present"; exit 0; fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-tools: installed ${missing[*]}"
