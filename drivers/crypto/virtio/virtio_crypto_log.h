/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_LOG_H
#define VIRTIO_CRYPTO_LOG_H

#include <rte_log.h>

/* pmd.crypto.virtio.{init,session,driver} */
extern int virtio_crypto_logtype_init;
extern int virtio_crypto_logtype_session;
extern int virtio_crypto_logtype_driver;

#define VIRTIO_CRYPTO_LOG(type, level, fmt, ...) \
	rte_log(RTE_LOG_##level, virtio_crypto_logtype_##type, \
		"CRYPTO_VIRTIO: %s(): " fmt "\n", __func__, ##__VA_ARGS__)

#endif /* VIRTIO_CRYPTO_LOG_H */
