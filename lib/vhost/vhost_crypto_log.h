/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_LOG_H
#define VHOST_CRYPTO_LOG_H

#include <rte_log.h>

/* Logtype "lib.vhost_crypto", registered in vhost_crypto_config.c. */
extern int vhost_crypto_logtype;

#define VC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, vhost_crypto_logtype, \
		"VHOST_CRYPTO: %s(): " fmt "\n", __func__, ##__VA_ARGS__)

#endif /* VHOST_CRYPTO_LOG_H */
