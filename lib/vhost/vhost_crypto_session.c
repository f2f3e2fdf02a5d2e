/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Session parameters to cryptodev sessions, and the per-frontend table the
 * data path looks sessions up in.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "vhost_crypto_log.h"
#include "vhost_crypto_session.h"

int
vc_session_table_init(struct vc_session_table *t, uint32_t nb_slots,
		      uint8_t cdev_id, int socket_id, const char *name)
{
	char pool_name[RTE_MEMPOOL_NAMESIZE];
	unsigned int priv;

	memset(t, 0, sizeof(*t));
	t->slots = rte_zmalloc_socket("vc_sessions", nb_slots * sizeof(*t->slots),
				      RTE_CACHE_LINE_SIZE, socket_id);
	if (t->slots == NULL)
		return -ENOMEM;
	priv = rte_cryptodev_sym_get_private_session_size(cdev_id);
	snprintf(pool_name, sizeof(pool_name), "vcs_%s", name);
	t->pool = rte_cryptodev_sym_session_pool_create(pool_name, nb_slots,
							priv, 0, 0, socket_id);
	if (t->pool == NULL) {
		VC_LOG(ERR, "session pool %s: %s", pool_name, rte_strerror(rte_errno));
		rte_free(t->slots);
		t->slots = NULL;
		return -ENOMEM;
	}
	t->nb_slots = nb_slots;
	t->cdev_id = cdev_id;
	return 0;
}

void
vc_session_table_free(struct vc_session_table *t)
{
	if (t->slots == NULL)
		return;
	vc_session_destroy_all(t);
	rte_mempool_free(t->pool);
	rte_free(t->slots);
	memset(t, 0, sizeof(*t));
}

static bool
range_has(const struct rte_crypto_param_range *r, uint32_t v)
{
	if (v < r->min || v > r->max)
		return false;
	return r->increment == 0 ? (v == r->min || v == r->max) :
		(v - r->min) % r->increment == 0;
}

static void
cipher_xform(const struct vc_session_params *p, struct rte_crypto_sym_xform *x)
{
	memset(x, 0, sizeof(*x));
	x->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	x->cipher.algo = p->cipher->rte_algo;
	x->cipher.op = p->direction == VIRTIO_CRYPTO_OP_ENCRYPT ?
		RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
	x->cipher.key.data = p->cipher_key;
	x->cipher.key.length = p->cipher_key_len;
	x->cipher.iv.offset = VC_OP_IV_OFFSET;
	x->cipher.iv.length = p->cipher->iv_size.max;
}

/*
 * The device computes a hash or MAC; it never verifies one: in every
 * virtio request the result is device-writable, and the driver compares.
 */
static void
auth_xform(const struct vc_session_params *p, struct rte_crypto_sym_xform *x)
{
	memset(x, 0, sizeof(*x));
	x->type = RTE_CRYPTO_SYM_XFORM_AUTH;
	x->auth.algo = p->hash->rte_algo;
	x->auth.op = RTE_CRYPTO_AUTH_OP_GENERATE;
	x->auth.key.data = p->auth_key;
	x->auth.key.length = p->auth_key_len;
	x->auth.digest_length = p->hash_result_len;
	if (p->hash->iv_size.max) {
		x->auth.iv.offset = VC_OP_IV_OFFSET;
		x->auth.iv.length = p->hash->iv_size.max;
	}
}

static int
check_params(const struct vc_session_params *p)
{
	if (p->cipher != NULL && !range_has(&p->cipher->key_size, p->cipher_key_len))
		return -EINVAL;
	if (p->hash != NULL) {
		if (!range_has(&p->hash->digest_size, p->hash_result_len))
			return -EINVAL;
		if (p->hash->service == VIRTIO_CRYPTO_SERVICE_MAC &&
		    !range_has(&p->hash->key_size, p->auth_key_len))
			return -EINVAL;
	}
	return 0;
}

int
vc_session_create(struct vc_session_table *t,
		  const struct vc_session_params *p, uint64_t *id)
{
	struct rte_crypto_sym_xform x[2];
	struct vc_session *s = NULL;
	void *sess;
	uint32_t i;
	int rc;

	rc = check_params(p);
	if (rc)
		return rc;
	for (i = 0; i < t->nb_slots; i++) {
		if (!t->slots[i].live && t->slots[i].crypto_sess == NULL) {
			s = &t->slots[i];
			break;
		}
	}
	if (s == NULL)
		return -ENOSPC;

	if (p->service != VIRTIO_CRYPTO_SERVICE_CIPHER)
		return -ENOTSUP;	/* HASH, MAC, AEAD: see issue tracker */
	cipher_xform(p, &x[0]);
	if (p->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
		if (p->aad_len != 0)
			return -ENOTSUP;
		if (p->chain_order == VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH) {
			auth_xform(p, &x[1]);
			x[0].next = &x[1];
		} else {
			x[1] = x[0];
			auth_xform(p, &x[0]);
			x[0].next = &x[1];
		}
	}

	sess = rte_cryptodev_sym_session_create(t->cdev_id, x, t->pool);
	if (sess == NULL) {
		VC_LOG(INFO, "device %u refused a %s%s%s session: %s", t->cdev_id,
		       p->cipher->name, p->hash ? " + " : "",
		       p->hash ? p->hash->name : "", rte_strerror(rte_errno));
		return rte_errno == ENOMEM ? -ENOSPC : -ENOTSUP;
	}

	s->crypto_sess = sess;
	s->service = p->service;
	s->op_type = p->op_type;
	s->direction = p->direction;
	s->iv_len = p->cipher->iv_size.max;
	s->digest_len = p->hash ? p->hash_result_len : 0;
	s->aad_len = p->aad_len;
	/* Publish: the data path may look the id up from now on. */
	__atomic_store_n(&s->live, true, __ATOMIC_RELEASE);
	t->nb_live++;
	*id = s - t->slots;
	return 0;
}

int
vc_session_destroy(struct vc_session_table *t, uint64_t id)
{
	struct vc_session *s;

	if (id >= t->nb_slots || !t->slots[id].live)
		return -ENOENT;
	s = &t->slots[id];
	__atomic_store_n(&s->live, false, __ATOMIC_RELEASE);
	rte_cryptodev_sym_session_free(t->cdev_id, s->crypto_sess);
	memset(s, 0, sizeof(*s));
	t->nb_live--;
	return 0;
}

void
vc_session_destroy_all(struct vc_session_table *t)
{
	uint32_t i;

	for (i = 0; i < t->nb_slots; i++)
		if (t->slots[i].live)
			vc_session_destroy(t, i);
}
