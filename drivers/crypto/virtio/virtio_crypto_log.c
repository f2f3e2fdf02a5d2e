/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include "virtio_crypto_log.h"

RTE_LOG_REGISTER(virtio_crypto_logtype_init, pmd.crypto.virtio.init, NOTICE);
RTE_LOG_REGISTER(virtio_crypto_logtype_session, pmd.crypto.virtio.session, NOTICE);
RTE_LOG_REGISTER(virtio_crypto_logtype_driver, pmd.crypto.virtio.driver, NOTICE);
