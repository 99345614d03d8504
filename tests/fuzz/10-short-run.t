#!/bin/sh
# A short libFuzzer run of the profile parser and the plan builder, from
# the seed corpus in tests/fuzz/corpus: no crash, no hang, no leak, no
# undefined behaviour. The long run is "make fuzz" (FUZZ_SECONDS=600).
# FUZZER is the harness that "make check" built.
. "$(dirname "$0")/short-run.sh"
short_run "${FUZZER:-}" 200000 corpus \
	"crash, hang, leak or undefined behaviour"
