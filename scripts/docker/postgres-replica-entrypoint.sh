#!/usr/bin/env bash
# docker-compose: entrypoint of the streaming replica. On first start (empty data volume) it clones
# the primary with `pg_basebackup -R` (which writes primary_conninfo and standby.signal), then hands
# over to the image's own entrypoint, which finds an existing cluster and just starts it.
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${PRIMARY_HOST:=db-primary}"
: "${PRIMARY_PORT:=5432}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do
    echo "replica: waiting for $PRIMARY_HOST:$PRIMARY_PORT"
    sleep 1
  done
  echo "replica: cloning $PRIMARY_HOST:$PRIMARY_PORT with pg_basebackup -R"
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  gosu postgres pg_basebackup -D "$PGDATA" -R -X stream -c fast \
    -d "host=$PRIMARY_HOST port=$PRIMARY_PORT user=replicator password=$REPLICATION_PASSWORD application_name=${HOSTNAME:-replica}"
fi

exec docker-entrypoint.sh "$@"
