# capture.sh: helpers for tests/integration/{50,60,80,85,90}-*.t, on top of
# harness.sh (source harness.sh first).

# mkuser VAR [SHELL]: a throwaway user (new_user), its name in VAR.
# "u=$(new_user)" would run new_user in a subshell, where its record of
# the user (for removal at exit) is lost; here it runs in this shell and
# only its output goes through a file.
mkuser() {
	_cap_f=$(mktemp /tmp/jt-mkuser.XXXXXX) || { echo "Bail out! mktemp"; exit 1; }
	new_user "${2:-}" > "$_cap_f"
	read -r "$1" < "$_cap_f"
	rm -f "$_cap_f"
	[ -n "${!1}" ] || { echo "Bail out! new_user"; exit 1; }
}

# capture COMMAND...: runs COMMAND; its standard output goes to OUT, its
# standard error to ERR, its exit status to RC (all without the final
# newline, as $(...) gives them).
capture() {
	_cap_f=$(mktemp /tmp/jt-capture.XXXXXX) || { echo "Bail out! mktemp"; exit 1; }
	OUT=$("$@" 2>"$_cap_f")
	RC=$?
	ERR=$(cat "$_cap_f")
	rm -f "$_cap_f"
}

# homedir USER: USER's home directory, from the password database.
homedir() { getent passwd "$1" | cut -d: -f6; }

# ere STRING: STRING with every extended-regex metacharacter escaped, for
# like/unlike on text that holds paths (the private installation's
# directory name has dots in it).
ere() { printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }
