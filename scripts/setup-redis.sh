#!/usr/bin/env bash
# Installs redis-server (Debian's package) for the queue tests and the queue bench, if it is not
# there yet. Idempotent: a second run only prints the version. The tests start their own servers
# on free loopback ports and stop them by pid; whatever service the package starts is not used.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v redis-server >/dev/null 2>&1; then
  echo "setup-redis: installing redis-server from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
redis-server --version
