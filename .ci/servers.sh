#!/usr/bin/env bash
# Installs the real HTTP servers that internal/realservers starts in tests:
# Debian's nginx, apache2 (mod_http2 ships in it) and caddy, and the
# forward proxies tinyproxy (the -bin package: the binary without the
# system service) and microsocks (SOCKS5). The tests start
# their own instances on free loopback ports with configs in a temp dir; the
# system services are never wanted, so dpkg is told not to start them
# (policy-rc.d) and any that run anyway are stopped and disabled, leaving
# ports 80 and 443 free.
#
# Idempotent and quiet: on a machine that has them all it does nothing.
# Installing needs root, which CI containers are; there is no sudo to ask.
set -euo pipefail
source "$(dirname "$0")/apt.sh"

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || missing+=(apache2)
command -v caddy >/dev/null 2>&1 || [ -x /usr/bin/caddy ] || missing+=(caddy)
command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ] || missing+=(tinyproxy-bin)
command -v microsocks >/dev/null 2>&1 || [ -x /usr/bin/microsocks ] || missing+=(microsocks)
[ ${#missing[@]} -eq 0 ] && exit 0


# invoke-rc.d asks policy-rc.d before starting a service; 101 means "not
# allowed". Docker images often have one already; if not, ours is removed
# again on exit so that the machine's policy is as it was.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ] && [ "$(id -u)" -eq 0 ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi

# Recommends would add ssl-cert and the like; the tests bring their own
# certificates and configs.
apt_install servers.sh "${missing[@]}"

# Belt and braces for hosts where the service started regardless (systemd
# without invoke-rc.d, or a policy that allowed it).
for svc in nginx apache2 caddy; do
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		systemctl disable --now "$svc" >/dev/null 2>&1 || true
	elif command -v service >/dev/null 2>&1; then
		service "$svc" stop >/dev/null 2>&1 || true
	fi
done

for bin in nginx apache2 caddy tinyproxy microsocks; do
	command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || {
		echo "servers.sh: $bin is still missing after apt-get install" >&2
		exit 1
	}
done
