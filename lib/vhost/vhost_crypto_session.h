/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_SESSION_H
#define VHOST_CRYPTO_SESSION_H

/*
 * Sessions: what a frontend asks for, however it asked (a QEMU vhost-user
 * session message of any layout, or an in-band control request), is first
 * decoded into struct vc_session_params; only that is turned into
 * cryptodev sessions and kept in the device's session table.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_cryptodev.h>

#include "virtio_crypto_algs.h"

/** The longest hash an HMAC key is folded into (SHA-512). */
#define VC_HMAC_FOLDED_KEY_MAX	64

/** A session request, decoded and checked, independent of how it came. */
struct vc_session_params {
	uint32_t service;	/**< VIRTIO_CRYPTO_SERVICE_* */
	uint32_t op_type;	/**< CIPHER service: VIRTIO_CRYPTO_SYM_OP_* */

	/* cipher part (CIPHER service), or the AEAD algorithm and key */
	const struct virtio_crypto_alg *cipher;
	uint32_t direction;	/**< VIRTIO_CRYPTO_OP_ENCRYPT / _DECRYPT */
	const uint8_t *cipher_key;
	uint32_t cipher_key_len;

	/* hash part: HASH or MAC service, or the hash half of a chain */
	const struct virtio_crypto_alg *hash;
	uint32_t hash_mode;	/**< chain: VIRTIO_CRYPTO_SYM_HASH_MODE_* */
	uint32_t chain_order;	/**< chain: VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_* */
	uint32_t hash_result_len;
	const uint8_t *auth_key;
	uint32_t auth_key_len;
	uint32_t aad_len;	/**< AEAD, and chains (0 in practice) */
	/**
	 * An HMAC key longer than its hash's block, hashed: auth_key points
	 * here after vc_session_params_xforms(). Whoever owns p wipes it.
	 */
	uint8_t auth_key_folded[VC_HMAC_FOLDED_KEY_MAX];

	/* AKCIPHER service (RSA) */
	uint32_t key_type;	/**< VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_* */
	uint32_t rsa_padding;	/**< VIRTIO_CRYPTO_RSA_*_PADDING */
	uint32_t rsa_hash;	/**< VIRTIO_CRYPTO_RSA_<hash> */
	const uint8_t *asym_key;	/**< DER */
	uint32_t asym_key_len;
};

/** Longest DER key an in-band AKCIPHER create may carry (a 4096-bit private key is ~2.4 KB). */
#define VC_ASYM_MAX_KEY_LEN	4096

/**
 * Fill and check the AKCIPHER part of a create request, the part both
 * decoders share. p->asym_key must already point at key_len bytes.
 * @return 0, -EBADMSG (key type, key length), -ENOTSUP (not RSA).
 */
int vc_session_params_set_akcipher(struct vc_session_params *p, uint32_t algo,
				   uint32_t key_type, uint32_t key_len,
				   uint32_t rsa_padding, uint32_t rsa_hash);

/**
 * Fill and check the cipher part of a CIPHER session (plain or chained) or
 * an AEAD one, the part every decoder shares (session messages, control
 * requests, stateless requests). p->cipher_key is the caller's to set.
 * @return 0, -EBADMSG (a direction that is neither, a key longer than any
 *   cipher key), or -ENOTSUP (an algorithm without a mapping).
 */
int vc_session_params_set_cipher(struct vc_session_params *p, uint32_t service,
				 uint32_t algo, uint32_t key_len, uint32_t direction);

/**
 * Fill and check a HASH or MAC session (auth_key_len 0 for HASH), for
 * control and stateless requests alike. p->auth_key is the caller's.
 * @return 0, -EBADMSG (a key longer than any MAC key), -ENOTSUP (an
 *   algorithm without a mapping).
 */
int vc_session_params_set_hash(struct vc_session_params *p, uint32_t service,
			       uint32_t algo, uint32_t result_len, uint32_t auth_key_len);

/**
 * Fill and check the hash half of a chained CIPHER session, the part both
 * decoders share. p->auth_key must already point at auth_key_len bytes.
 * @return 0, -EBADMSG (order, mode or key length out of range, a key for a
 *   plain hash), or -ENOTSUP (nested mode, an algorithm without a mapping).
 */
int vc_session_params_set_chain(struct vc_session_params *p, uint32_t chain_order,
				uint32_t hash_mode, uint32_t hash_algo,
				uint32_t hash_result_len, uint32_t auth_key_len,
				uint32_t aad_len);

/** Layouts of QEMU's vhost-user create-session payload. */
enum vc_session_msg_layout {
	VC_SESSION_MSG_AUTO = 0,	/**< by size, then by content */
	VC_SESSION_MSG_QEMU_7_0,	/**< 632 B, with op_code */
	VC_SESSION_MSG_QEMU_7_1,	/**< 632 B, without op_code */
	VC_SESSION_MSG_QEMU_8_1,	/**< 1072 B */
};

/**
 * Decode a VHOST_USER_CREATE_CRYPTO_SESSION payload.
 *
 * @param payload, size
 *   The message payload as received; key pointers in params point into it.
 * @param layout
 *   VC_SESSION_MSG_AUTO, or a layout the operator forced.
 * @param[out] params
 *   The decoded request.
 * @param[out] used_layout
 *   The layout that was decoded (for the reply and for logs).
 * @return
 *   0; -EBADMSG if the payload fits no layout or its lengths are out of
 *   bounds; -ENOTSUP for a well-formed request of something this backend
 *   has no mapping for (an unknown algorithm, an asymmetric session).
 */
int vc_session_msg_decode(const void *payload, uint32_t size,
			  enum vc_session_msg_layout layout,
			  struct vc_session_params *params,
			  enum vc_session_msg_layout *used_layout);

/**
 * Decode an in-band control-queue create request (opcode
 * VIRTIO_CRYPTO_*_CREATE_SESSION). `keys` holds the bytes that followed the
 * 72-byte request in the chain (cipher key, then MAC key), copied out of
 * guest memory by the caller; key pointers in params point into it.
 *
 * @return 0; -EBADMSG for a malformed request (lengths over the limits or
 *   the bytes given, fields out of range); -ENOTSUP for an algorithm or
 *   service without a mapping.
 */
int vc_session_ctrl_decode(const struct virtio_crypto_op_ctrl_req *req,
			   const uint8_t *keys, uint32_t keys_len,
			   struct vc_session_params *params);

/**
 * Write a create-session reply into the payload, in the layout the request
 * came in: the new session id, or a negative value for failure.
 */
void vc_session_msg_set_reply(void *payload, enum vc_session_msg_layout layout,
			      int64_t session_id);



/* ------------------------------------------------------------------ */
/* The session table                                                   */
/* ------------------------------------------------------------------ */

/** A live session, as the data path needs it. */
/* Devices an instance uses: the main one, and an optional fallback. */
#define VC_DEV_MAIN	0
#define VC_DEV_FALLBACK	1
#define VC_NB_DEVS	2

struct vc_rsa_session;

struct vc_session {
	void *crypto_sess[VC_NB_DEVS];	/**< sym session per device, or NULL */
	/** AKCIPHER: the RSA session, on device rsa_dev (the first that has RSA). */
	struct vc_rsa_session *rsa;
	uint8_t rsa_dev;
	uint32_t service;		/**< VIRTIO_CRYPTO_SERVICE_* */
	uint32_t op_type;		/**< CIPHER service: VIRTIO_CRYPTO_SYM_OP_* */
	uint32_t direction;		/**< VIRTIO_CRYPTO_OP_* */
	uint16_t iv_len;		/**< the IV length every request must carry */
	uint16_t digest_len;		/**< hash result / tag length */
	uint16_t aad_len;
	int16_t rte_algo;		/**< cipher or AEAD algorithm, else auth */
	/** ECB and CBC: the cipher's data is whole blocks of this size (a power of two); else 0. */
	uint16_t cipher_block;
	/* The cryptodev wants these data ranges in bits (3GPP algorithms). */
	bool cipher_in_bits;
	bool auth_in_bits;
	bool hmac;			/**< its hash is an HMAC (see the quirks) */
	/** A stateless request's own session: made per op, on the device it goes to. */
	bool stateless;
	/** Set (release) once every field above is written; data path acquires. */
	bool live;
	/**
	 * What the session was created from, keys included, for a live
	 * upgrade to create it again (vhost_crypto_upgrade.c); wiped and
	 * freed with the session. Never read by the data path.
	 */
	struct vc_session_saved *saved;
};

/**
 * A session's creation parameters as plain values, keys following: what
 * a new daemon needs to create the same session. Also the form the
 * upgrade state carries (same machine, native byte order).
 */
struct vc_session_saved {
	uint32_t service;
	uint32_t op_type;
	uint32_t direction;
	uint32_t has_cipher;		/**< cipher_algo is set */
	uint32_t cipher_algo;		/**< virtio number, in `service` */
	uint32_t has_hash;
	uint32_t hash_service;		/**< HASH or MAC */
	uint32_t hash_algo;
	uint32_t hash_mode;
	uint32_t chain_order;
	uint32_t hash_result_len;
	uint32_t aad_len;
	uint32_t key_type;
	uint32_t rsa_padding;
	uint32_t rsa_hash;
	uint32_t cipher_key_len;
	uint32_t auth_key_len;
	uint32_t asym_key_len;
	uint8_t keys[];			/**< cipher key, auth key, asymmetric key */
};

/** Bytes of a saved session, keys included. */
static inline size_t
vc_session_saved_size(const struct vc_session_saved *s)
{
	return sizeof(*s) + (size_t)s->cipher_key_len + s->auth_key_len + s->asym_key_len;
}

/**
 * Parameters from a saved session of `len` bytes (checked against what it
 * claims); key pointers point into s.
 * @return 0, or -EBADMSG for a malformed or unknown one.
 */
int vc_session_params_from_saved(const struct vc_session_saved *s, size_t len,
				 struct vc_session_params *p);

/**
 * Create a session in slot `id` (a live upgrade keeps the ids the
 * frontend knows). @return 0, -EEXIST (slot taken), -ERANGE, or what
 * vc_session_create() returns.
 */
struct vc_session_table;
int vc_session_create_at(struct vc_session_table *t,
			 const struct vc_session_params *p, uint64_t id);

/**
 * rte_cryptodev_sym_session_create(), but only for a transform chain the
 * device's capabilities cover, sizes included; NULL with rte_errno ENOTSUP
 * otherwise.
 */
void *vc_sym_session_create_on(uint8_t dev_id, struct rte_crypto_sym_xform *x,
			       struct rte_mempool *mp);

/**
 * Sessions of one frontend. Ids are slot numbers; 0 is a valid id, as with
 * QEMU's own backend. Created and destroyed on the vhost control thread;
 * read by the data path, which only sees a slot once it is live, and is
 * quiesced (by the caller) before a slot is destroyed.
 */
struct vc_session_table {
	/*
	 * Serialises create and destroy, which may come from the relay, the
	 * vhost thread and the worker (control queue); lookups take no lock.
	 */
	pthread_mutex_t lock;
	struct vc_session *slots;
	uint32_t nb_slots;
	uint32_t nb_live;
	uint8_t nb_devs;		/**< 1, or 2 with a fallback device */
	uint8_t cdev_id[VC_NB_DEVS];	/**< sessions are made on each */
	struct rte_mempool *pool[VC_NB_DEVS];
	/** Sessions of stateless requests in flight, apart from the guest's. */
	struct rte_mempool *stateless_pool[VC_NB_DEVS];
	/** RSA sessions, for whichever device has RSA; NULL if none does. */
	struct rte_mempool *asym_pool;
};

/**
 * IV offset in every rte_crypto_op of this backend: the start of its
 * private area, after a symmetric or asymmetric op (the pool holds both).
 */
#define VC_OP_IV_OFFSET \
	(sizeof(struct rte_crypto_op) + \
	 RTE_MAX(sizeof(struct rte_crypto_sym_op), sizeof(struct rte_crypto_asym_op)))

int vc_session_table_init(struct vc_session_table *t, uint32_t nb_slots,
			  uint32_t nb_stateless, const uint8_t *cdev_ids,
			  uint8_t nb_devs, int socket_id, const char *name);
void vc_session_table_free(struct vc_session_table *t);

/**
 * Check decoded parameters against the algorithm table and build the
 * cryptodev transforms (x[0] first; x[1] for the second half of a chain).
 * Key pointers are the ones in p; an HMAC key longer than its hash's
 * block is first replaced by its hash, in p->auth_key_folded (RFC 2104:
 * the same MAC, and a key every device takes), which the caller wipes.
 * @return 0, -EINVAL (lengths the algorithm does not allow), -ENOTSUP.
 */
int vc_session_params_xforms(struct vc_session_params *p,
			     struct rte_crypto_sym_xform x[2]);

/** What the data path checks requests against: fill s from p. */
void vc_session_describe(struct vc_session *s, const struct vc_session_params *p);

/**
 * Create a session from decoded parameters.
 * @return 0 with *id set; -ENOSPC (table full), -ENOTSUP (the device cannot
 *   do it), -EINVAL (parameters the algorithm does not allow).
 */
int vc_session_create(struct vc_session_table *t,
		      const struct vc_session_params *p, uint64_t *id);

/**
 * Destroy a session. The caller has quiesced the data path and completed
 * every operation in flight.
 * @return 0, or -ENOENT for an id that is not live.
 */
int vc_session_destroy(struct vc_session_table *t, uint64_t id);

/** Destroy every session (connection gone). @return how many there were. */
uint32_t vc_session_destroy_all(struct vc_session_table *t);

/** Data path lookup: the live session, or NULL. */
static inline const struct vc_session *
vc_session_lookup(const struct vc_session_table *t, uint64_t id)
{
	const struct vc_session *s;

	if (id >= t->nb_slots)
		return NULL;
	s = &t->slots[id];
	return __atomic_load_n(&s->live, __ATOMIC_ACQUIRE) ? s : NULL;
}

#endif /* VHOST_CRYPTO_SESSION_H */
