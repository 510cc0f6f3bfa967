#!/bin/sh
# docker-compose: healthcheck of `db-replica`. Healthy when the server answers, is a standby
# (pg_is_in_recovery) and its WAL receiver is streaming from the primary; a standby that merely
# replays archived WAL, or lost the primary, is not healthy.
set -eu

state=$(psql -X -q -U "${POSTGRES_USER:-postgres}" -d "${POSTGRES_DB:-postgres}" -At \
  -c "select pg_is_in_recovery()::text || ':' || coalesce((select status from pg_stat_wal_receiver), 'none')")
if [ "$state" != "true:streaming" ]; then
  echo "replica not streaming (in_recovery:wal_receiver = $state)" >&2
  exit 1
fi
