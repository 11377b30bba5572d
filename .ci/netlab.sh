#!/usr/bin/env bash
# Installs what internal/netlab needs to build its network lab (network
# namespaces, veth pairs with offloads off, a TUN forwarder): iproute2's ip
# and ethtool. The lab tests fail instead of skipping in CI
# (RACETEST_REAL_SERVERS=1) when they are missing. Idempotent and quiet.
set -euo pipefail

missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v ethtool >/dev/null 2>&1 || [ -x /usr/sbin/ethtool ] || missing+=(ethtool)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "== installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
