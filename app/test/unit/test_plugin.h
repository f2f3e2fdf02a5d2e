/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef TEST_PLUGIN_H
#define TEST_PLUGIN_H

/*
 * EAL refuses to load a plugin (-d) from below any world-writable directory,
 * and a checkout may well live under /tmp. Tests therefore load the PMD
 * from a private copy in a directory made under /run (root-owned, 0755 on
 * Debian), removed again at exit.
 *
 * Returns the path of the copy, or NULL (with a message) on failure.
 */
const char *test_plugin_stage(const char *plugin_path);

#endif /* TEST_PLUGIN_H */
