#!/usr/bin/env bash
# The test command: starts PostgreSQL and an SMTP server on spare ports, runs every test, stops them again.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter FullyQualifiedName~Topology).
set -euo pipefail
cd "$(dirname "$0")"
eval "$(scripts/services.sh start)"
trap 'scripts/services.sh stop "$GDS_TEST_SERVICES_DIR"' EXIT
dotnet build GdsStreams.sln -c Release -nologo -clp:ErrorsOnly
# A schema change that new readers cannot read old records with fails the run before any test (docs/schemas.md).
DOTNET_NOLOGO=1 dotnet src/Gds.Cli/bin/Release/net10.0/gds.dll schemas check
log=$(mktemp)
set +e
dotnet test GdsStreams.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One closing line for the whole solution, in the plain form CI reads.
passed=$(awk '/^[[:space:]]+Passed: [0-9]+/ {s += $2} END {print s + 0}' "$log")
failed=$(awk '/^[[:space:]]+Failed: [0-9]+/ {s += $2} END {print s + 0}' "$log")
skipped=$(awk '/^[[:space:]]+Skipped: [0-9]+/ {s += $2} END {print s + 0}' "$log")
# The failures again, last, so that whoever reads only the end of the output sees what failed and why.
if grep -q '^[[:space:]]*Failed [A-Za-z]' "$log"; then
    echo "failed tests:"
    awk '/^[[:space:]]*Failed [A-Za-z]/ {n = 40} n > 0 {print; n--}' "$log" | grep -v '^[[:space:]]*Passed ' | head -200
fi
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$rc"
