#!/bin/sh
# Installs the Debian packages that building and testing Sekisho need.
# Idempotent and quiet when everything is already present; run by `make run`
# and `make check`. Needs root (or sudo) only when something is missing.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev
      libsodium-dev libssl-dev libzxcvbn-dev libqrencode-dev libsqlite3-dev
      libinih-dev libjansson-dev libcmocka-dev libh2o-evloop-dev libssl-dev
      oathtool liboath-dev libargon2-dev sqlite3 python3 zbar-tools"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

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
