/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_RSA_H
#define VHOST_CRYPTO_RSA_H

/**
 * @file
 * RSA for the AKCIPHER service: the guest's DER key, cryptodev sessions
 * made from it, and one virtio request turned into an rte_crypto_op and its
 * result back into a virtio status.
 *
 * The device is only asked for raw RSA and for PKCS#1 v1.5 encryption
 * padding. Signatures are encoded (EMSA-PKCS1-v1_5) and checked here, and
 * the device does the bare private or public operation: devices differ in
 * what they add to a PKCS#1 signature, and crypto_openssl (22.11, 24.11)
 * completes a verify whose signature does not match with SUCCESS.
 *
 * Every function here returns 0 or a negative errno, and
 * vc_rsa_errno_to_status() is the one mapping to a virtio status:
 * -EBADMSG (malformed, or a request the session cannot serve),
 * -ENOTSUP (well formed but not supported), -EKEYREJECTED (VERIFY: the
 * signature cannot be right), anything else an error.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_crypto.h>
#include <rte_mempool.h>

#include "virtio_crypto_wire.h"

/** Moduli this backend takes, in bits; others are -ENOTSUP. */
#define VC_RSA_MIN_MOD_BITS	512
#define VC_RSA_MAX_MOD_BITS	4096
#define VC_RSA_MAX_MOD_BYTES	(VC_RSA_MAX_MOD_BITS / 8)

/* PKCS#1 v1.5: 00 || BT || at least 8 padding bytes || 00 || data */
#define VC_RSA_PKCS1_OVERHEAD	11

/** An unsigned integer of a key: big-endian, no leading zero bytes. */
struct vc_rsa_int {
	const uint8_t *data;	/**< into the caller's DER buffer */
	uint32_t len;		/**< at least 1; the value is never 0 */
};

/**
 * A parsed key. Every pointer points into the DER buffer given to
 * vc_rsa_key_parse(), which must outlive the key.
 */
struct vc_rsa_key {
	uint32_t key_type;	/**< VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_* */
	uint32_t mod_bits;	/**< size of n */
	struct vc_rsa_int n, e;
	/* Private keys only. */
	struct vc_rsa_int d, p, q, dp, dq, qinv;
};

/** The key carries the whole CRT quintuple (p, q, dP, dQ, qInv). */
bool vc_rsa_key_has_crt(const struct vc_rsa_key *k);

/**
 * Parse the DER key of an AKCIPHER RSA session (PKCS#1): RSAPublicKey
 * SEQUENCE { n, e } for VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC,
 * RSAPrivateKey SEQUENCE { 0, n, e, d, p, q, dp, dq, qinv } for _PRIVATE.
 * Strict DER, no recursion, no allocation; the whole buffer must be the
 * one SEQUENCE. One leniency, Linux's: an INTEGER whose first byte has
 * the top bit set (negative in DER) is read as an unsigned magnitude.
 *
 * @return 0 with *key filled; -EBADMSG for an unknown key type, a
 *   truncated or malformed encoding (indefinite, non-minimal or over
 *   4-byte lengths, wrong tags, non-minimal integers, bytes
 *   after the SEQUENCE, version other than 0 or 1), a zero integer, or e
 *   or a private component longer than n; -ENOTSUP for a multi-prime key
 *   (version 1) or a modulus outside VC_RSA_MIN_MOD_BITS..MAX_MOD_BITS.
 */
int vc_rsa_key_parse(const uint8_t *der, uint32_t der_len, uint32_t key_type,
		     struct vc_rsa_key *key);

/**
 * Check a session's padding and hash (struct virtio_crypto_rsa_session_para).
 * The hash only matters with PKCS1 padding: NO_HASH signs the input as
 * given, MD5 and SHA-1/-2 sign a digest of that hash.
 *
 * @return 0; -EBADMSG for values the specification does not define;
 *   -ENOTSUP for MD2, MD3 and MD4.
 */
int vc_rsa_params_check(uint32_t padding_algo, uint32_t hash_algo);

/**
 * Fill an RSA transform from a parsed key. The transform points into the
 * key's DER buffer.
 *
 * @param form
 *   How to give a private key: RTE_RSA_KEY_TYPE_QT (the CRT quintuple, with
 *   d as well where the release has room for both) or RTE_RSA_KEY_TYPE_EXP
 *   (d). A public key is always RTE_RSA_KEY_TYPE_EXP with no d.
 * @param pad
 *   The padding of sessions made from the transform, on releases that take
 *   it there; ignored on those that take it per operation.
 */
void vc_rsa_xform_fill(struct rte_crypto_asym_xform *xf, const struct vc_rsa_key *key,
		       enum rte_crypto_rsa_priv_key_type form,
		       enum rte_crypto_rsa_padding_type pad);

/* ------------------------------------------------------------------ */
/* Sessions                                                            */
/* ------------------------------------------------------------------ */

/** Which of a session's device sessions an operation runs on. */
enum vc_rsa_pad {
	VC_RSA_PAD_NONE,	/**< raw: RAW sessions, and every SIGN and VERIFY */
	VC_RSA_PAD_PKCS1,	/**< PKCS1 sessions' ENCRYPT and DECRYPT */
	VC_RSA_NB_PAD,
};

/**
 * An AKCIPHER RSA session. Keeps no pointer into the key: the devices copy
 * the key at session create (crypto_openssl into its own BIGNUMs in 22.11
 * and 24.11; qat, cnxk and octeontx into their own memory), and the
 * modulus is copied here for the range checks of each request.
 */
struct vc_rsa_session {
	/** Device sessions; both the same one where the op carries the padding. */
	void *dev_sess[VC_RSA_NB_PAD];
	uint8_t dev_id;
	uint8_t padding;	/**< VIRTIO_CRYPTO_RSA_*_PADDING */
	uint8_t hash;		/**< VIRTIO_CRYPTO_RSA_<hash>, PKCS1 only */
	bool private_key;	/**< DECRYPT and SIGN need one */
	uint16_t mod_len;	/**< k, the bytes of n */
	uint8_t n[VC_RSA_MAX_MOD_BYTES];	/**< the first mod_len bytes */
};

/** Pool objects one RSA session takes at most. */
#define VC_RSA_SESSION_OBJS	VC_RSA_NB_PAD

/**
 * Make an asymmetric session mempool for nb_sessions RSA sessions on the
 * cryptodevs that exist now (each session takes up to
 * VC_RSA_SESSION_OBJS objects).
 * @return the pool, or NULL with rte_errno set.
 */
struct rte_mempool *vc_rsa_session_pool_create(const char *name, uint32_t nb_sessions,
					       int socket_id);

/**
 * Create the device sessions for an RSA session. The key's DER buffer is
 * only read during the call.
 *
 * @return 0; -EBADMSG or -ENOTSUP from vc_rsa_params_check(); -ENOTSUP if
 *   the device has no RSA, not this modulus size, or not the operations
 *   the key allows; -ENOMEM if the pool is empty; -EINVAL for an invalid
 *   device or a key the device refuses.
 */
int vc_rsa_session_create(struct vc_rsa_session *s, uint8_t dev_id,
			  struct rte_mempool *pool, const struct vc_rsa_key *key,
			  uint32_t padding_algo, uint32_t hash_algo);

/**
 * Free the device sessions. No operation of the session may be in flight.
 * Safe on a zeroed or already destroyed session.
 */
void vc_rsa_session_destroy(struct vc_rsa_session *s);

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/**
 * Per-operation memory, about 1.5 KiB: the device reads `in` and writes
 * `out`, so it must stay put until the op completes; the op's private area
 * (priv_size of rte_crypto_op_pool_create()) is the place for it.
 */
struct vc_rsa_scratch {
	uint8_t in[VC_RSA_MAX_MOD_BYTES];	/**< the device's input */
	uint8_t out[VC_RSA_MAX_MOD_BYTES];	/**< the device's output */
	/** VERIFY: what the signature must carry (DigestInfo and digest). */
	uint8_t expect[VC_RSA_MAX_MOD_BYTES - VC_RSA_PKCS1_OVERHEAD];
	uint16_t expect_len;
	uint16_t mod_len;	/**< k */
	uint32_t dst_len;	/**< the request's */
	uint32_t opcode;	/**< VIRTIO_CRYPTO_AKCIPHER_* */
	uint8_t padding;	/**< the session's VIRTIO_CRYPTO_RSA_*_PADDING */
};

/**
 * Turn one AKCIPHER request into `op` (an asymmetric op, attached to the
 * right device session), with virtio's rules:
 * - ENCRYPT (any key): src is the plaintext; RAW pads it on the left with
 *   zeros to k bytes, PKCS1 takes at most k - 11 bytes. Output: k bytes.
 * - DECRYPT (private key): src is the ciphertext, at most k bytes (zeros
 *   on the left). Output: k bytes (RAW) or the message (PKCS1).
 * - SIGN (private key, PKCS1): src is the digest of the session's hash
 *   (or, with NO_HASH, at most k - 11 bytes to sign as they are). Output:
 *   the k-byte EMSA-PKCS1-v1_5 signature.
 * - VERIFY (any key, PKCS1): src is the signature, dst the digest the
 *   device reads. No output.
 * Inputs are copied into scratch; src and dst need not outlive the call.
 *
 * @param dst, dst_len
 *   VERIFY: the digest. Otherwise dst is unused and dst_len is the room
 *   for the output.
 * @param scratch_iova
 *   IO address of scratch, for devices that need one, or RTE_BAD_IOVA.
 * @return 0, the op ready to enqueue; -EBADMSG (the key type, padding or
 *   lengths do not fit the request, an input not below n); -EKEYREJECTED
 *   (VERIFY with a signature that cannot match); -EINVAL (op is not an
 *   asymmetric op).
 */
int vc_rsa_op_prepare(struct rte_crypto_op *op, const struct vc_rsa_session *s,
		      uint32_t opcode, const uint8_t *src, uint32_t src_len,
		      const uint8_t *dst, uint32_t dst_len,
		      struct vc_rsa_scratch *scratch, rte_iova_t scratch_iova);

/**
 * The virtio status of a completed op made by vc_rsa_op_prepare(), and
 * the bytes to write to the request's dst (none for VERIFY): VIRTIO_CRYPTO_OK,
 * _KEY_REJECTED (VERIFY: the signature does not match), _BADMSG (the
 * message does not fit dst_len), _NOTSUPP (the device refused the
 * arguments), _ERR.
 *
 * An op can also come back from rte_cryptodev_enqueue_burst() untaken but
 * done: crypto_openssl (22.11, 24.11) does RSA as it enqueues and does not
 * take an op that failed, whose status is then no longer
 * RTE_CRYPTO_OP_STATUS_NOT_PROCESSED. Finish such an op here rather than
 * offer it again.
 *
 * *out points into scratch.
 */
uint8_t vc_rsa_op_finish(const struct rte_crypto_op *op, struct vc_rsa_scratch *scratch,
			 const uint8_t **out, uint32_t *out_len);

/** The virtio status for an errno of this module. */
static inline uint8_t
vc_rsa_errno_to_status(int rc)
{
	switch (rc) {
	case 0:
		return VIRTIO_CRYPTO_OK;
	case -EBADMSG:
		return VIRTIO_CRYPTO_BADMSG;
	case -ENOTSUP:
		return VIRTIO_CRYPTO_NOTSUPP;
	case -EKEYREJECTED:
		return VIRTIO_CRYPTO_KEY_REJECTED;
	default:
		return VIRTIO_CRYPTO_ERR;
	}
}

#endif /* VHOST_CRYPTO_RSA_H */
