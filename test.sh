#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, starts one ephemeral PostgreSQL and Redis for the
# whole run, runs all test projects (unit, integration, contract, end-to-end) and ends with the line
#   N passed, N failed, N skipped
# counted from the test result files. Exits non-zero when anything failed or did not run.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
ensure_prerequisites tests

echo "Building ..."
dotnet build Distribution.Aspire.sln -c Debug -nologo -clp:ErrorsOnly -v:q

work=$(mktemp -d /tmp/da-tests.XXXXXX)
chmod 755 "$work"
results="$work/results"
cleanup() {
  bash tests/TestInfrastructure/test-servers.sh stop "$work/servers" || true
  rm -rf "$work"
}
trap cleanup EXIT

bash tests/TestInfrastructure/test-servers.sh start "$work/servers"
set -a
source "$work/servers/env"
set +a

# One project at a time, the whole-topology tests last: they time the start-up on an otherwise idle
# machine, and two suites fighting over 2 cores would only measure each other.
mapfile -t projects < <(find tests -maxdepth 2 -name '*.Tests.csproj' ! -name 'EndToEnd.Tests.csproj' | sort; find tests -maxdepth 2 -name 'EndToEnd.Tests.csproj')
test_status=0
for project in "${projects[@]}"; do
  echo "== $project"
  dotnet test --project "$project" --no-build --results-directory "$results" --report-xunit-trx || test_status=$?
done

passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$((skipped + $(count notExecuted)))
done

modules=${#projects[@]}
if [ "$files" -lt "$modules" ]; then
  echo "Only $files of $modules test projects produced results: a test host crashed or did not start." >&2
  failed=$((failed + modules - files))
fi

# The failures again at the very end: a failing suite's own output can run to thousands of lines.
if [ "$failed" -gt 0 ]; then
  echo
  echo "Failed tests:"
  python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") in ("Passed", "NotExecuted"):
            continue
        message = result.find(".//t:Message", ns)
        trace = result.find(".//t:StackTrace", ns)
        print(f"- {result.get('testName')} ({result.get('outcome')}, {result.get('duration')})")
        for text in ((message.text if message is not None else "") or "").splitlines()[:15]:
            print("    " + text)
        for text in ((trace.text if trace is not None else "") or "").splitlines()[:6]:
            print("    " + text)
PY
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || [ "$test_status" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
