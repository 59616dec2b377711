#!/usr/bin/env bash
# Debian packages the tests need: Chromium for Playwright, a CJK font so Chinese renders in charts,
# a CJK font with TrueType outlines for the report PDF (Noto CJK is CFF and cannot be embedded by fpdf2),
# poppler-utils (pdftotext/pdftoppm) to check and render the PDF, and nginx for the deployment test.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# nginx: the deployment test runs two app processes behind it (tests/e2e/test_e2e_accounts_deploy.py)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
