#!/bin/sh
# A short libFuzzer run of the id-mapping service's parsers (fuzz_idmap.c:
# the request the warden reads from a jail, newuidmap's command line,
# /etc/subuid), from the seeds in tests/fuzz/corpus-idmap: no crash, no
# hang, no leak, no undefined behaviour, and nothing accepted that maps
# more than was granted or the host's root (the harness aborts then). The
# long run is "make fuzz". IDMAP_FUZZER is the harness "make check" built.
echo 1..2
if [ -z "${IDMAP_FUZZER:-}" ] || [ ! -x "$IDMAP_FUZZER" ]; then
	echo "ok 1 # SKIP no fuzzer built (make check builds it)"
	echo "ok 2 # SKIP no fuzzer built"
	exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
top=$(cd "$(dirname "$0")/../.." && pwd)
if "$IDMAP_FUZZER" -runs=1000000 -timeout=5 -rss_limit_mb=1024 \
	-artifact_prefix="$dir/" "$dir" "$top/tests/fuzz/corpus-idmap" \
	>"$dir/log" 2>&1; then
	echo "ok 1 - 1000000 inputs: no crash, hang, leak, undefined behaviour or grant exceeded"
else
	echo "not ok 1 - the fuzzer found a problem"
	sed 's/^/# /' "$dir/log" | tail -40
fi
if grep -q 'INITED cov' "$dir/log" && ! ls "$dir"/crash-* >/dev/null 2>&1; then
	echo "ok 2 - the seed corpus was read and left no crash artifact"
else
	echo "not ok 2 - the seed corpus was not read, or left a crash artifact"
fi
