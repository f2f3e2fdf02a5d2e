/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The backend's GET_CONFIG answer against real crypto PMDs: every
 * algorithm it advertises is one the device has a capability for, and
 * every table algorithm the device has is advertised (a differential check
 * against rte_cryptodev_*_capability_get, not a list written here).
 *
 * EAL runs without hugepages; the guest PMD plugin is loaded with -d to
 * prove it loads (VC_PMD_PATH, staged where EAL accepts it).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>

#include "test_plugin.h"
#include "test_report.h"
#include "vhost_crypto.h"
#include "virtio_crypto_algs.h"

static int aesni_mb = -1, openssl = -1;

static bool
device_has(uint8_t dev_id, const struct virtio_crypto_alg *a)
{
	if (a->service == VIRTIO_CRYPTO_SERVICE_AKCIPHER) {
		struct rte_cryptodev_asym_capability_idx idx = {
			.type = a->rte_algo,
		};

		return rte_cryptodev_asym_capability_get(dev_id, &idx) != NULL;
	} else {
		struct rte_cryptodev_sym_capability_idx idx = {
			.type = virtio_crypto_service_xform_type(a->service),
		};

		if (idx.type == RTE_CRYPTO_SYM_XFORM_CIPHER)
			idx.algo.cipher = a->rte_algo;
		else if (idx.type == RTE_CRYPTO_SYM_XFORM_AUTH)
			idx.algo.auth = a->rte_algo;
		else
			idx.algo.aead = a->rte_algo;
		return rte_cryptodev_sym_capability_get(dev_id, &idx) != NULL;
	}
}

static void
check_device(uint8_t dev_id, unsigned int *advertised)
{
	struct virtio_crypto_config cfg;
	const struct virtio_crypto_alg *a;

	assert_int_equal(vhost_crypto_config_build(&dev_id, 1, 4, 1 << 20, &cfg), 0);
	*advertised = 0;
	VIRTIO_CRYPTO_ALG_FOREACH(a) {
		bool has;

		if (a->rte_algo < 0)
			continue;
		has = device_has(dev_id, a);
		if (virtio_crypto_config_has_alg(&cfg, a) != has)
			fail_msg("%s: device %s it, config %s it", a->name,
				 has ? "has" : "lacks",
				 has ? "lacks" : "advertises");
		*advertised += has;
	}
	assert_int_equal(rte_le_to_cpu_32(cfg.status), VIRTIO_CRYPTO_S_HW_READY);
	assert_int_equal(rte_le_to_cpu_32(cfg.max_dataqueues), 4);
	assert_int_equal(rte_le_to_cpu_64(cfg.max_size), 1 << 20);
}

static void
aesni_mb_config(void **state)
{
	struct virtio_crypto_config cfg;
	unsigned int n;
	uint8_t id;
	const struct virtio_crypto_alg *must[] = {
		virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC),
		virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA1),
		virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM),
	};
	unsigned int i;

	(void)state;
	assert_true(aesni_mb >= 0);
	id = aesni_mb;
	check_device(id, &n);
	assert_true(n >= 20);
	assert_int_equal(vhost_crypto_config_build(&id, 1, 1, 65536, &cfg), 0);
	for (i = 0; i < RTE_DIM(must); i++)
		assert_true(virtio_crypto_config_has_alg(&cfg, must[i]));
	/* IPsec-MB has no RSA: no akcipher service */
	assert_int_equal(rte_le_to_cpu_32(cfg.akcipher_algo), 0);
	/* AES-256 and XTS-256 keys fit; HMAC keys capped at the vhost-user 512 */
	assert_true(rte_le_to_cpu_32(cfg.max_cipher_key_len) >= 32);
	assert_true(rte_le_to_cpu_32(cfg.max_cipher_key_len) <= 64);
	assert_int_equal(rte_le_to_cpu_32(cfg.max_auth_key_len), 512);
}

static void
openssl_and_union(void **state)
{
	struct virtio_crypto_config one, both;
	const struct virtio_crypto_alg *rsa =
		virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA);
	const struct virtio_crypto_alg *a;
	uint8_t ids[2];
	unsigned int n;

	(void)state;
	assert_true(openssl >= 0);
	ids[0] = openssl;
	check_device(ids[0], &n);
	assert_int_equal(vhost_crypto_config_build(ids, 1, 1, 4096, &one), 0);
	assert_true(virtio_crypto_config_has_alg(&one, rsa));

	/* a symmetric and an asymmetric device: the union of both */
	ids[0] = aesni_mb;
	ids[1] = openssl;
	assert_int_equal(vhost_crypto_config_build(ids, 2, 1, 4096, &both), 0);
	VIRTIO_CRYPTO_ALG_FOREACH(a) {
		if (a->rte_algo < 0)
			continue;
		assert_int_equal(virtio_crypto_config_has_alg(&both, a),
				 device_has(aesni_mb, a) || device_has(openssl, a));
	}
}

static void
bad_arguments(void **state)
{
	struct virtio_crypto_config cfg;
	uint8_t id = aesni_mb, bad = RTE_CRYPTO_MAX_DEVS - 1;

	(void)state;
	assert_int_equal(vhost_crypto_config_build(NULL, 1, 1, 4096, &cfg), -EINVAL);
	assert_int_equal(vhost_crypto_config_build(&id, 0, 1, 4096, &cfg), -EINVAL);
	assert_int_equal(vhost_crypto_config_build(&id, 1, 0, 4096, &cfg), -EINVAL);
	assert_int_equal(vhost_crypto_config_build(&id, 1, 1, 0, &cfg), -EINVAL);
	assert_int_equal(vhost_crypto_config_build(&id, 1, 1, 4096, NULL), -EINVAL);
	assert_int_equal(vhost_crypto_config_build(&bad, 1, 1, 4096, &cfg), -EINVAL);
}

int
main(int argc, char **argv)
{
	const char *pmd = getenv("VC_PMD_PATH") ?
		test_plugin_stage(getenv("VC_PMD_PATH")) : NULL;
	char *eal_args[] = {
		argv[0], "--no-huge", "-m", "256", "--no-pci", "-l", "0",
		"--file-prefix", "vc_unit_backend_config", "--log-level", "lib.eal:warning",
		"--vdev", "crypto_aesni_mb0", "--vdev", "crypto_openssl0",
		"-d", (char *)(pmd ? pmd : ""),
	};
	int nb_args = RTE_DIM(eal_args) - (pmd ? 0 : 2);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aesni_mb_config),
		cmocka_unit_test(openssl_and_union),
		cmocka_unit_test(bad_arguments),
	};
	int rc;

	(void)argc;
	if (getenv("VC_PMD_PATH") && pmd == NULL) {
		printf("0 passed, %zu failed\n", RTE_DIM(tests));
		return 1;
	}
	if (rte_eal_init(nb_args, eal_args) < 0) {
		printf("EAL init failed\n0 passed, %zu failed\n", RTE_DIM(tests));
		return 1;
	}
	aesni_mb = rte_cryptodev_get_dev_id("crypto_aesni_mb0");
	openssl = rte_cryptodev_get_dev_id("crypto_openssl0");
	rc = RUN_TEST_GROUP(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
