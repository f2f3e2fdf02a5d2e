#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The soak of issue 7 in one command: SOAK_CASES test cases (default
# 3 500 000, about 10 000 000 crypto ops: each case is a forward op, then
# its reverse and corrupted-digest ops) through our PMD over vhost-user to
# the vhost-crypto daemon, each drawn at random (service and algorithm, key, IV, AAD and digest
# sizes, data size, cipher and auth offsets, 1..4 segments, in place or
# out of place, forward then reverse and corrupted-digest ops) and
# compared with crypto_openssl driven directly: test_cryptodev_diff under
# app/test/virtio_user/run_with_daemon.py, which then checks that the
# daemon gave back every session, op and mbuf. SOAK_SEED repeats a run;
# SOAK_DAEMON_ARGS go to the daemon (e.g. --copy). The CI's bounded slices
# are the virtio_user suite's diff_* tests.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"
cases="${SOAK_CASES:-3500000}"
seed="${SOAK_SEED:-$RANDOM}"
ninja -C "$build" >/dev/null
daemon_args=()
for a in ${SOAK_DAEMON_ARGS:-}; do
	daemon_args+=("--daemon-arg=$a")
done
echo "soak: $cases cases, seed $seed${SOAK_DAEMON_ARGS:+, daemon $SOAK_DAEMON_ARGS}"
exec /usr/bin/python3 "$top/app/test/virtio_user/run_with_daemon.py" \
	--daemon "$build/examples/vhost_crypto/vhost-crypto" \
	--pmd "$build/drivers/crypto/virtio/librte_pmd_virtio_crypto.so" \
	--timeout $((cases / 500 + 600)) --show 60 "${daemon_args[@]}" -- \
	"$build/app/test/pmd/test_cryptodev_diff" --file-prefix vc_soak -l 0 \
	--single-file-segments -d @PMD@ --vdev @VDEV@ --log-level '*:warning' \
	--vdev crypto_openssl0 -- --dev crypto_virtio_user0 --ref crypto_openssl0 \
	--ops "$cases" --max-segs 4 --seed "$seed"
