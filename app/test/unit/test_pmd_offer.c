/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The guest PMD offers what a device accepts (virtio_crypto_offer.c): a
 * device that creates fewer sessions than its configuration names, or more,
 * as QEMU's devices do, through a fake transport's session messages.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#include "test_report.h"
#include "virtio_crypto_algs.h"
#include "virtio_crypto_hw.h"

/* What the fake device creates; anything else is NOTSUPP. */
struct fake_device {
	uint32_t cipher_algo;		/**< plain cipher sessions of this algorithm */
	uint32_t chain_mac_algo;	/**< chains of that cipher with this MAC */
	int lost_after;			/**< answer this many requests, then -ETIMEDOUT */
	int requests, live;
};

static struct fake_device fake;

static int
fake_create(struct virtio_crypto_hw *hw, const struct vc_session_request *s, uint64_t *id)
{
	const struct virtio_crypto_sym_create_session_req *sym = &s->req.u.sym_create_session;
	uint32_t opcode = rte_le_to_cpu_32(s->req.header.opcode);

	if (fake.lost_after >= 0 && fake.requests >= fake.lost_after) {
		hw->broken = true;
		return -ETIMEDOUT;
	}
	fake.requests++;
	if (opcode != VIRTIO_CRYPTO_CIPHER_CREATE_SESSION)
		return -ENOTSUP;
	if (rte_le_to_cpu_32(sym->op_type) == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		if (rte_le_to_cpu_32(sym->u.cipher.para.algo) != fake.cipher_algo)
			return -ENOTSUP;
	} else if (rte_le_to_cpu_32(sym->u.chain.para.cipher_param.algo) != fake.cipher_algo ||
		   rte_le_to_cpu_32(sym->u.chain.para.hash_mode) !=
			VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH ||
		   rte_le_to_cpu_32(sym->u.chain.para.u.mac_param.algo) != fake.chain_mac_algo) {
		return -ENOTSUP;
	}
	*id = ++fake.live;
	return 0;
}

static int
fake_destroy(struct virtio_crypto_hw *hw, uint64_t id)
{
	RTE_SET_USED(hw);
	RTE_SET_USED(id);
	fake.live--;
	return 0;
}

static const struct virtio_crypto_transport_ops fake_ops = {
	.name = "fake",
	.create_session = fake_create,
	.destroy_session = fake_destroy,
};

static void
config_add(struct virtio_crypto_config *cfg, uint32_t service, uint32_t algo)
{
	const struct virtio_crypto_alg *a = virtio_crypto_alg_find(service, algo);

	assert_non_null(a);
	virtio_crypto_config_add_alg(cfg, a);
}

static bool
offers(const struct virtio_crypto_hw *hw, uint32_t service, uint32_t algo)
{
	return virtio_crypto_config_has_alg(&hw->offered, virtio_crypto_alg_find(service, algo));
}

static void
hw_init(struct virtio_crypto_hw *hw)
{
	memset(hw, 0, sizeof(*hw));
	hw->ops = &fake_ops;
	hw->sessions_by_transport = true;
	strcpy(hw->name, "fake0");
	hw->config.max_cipher_key_len = rte_cpu_to_le_32(64);
	hw->config.max_auth_key_len = rte_cpu_to_le_32(128);
	fake = (struct fake_device){ .cipher_algo = VIRTIO_CRYPTO_CIPHER_AES_CBC,
				     .lost_after = -1 };
}

/* QEMU's vhost-user device: AES-CBC and SHA-1 named, MAC service with no algorithm. */
static void
named_refused_unnamed_found(void **state)
{
	struct virtio_crypto_hw hw;

	RTE_SET_USED(state);
	hw_init(&hw);
	fake.chain_mac_algo = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
	config_add(&hw.config, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC);
	config_add(&hw.config, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA1);
	hw.config.crypto_services |= rte_cpu_to_le_32(1u << VIRTIO_CRYPTO_SERVICE_MAC);

	assert_int_equal(vc_offer_discover(&hw), 0);
	assert_true(offers(&hw, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC));
	assert_false(offers(&hw, VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA1));
	assert_true(offers(&hw, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA1));
	assert_false(offers(&hw, VIRTIO_CRYPTO_SERVICE_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256));
	assert_false(offers(&hw, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CTR));
	/* The device's own configuration is left as read. */
	assert_true(virtio_crypto_config_has_alg(&hw.config,
		virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_HASH, VIRTIO_CRYPTO_HASH_SHA1)));
	assert_int_equal(fake.live, 0);		/* every trial session closed */
}

/* A named cipher the device refuses is not offered; the others are. */
static void
named_cipher_refused(void **state)
{
	struct virtio_crypto_hw hw;

	RTE_SET_USED(state);
	hw_init(&hw);
	config_add(&hw.config, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC);
	config_add(&hw.config, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CTR);
	config_add(&hw.config, VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM);

	assert_int_equal(vc_offer_discover(&hw), 0);
	assert_true(offers(&hw, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC));
	assert_false(offers(&hw, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CTR));
	assert_false(offers(&hw, VIRTIO_CRYPTO_SERVICE_AEAD, VIRTIO_CRYPTO_AEAD_GCM));
	assert_int_equal(fake.live, 0);
}

/* A device that stops answering fails the probe instead of offering nothing. */
static void
device_lost(void **state)
{
	struct virtio_crypto_hw hw;

	RTE_SET_USED(state);
	hw_init(&hw);
	fake.lost_after = 1;
	config_add(&hw.config, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC);
	config_add(&hw.config, VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CTR);

	assert_int_equal(vc_offer_discover(&hw), -EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(named_refused_unnamed_found),
		cmocka_unit_test(named_cipher_refused),
		cmocka_unit_test(device_lost),
	};

	return RUN_TEST_GROUP(tests, NULL, NULL);
}
