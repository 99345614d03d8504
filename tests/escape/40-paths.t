#!/bin/bash
# Escape class 7 (CATALOGUE.md): volume sources and targets resolved through
# symbolic links the user controls, and swapped between check and use.
#
# The canary: a directory that only root can reach (ESC_INNER, 0755 inside
# a 0700 directory, and the same under /root) holding a world-readable
# file. The user cannot read it on the host; a jail that resolved a
# user's path as root and mounted what it found would show it. Every
# case asserts that it never shows, and that the host's mount table is
# unchanged. In shell mode (jailsh -c) and PAM mode (runuser -l, the
# module appended to /etc/pam.d/runuser-l and put back byte for byte):
#
#   - source ~/vol a symbolic link of the user's to the canary directory,
#     to /root's, to /etc: refused (links not root's are not followed);
#   - target ~/mnt a link of the user's to /etc and to the canary
#     directory: refused, nothing mounted there;
#   - a link in the middle of the source, ~/a -> the canary's parent (the
#     root-only directory, /root), volume ~/a/<canary directory>: refused;
#   - a root-owned link in the home (the user's directory), followed as it
#     should be; then replaced by the user (rm + ln, and rename over it)
#     with one to the canary directory: refused;
#   - a race: the user swaps ~/vol between a real directory and a link to
#     the canary directory (renameat2 RENAME_EXCHANGE in a tight C loop,
#     probes/xchg_race.c) while jailsh starts 2000 times (PAM: runuser -l
#     300 times): every start either mounts the real directory or is
#     refused, and none shows the canary; the same for a target swapped
#     with a link to a root-owned directory (1000 starts; PAM 300).
#
# Positive controls: each link does lead where it says (root reads the
# canary through it); the user cannot reach the canary on the host, but a
# bind mount of the path resolved as root does show it to the user; the
# racer really flips the path between both kinds.
. "$(dirname "$0")/lib.sh"
esc_setup
esc_cc xchg_race || skip_all "cannot build xchg_race"
RACE_N=${ESC_RACE_N:-2000}
TRACE_N=${ESC_TRACE_N:-1000}
PAM_RACE_N=${ESC_PAM_RACE_N:-300}

esc_user U "$J"
esc_user P /bin/bash
RDIR=/root/jt-esc-$$
install -d -m 755 "$RDIR"
at_exit "rm -rf '$RDIR'"
printf '%s\n' "$ESC_INNER_TEXT" > "$RDIR/canary"
chmod 644 "$RDIR/canary"
TDIR=$(mktemp -d /var/lib/jt-esc-target.XXXXXX)
chmod 755 "$TDIR"
at_exit "rm -rf '$TDIR'"
echo HOST-TARGET > "$TDIR/host-file"
chmod 644 "$TDIR/host-file"

# as USER, outside any jail: prepare the home
mine() { as_user "$1" sh -c "cd && $2"; }

# --- controls ---------------------------------------------------------------------
control "the user cannot read the canary on the host ($ESC_INNER/canary)" \
	eval '! as_user "$U" cat "$ESC_INNER/canary" >/dev/null 2>&1'
stat -c %a /root | grep -q '^7[0-5]0$' && root_closed=1 || root_closed=
control "... nor the one under /root (mode $(stat -c %a /root))" test -n "$root_closed"
# in a mount namespace of its own (private: nothing reaches the host)
exposed() {
	unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" /mnt &&
		exec setpriv --reuid="$2" --regid="$3" --init-groups cat /mnt/canary' \
		sh "$ESC_INNER" "$U" "$U_GID" 2>/dev/null | grep -qxF "$ESC_INNER_TEXT"
}
control "a bind mount of the canary directory, resolved as root, shows the canary to the user" exposed

# start MODE USER CMD: CMD in the jail (shell: jailsh -c; pam: runuser -l)
start() {
	if [ "$1" = shell ]; then capture as_user "$2" timeout 20 "$J" -c "$3"; else
		capture timeout 20 runuser -l "$2" -c "$3"; fi
}
# never_shown DESC: the last start showed no canary
never_shown() {
	unlike "$OUT$ERR" "$(ere "$ESC_INNER_TEXT")|HOST-TARGET-OVERWRITTEN" "$1"
}
# refused_link MODE USER DESC CMD: the start is refused because of a link
# the user owns, and shows nothing
refused_link() {
	start "$1" "$2" "$4; echo RAN-MARKER"
	local rc=$RC
	[ "$1" = pam ] && [ "$RC" != 0 ] && rc=125
	is "$rc" 125 "$1: $3: refused (exit $RC)"
	unlike "$OUT" RAN-MARKER "  ... the command never ran"
	like "$ERR" "goes through a symbolic link owned by uid $(id -u "$2")" "  ... because of the user's link"
	never_shown "  ... and the canary never shows"
}

links_case() {
	local mode=$1 u=$2 h
	h=$(home "$u")
	profile "$u" 'volume "~" {}
volume "~/vol" { target = "/tmp/vol" }'
	for t in "$ESC_INNER" "$RDIR" /etc; do
		[ "$t" = "$RDIR" ] && [ -z "$root_closed" ] && { skip_n 4 "/root is open"; continue; }
		mine "$u" "rm -rf vol; ln -s $t vol"
		if [ "$mode" = shell ]; then
			control "~/vol -> $t: root reads through the link what is there" \
				test -e "$h/vol/$( [ "$t" = /etc ] && echo hostname || echo canary)"
		fi
		refused_link "$mode" "$u" "source ~/vol -> $t" 'cat /tmp/vol/canary; ls /tmp/vol'
	done
	mine "$u" "rm -f vol"

	# the target: ~/data mounted at ~/mnt, which is a link
	profile "$u" 'volume "~" {}
volume "~/data" { target = "~/mnt" }'
	mine "$u" "mkdir -p data && echo USER-DATA > data/f"
	for t in /etc "$ESC_INNER"; do
		mine "$u" "rm -rf mnt; ln -s $t mnt"
		refused_link "$mode" "$u" "target ~/mnt -> $t" "cat /etc/hostname $ESC_INNER/f"
	done
	mine "$u" "rm -f mnt; mkdir mnt"
	start "$mode" "$u" 'cat ~/mnt/f'
	is "$OUT" USER-DATA "$mode: control: with ~/mnt a real directory, ~/data is mounted there"

	# a link in the middle of the source: ~/a -> the canary's parent (the
	# root-only directory, and /root), volume ~/a/<the canary directory>
	for t in "$ESC_INNER" "$RDIR"; do
		[ "$t" = "$RDIR" ] && [ -z "$root_closed" ] && { skip_n 5 "/root is open"; continue; }
		profile "$u" "volume \"~\" {}
volume \"~/a/${t##*/}\" { target = \"/tmp/vol\" }"
		mine "$u" "rm -rf a; ln -s ${t%/*} a"
		[ "$mode" = shell ] && control "~/a -> ${t%/*}: root finds ~/a/${t##*/}/canary through it" \
			test -e "$h/a/${t##*/}/canary"
		refused_link "$mode" "$u" "source ~/a/${t##*/} with ~/a -> ${t%/*}" 'cat /tmp/vol/canary'
	done
	mine "$u" "rm -f a"

	# a link root made in the user's home: followed; replaced by the
	# user's: refused
	profile "$u" 'volume "~" {}
volume "~/rl" { target = "/tmp/vol" }'
	mine "$u" "rm -rf real rl; mkdir real && echo REAL-DIR > real/id"
	ln -s "$h/real" "$h/rl"
	chown -h root:root "$h/rl"
	start "$mode" "$u" 'cat /tmp/vol/id'
	is "$OUT" REAL-DIR "$mode: a root-owned link ~/rl -> ~/real is followed (root's links are)"
	mine "$u" "rm rl && ln -s $ESC_INNER rl"
	is "$(stat -c %U "$h/rl")" "$u" "$mode: the user replaced it (rm, ln -s) with a link of their own"
	refused_link "$mode" "$u" "source ~/rl, replaced by the user's link to the canary" 'cat /tmp/vol/canary'
	mine "$u" "rm -f rl"
	ln -s "$h/real" "$h/rl"
	chown -h root:root "$h/rl"
	mine "$u" "ln -s $ESC_INNER rl.new && mv -T rl.new rl"
	refused_link "$mode" "$u" "source ~/rl, renamed over by the user's link to the canary" 'cat /tmp/vol/canary'
	# an admin's link into a place the user cannot reach: opened with the
	# user's rights
	rm -f "$h/rl"
	ln -s "$ESC_INNER" "$h/rl"
	chown -h root:root "$h/rl"
	start "$mode" "$u" 'cat /tmp/vol/canary; echo RAN-MARKER'
	ok "$mode: a root-owned link to the canary directory: opened with the user's rights, refused (exit $RC)" \
		test "$RC" != 0
	unlike "$OUT" RAN-MARKER "  ... the command never ran"
	never_shown "  ... and the canary never shows"
	rm -f "$h/rl"
	mine "$u" "rm -rf real data mnt"
}

links_case shell "$U"
esc_pam_append runuser-l
links_case pam "$P"
is "$(host_mounts)" "$ESC_MOUNTS" "after the link cases, the host's mount table is as it was"

# --- races -------------------------------------------------------------------------------
# racer USER PATH TARGET: xchg_race as USER in the background (RACER pid)
racer() {
	# exec: RACER is the racer's own pid, which is then killed by it
	(cd / && exec setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups \
		--reset-env -- "$ESC_DIR/xchg_race" "$2" "$3") &
	RACER=$!
	at_exit "kill $RACER 2>/dev/null"
}
stop_racer() { kill "$RACER" 2>/dev/null; wait "$RACER" 2>/dev/null; }
# flips PATH: root sees PATH both as a directory and as a link while the
# racer runs
flips() {
	local kinds
	kinds=$(for i in $(seq 2000); do stat -c %F "$1" 2>/dev/null; done | sort -u | tr '\n' ',')
	case $kinds in *directory*link*|*link*directory*) return 0 ;; esac
	diag "kinds seen: $kinds"
	return 1
}
# classify FILE GOOD-REGEX: the race's log, one start a line
# ("rc=N output|output"); prints counts, and the bad lines
classify() {
	awk -v good="$2" -v canary="$ESC_INNER_TEXT" '
		index($0, canary) || index($0, "HOST-TARGET-OVERWRITTEN") { bad++; if (nb++ < 5) print "BAD: " $0 > "/dev/stderr"; next }
		$1 == "rc=0" && $0 ~ good { ran++; next }
		$1 == "rc=125" && /goes through a symbolic link owned by uid/ { refused++; next }
		{ other++; if (no++ < 5) print "OTHER: " $0 > "/dev/stderr" }
		END { printf "%d %d %d %d\n", ran + 0, refused + 0, bad + 0, other + 0 }' "$1"
}
# run_race MODE USER N CMD: N starts of CMD in USER's jail, as fast as
# they go; one line each in the log: "rc=N output|output|"
run_race() {
	if [ "$1" = shell ]; then
		as_user "$2" sh -c 'for i in $(seq '"$3"'); do
			o=$('"$J"' -c "'"$4"'" 2>&1); echo "rc=$? $o" | tr "\n" "|"; echo; done' > "$_state/race.log"
	else
		for i in $(seq "$3"); do
			o=$(runuser -l "$2" -c "$4" 2>&1)
			rc=$?
			[ "$rc" != 0 ] && rc=125
			echo "rc=$rc $o" | tr '\n' '|'
			echo
		done > "$_state/race.log"
	fi
}
# race_report DESC N COUNTS: the assertions for one race
race_report() {
	local ran refused bad other
	read -r ran refused bad other <<EOF
$3
EOF
	is "$bad" 0 "$1: no start showed the canary ($ran mounted the real directory, $refused refused)"
	is "$((ran + refused))" "$2" "  ... every one of the $2 starts either mounted the real one or was refused ($other otherwise)"
	# the control: a race that went one way only every time proves nothing
	# about the other; like every failed control, that is a skip, never a
	# pass (the two checks above hold either way)
	if [ "$ran" -gt 0 ] && [ "$refused" -gt 0 ]; then
		pass "  ... both happened (the race was real: $ran, $refused)"
	else
		skip "control failed: the race went one way only in $2 starts ($ran, $refused): not exercised on this run"
	fi
}

# the source
for m in shell pam; do
	[ $m = shell ] && u=$U n=$RACE_N || u=$P n=$PAM_RACE_N
	h=$(home "$u")
	profile "$u" 'volume "~" {}
volume "~/vol" { target = "/tmp/vol" }'
	mine "$u" "rm -rf vol vol.xchg; mkdir vol && echo REAL-VOL > vol/id"
	racer "$u" "$h/vol" "$ESC_INNER"
	if control "$m: the racer flips ~/vol between a directory and a link to the canary directory" flips "$h/vol"; then
		printf '%s\n' 'cat /tmp/vol/id; cat /tmp/vol/canary 2>/dev/null; exit 0' > "$ESC_DIR/race-src.sh"
		chmod 644 "$ESC_DIR/race-src.sh"
		run_race "$m" "$u" "$n" "sh $ESC_DIR/race-src.sh"
		race_report "$m: source swapped during $n starts" "$n" \
			"$(classify "$_state/race.log" '^rc=0 REAL-VOL[|]$')"
	else
		skip_n 3 "control failed: the racer does not flip the path"
	fi
	stop_racer
	mine "$u" "rm -rf vol vol.xchg"
done

# the target: ~/data at ~/mnt, which flips with a link to a root-owned
# directory
for m in shell pam; do
	[ $m = shell ] && u=$U n=$TRACE_N || u=$P n=$PAM_RACE_N
	h=$(home "$u")
	profile "$u" 'volume "~" {}
volume "~/data" { target = "~/mnt" }'
	mine "$u" "rm -rf mnt mnt.xchg data; mkdir mnt data && echo USER-DATA > data/f"
	racer "$u" "$h/mnt" "$TDIR"
	if control "$m: the racer flips ~/mnt between a directory and a link to $TDIR" flips "$h/mnt"; then
		# in the jail: where the volume is mounted. The mount follows the
		# directory it was made on, wherever the racer has moved it by now
		# (~/mnt or ~/mnt.xchg); never on the root-owned directory
		cat > "$ESC_DIR/race-tgt-$m.sh" <<EOF
awk -v r="$h/data" -v t="$TDIR" '\$4 == r { print "MP=" \$5; if (\$5 == t) print "HOST-TARGET-OVERWRITTEN" }' /proc/self/mountinfo
test -e "$TDIR/f" && echo HOST-TARGET-OVERWRITTEN
cat "$TDIR/host-file"
exit 0
EOF
		chmod 644 "$ESC_DIR/race-tgt-$m.sh"
		run_race "$m" "$u" "$n" "sh $ESC_DIR/race-tgt-$m.sh"
		race_report "$m: target swapped during $n starts" "$n" \
			"$(classify "$_state/race.log" "^rc=0 MP=$h/mnt([.]xchg)?[|]HOST-TARGET[|]\$")"
	else
		skip_n 3 "control failed: the racer does not flip the path"
	fi
	stop_racer
	mine "$u" "rm -rf mnt mnt.xchg data"
done
is "$(cat "$TDIR/host-file")" HOST-TARGET "the root-owned target directory on the host is untouched"

ok "nothing of the users is left" eval 'no_live_processes "$U" 5 && no_live_processes "$P" 5'
pam_restore_check
esc_host_unchanged "after it all"

done_testing
