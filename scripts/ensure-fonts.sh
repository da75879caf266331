#!/usr/bin/env bash
# Korean PDFs need a CJK font (Debian's fonts-noto-cjk) and the tests check them with poppler's
# pdffonts and pdftotext. Installs both when missing and we may; otherwise warns loudly (the PDF
# tests then skip with the same warning).
set -u
have() { fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && command -v pdffonts >/dev/null 2>&1; }
if have; then
  echo "CJK fonts and poppler: present"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "CJK fonts or poppler missing: installing Debian's fonts-noto-cjk and poppler-utils"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq fonts-noto-cjk poppler-utils >/dev/null || true
fi
if have; then
  echo "CJK fonts and poppler: present"
else
  echo "!!!!!!!! WARNING: no CJK font or poppler could be installed; Korean PDF tests will be SKIPPED !!!!!!!!"
fi
exit 0
