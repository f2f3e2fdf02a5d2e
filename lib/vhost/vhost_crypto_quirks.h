/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_QUIRKS_H
#define VHOST_CRYPTO_QUIRKS_H

/*
 * Known defects of crypto PMDs that would give a guest a wrong result, and
 * which requests they hit. Such requests go to the instance's fallback
 * device (a software PMD) instead; with no fallback they fail with
 * VIRTIO_CRYPTO_ERR rather than return wrong data.
 */

#include <stdint.h>

/*
 * crypto_aesni_mb (DPDK 22.11, drivers/crypto/ipsec_mb): a multi-segment
 * cipher or cipher+hash op is bounced through a linear buffer, and the copy
 * back (post_process_sgl_linear) keeps the length in a uint16_t: from
 * 64 KiB of data on, the output is truncated modulo 65536 and the caller's
 * buffer keeps its input. GCM and ChaCha20-Poly1305 take another path.
 */
#define VC_QUIRK_SGL_OUTPUT_LOST_FROM_64K	(1u << 0)

/** Quirks of a crypto device, from its driver. */
uint32_t vc_quirks_of(uint8_t cdev_id);

#endif /* VHOST_CRYPTO_QUIRKS_H */
