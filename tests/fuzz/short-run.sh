# tests/fuzz/short-run.sh: a short libFuzzer run, as TAP (sourced by the
# tests/fuzz/*.t files).
#
#   short_run FUZZER RUNS CORPUS WHAT
#
# FUZZER is the harness "make check" built (the checks skip when it is
# not there); RUNS inputs from the seeds in tests/fuzz/CORPUS; WHAT says
# what "no problem" means for this harness.
short_run() {
	fuzzer=$1 runs=$2 corpus=$3 what=$4
	echo 1..2
	if [ -z "$fuzzer" ] || [ ! -x "$fuzzer" ]; then
		echo "ok 1 # SKIP no fuzzer built (make check builds it)"
		echo "ok 2 # SKIP no fuzzer built"
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
