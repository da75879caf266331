#!/usr/bin/env bash
# Make sure Debian's wrk (the HTTP load generator benchmarks/api_load.py drives) exists.
# Installs the package when missing and we may; otherwise says how to run without it.
set -u
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "wrk missing: installing Debian's wrk package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null || true
fi
if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk could not be installed: install it (apt install wrk) or run api_load.py with --client aiohttp" >&2
  exit 1
fi
