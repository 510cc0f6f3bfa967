#!/usr/bin/env bash
# docker-compose: runs once, when the primary's data volume is first initialised (mounted into
# /docker-entrypoint-initdb.d). Creates the replication role the replica connects with, lets it in
# through pg_hba.conf, and creates the dashboard's own database.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v replication_password="$REPLICATION_PASSWORD" -v dashboard_db="${DASHBOARD_DB:-dashboard}" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
SELECT format('CREATE DATABASE %I', :'dashboard_db') \gexec
SQL

echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
