#!/usr/bin/env bash
# Make sure Debian's Chromium exists for the browser tests (Playwright drives it through
# executable_path; no browser is downloaded). Installs the package when missing and we may;
# otherwise prints a loud warning (the browser tests then skip with the same warning).
set -u
if command -v chromium >/dev/null 2>&1; then
  echo "Chromium: $(command -v chromium)"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium missing: installing Debian's chromium package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null || true
fi
if command -v chromium >/dev/null 2>&1; then
  echo "Chromium: $(command -v chromium)"
else
  echo "!!!!!!!! WARNING: no Chromium could be installed; browser tests will be SKIPPED !!!!!!!!"
fi
exit 0
