/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/* The shared algorithm table: consistent, and the config masks right. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "test_report.h"
#include "virtio_crypto_algs.h"

static void
entries_are_unique_both_ways(void **state)
{
	const struct virtio_crypto_alg *a, *b;

	(void)state;
	assert_true(virtio_crypto_algs_count > 30);
	VIRTIO_CRYPTO_ALG_FOREACH(a) {
		assert_non_null(a->name);
		assert_true(a->service < VIRTIO_CRYPTO_SERVICE_MAX);
		for (b = a + 1; b < virtio_crypto_algs + virtio_crypto_algs_count; b++) {
			assert_false(a->service == b->service && a->algo == b->algo);
			assert_string_not_equal(a->name, b->name);
			if (a->rte_algo < 0)
				continue;
			assert_false(a->rte_algo == b->rte_algo &&
				     virtio_crypto_service_xform_type(a->service) ==
				     virtio_crypto_service_xform_type(b->service) &&
				     (a->service == VIRTIO_CRYPTO_SERVICE_AKCIPHER) ==
				     (b->service == VIRTIO_CRYPTO_SERVICE_AKCIPHER));
		}
	}
}

static void
lookups_round_trip(void **state)
{
	const struct virtio_crypto_alg *a;

	(void)state;
	VIRTIO_CRYPTO_ALG_FOREACH(a) {
		if (a->rte_algo < 0) {
			assert_null(virtio_crypto_alg_find(a->service, a->algo));
			continue;
		}
		assert_ptr_equal(virtio_crypto_alg_find(a->service, a->algo), a);
		if (a->service == VIRTIO_CRYPTO_SERVICE_AKCIPHER)
			assert_ptr_equal(virtio_crypto_alg_find_asym(a->rte_algo), a);
		else
			assert_ptr_equal(virtio_crypto_alg_find_sym(
				virtio_crypto_service_xform_type(a->service),
				a->rte_algo), a);
	}
}

static void
known_pairs(void **state)
{
	const struct virtio_crypto_alg *a;

	(void)state;
	a = virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC);
	assert_non_null(a);
	assert_int_equal(a->rte_algo, RTE_CRYPTO_CIPHER_AES_CBC);
	a = virtio_crypto_alg_find_sym(RTE_CRYPTO_SYM_XFORM_AUTH, RTE_CRYPTO_AUTH_SHA1);
	assert_non_null(a);
	assert_int_equal(a->service, VIRTIO_CRYPTO_SERVICE_HASH);
	assert_int_equal(a->algo, VIRTIO_CRYPTO_HASH_SHA1);
	a = virtio_crypto_alg_find_sym(RTE_CRYPTO_SYM_XFORM_AUTH, RTE_CRYPTO_AUTH_SHA1_HMAC);
	assert_non_null(a);
	assert_int_equal(a->service, VIRTIO_CRYPTO_SERVICE_MAC);
	assert_int_equal(a->algo, VIRTIO_CRYPTO_MAC_HMAC_SHA1);
	a = virtio_crypto_alg_find_sym(RTE_CRYPTO_SYM_XFORM_AEAD, RTE_CRYPTO_AEAD_AES_GCM);
	assert_non_null(a);
	assert_int_equal(a->algo, VIRTIO_CRYPTO_AEAD_GCM);
	a = virtio_crypto_alg_find_asym(RTE_CRYPTO_ASYM_XFORM_RSA);
	assert_non_null(a);
	assert_int_equal(a->algo, VIRTIO_CRYPTO_AKCIPHER_RSA);

	/* virtio algorithms with no DPDK counterpart are not offered */
	assert_null(virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_DES_ECB));
	assert_null(virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_CMAC_3DES));
	assert_null(virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_GMAC_TWOFISH));
	assert_null(virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_CIPHER, 99));
	assert_null(virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_MAX, 1));
	/* nor DPDK ones with no virtio counterpart */
	assert_null(virtio_crypto_alg_find_sym(RTE_CRYPTO_SYM_XFORM_CIPHER, RTE_CRYPTO_CIPHER_SM4_CBC));
	assert_null(virtio_crypto_alg_find_sym(RTE_CRYPTO_SYM_XFORM_AUTH, RTE_CRYPTO_AUTH_NULL));
	assert_null(virtio_crypto_alg_find_asym(RTE_CRYPTO_ASYM_XFORM_MODEX));
}

/*
 * Whole-block ciphers are exactly the ECB and CBC modes, and their block
 * sizes are powers of two (the backend checks lengths with a mask).
 */
static void
whole_block_ciphers(void **state)
{
	const struct virtio_crypto_alg *a;
	unsigned int n = 0;

	(void)state;
	VIRTIO_CRYPTO_ALG_FOREACH(a) {
		bool ecb_cbc = a->service == VIRTIO_CRYPTO_SERVICE_CIPHER &&
			(strstr(a->name, "-ecb") != NULL || strstr(a->name, "-cbc") != NULL);

		assert_int_equal(a->whole_blocks, ecb_cbc);
		if (!a->whole_blocks)
			continue;
		n++;
		assert_true(a->block_size > 0);
		assert_int_equal(a->block_size & (a->block_size - 1), 0);
		assert_false(a->keystream);
	}
	assert_int_equal(n, 5);	/* AES-ECB/CBC, 3DES-ECB/CBC, DES-CBC */
}

static void
config_masks(void **state)
{
	struct virtio_crypto_config cfg;
	const struct virtio_crypto_alg *a;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	virtio_crypto_config_add_alg(&cfg, virtio_crypto_alg_find(
		VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC));
	assert_int_equal(rte_le_to_cpu_32(cfg.cipher_algo_l), 1u << 3);
	assert_int_equal(rte_le_to_cpu_32(cfg.crypto_services), 1u << VIRTIO_CRYPTO_SERVICE_CIPHER);

	/* MAC numbers above 31 go to the high word */
	virtio_crypto_config_add_alg(&cfg, virtio_crypto_alg_find(
		VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_ZUC_EIA3));
	assert_int_equal(rte_le_to_cpu_32(cfg.mac_algo_l), 0);
	assert_int_equal(rte_le_to_cpu_32(cfg.mac_algo_h), 1u << (54 - 32));
	virtio_crypto_config_add_alg(&cfg, virtio_crypto_alg_find(
		VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256));
	assert_int_equal(rte_le_to_cpu_32(cfg.mac_algo_l), 1u << 4);
	assert_int_equal(rte_le_to_cpu_32(cfg.crypto_services),
			 (1u << VIRTIO_CRYPTO_SERVICE_CIPHER) | (1u << VIRTIO_CRYPTO_SERVICE_MAC));

	VIRTIO_CRYPTO_ALG_FOREACH(a) {
		bool want = (a->service == VIRTIO_CRYPTO_SERVICE_CIPHER &&
			     a->algo == VIRTIO_CRYPTO_CIPHER_AES_CBC) ||
			    (a->service == VIRTIO_CRYPTO_SERVICE_MAC &&
			     (a->algo == VIRTIO_CRYPTO_MAC_ZUC_EIA3 ||
			      a->algo == VIRTIO_CRYPTO_MAC_HMAC_SHA_256));

		assert_int_equal(virtio_crypto_config_has_alg(&cfg, a), want);
	}

	/* a mask bit without its service bit is not an offer */
	cfg.crypto_services = 0;
	VIRTIO_CRYPTO_ALG_FOREACH(a)
		assert_false(virtio_crypto_config_has_alg(&cfg, a));
}

/*
 * Every HMAC names the hash its long keys are folded with, and that hash
 * (OpenSSL's, as the backend folds with it) has the HMAC's block and its
 * longest digest; nothing else names one.
 */
static void
hmacs_name_their_hash(void **state)
{
	const struct virtio_crypto_alg *a;
	unsigned int n = 0;

	(void)state;
	VIRTIO_CRYPTO_ALG_FOREACH(a) {
		const EVP_MD *md;

		if (a->hmac_hash == NULL) {
			assert_false(a->service == VIRTIO_CRYPTO_SERVICE_MAC &&
				     strstr(a->name, "hmac") != NULL);
			continue;
		}
		assert_int_equal(a->service, VIRTIO_CRYPTO_SERVICE_MAC);
		md = EVP_get_digestbyname(a->hmac_hash);
		assert_non_null(md);
		assert_int_equal(EVP_MD_block_size(md), a->block_size);
		assert_int_equal(EVP_MD_size(md), a->digest_size.max);
		n++;
	}
	assert_int_equal(n, 6);	/* MD5, SHA-1, SHA-224/256/384/512 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_are_unique_both_ways),
		cmocka_unit_test(lookups_round_trip),
		cmocka_unit_test(known_pairs),
		cmocka_unit_test(config_masks),
		cmocka_unit_test(whole_block_ciphers),
		cmocka_unit_test(hmacs_name_their_hash),
	};

	return RUN_TEST_GROUP(tests, NULL, NULL);
}
