/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_REQUEST_H
#define VHOST_CRYPTO_REQUEST_H

/*
 * The fixed part of a data or control request, decoded from whichever of
 * the specification's layouts it came in, so that the data path never
 * reads a wire struct itself:
 *
 *   - legacy (no REVISION_1): every fixed part padded to 72 bytes;
 *   - REVISION_1, session mode: the opcode's own fixed part, unpadded
 *     (a HASH request is 32 bytes, an AEAD one 48);
 *   - REVISION_1, stateless (flag without SESSION_MODE, the service's
 *     STATELESS_MODE feature negotiated): the stateless fixed part, with
 *     the session parameters inline and the keys first in the variable part.
 *
 * The decoders work on a copy of the bytes, made by the caller in one read
 * of guest memory, and check every field before anyone uses it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "vhost_crypto_session.h"
#include "virtio_crypto_wire.h"

/** Bytes to copy out of a chain for vc_data_request_decode(). */
#define VC_DATA_REQUEST_MAX	VIRTIO_CRYPTO_STATELESS_REQ_MAX

/** A data request's fixed part, in host order, whatever its layout. */
struct vc_data_request {
	uint32_t opcode;
	uint32_t service;	/**< VIRTIO_CRYPTO_SERVICE_* of the opcode */
	uint64_t session_id;	/**< session mode only */
	bool stateless;
	/** Readable bytes before the variable part: header and fixed part. */
	uint32_t fixed_len;
	/** Stateless: key bytes at the start of the variable part. */
	uint32_t keys_len;

	uint32_t op_type;	/**< CIPHER service: VIRTIO_CRYPTO_SYM_OP_* */
	uint32_t iv_len;
	uint32_t src_len;
	uint32_t dst_len;
	uint32_t aad_len;
	uint32_t result_len;	/**< hash result, or chain digest */
	/* chains: what to cipher and what to hash, within src */
	uint32_t cipher_off;
	uint32_t cipher_len;
	uint32_t hash_off;
	uint32_t hash_len;
};

/** The fixed part of a data request, copied out of guest memory. */
union vc_data_request_buf {
	struct virtio_crypto_op_header header;
	struct virtio_crypto_op_data_req session;
	uint8_t bytes[VC_DATA_REQUEST_MAX];
};

/**
 * Bytes of fixed part (header included) a data request with this header
 * has, or 0 if its opcode is unknown or its mode not negotiated. Read the
 * header, then this much: a request is read once, and no further than it
 * goes.
 */
uint32_t vc_data_request_fixed_len(const struct virtio_crypto_op_header *h,
				   uint64_t features);

/**
 * Decode the fixed part of a data request.
 *
 * @param buf, len
 *   The first `len` bytes of the chain, at most VC_DATA_REQUEST_MAX; the
 *   rest of buf is zero. A session-mode request reads no byte past its
 *   opcode's own fixed part, so for one the caller may instead give the
 *   72 bytes of buf->session as they came, past that part included.
 * @param features
 *   Virtio features negotiated with the driver (REVISION_1 and the
 *   STATELESS_MODE bits change the layout).
 * @param[out] r
 *   The request.
 * @param[out] p
 *   Stateless requests: the session they carry inline, with key lengths
 *   set and key pointers NULL (the keys are still in guest memory).
 * @return
 *   VIRTIO_CRYPTO_OK, BADMSG (an unknown opcode, a fixed part longer than
 *   the bytes given, bad fields of a stateless session) or NOTSUPP (a
 *   stateless request the driver did not negotiate, an algorithm without a
 *   mapping).
 */
uint8_t vc_data_request_decode(const union vc_data_request_buf *buf, uint32_t len,
			       uint64_t features,
			       struct vc_data_request *r,
			       struct vc_session_params *p);

/**
 * Length of a control request's fixed part (header included) for this
 * opcode: 72 without REVISION_1, the opcode's own size with it; 0 for an
 * opcode that is not a control request.
 */
uint32_t vc_ctrl_request_fixed_len(uint32_t opcode, uint64_t features);

#endif /* VHOST_CRYPTO_REQUEST_H */
