#!/usr/bin/env bash
# Installs what the report package's tests render and validate with when
# it is missing: Debian's chromium (headless rendering and screenshot test)
# and xmllint from libxml2-utils (JUnit schema test). Idempotent and quiet:
# it does nothing when both are present, and it never asks a question.
# Installing needs root, which CI containers are; there is no sudo to ask.
set -euo pipefail
source "$(dirname "$0")/apt.sh"

missing=()
browser=""
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
# Recommends would pull in udev, upower and printing; a font is the only
# one a screenshot needs.
[ -n "$browser" ] || missing+=(chromium fonts-liberation)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
[ ${#missing[@]} -eq 0 ] && exit 0

apt_install chromium.sh "${missing[@]}"
command -v chromium >/dev/null 2>&1 || [ -n "$browser" ]
