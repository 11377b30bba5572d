# Sourced by the .ci scripts: apt_install WHO PACKAGE... installs the
# Debian packages a test needs, quietly and without recommends, and says
# in one line what to do where it cannot (no apt-get, not root). WHO names
# the calling script in those lines.
apt_install() {
	local who=$1
	shift
	[ $# -eq 0 ] && return 0
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "$who: $* missing and no apt-get; install them by hand" >&2
		exit 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "$who: installing $* needs root; run: sudo bash .ci/$who" >&2
		exit 1
	fi
	echo "== installing $* (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq </dev/null >/dev/null
	apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}
