#!/usr/bin/env bash
# Runs every test level: xunit service tests, bUnit component tests and the Playwright end-to-end suite (real app, real
# SQLite file, Debian's Chromium) on SQLite; then the service and component tests again on PostgreSQL, and the deployment
# tests (two published instances on one PostgreSQL database behind nginx). Installs what a fresh machine lacks first.
# Arguments go to both dotnet test runs (a --filter is combined with the PostgreSQL run's own).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian's ${missing[*]} for the tests..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# A private server (its own folder and port; the system's cluster is not used). Stopped at the end only if this run
# started it: a developer's running server stays up.
if scripts/postgres.sh status; then started_postgres=""; else started_postgres=yes; fi
stop_postgres() { if [ -n "$started_postgres" ]; then scripts/postgres.sh stop; fi; }
trap stop_postgres EXIT
PORTAL_TEST_POSTGRES=$(scripts/postgres.sh start)
export PORTAL_TEST_POSTGRES

sqlite_args=("$@")
postgres_filter="Provider!=Sqlite"
postgres_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) postgres_filter="($2)&$postgres_filter"; shift 2 ;;
    --filter=*) postgres_filter="(${1#--filter=})&$postgres_filter"; shift ;;
    *) postgres_args+=("$1"); shift ;;
  esac
done

dotnet restore CredentialPortal.sln

failed=0
# A hung test must not hold CI for its whole budget.
echo "== The whole suite on SQLite (and the deployment tests on PostgreSQL behind nginx)"
dotnet test CredentialPortal.sln --no-restore --blame-hang-timeout 5m ${sqlite_args[@]+"${sqlite_args[@]}"} || failed=1
echo "== CredentialPortal.Tests on PostgreSQL"
PORTAL_TEST_PROVIDER=Postgres dotnet test CredentialPortal.Tests --no-build --blame-hang-timeout 5m \
  --filter "$postgres_filter" ${postgres_args[@]+"${postgres_args[@]}"} || failed=1
exit $failed
