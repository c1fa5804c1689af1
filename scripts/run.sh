#!/bin/sh
# `make run`: the product on its embedded default - a SQLite database and a
# key file in ./var, and the bootstrap administrator.  Until the web portal
# (sekishod) lands, this initialises ./var on first start and opens the
# administrator's first sign-in on this terminal.
set -eu
SEKISHO=${1:-build/sekisho}
export SEKISHO_DB="${SEKISHO_DB:-var/sekisho.db}"

if [ ! -f "$SEKISHO_DB" ]; then
	"$SEKISHO" init
	echo
else
	echo "Using the existing database $SEKISHO_DB (delete ./var to start over)."
fi
echo "Accounts:"
"$SEKISHO" inventory
echo
if [ -t 0 ]; then
	echo "Signing in as 'admin' (Ctrl-C to skip). Try afterwards:"
	echo "  $SEKISHO --db $SEKISHO_DB user add alice --email alice@example.com"
	echo "  $SEKISHO --db $SEKISHO_DB audit verify"
	echo
	"$SEKISHO" login admin || true
else
	echo "Sign in with: $SEKISHO --db $SEKISHO_DB login admin"
fi
