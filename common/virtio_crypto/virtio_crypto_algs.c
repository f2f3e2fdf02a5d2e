/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "vc_dpdk_compat.h"
#include "virtio_crypto_algs.h"

#define RANGE(lo, hi, inc)	{ .min = (lo), .max = (hi), .increment = (inc) }
#define FIXED(n)		RANGE(n, n, 0)
#define NONE			FIXED(0)

#define CIPHER(n, v, r, blk, key, iv, ...) { .name = (n), \
	.service = VIRTIO_CRYPTO_SERVICE_CIPHER, .algo = VIRTIO_CRYPTO_CIPHER_##v, \
	.rte_algo = (r), .block_size = (blk), .key_size = key, \
	.digest_size = NONE, .iv_size = iv, .aad_size = NONE, __VA_ARGS__ }

#define HASH(n, v, r, blk, digest, ...) { .name = (n), \
	.service = VIRTIO_CRYPTO_SERVICE_HASH, .algo = VIRTIO_CRYPTO_HASH_##v, \
	.rte_algo = (r), .block_size = (blk), .key_size = NONE, \
	.digest_size = digest, .iv_size = NONE, .aad_size = NONE, __VA_ARGS__ }

#define MAC(n, v, r, blk, key, digest, iv, ...) { .name = (n), \
	.service = VIRTIO_CRYPTO_SERVICE_MAC, .algo = VIRTIO_CRYPTO_MAC_##v, \
	.rte_algo = (r), .block_size = (blk), .key_size = key, \
	.digest_size = digest, .iv_size = iv, .aad_size = NONE, __VA_ARGS__ }

#define AEAD(n, v, r, blk, key, digest, iv, aad) { .name = (n), \
	.service = VIRTIO_CRYPTO_SERVICE_AEAD, .algo = VIRTIO_CRYPTO_AEAD_##v, \
	.rte_algo = (r), .block_size = (blk), .key_size = key, \
	.digest_size = digest, .iv_size = iv, .aad_size = aad }

#define AKCIPHER(n, v, r) { .name = (n), \
	.service = VIRTIO_CRYPTO_SERVICE_AKCIPHER, \
	.algo = VIRTIO_CRYPTO_AKCIPHER_##v, .rte_algo = (r) }

/* An HMAC key may be any length; the device's max_auth_key_len narrows it. */
#define HMAC_KEY	RANGE(1, UINT16_MAX, 1)
#define AES_KEY		RANGE(16, 32, 8)
#define TDES_KEY	RANGE(16, 24, 8)

const struct virtio_crypto_alg virtio_crypto_algs[] = {
	CIPHER("aes-ecb", AES_ECB, RTE_CRYPTO_CIPHER_AES_ECB, 16, AES_KEY, NONE,
	       .whole_blocks = true),
	CIPHER("aes-cbc", AES_CBC, RTE_CRYPTO_CIPHER_AES_CBC, 16, AES_KEY, FIXED(16),
	       .whole_blocks = true),
	CIPHER("aes-ctr", AES_CTR, RTE_CRYPTO_CIPHER_AES_CTR, 16, AES_KEY, RANGE(12, 16, 4),
	       .keystream = true),
	/* XTS takes two AES keys: 2 x 128 or 2 x 256 bits */
	CIPHER("aes-xts", AES_XTS, RTE_CRYPTO_CIPHER_AES_XTS, 16, RANGE(32, 64, 32), FIXED(16)),
	CIPHER("aes-f8", AES_F8, RTE_CRYPTO_CIPHER_AES_F8, 16, AES_KEY, FIXED(16),
	       .keystream = true),
	CIPHER("3des-ecb", 3DES_ECB, RTE_CRYPTO_CIPHER_3DES_ECB, 8, TDES_KEY, NONE,
	       .whole_blocks = true),
	CIPHER("3des-cbc", 3DES_CBC, RTE_CRYPTO_CIPHER_3DES_CBC, 8, TDES_KEY, FIXED(8),
	       .whole_blocks = true),
	CIPHER("3des-ctr", 3DES_CTR, RTE_CRYPTO_CIPHER_3DES_CTR, 8, TDES_KEY, FIXED(8),
	       .keystream = true),
	CIPHER("des-cbc", DES_CBC, RTE_CRYPTO_CIPHER_DES_CBC, 8, FIXED(8), FIXED(8),
	       .whole_blocks = true),
	CIPHER("arc4", ARC4, RTE_CRYPTO_CIPHER_ARC4, 1, RANGE(1, 256, 1), NONE,
	       .keystream = true),
	/* the 3GPP algorithms: DPDK counts their data in bits, virtio in bytes */
	CIPHER("kasumi-f8", KASUMI_F8, RTE_CRYPTO_CIPHER_KASUMI_F8, 8, FIXED(16), FIXED(8),
	       .rte_lengths_in_bits = true, .keystream = true),
	CIPHER("snow3g-uea2", SNOW3G_UEA2, RTE_CRYPTO_CIPHER_SNOW3G_UEA2, 16, FIXED(16), FIXED(16),
	       .rte_lengths_in_bits = true, .keystream = true),
	CIPHER("zuc-eea3", ZUC_EEA3, RTE_CRYPTO_CIPHER_ZUC_EEA3, 16, FIXED(16), FIXED(16),
	       .rte_lengths_in_bits = true, .keystream = true),

	HASH("md5", MD5, RTE_CRYPTO_AUTH_MD5, 64, FIXED(16)),
	HASH("sha1", SHA1, RTE_CRYPTO_AUTH_SHA1, 64, FIXED(20)),
	HASH("sha2-224", SHA_224, RTE_CRYPTO_AUTH_SHA224, 64, FIXED(28)),
	HASH("sha2-256", SHA_256, RTE_CRYPTO_AUTH_SHA256, 64, FIXED(32)),
	HASH("sha2-384", SHA_384, RTE_CRYPTO_AUTH_SHA384, 128, FIXED(48)),
	HASH("sha2-512", SHA_512, RTE_CRYPTO_AUTH_SHA512, 128, FIXED(64)),
	HASH("sha3-224", SHA3_224, RTE_CRYPTO_AUTH_SHA3_224, 144, FIXED(28)),
	HASH("sha3-256", SHA3_256, RTE_CRYPTO_AUTH_SHA3_256, 136, FIXED(32)),
	HASH("sha3-384", SHA3_384, RTE_CRYPTO_AUTH_SHA3_384, 104, FIXED(48)),
	HASH("sha3-512", SHA3_512, RTE_CRYPTO_AUTH_SHA3_512, 72, FIXED(64)),
	/* extendable output: the caller picks the length */
	HASH("shake-128", SHA3_SHAKE128, VC_RTE_AUTH_SHAKE_128, 168, RANGE(1, 256, 1)),
	HASH("shake-256", SHA3_SHAKE256, VC_RTE_AUTH_SHAKE_256, 136, RANGE(1, 256, 1)),

	MAC("md5-hmac", HMAC_MD5, RTE_CRYPTO_AUTH_MD5_HMAC, 64, HMAC_KEY, RANGE(1, 16, 1), NONE,
	    .hmac_hash = "MD5"),
	MAC("sha1-hmac", HMAC_SHA1, RTE_CRYPTO_AUTH_SHA1_HMAC, 64, HMAC_KEY, RANGE(1, 20, 1), NONE,
	    .hmac_hash = "SHA1"),
	MAC("sha2-224-hmac", HMAC_SHA_224, RTE_CRYPTO_AUTH_SHA224_HMAC, 64, HMAC_KEY, RANGE(1, 28, 1), NONE,
	    .hmac_hash = "SHA224"),
	MAC("sha2-256-hmac", HMAC_SHA_256, RTE_CRYPTO_AUTH_SHA256_HMAC, 64, HMAC_KEY, RANGE(1, 32, 1), NONE,
	    .hmac_hash = "SHA256"),
	MAC("sha2-384-hmac", HMAC_SHA_384, RTE_CRYPTO_AUTH_SHA384_HMAC, 128, HMAC_KEY, RANGE(1, 48, 1), NONE,
	    .hmac_hash = "SHA384"),
	MAC("sha2-512-hmac", HMAC_SHA_512, RTE_CRYPTO_AUTH_SHA512_HMAC, 128, HMAC_KEY, RANGE(1, 64, 1), NONE,
	    .hmac_hash = "SHA512"),
	MAC("aes-cmac", CMAC_AES, RTE_CRYPTO_AUTH_AES_CMAC, 16, AES_KEY, RANGE(1, 16, 1), NONE),
	MAC("kasumi-f9", KASUMI_F9, RTE_CRYPTO_AUTH_KASUMI_F9, 8, FIXED(16), FIXED(4), NONE,
	    .rte_lengths_in_bits = true),
	MAC("snow3g-uia2", SNOW3G_UIA2, RTE_CRYPTO_AUTH_SNOW3G_UIA2, 16, FIXED(16), FIXED(4), FIXED(16),
	    .rte_lengths_in_bits = true),
	MAC("aes-gmac", GMAC_AES, RTE_CRYPTO_AUTH_AES_GMAC, 16, AES_KEY, RANGE(1, 16, 1), FIXED(12)),
	MAC("aes-cbc-mac", CBCMAC_AES, RTE_CRYPTO_AUTH_AES_CBC_MAC, 16, AES_KEY, RANGE(1, 16, 1), NONE),
	MAC("aes-xcbc-mac", XCBC_AES, RTE_CRYPTO_AUTH_AES_XCBC_MAC, 16, FIXED(16), RANGE(1, 16, 1), NONE),
	MAC("zuc-eia3", ZUC_EIA3, RTE_CRYPTO_AUTH_ZUC_EIA3, 16, FIXED(16), FIXED(4), FIXED(16),
	    .rte_lengths_in_bits = true),

	AEAD("aes-gcm", GCM, RTE_CRYPTO_AEAD_AES_GCM, 16, AES_KEY,
	     RANGE(1, 16, 1), FIXED(12), RANGE(0, UINT16_MAX, 1)),
	/* CCM: nonce 7..13 bytes, even tag 4..16, AAD below 2^16 - 2^8 */
	AEAD("aes-ccm", CCM, RTE_CRYPTO_AEAD_AES_CCM, 16, AES_KEY,
	     RANGE(4, 16, 2), RANGE(7, 13, 1), RANGE(0, 65279, 1)),
	AEAD("chacha20-poly1305", CHACHA20_POLY1305, RTE_CRYPTO_AEAD_CHACHA20_POLY1305,
	     64, FIXED(32), FIXED(16), FIXED(12), RANGE(0, UINT16_MAX, 1)),

	AKCIPHER("rsa", RSA, RTE_CRYPTO_ASYM_XFORM_RSA),
	AKCIPHER("ecdsa", ECDSA, RTE_CRYPTO_ASYM_XFORM_ECDSA),
};

const unsigned int virtio_crypto_algs_count = RTE_DIM(virtio_crypto_algs);

const struct virtio_crypto_alg *
virtio_crypto_alg_find(uint32_t service, uint32_t algo)
{
	const struct virtio_crypto_alg *a;

	VIRTIO_CRYPTO_ALG_FOREACH(a)
		if (a->service == service && a->algo == algo &&
		    a->rte_algo != VC_RTE_ALGO_NONE)
			return a;
	return NULL;
}

enum rte_crypto_sym_xform_type
virtio_crypto_service_xform_type(uint32_t service)
{
	switch (service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		return RTE_CRYPTO_SYM_XFORM_CIPHER;
	case VIRTIO_CRYPTO_SERVICE_HASH:
	case VIRTIO_CRYPTO_SERVICE_MAC:
		return RTE_CRYPTO_SYM_XFORM_AUTH;
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		return RTE_CRYPTO_SYM_XFORM_AEAD;
	default:
		return RTE_CRYPTO_SYM_XFORM_NOT_SPECIFIED;
	}
}

const struct virtio_crypto_alg *
virtio_crypto_alg_find_sym(enum rte_crypto_sym_xform_type type, int rte_algo)
{
	const struct virtio_crypto_alg *a;

	if (type == RTE_CRYPTO_SYM_XFORM_NOT_SPECIFIED ||
	    rte_algo == VC_RTE_ALGO_NONE)
		return NULL;
	VIRTIO_CRYPTO_ALG_FOREACH(a)
		if (virtio_crypto_service_xform_type(a->service) == type &&
		    a->rte_algo == rte_algo)
			return a;
	return NULL;
}

const struct virtio_crypto_alg *
virtio_crypto_alg_find_asym(enum rte_crypto_asym_xform_type type)
{
	const struct virtio_crypto_alg *a;

	VIRTIO_CRYPTO_ALG_FOREACH(a)
		if (a->service == VIRTIO_CRYPTO_SERVICE_AKCIPHER &&
		    a->rte_algo == (int)type)
			return a;
	return NULL;
}

/*
 * Offset in the configuration of the word holding an algorithm's bit, and
 * the bit; -1 if the number does not fit a mask. Cipher and MAC numbers go
 * past 31 and spill into a second (_h) word.
 */
static int
config_mask_offset(const struct virtio_crypto_alg *alg, uint32_t *bit)
{
	bool low = alg->algo < 32;

	*bit = alg->algo % 32;
	switch (alg->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		return low ? offsetof(struct virtio_crypto_config, cipher_algo_l) :
			     offsetof(struct virtio_crypto_config, cipher_algo_h);
	case VIRTIO_CRYPTO_SERVICE_HASH:
		return low ? (int)offsetof(struct virtio_crypto_config, hash_algo) : -1;
	case VIRTIO_CRYPTO_SERVICE_MAC:
		return low ? offsetof(struct virtio_crypto_config, mac_algo_l) :
			     offsetof(struct virtio_crypto_config, mac_algo_h);
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		return low ? (int)offsetof(struct virtio_crypto_config, aead_algo) : -1;
	case VIRTIO_CRYPTO_SERVICE_AKCIPHER:
		return low ? (int)offsetof(struct virtio_crypto_config, akcipher_algo) : -1;
	default:
		return -1;
	}
}

bool
virtio_crypto_config_has_alg(const struct virtio_crypto_config *cfg,
			     const struct virtio_crypto_alg *alg)
{
	uint32_t bit;
	int off = config_mask_offset(alg, &bit);
	rte_le32_t word;

	if (off < 0)
		return false;
	memcpy(&word, (const uint8_t *)cfg + off, sizeof(word));
	return (rte_le_to_cpu_32(cfg->crypto_services) & (1u << alg->service)) &&
	       (rte_le_to_cpu_32(word) & (1u << bit));
}

/* Set or clear the algorithm's mask bit; false if it has none. */
static bool
config_mask_update(struct virtio_crypto_config *cfg, const struct virtio_crypto_alg *alg,
		   bool set)
{
	uint32_t bit, mask;
	int off = config_mask_offset(alg, &bit);
	rte_le32_t word;

	if (off < 0)
		return false;
	memcpy(&word, (uint8_t *)cfg + off, sizeof(word));
	mask = rte_le_to_cpu_32(word);
	mask = set ? mask | (1u << bit) : mask & ~(1u << bit);
	word = rte_cpu_to_le_32(mask);
	memcpy((uint8_t *)cfg + off, &word, sizeof(word));
	return true;
}

void
virtio_crypto_config_add_alg(struct virtio_crypto_config *cfg,
			     const struct virtio_crypto_alg *alg)
{
	if (!config_mask_update(cfg, alg, true))
		return;
	cfg->crypto_services = rte_cpu_to_le_32(
		rte_le_to_cpu_32(cfg->crypto_services) | (1u << alg->service));
}

void
virtio_crypto_config_del_alg(struct virtio_crypto_config *cfg,
			     const struct virtio_crypto_alg *alg)
{
	config_mask_update(cfg, alg, false);
}
