# tests/containers/lib.sh: rootless containers in a jail (containers =
# yes), on top of tests/escape/modes.sh (harness.sh, the PAM helpers,
# esc_setup, esc_modes, jin MODE USER CMD, jcap).
#
#   ctr_setup                 esc_setup, esc_modes, and skip_all where
#                             podman or runc is not installed (the only
#                             reason these tests may skip); BB_TAR: a
#                             tarball of busybox-static and its links, the
#                             image every test imports (no network)
#   ctr_user VAR MODE [PROFILE]
#                             a throwaway user (esc_user) whose profile is
#                             containers = yes, the real shell, a writable
#                             home, and PROFILE; with a subordinate range
#                             of its own (ctr_grant), podman's
#                             configuration (ctr_config) and the image
#                             tarball in its home (~/bb.tar); VAR_H,
#                             VAR_UID, VAR_GID, VAR_SUB (the first id of
#                             the range) are set
#   ctr_grant USER            takes away the ranges useradd gave USER and
#                             grants it 65536 uids and gids of its own with
#                             usermod --add-subuids/--add-subgids, far
#                             above what useradd hands out (SUB_UID_MAX);
#                             the first id in CTR_SUB. What is left of
#                             them at exit (userdel removes them) is
#                             removed then.
#   ctr_revoke USER           usermod --del-subuids/--del-subgids of all
#                             of USER's ranges
#   ctr_config USER           ~/.config/containers: runc (this host's
#                             cgroup layout is hybrid, which crun
#                             refuses), cgroupfs, events in a file, and
#                             storage on overlay (native in the user
#                             namespace)
#   ctr_ranges USER FILE      USER's lines in FILE (/etc/subuid, subgid)
#   CTR_FRESH                 shell functions for a script in the jail:
#                             fresh CMD (CMD ending in sleep) starts T, a
#                             child in a user namespace of its own, not
#                             mapped yet; map PID FILE prints "MAP=..."
#   ctr_refused RUN PROBE GRANT DESC ARGS...
#                             a fresh target in the jail (RUN SCRIPT runs
#                             SCRIPT there, setting OUT/ERR/RC), the
#                             request ARGS through the idmap_probe PROBE,
#                             the target's maps, then the control on the
#                             same target (GRANT, a granted uid map): the
#                             request must be refused and map nothing; a
#                             served request fails; a failed control (or
#                             CONTROL empty: the service's own control
#                             failed) skips

. "$(dirname "$0")/../escape/modes.sh"

ctr_setup() {
	esc_setup
	command -v podman >/dev/null 2>&1 ||
		skip_all "podman is not installed (apt-get install podman runc uidmap fuse-overlayfs slirp4netns passt catatonit)"
	command -v runc >/dev/null 2>&1 ||
		skip_all "runc is not installed (apt-get install runc)"
	[ -x /usr/bin/newuidmap ] && [ -x /usr/bin/newgidmap ] ||
		skip_all "shadow's newuidmap and newgidmap are not installed (apt-get install uidmap)"
	[ -x /bin/busybox ] || skip_all "no /bin/busybox (apt-get install busybox-static)"
	esc_modes
	_ctr_img=$_state/bb
	mkdir -p "$_ctr_img/bin"
	cp /bin/busybox "$_ctr_img/bin/"
	for _a in $(/bin/busybox --list); do
		[ "$_a" = busybox ] || ln -s busybox "$_ctr_img/bin/$_a"
	done
	BB_TAR=$_state/bb.tar
	tar -cf "$BB_TAR" -C "$_ctr_img" . ||
		{ echo "Bail out! cannot make the image tarball"; exit 1; }
}

# One lckpwdf'd edit of /etc/subuid and /etc/subgid: the lines of OWNER
# go (a user the test made, whose removal left them).
_ctr_forget_py='
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.lckpwdf() != 0:
    sys.exit("lckpwdf: " + os.strerror(ctypes.get_errno()))
try:
    owner = os.fsencode(sys.argv[1])
    for path in ("/etc/subuid", "/etc/subgid"):
        if not os.path.exists(path):
            continue
        lines = open(path, "rb").read().splitlines(True)
        keep = [l for l in lines if l.split(b":", 1)[0] != owner]
        if keep == lines:
            continue
        st = os.stat(path)
        tmp = path + ".jt-%d" % os.getpid()
        with open(tmp, "wb") as f:
            f.write(b"".join(keep))
        os.chown(tmp, st.st_uid, st.st_gid)
        os.chmod(tmp, st.st_mode & 0o7777)
        os.replace(tmp, path)
finally:
    libc.ulckpwdf()
'
ctr_forget() { "$PY" -c "$_ctr_forget_py" "$1"; }

ctr_ranges() { grep "^$1:" "$2" 2>/dev/null; }

ctr_revoke() {
	for _cr_f in /etc/subuid /etc/subgid; do
		ctr_ranges "$1" "$_cr_f" | while IFS=: read -r _ _cr_a _cr_n; do
			if [ "$_cr_f" = /etc/subuid ]; then
				usermod --del-subuids "$_cr_a-$((_cr_a + _cr_n - 1))" "$1"
			else
				usermod --del-subgids "$_cr_a-$((_cr_a + _cr_n - 1))" "$1"
			fi
		done
	done
}

_ctr_n=0
ctr_grant() {
	ctr_revoke "$1"
	# above SUB_UID_MAX (600100000 by default): useradd never hands
	# these out, so no throwaway user of another test gets them too
	_ctr_n=$((_ctr_n + 1))
	CTR_SUB=$((1000000000 + (($$ * 4 + _ctr_n) % 16000) * 65536))
	usermod --add-subuids "$CTR_SUB-$((CTR_SUB + 65535))" \
		--add-subgids "$CTR_SUB-$((CTR_SUB + 65535))" "$1" ||
		{ echo "Bail out! usermod --add-subuids"; exit 1; }
	at_exit "ctr_forget '$1'"
}

ctr_config() {
	_cc_h=$(home "$1")
	install -d -o "$1" -g "$(id -g "$1")" "$_cc_h/.config" \
		"$_cc_h/.config/containers"
	cat > "$_cc_h/.config/containers/containers.conf" <<-'EOF'
	[engine]
	runtime = "runc"
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	EOF
	cat > "$_cc_h/.config/containers/storage.conf" <<-'EOF'
	[storage]
	driver = "overlay"
	EOF
	chown "$1:$(id -g "$1")" "$_cc_h/.config/containers/"*
}

ctr_user() {
	esc_user "$1" "$2"
	esc_profile "${!1}" "containers = yes
${3:-}"
	ctr_grant "${!1}"
	ctr_config "${!1}"
	eval "$1_H=\$(home \"\${!1}\")"
	eval "$1_UID=\$(id -u \"\${!1}\")"
	eval "$1_GID=\$(id -g \"\${!1}\")"
	eval "$1_SUB=$CTR_SUB"
	install -m 644 -o "${!1}" "$BB_TAR" "$(home "${!1}")/bb.tar"
}

CTR_FRESH='fresh() { "$@" & T=$!; while [ "$(cat /proc/$T/comm 2>/dev/null)" != sleep ]; do sleep 0.02; done; }
map() { printf "MAP=%s\n" "$(tr -s " \t" "  " < /proc/$1/$2 | sed "s/^ //" | paste -sd "|")"; }'

ctr_refused() {
	_rr=$1 _rp=$2 _rg=$3 _rd=$4
	shift 4
	"$_rr" "$CTR_FRESH
fresh unshare -U sleep 30
echo R=\$($_rp $*); map \$T uid_map; map \$T gid_map
echo C=\$($_rp send uid \$T $_rg)
kill \$T"
	# served: the attack worked (and the control then cannot), a failure
	if [ "$(val R)" = OK ]; then
		fail "$_rd: refused (it was served)"
		diag "$OUT"
		fail "  ... nothing mapped"
		return
	fi
	if [ -z "$CONTROL" ] || [ "$(val C)" != OK ]; then
		skip "control failed (the same target could not be mapped with a granted range): $_rd"
		diag "$OUT" "$ERR"
		skip "control failed: $_rd"
		return
	fi
	like "$(val R)" "^REFUSED: " "$_rd: refused ($(val R))"
	is "$(printf '%s\n' "$OUT" | grep -c '^MAP=$')" 2 "  ... nothing mapped (the same target then takes a granted range)"
}
