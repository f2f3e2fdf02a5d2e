/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_H
#define VHOST_CRYPTO_H

/**
 * @file
 * vhost_crypto: a vhost-user virtio-crypto backend on DPDK cryptodevs.
 *
 * The library serves virtio-crypto frontends (QEMU's cryptodev-vhost-user,
 * the crypto_virtio_user PMD, QEMU's generic vhost-user device) over
 * vhost-user sockets, turning their requests into rte_crypto operations on
 * any DPDK crypto PMD. Its names all start with vhost_crypto_ (librte_vhost
 * already exports rte_vhost_crypto_*, a different backend).
 *
 * Functions return 0 or a negative errno unless they say otherwise.
 */

#include <stdint.h>

#include <virtio_crypto_wire.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Build the virtio-crypto configuration space a frontend should see for
 * the given crypto devices: the union of their capabilities, as services
 * and algorithm masks, with key limits and status HW_READY.
 *
 * Key limits are the largest key any device takes for a cipher or AEAD
 * (max_cipher_key_len) and for a MAC (max_auth_key_len), capped at what a
 * vhost-user session message can carry (64 and 512 bytes).
 *
 * @param cdev_ids
 *   Crypto device ids; symmetric and asymmetric devices may be mixed.
 * @param nb_cdevs
 *   Number of ids, at least 1.
 * @param max_dataqueues
 *   Data queues the frontend may use (at least 1).
 * @param max_size
 *   Largest request, in bytes, the backend accepts.
 * @param[out] cfg
 *   The configuration, little-endian as the frontend reads it.
 * @return
 *   0, or -EINVAL for a bad argument or an unknown device id.
 */
int
vhost_crypto_config_build(const uint8_t *cdev_ids, unsigned int nb_cdevs,
			  uint32_t max_dataqueues, uint64_t max_size,
			  struct virtio_crypto_config *cfg);

#ifdef __cplusplus
}
#endif

#endif /* VHOST_CRYPTO_H */
