/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_SESSION_H
#define VIRTIO_CRYPTO_SESSION_H

/*
 * rte_crypto transforms in virtio terms. One decoder serves sessions (whose
 * parameters go to the device once, by control queue or transport message)
 * and sessionless ops (whose parameters travel in every stateless request).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_crypto.h>

#include "virtio_crypto_hw.h"
#include "virtio_crypto_qp.h"
#include "virtio_crypto_rsa_key.h"

/** A symmetric transform chain, decoded and checked against the device. */
struct vc_sym_params {
	uint32_t service;	/**< VIRTIO_CRYPTO_SERVICE_*; a chain is CIPHER */
	uint32_t op_type;	/**< CIPHER service: VIRTIO_CRYPTO_SYM_OP_* */
	uint32_t opcode;	/**< of the data requests */
	uint32_t algo;		/**< data request header's algo */
	uint32_t cipher_algo;
	uint32_t hash_algo;	/**< VIRTIO_CRYPTO_HASH_* or _MAC_* */
	uint32_t hash_mode;	/**< chains: VIRTIO_CRYPTO_SYM_HASH_MODE_* */
	uint32_t chain_order;	/**< VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_* */
	uint32_t direction;	/**< VIRTIO_CRYPTO_OP_* of cipher and AEAD */
	uint16_t iv_offset;	/**< in the op, as rte_crypto_op_ctod_offset() takes it */
	uint16_t iv_len;
	uint16_t digest_len;
	uint16_t aad_len;
	bool verify;		/**< auth verify: the device hashes, we compare */
	bool cipher_bits;	/**< the op's cipher range is in bits (3GPP) */
	bool cipher_keystream;	/**< the cipher XORs a keystream */
	bool auth_bits;		/**< the op's auth range is in bits (3GPP) */
	bool ccm;		/**< nonce at IV byte 1, AAD at byte 18 */
	/* Valid while the transform is: never kept in a session. */
	const uint8_t *cipher_key;	/**< or the AEAD key */
	uint16_t cipher_key_len;
	const uint8_t *auth_key;
	uint16_t auth_key_len;
};

/** Which builder a session's requests take (virtio_crypto_datapath.c). */
enum vc_sym_shape {
	VC_SHAPE_GENERAL,	/**< build_sym() decodes every op */
	VC_SHAPE_CIPHER,
	VC_SHAPE_CHAIN,
	VC_SHAPE_HASH,		/**< hash and MAC */
	VC_SHAPE_AEAD,
};

/* Op header + a session request's fixed part: at most the padded 48. */
#define VC_TMPL_HDR_ROOM	72

/*
 * What every request of a session carries the same, made once with the
 * session: an op copies the header and fills in its own lengths, offsets
 * and addresses only. The session id is not in it (a reconnect gives the
 * session a new one: vc_sessions_remake()).
 */
struct vc_sym_tmpl {
	uint8_t hdr[VC_TMPL_HDR_ROOM];	/**< op header, fixed part; per-op fields 0 */
	uint8_t hdr_len;	/**< of the request's header and fixed part */
	uint8_t shape;		/**< enum vc_sym_shape */
	uint8_t iv_len;		/**< copied right after the header */
	uint8_t iv_skip;	/**< CCM: the nonce from IV byte 1 */
	uint16_t iv_offset;	/**< in the op, as rte_crypto_op_ctod_offset() takes it */
	uint16_t aad_len;
	uint8_t aad_skip;	/**< CCM: the AAD from byte 18 */
	uint8_t encrypt;	/**< AEAD: the tag is written, not read */
	uint8_t table_off;	/**< of the indirect table in the area's hdr[] */
	struct vc_req_flags f;	/**< as the area takes them (digest_len at most 64) */
};

struct vc_session_copy;

/** The PMD's private part of a symmetric session. */
struct vc_sym_session {
	struct vc_sym_tmpl t;		/**< first: what every op reads */
	uint64_t session_id;
	struct vc_session_copy *copy;	/**< to make it again on a new backend */
	struct vc_sym_params p;		/**< key pointers NULL */
};

/**
 * Make the request template of a session of these parameters on this
 * device (its features decide the header's length and mode).
 */
void vc_sym_tmpl_make(const struct virtio_crypto_hw *hw, const struct vc_sym_params *p,
		      struct vc_sym_tmpl *t);

/** The PMD's private part of an RSA session. */
struct vc_asym_session {
	/*
	 * One device session per padding the operations may ask for: 24.11
	 * fixes it in the transform, 22.11 names it per operation, and a
	 * virtio RSA session carries it.
	 */
	uint64_t session_id[2];		/**< by VIRTIO_CRYPTO_RSA_*_PADDING */
	struct vc_session_copy *copy[2];
	bool created[2];
	bool private_key;
	uint16_t mod_len;
	/*
	 * A device that refuses PKCS#1 without a named hash (QEMU's builtin
	 * backend) gets a PKCS#1 session per hash it takes, and signs and
	 * verifies the digest of a DigestInfo through the session of its hash.
	 */
	uint8_t hashed;			/**< bit per vc_rsa_digest_infos entry */
	uint64_t hashed_id[VC_RSA_NB_HASHES];
	struct vc_session_copy *hashed_copy[VC_RSA_NB_HASHES];
};

/**
 * Decode a transform chain.
 *
 * @return 0; -ENOTSUP for a chain shape, algorithm or size the device does
 *   not offer; -EINVAL for a malformed chain.
 */
int vc_sym_params_from_xform(const struct virtio_crypto_hw *hw,
			     const struct rte_crypto_sym_xform *xform,
			     struct vc_sym_params *p);

/**
 * Ask the device for a session of this transform and close it again: what
 * a device accepts can be less than its configuration says, and more
 * (virtio_crypto_offer.c).
 *
 * @param[out] kept
 *   NULL: the session is closed again; else it is kept, and its id here.
 * @return 0 if the device created it; else as session creation fails.
 */
int vc_sym_session_trial(struct virtio_crypto_hw *hw,
			 const struct rte_crypto_sym_xform *xform, uint64_t *kept);

/** Close a session vc_sym_session_trial() kept. */
void vc_sym_session_trial_close(struct virtio_crypto_hw *hw, uint32_t service, uint64_t id);

/**
 * Ask the device for a PKCS#1 RSA session on a public key, first with no
 * hash named (as DPDK signs: DigestInfo included), then with SHA-256.
 *
 * @param[out] hash_named
 *   Whether the device took it only with a hash named.
 * @return 0 if the device took either; else as session creation fails.
 */
int vc_asym_session_trial(struct virtio_crypto_hw *hw, bool *hash_named);

/**
 * Make every session the application holds again on the backend a
 * transport reconnected to, each new id where the old one was. Called with
 * dev_lock held and the data path off the rings.
 *
 * @return 0, or the negative errno of the first session the device refused.
 */
int vc_sessions_remake(struct virtio_crypto_hw *hw);

/** Drop the copies of sessions the application never cleared (destroy). */
void vc_sessions_forget(struct virtio_crypto_hw *hw);

/* cryptodev session ops (virtio_crypto_session.c) */
struct rte_cryptodev;
struct rte_cryptodev_sym_session;
struct rte_cryptodev_asym_session;

unsigned int vc_sym_session_get_size(struct rte_cryptodev *dev);
int vc_sym_session_configure(struct rte_cryptodev *dev,
			     struct rte_crypto_sym_xform *xform,
			     struct rte_cryptodev_sym_session *sess);
void vc_sym_session_clear(struct rte_cryptodev *dev,
			  struct rte_cryptodev_sym_session *sess);
unsigned int vc_asym_session_get_size(struct rte_cryptodev *dev);
int vc_asym_session_configure(struct rte_cryptodev *dev,
			      struct rte_crypto_asym_xform *xform,
			      struct rte_cryptodev_asym_session *sess);
void vc_asym_session_clear(struct rte_cryptodev *dev,
			   struct rte_cryptodev_asym_session *sess);

#endif /* VIRTIO_CRYPTO_SESSION_H */
