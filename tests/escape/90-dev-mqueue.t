#!/bin/bash
# POSIX message queues and /dev/mqueue (CATALOGUE.md, class 22; issue 10,
# item 5: devices = "host" cloned the host's /dev with its 1777
# /dev/mqueue, the queue file system of the host's IPC namespace, in
# which a session could create queues that outlive it and that the host
# and other sessions see, and reach the host's queues by path).
#
#   devices = "host"
#     host    root's queue (mode 0666) is not listed in the jail's
#             /dev/mqueue and cannot be opened there, by path or by
#             mq_open (control: outside, the user lists and opens it)
#     jail    a queue made by path ("> /dev/mqueue/NAME", open O_CREAT)
#             and one made by mq_open: /dev/mqueue in the jail lists both
#             (it is the queue file system of the jail's IPC namespace);
#             while the session runs neither is on the host's /dev/mqueue
#             nor seen by a second session; after it, neither is on the
#             host nor seen by a later session
#   devices = "minimal"
#             no /dev/mqueue in the jail; mq_open works there, and the
#             queue is not the host's, nor a later session's
#
# As the user through jailsh, and under the PAM module (pamrun).
#
# A host may have no /dev/mqueue (systemd mounts one; a container may not):
# then the directory is made on the host's /dev (and removed at exit), and
# the host's queue file system is mounted on it only in a mount namespace
# of the test's own, in which the test runs (again, under unshare -m), so
# that the host's mount table does not change.
if [ "${JT_MQ_NS:-}" != inside ] && [ "$(id -u)" = 0 ] &&
	! findmnt -n -t mqueue /dev/mqueue > /dev/null 2>&1 &&
	command -v unshare > /dev/null; then
	_mq_made=
	if [ ! -e /dev/mqueue ]; then
		mkdir -m 1777 /dev/mqueue && _mq_made=1
	fi
	JT_MQ_NS=inside unshare -m --propagation private -- "$BASH" "$0" "$@"
	_mq_rc=$?
	[ -n "$_mq_made" ] && rmdir /dev/mqueue
	exit "$_mq_rc"
fi
. "$(dirname "$0")/modes.sh"
esc_setup
if [ "${JT_MQ_NS:-}" = inside ]; then
	mount -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue ||
		skip_all "cannot mount the host's mqueue on /dev/mqueue"
fi
findmnt -n -t mqueue /dev/mqueue > /dev/null ||
	skip_all "no mqueue file system on /dev/mqueue"

HQ=jt-host-$$
"$PY" "$ESC_SRC/ipc.py" mq-create "/$HQ" > /dev/null
at_exit "rm -f /dev/mqueue/$HQ /dev/mqueue/jt-*-$$"
ok "control: root's queue /$HQ is on the host's /dev/mqueue" test -e "/dev/mqueue/$HQ"

esc_modes
for M in $MODES; do
	esc_mode_user "$M" 'devices = "host"'

	# --- the host's queues ------------------------------------------------
	OUT=$(as_user "$U" sh -c "ls /dev/mqueue; $PY $PROBES/ipc.py mq /$HQ; cat /dev/mqueue/$HQ > /dev/null && echo PATH=ok")
	if control "$W: outside, the user lists root's queue and opens it (mq_open, by path)" \
		eval '_matches "$OUT" "(^|\n)$HQ\n" && [ "$(val mq_open)/$(val PATH)" = ok/ok ]'; then
		jcap "$M" "$U" "echo LS=\$(ls /dev/mqueue | tr '\n' ' ')
			$PY ~/.probes/ipc.py mq /$HQ
			e=\$(cat /dev/mqueue/$HQ 2>&1 > /dev/null) && echo PATH=ok || echo \"PATH=\${e##*: }\""
		unlike "$(val LS)" "$HQ" "$W: devices = host: root's queue is not listed in the jail's /dev/mqueue"
		is "$(val mq_open)" "No such file or directory" "$W: devices = host: mq_open of root's queue fails (ENOENT)"
		is "$(val PATH)" "No such file or directory" "$W: devices = host: root's queue cannot be opened by path"
	else
		skip_n 3 "control failed: the user cannot reach root's queue outside either"
	fi

	# --- the session's queues ------------------------------------------------
	PQ=jt-path-$M-$$ MQ=jt-mq-$M-$$
	rm -f "$uh/.a-ready" "$uh/.a-go"
	jin "$M" "$U" "
		e=\$( { : > /dev/mqueue/$PQ; } 2>&1) && echo MADE-PATH=ok || echo \"MADE-PATH=\${e##*: }\"
		$PY ~/.probes/ipc.py mq-create /$MQ
		echo LS=\$(ls /dev/mqueue | tr '\n' ' ')
		echo FSTYPE=\$(stat -f -c %T /dev/mqueue)
		touch ~/.a-ready
		i=0; while [ ! -e ~/.a-go ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i+1)); done" \
		> "$_state/a.out" 2>&1 &
	A=$!
	wait_for 10 test -e "$uh/.a-ready"
	OUT=$(cat "$_state/a.out")
	made=$(val MADE-PATH)/$(val mq_create)
	if control "$W: devices = host: the session makes a queue by path and one with mq_open" \
		[ "$made" = ok/ok ]; then
		like " $(val LS) " "^(?=.* $PQ )(?=.* $MQ )" \
			"$W: the jail's /dev/mqueue lists both (the queue file system of its own IPC namespace)"
		is "$(val FSTYPE)" mqueue "  ... and is an mqueue file system"
		ok "$W: while the session runs, the host's /dev/mqueue has neither queue" \
			test ! -e "/dev/mqueue/$PQ" -a ! -e "/dev/mqueue/$MQ"
		jcap "$M" "$U" "echo LS=\$(ls /dev/mqueue | tr '\n' ' '); $PY ~/.probes/ipc.py mq /$MQ"
		unlike "$(val LS)" "$PQ|$MQ" "$W: a second session's /dev/mqueue lists neither"
		is "$(val mq_open)" "No such file or directory" "  ... nor does it open the first's queue"
	else
		diag "$OUT"
		skip_n 5 "control failed: the session could not make its queues"
	fi
	touch "$uh/.a-go"
	wait "$A"
	if [ "$made" = ok/ok ]; then
		ok "$W: after the session, the host's /dev/mqueue has neither queue" \
			test ! -e "/dev/mqueue/$PQ" -a ! -e "/dev/mqueue/$MQ"
		jcap "$M" "$U" "echo LS=\$(ls /dev/mqueue | tr '\n' ' '); $PY ~/.probes/ipc.py mq /$MQ"
		unlike "$(val LS)" "$PQ|$MQ" "$W: a later session's /dev/mqueue lists neither"
		is "$(val mq_open)" "No such file or directory" "  ... nor does it open the queue"
	else
		skip_n 3 "control failed: the session could not make its queues"
	fi

	# --- devices = minimal ------------------------------------------------------
	esc_profile "$U" ''
	NQ=jt-min-$M-$$
	jcap "$M" "$U" "test -e /dev/mqueue && echo DEVMQ=yes || echo DEVMQ=no
		$PY ~/.probes/ipc.py mq-create /$NQ; $PY ~/.probes/ipc.py mq /$NQ"
	is "$(val DEVMQ)" no "$W: devices = minimal: no /dev/mqueue in the jail"
	is "$(val mq_create)/$(val mq_open)" ok/ok "  ... mq_open makes and opens a queue there"
	ok "  ... which is not on the host" test ! -e "/dev/mqueue/$NQ"
	jcap "$M" "$U" "$PY ~/.probes/ipc.py mq /$NQ"
	is "$(val mq_open)" "No such file or directory" "  ... nor in a later session"

	host_same "$W"
	ok "$W: nothing of the user is left running" no_live_processes "$U"
done
ok "root's queue is still there" test -e "/dev/mqueue/$HQ"
done_testing
