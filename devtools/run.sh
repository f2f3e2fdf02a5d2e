#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: the vhost-crypto daemon on its embedded default
# (crypto_aesni_mb, crypto_openssl as fallback), serving a vhost-user socket
# until Ctrl-C. Arguments go to the daemon; without any it serves
# /run/vhost-crypto.sock and prints its counters every 10 seconds.
#
# Attach a guest with QEMU (see doc/guides/sample_app_ug/vhost_crypto.rst),
# or run devtools/demo-linux-guest.sh --backend vhost-user in another shell.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"

"$top/devtools/setup.sh" >/dev/null
[ $# -gt 0 ] || set -- --socket /run/vhost-crypto.sock --stats-interval 10
exec "$build/examples/vhost_crypto/vhost-crypto" "$@"
