#!/usr/bin/env bash
# The test command: starts PostgreSQL and an SMTP server on spare ports, runs every test, stops them again.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter FullyQualifiedName~Topology).
set -euo pipefail
cd "$(dirname "$0")"
eval "$(scripts/services.sh start)"
trap 'scripts/services.sh stop "$GDS_TEST_SERVICES_DIR"' EXIT
dotnet build GdsStreams.sln -c Release -nologo -clp:ErrorsOnly
dotnet test GdsStreams.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
