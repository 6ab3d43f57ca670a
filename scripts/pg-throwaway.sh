#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks.
# Usage: scripts/pg-throwaway.sh start|stop
#   start prints DATABASE_URL=... on its last line; stop deletes the cluster.
# Autovacuum is off: tests run inside transactions that are rolled back, and an automatic
# ANALYZE that lands mid-test records tables full of not-yet-visible rows as empty, after
# which PostgreSQL plans nested loops for every later test on that database. The
# benchmarks run ANALYZE themselves once their data is in.
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$PGBIN" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
PGPORT=${PGPORT:-55432}
PGDATA=${PGDATA:-/tmp/pg-dueregard-$PGPORT}
AS=""; [ "$(id -u)" = 0 ] && AS="runuser -u postgres --"
case "${1:-start}" in
start)
  if [ -f "$PGDATA/postmaster.pid" ]; then $AS "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$PGDATA"; mkdir -p "$PGDATA"
  [ -n "$AS" ] && chown postgres:postgres "$PGDATA"
  $AS "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGDATA.initdb.log"
  $AS "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 start \
      -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" >/dev/null
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -t 10
  "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE dueregard"
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/dueregard"
  ;;
stop)
  $AS "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA" "$PGDATA.initdb.log"
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
