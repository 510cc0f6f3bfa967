#!/bin/sh
# docker-compose: the one-shot `dashboard-setup` (dashboard image). Applies the dashboard's migrations
# (the CLI's first store access does), creates the environment the shop reports to and an ingest key
# for it, and writes the key to INGEST_KEY_FILE on the shared `telemetry-keys` volume, which the shop
# reads through DORM_TELEMETRY_TOKEN_FILE. Safe to run again: it keeps an existing environment and a
# key file that still holds an active key, and replaces a revoked or unknown one.
set -eu

: "${DORM_ENVIRONMENT:=demo}"
: "${INGEST_KEY_FILE:=/dorm-keys/ingest.key}"
: "${INGEST_KEY_LABEL:=shop (docker compose)}"

cd /app/apps/dashboard

dashboard_cli() {
  node --import tsx scripts/dashboard-cli.ts "$@"
}

dashboard_cli env create "$DORM_ENVIRONMENT" --if-missing
dashboard_cli key create --env "$DORM_ENVIRONMENT" --kind ingest --label "$INGEST_KEY_LABEL" \
  --secret-file "$INGEST_KEY_FILE" --if-missing
