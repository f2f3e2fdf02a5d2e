/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_CAPABILITIES_H
#define VIRTIO_CRYPTO_CAPABILITIES_H

#include <rte_cryptodev.h>

#include "virtio_crypto_wire.h"

/**
 * Capabilities to advertise for a device, from its configuration space:
 * one entry per algorithm whose service and mask bit are set, with the
 * algorithm's sizes narrowed to the device's key limits, and an algorithm
 * whose smallest key exceeds them left out. Never a static list: a device
 * is offered to applications as exactly what it says it does.
 *
 * @param cfg
 *   Configuration as read from the device (little-endian).
 * @param[out] caps
 *   Filled with the entries and a terminating RTE_CRYPTO_OP_TYPE_UNDEFINED.
 * @param max_caps
 *   Room in caps, terminator included.
 * @return
 *   Entries written, terminator excluded; -ENOSPC if caps is too small.
 */
int
virtio_crypto_capabilities_from_config(const struct virtio_crypto_config *cfg,
				       struct rte_cryptodev_capabilities *caps,
				       unsigned int max_caps);

#endif /* VIRTIO_CRYPTO_CAPABILITIES_H */
