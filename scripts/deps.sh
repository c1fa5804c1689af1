#!/bin/sh
# Installs the Debian packages that building and testing Sekisho need.
# Idempotent and quiet when everything is already present; run by `make run`
# and `make check`. Needs root (or sudo) only when something is missing.
# PAM: libpam0g-dev builds pam_sekisho.so; libpam-wrapper and libpamtest0-dev
# run it in tests without /etc/pam.d (libnss-wrapper: a test user without
# /etc/passwd, for the non-root sshd run); openssh-server, openssh-client and
# sshpass are the real sshd and client of tests/integration/95_sshd.sh, which
# starts its own sshd on a loopback port (on a machine with systemd, Debian's
# package also enables the system's ssh service). nginx is the real reverse proxy of
# the forward-auth tests and caddy the other one; both packages start a system
# service on :80 where systemd runs (this container blocks service starts).
# squid: the real proxy of 96_squid.sh (own config and port; a system squid on :3128,
# started only where systemd runs, is not in its way). libevtx-dev reads .evtx files
# for sekisho-watch (its libevtx.h needs libbfio.h, which it does not pull in);
# libevtx-utils is evtxexport. libcurl4-openssl-dev: sekisho-watch's webhook sink
# (linked by sekisho-watch only, not by libsekisho, sekishod or the PAM module).
# sshguard, fail2ban and goaccess are the peers of bench/watch.sh, run there as plain
# parsers on files (sshg-parser, fail2ban-regex, goaccess -f); time is GNU time (max RSS).
# Where systemd runs, sshguard's and fail2ban's packages enable and start their services
# (sshguard follows the journal and blocks attackers through nftables; fail2ban's default
# jail is sshd): they would read the host's logs and firewall real clients, never the
# benchmark's files. goaccess ships no service. This container blocks service starts.
# groff-base: tests/integration/99_install.sh renders the installed man pages with
# groff -ww (normally present already; systemd-analyze, from systemd, is used there
# when present and skipped with a note otherwise).
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev
      libsodium-dev libssl-dev libzxcvbn-dev libqrencode-dev libsqlite3-dev
      libinih-dev libjansson-dev libcmocka-dev libh2o-evloop-dev libssl-dev
      oathtool liboath-dev libargon2-dev sqlite3 python3 zbar-tools chromium wrk curl openssl
      nginx libpam0g-dev libpam-wrapper libpamtest0-dev libnss-wrapper openssh-server
      openssh-client sshpass caddy
      squid libevtx-dev libevtx-utils libbfio-dev libcurl4-openssl-dev
      sshguard fail2ban goaccess time groff-base"

missing=""
# Node.js for the browser tests: any install will do (Debian's or NodeSource's).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

# npm packages of the browser tests (playwright-core drives Debian's Chromium).
npm_deps() {
	here=$(cd "$(dirname "$0")/.." && pwd)
	if [ -f "$here/tests/e2e/package.json" ] && [ ! -d "$here/tests/e2e/node_modules/playwright-core" ]; then
		(cd "$here/tests/e2e" && npm ci --silent --no-audit --no-fund >/tmp/sekisho-npm.log 2>&1) || {
			echo "deps.sh: npm ci in tests/e2e failed; see /tmp/sekisho-npm.log" >&2
			exit 1
		}
	fi
}

if [ -z "$missing" ]; then
	npm_deps
	exit 0
fi

echo "deps.sh: installing Debian packages:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "deps.sh: not root and no sudo; install these packages:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q --no-install-recommends $missing >/tmp/sekisho-deps.log 2>&1; then
	$SUDO apt-get update -q >/tmp/sekisho-deps.log 2>&1 || true
	$SUDO apt-get install -y -q --no-install-recommends $missing >>/tmp/sekisho-deps.log 2>&1 || {
		echo "deps.sh: apt-get failed; see /tmp/sekisho-deps.log" >&2
		exit 1
	}
fi
npm_deps
