#!/usr/bin/env bash
# The read-replica test (tests/ops/test_replica.py) builds a throw-away primary and a streaming
# replica with PostgreSQL's server binaries (initdb, pg_basebackup, postgres) on free ports. The
# database ZI tests against may run elsewhere (a container): install the binaries only, without the
# cluster Debian would otherwise create and start on 5432.
set -euo pipefail
ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PostgreSQL's server binaries for the read-replica test (no cluster is created)…"
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/zi-no-main-cluster.conf
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 && exit 0
fi
echo "The read-replica test needs PostgreSQL's server binaries: sudo apt-get install -y postgresql" >&2
exit 1
