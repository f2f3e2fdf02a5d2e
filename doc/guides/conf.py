# SPDX-License-Identifier: BSD-3-Clause
project = 'dpdk-virtio-crypto'
copyright = '2026, The dpdk-virtio-crypto authors'
master_doc = 'index'
html_theme = 'alabaster'
exclude_patterns = ['_build']
