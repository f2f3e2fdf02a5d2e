/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef CRYPTODEV_HARNESS_H
#define CRYPTODEV_HARNESS_H

/**
 * @file
 * A test harness over the public rte_cryptodev API only, so that the same
 * tests run on any crypto PMD named on the command line: device setup by
 * name, symmetric operations described by a struct ch_sym_case and built
 * on (segmented, in-place or out-of-place) mbufs, with or without a
 * session, capability checks that say why an operation cannot run, and a
 * burst runner whose wait is bounded.
 *
 * Functions return 0 or a negative errno unless said otherwise. A reason
 * string, where a function takes one, is filled whenever it returns false
 * or an error.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

/** Size of a reason or mismatch message. */
#define CH_MSG_LEN		256

/** Largest buffer an operation takes (below aesni_mb's 64 KiB SGL limit). */
#define CH_MAX_DATA		16384
/** Largest digest (SHA-512). */
#define CH_MAX_DIGEST		64
/** Largest IV, counter block or nonce. */
#define CH_MAX_IV		16
/** Largest AAD. */
#define CH_MAX_AAD		256
/** Most segments of one mbuf chain. */
#define CH_MAX_SEGS		16

/*
 * Layout of a symmetric op's private area: room for two transforms (where
 * rte_crypto_op_sym_xforms_alloc() puts a sessionless op's), then the IV,
 * then the AAD. DPDK gives IV offsets from the start of the op.
 */
#define CH_IV_OFFSET	(sizeof(struct rte_crypto_op) + \
			 sizeof(struct rte_crypto_sym_op) + \
			 2 * sizeof(struct rte_crypto_sym_xform))
/* a cipher (or AEAD) IV, then an auth IV */
#define CH_IV_ROOM	(2 * CH_MAX_IV)
/* CCM wants 18 bytes before the AAD and the whole rounded to 16 bytes. */
#define CH_AAD_OFFSET	(CH_IV_OFFSET + CH_IV_ROOM)
#define CH_AAD_ROOM	RTE_ALIGN_CEIL(18 + CH_MAX_AAD, 16)

/** One device under test and everything allocated for it. */
struct ch_dev {
	uint8_t id;
	char name[RTE_CRYPTODEV_NAME_MAX_LEN];
	const char *driver;
	uint64_t features;		/**< RTE_CRYPTODEV_FF_* */
	uint16_t nb_qp;
	uint32_t qp_depth;		/**< descriptors of each queue pair */
	struct rte_mempool *sess_pool;	/**< symmetric sessions */
	struct rte_mempool *asym_sess_pool;	/**< NULL without asymmetric crypto */
	struct rte_mempool *op_pool;
	struct rte_mempool *asym_op_pool;	/**< NULL without asymmetric crypto */
	struct rte_mempool *mbuf_pool;
	/**
	 * Symmetric ops as applications that keep them outside an op pool
	 * make them (ipsec-secgw: in the mbuf's private area): no IOVA of
	 * their own, op->phys_addr 0. The IV in the op has no address then.
	 */
	bool op_iova_unset;
	/**
	 * Set when a burst timed out or an op came back damaged: ops may be
	 * lost or memory overwritten, so nothing more runs on the device and
	 * its pools are not freed.
	 */
	bool broken;
	const char *broken_why;
};

/**
 * Start EAL for a test program: stdout line-buffered (every line out as it
 * is made, whatever happens later), EAL's options consumed; *argc and
 * *argv are left with the program's own (argv[0] the program name).
 * Exits the process if EAL does not start.
 */
void ch_eal_init(int *argc, char ***argv);

/**
 * Find the device by name (its vdev name, or failing that the first
 * device of a driver of that name), configure nb_qp queue pairs and create
 * its pools, and start it.
 *
 * @return 0; -ENODEV if there is no such device; another -errno, with a
 *   message on stderr, if a step fails.
 */
int ch_dev_setup(struct ch_dev *dev, const char *name, uint16_t nb_qp);

/** Stop and close the device and free its pools. */
void ch_dev_close(struct ch_dev *dev);

/** Mark the device broken (once, with a message on stderr). */
void ch_dev_set_broken(struct ch_dev *dev, const char *why);

/** True if the device has every feature flag in mask. */
static inline bool
ch_dev_has(const struct ch_dev *dev, uint64_t mask)
{
	return (dev->features & mask) == mask;
}

/**
 * Known defects of the software PMDs the tests run on today. Tests leave
 * the operations a defect spoils out on the devices that have it only,
 * saying so, so that a new device (the virtio PMD) is held to the whole.
 */
enum ch_quirk {
	/**
	 * crypto_aesni_mb (22.11, IPsec-MB 1.3): the HMAC of an empty
	 * message is wrong, and so are later HMACs of that hash on the
	 * queue pair.
	 */
	CH_QUIRK_EMPTY_HMAC,
	/**
	 * crypto_aesni_mb (22.11, 24.11): a sessionless op comes back with
	 * its private area (where its transforms are) wiped as if it were
	 * the PMD's session, over the next op in the pool.
	 */
	CH_QUIRK_SESSIONLESS,
	/**
	 * crypto_aesni_mb (seen on 22.11): AES-CMAC verify (alone or in a
	 * chain) over a segmented buffer completes with SUCCESS whatever the
	 * digest.
	 */
	CH_QUIRK_SGL_CMAC_VERIFY,
	/**
	 * crypto_aesni_mb (22.11): with segmented buffers a generated digest
	 * goes right after the auth region, over the data there, and not to
	 * digest.data; only a digest that follows the region comes out right.
	 */
	CH_QUIRK_SGL_DIGEST_AFTER_AUTH,
	/**
	 * crypto_openssl (22.11): an out-of-place encrypt+generate chain
	 * from a segmented source writes over the destination's
	 * authenticated bytes before the cipher region.
	 */
	CH_QUIRK_OOP_SGL_CHAIN_HEADER,
	/**
	 * crypto_aesni_mb (seen on 24.11): DES and 3DES ops of one burst
	 * come out wrong (their first blocks mixed up); one at a time they
	 * are right. Tests send them alone.
	 */
	CH_QUIRK_DES_BURST,
	/** crypto_openssl: 3DES-CTR over a segmented buffer fails with ERROR */
	CH_QUIRK_SGL_3DES_CTR,
	/**
	 * AEAD (and AES-GMAC) over a segmented buffer: crypto_openssl
	 * (22.11, 24.11) fails AES-CCM, AES-GMAC, and AES-GCM whose text ends
	 * in a partial block, with ERROR; crypto_aesni_mb (seen on 24.11)
	 * leaves the output of AES-GCM and ChaCha20-Poly1305 unwritten.
	 */
	CH_QUIRK_SGL_AEAD,
	/**
	 * crypto_openssl (22.11, 24.11): an RSA verify of a well padded
	 * signature of another message completes with SUCCESS (it only logs
	 * the mismatch).
	 */
	CH_QUIRK_RSA_VERIFY_MISMATCH,
};

/**
 * True if the device has the defect. The table does not tell DPDK
 * releases apart: a defect seen on one is assumed on both.
 */
bool ch_dev_quirk(const struct ch_dev *dev, enum ch_quirk quirk);

/**
 * Run ops on a queue pair: enqueue them all (as the queue takes them) and
 * dequeue until every enqueued op is back, for at most timeout_ms.
 *
 * An op the device would not take is left with status NOT_PROCESSED.
 *
 * @return 0 when every enqueued op came back; -ETIMEDOUT otherwise, and the
 *   device is marked broken (the ops still inside it must not be freed);
 *   -EIO if it already was.
 */
int ch_run_ops(struct ch_dev *dev, uint16_t qp, struct rte_crypto_op **ops,
	       uint16_t nb_ops, unsigned int timeout_ms);

/** Name of an op status, for messages. */
const char *ch_status_str(enum rte_crypto_op_status status);

/* ------------------------------------------------------------------ */
/* Symmetric operations                                                */
/* ------------------------------------------------------------------ */

enum ch_sym_kind {
	CH_CIPHER,
	CH_AUTH,
	CH_AEAD,
	/** cipher then auth: encrypt, then generate over the ciphertext */
	CH_CIPHER_AUTH,
	/** auth then cipher: verify the ciphertext, then decrypt */
	CH_AUTH_CIPHER,
};

/**
 * One symmetric operation, independent of any device.
 *
 * The input buffer is in[0..in_len). The cipher (or AEAD) region and the
 * auth region are offsets and lengths in it. For CH_CIPHER_AUTH and
 * CH_AUTH_CIPHER, encrypt and generate are implied by the kind.
 */
struct ch_sym_case {
	enum ch_sym_kind kind;
	int cipher_algo;	/**< enum rte_crypto_cipher_algorithm */
	int auth_algo;		/**< enum rte_crypto_auth_algorithm */
	int aead_algo;		/**< enum rte_crypto_aead_algorithm */
	bool encrypt;		/**< CH_CIPHER, CH_AEAD: encrypt, else decrypt */
	bool generate;		/**< CH_AUTH: generate, else verify */
	const uint8_t *key;
	uint16_t key_len;
	const uint8_t *auth_key;
	uint16_t auth_key_len;
	const uint8_t *iv;	/**< cipher or AEAD IV, or CCM nonce */
	uint16_t iv_len;
	const uint8_t *auth_iv;	/**< e.g. GMAC; not with a cipher IV */
	uint16_t auth_iv_len;
	const uint8_t *aad;
	uint16_t aad_len;
	uint16_t digest_len;
	/** Verify, AEAD decrypt: the digest to check. */
	const uint8_t *digest;

	const uint8_t *in;
	uint32_t in_len;
	uint32_t cipher_off, cipher_len;	/**< also the AEAD data */
	uint32_t auth_off, auth_len;

	bool sessionless;
	bool oop;		/**< out-of-place: a destination mbuf chain */
	/**
	 * Segment boundaries of the source and the destination: offsets
	 * where a new segment starts, increasing, inside (0, in_len).
	 */
	uint32_t src_cuts[CH_MAX_SEGS - 1];
	uint8_t nb_src_cuts;
	uint32_t dst_cuts[CH_MAX_SEGS - 1];
	uint8_t nb_dst_cuts;
	/**
	 * Out-of-place only: what the destination holds before the op:
	 * a copy of the input (so that a chain's authenticated bytes outside
	 * the cipher region are the same wherever a device reads them), or
	 * else a fill byte.
	 */
	bool dst_copy;
	uint8_t dst_fill;
};

/**
 * Boundaries that split len bytes into nb_segs segments of near equal
 * size, each moved down to base plus a multiple of align (align 1: where
 * they fall). None is empty, so a short buffer gets fewer.
 *
 * With base the cipher offset and align the block size, no cipher block
 * is split across segments: crypto_openssl (22.11) garbles one that is.
 *
 * @return the number of boundaries written to cuts (nb_segs - 1 at most).
 */
uint8_t ch_even_cuts(uint32_t len, unsigned int nb_segs, uint32_t base,
		     uint32_t align, uint32_t *cuts);

/**
 * Can the device run this case: its capabilities (algorithm, key, IV,
 * digest and AAD sizes), and the features it needs (chaining, sessionless,
 * in-place or out-of-place scatter-gather)?
 */
bool ch_sym_supported(const struct ch_dev *dev, const struct ch_sym_case *c,
		      char *why, size_t why_len);

/**
 * An op built by ch_sym_op_build() and what it was built with: the
 * harness reads results and frees through these, never through fields of
 * the op a device may have changed.
 */
struct ch_sym_op {
	struct rte_crypto_op *op;
	struct rte_mbuf *src, *dst;	/**< dst NULL in place */
	void *sess;			/**< NULL sessionless */
	uint8_t *digest;		/**< in the source or destination tail */
};

/**
 * Whether the device refuses a session for this case as not supported
 * (-ENOTSUP), though its capabilities allow the case: a virtio-crypto
 * device's configuration cannot state every limit (an HMAC-MD5 key longer
 * than the block, AAD beyond what its backend takes), so it says so at
 * session creation. Callers skip such a case, with the reason.
 */
bool ch_sym_session_refused(struct ch_dev *dev, const struct ch_sym_case *c);

/**
 * Build an op for the case on the device: mbufs, session (or sessionless
 * transforms), IV, AAD and digest. A verify's digest sits right after the
 * data of the source's last segment; a generated one after the data of
 * the destination's (the source's in place).
 *
 * @return 0; -ENOMEM (a pool is empty), -ENOTSUP (the device refused the
 *   session as not supported) or -EINVAL (it refused it otherwise), with
 *   nothing left allocated.
 */
int ch_sym_op_build(struct ch_dev *dev, const struct ch_sym_case *c,
		    struct ch_sym_op *h);

/**
 * Whether the op came back as it went: the device left its mbufs and type
 * alone. Check before believing its status.
 */
bool ch_sym_op_intact(const struct ch_sym_op *h);

/**
 * Copy out what an op produced: the whole output buffer (the destination
 * chain, or the source in place) into out[0..in_len), and the digest it
 * generated into digest (CH_MAX_DIGEST bytes), if any.
 */
void ch_sym_op_output(const struct ch_sym_op *h, const struct ch_sym_case *c,
		      uint8_t *out, uint8_t *digest);

/** Free an op's mbufs, session and the op. */
void ch_sym_op_free(struct ch_dev *dev, struct ch_sym_op *h);

/**
 * Compare got with want; on a difference write where it starts and both
 * sides in hex (from a little before it) to msg.
 *
 * @return true if equal.
 */
bool ch_compare(const char *what, const uint8_t *got, const uint8_t *want,
		uint32_t len, char *msg, size_t msg_len);

/** Hex of up to max bytes of data, for messages. */
void ch_hex(char *dst, size_t dst_len, const uint8_t *data, uint32_t len,
	    uint32_t max);

/** Parse a comma-separated list into its items, in place. */
unsigned int ch_split_list(char *list, char **items, unsigned int max);

#endif /* CRYPTODEV_HARNESS_H */
