#!/usr/bin/env bash
# Installs what the report package's tests render and validate with when
# it is missing: Debian's chromium (headless rendering and screenshot test)
# and xmllint from libxml2-utils (JUnit schema test). Idempotent and quiet:
# it does nothing when both are present, and it never asks a question.
# Installing needs root, which CI containers are; there is no sudo to ask.
set -euo pipefail

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

if ! command -v apt-get >/dev/null 2>&1; then
	echo "chromium.sh: ${missing[*]} missing and no apt-get; install them by hand" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "chromium.sh: installing ${missing[*]} needs root; run: sudo $0" >&2
	exit 1
fi

echo "== installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
command -v chromium >/dev/null 2>&1 || [ -n "$browser" ]
