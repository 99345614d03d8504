#!/bin/sh
# A short libFuzzer run of the profile parser and the plan builder, from
# the seed corpus in tests/fuzz/corpus: no crash, no hang, no leak, no
# undefined behaviour. The long run is "make fuzz" (FUZZ_SECONDS=600).
# FUZZER is the harness that "make check" built.
echo 1..2
if [ -z "${FUZZER:-}" ] || [ ! -x "$FUZZER" ]; then
	echo "ok 1 # SKIP no fuzzer built (make check builds it)"
	echo "ok 2 # SKIP no fuzzer built"
	exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
top=$(cd "$(dirname "$0")/../.." && pwd)
if "$FUZZER" -runs=200000 -timeout=5 -rss_limit_mb=1024 \
	-artifact_prefix="$dir/" "$dir" "$top/tests/fuzz/corpus" \
	>"$dir/log" 2>&1; then
	echo "ok 1 - 200000 inputs: no crash, hang, leak or undefined behaviour"
else
	echo "not ok 1 - the fuzzer found a problem"
	sed 's/^/# /' "$dir/log" | tail -40
fi
# the seeds themselves are valid profiles (or jailsh.conf)
if grep -q 'INITED cov' "$dir/log" && ! ls "$dir"/crash-* >/dev/null 2>&1; then
	echo "ok 2 - the seed corpus was read and left no crash artifact"
else
	echo "not ok 2 - the seed corpus was not read, or left a crash artifact"
fi
