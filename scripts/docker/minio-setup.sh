#!/bin/sh
# docker-compose: the one-shot `minio-setup` (minio/mc image). Creates the bucket the example app
# stores its files in (S3_BUCKET); an existing bucket is kept.
set -eu

: "${S3_BUCKET:=dorm-media}"
: "${MINIO_URL:=http://minio:9000}"

attempt=1
until mc alias set local "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null; do
  if [ "$attempt" -ge 30 ]; then
    echo "minio-setup: $MINIO_URL refused the root credentials 30 times; check MINIO_ROOT_USER/MINIO_ROOT_PASSWORD" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 1
done
mc mb --ignore-existing "local/$S3_BUCKET"
echo "minio-setup: bucket '$S3_BUCKET' ready"
