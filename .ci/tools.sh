#!/usr/bin/env bash
# Installs the system tools that the cmd package's tests drive when they
# are missing: bash-completion (cobra's bash script needs it; the
# completion test runs it in a real bash), man-db (renders a generated man
# page), iproute2 (network namespaces of the --start-at test) and openssl
# (writes the encrypted PKCS#8 keys the --key test reads). Idempotent
# and quiet; installing needs root, which CI containers are.
set -euo pipefail
source "$(dirname "$0")/apt.sh"

missing=()
[ -f /usr/share/bash-completion/bash_completion ] || missing+=(bash-completion)
command -v man >/dev/null 2>&1 || missing+=(man-db)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0

apt_install tools.sh "${missing[@]}"
