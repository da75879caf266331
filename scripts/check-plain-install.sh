#!/usr/bin/env bash
# Install refwatch the way a user does (`pip install .`, no dev extras) into a fresh virtual
# environment and ingest one file of every supported type (.txt, .md, .html, .pdf).
#
# Why: the dev extra pulls in many packages, so a runtime dependency that only arrives through
# it (or through a dependency that may stop bringing it along) goes unnoticed by the tests;
# HTML ingest once failed in a plain install because `lxml.html.clean` (the separate
# lxml_html_clean package) was missing. Everything happens in a temporary folder that is
# removed on exit; the data directory and its key file are throwaway, as are the reports
# (copies of the fictional samples in samples/reports).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/refwatch-plain-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "plain install: fresh venv in $work"
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-compile .
# Nothing of the dev extra may be needed at run time: make sure none of it came along.
if "$work/venv/bin/python" -c "import pytest" 2>/dev/null; then
  echo "plain install: pytest is installed without the dev extra; the check proves nothing" >&2
  exit 1
fi

mkdir -p "$work/reports" "$work/home"
cp samples/reports/fict-01-tumen-en.txt "$work/reports/"
cp samples/reports/fict-05-guangxi-en.md "$work/reports/"
cp samples/reports/fict-06-testimony-ko.html "$work/reports/"
cp samples/reports/fict-04-shenyang-en.pdf "$work/reports/"

export REFWATCH_HOME="$work/home" REFWATCH_KEY_FILE="$work/plain.key" REFWATCH_USER=plain-install
unset REFWATCH_DATABASE_URL REFWATCH_PASSPHRASE
rw="$work/venv/bin/refwatch"
"$rw" keys new-keyfile "$REFWATCH_KEY_FILE" >/dev/null
"$rw" init >/dev/null
# ingest exits non-zero when any file fails; its report names the file and the reason.
"$rw" ingest "$work/reports" | tee "$work/ingest.out"
if ! grep -q '^4 stored, 0 unchanged, 0 failed' "$work/ingest.out"; then
  echo "plain install: expected the 4 reports (txt, md, html, pdf) stored" >&2
  exit 1
fi
echo "plain install: ingested .txt, .md, .html and .pdf without the dev extra"
