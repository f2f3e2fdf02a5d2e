/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/* The guest PMD's capabilities come from the device config, narrowed right. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "test_report.h"
#include "virtio_crypto_algs.h"
#include "virtio_crypto_capabilities.h"

#define MAX_CAPS 64

static void
config_add(struct virtio_crypto_config *cfg, uint32_t service, uint32_t algo)
{
	const struct virtio_crypto_alg *a = virtio_crypto_alg_find(service, algo);

	assert_non_null(a);
	virtio_crypto_config_add_alg(cfg, a);
}

static const struct rte_cryptodev_capabilities *
find_cap(const struct rte_cryptodev_capabilities *caps,
	 enum rte_crypto_sym_xform_type type, int algo)
{
	for (; caps->op != RTE_CRYPTO_OP_TYPE_UNDEFINED; caps++) {
		if (caps->op != RTE_CRYPTO_OP_TYPE_SYMMETRIC ||
		    caps->sym.xform_type != type)
			continue;
		if ((type == RTE_CRYPTO_SYM_XFORM_CIPHER && (int)caps->sym.cipher.algo == algo) ||
		    (type == RTE_CRYPTO_SYM_XFORM_AUTH && (int)caps->sym.auth.algo == algo) ||
		    (type == RTE_CRYPTO_SYM_XFORM_AEAD && (int)caps->sym.aead.algo == algo))
			return caps;
	}
	return NULL;
}

/* What QEMU's cryptodev-vhost-user shows every guest. */
static void
qemu_vhost_user_config(void **state)
{
	struct rte_cryptodev_capabilities caps[MAX_CAPS];
	struct virtio_crypto_config cfg;
	const struct rte_cryptodev_capabilities *c;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC);
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA1);
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA1);
	cfg.max_cipher_key_len = rte_cpu_to_le_32(64);
	cfg.max_auth_key_len = rte_cpu_to_le_32(512);

	assert_int_equal(virtio_crypto_capabilities_from_config(&cfg, caps, MAX_CAPS), 3);
	c = find_cap(caps, RTE_CRYPTO_SYM_XFORM_CIPHER, RTE_CRYPTO_CIPHER_AES_CBC);
	assert_non_null(c);
	assert_int_equal(c->sym.cipher.key_size.min, 16);
	assert_int_equal(c->sym.cipher.key_size.max, 32);
	assert_int_equal(c->sym.cipher.key_size.increment, 8);
	assert_int_equal(c->sym.cipher.iv_size.min, 16);
	assert_int_equal(c->sym.cipher.block_size, 16);
	c = find_cap(caps, RTE_CRYPTO_SYM_XFORM_AUTH, RTE_CRYPTO_AUTH_SHA1);
	assert_non_null(c);
	assert_int_equal(c->sym.auth.key_size.max, 0);
	assert_int_equal(c->sym.auth.digest_size.max, 20);
	c = find_cap(caps, RTE_CRYPTO_SYM_XFORM_AUTH, RTE_CRYPTO_AUTH_SHA1_HMAC);
	assert_non_null(c);
	assert_int_equal(c->sym.auth.key_size.min, 1);
	assert_int_equal(c->sym.auth.key_size.max, 512);
	assert_null(find_cap(caps, RTE_CRYPTO_SYM_XFORM_CIPHER, RTE_CRYPTO_CIPHER_AES_CTR));
	assert_int_equal(caps[3].op, RTE_CRYPTO_OP_TYPE_UNDEFINED);
}

static void
key_limits_narrow_or_drop(void **state)
{
	struct rte_cryptodev_capabilities caps[MAX_CAPS];
	struct virtio_crypto_config cfg;
	const struct rte_cryptodev_capabilities *c;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC);
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_XTS);
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM);
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305);
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256);
	cfg.max_cipher_key_len = rte_cpu_to_le_32(24);
	cfg.max_auth_key_len = rte_cpu_to_le_32(64);

	/* AES-CBC and GCM narrowed to 16..24; XTS (32+) and ChaCha (32) dropped */
	assert_int_equal(virtio_crypto_capabilities_from_config(&cfg, caps, MAX_CAPS), 3);
	c = find_cap(caps, RTE_CRYPTO_SYM_XFORM_CIPHER, RTE_CRYPTO_CIPHER_AES_CBC);
	assert_non_null(c);
	assert_int_equal(c->sym.cipher.key_size.max, 24);
	c = find_cap(caps, RTE_CRYPTO_SYM_XFORM_AEAD, RTE_CRYPTO_AEAD_AES_GCM);
	assert_non_null(c);
	assert_int_equal(c->sym.aead.key_size.max, 24);
	assert_int_equal(c->sym.aead.iv_size.min, 12);
	assert_null(find_cap(caps, RTE_CRYPTO_SYM_XFORM_CIPHER, RTE_CRYPTO_CIPHER_AES_XTS));
	assert_null(find_cap(caps, RTE_CRYPTO_SYM_XFORM_AEAD, RTE_CRYPTO_AEAD_CHACHA20_POLY1305));
	c = find_cap(caps, RTE_CRYPTO_SYM_XFORM_AUTH, RTE_CRYPTO_AUTH_SHA256_HMAC);
	assert_non_null(c);
	assert_int_equal(c->sym.auth.key_size.max, 64);

	/* a limit of exactly one size leaves a fixed range */
	cfg.max_cipher_key_len = rte_cpu_to_le_32(16);
	assert_int_equal(virtio_crypto_capabilities_from_config(&cfg, caps, MAX_CAPS), 3);
	c = find_cap(caps, RTE_CRYPTO_SYM_XFORM_CIPHER, RTE_CRYPTO_CIPHER_AES_CBC);
	assert_int_equal(c->sym.cipher.key_size.min, 16);
	assert_int_equal(c->sym.cipher.key_size.max, 16);
	assert_int_equal(c->sym.cipher.key_size.increment, 0);
}

static void
asymmetric_and_room(void **state)
{
	struct rte_cryptodev_capabilities caps[MAX_CAPS];
	struct virtio_crypto_config cfg;
	const struct virtio_crypto_alg *a;
	int n;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	config_add(&cfg, VIRTIO_CRYPTO_SERVICE_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA);
	assert_int_equal(virtio_crypto_capabilities_from_config(&cfg, caps, MAX_CAPS), 1);
	assert_int_equal(caps[0].op, RTE_CRYPTO_OP_TYPE_ASYMMETRIC);
	assert_int_equal(caps[0].asym.xform_capa.xform_type, RTE_CRYPTO_ASYM_XFORM_RSA);
	assert_true(caps[0].asym.xform_capa.op_types & (1 << RTE_CRYPTO_ASYM_OP_SIGN));

	/* everything offered, generous limits: one capability per usable entry */
	memset(&cfg, 0, sizeof(cfg));
	VIRTIO_CRYPTO_ALG_FOREACH(a)
		if (a->rte_algo >= 0)
			virtio_crypto_config_add_alg(&cfg, a);
	cfg.max_cipher_key_len = rte_cpu_to_le_32(64);
	cfg.max_auth_key_len = rte_cpu_to_le_32(512);
	n = virtio_crypto_capabilities_from_config(&cfg, caps, MAX_CAPS);
	assert_true(n > 30);
	assert_int_equal(caps[n].op, RTE_CRYPTO_OP_TYPE_UNDEFINED);
	assert_int_equal(virtio_crypto_capabilities_from_config(&cfg, caps, 10), -ENOSPC);

	/* nothing offered: only the terminator */
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(virtio_crypto_capabilities_from_config(&cfg, caps, 1), 0);
	assert_int_equal(caps[0].op, RTE_CRYPTO_OP_TYPE_UNDEFINED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_vhost_user_config),
		cmocka_unit_test(key_limits_narrow_or_drop),
		cmocka_unit_test(asymmetric_and_room),
	};

	return RUN_TEST_GROUP(tests, NULL, NULL);
}
