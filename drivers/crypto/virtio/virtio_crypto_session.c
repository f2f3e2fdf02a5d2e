/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Sessions: rte_crypto transforms decoded into virtio session parameters,
 * created on the device by control queue or by the transport's own session
 * messages, and destroyed the same way. For a transport that reconnects,
 * each device session an application holds keeps a copy of its request and
 * keys, to be made again on the next backend (vc_sessions_remake()).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "dpdk_driver_abi.h"
#include "vc_dpdk_compat.h"
#include "virtio_crypto_algs.h"
#include "virtio_crypto_hw.h"
#include "virtio_crypto_log.h"
#include "virtio_crypto_qp.h"
#include "virtio_crypto_rsa_key.h"
#include "virtio_crypto_session.h"

static struct virtio_crypto_hw *
dev_hw(struct rte_cryptodev *dev)
{
	return dev->data->dev_private;
}

/* The device offers the algorithm, and a key of this length for it. */
static const struct virtio_crypto_alg *
offered_alg(const struct virtio_crypto_hw *hw, enum rte_crypto_sym_xform_type type,
	    int rte_algo, uint32_t key_len)
{
	const struct virtio_crypto_alg *a = virtio_crypto_alg_find_sym(type, rte_algo);
	uint32_t max_key;

	if (a == NULL || !virtio_crypto_config_has_alg(&hw->offered, a))
		return NULL;
	max_key = rte_le_to_cpu_32(a->service == VIRTIO_CRYPTO_SERVICE_MAC ?
				   hw->config.max_auth_key_len : hw->config.max_cipher_key_len);
	if (a->key_size.max > 0 && key_len > max_key)
		return NULL;
	return a;
}

static int
decode_cipher(const struct virtio_crypto_hw *hw, const struct rte_crypto_cipher_xform *c,
	      struct vc_sym_params *p)
{
	const struct virtio_crypto_alg *a =
		offered_alg(hw, RTE_CRYPTO_SYM_XFORM_CIPHER, c->algo, c->key.length);

	/* The device takes the algorithm's largest IV (see the capabilities). */
	if (a == NULL || c->iv.length != a->iv_size.max)
		return -ENOTSUP;
	p->cipher_algo = a->algo;
	p->cipher_bits = a->rte_lengths_in_bits;
	p->cipher_keystream = a->keystream;
	p->direction = c->op == RTE_CRYPTO_CIPHER_OP_ENCRYPT ?
		       VIRTIO_CRYPTO_OP_ENCRYPT : VIRTIO_CRYPTO_OP_DECRYPT;
	p->cipher_key = c->key.data;
	p->cipher_key_len = c->key.length;
	p->iv_offset = c->iv.offset;
	p->iv_len = c->iv.length;
	return 0;
}

static int
decode_auth(const struct virtio_crypto_hw *hw, const struct rte_crypto_auth_xform *x,
	    struct vc_sym_params *p)
{
	const struct virtio_crypto_alg *a =
		offered_alg(hw, RTE_CRYPTO_SYM_XFORM_AUTH, x->algo, x->key.length);

	/*
	 * A virtio MAC or hash request has no IV: GMAC and friends cannot
	 * travel. For the others the IV fields mean nothing and may hold
	 * anything (sessionless transforms are not zeroed), as may a plain
	 * hash's key fields.
	 */
	if (a == NULL || a->iv_size.max > 0)
		return -ENOTSUP;
	if (x->digest_length == 0)
		return -EINVAL;
	p->hash_algo = a->algo;
	p->auth_bits = a->rte_lengths_in_bits;
	p->hash_mode = a->service == VIRTIO_CRYPTO_SERVICE_MAC ?
		       VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH : VIRTIO_CRYPTO_SYM_HASH_MODE_PLAIN;
	p->digest_len = x->digest_length;
	p->verify = x->op == RTE_CRYPTO_AUTH_OP_VERIFY;
	if (a->service == VIRTIO_CRYPTO_SERVICE_MAC) {
		p->auth_key = x->key.data;
		p->auth_key_len = x->key.length;
	}
	p->service = a->service;
	return 0;
}

static int
decode_aead(const struct virtio_crypto_hw *hw, const struct rte_crypto_aead_xform *x,
	    struct vc_sym_params *p)
{
	const struct virtio_crypto_alg *a =
		offered_alg(hw, RTE_CRYPTO_SYM_XFORM_AEAD, x->algo, x->key.length);

	if (a == NULL)
		return -ENOTSUP;
	/* The session carries no IV length: the device takes the largest. */
	if (x->iv.length != a->iv_size.max)
		return -ENOTSUP;
	p->service = VIRTIO_CRYPTO_SERVICE_AEAD;
	p->algo = a->algo;
	p->direction = x->op == RTE_CRYPTO_AEAD_OP_ENCRYPT ?
		       VIRTIO_CRYPTO_OP_ENCRYPT : VIRTIO_CRYPTO_OP_DECRYPT;
	p->opcode = x->op == RTE_CRYPTO_AEAD_OP_ENCRYPT ?
		    VIRTIO_CRYPTO_AEAD_ENCRYPT : VIRTIO_CRYPTO_AEAD_DECRYPT;
	p->cipher_key = x->key.data;
	p->cipher_key_len = x->key.length;
	p->iv_offset = x->iv.offset;
	p->iv_len = x->iv.length;
	p->digest_len = x->digest_length;
	p->aad_len = x->aad_length;
	p->ccm = x->algo == RTE_CRYPTO_AEAD_AES_CCM;
	return 0;
}

int
vc_sym_params_from_xform(const struct virtio_crypto_hw *hw,
			 const struct rte_crypto_sym_xform *xform,
			 struct vc_sym_params *p)
{
	const struct rte_crypto_sym_xform *next;
	int rc;

	memset(p, 0, sizeof(*p));
	if (xform == NULL)
		return -EINVAL;
	next = xform->next;
	if (next != NULL && next->next != NULL)
		return -ENOTSUP;

	switch (xform->type) {
	case RTE_CRYPTO_SYM_XFORM_AEAD:
		return next == NULL ? decode_aead(hw, &xform->aead, p) : -ENOTSUP;
	case RTE_CRYPTO_SYM_XFORM_CIPHER:
		rc = decode_cipher(hw, &xform->cipher, p);
		if (rc == 0 && next != NULL) {
			if (next->type != RTE_CRYPTO_SYM_XFORM_AUTH)
				return -ENOTSUP;
			rc = decode_auth(hw, &next->auth, p);
			p->chain_order = VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH;
		}
		break;
	case RTE_CRYPTO_SYM_XFORM_AUTH:
		rc = decode_auth(hw, &xform->auth, p);
		if (rc == 0 && next != NULL) {
			if (next->type != RTE_CRYPTO_SYM_XFORM_CIPHER)
				return -ENOTSUP;
			rc = decode_cipher(hw, &next->cipher, p);
			p->chain_order = VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER;
		}
		break;
	default:
		return -ENOTSUP;
	}
	if (rc != 0)
		return rc;

	if (next != NULL) {
		p->service = VIRTIO_CRYPTO_SERVICE_CIPHER;
		p->op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	} else if (xform->type == RTE_CRYPTO_SYM_XFORM_CIPHER) {
		p->service = VIRTIO_CRYPTO_SERVICE_CIPHER;
		p->op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	}
	switch (p->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		p->algo = p->cipher_algo;
		p->opcode = p->direction == VIRTIO_CRYPTO_OP_ENCRYPT ?
			    VIRTIO_CRYPTO_CIPHER_ENCRYPT : VIRTIO_CRYPTO_CIPHER_DECRYPT;
		break;
	case VIRTIO_CRYPTO_SERVICE_HASH:
		p->algo = p->hash_algo;
		p->opcode = VIRTIO_CRYPTO_HASH;
		break;
	case VIRTIO_CRYPTO_SERVICE_MAC:
		p->algo = p->hash_algo;
		p->opcode = VIRTIO_CRYPTO_MAC;
		break;
	default:
		break;
	}
	return 0;
}

/* The control request that creates a session of these parameters. */
static void
session_request(const struct vc_sym_params *p, struct vc_session_request *s)
{
	struct virtio_crypto_op_ctrl_req *r = &s->req;

	memset(s, 0, sizeof(*s));
	r->header.algo = rte_cpu_to_le_32(p->algo);
	s->cipher_key = p->cipher_key;
	s->cipher_key_len = p->cipher_key_len;
	s->auth_key = p->auth_key;
	s->auth_key_len = p->auth_key_len;

	switch (p->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER: {
		struct virtio_crypto_sym_create_session_req *sym = &r->u.sym_create_session;
		struct virtio_crypto_cipher_session_para *cp;

		r->header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_CIPHER_CREATE_SESSION);
		sym->op_type = rte_cpu_to_le_32(p->op_type);
		if (p->op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
			cp = &sym->u.cipher.para;
		} else {
			struct virtio_crypto_alg_chain_session_para *ch = &sym->u.chain.para;

			ch->alg_chain_order = rte_cpu_to_le_32(p->chain_order);
			ch->hash_mode = rte_cpu_to_le_32(p->hash_mode);
			if (p->hash_mode == VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH) {
				ch->u.mac_param.algo = rte_cpu_to_le_32(p->hash_algo);
				ch->u.mac_param.hash_result_len = rte_cpu_to_le_32(p->digest_len);
				ch->u.mac_param.auth_key_len = rte_cpu_to_le_32(p->auth_key_len);
			} else {
				ch->u.hash_param.algo = rte_cpu_to_le_32(p->hash_algo);
				ch->u.hash_param.hash_result_len = rte_cpu_to_le_32(p->digest_len);
			}
			cp = &ch->cipher_param;
		}
		cp->algo = rte_cpu_to_le_32(p->cipher_algo);
		cp->keylen = rte_cpu_to_le_32(p->cipher_key_len);
		cp->op = rte_cpu_to_le_32(p->direction);
		break;
	}
	case VIRTIO_CRYPTO_SERVICE_HASH:
		r->header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_HASH_CREATE_SESSION);
		r->u.hash_create_session.para.algo = rte_cpu_to_le_32(p->hash_algo);
		r->u.hash_create_session.para.hash_result_len = rte_cpu_to_le_32(p->digest_len);
		break;
	case VIRTIO_CRYPTO_SERVICE_MAC:
		r->header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_MAC_CREATE_SESSION);
		r->u.mac_create_session.para.algo = rte_cpu_to_le_32(p->hash_algo);
		r->u.mac_create_session.para.hash_result_len = rte_cpu_to_le_32(p->digest_len);
		r->u.mac_create_session.para.auth_key_len = rte_cpu_to_le_32(p->auth_key_len);
		break;
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		r->header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_AEAD_CREATE_SESSION);
		r->u.aead_create_session.para.algo = rte_cpu_to_le_32(p->algo);
		r->u.aead_create_session.para.key_len = rte_cpu_to_le_32(p->cipher_key_len);
		r->u.aead_create_session.para.hash_result_len = rte_cpu_to_le_32(p->digest_len);
		r->u.aead_create_session.para.aad_len = rte_cpu_to_le_32(p->aad_len);
		r->u.aead_create_session.para.op = rte_cpu_to_le_32(p->direction);
		break;
	default:
		break;
	}
}

static int
device_session_create(struct virtio_crypto_hw *hw, const struct vc_session_request *s,
		      uint64_t *id)
{
	/* Nothing a broken device answers is trusted: fail at once, on either path. */
	if (hw->broken)
		return -EIO;
	if (hw->sessions_by_transport)
		return hw->ops->create_session(hw, s, id);
	return vc_ctrlq_create_session(hw, s, id);
}

static int
device_session_destroy(struct virtio_crypto_hw *hw, uint32_t service, uint64_t id)
{
	if (hw->broken)
		return -EIO;
	if (hw->sessions_by_transport)
		return hw->ops->destroy_session(hw, id);
	return vc_ctrlq_destroy_session(hw, service, id);
}

int
vc_sym_session_trial(struct virtio_crypto_hw *hw, const struct rte_crypto_sym_xform *xform,
		     uint64_t *kept)
{
	struct vc_session_request req;
	struct vc_sym_params p;
	uint64_t id;
	int rc;

	rc = vc_sym_params_from_xform(hw, xform, &p);
	if (rc != 0)
		return rc;
	session_request(&p, &req);
	rc = device_session_create(hw, &req, &id);
	if (rc == 0 && kept != NULL)
		*kept = id;
	else if (rc == 0)
		device_session_destroy(hw, p.service, id);
	return rc;
}

void
vc_sym_session_trial_close(struct virtio_crypto_hw *hw, uint32_t service, uint64_t id)
{
	device_session_destroy(hw, service, id);
}

/*
 * A device session the application holds, as it takes to make it again on
 * a backend the transport reconnected to: the request with a copy of its
 * keys, and where the session's device id lives (in the session's private
 * data). On hw->session_copies under dev_lock from create to clear.
 */
struct vc_session_copy {
	TAILQ_ENTRY(vc_session_copy) next;
	uint64_t *id;
	struct vc_session_request req;	/**< key pointers into keys[] */
	uint8_t keys[];
};

static void
session_copy_free(struct vc_session_copy *c)
{
	if (c == NULL)
		return;
	explicit_bzero(c, sizeof(*c) + c->req.cipher_key_len + c->req.auth_key_len);
	free(c);
}

static struct vc_session_copy *
session_copy_make(const struct vc_session_request *s, uint64_t *id)
{
	struct vc_session_copy *c = malloc(sizeof(*c) + s->cipher_key_len + s->auth_key_len);

	if (c == NULL)
		return NULL;
	c->id = id;
	c->req = *s;
	if (s->cipher_key_len != 0)
		memcpy(c->keys, s->cipher_key, s->cipher_key_len);
	if (s->auth_key_len != 0)
		memcpy(c->keys + s->cipher_key_len, s->auth_key, s->auth_key_len);
	c->req.cipher_key = c->keys;
	c->req.auth_key = c->keys + s->cipher_key_len;
	return c;
}

/*
 * A session the application holds: made on the device, its id in *id, and
 * (transports that reconnect) its copy in *copy. Called with dev_lock held.
 */
static int
session_open(struct virtio_crypto_hw *hw, const struct vc_session_request *s, uint64_t *id,
	     struct vc_session_copy **copy)
{
	struct vc_session_copy *c = NULL;
	int rc;

	*copy = NULL;
	if (hw->link != VC_LINK_UP)
		return -ENOTCONN;	/* the transport is reconnecting */
	if (hw->keep_sessions) {
		c = session_copy_make(s, id);
		if (c == NULL)
			return -ENOMEM;
	}
	rc = device_session_create(hw, s, id);
	if (rc != 0) {
		session_copy_free(c);
		return rc;
	}
	if (c != NULL)
		TAILQ_INSERT_TAIL(&hw->session_copies, c, next);
	*copy = c;
	return 0;
}

/*
 * Close what session_open() made. With the link down the backend that had
 * the session is gone, and the next one will not get it. Called with
 * dev_lock held.
 */
static int
session_close(struct virtio_crypto_hw *hw, uint32_t service, uint64_t id,
	      struct vc_session_copy **copy)
{
	if (*copy != NULL) {
		TAILQ_REMOVE(&hw->session_copies, *copy, next);
		session_copy_free(*copy);
		*copy = NULL;
	}
	/*
	 * A broken device is not asked either: it is reset (configure, close)
	 * or replaced (reconnect) before it is used again.
	 */
	if (hw->link != VC_LINK_UP || hw->broken)
		return 0;
	return device_session_destroy(hw, service, id);
}

int
vc_sessions_remake(struct virtio_crypto_hw *hw)
{
	struct vc_session_copy *c;
	unsigned int n = 0;
	int rc;

	TAILQ_FOREACH(c, &hw->session_copies, next) {
		rc = device_session_create(hw, &c->req, c->id);
		if (rc != 0) {
			VIRTIO_CRYPTO_LOG(session, ERR, "%s: the new backend refused session %u "
					  "of the old one: %s", hw->name, n, strerror(-rc));
			return rc;
		}
		n++;
	}
	VIRTIO_CRYPTO_LOG(session, INFO, "%s: %u sessions made again", hw->name, n);
	return 0;
}

void
vc_sessions_forget(struct virtio_crypto_hw *hw)
{
	struct vc_session_copy *c;

	while ((c = TAILQ_FIRST(&hw->session_copies)) != NULL) {
		TAILQ_REMOVE(&hw->session_copies, c, next);
		session_copy_free(c);
	}
}

unsigned int
vc_sym_session_get_size(struct rte_cryptodev *dev)
{
	return sizeof(struct vc_sym_session);
}

void
vc_sym_tmpl_make(const struct virtio_crypto_hw *hw, const struct vc_sym_params *p,
		 struct vc_sym_tmpl *t)
{
	bool rev1 = vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_REVISION_1);
	struct virtio_crypto_op_header *h = (void *)t->hdr;
	uint8_t *flf = t->hdr + sizeof(*h);
	uint32_t hdr_len = sizeof(*h) + virtio_crypto_dataq_flf_len(p->service, rev1, false);

	memset(t, 0, sizeof(*t));
	t->shape = VC_SHAPE_GENERAL;
	/*
	 * Bit ranges, room the area lacks: build_sym() decides per op, as
	 * for every session before templates.
	 */
	if (hdr_len > VC_TMPL_HDR_ROOM || p->cipher_bits || p->auth_bits ||
	    p->iv_len > VC_REQ_IV_ROOM || p->digest_len > VC_REQ_DIGEST_ROOM)
		return;
	h->opcode = rte_cpu_to_le_32(p->opcode);
	h->algo = rte_cpu_to_le_32(p->algo);
	h->flag = rte_cpu_to_le_32(rev1 ? VIRTIO_CRYPTO_FLAG_SESSION_MODE :
					  VIRTIO_CRYPTO_FLAG_STATELESS_MODE);
	t->hdr_len = hdr_len;
	t->iv_len = p->iv_len;
	t->iv_offset = p->iv_offset;
	t->table_off = RTE_ALIGN_CEIL(hdr_len + p->iv_len, 16);
	t->f.digest_len = p->digest_len;
	t->f.verify = p->verify;
	switch (p->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER: {
		struct virtio_crypto_sym_data_req *s = (void *)flf;

		if (p->op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
			s->u.cipher.para.iv_len = rte_cpu_to_le_32(p->iv_len);
			s->op_type = rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
			t->shape = VC_SHAPE_CIPHER;
			break;
		}
		/* A digest that may leave encrypted is looked for per op. */
		if (p->chain_order == VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER &&
		    !p->verify && p->cipher_keystream)
			break;
		s->u.chain.para.iv_len = rte_cpu_to_le_32(p->iv_len);
		s->u.chain.para.hash_result_len = rte_cpu_to_le_32(p->digest_len);
		s->op_type = rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING);
		t->shape = VC_SHAPE_CHAIN;
		break;
	}
	case VIRTIO_CRYPTO_SERVICE_HASH:
	case VIRTIO_CRYPTO_SERVICE_MAC: {
		struct virtio_crypto_hash_para *s = (void *)flf;

		s->hash_result_len = rte_cpu_to_le_32(p->digest_len);
		t->iv_len = 0;
		t->table_off = RTE_ALIGN_CEIL(hdr_len, 16);
		t->shape = VC_SHAPE_HASH;
		break;
	}
	case VIRTIO_CRYPTO_SERVICE_AEAD: {
		struct virtio_crypto_aead_para *s = (void *)flf;

		s->iv_len = rte_cpu_to_le_32(p->iv_len);
		s->aad_len = rte_cpu_to_le_32(p->aad_len);
		s->tag_len = rte_cpu_to_le_32(p->digest_len);
		t->aad_len = p->aad_len;
		/* DPDK's CCM convention: nonce from IV byte 1, AAD from byte 18. */
		t->iv_skip = p->ccm ? 1 : 0;
		t->aad_skip = p->ccm ? 18 : 0;
		t->encrypt = p->direction == VIRTIO_CRYPTO_OP_ENCRYPT;
		t->f.aead_decrypt = p->direction == VIRTIO_CRYPTO_OP_DECRYPT;
		t->shape = VC_SHAPE_AEAD;
		break;
	}
	default:
		break;
	}
}

int
vc_sym_session_configure(struct rte_cryptodev *dev, struct rte_crypto_sym_xform *xform,
			 struct rte_cryptodev_sym_session *sess)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	struct vc_sym_session *s = vc_sym_session_priv(sess);
	struct vc_session_request req;
	int rc;

	rc = vc_sym_params_from_xform(hw, xform, &s->p);
	if (rc != 0)
		return rc;
	vc_sym_tmpl_make(hw, &s->p, &s->t);
	session_request(&s->p, &req);
	pthread_mutex_lock(&hw->dev_lock);
	rc = session_open(hw, &req, &s->session_id, &s->copy);
	pthread_mutex_unlock(&hw->dev_lock);
	s->p.cipher_key = NULL;
	s->p.auth_key = NULL;
	if (rc != 0) {
		VIRTIO_CRYPTO_LOG(session, ERR, "%s: session create failed: %s",
				  hw->name, strerror(-rc));
		return rc;
	}
	VIRTIO_CRYPTO_LOG(session, DEBUG, "%s: session %" PRIu64 " created",
			  hw->name, s->session_id);
	return 0;
}

void
vc_sym_session_clear(struct rte_cryptodev *dev, struct rte_cryptodev_sym_session *sess)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	struct vc_sym_session *s = vc_sym_session_priv(sess);
	int rc;

	pthread_mutex_lock(&hw->dev_lock);
	rc = session_close(hw, s->p.service, s->session_id, &s->copy);
	pthread_mutex_unlock(&hw->dev_lock);
	if (rc != 0)
		VIRTIO_CRYPTO_LOG(session, ERR, "%s: session %" PRIu64 " destroy failed: %s",
				  hw->name, s->session_id, strerror(-rc));
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------------ */
/* RSA                                                                 */
/* ------------------------------------------------------------------ */

unsigned int
vc_asym_session_get_size(struct rte_cryptodev *dev)
{
	return sizeof(struct vc_asym_session);
}

static void
rsa_session_request(struct vc_session_request *req, const uint8_t *der, uint32_t der_len,
		    bool private_key, uint32_t padding, uint32_t hash)
{
	struct virtio_crypto_akcipher_session_para *para =
		&req->req.u.akcipher_create_session.para;

	memset(req, 0, sizeof(*req));
	req->req.header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION);
	req->req.header.algo = rte_cpu_to_le_32(VIRTIO_CRYPTO_AKCIPHER_RSA);
	para->algo = rte_cpu_to_le_32(VIRTIO_CRYPTO_AKCIPHER_RSA);
	para->keytype = rte_cpu_to_le_32(private_key ? VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE :
						       VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC);
	para->keylen = rte_cpu_to_le_32(der_len);
	para->u.rsa.padding_algo = rte_cpu_to_le_32(padding);
	para->u.rsa.hash_algo = rte_cpu_to_le_32(hash);
	req->cipher_key = der;
	req->cipher_key_len = der_len;
}

/* A PKCS#1 session per hash the device takes; 0 if it took any. */
static int
rsa_hashed_sessions_create(struct virtio_crypto_hw *hw, const uint8_t *der, uint32_t der_len,
			   struct vc_asym_session *s)
{
	struct vc_session_request req;
	int rc = -ENOTSUP;
	unsigned int i;

	for (i = 0; i < VC_RSA_NB_HASHES && !hw->broken; i++) {
		rsa_session_request(&req, der, der_len, s->private_key,
				    VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
				    vc_rsa_digest_infos[i].virtio_hash);
		if (session_open(hw, &req, &s->hashed_id[i], &s->hashed_copy[i]) != 0)
			continue;
		s->hashed |= 1u << i;
		rc = 0;
	}
	return rc;
}

/* A 1024-bit modulus (e = 65537) for trial sessions; any would do. */
static const uint8_t trial_modulus[128] = {
	0xe2, 0x48, 0x0c, 0x56, 0xe5, 0x26, 0xe1, 0xf8, 0x9b, 0xf8, 0x11, 0x86,
	0xcd, 0xc7, 0x07, 0xb7, 0xce, 0x6a, 0x57, 0x0c, 0xeb, 0xd6, 0xcc, 0xf6,
	0xc6, 0x15, 0x74, 0x62, 0x5c, 0xf8, 0x1d, 0xf9, 0x19, 0xe7, 0xf7, 0x6d,
	0xc3, 0x4f, 0x5b, 0x0b, 0x8d, 0x3f, 0x71, 0x69, 0xfc, 0x67, 0xbf, 0x80,
	0x4e, 0x77, 0x87, 0xa8, 0x0a, 0x07, 0xd3, 0x96, 0x33, 0x48, 0xc4, 0x07,
	0xc8, 0xd3, 0xbf, 0x53, 0x86, 0x5a, 0x1d, 0x14, 0x04, 0x8f, 0x48, 0xf5,
	0xfd, 0x79, 0xaf, 0x8e, 0xf1, 0x00, 0x32, 0xf4, 0xaa, 0xc6, 0x64, 0x5e,
	0x52, 0x7a, 0xc6, 0x73, 0x55, 0x2d, 0x87, 0xde, 0x9f, 0xb0, 0x5c, 0x9e,
	0xd0, 0x6a, 0xc9, 0x38, 0x98, 0x97, 0xae, 0x7a, 0xcf, 0x2f, 0xb6, 0xb5,
	0x77, 0x96, 0xce, 0x08, 0xb5, 0x1b, 0x4e, 0x0b, 0x65, 0x47, 0x06, 0xd4,
	0x60, 0xb9, 0x0e, 0x2c, 0x33, 0x7a, 0x1c, 0xc5,
};

int
vc_asym_session_trial(struct virtio_crypto_hw *hw, bool *hash_named)
{
	static const uint8_t e[] = { 0x01, 0x00, 0x01 };
	struct vc_session_request req;
	struct rte_crypto_rsa_xform x;
	uint8_t der[VC_RSA_DER_MAX];
	bool private_key;
	uint64_t id;
	int len, rc;

	memset(&x, 0, sizeof(x));
	x.n.data = (uint8_t *)(uintptr_t)trial_modulus;
	x.n.length = sizeof(trial_modulus);
	x.e.data = (uint8_t *)(uintptr_t)e;
	x.e.length = sizeof(e);
	len = vc_rsa_key_to_der(&x, &private_key, der, sizeof(der));
	if (len < 0)
		return len;
	*hash_named = false;
	rsa_session_request(&req, der, len, false, VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
			    VIRTIO_CRYPTO_RSA_NO_HASH);
	rc = device_session_create(hw, &req, &id);
	if (rc != 0 && !hw->broken) {
		*hash_named = true;
		rsa_session_request(&req, der, len, false, VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
				    VIRTIO_CRYPTO_RSA_SHA256);
		rc = device_session_create(hw, &req, &id);
	}
	if (rc == 0)
		device_session_destroy(hw, VIRTIO_CRYPTO_SERVICE_AKCIPHER, id);
	return rc;
}

static void
asym_session_close(struct virtio_crypto_hw *hw, struct vc_asym_session *s)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(s->session_id); i++)
		if (s->created[i])
			session_close(hw, VIRTIO_CRYPTO_SERVICE_AKCIPHER, s->session_id[i],
				      &s->copy[i]);
	for (i = 0; i < VC_RSA_NB_HASHES; i++)
		if (s->hashed & (1u << i))
			session_close(hw, VIRTIO_CRYPTO_SERVICE_AKCIPHER, s->hashed_id[i],
				      &s->hashed_copy[i]);
	memset(s, 0, sizeof(*s));
}

static int
asym_session_open(struct virtio_crypto_hw *hw, const struct rte_crypto_asym_xform *xform,
		  struct vc_asym_session *s)
{
	struct vc_session_request req;
	uint8_t der[VC_RSA_DER_MAX];
	int der_len, rc = 0;
	unsigned int pad;

	memset(s, 0, sizeof(*s));
	if (xform->xform_type != RTE_CRYPTO_ASYM_XFORM_RSA ||
	    !virtio_crypto_config_has_alg(&hw->offered,
			virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_AKCIPHER,
					       VIRTIO_CRYPTO_AKCIPHER_RSA)))
		return -ENOTSUP;
	der_len = vc_rsa_key_to_der(&xform->rsa, &s->private_key, der, sizeof(der));
	if (der_len < 0)
		return der_len;
	if (hw->rsa_hash_named && s->private_key &&
	    xform->rsa.key_type != RTE_RSA_KEY_TYPE_QT) {
		explicit_bzero(der, sizeof(der));
		return -ENOTSUP;
	}
	s->mod_len = xform->rsa.n.length;
	/* OAEP, PSS: no virtio padding to ask for */
	rc = -ENOTSUP;
	for (pad = 0; pad < RTE_DIM(s->session_id) && !hw->broken; pad++) {
		if (!vc_rsa_xform_wants_padding(&xform->rsa, pad))
			continue;
		if (hw->rsa_hash_named) {
			rc = pad == VIRTIO_CRYPTO_RSA_PKCS1_PADDING ?
			     rsa_hashed_sessions_create(hw, der, der_len, s) : -ENOTSUP;
			continue;
		}
		/* DPDK signs what it is given, DigestInfo included: no hash named. */
		rsa_session_request(&req, der, der_len, s->private_key, pad,
				    VIRTIO_CRYPTO_RSA_NO_HASH);
		rc = session_open(hw, &req, &s->session_id[pad], &s->copy[pad]);
		s->created[pad] = rc == 0;
		if (rc != 0)
			VIRTIO_CRYPTO_LOG(session, INFO, "%s: RSA %s padding refused: %s", hw->name,
					  pad == VIRTIO_CRYPTO_RSA_RAW_PADDING ? "raw" : "PKCS#1",
					  strerror(-rc));
	}
	explicit_bzero(der, sizeof(der));
	/* 22.11 asks for both: one the device takes is a session. */
	if (s->created[VIRTIO_CRYPTO_RSA_RAW_PADDING] ||
	    s->created[VIRTIO_CRYPTO_RSA_PKCS1_PADDING] || s->hashed != 0)
		rc = 0;
	else if (hw->broken)
		rc = -EIO;
	if (rc != 0) {
		VIRTIO_CRYPTO_LOG(session, ERR, "%s: RSA session create failed: %s",
				  hw->name, strerror(-rc));
		asym_session_close(hw, s);
	}
	return rc;
}

int
vc_asym_session_configure(struct rte_cryptodev *dev, struct rte_crypto_asym_xform *xform,
			  struct rte_cryptodev_asym_session *sess)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	int rc;

	pthread_mutex_lock(&hw->dev_lock);
	rc = asym_session_open(hw, xform, vc_asym_session_priv(sess));
	pthread_mutex_unlock(&hw->dev_lock);
	return rc;
}

void
vc_asym_session_clear(struct rte_cryptodev *dev, struct rte_cryptodev_asym_session *sess)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);

	pthread_mutex_lock(&hw->dev_lock);
	asym_session_close(hw, vc_asym_session_priv(sess));
	pthread_mutex_unlock(&hw->dev_lock);
}
