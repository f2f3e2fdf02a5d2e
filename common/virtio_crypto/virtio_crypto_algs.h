/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_ALGS_H
#define VIRTIO_CRYPTO_ALGS_H

/**
 * @file
 * The one mapping between virtio-crypto algorithms and rte_crypto ones,
 * with each algorithm's intrinsic sizes. The guest PMD turns the device's
 * configuration masks into cryptodev capabilities with it; the backend
 * turns a cryptodev's capabilities into configuration masks and guest
 * session requests into rte_crypto transforms with it.
 *
 * Only algorithms that exist on both sides are listed: a virtio algorithm
 * without a DPDK counterpart (DES-ECB, CMAC-3DES, GMAC-Twofish,
 * CBC-MAC-KASUMI-F9) is never offered and never accepted.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_crypto_sym.h>
#include <rte_crypto_asym.h>
#include <rte_cryptodev.h>

#include "virtio_crypto_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One algorithm known to both virtio-crypto and DPDK. */
struct virtio_crypto_alg {
	const char *name;	/**< as DPDK's tools spell it, e.g. "aes-cbc" */
	uint8_t service;	/**< VIRTIO_CRYPTO_SERVICE_* */
	uint8_t algo;		/**< virtio number, also its config mask bit */
	/**
	 * enum rte_crypto_{cipher,auth,aead}_algorithm for the symmetric
	 * services (HASH and MAC are both auth), enum
	 * rte_crypto_asym_xform_type for AKCIPHER.
	 */
	int16_t rte_algo;
	/*
	 * Sizes the algorithm itself allows, before a device narrows them
	 * (the config's max key lengths, a cryptodev's capabilities).
	 */
	uint16_t block_size;
	struct rte_crypto_param_range key_size;
	struct rte_crypto_param_range digest_size;
	struct rte_crypto_param_range iv_size;
	struct rte_crypto_param_range aad_size;
	/**
	 * DPDK gives this algorithm's data offsets and lengths in bits (the
	 * 3GPP ciphers and MACs); virtio always counts bytes.
	 */
	bool rte_lengths_in_bits;
	/** A cipher that XORs a keystream (CTR and the stream ciphers). */
	bool keystream;
	/**
	 * A block cipher mode without ciphertext stealing (ECB, CBC): its
	 * data is a whole number of blocks. A PMD given less may return
	 * SUCCESS over the bytes it left alone (aesni_mb does).
	 */
	bool whole_blocks;
	/**
	 * An HMAC: the hash it is built on, by its OpenSSL name. A key longer
	 * than block_size is that hash of the key (RFC 2104, section 2).
	 */
	const char *hmac_hash;
};

/** The table, and its number of entries. */
extern const struct virtio_crypto_alg virtio_crypto_algs[];
extern const unsigned int virtio_crypto_algs_count;

#define VIRTIO_CRYPTO_ALG_FOREACH(a) \
	for ((a) = virtio_crypto_algs; \
	     (a) < virtio_crypto_algs + virtio_crypto_algs_count; (a)++)

/**
 * Look up a virtio algorithm.
 *
 * @return the entry, or NULL if the service/algorithm pair is unknown or
 *   has no counterpart in this DPDK.
 */
const struct virtio_crypto_alg *
virtio_crypto_alg_find(uint32_t service, uint32_t algo);

/**
 * Look up a symmetric rte_crypto algorithm.
 *
 * @param type
 *   RTE_CRYPTO_SYM_XFORM_CIPHER, _AUTH or _AEAD.
 * @param rte_algo
 *   The algorithm of that transform type.
 * @return the entry (for AUTH, its service tells HASH from MAC), or NULL.
 */
const struct virtio_crypto_alg *
virtio_crypto_alg_find_sym(enum rte_crypto_sym_xform_type type, int rte_algo);

/** Look up an asymmetric transform type; NULL if virtio has none. */
const struct virtio_crypto_alg *
virtio_crypto_alg_find_asym(enum rte_crypto_asym_xform_type type);

/** The symmetric transform type of a service, or NOT_SPECIFIED for AKCIPHER. */
enum rte_crypto_sym_xform_type
virtio_crypto_service_xform_type(uint32_t service);

/** True if the configuration advertises the algorithm (and its service). */
bool
virtio_crypto_config_has_alg(const struct virtio_crypto_config *cfg,
			     const struct virtio_crypto_alg *alg);

/** Advertise the algorithm and its service in the configuration. */
void
virtio_crypto_config_add_alg(struct virtio_crypto_config *cfg,
			     const struct virtio_crypto_alg *alg);

/** Stop advertising the algorithm (its service bit stays). */
void
virtio_crypto_config_del_alg(struct virtio_crypto_config *cfg,
			     const struct virtio_crypto_alg *alg);

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_CRYPTO_ALGS_H */
