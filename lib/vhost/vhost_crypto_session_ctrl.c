/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * In-band control-queue session requests (struct virtio_crypto_op_ctrl_req,
 * keys following) decoded into struct vc_session_params. The caller has
 * copied the request and the key bytes out of guest memory; only those
 * copies are read here.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "vhost_crypto_session.h"
#include "vhost_user_crypto_wire.h"

static int
take_key(const uint8_t *keys, uint32_t keys_len, uint32_t *off, uint32_t len,
	 const uint8_t **key)
{
	if (len > keys_len - *off)
		return -EBADMSG;
	*key = len ? keys + *off : NULL;
	*off += len;
	return 0;
}

static int
decode_cipher_para(const struct virtio_crypto_cipher_session_para *cp,
		   struct vc_session_params *p)
{
	return vc_session_params_set_cipher(p, VIRTIO_CRYPTO_SERVICE_CIPHER,
					    rte_le_to_cpu_32(cp->algo),
					    rte_le_to_cpu_32(cp->keylen),
					    rte_le_to_cpu_32(cp->op));
}

static int
decode_sym(const struct virtio_crypto_sym_create_session_req *r,
	   const uint8_t *keys, uint32_t keys_len, struct vc_session_params *p)
{
	const struct virtio_crypto_alg_chain_session_para *ch = &r->u.chain.para;
	uint32_t off = 0;
	int rc;

	p->service = VIRTIO_CRYPTO_SERVICE_CIPHER;
	p->op_type = rte_le_to_cpu_32(r->op_type);
	if (p->op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		rc = decode_cipher_para(&r->u.cipher.para, p);
		if (rc == 0)
			rc = take_key(keys, keys_len, &off, p->cipher_key_len, &p->cipher_key);
		return rc;
	}
	if (p->op_type != VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING)
		return -EBADMSG;

	rc = decode_cipher_para(&ch->cipher_param, p);
	if (rc)
		return rc;
	/* hash_param and mac_param start alike; only MAC has a key. */
	rc = vc_session_params_set_chain(p, rte_le_to_cpu_32(ch->alg_chain_order),
		rte_le_to_cpu_32(ch->hash_mode),
		rte_le_to_cpu_32(ch->u.mac_param.algo),
		rte_le_to_cpu_32(ch->u.mac_param.hash_result_len),
		rte_le_to_cpu_32(ch->hash_mode) == VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH ?
			rte_le_to_cpu_32(ch->u.mac_param.auth_key_len) : 0,
		rte_le_to_cpu_32(ch->aad_len));
	if (rc)
		return rc;
	rc = take_key(keys, keys_len, &off, p->cipher_key_len, &p->cipher_key);
	if (rc == 0)
		rc = take_key(keys, keys_len, &off, p->auth_key_len, &p->auth_key);
	return rc;
}

int
vc_session_ctrl_decode(const struct virtio_crypto_op_ctrl_req *req,
		       const uint8_t *keys, uint32_t keys_len,
		       struct vc_session_params *p)
{
	uint32_t opcode = rte_le_to_cpu_32(req->header.opcode);
	uint32_t off = 0;

	memset(p, 0, sizeof(*p));
	switch (opcode) {
	case VIRTIO_CRYPTO_CIPHER_CREATE_SESSION:
		return decode_sym(&req->u.sym_create_session, keys, keys_len, p);
	case VIRTIO_CRYPTO_HASH_CREATE_SESSION: {
		const struct virtio_crypto_hash_session_para *hp =
			&req->u.hash_create_session.para;

		return vc_session_params_set_hash(p, VIRTIO_CRYPTO_SERVICE_HASH,
						  rte_le_to_cpu_32(hp->algo),
						  rte_le_to_cpu_32(hp->hash_result_len), 0);
	}
	case VIRTIO_CRYPTO_MAC_CREATE_SESSION: {
		const struct virtio_crypto_mac_session_para *mp =
			&req->u.mac_create_session.para;

		int rc = vc_session_params_set_hash(p, VIRTIO_CRYPTO_SERVICE_MAC,
						    rte_le_to_cpu_32(mp->algo),
						    rte_le_to_cpu_32(mp->hash_result_len),
						    rte_le_to_cpu_32(mp->auth_key_len));

		if (rc)
			return rc;
		return take_key(keys, keys_len, &off, p->auth_key_len, &p->auth_key);
	}
	case VIRTIO_CRYPTO_AEAD_CREATE_SESSION: {
		const struct virtio_crypto_aead_session_para *ap =
			&req->u.aead_create_session.para;
		int rc;

		p->hash_result_len = rte_le_to_cpu_32(ap->hash_result_len);
		p->aad_len = rte_le_to_cpu_32(ap->aad_len);
		rc = vc_session_params_set_cipher(p, VIRTIO_CRYPTO_SERVICE_AEAD,
						  rte_le_to_cpu_32(ap->algo),
						  rte_le_to_cpu_32(ap->key_len),
						  rte_le_to_cpu_32(ap->op));
		if (rc)
			return rc;
		return take_key(keys, keys_len, &off, p->cipher_key_len, &p->cipher_key);
	}
	case VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION: {
		const struct virtio_crypto_akcipher_session_para *ap =
			&req->u.akcipher_create_session.para;
		uint32_t key_len = rte_le_to_cpu_32(ap->keylen);
		int rc;

		if (key_len > VC_ASYM_MAX_KEY_LEN)
			return -EBADMSG;
		rc = take_key(keys, keys_len, &off, key_len, &p->asym_key);
		if (rc == 0)
			rc = vc_session_params_set_akcipher(p, rte_le_to_cpu_32(ap->algo),
				rte_le_to_cpu_32(ap->keytype), key_len,
				rte_le_to_cpu_32(ap->u.rsa.padding_algo),
				rte_le_to_cpu_32(ap->u.rsa.hash_algo));
		return rc;
	}
	default:
		return -EBADMSG;
	}
}
