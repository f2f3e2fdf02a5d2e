#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Inside the fresh Debian 12 root of test_debian_package.sh (as root, in
# /var/tmp/vc: the packages and a crypto-perf test vector): install the
# packages with apt, check what their maintainer scripts made, verify the
# unit, run the daemon exactly as vhost-crypto@.service would for an
# instance, and drive it with DPDK's stock dpdk-test-crypto-perf through the
# installed PMD plugin as an unprivileged member of group kvm.
set -uo pipefail
cd /var/tmp/vc || exit 1

inst=pkgtest
unit=/lib/systemd/system/vhost-crypto@.service
sock=/run/vhost-crypto/$inst.sock
# Generous: the machine is shared with the rest of CI.
wait_s=120
dpid=

check() {
	local t0=$SECONDS
	if "${@:2}" >log 2>&1; then
		echo "PASS: $1 ($((SECONDS - t0)) s)"
	else
		echo "FAIL: $1 ($((SECONDS - t0)) s)"; sed 's/^/    /' log | tail -40
		return 1
	fi
}

stop_daemon() {
	[ -n "$dpid" ] && kill -TERM "$dpid" 2>/dev/null && wait "$dpid"
	dpid=
}
trap stop_daemon EXIT

# wait_for PATTERN FILE PID [N]: until PATTERN is on N lines (default 1)
# of FILE, or PID is gone.
wait_for() {
	local tries=$((wait_s * 10))
	until [ "$(grep -c "$1" "$2")" -ge "${4:-1}" ]; do
		kill -0 "$3" 2>/dev/null || return 1
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# The lists in the cached root may be stale (the archive moved on): apt
# first tries with them (every .deb it needs may be in the cache), then
# updates them and tries again.
apt_install() {
	apt-get install -y -q --no-install-recommends "$@" ||
		{ apt-get update -q && apt-get install -y -q --no-install-recommends "$@"; }
}
check "apt installs the packages into the fresh root, DPDK's runtime from the archive" \
	apt_install ./vhost-crypto_*.deb ./libvhost-crypto0_*.deb ./dpdk-virtio-crypto-pmd_*.deb \
		./vhost-crypto-doc_*.deb

check "sysusers.d made the user vhost-crypto; group kvm exists" \
	sh -c 'id vhost-crypto && getent group kvm'
# shellcheck disable=SC2016
check "tmpfiles.d made /run/vhost-crypto, vhost-crypto:kvm 0750" \
	sh -c 'stat -c "%U:%G %a" /run/vhost-crypto; [ "$(stat -c "%U:%G %a" /run/vhost-crypto)" = "vhost-crypto:kvm 750" ]'
pmd=$(dpkg -L dpdk-virtio-crypto-pmd | grep '/librte_pmd_virtio_crypto\.so$')
check "the PMD plugin is installed apart from the distribution's plugins ($pmd)" \
	sh -c "[ -f '$pmd' ] && case '$pmd' in /usr/lib/*/dpdk-virtio-crypto/pmds/*) ;; *) false ;; esac"
check "the guides are installed" test -f /usr/share/doc/vhost-crypto-doc/html/sample_app_ug/vhost_crypto.html

# The instance's configuration, the packaged example with its EAL line on
# (the daemon's options replaced: the example's --lcores names a core this
# machine may lack).
mkdir -p /etc/vhost-crypto
zcat -f /usr/share/doc/vhost-crypto/examples/example.conf* |
	sed -e 's/^VHOST_CRYPTO_ARGS=.*/VHOST_CRYPTO_ARGS="--stats-interval 0"/' \
		-e 's/^#VHOST_CRYPTO_EAL_ARGS=/VHOST_CRYPTO_EAL_ARGS=/' > /etc/vhost-crypto/$inst.conf
grep '^VHOST' /etc/vhost-crypto/$inst.conf

verify_unit() {
	local out
	out=$(systemd-analyze verify "vhost-crypto@$inst.service" 2>&1)
	echo "${out:-(no output)}"
	[ -z "$out" ]
}
check "systemd-analyze verify vhost-crypto@$inst.service: no complaint" verify_unit

# The unit's [Service] settings this test reproduces.
val() { sed -n "s/^$1=//p" "$unit" | tail -1; }
user=$(val User) group=$(val Group) umask=$(val UMask) envfile=$(val EnvironmentFile)
caps=$(val CapabilityBoundingSet) memlock=$(val LimitMEMLOCK) exec=$(val ExecStart)
echo "unit: User=$user Group=$group UMask=$umask CapabilityBoundingSet=$caps LimitMEMLOCK=$memlock"
echo "unit: ExecStart=$exec"
check "the unit grants no capability" test -z "$caps"

# ExecStart as systemd expands it: %i, and a lone $NAME split into words.
set -a
# shellcheck disable=SC1090
. "${envfile//%i/$inst}"
set +a
args=()
for w in $exec; do
	w=${w//%i/$inst}
	if [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
		# shellcheck disable=SC2206
		args+=(${!BASH_REMATCH[1]:-})
	else
		args+=("$w")
	fi
done
echo "daemon: ${args[*]}"

# The unit's sandbox, as far as it goes without systemd: the daemon gets a
# network namespace of its own (PrivateNetwork), a mount namespace where
# the system is read-only but for the runtime directory and /run/lock
# (ProtectSystem=strict, ReadWritePaths, RuntimeDirectory), with a /tmp of
# its own (PrivateTmp) and no homes (ProtectHome), and memory that is never
# both writable and executable (MemoryDenyWriteExecute, here the kernel's
# PR_SET_MDWE, inherited through exec).
sandboxed=(PrivateNetwork=yes ProtectSystem=strict ReadWritePaths=/run/lock
	RuntimeDirectory=vhost-crypto PrivateTmp=yes ProtectHome=yes
	MemoryDenyWriteExecute=yes)
in_unit() {
	local kv
	for kv in "${sandboxed[@]}"; do
		grep -qx "$kv" "$unit" || { echo "not in the unit: $kv"; return 1; }
	done
	echo "${sandboxed[*]}"
}
check "the unit's sandbox settings this test reproduces are the unit's" in_unit
# shellcheck disable=SC2016
sandbox='
	set -e
	for d in /usr /etc /var /opt /srv /boot; do
		[ -d "$d" ] && [ ! -L "$d" ] || continue
		mount --bind "$d" "$d"
		mount -o remount,bind,ro "$d"
	done
	mount --bind /run/vhost-crypto /run/vhost-crypto
	mount --bind /run/lock /run/lock
	mount -o remount,bind,ro /run
	mount -t tmpfs tmpfs /tmp
	for d in /home /root; do
		mount -t tmpfs -o ro,mode=0755 tmpfs "$d"
	done
	exec perl -e "syscall(157, 65, 1, 0, 0, 0) == 0 or die qq(PR_SET_MDWE: \$!\\n);
		exec @ARGV or die qq(exec: \$!\\n)" -- "$@"'
(
	umask "$umask"
	# systemd (PID 1) raises it; here only if the test may.
	if [ "$memlock" = infinity ] && ! ulimit -l unlimited 2>/dev/null; then
		echo "note: LimitMEMLOCK=infinity not applied here (no CAP_SYS_RESOURCE)"
	fi
	# Propagation unchanged: in_root made every mount private already, and
	# the chroot's / is no mount point to change.
	exec unshare --net --mount --propagation unchanged -- /bin/sh -c "$sandbox" sandbox \
		setpriv --reuid="$user" --regid="$group" --clear-groups \
		--inh-caps=-all --bounding-set=-all --no-new-privs "${args[@]}"
) > daemon.log 2>&1 &
dpid=$!
serving() { wait_for 'vhost-crypto: serving' daemon.log "$dpid"; }
check "the daemon, as the unit runs it, serves $sock" serving || cat daemon.log
sandboxed_daemon() {
	local net ours st=/proc/$dpid/status mi=/proc/$dpid/mountinfo
	net=$(readlink "/proc/$dpid/ns/net") ours=$(readlink /proc/self/ns/net)
	echo "network namespace: $net (the test's: $ours)"
	grep -E '^(Uid|Gid|Groups|CapEff|CapBnd|NoNewPrivs):' "$st"
	# The last mount on a path is the one seen there.
	awk '{ m[$5] = $6 } END { print "/usr", m["/usr"]; print "/run", m["/run"];
		print "/run/vhost-crypto", m["/run/vhost-crypto"];
		exit !(m["/usr"] ~ /^ro/ && m["/run"] ~ /^ro/ && m["/run/vhost-crypto"] ~ /^rw/) }' "$mi" &&
		[ "$net" != "$ours" ] &&
		grep -Eq '^CapBnd:[[:space:]]+0+$' "$st" &&
		grep -Eq '^NoNewPrivs:[[:space:]]+1$' "$st"
}
check "the daemon runs sandboxed (own network namespace, /usr and /run read-only, no capability, no new privileges)" \
	sandboxed_daemon && sed 's/^/    /' log
check "the socket is vhost-crypto:kvm 0660" \
	sh -c "stat -c '%U:%G %A' $sock; stat -c '%U:%G %A' $sock | grep -qx 'vhost-crypto:kvm srw-rw----'" &&
	sed 's/^/    /' log
check "the daemon holds its CPU lock in /run/lock (the unit leaves it writable)" \
	sh -c "ls -l /run/lock/vhost-crypto.cpu*; ! grep 'cannot use' daemon.log"

# systemctl reload: the unit's ExecReload with its $MAINPID. SIGHUP is the
# daemon's live upgrade: it executes the installed file again, in the same
# process (what systemd expects of a reload), inside the same sandbox, and
# the new build serves the socket (the traffic below goes to it).
reload() {
	local cmd
	cmd=$(val ExecReload)
	cmd=${cmd//\$MAINPID/$dpid}
	echo "$cmd"
	# The package's build names itself with the package's version.
	$cmd && wait_for "build vhost-crypto $(dpkg-query -W -f='${Version}' vhost-crypto) (Debian package), pid $dpid, taking over" \
		daemon.log "$dpid" &&
		wait_for 'vhost-crypto: serving' daemon.log "$dpid" 2
	local rc=$?
	grep -E 'upgrade|taking over|serving' daemon.log
	[ $rc -eq 0 ] && kill -0 "$dpid"
}
check "systemctl reload (ExecReload, SIGHUP): a live upgrade, the same pid serves on" reload
sed 's/^/    /' log

# connect(2) as a user outside group kvm (perl-base is in every root).
refused() {
	# shellcheck disable=SC2016
	setpriv --reuid=nobody --regid=nogroup --clear-groups perl -MSocket -e '
		socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!\n";
		connect($s, pack_sockaddr_un($ARGV[0])) and die "connected\n";
		print "refused: $!\n";
		exit($!{EACCES} ? 0 : 1);' "$sock"
}

# The client: DPDK's stock dpdk-test-crypto-perf, run by an unprivileged
# user of group kvm (as libvirt runs QEMU), in-memory like the daemon. It
# comes with dpdk-dev, which would pull all of DPDK's development files:
# the binary is unpacked from that package, and the two libraries it needs
# beyond those the packages above pulled in are installed (Debian 12's
# names: this test runs on bookworm only).
client() {
	local deb
	(cd /var/cache/apt/archives && apt-get download -q dpdk-dev) ||
		{ apt-get update -q && (cd /var/cache/apt/archives && apt-get download -q dpdk-dev); } ||
		return 1
	# shellcheck disable=SC2012
	deb=$(ls -t /var/cache/apt/archives/dpdk-dev_*.deb | head -1)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C / ./usr/bin/dpdk-test-crypto-perf &&
		apt_install librte-crypto-scheduler23 librte-reorder23 &&
		! ldd /usr/bin/dpdk-test-crypto-perf | grep 'not found'
}
check "the client: dpdk-test-crypto-perf from Debian 12's dpdk-dev" client
check "a user outside group kvm cannot connect" refused && sed 's/^/    /' log

perf() {
	setpriv --reuid=nobody --regid=kvm --clear-groups --inh-caps=-all \
		dpdk-test-crypto-perf -l 0,1 --main-lcore 1 --in-memory --single-file-segments --no-pci \
		--file-prefix vc_debian_package --log-level '*:warning' \
		-d "$pmd" --vdev "crypto_virtio_user0,path=$sock" -- \
		--ptest verify --devtype crypto_virtio --optype cipher-then-auth \
		--cipher-algo aes-cbc --cipher-op encrypt --cipher-key-sz 16 --cipher-iv-sz 16 \
		--auth-algo sha1-hmac --auth-op generate --auth-key-sz 20 --digest-sz 20 \
		--test-file vector.data --test-name aes-cbc-sha1-hmac_1024 \
		--buffer-sz 1024 --total-ops 10000 > perf.log 2>&1
	local rc=$?
	grep -E -A3 'lcore id' perf.log
	echo "exit status $rc"
	# The worker on lcore 0 (the daemon polls the highest free CPU), 1024 B,
	# burst 32: 10000 enqueued and dequeued, 0 failed.
	[ $rc -eq 0 ] && grep -Eq '^ +0 +1024 +32 +10000 +10000 +[0-9]+ +[0-9]+ +0 *$' perf.log
}
check "dpdk-test-crypto-perf --ptest verify through the installed PMD: 10000 ops, 0 failed" perf ||
	tail -20 perf.log
sed 's/^/    /' log

stopped() {
	local rc
	kill -TERM "$dpid" && wait "$dpid"
	rc=$?
	dpid=
	grep 'requests' daemon.log
	echo "exit status $rc"
	[ $rc -eq 0 ] && [ ! -e "$sock" ] &&
		grep -Eq 'requests [0-9]+ ok ([1-9][0-9]{4,}) err 0 bad 0' daemon.log
}
check "SIGTERM: the daemon exits 0, its socket gone, 10000+ requests ok, none bad" stopped
sed 's/^/    /' log

echo "root: done"
