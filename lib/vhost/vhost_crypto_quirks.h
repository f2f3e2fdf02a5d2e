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

/*
 * crypto_aesni_mb (DPDK 22.11 with IPsec-MB 1.3): an HMAC over an empty
 * message comes out wrong, and from then on every HMAC of that hash on the
 * same queue pair is wrong too, in the same session or a new one (seen in
 * unit/backend_requests with the routing below turned off). The PMD hands
 * the zero length through unchanged (set_mb_job_params), and sessions keep
 * their own precomputed pads, so what breaks is state the queue pair's
 * multi-buffer manager shares between jobs of that hash: a fault of the
 * library's zero-length path, not of the session. An HMAC request that
 * hashes nothing therefore never goes to such a device (plain hashes and
 * CMAC of an empty message come out right there; crypto_openssl, the
 * fallback, fails an empty CMAC).
 */
#define VC_QUIRK_EMPTY_HASH_CORRUPTS		(1u << 1)

/*
 * crypto_aesni_mb (DPDK 24.11 with IPsec-MB 2.0): DES and 3DES ops enqueued
 * in one burst come out wrong (blocks of one op mixed into another's);
 * one at a time they are right (seen by the differential test through
 * this backend, and directly in app/test/pmd). DES and 3DES sessions are
 * therefore never made on such a device. Applied on 22.11 as well: the
 * ciphers are legacy and the fallback does them right.
 */
#define VC_QUIRK_DES_BURST_GARBLED		(1u << 2)

/** Quirks of a crypto device, from its driver. */
uint32_t vc_quirks_of(uint8_t cdev_id);

#endif /* VHOST_CRYPTO_QUIRKS_H */
