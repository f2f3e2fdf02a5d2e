/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The wire structures against the byte offsets the virtio specification
 * (crypto device section) and QEMU's vhost-user session messages give. The
 * sizes are asserted at build time in the headers; this checks where every
 * field sits, which a size check alone cannot catch.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include "test_report.h"
#include "virtio_crypto_wire.h"
#include "vhost_user_crypto_wire.h"

#define AT(type, field, off) \
	assert_int_equal(offsetof(struct type, field), (off))

static void
config_layout(void **state)
{
	(void)state;
	AT(virtio_crypto_config, status, 0);
	AT(virtio_crypto_config, max_dataqueues, 4);
	AT(virtio_crypto_config, crypto_services, 8);
	AT(virtio_crypto_config, cipher_algo_l, 12);
	AT(virtio_crypto_config, cipher_algo_h, 16);
	AT(virtio_crypto_config, hash_algo, 20);
	AT(virtio_crypto_config, mac_algo_l, 24);
	AT(virtio_crypto_config, mac_algo_h, 28);
	AT(virtio_crypto_config, aead_algo, 32);
	AT(virtio_crypto_config, max_cipher_key_len, 36);
	AT(virtio_crypto_config, max_auth_key_len, 40);
	AT(virtio_crypto_config, akcipher_algo, 44);
	AT(virtio_crypto_config, max_size, 48);
	assert_int_equal(sizeof(struct virtio_crypto_config), 56);
}

static void
control_request_layout(void **state)
{
	(void)state;
	AT(virtio_crypto_op_ctrl_req, header.opcode, 0);
	AT(virtio_crypto_op_ctrl_req, header.algo, 4);
	AT(virtio_crypto_op_ctrl_req, header.flag, 8);
	AT(virtio_crypto_op_ctrl_req, header.queue_id, 12);
	AT(virtio_crypto_op_ctrl_req, u, 16);

	/* cipher and chain sessions: op_type after the 48-byte union */
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.cipher.para.algo, 16);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.cipher.para.keylen, 20);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.cipher.para.op, 24);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.op_type, 64);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.chain.para.alg_chain_order, 16);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.chain.para.hash_mode, 20);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.chain.para.cipher_param.algo, 24);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.chain.para.u.mac_param.algo, 40);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.chain.para.u.mac_param.hash_result_len, 44);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.chain.para.u.mac_param.auth_key_len, 48);
	AT(virtio_crypto_op_ctrl_req, u.sym_create_session.u.chain.para.aad_len, 56);

	AT(virtio_crypto_op_ctrl_req, u.hash_create_session.para.algo, 16);
	AT(virtio_crypto_op_ctrl_req, u.hash_create_session.para.hash_result_len, 20);
	AT(virtio_crypto_op_ctrl_req, u.mac_create_session.para.auth_key_len, 24);
	AT(virtio_crypto_op_ctrl_req, u.aead_create_session.para.key_len, 20);
	AT(virtio_crypto_op_ctrl_req, u.aead_create_session.para.hash_result_len, 24);
	AT(virtio_crypto_op_ctrl_req, u.aead_create_session.para.aad_len, 28);
	AT(virtio_crypto_op_ctrl_req, u.aead_create_session.para.op, 32);
	AT(virtio_crypto_op_ctrl_req, u.akcipher_create_session.para.keytype, 20);
	AT(virtio_crypto_op_ctrl_req, u.akcipher_create_session.para.keylen, 24);
	AT(virtio_crypto_op_ctrl_req, u.akcipher_create_session.para.u.rsa.padding_algo, 28);
	AT(virtio_crypto_op_ctrl_req, u.akcipher_create_session.para.u.rsa.hash_algo, 32);
	AT(virtio_crypto_op_ctrl_req, u.destroy_session.session_id, 16);
	assert_int_equal(sizeof(struct virtio_crypto_op_ctrl_req), 72);

	AT(virtio_crypto_session_input, session_id, 0);
	AT(virtio_crypto_session_input, status, 8);
	assert_int_equal(sizeof(struct virtio_crypto_session_input), 16);
}

static void
data_request_layout(void **state)
{
	(void)state;
	AT(virtio_crypto_op_data_req, header.opcode, 0);
	AT(virtio_crypto_op_data_req, header.algo, 4);
	AT(virtio_crypto_op_data_req, header.session_id, 8);
	AT(virtio_crypto_op_data_req, header.flag, 16);
	AT(virtio_crypto_op_data_req, u, 24);

	AT(virtio_crypto_op_data_req, u.sym_req.u.cipher.para.iv_len, 24);
	AT(virtio_crypto_op_data_req, u.sym_req.u.cipher.para.src_data_len, 28);
	AT(virtio_crypto_op_data_req, u.sym_req.u.cipher.para.dst_data_len, 32);
	AT(virtio_crypto_op_data_req, u.sym_req.op_type, 64);
	AT(virtio_crypto_op_data_req, u.sym_req.u.chain.para.cipher_start_src_offset, 36);
	AT(virtio_crypto_op_data_req, u.sym_req.u.chain.para.len_to_cipher, 40);
	AT(virtio_crypto_op_data_req, u.sym_req.u.chain.para.hash_start_src_offset, 44);
	AT(virtio_crypto_op_data_req, u.sym_req.u.chain.para.len_to_hash, 48);
	AT(virtio_crypto_op_data_req, u.sym_req.u.chain.para.aad_len, 52);
	AT(virtio_crypto_op_data_req, u.sym_req.u.chain.para.hash_result_len, 56);
	AT(virtio_crypto_op_data_req, u.hash_req.para.src_data_len, 24);
	AT(virtio_crypto_op_data_req, u.hash_req.para.hash_result_len, 28);
	AT(virtio_crypto_op_data_req, u.mac_req.para.hash.hash_result_len, 28);
	AT(virtio_crypto_op_data_req, u.aead_req.para.iv_len, 24);
	AT(virtio_crypto_op_data_req, u.aead_req.para.aad_len, 28);
	AT(virtio_crypto_op_data_req, u.aead_req.para.src_data_len, 32);
	AT(virtio_crypto_op_data_req, u.aead_req.para.dst_data_len, 36);
	AT(virtio_crypto_op_data_req, u.aead_req.para.tag_len, 40);
	AT(virtio_crypto_op_data_req, u.akcipher_req.para.src_data_len, 24);
	AT(virtio_crypto_op_data_req, u.akcipher_req.para.dst_data_len, 28);
	assert_int_equal(sizeof(struct virtio_crypto_op_data_req), 72);
}

static void
stateless_layout(void **state)
{
	(void)state;
	AT(virtio_crypto_cipher_data_flf_stateless, sess_para.op, 8);
	AT(virtio_crypto_cipher_data_flf_stateless, iv_len, 12);
	AT(virtio_crypto_cipher_data_flf_stateless, dst_data_len, 20);
	AT(virtio_crypto_alg_chain_data_flf_stateless, sess_para.aad_len, 4);
	AT(virtio_crypto_alg_chain_data_flf_stateless, sess_para.cipher.algo, 8);
	AT(virtio_crypto_alg_chain_data_flf_stateless, sess_para.hash.algo, 20);
	AT(virtio_crypto_alg_chain_data_flf_stateless, sess_para.hash.hash_mode, 28);
	AT(virtio_crypto_alg_chain_data_flf_stateless, para.iv_len, 32);
	AT(virtio_crypto_alg_chain_data_flf_stateless, para.cipher_start_src_offset, 44);
	AT(virtio_crypto_alg_chain_data_flf_stateless, para.hash_result_len, 64);
	AT(virtio_crypto_sym_data_flf_stateless, op_type, 72);
	AT(virtio_crypto_hash_data_flf_stateless, hash_result_len, 8);
	AT(virtio_crypto_mac_data_flf_stateless, src_data_len, 8);
	AT(virtio_crypto_aead_data_flf_stateless, iv_len, 12);
	AT(virtio_crypto_aead_data_flf_stateless, tag_len, 16);
	AT(virtio_crypto_aead_data_flf_stateless, dst_data_len, 28);
	AT(virtio_crypto_akcipher_data_flf_stateless, sess_para.u.rsa.hash_algo, 16);
	AT(virtio_crypto_akcipher_data_flf_stateless, src_data_len, 20);
}

static void
numbering(void **state)
{
	(void)state;
	/* opcodes are service << 8 | op */
	assert_int_equal(VIRTIO_CRYPTO_CIPHER_CREATE_SESSION, 0x0002);
	assert_int_equal(VIRTIO_CRYPTO_HASH_DESTROY_SESSION, 0x0103);
	assert_int_equal(VIRTIO_CRYPTO_AEAD_CREATE_SESSION, 0x0302);
	assert_int_equal(VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION, 0x0404);
	assert_int_equal(VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION, 0x0405);
	assert_int_equal(VIRTIO_CRYPTO_CIPHER_DECRYPT, 0x0001);
	assert_int_equal(VIRTIO_CRYPTO_MAC, 0x0200);
	assert_int_equal(VIRTIO_CRYPTO_AEAD_DECRYPT, 0x0301);
	assert_int_equal(VIRTIO_CRYPTO_AKCIPHER_VERIFY, 0x0403);
	/* algorithm numbers double as config mask bits */
	assert_int_equal(VIRTIO_CRYPTO_CIPHER_ZUC_EEA3, 14);
	assert_int_equal(VIRTIO_CRYPTO_HASH_SHA3_SHAKE256, 12);
	assert_int_equal(VIRTIO_CRYPTO_MAC_ZUC_EIA3, 54);
	assert_int_equal(VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305, 3);
	assert_int_equal(VIRTIO_CRYPTO_AKCIPHER_ECDSA, 3);
	assert_int_equal(VIRTIO_CRYPTO_KEY_REJECTED, 6);
	assert_int_equal(VIRTIO_CRYPTO_PCI_DEVICE_ID, 0x1054);
}

static void
vhost_user_session_layouts(void **state)
{
	(void)state;
	/* QEMU <= 7.0 */
	AT(vhost_user_crypto_session_v70, session_id, 0);
	AT(vhost_user_crypto_session_v70, info.op_code, 8);
	AT(vhost_user_crypto_session_v70, info.cipher_alg, 12);
	AT(vhost_user_crypto_session_v70, info.key_len, 16);
	AT(vhost_user_crypto_session_v70, info.aad_len, 32);
	AT(vhost_user_crypto_session_v70, info.op_type, 36);
	AT(vhost_user_crypto_session_v70, info.alg_chain_order, 39);
	AT(vhost_user_crypto_session_v70, key, 56);
	AT(vhost_user_crypto_session_v70, auth_key, 120);
	/* QEMU 7.1 - 8.0 */
	AT(vhost_user_crypto_session_v71, info.cipher_alg, 8);
	AT(vhost_user_crypto_session_v71, info.hash_alg, 16);
	AT(vhost_user_crypto_session_v71, info.auth_key_len, 24);
	AT(vhost_user_crypto_session_v71, info.op_type, 32);
	AT(vhost_user_crypto_session_v71, info.direction, 33);
	AT(vhost_user_crypto_session_v71, info.hash_mode, 34);
	AT(vhost_user_crypto_session_v71, info.alg_chain_order, 35);
	AT(vhost_user_crypto_session_v71, key, 56);
	AT(vhost_user_crypto_session_v71, auth_key, 120);
	/* QEMU >= 8.1 */
	AT(vhost_user_crypto_session_v81, op_code, 0);
	AT(vhost_user_crypto_session_v81, u.sym.info.cipher_alg, 8);
	AT(vhost_user_crypto_session_v81, u.sym.info.op_type, 32);
	AT(vhost_user_crypto_session_v81, u.sym.key, 56);
	AT(vhost_user_crypto_session_v81, u.sym.auth_key, 120);
	AT(vhost_user_crypto_session_v81, u.asym.info.keylen, 16);
	AT(vhost_user_crypto_session_v81, u.asym.info.u.rsa.padding_algo, 32);
	AT(vhost_user_crypto_session_v81, u.asym.info.u.rsa.hash_algo, 36);
	AT(vhost_user_crypto_session_v81, u.asym.key, 40);
	AT(vhost_user_crypto_session_v81, session_id, 1064);
	assert_int_equal(VHOST_USER_CREATE_CRYPTO_SESSION, 26);
	assert_int_equal(VHOST_USER_CLOSE_CRYPTO_SESSION, 27);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_layout),
		cmocka_unit_test(control_request_layout),
		cmocka_unit_test(data_request_layout),
		cmocka_unit_test(stateless_layout),
		cmocka_unit_test(numbering),
		cmocka_unit_test(vhost_user_session_layouts),
	};

	return RUN_TEST_GROUP(tests, NULL, NULL);
}
