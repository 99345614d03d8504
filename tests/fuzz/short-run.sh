# tests/fuzz/short-run.sh: a short libFuzzer run, as TAP (sourced by the
# tests/fuzz/*.t files).
#
#   short_run FUZZER RUNS CORPUS WHAT
#
# FUZZER is the harness "make check" built (the checks skip when none is
# named, and fail when the one named is not there); RUNS inputs from the
# seeds in tests/fuzz/CORPUS; WHAT says what "no problem" means for it.
short_run() {
	fuzzer=$1 runs=$2 corpus=$3 what=$4
	echo 1..2
	if [ -z "$fuzzer" ]; then
		echo "ok 1 # SKIP no fuzzer named (make check builds and names it)"
		echo "ok 2 # SKIP no fuzzer named"
		return 0
	fi
	# named but not there: the build is wrong, not this host
	if [ ! -x "$fuzzer" ]; then
		echo "not ok 1 - the fuzzer $fuzzer was built"
		echo "not ok 2 - the fuzzer $fuzzer was built"
		return 0
	fi
	dir=$(mktemp -d)
	trap 'rm -rf "$dir"' EXIT
	top=$(cd "$(dirname "$0")/../.." && pwd)
	if "$fuzzer" -runs="$runs" -timeout=5 -rss_limit_mb=1024 \
		-artifact_prefix="$dir/" "$dir" "$top/tests/fuzz/$corpus" \
		>"$dir/log" 2>&1; then
		echo "ok 1 - $runs inputs: no $what"
	else
		echo "not ok 1 - the fuzzer found a problem"
		sed 's/^/# /' "$dir/log" | tail -40
	fi
	# the seeds were read (they are valid inputs) and left nothing
	if grep -q 'INITED cov' "$dir/log" &&
		! ls "$dir"/crash-* >/dev/null 2>&1; then
		echo "ok 2 - the seed corpus was read and left no crash artifact"
	else
		echo "not ok 2 - the seed corpus was not read, or left a crash artifact"
	fi
}
