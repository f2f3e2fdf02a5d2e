/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Session parameters to cryptodev sessions, and the per-frontend table the
 * data path looks sessions up in.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include <openssl/evp.h>

#include "vhost_crypto_log.h"
#include "vhost_crypto_rsa.h"
#include "vhost_crypto_quirks.h"
#include "vhost_crypto_session.h"
#include "vhost_user_crypto_wire.h"

int
vc_session_table_init(struct vc_session_table *t, uint32_t nb_slots,
		      uint32_t nb_stateless, const uint8_t *cdev_ids,
		      uint8_t nb_devs, int socket_id, const char *name)
{
	char pool_name[RTE_MEMPOOL_NAMESIZE];
	uint8_t d;

	memset(t, 0, sizeof(*t));
	if (nb_devs == 0 || nb_devs > VC_NB_DEVS)
		return -EINVAL;
	t->slots = rte_zmalloc_socket("vc_sessions", nb_slots * sizeof(*t->slots),
				      RTE_CACHE_LINE_SIZE, socket_id);
	if (t->slots == NULL)
		return -ENOMEM;
	t->nb_slots = nb_slots;
	pthread_mutex_init(&t->lock, NULL);
	for (d = 0; d < nb_devs; d++) {
		unsigned int priv = rte_cryptodev_sym_get_private_session_size(cdev_ids[d]);

		snprintf(pool_name, sizeof(pool_name), "vcs%u_%s", d, name);
		t->pool[d] = rte_cryptodev_sym_session_pool_create(pool_name, nb_slots,
								   priv, 0, 0, socket_id);
		if (t->pool[d] == NULL) {
			VC_LOG(ERR, "session pool %s: %s", pool_name,
			       rte_strerror(rte_errno));
			vc_session_table_free(t);
			return -ENOMEM;
		}
		snprintf(pool_name, sizeof(pool_name), "vct%u_%s", d, name);
		t->stateless_pool[d] = rte_cryptodev_sym_session_pool_create(pool_name,
				nb_stateless, priv, 0, 0, socket_id);
		if (t->stateless_pool[d] == NULL) {
			VC_LOG(ERR, "session pool %s: %s", pool_name,
			       rte_strerror(rte_errno));
			vc_session_table_free(t);
			return -ENOMEM;
		}
		t->cdev_id[d] = cdev_ids[d];
		t->nb_devs = d + 1;
	}
	/* Without an RSA device there is no pool, and AKCIPHER is NOTSUPP. */
	snprintf(pool_name, sizeof(pool_name), "vca_%s", name);
	t->asym_pool = vc_rsa_session_pool_create(pool_name, nb_slots, socket_id);
	if (t->asym_pool == NULL)
		VC_LOG(DEBUG, "no RSA session pool %s: %s", pool_name, rte_strerror(rte_errno));
	return 0;
}

void
vc_session_table_free(struct vc_session_table *t)
{
	uint8_t d;

	if (t->slots != NULL)
		vc_session_destroy_all(t);
	for (d = 0; d < VC_NB_DEVS; d++) {
		rte_mempool_free(t->pool[d]);
		rte_mempool_free(t->stateless_pool[d]);
	}
	rte_mempool_free(t->asym_pool);
	rte_free(t->slots);
	memset(t, 0, sizeof(*t));
}

int
vc_session_params_set_cipher(struct vc_session_params *p, uint32_t service,
			     uint32_t algo, uint32_t key_len, uint32_t direction)
{
	p->service = service;
	p->cipher = virtio_crypto_alg_find(service, algo);
	p->cipher_key_len = key_len;
	p->direction = direction;
	if (direction != VIRTIO_CRYPTO_OP_ENCRYPT && direction != VIRTIO_CRYPTO_OP_DECRYPT)
		return -EBADMSG;
	if (key_len > VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN)
		return -EBADMSG;
	return p->cipher ? 0 : -ENOTSUP;
}

int
vc_session_params_set_hash(struct vc_session_params *p, uint32_t service,
			   uint32_t algo, uint32_t result_len, uint32_t auth_key_len)
{
	p->service = service;
	p->hash = virtio_crypto_alg_find(service, algo);
	p->hash_result_len = result_len;
	p->auth_key_len = auth_key_len;
	if (auth_key_len > VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN)
		return -EBADMSG;
	return p->hash ? 0 : -ENOTSUP;
}

int
vc_session_params_set_chain(struct vc_session_params *p, uint32_t chain_order,
			    uint32_t hash_mode, uint32_t hash_algo,
			    uint32_t hash_result_len, uint32_t auth_key_len,
			    uint32_t aad_len)
{
	if (chain_order != VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER &&
	    chain_order != VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH)
		return -EBADMSG;
	if (auth_key_len > VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN)
		return -EBADMSG;
	switch (hash_mode) {
	case VIRTIO_CRYPTO_SYM_HASH_MODE_PLAIN:
		if (auth_key_len != 0)
			return -EBADMSG;
		p->hash = virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_HASH, hash_algo);
		break;
	case VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH:
		p->hash = virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_MAC, hash_algo);
		break;
	case VIRTIO_CRYPTO_SYM_HASH_MODE_NESTED:
		return -ENOTSUP;
	default:
		return -EBADMSG;
	}
	if (p->hash == NULL)
		return -ENOTSUP;
	p->chain_order = chain_order;
	p->hash_mode = hash_mode;
	p->hash_result_len = hash_result_len;
	p->auth_key_len = auth_key_len;
	p->aad_len = aad_len;
	return 0;
}

int
vc_session_params_set_akcipher(struct vc_session_params *p, uint32_t algo,
			       uint32_t key_type, uint32_t key_len,
			       uint32_t rsa_padding, uint32_t rsa_hash)
{
	p->service = VIRTIO_CRYPTO_SERVICE_AKCIPHER;
	p->key_type = key_type;
	p->asym_key_len = key_len;
	p->rsa_padding = rsa_padding;
	p->rsa_hash = rsa_hash;
	if (key_type != VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC &&
	    key_type != VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE)
		return -EBADMSG;
	if (key_len == 0 || key_len > VC_ASYM_MAX_KEY_LEN)
		return -EBADMSG;
	if (algo != VIRTIO_CRYPTO_AKCIPHER_RSA)
		return -ENOTSUP;
	return vc_rsa_params_check(rsa_padding, rsa_hash);
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

/*
 * AEAD: the IV length is fixed per session in DPDK but per request in
 * virtio; sessions take the algorithm's usual one (12 bytes for GCM and
 * ChaCha20-Poly1305, 13 for CCM) and requests must match it.
 */
static void
aead_xform(const struct vc_session_params *p, struct rte_crypto_sym_xform *x)
{
	memset(x, 0, sizeof(*x));
	x->type = RTE_CRYPTO_SYM_XFORM_AEAD;
	x->aead.algo = p->cipher->rte_algo;
	x->aead.op = p->direction == VIRTIO_CRYPTO_OP_ENCRYPT ?
		RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
	x->aead.key.data = p->cipher_key;
	x->aead.key.length = p->cipher_key_len;
	x->aead.iv.offset = VC_OP_IV_OFFSET;
	x->aead.iv.length = p->cipher->iv_size.max;
	x->aead.digest_length = p->hash_result_len;
	x->aead.aad_length = p->aad_len;
}

static int
check_params(const struct vc_session_params *p)
{
	if (p->cipher != NULL && !range_has(&p->cipher->key_size, p->cipher_key_len))
		return -EINVAL;
	if (p->service == VIRTIO_CRYPTO_SERVICE_AEAD &&
	    (!range_has(&p->cipher->digest_size, p->hash_result_len) ||
	     !range_has(&p->cipher->aad_size, p->aad_len)))
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

/* The device's capabilities cover this transform (sizes included). */
static bool
xform_offered(uint8_t dev_id, const struct rte_crypto_sym_xform *x)
{
	const struct rte_cryptodev_symmetric_capability *cap;
	struct rte_cryptodev_sym_capability_idx idx = { .type = x->type };

	switch (x->type) {
	case RTE_CRYPTO_SYM_XFORM_CIPHER:
		idx.algo.cipher = x->cipher.algo;
		cap = rte_cryptodev_sym_capability_get(dev_id, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_cipher(cap,
				x->cipher.key.length, x->cipher.iv.length) == 0;
	case RTE_CRYPTO_SYM_XFORM_AUTH:
		idx.algo.auth = x->auth.algo;
		cap = rte_cryptodev_sym_capability_get(dev_id, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_auth(cap,
				x->auth.key.length, x->auth.digest_length, x->auth.iv.length) == 0;
	case RTE_CRYPTO_SYM_XFORM_AEAD:
		idx.algo.aead = x->aead.algo;
		cap = rte_cryptodev_sym_capability_get(dev_id, &idx);
		return cap != NULL && rte_cryptodev_sym_capability_check_aead(cap,
				x->aead.key.length, x->aead.digest_length, x->aead.aad_length,
				x->aead.iv.length) == 0;
	default:
		return false;
	}
}

/* A transform the device is known to compute wrongly (vhost_crypto_quirks.h). */
static bool
known_wrong(uint8_t dev_id, const struct rte_crypto_sym_xform *x)
{
	if (x->type != RTE_CRYPTO_SYM_XFORM_CIPHER)
		return false;
	switch (x->cipher.algo) {
	case RTE_CRYPTO_CIPHER_DES_CBC:
	case RTE_CRYPTO_CIPHER_DES_DOCSISBPI:
	case RTE_CRYPTO_CIPHER_3DES_CBC:
	case RTE_CRYPTO_CIPHER_3DES_CTR:
	case RTE_CRYPTO_CIPHER_3DES_ECB:
		return vc_quirks_of(dev_id) & VC_QUIRK_DES_BURST_GARBLED;
	default:
		return false;
	}
}

void *
vc_sym_session_create_on(uint8_t dev_id, struct rte_crypto_sym_xform *x,
			 struct rte_mempool *mp)
{
	const struct rte_crypto_sym_xform *i;

	/*
	 * A PMD may take a session whose sizes it does not list and then
	 * compute something else (aesni_mb and a 24-byte CMAC key, an 80-byte
	 * HMAC-MD5 key): only what the capabilities promise is asked for.
	 */
	for (i = x; i != NULL; i = i->next) {
		if (!xform_offered(dev_id, i) || known_wrong(dev_id, i)) {
			rte_errno = ENOTSUP;
			return NULL;
		}
	}
	return rte_cryptodev_sym_session_create(dev_id, x, mp);
}

/*
 * An HMAC key longer than the hash's block is replaced by the hash of it,
 * as HMAC itself does first (RFC 2104, section 2): the MAC is the same and
 * every device takes a key that short. Beyond the block devices differ
 * (openssl's PMD takes no HMAC key over 64 bytes, aesni_mb none over 64
 * for MD5), so a session could exist on one device only, and a request
 * that had to avoid that device (aesni_mb's HMAC of an empty message) had
 * nowhere else to go.
 */
static int
fold_hmac_key(struct vc_session_params *p)
{
	const EVP_MD *md;
	unsigned int len;

	if (p->hash == NULL || p->hash->hmac_hash == NULL ||
	    p->auth_key_len <= p->hash->block_size)
		return 0;
	md = EVP_get_digestbyname(p->hash->hmac_hash);
	if (md == NULL || EVP_MD_size(md) > (int)sizeof(p->auth_key_folded)) {
		VC_LOG(ERR, "no %s to fold a %u-byte %s key with", p->hash->hmac_hash,
		       p->auth_key_len, p->hash->name);
		return -ENOTSUP;
	}
	if (EVP_Digest(p->auth_key, p->auth_key_len, p->auth_key_folded, &len, md, NULL) != 1)
		return -ENOTSUP;
	p->auth_key = p->auth_key_folded;
	p->auth_key_len = len;
	return 0;
}

int
vc_session_params_xforms(struct vc_session_params *p,
			 struct rte_crypto_sym_xform x[2])
{
	int rc = check_params(p);

	if (rc == 0)
		rc = fold_hmac_key(p);
	if (rc)
		return rc;
	switch (p->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		cipher_xform(p, &x[0]);
		break;
	case VIRTIO_CRYPTO_SERVICE_HASH:
	case VIRTIO_CRYPTO_SERVICE_MAC:
		auth_xform(p, &x[0]);
		break;
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		aead_xform(p, &x[0]);
		break;
	default:
		return -ENOTSUP;
	}
	if (p->service == VIRTIO_CRYPTO_SERVICE_CIPHER &&
	    p->op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
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
	return 0;
}

void
vc_session_describe(struct vc_session *s, const struct vc_session_params *p)
{
	s->service = p->service;
	s->op_type = p->op_type;
	s->direction = p->direction;
	s->iv_len = p->cipher ? p->cipher->iv_size.max :
		    p->hash ? p->hash->iv_size.max : 0;
	s->digest_len = p->hash_result_len;
	s->rte_algo = p->cipher ? p->cipher->rte_algo : p->hash->rte_algo;
	s->aad_len = p->aad_len;
	s->cipher_block = p->cipher && p->cipher->whole_blocks ? p->cipher->block_size : 0;
	RTE_ASSERT((s->cipher_block & (s->cipher_block - 1)) == 0);
	s->cipher_in_bits = p->cipher && p->cipher->rte_lengths_in_bits;
	s->auth_in_bits = p->hash && p->hash->rte_lengths_in_bits;
	s->hmac = p->hash && p->hash->hmac_hash != NULL;
}

/* The free slot `want`, or any free one for VC_ANY_SLOT; NULL if none. */
#define VC_ANY_SLOT	UINT64_MAX

static struct vc_session *
free_slot(struct vc_session_table *t, uint64_t want)
{
	uint32_t i;

	if (want != VC_ANY_SLOT)
		return want < t->nb_slots && !t->slots[want].live ? &t->slots[want] : NULL;
	for (i = 0; i < t->nb_slots; i++)
		if (!t->slots[i].live)
			return &t->slots[i];
	return NULL;
}

/*
 * What p was made from, keys as the frontend gave them (an HMAC key not
 * yet folded): a new daemon decodes nothing again, it reads this.
 */
static struct vc_session_saved *
save_params(const struct vc_session_params *p)
{
	struct vc_session_saved *s;
	size_t len = sizeof(*s) + (size_t)p->cipher_key_len + p->auth_key_len +
		     p->asym_key_len;
	uint8_t *k;

	/*
	 * DPDK memory, as the table that points to it: libc's heap would be
	 * referenced only from memory LeakSanitizer does not scan.
	 */
	s = rte_zmalloc("vc_session_saved", len, 0);
	if (s == NULL)
		return NULL;
	s->service = p->service;
	s->op_type = p->op_type;
	s->direction = p->direction;
	if (p->cipher != NULL) {
		s->has_cipher = 1;
		s->cipher_algo = p->cipher->algo;
	}
	if (p->hash != NULL) {
		s->has_hash = 1;
		s->hash_service = p->hash->service;
		s->hash_algo = p->hash->algo;
	}
	s->hash_mode = p->hash_mode;
	s->chain_order = p->chain_order;
	s->hash_result_len = p->hash_result_len;
	s->aad_len = p->aad_len;
	s->key_type = p->key_type;
	s->rsa_padding = p->rsa_padding;
	s->rsa_hash = p->rsa_hash;
	s->cipher_key_len = p->cipher_key_len;
	s->auth_key_len = p->auth_key_len;
	s->asym_key_len = p->asym_key_len;
	k = s->keys;
	if (p->cipher_key_len)
		memcpy(k, p->cipher_key, p->cipher_key_len);
	k += p->cipher_key_len;
	if (p->auth_key_len)
		memcpy(k, p->auth_key, p->auth_key_len);
	k += p->auth_key_len;
	if (p->asym_key_len)
		memcpy(k, p->asym_key, p->asym_key_len);
	return s;
}

static void
saved_free(struct vc_session_saved *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, vc_session_saved_size(s));
	rte_free(s);
}

int
vc_session_params_from_saved(const struct vc_session_saved *s, size_t len,
			     struct vc_session_params *p)
{
	const uint8_t *k;

	memset(p, 0, sizeof(*p));
	if (len < sizeof(*s) || s->cipher_key_len > VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN ||
	    s->auth_key_len > VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN ||
	    s->asym_key_len > VC_ASYM_MAX_KEY_LEN || len != vc_session_saved_size(s))
		return -EBADMSG;
	p->service = s->service;
	p->op_type = s->op_type;
	p->direction = s->direction;
	if (s->has_cipher) {
		p->cipher = virtio_crypto_alg_find(s->service, s->cipher_algo);
		if (p->cipher == NULL)
			return -EBADMSG;
	}
	if (s->has_hash) {
		p->hash = virtio_crypto_alg_find(s->hash_service, s->hash_algo);
		if (p->hash == NULL)
			return -EBADMSG;
	}
	if (p->service != VIRTIO_CRYPTO_SERVICE_AKCIPHER && p->cipher == NULL &&
	    p->hash == NULL)
		return -EBADMSG;
	p->hash_mode = s->hash_mode;
	p->chain_order = s->chain_order;
	p->hash_result_len = s->hash_result_len;
	p->aad_len = s->aad_len;
	p->key_type = s->key_type;
	p->rsa_padding = s->rsa_padding;
	p->rsa_hash = s->rsa_hash;
	p->cipher_key_len = s->cipher_key_len;
	p->auth_key_len = s->auth_key_len;
	p->asym_key_len = s->asym_key_len;
	k = s->keys;
	p->cipher_key = s->cipher_key_len ? k : NULL;
	k += s->cipher_key_len;
	p->auth_key = s->auth_key_len ? k : NULL;
	k += s->auth_key_len;
	p->asym_key = s->asym_key_len ? k : NULL;
	return 0;
}

static void
publish(struct vc_session_table *t, struct vc_session *s, uint64_t *id)
{
	/* The data path may look the id up from now on. */
	__atomic_store_n(&s->live, true, __ATOMIC_RELEASE);
	t->nb_live++;
	*id = s - t->slots;
}

/*
 * An RSA session lives on the first device that has RSA (crypto_openssl
 * behind aesni_mb, in the daemon's default setup).
 */
static int
rsa_session_create_locked(struct vc_session_table *t,
			  const struct vc_session_params *p, uint64_t want, uint64_t *id)
{
	struct vc_rsa_key key;
	struct vc_session *s;
	int rc;
	uint8_t d;

	rc = vc_rsa_key_parse(p->asym_key, p->asym_key_len, p->key_type, &key);
	if (rc)
		return rc;
	if (t->asym_pool == NULL)
		return -ENOTSUP;
	s = free_slot(t, want);
	if (s == NULL)
		return -ENOSPC;
	s->rsa = rte_zmalloc("vc_rsa_session", sizeof(*s->rsa), 0);
	if (s->rsa == NULL)
		return -ENOMEM;
	rc = -ENOTSUP;
	for (d = 0; d < t->nb_devs && rc == -ENOTSUP; d++) {
		rc = vc_rsa_session_create(s->rsa, t->cdev_id[d], t->asym_pool, &key,
					   p->rsa_padding, p->rsa_hash);
		s->rsa_dev = d;
	}
	if (rc) {
		rte_free(s->rsa);
		s->rsa = NULL;
		return rc == -ENOMEM ? -ENOSPC : rc;
	}
	s->service = p->service;
	publish(t, s, id);
	return 0;
}

static int
session_create_locked(struct vc_session_table *t,
		      struct vc_session_params *p, uint64_t want, uint64_t *id)
{
	struct rte_crypto_sym_xform x[2];
	struct vc_session *s;
	void *sess;
	uint8_t d;
	int rc;

	if (p->service == VIRTIO_CRYPTO_SERVICE_AKCIPHER)
		return rsa_session_create_locked(t, p, want, id);
	rc = vc_session_params_xforms(p, x);
	if (rc)
		return rc;
	s = free_slot(t, want);
	if (s == NULL)
		return -ENOSPC;

	/*
	 * A session is made on every device; one of them must take it. If
	 * only the fallback does (aesni_mb has no chain that decrypts and
	 * generates a hash), every op of the session goes there.
	 */
	rc = -ENOTSUP;
	for (d = 0; d < t->nb_devs; d++) {
		sess = vc_sym_session_create_on(t->cdev_id[d], x, t->pool[d]);
		if (sess == NULL) {
			if (rte_errno == ENOMEM)
				rc = -ENOSPC;
			/*
			 * Expected when the other device takes it (that is what
			 * the fallback is for), and a guest may make sessions at
			 * a high rate: only a session no device takes is told at
			 * the daemon's default level, below.
			 */
			VC_LOG(DEBUG, "device %u refused a %s%s%s session: %s",
			       t->cdev_id[d], p->cipher ? p->cipher->name : "",
			       p->cipher && p->hash ? " + " : "",
			       p->hash ? p->hash->name : "", rte_strerror(rte_errno));
			continue;
		}
		s->crypto_sess[d] = sess;
	}
	if (s->crypto_sess[VC_DEV_MAIN] == NULL && s->crypto_sess[VC_DEV_FALLBACK] == NULL) {
		VC_LOG(INFO, "no crypto device takes a %s%s%s session: %s",
		       p->cipher ? p->cipher->name : "", p->cipher && p->hash ? " + " : "",
		       p->hash ? p->hash->name : "", rc == -ENOSPC ? "out of memory" :
		       "not supported");
		return rc;
	}

	vc_session_describe(s, p);
	publish(t, s, id);
	return 0;
}

static int
session_create(struct vc_session_table *t, const struct vc_session_params *p,
	       uint64_t want, uint64_t *id)
{
	/* A copy: the folded key stays on this stack, wiped. */
	struct vc_session_params q = *p;
	/* Made first: a session that cannot be saved would not survive an upgrade. */
	struct vc_session_saved *saved = save_params(p);
	int rc;

	if (saved == NULL)
		return -ENOSPC;
	pthread_mutex_lock(&t->lock);
	if (want != VC_ANY_SLOT && want >= t->nb_slots)
		rc = -ERANGE;
	else if (want != VC_ANY_SLOT && t->slots[want].live)
		rc = -EEXIST;
	else
		rc = session_create_locked(t, &q, want, id);
	if (rc == 0) {
		t->slots[*id].saved = saved;
		saved = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	explicit_bzero(q.auth_key_folded, sizeof(q.auth_key_folded));
	saved_free(saved);
	return rc;
}

int
vc_session_create(struct vc_session_table *t,
		  const struct vc_session_params *p, uint64_t *id)
{
	return session_create(t, p, VC_ANY_SLOT, id);
}

int
vc_session_create_at(struct vc_session_table *t,
		     const struct vc_session_params *p, uint64_t id)
{
	uint64_t got;

	return session_create(t, p, id, &got);
}

static int
session_destroy_locked(struct vc_session_table *t, uint64_t id)
{
	struct vc_session *s;
	uint8_t d;

	if (id >= t->nb_slots || !t->slots[id].live)
		return -ENOENT;
	s = &t->slots[id];
	__atomic_store_n(&s->live, false, __ATOMIC_RELEASE);
	for (d = 0; d < t->nb_devs; d++)
		if (s->crypto_sess[d] != NULL)
			rte_cryptodev_sym_session_free(t->cdev_id[d], s->crypto_sess[d]);
	if (s->rsa != NULL) {
		vc_rsa_session_destroy(s->rsa);
		rte_free(s->rsa);
	}
	saved_free(s->saved);
	memset(s, 0, sizeof(*s));
	t->nb_live--;
	return 0;
}

int
vc_session_destroy(struct vc_session_table *t, uint64_t id)
{
	int rc;

	pthread_mutex_lock(&t->lock);
	rc = session_destroy_locked(t, id);
	pthread_mutex_unlock(&t->lock);
	return rc;
}

uint32_t
vc_session_destroy_all(struct vc_session_table *t)
{
	uint32_t i, n = 0;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->nb_slots; i++)
		n += session_destroy_locked(t, i) == 0;
	pthread_mutex_unlock(&t->lock);
	return n;
}
