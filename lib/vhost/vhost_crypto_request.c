/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Request fixed parts, every layout, into struct vc_data_request (see
 * vhost_crypto_request.h). Only copies of guest bytes are read here.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "vhost_crypto_request.h"
#include "vhost_user_crypto_wire.h"

static bool
has_feature(uint64_t features, unsigned int bit)
{
	return (features >> bit) & 1;
}

static uint8_t
errno_to_status(int rc)
{
	return rc == -ENOTSUP ? VIRTIO_CRYPTO_NOTSUPP : VIRTIO_CRYPTO_BADMSG;
}

/* A chain's lengths and offsets: the same fields in session and stateless mode. */
static void
decode_chain_para(const struct virtio_crypto_alg_chain_data_para *c, struct vc_data_request *r)
{
	r->iv_len = rte_le_to_cpu_32(c->iv_len);
	r->src_len = rte_le_to_cpu_32(c->src_data_len);
	r->dst_len = rte_le_to_cpu_32(c->dst_data_len);
	r->cipher_off = rte_le_to_cpu_32(c->cipher_start_src_offset);
	r->cipher_len = rte_le_to_cpu_32(c->len_to_cipher);
	r->hash_off = rte_le_to_cpu_32(c->hash_start_src_offset);
	r->hash_len = rte_le_to_cpu_32(c->len_to_hash);
	r->aad_len = rte_le_to_cpu_32(c->aad_len);
	r->result_len = rte_le_to_cpu_32(c->hash_result_len);
}

static void
decode_session_mode(const struct virtio_crypto_op_data_req *q, struct vc_data_request *r)
{
	switch (r->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		r->op_type = rte_le_to_cpu_32(q->u.sym_req.op_type);
		if (r->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
			decode_chain_para(&q->u.sym_req.u.chain.para, r);
		} else {
			const struct virtio_crypto_cipher_para *c = &q->u.sym_req.u.cipher.para;

			r->iv_len = rte_le_to_cpu_32(c->iv_len);
			r->src_len = rte_le_to_cpu_32(c->src_data_len);
			r->dst_len = rte_le_to_cpu_32(c->dst_data_len);
		}
		break;
	case VIRTIO_CRYPTO_SERVICE_HASH:
	case VIRTIO_CRYPTO_SERVICE_MAC:
		r->src_len = rte_le_to_cpu_32(q->u.hash_req.para.src_data_len);
		r->result_len = rte_le_to_cpu_32(q->u.hash_req.para.hash_result_len);
		break;
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		r->iv_len = rte_le_to_cpu_32(q->u.aead_req.para.iv_len);
		r->aad_len = rte_le_to_cpu_32(q->u.aead_req.para.aad_len);
		r->src_len = rte_le_to_cpu_32(q->u.aead_req.para.src_data_len);
		r->dst_len = rte_le_to_cpu_32(q->u.aead_req.para.dst_data_len);
		break;
	default:
		r->src_len = rte_le_to_cpu_32(q->u.akcipher_req.para.src_data_len);
		r->dst_len = rte_le_to_cpu_32(q->u.akcipher_req.para.dst_data_len);
		break;
	}
}

static int
decode_stateless_sym(const struct virtio_crypto_sym_data_flf_stateless *f,
		     struct vc_data_request *r, struct vc_session_params *p)
{
	int rc;

	p->service = VIRTIO_CRYPTO_SERVICE_CIPHER;
	p->op_type = r->op_type = rte_le_to_cpu_32(f->op_type);
	if (r->op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		const struct virtio_crypto_cipher_data_flf_stateless *c = &f->u.cipher;

		r->iv_len = rte_le_to_cpu_32(c->iv_len);
		r->src_len = rte_le_to_cpu_32(c->src_data_len);
		r->dst_len = rte_le_to_cpu_32(c->dst_data_len);
		rc = vc_session_params_set_cipher(p, VIRTIO_CRYPTO_SERVICE_CIPHER,
						  rte_le_to_cpu_32(c->sess_para.algo),
						  rte_le_to_cpu_32(c->sess_para.key_len),
						  rte_le_to_cpu_32(c->sess_para.op));
	} else if (r->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
		const struct virtio_crypto_alg_chain_data_flf_stateless *c = &f->u.chain;
		uint32_t hash_mode = rte_le_to_cpu_32(c->sess_para.hash.hash_mode);

		decode_chain_para(&c->para, r);
		rc = vc_session_params_set_cipher(p, VIRTIO_CRYPTO_SERVICE_CIPHER,
						  rte_le_to_cpu_32(c->sess_para.cipher.algo),
						  rte_le_to_cpu_32(c->sess_para.cipher.key_len),
						  rte_le_to_cpu_32(c->sess_para.cipher.op));
		if (rc == 0)
			rc = vc_session_params_set_chain(p,
				rte_le_to_cpu_32(c->sess_para.alg_chain_order), hash_mode,
				rte_le_to_cpu_32(c->sess_para.hash.algo), r->result_len,
				rte_le_to_cpu_32(c->sess_para.hash.auth_key_len),
				rte_le_to_cpu_32(c->sess_para.aad_len));
	} else {
		return -EBADMSG;
	}
	r->keys_len = p->cipher_key_len + p->auth_key_len;
	return rc;
}

static int
decode_stateless(const uint8_t *flf, struct vc_data_request *r,
		 struct vc_session_params *p)
{
	switch (r->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		return decode_stateless_sym((const void *)flf, r, p);
	case VIRTIO_CRYPTO_SERVICE_HASH: {
		const struct virtio_crypto_hash_data_flf_stateless *h = (const void *)flf;

		r->src_len = rte_le_to_cpu_32(h->src_data_len);
		r->result_len = rte_le_to_cpu_32(h->hash_result_len);
		return vc_session_params_set_hash(p, r->service,
						  rte_le_to_cpu_32(h->sess_para.algo),
						  r->result_len, 0);
	}
	case VIRTIO_CRYPTO_SERVICE_MAC: {
		const struct virtio_crypto_mac_data_flf_stateless *m = (const void *)flf;

		r->src_len = rte_le_to_cpu_32(m->src_data_len);
		r->result_len = rte_le_to_cpu_32(m->hash_result_len);
		r->keys_len = rte_le_to_cpu_32(m->sess_para.auth_key_len);
		return vc_session_params_set_hash(p, r->service,
						  rte_le_to_cpu_32(m->sess_para.algo),
						  r->result_len, r->keys_len);
	}
	case VIRTIO_CRYPTO_SERVICE_AEAD: {
		const struct virtio_crypto_aead_data_flf_stateless *a = (const void *)flf;

		r->iv_len = rte_le_to_cpu_32(a->iv_len);
		r->aad_len = rte_le_to_cpu_32(a->aad_len);
		r->src_len = rte_le_to_cpu_32(a->src_data_len);
		r->dst_len = rte_le_to_cpu_32(a->dst_data_len);
		p->hash_result_len = rte_le_to_cpu_32(a->tag_len);
		p->aad_len = r->aad_len;
		r->keys_len = rte_le_to_cpu_32(a->sess_para.key_len);
		return vc_session_params_set_cipher(p, r->service,
						    rte_le_to_cpu_32(a->sess_para.algo),
						    r->keys_len,
						    rte_le_to_cpu_32(a->sess_para.op));
	}
	default:
		return -ENOTSUP;
	}
}

/*
 * What the header says: the opcode's service, and whether the request is
 * stateless. Returns OK, BADMSG for an unknown opcode, or NOTSUPP for a
 * stateless request of a mode not negotiated.
 */
static uint8_t
classify(const struct virtio_crypto_op_header *h, uint64_t features,
	 uint32_t *service, bool *stateless)
{
	uint32_t opcode = rte_le_to_cpu_32(h->opcode);
	bool rev1 = has_feature(features, VIRTIO_CRYPTO_F_REVISION_1);

	switch (opcode) {
	case VIRTIO_CRYPTO_CIPHER_ENCRYPT:
	case VIRTIO_CRYPTO_CIPHER_DECRYPT:
	case VIRTIO_CRYPTO_HASH:
	case VIRTIO_CRYPTO_MAC:
	case VIRTIO_CRYPTO_AEAD_ENCRYPT:
	case VIRTIO_CRYPTO_AEAD_DECRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_ENCRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_DECRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_SIGN:
	case VIRTIO_CRYPTO_AKCIPHER_VERIFY:
		break;
	default:
		return VIRTIO_CRYPTO_BADMSG;
	}
	*service = VIRTIO_CRYPTO_OPCODE_SERVICE(opcode);
	/* Without REVISION_1 the flag means nothing: session mode, padded. */
	*stateless = rev1 && !(rte_le_to_cpu_32(h->flag) & VIRTIO_CRYPTO_FLAG_SESSION_MODE);
	/* Feature bits 1..5 are the services' stateless modes, in order. */
	if (*stateless &&
	    !has_feature(features, VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE + *service))
		return VIRTIO_CRYPTO_NOTSUPP;
	return VIRTIO_CRYPTO_OK;
}

/* Header and fixed part of a request classify() accepted. */
static uint32_t
fixed_len_of(uint32_t service, bool stateless, uint64_t features)
{
	return sizeof(struct virtio_crypto_op_header) + virtio_crypto_dataq_flf_len(service,
			has_feature(features, VIRTIO_CRYPTO_F_REVISION_1), stateless);
}

uint32_t
vc_data_request_fixed_len(const struct virtio_crypto_op_header *h, uint64_t features)
{
	uint32_t service;
	bool stateless;

	if (classify(h, features, &service, &stateless) != VIRTIO_CRYPTO_OK)
		return 0;
	return fixed_len_of(service, stateless, features);
}

uint8_t
vc_data_request_decode(const union vc_data_request_buf *buf, uint32_t len,
		       uint64_t features, struct vc_data_request *r,
		       struct vc_session_params *p)
{
	const struct virtio_crypto_op_header *h = &buf->header;
	uint8_t status;
	int rc;

	memset(r, 0, sizeof(*r));
	if (len < sizeof(*h))
		return VIRTIO_CRYPTO_BADMSG;
	status = classify(h, features, &r->service, &r->stateless);
	if (status != VIRTIO_CRYPTO_OK)
		return status;
	r->opcode = rte_le_to_cpu_32(h->opcode);
	r->session_id = rte_le_to_cpu_64(h->session_id);
	r->fixed_len = fixed_len_of(r->service, r->stateless, features);
	if (len < r->fixed_len)
		return VIRTIO_CRYPTO_BADMSG;
	if (!r->stateless) {
		decode_session_mode(&buf->session, r);
		return VIRTIO_CRYPTO_OK;
	}
	memset(p, 0, sizeof(*p));
	rc = decode_stateless(buf->bytes + sizeof(*h), r, p);
	return rc == 0 ? VIRTIO_CRYPTO_OK : errno_to_status(rc);
}

uint32_t
vc_ctrl_request_fixed_len(uint32_t opcode, uint64_t features)
{
	return virtio_crypto_ctrlq_req_len(opcode,
					   has_feature(features, VIRTIO_CRYPTO_F_REVISION_1));
}
