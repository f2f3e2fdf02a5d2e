#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job, end to end: the vhost-crypto daemon on its embedded default
# (crypto_aesni_mb, crypto_openssl as fallback), and DPDK's stock
# dpdk-test-crypto-perf driving it through our guest PMD over vhost-user
# (vdev crypto_virtio_user, no VM): it prints its throughput table for
# AES-128-CBC + HMAC-SHA1 and AES-128-GCM, then everything is shut down
# and the daemon's counters are printed.
#
#   devtools/run.sh                  the demo above
#   devtools/run.sh --serve [ARGS]   only the daemon, serving a socket until
#                                    Ctrl-C (ARGS go to the daemon; default:
#                                    /run/vhost-crypto.sock, counters every 10 s)
#
# On a 2-core machine the daemon polls core 1 and the tool's worker core 0;
# the tool's main lcore, which only waits, shares core 1 with the daemon.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"
daemon="$build/examples/vhost_crypto/vhost-crypto"

"$top/devtools/setup.sh" >/dev/null

if [ "${1:-}" = --serve ]; then
	shift
	[ $# -gt 0 ] || set -- --socket /run/vhost-crypto.sock --stats-interval 10
	exec "$daemon" "$@"
fi

# EAL loads plugins only from below directories nobody else may write.
run=$(mktemp -d /run/vc-demo-XXXXXX)
chmod 755 "$run"
cp "$build/drivers/crypto/virtio/librte_pmd_virtio_crypto.so" "$run/"
sock="$run/vc.sock"
daemon_pid=
cleanup() {
	if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
		kill -INT "$daemon_pid"
		wait "$daemon_pid" || true
	fi
	rm -rf "$run"
}
trap cleanup EXIT

echo "=== vhost-crypto daemon on $sock (crypto_aesni_mb, crypto_openssl fallback)"
"$daemon" -l 1 --no-pci --in-memory --file-prefix vc-demo-daemon -- \
	--socket "$sock" > "$run/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	kill -0 "$daemon_pid" 2>/dev/null || { cat "$run/daemon.log"; exit 1; }
	sleep 0.1
done

perf() {
	dpdk-test-crypto-perf -l 0,1 --main-lcore 1 --single-file-segments --no-pci \
		--file-prefix vc-demo-perf --log-level '*:warning' \
		-d "$run/librte_pmd_virtio_crypto.so" \
		--vdev "crypto_virtio_user0,path=$sock" -- \
		--ptest throughput --devtype crypto_virtio --silent \
		--buffer-sz 64,256,1024,1504 --burst-sz 32 --total-ops 200000 "$@" |
		grep -v -e '^#' -e '^$' -e '^EAL' -e '^CRYPTODEV' -e '^TELEMETRY' -e '^Allocated'
}

echo "=== dpdk-test-crypto-perf, AES-128-CBC + HMAC-SHA1, through crypto_virtio_user0"
perf --optype cipher-then-auth --cipher-algo aes-cbc --cipher-op encrypt \
	--cipher-key-sz 16 --cipher-iv-sz 16 --auth-algo sha1-hmac \
	--auth-op generate --auth-key-sz 20 --digest-sz 12
echo "=== dpdk-test-crypto-perf, AES-128-GCM, through crypto_virtio_user0"
perf --optype aead --aead-algo aes-gcm --aead-op encrypt --aead-key-sz 16 \
	--aead-iv-sz 12 --aead-aad-sz 16 --digest-sz 16

kill -INT "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=
echo "=== daemon stopped"
grep -E "requests [0-9]+ ok" "$run/daemon.log" | tail -1
