/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * QEMU's vhost-user create-session payloads, every layout, decoded by the
 * backend: right fields from each, the two 632-byte layouts told apart,
 * and every malformed or unmappable payload refused with its errno.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "test_report.h"
#include "vhost_crypto_session.h"
#include "vhost_user_crypto_wire.h"

static const uint8_t key16[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
				   0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };

static void
v71_cipher(struct vhost_user_crypto_session_v71 *m, uint32_t alg, uint32_t dir)
{
	memset(m, 0, sizeof(*m));
	m->info.cipher_alg = alg;
	m->info.key_len = sizeof(key16);
	m->info.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	m->info.direction = dir;
	m->info.cipher_key_ptr = 0x7f0012345678ull;	/* QEMU's pointer: noise */
	memcpy(m->key, key16, sizeof(key16));
}

static void
decode_each_layout(void **state)
{
	struct vhost_user_crypto_session_v70 v70;
	struct vhost_user_crypto_session_v71 v71;
	struct vhost_user_crypto_session_v81 v81;
	struct vc_session_params p;
	enum vc_session_msg_layout used;

	(void)state;
	/* 7.1-8.0: a chain with HMAC-SHA1 */
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_OP_DECRYPT);
	v71.info.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	v71.info.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	v71.info.alg_chain_order = VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER;
	v71.info.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
	v71.info.hash_result_len = 12;
	v71.info.auth_key_len = 20;
	memset(v71.auth_key, 0xaa, 20);
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, &used), 0);
	assert_int_equal(used, VC_SESSION_MSG_QEMU_7_1);
	assert_int_equal(p.service, VIRTIO_CRYPTO_SERVICE_CIPHER);
	assert_int_equal(p.op_type, VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING);
	assert_int_equal(p.cipher->rte_algo, RTE_CRYPTO_CIPHER_AES_CBC);
	assert_int_equal(p.direction, VIRTIO_CRYPTO_OP_DECRYPT);
	assert_int_equal(p.cipher_key_len, 16);
	assert_memory_equal(p.cipher_key, key16, 16);
	assert_int_equal(p.hash->rte_algo, RTE_CRYPTO_AUTH_SHA1_HMAC);
	assert_int_equal(p.hash_result_len, 12);
	assert_int_equal(p.auth_key_len, 20);
	assert_int_equal(p.auth_key[19], 0xaa);
	assert_int_equal(p.chain_order, VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER);

	/* <= 7.0: op_code first, everything 4 bytes later */
	memset(&v70, 0, sizeof(v70));
	v70.info.op_code = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;
	v70.info.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CTR;
	v70.info.key_len = 16;
	v70.info.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	v70.info.direction = VIRTIO_CRYPTO_OP_ENCRYPT;
	memcpy(v70.key, key16, 16);
	assert_int_equal(vc_session_msg_decode(&v70, sizeof(v70), VC_SESSION_MSG_AUTO, &p, &used), 0);
	assert_int_equal(used, VC_SESSION_MSG_QEMU_7_0);
	assert_int_equal(p.cipher->rte_algo, RTE_CRYPTO_CIPHER_AES_CTR);
	assert_int_equal(p.direction, VIRTIO_CRYPTO_OP_ENCRYPT);
	assert_memory_equal(p.cipher_key, key16, 16);

	/* >= 8.1: u64 op_code, session id at the end */
	memset(&v81, 0, sizeof(v81));
	v81.op_code = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;
	v81.u.sym.info.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_XTS;
	v81.u.sym.info.key_len = 32;
	v81.u.sym.info.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	v81.u.sym.info.direction = VIRTIO_CRYPTO_OP_ENCRYPT;
	assert_int_equal(vc_session_msg_decode(&v81, sizeof(v81), VC_SESSION_MSG_AUTO, &p, &used), 0);
	assert_int_equal(used, VC_SESSION_MSG_QEMU_8_1);
	assert_int_equal(p.cipher->rte_algo, RTE_CRYPTO_CIPHER_AES_XTS);
	assert_int_equal(p.cipher_key_len, 32);
}

/*
 * Opcode 2 (CIPHER_CREATE_SESSION) is also AES-ECB's number: a 7.1 payload
 * for AES-ECB must not be taken for a 7.0 one, nor the reverse.
 */
static void
ecb_is_not_an_opcode(void **state)
{
	struct vhost_user_crypto_session_v71 v71;
	struct vc_session_params p;
	enum vc_session_msg_layout used;

	(void)state;
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_AES_ECB, VIRTIO_CRYPTO_OP_ENCRYPT);
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, &used), 0);
	assert_int_equal(used, VC_SESSION_MSG_QEMU_7_1);
	assert_int_equal(p.cipher->rte_algo, RTE_CRYPTO_CIPHER_AES_ECB);

	/* the operator can force a layout */
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_QEMU_7_1, &p, &used), 0);
	assert_int_equal(used, VC_SESSION_MSG_QEMU_7_1);
}

static void
malformed_payloads(void **state)
{
	struct vhost_user_crypto_session_v71 v71;
	struct vhost_user_crypto_session_v81 v81;
	struct vc_session_params p;
	uint8_t junk[632];

	(void)state;
	/* sizes no QEMU sends */
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_OP_ENCRYPT);
	assert_int_equal(vc_session_msg_decode(&v71, 631, VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	assert_int_equal(vc_session_msg_decode(&v71, 8, VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	assert_int_equal(vc_session_msg_decode(&v71, 100, VC_SESSION_MSG_QEMU_7_1, &p, NULL), -EBADMSG);
	/* a 632-byte payload that fits neither layout */
	memset(junk, 0xff, sizeof(junk));
	assert_int_equal(vc_session_msg_decode(junk, sizeof(junk), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);

	/* key lengths past the buffers they index (CVE-2020-14376/-14377 class) */
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_OP_ENCRYPT);
	v71.info.key_len = 65;
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	v71.info.key_len = UINT32_MAX;
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_OP_ENCRYPT);
	v71.info.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	v71.info.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	v71.info.alg_chain_order = VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH;
	v71.info.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
	v71.info.auth_key_len = 513;
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);

	/* fields out of their ranges */
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_AES_CBC, 7);
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_QEMU_7_1, &p, NULL), -EBADMSG);
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_OP_ENCRYPT);
	v71.info.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	v71.info.alg_chain_order = 9;
	v71.info.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_PLAIN;
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	v71.info.alg_chain_order = VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH;
	v71.info.hash_mode = 77;
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	/* a plain hash with a key */
	v71.info.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_PLAIN;
	v71.info.hash_alg = VIRTIO_CRYPTO_HASH_SHA1;
	v71.info.auth_key_len = 4;
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);

	/* 8.1: an op code that is no create opcode */
	memset(&v81, 0, sizeof(v81));
	v81.op_code = 1ull << 40;
	assert_int_equal(vc_session_msg_decode(&v81, sizeof(v81), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
}

static void
well_formed_but_unmappable(void **state)
{
	struct vhost_user_crypto_session_v71 v71;
	struct vhost_user_crypto_session_v81 v81;
	struct vc_session_params p;

	(void)state;
	/* DES-ECB has no DPDK counterpart; 99 is no algorithm */
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_DES_ECB, VIRTIO_CRYPTO_OP_ENCRYPT);
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -ENOTSUP);
	v71_cipher(&v71, 31, VIRTIO_CRYPTO_OP_ENCRYPT);
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -ENOTSUP);
	/* nested hash mode */
	v71_cipher(&v71, VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_OP_ENCRYPT);
	v71.info.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	v71.info.alg_chain_order = VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH;
	v71.info.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_NESTED;
	assert_int_equal(vc_session_msg_decode(&v71, sizeof(v71), VC_SESSION_MSG_AUTO, &p, NULL), -ENOTSUP);
	/* an asymmetric session from QEMU 8.1: ECDSA */
	memset(&v81, 0, sizeof(v81));
	v81.op_code = VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION;
	v81.u.asym.info.algo = VIRTIO_CRYPTO_AKCIPHER_ECDSA;
	v81.u.asym.info.keytype = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC;
	v81.u.asym.info.keylen = 65;
	assert_int_equal(vc_session_msg_decode(&v81, sizeof(v81), VC_SESSION_MSG_AUTO, &p, NULL), -ENOTSUP);
}

/* QEMU 8.1's asymmetric payload: an RSA key of up to 1024 bytes inline. */
static void
qemu_8_1_rsa(void **state)
{
	struct vhost_user_crypto_session_v81 v81;
	struct vc_session_params p;
	enum vc_session_msg_layout used;

	(void)state;
	memset(&v81, 0, sizeof(v81));
	v81.op_code = VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION;
	v81.u.asym.info.algo = VIRTIO_CRYPTO_AKCIPHER_RSA;
	v81.u.asym.info.keytype = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE;
	v81.u.asym.info.keylen = 610;
	v81.u.asym.info.u.rsa.padding_algo = VIRTIO_CRYPTO_RSA_PKCS1_PADDING;
	v81.u.asym.info.u.rsa.hash_algo = VIRTIO_CRYPTO_RSA_SHA256;
	assert_int_equal(vc_session_msg_decode(&v81, sizeof(v81), VC_SESSION_MSG_AUTO, &p, &used), 0);
	assert_int_equal(used, VC_SESSION_MSG_QEMU_8_1);
	assert_int_equal(p.service, VIRTIO_CRYPTO_SERVICE_AKCIPHER);
	assert_int_equal(p.key_type, VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE);
	assert_ptr_equal(p.asym_key, v81.u.asym.key);
	assert_int_equal(p.asym_key_len, 610);
	assert_int_equal(p.rsa_padding, VIRTIO_CRYPTO_RSA_PKCS1_PADDING);
	assert_int_equal(p.rsa_hash, VIRTIO_CRYPTO_RSA_SHA256);
	/* a key longer than the payload, no key, an unknown key type, MD2 */
	v81.u.asym.info.keylen = sizeof(v81.u.asym.key) + 1;
	assert_int_equal(vc_session_msg_decode(&v81, sizeof(v81), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	v81.u.asym.info.keylen = 0;
	assert_int_equal(vc_session_msg_decode(&v81, sizeof(v81), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	v81.u.asym.info.keylen = 610;
	v81.u.asym.info.keytype = 3;
	assert_int_equal(vc_session_msg_decode(&v81, sizeof(v81), VC_SESSION_MSG_AUTO, &p, NULL), -EBADMSG);
	v81.u.asym.info.keytype = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC;
	v81.u.asym.info.u.rsa.hash_algo = VIRTIO_CRYPTO_RSA_MD2;
	assert_int_equal(vc_session_msg_decode(&v81, sizeof(v81), VC_SESSION_MSG_AUTO, &p, NULL), -ENOTSUP);
}

static void
replies_in_place(void **state)
{
	struct vhost_user_crypto_session_v71 v71;
	struct vhost_user_crypto_session_v81 v81;

	(void)state;
	memset(&v71, 0, sizeof(v71));
	vc_session_msg_set_reply(&v71, VC_SESSION_MSG_QEMU_7_1, 42);
	assert_int_equal(v71.session_id, 42);
	vc_session_msg_set_reply(&v71, VC_SESSION_MSG_QEMU_7_0, -EBADMSG);
	assert_int_equal(v71.session_id, -EBADMSG);
	memset(&v81, 0, sizeof(v81));
	vc_session_msg_set_reply(&v81, VC_SESSION_MSG_QEMU_8_1, 7);
	assert_int_equal(v81.session_id, 7);
	assert_int_equal(v81.op_code, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_each_layout),
		cmocka_unit_test(ecb_is_not_an_opcode),
		cmocka_unit_test(malformed_payloads),
		cmocka_unit_test(well_formed_but_unmappable),
		cmocka_unit_test(qemu_8_1_rsa),
		cmocka_unit_test(replies_in_place),
	};

	return RUN_TEST_GROUP(tests, NULL, NULL);
}
