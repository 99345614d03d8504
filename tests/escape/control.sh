# tests/escape/control.sh: the positive controls of the escape suite,
# sourced by lib.sh and lib2.sh (after harness.sh, for pass and skip).
#
#   esc_control DESC CMD...   a positive control: pass "control: DESC" when
#                             CMD succeeds; otherwise skip, with DESC as
#                             the reason, and return 1 (the caller then
#                             skips what depended on it: never a pass)
#   esc_skip N REASON         N skips with REASON

esc_control() {
	_ec_d=$1; shift
	if "$@"; then
		pass "control: $_ec_d"
		return 0
	fi
	skip "control failed, so this cannot be tested on this host: $_ec_d"
	return 1
}

esc_skip() {
	_es_n=$1; shift
	while [ "$_es_n" -gt 0 ]; do
		skip "$*"
		_es_n=$((_es_n - 1))
	done
}
