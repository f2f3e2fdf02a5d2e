/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef KAT_TYPES_H
#define KAT_TYPES_H

/**
 * @file
 * The shapes of the known answers gen_kat_vectors.py writes into
 * kat_vectors.h. Lengths are bytes; an empty field is NULL with length 0.
 */

#include <stdint.h>

#include <rte_crypto_asym.h>
#include <rte_crypto_sym.h>

enum kat_kind {
	KAT_CIPHER,	/**< plain <-> cipher over the whole buffer */
	KAT_AUTH,	/**< digest of plain (a hash, or a MAC with auth_key) */
	KAT_AEAD,	/**< plain + aad -> cipher + digest (the tag) */
	/**
	 * Cipher then MAC: plain and cipher are a header of hdr_len bytes
	 * (authenticated only) and the text; digest covers header || cipher.
	 */
	KAT_CHAIN,
};

/** One symmetric known answer; it is checked in both directions. */
struct kat_vector {
	const char *id;		/**< file and record, for messages */
	enum kat_kind kind;
	int cipher_algo;	/**< enum rte_crypto_cipher_algorithm, or 0 */
	int auth_algo;		/**< enum rte_crypto_auth_algorithm, or 0 */
	int aead_algo;		/**< enum rte_crypto_aead_algorithm, or 0 */
	const uint8_t *key;	/**< cipher or AEAD key */
	uint32_t key_len;
	const uint8_t *auth_key;
	uint32_t auth_key_len;
	const uint8_t *iv;	/**< IV, counter block or nonce */
	uint32_t iv_len;
	const uint8_t *aad;
	uint32_t aad_len;
	const uint8_t *plain;
	uint32_t plain_len;
	const uint8_t *cipher;	/**< as long as plain, but for a bad AEAD tag */
	uint32_t cipher_len;
	const uint8_t *digest;
	uint32_t digest_len;
	uint32_t hdr_len;
	/** 0: the digest is wrong, so only a failing decrypt is checked. */
	uint8_t valid;
	/** 1: the answer was computed by the generator, not published. */
	uint8_t generated;
};

struct kat_bytes {
	const uint8_t *data;
	uint32_t len;
};

/** An RSA key, its integers big-endian without leading zeros. */
struct kat_rsa_key {
	uint32_t bits;
	struct kat_bytes n, e, d, p, q, dp, dq, qinv;
};

/**
 * A PKCS#1 v1.5 signature: msg is what the device type-1 pads and signs
 * (DigestInfo || H(m), or data signed as given).
 */
struct kat_rsa_sig {
	uint32_t bits;
	const char *what;
	const uint8_t *msg;
	uint32_t msg_len;
	const uint8_t *sig;
	uint32_t sig_len;
};

/** An encryption or decryption with a fixed answer. */
struct kat_rsa_crypt {
	uint32_t bits;
	const char *what;
	enum rte_crypto_asym_op_type op;
	uint8_t pkcs1;		/**< 0: no padding, the plain text is a number */
	const uint8_t *plain;
	uint32_t plain_len;
	const uint8_t *cipher;
	uint32_t cipher_len;
};

#endif /* KAT_TYPES_H */
