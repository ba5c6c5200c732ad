#!/usr/bin/env bash
# Runs every test level: xunit service tests, bUnit component tests and the Playwright end-to-end suite
# (real app, real SQLite file, Debian's Chromium). Installs what a fresh machine lacks first.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the end-to-end tests..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
fi

dotnet restore CredentialPortal.sln
# A hung test must not hold CI for its whole budget.
dotnet test CredentialPortal.sln --no-restore --blame-hang-timeout 5m "$@"
