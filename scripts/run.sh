#!/bin/sh
# `make run`: the product on its embedded default - SQLite database and key
# file in ./var, loopback only, the bootstrap administrator.  sekishod creates
# ./var on first start and prints admin's initial password once; open the URL
# it prints and sign in.  Ctrl-C stops it.
set -eu
SEKISHOD=${1:-build/sekishod}
export SEKISHO_DB="${SEKISHO_DB:-var/sekisho.db}"
if [ -f "$SEKISHO_DB" ]; then
	echo "Using $SEKISHO_DB (delete ./var to start over; the CLI: build/sekisho --db $SEKISHO_DB ...)"
fi
echo "Open http://127.0.0.1:8080/ and sign in as admin."
exec "$SEKISHOD" --db "$SEKISHO_DB"
