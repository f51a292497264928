#!/usr/bin/env bash
# A local PostgreSQL for the benchmarks, with the server's default durability (fsync on,
# synchronous_commit on), as a production database would run:
#   bash bench/postgres.sh start    # prints the superuser URL; data in /tmp/bench/pg
#   bash bench/postgres.sh stop
# Extra server settings: PG_OPTS="-c synchronous_commit=off" bash bench/postgres.sh start
# As root, the cluster runs as the postgres user. Needs Debian's postgresql package.
set -euo pipefail
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
DIR=/tmp/bench/pg; PORT=${PG_PORT:-55432}
as=(); if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
case "${1:-}" in
  start)
    if [ ! -d "$DIR/data" ]; then
      mkdir -p "$DIR"; [ ${#as[@]} -eq 0 ] || chown postgres: "$DIR"
      "${as[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C > /dev/null
    fi
    "${as[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$DIR -c max_connections=200 -c shared_buffers=256MB ${PG_OPTS:-}" start > /dev/null
    echo "postgres://postgres@127.0.0.1:$PORT/postgres" ;;
  stop) "${as[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop > /dev/null ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
