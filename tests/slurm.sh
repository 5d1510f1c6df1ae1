# tests/slurm.sh: a one-node Slurm cluster of the test's own, on loopback:
# munged with its own key and socket, slurmctld and slurmd in the
# foreground as the test's children, state and logs under a directory of
# the test's.  Sourced by tests that need Slurm (tests/e2e/slurm.t).
#
# slurm_start DIR: start the cluster in DIR (made mode 0711: munged
# refuses a socket directory others cannot traverse, and sbatch then hangs
# retrying) and export SLURM_CONF; returns 1 with the reason in
# DIR/why when it cannot (no Slurm, not root, a daemon that does not come
# up within 30 s).  slurm_stop DIR: stop what slurm_start started.

slurm_start() {
	d=$1
	mkdir -p "$d/state" "$d/spool" && chmod 0711 "$d" || return 1
	for p in munged mungekey slurmctld slurmd sbatch scontrol; do
		command -v $p >/dev/null || PATH=$PATH:/usr/sbin
		command -v $p >/dev/null || { echo "no $p (Debian: slurm-wlm, munge)" >"$d/why"; return 1; }
	done
	[ "$(id -u)" -eq 0 ] || { echo "slurmd needs root to start jobs" >"$d/why"; return 1; }
	# ports from the test's pid, so that two runs of the suite do not meet
	port=$((20000 + ($$ % 2000) * 2))
	mungekey -c -k "$d/munge.key" 2>"$d/why" || return 1
	munged -F -f --socket="$d/munge.sock" --key-file="$d/munge.key" \
		--log-file="$d/munged.log" --pid-file="$d/munged.pid" \
		--seed-file="$d/munged.seed" >"$d/munged.out" 2>&1 &
	echo $! >"$d/pids"
	cat >"$d/slurm.conf" <<-EOF
	ClusterName=ccotest
	SlurmctldHost=localhost(127.0.0.1)
	SlurmctldPort=$port
	SlurmdPort=$((port + 1))
	SlurmUser=root
	SlurmdUser=root
	AuthType=auth/munge
	CredType=cred/munge
	AuthInfo=socket=$d/munge.sock
	StateSaveLocation=$d/state
	SlurmdSpoolDir=$d/spool
	SlurmctldPidFile=$d/slurmctld.pid
	SlurmdPidFile=$d/slurmd.pid
	SlurmctldLogFile=$d/slurmctld.log
	SlurmdLogFile=$d/slurmd.log
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	MpiDefault=none
	MailProg=/bin/true
	SchedulerType=sched/backfill
	SelectType=select/cons_tres
	SelectTypeParameters=CR_CPU
	SchedulerParameters=batch_sched_delay=0
	ReturnToService=2
	MinJobAge=600
	JobAcctGatherType=jobacct_gather/none
	AccountingStorageType=accounting_storage/none
	NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN
	PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
	EOF
	export SLURM_CONF=$d/slurm.conf
	for i in $(seq 100); do test -S "$d/munge.sock" && break; sleep 0.1; done
	test -S "$d/munge.sock" || { echo "munged did not start: $(tail -1 "$d/munged.out")" >"$d/why"; return 1; }
	slurmctld -D -f "$SLURM_CONF" >"$d/slurmctld.out" 2>&1 &
	echo $! >>"$d/pids"
	slurmd -D -N localhost -f "$SLURM_CONF" >"$d/slurmd.out" 2>&1 &
	echo $! >>"$d/pids"
	for i in $(seq 150); do
		[ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && return 0
		sleep 0.2
	done
	echo "the node did not come up: $(tail -1 "$d/slurmctld.log" 2>/dev/null)" >"$d/why"
	return 1
}

slurm_stop() {
	d=$1
	test -f "$d/pids" || return 0
	kill $(cat "$d/pids") 2>/dev/null
	for i in $(seq 50); do
		alive=
		for p in $(cat "$d/pids"); do kill -0 $p 2>/dev/null && alive=1; done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	kill -KILL $(cat "$d/pids") 2>/dev/null
	rm -f "$d/pids"
	return 0
}
