#!/bin/sh
# docker-compose: the one-shot `shop-migrate` (shop image). Applies the example app's migrations on
# the primary (DATABASE_URL), then seeds the demo data (a no-op when data exists). The shop's server
# does not migrate by itself, so it starts after this service exited 0.
set -eu

cd /app/examples/shop

node /app/packages/engine/dist/cli/bin.js migrate
node --import tsx seed.ts
