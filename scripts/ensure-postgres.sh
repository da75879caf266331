#!/usr/bin/env bash
# Make sure PostgreSQL server binaries (initdb, pg_ctl) exist so that the test session
# can start a throwaway server. Installs Debian's postgresql package when they are missing
# and we may install packages; otherwise prints a loud warning (the PostgreSQL tests
# then skip with the same warning).
set -u
find_initdb() {
  command -v initdb 2>/dev/null && return 0
  ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1
}
if [ -n "$(find_initdb)" ]; then
  echo "PostgreSQL server binaries: $(dirname "$(find_initdb)")"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL server binaries missing: installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null || true
fi
if [ -n "$(find_initdb)" ]; then
  echo "PostgreSQL server binaries: $(dirname "$(find_initdb)")"
else
  echo "!!!!!!!! WARNING: no PostgreSQL server could be installed; PostgreSQL tests will be SKIPPED !!!!!!!!"
fi
exit 0
