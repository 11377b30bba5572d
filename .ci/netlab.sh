#!/usr/bin/env bash
# Installs what internal/netlab needs to build its network lab (network
# namespaces, veth pairs with offloads off, a TUN forwarder): iproute2's ip
# and ethtool. The lab tests fail instead of skipping in CI
# (RACETEST_REAL_SERVERS=1) when they are missing. Idempotent and quiet.
set -euo pipefail
source "$(dirname "$0")/apt.sh"

missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v ethtool >/dev/null 2>&1 || [ -x /usr/sbin/ethtool ] || missing+=(ethtool)
[ ${#missing[@]} -eq 0 ] && exit 0
apt_install netlab.sh "${missing[@]}"
