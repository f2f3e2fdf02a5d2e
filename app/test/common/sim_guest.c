/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <stdlib.h>
#include <string.h>

#include <rte_cryptodev.h>

#include "sim_guest.h"

int
sim_crypto_devices_start(int *aesni_mb, int *openssl)
{
	struct rte_cryptodev_config dconf = { .socket_id = 0, .nb_queue_pairs = 1 };
	struct rte_cryptodev_qp_conf qconf = { .nb_descriptors = 256 };
	int ids[2], d;

	ids[0] = rte_cryptodev_get_dev_id("crypto_aesni_mb0");
	ids[1] = rte_cryptodev_get_dev_id("crypto_openssl0");
	for (d = 0; d < 2; d++)
		if (ids[d] < 0 || rte_cryptodev_configure(ids[d], &dconf) ||
		    rte_cryptodev_queue_pair_setup(ids[d], 0, &qconf, 0) ||
		    rte_cryptodev_start(ids[d]))
			return -1;
	*aesni_mb = ids[0];
	*openssl = ids[1];
	return 0;
}

int
sim_guest_init(struct sim_guest *g, uint64_t base, uint64_t size,
	       const struct vhost_crypto_conf *conf)
{
	struct vhost_crypto *vc;

	memset(g, 0, sizeof(*g));
	g->mem = aligned_alloc(4096, size);
	vc = calloc(1, sizeof(*vc));
	if (g->mem == NULL || vc == NULL || vc_instance_init(vc, conf) != 0)
		return -1;
	vc->mem = calloc(1, sizeof(*vc->mem) + sizeof(vc->mem->regions[0]));
	if (vc->mem == NULL)
		return -1;
	vc->mem->nregions = 1;
	vc->mem->regions[0].guest_phys_addr = base;
	vc->mem->regions[0].guest_user_addr = 0x7f0000000000ull;
	vc->mem->regions[0].host_user_addr = (uintptr_t)g->mem;
	vc->mem->regions[0].size = size;
	vc->vid = 0;	/* "connected"; no socket behind it */
	g->vc = vc;
	g->base = base;
	g->size = size;
	return 0;
}

int
sim_guest_start(struct sim_guest *g, uint64_t base, uint64_t size,
		struct vhost_crypto_conf *conf)
{
	int mb, ossl;

	if (sim_crypto_devices_start(&mb, &ossl) != 0)
		return -1;
	conf->cdev_id = mb;
	conf->fallback_cdev_id = ossl;
	return sim_guest_init(g, base, size, conf);
}

int
sim_guest_ring(struct sim_guest *g, uint16_t idx, uint64_t desc_gpa,
	       uint64_t avail_gpa, uint64_t used_gpa, uint16_t size)
{
	struct rte_vhost_vring vring = {
		.desc = sim_gpa(g, desc_gpa),
		.avail = sim_gpa(g, avail_gpa),
		.used = sim_gpa(g, used_gpa),
		.callfd = -1,
		.kickfd = -1,
		.size = size,
	};

	return vc_ring_attach(g->vc, idx, &vring, 0, 0);
}

int
sim_cbc_session(struct sim_guest *g, const uint8_t key[16], uint32_t direction,
		uint64_t *id)
{
	struct vhost_user_crypto_session_v71 msg;
	struct vc_session_params p;

	memset(&msg, 0, sizeof(msg));
	msg.info.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	msg.info.key_len = 16;
	msg.info.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	msg.info.direction = direction;
	memcpy(msg.key, key, 16);
	if (vc_session_msg_decode(&msg, sizeof(msg), VC_SESSION_MSG_AUTO, &p, NULL))
		return -1;
	return vc_session_create(&g->vc->sessions, &p, id);
}

void
sim_cipher_req(struct virtio_crypto_op_data_req *req, uint32_t opcode, uint64_t session,
	       uint32_t iv_len, uint32_t src_len, uint32_t dst_len)
{
	memset(req, 0, sizeof(*req));
	req->header.opcode = opcode;
	req->header.session_id = session;
	req->u.sym_req.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	req->u.sym_req.u.cipher.para.iv_len = iv_len;
	req->u.sym_req.u.cipher.para.src_data_len = src_len;
	req->u.sym_req.u.cipher.para.dst_data_len = dst_len;
}

void
sim_stateless_cbc_sha1(struct virtio_crypto_sym_data_flf_stateless *f, uint32_t op,
		       uint32_t order, uint32_t auth_key_len, uint32_t len)
{
	struct virtio_crypto_alg_chain_data_flf_stateless *c = &f->u.chain;

	f->op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	c->sess_para.alg_chain_order = order;
	c->sess_para.cipher.algo = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	c->sess_para.cipher.key_len = 16;
	c->sess_para.cipher.op = op;
	c->sess_para.hash.algo = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
	c->sess_para.hash.auth_key_len = auth_key_len;
	c->sess_para.hash.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	c->para.iv_len = 16;
	c->para.src_data_len = len;
	c->para.dst_data_len = len;
	c->para.len_to_cipher = len;
	c->para.len_to_hash = len;
	c->para.hash_result_len = 20;
}

void
sim_cbc_sha1_session_req(struct virtio_crypto_op_ctrl_req *r, uint32_t op, uint32_t order,
			 uint32_t auth_key_len)
{
	struct virtio_crypto_alg_chain_session_para *ch = &r->u.sym_create_session.u.chain.para;

	memset(r, 0, sizeof(*r));
	r->header.opcode = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;
	r->u.sym_create_session.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	ch->alg_chain_order = order;
	ch->hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	ch->cipher_param.algo = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	ch->cipher_param.keylen = 16;
	ch->cipher_param.op = op;
	ch->u.mac_param.algo = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
	ch->u.mac_param.hash_result_len = 20;
	ch->u.mac_param.auth_key_len = auth_key_len;
}

void
sim_chain_req(struct virtio_crypto_op_data_req *req, uint32_t opcode, uint64_t session,
	      uint32_t len, uint32_t hash_off, uint32_t hash_len, uint32_t result_len)
{
	struct virtio_crypto_alg_chain_data_para *p = &req->u.sym_req.u.chain.para;

	memset(req, 0, sizeof(*req));
	req->header.opcode = opcode;
	req->header.session_id = session;
	req->u.sym_req.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	p->iv_len = 16;
	p->src_data_len = len;
	p->dst_data_len = len;
	p->len_to_cipher = len;
	p->hash_start_src_offset = hash_off;
	p->len_to_hash = hash_len;
	p->hash_result_len = result_len;
}
