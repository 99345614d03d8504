#!/bin/sh
# A short libFuzzer run of the id-mapping service's parsers (fuzz_idmap.c:
# the request the warden reads from a jail, newuidmap's command line,
# /etc/subuid), from the seeds in tests/fuzz/corpus-idmap: no crash, no
# hang, no leak, no undefined behaviour, and nothing accepted that maps
# more than was granted or the host's root (the harness aborts then). The
# long run is "make fuzz". IDMAP_FUZZER is the harness "make check" built.
. "$(dirname "$0")/short-run.sh"
short_run "${IDMAP_FUZZER:-}" 1000000 corpus-idmap \
	"crash, hang, leak, undefined behaviour or grant exceeded"
