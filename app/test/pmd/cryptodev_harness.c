/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "cryptodev_harness.h"
#include "virtio_crypto_algs.h"

/* Pool sizes: enough for the largest batch the tests put in flight. */
#define CH_NB_SESSIONS		2048
#define CH_NB_OPS		4096
#define CH_NB_ASYM_SESSIONS	128
#define CH_NB_ASYM_OPS		256
#define CH_NB_MBUFS		4096
#define CH_POOL_CACHE		64
#define CH_QP_DEPTH_MAX		2048
#define CH_QP_DEPTH_MIN		32

/* Where the auth IV goes, apart from a cipher IV in the same op. */
#define CH_AUTH_IV_OFFSET	(CH_IV_OFFSET + CH_MAX_IV)

/*
 * An op the device keeps refusing with nothing of ours in flight is not
 * waiting for room: after this many tries it is left NOT_PROCESSED.
 */
#define CH_ENQUEUE_REFUSALS	1000

/* ------------------------------------------------------------------ */
/* Device setup                                                        */
/* ------------------------------------------------------------------ */

void
ch_eal_init(int *argc, char ***argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = rte_eal_init(*argc, *argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	*argc -= ret;
	*argv += ret;
}

static int
find_dev(const char *name)
{
	struct rte_cryptodev_info info;
	int id = rte_cryptodev_get_dev_id(name);
	uint8_t i;

	if (id >= 0)
		return id;
	for (i = 0; i < rte_cryptodev_count(); i++) {
		rte_cryptodev_info_get(i, &info);
		if (strcmp(info.driver_name, name) == 0)
			return i;
	}
	return -ENODEV;
}

static void
free_pools(struct ch_dev *dev)
{
	rte_mempool_free(dev->mbuf_pool);
	rte_mempool_free(dev->asym_op_pool);
	rte_mempool_free(dev->op_pool);
	rte_mempool_free(dev->asym_sess_pool);
	rte_mempool_free(dev->sess_pool);
	dev->mbuf_pool = dev->asym_op_pool = dev->op_pool = NULL;
	dev->asym_sess_pool = dev->sess_pool = NULL;
}

static int
create_pools(struct ch_dev *dev, int socket)
{
	/* sessionless transforms, cipher and auth IVs, AAD */
	uint16_t op_priv = 2 * sizeof(struct rte_crypto_sym_xform) +
			   CH_IV_ROOM + CH_AAD_ROOM;
	char pname[RTE_MEMPOOL_NAMESIZE];

	snprintf(pname, sizeof(pname), "ch_sess_%u", dev->id);
	dev->sess_pool = rte_cryptodev_sym_session_pool_create(pname,
			CH_NB_SESSIONS,
			rte_cryptodev_sym_get_private_session_size(dev->id),
			CH_POOL_CACHE, 0, socket);
	snprintf(pname, sizeof(pname), "ch_op_%u", dev->id);
	dev->op_pool = rte_crypto_op_pool_create(pname,
			RTE_CRYPTO_OP_TYPE_SYMMETRIC, CH_NB_OPS, CH_POOL_CACHE,
			op_priv, socket);
	snprintf(pname, sizeof(pname), "ch_mbuf_%u", dev->id);
	dev->mbuf_pool = rte_pktmbuf_pool_create(pname, CH_NB_MBUFS,
			CH_POOL_CACHE, 0,
			RTE_PKTMBUF_HEADROOM + CH_MAX_DATA + CH_MAX_DIGEST, socket);
	if (dev->sess_pool == NULL || dev->op_pool == NULL ||
	    dev->mbuf_pool == NULL)
		return -rte_errno ? -rte_errno : -ENOMEM;

	if (!ch_dev_has(dev, RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO))
		return 0;
	snprintf(pname, sizeof(pname), "ch_asess_%u", dev->id);
	dev->asym_sess_pool = rte_cryptodev_asym_session_pool_create(pname,
			CH_NB_ASYM_SESSIONS, 0, 0, socket);
	snprintf(pname, sizeof(pname), "ch_aop_%u", dev->id);
	dev->asym_op_pool = rte_crypto_op_pool_create(pname,
			RTE_CRYPTO_OP_TYPE_ASYMMETRIC, CH_NB_ASYM_OPS, 0, 0, socket);
	if (dev->asym_sess_pool == NULL || dev->asym_op_pool == NULL)
		return -rte_errno ? -rte_errno : -ENOMEM;
	return 0;
}

/*
 * Queue pairs as deep as the device allows: a virtqueue-backed device may
 * take fewer descriptors than a software one, so halve until it agrees.
 */
static int
setup_queue_pairs(struct ch_dev *dev, int socket)
{
	struct rte_cryptodev_qp_conf qp_conf = { .mp_session = dev->sess_pool };
	uint32_t depth;
	uint16_t qp;
	int rc = -EINVAL;

	for (depth = CH_QP_DEPTH_MAX; depth >= CH_QP_DEPTH_MIN; depth /= 2) {
		qp_conf.nb_descriptors = depth;
		for (qp = 0; qp < dev->nb_qp; qp++) {
			rc = rte_cryptodev_queue_pair_setup(dev->id, qp, &qp_conf,
							    socket);
			if (rc != 0)
				break;
		}
		if (rc == 0) {
			dev->qp_depth = depth;
			return 0;
		}
	}
	return rc;
}

int
ch_dev_setup(struct ch_dev *dev, const char *name, uint16_t nb_qp)
{
	struct rte_cryptodev_config conf = { .nb_queue_pairs = nb_qp };
	struct rte_cryptodev_info info;
	int id, socket, rc;

	memset(dev, 0, sizeof(*dev));
	id = find_dev(name);
	if (id < 0) {
		fprintf(stderr, "no crypto device %s (%u devices)\n", name,
			rte_cryptodev_count());
		return -ENODEV;
	}
	rte_cryptodev_info_get(id, &info);
	dev->id = id;
	snprintf(dev->name, sizeof(dev->name), "%s", rte_cryptodev_name_get(id));
	dev->driver = info.driver_name;
	dev->features = info.feature_flags;
	dev->nb_qp = nb_qp;
	if (nb_qp == 0 || nb_qp > info.max_nb_queue_pairs) {
		fprintf(stderr, "%s: %u queue pairs asked, it has %u\n",
			dev->name, nb_qp, info.max_nb_queue_pairs);
		return -EINVAL;
	}

	socket = rte_cryptodev_socket_id(id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	conf.socket_id = socket;
	rc = create_pools(dev, socket);
	if (rc != 0) {
		fprintf(stderr, "%s: pools: %s\n", dev->name, rte_strerror(-rc));
		goto free;
	}
	rc = rte_cryptodev_configure(id, &conf);
	if (rc != 0) {
		fprintf(stderr, "%s: configure: %d\n", dev->name, rc);
		goto free;
	}
	rc = setup_queue_pairs(dev, socket);
	if (rc != 0) {
		fprintf(stderr, "%s: queue pair setup: %d\n", dev->name, rc);
		goto free;
	}
	rc = rte_cryptodev_start(id);
	if (rc != 0) {
		fprintf(stderr, "%s: start: %d\n", dev->name, rc);
		goto free;
	}
	return 0;

free:
	free_pools(dev);
	return rc < 0 ? rc : -EIO;
}

void
ch_dev_close(struct ch_dev *dev)
{
	rte_cryptodev_stop(dev->id);
	/* ops a broken device still holds may point into the pools */
	if (dev->broken)
		return;
	rte_cryptodev_close(dev->id);
	free_pools(dev);
}

void
ch_dev_set_broken(struct ch_dev *dev, const char *why)
{
	if (!dev->broken)
		fprintf(stderr, "%s: %s; nothing more runs on it\n", dev->name, why);
	dev->broken = true;
	dev->broken_why = why;
}

/* Which driver has which defect; each is described in the header. */
static const struct {
	const char *driver;
	enum ch_quirk quirk;
} ch_quirks[] = {
	{ "crypto_aesni_mb", CH_QUIRK_EMPTY_HMAC },
	{ "crypto_aesni_mb", CH_QUIRK_SESSIONLESS },
	{ "crypto_aesni_mb", CH_QUIRK_SGL_CMAC_VERIFY },
	{ "crypto_aesni_mb", CH_QUIRK_SGL_DIGEST_AFTER_AUTH },
	{ "crypto_aesni_mb", CH_QUIRK_SGL_AEAD },
	{ "crypto_aesni_mb", CH_QUIRK_DES_BURST },
	{ "crypto_openssl", CH_QUIRK_SGL_AEAD },
	{ "crypto_openssl", CH_QUIRK_SGL_3DES_CTR },
	{ "crypto_openssl", CH_QUIRK_OOP_SGL_CHAIN_HEADER },
	{ "crypto_openssl", CH_QUIRK_RSA_VERIFY_MISMATCH },
};

bool
ch_dev_quirk(const struct ch_dev *dev, enum ch_quirk quirk)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ch_quirks); i++)
		if (ch_quirks[i].quirk == quirk &&
		    strcmp(ch_quirks[i].driver, dev->driver) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Bursts                                                              */
/* ------------------------------------------------------------------ */

int
ch_run_ops(struct ch_dev *dev, uint16_t qp, struct rte_crypto_op **ops,
	   uint16_t nb_ops, unsigned int timeout_ms)
{
	const uint64_t deadline = rte_get_timer_cycles() +
				  rte_get_timer_hz() * timeout_ms / 1000;
	struct rte_crypto_op *done[64];
	uint16_t next = 0, n = 0;
	uint32_t inflight = 0, refusals = 0;

	if (dev->broken)
		return -EIO;
	while (next < nb_ops || inflight > 0) {
		if (next < nb_ops) {
			n = rte_cryptodev_enqueue_burst(dev->id, qp, &ops[next],
							nb_ops - next);
			next += n;
			inflight += n;
			if (n == 0 && inflight == 0 &&
			    ++refusals >= CH_ENQUEUE_REFUSALS) {
				next++;
				refusals = 0;
			}
		}
		if (inflight > 0) {
			n = rte_cryptodev_dequeue_burst(dev->id, qp, done,
							RTE_DIM(done));
			inflight -= RTE_MIN(n, inflight);
		}
		if (rte_get_timer_cycles() > deadline) {
			fprintf(stderr, "%s: qp %u: %u of %u ops not back after %u ms\n",
				dev->name, qp, inflight, nb_ops, timeout_ms);
			ch_dev_set_broken(dev, "an op did not come back in time");
			return -ETIMEDOUT;
		}
		if (n == 0)
			rte_pause();
	}
	return 0;
}

const char *
ch_status_str(enum rte_crypto_op_status status)
{
	switch (status) {
	case RTE_CRYPTO_OP_STATUS_SUCCESS:
		return "SUCCESS";
	case RTE_CRYPTO_OP_STATUS_NOT_PROCESSED:
		return "NOT_PROCESSED";
	case RTE_CRYPTO_OP_STATUS_AUTH_FAILED:
		return "AUTH_FAILED";
	case RTE_CRYPTO_OP_STATUS_INVALID_SESSION:
		return "INVALID_SESSION";
	case RTE_CRYPTO_OP_STATUS_INVALID_ARGS:
		return "INVALID_ARGS";
	case RTE_CRYPTO_OP_STATUS_ERROR:
		return "ERROR";
	default:
		return "UNKNOWN";
	}
}

/* Whether the op writes a digest (else it reads one, or has none). */
static bool
case_generates(const struct ch_sym_case *c)
{
	switch (c->kind) {
	case CH_AUTH:
		return c->generate;
	case CH_AEAD:
		return c->encrypt;
	case CH_CIPHER_AUTH:
		return true;
	default:
		return false;
	}
}

/* Whether the source or (out of place) the destination has segments. */
static bool
segmented(const struct ch_sym_case *c)
{
	return c->nb_src_cuts > 0 ||
	       (c->oop && c->kind != CH_AUTH && c->nb_dst_cuts > 0);
}

/* ------------------------------------------------------------------ */
/* Capabilities                                                        */
/* ------------------------------------------------------------------ */

static const char *
alg_name(enum rte_crypto_sym_xform_type type, int algo)
{
	const struct virtio_crypto_alg *a = virtio_crypto_alg_find_sym(type, algo);

	return a != NULL ? a->name : "unnamed algorithm";
}

static const struct rte_cryptodev_symmetric_capability *
sym_cap(const struct ch_dev *dev, enum rte_crypto_sym_xform_type type,
	int algo, char *why, size_t why_len)
{
	const struct rte_cryptodev_symmetric_capability *cap;
	struct rte_cryptodev_sym_capability_idx idx = { .type = type };

	switch (type) {
	case RTE_CRYPTO_SYM_XFORM_CIPHER:
		idx.algo.cipher = algo;
		break;
	case RTE_CRYPTO_SYM_XFORM_AUTH:
		idx.algo.auth = algo;
		break;
	default:
		idx.algo.aead = algo;
		break;
	}
	cap = rte_cryptodev_sym_capability_get(dev->id, &idx);
	if (cap == NULL)
		snprintf(why, why_len, "%s not offered", alg_name(type, algo));
	return cap;
}

static bool
cipher_ok(const struct ch_dev *dev, const struct ch_sym_case *c, char *why,
	  size_t why_len)
{
	const struct rte_cryptodev_symmetric_capability *cap;

	cap = sym_cap(dev, RTE_CRYPTO_SYM_XFORM_CIPHER, c->cipher_algo, why, why_len);
	if (cap == NULL)
		return false;
	if (rte_cryptodev_sym_capability_check_cipher(cap, c->key_len, c->iv_len) != 0) {
		snprintf(why, why_len, "%s: key %u / IV %u bytes not offered",
			 alg_name(RTE_CRYPTO_SYM_XFORM_CIPHER, c->cipher_algo),
			 c->key_len, c->iv_len);
		return false;
	}
	if (c->cipher_algo == RTE_CRYPTO_CIPHER_3DES_CTR && segmented(c) &&
	    ch_dev_quirk(dev, CH_QUIRK_SGL_3DES_CTR)) {
		snprintf(why, why_len, "3des-ctr over segments (known %s defect)",
			 dev->driver);
		return false;
	}
	return true;
}

static bool
is_hmac(int auth_algo)
{
	switch (auth_algo) {
	case RTE_CRYPTO_AUTH_MD5_HMAC:
	case RTE_CRYPTO_AUTH_SHA1_HMAC:
	case RTE_CRYPTO_AUTH_SHA224_HMAC:
	case RTE_CRYPTO_AUTH_SHA256_HMAC:
	case RTE_CRYPTO_AUTH_SHA384_HMAC:
	case RTE_CRYPTO_AUTH_SHA512_HMAC:
		return true;
	default:
		return false;
	}
}

static bool
auth_ok(const struct ch_dev *dev, const struct ch_sym_case *c, char *why,
	size_t why_len)
{
	const struct rte_cryptodev_symmetric_capability *cap;

	cap = sym_cap(dev, RTE_CRYPTO_SYM_XFORM_AUTH, c->auth_algo, why, why_len);
	if (cap == NULL)
		return false;
	if (rte_cryptodev_sym_capability_check_auth(cap, c->auth_key_len,
			c->digest_len, c->auth_iv_len) != 0) {
		snprintf(why, why_len, "%s: key %u / digest %u / IV %u bytes not offered",
			 alg_name(RTE_CRYPTO_SYM_XFORM_AUTH, c->auth_algo),
			 c->auth_key_len, c->digest_len, c->auth_iv_len);
		return false;
	}
	if (c->auth_len == 0 && is_hmac(c->auth_algo) &&
	    ch_dev_quirk(dev, CH_QUIRK_EMPTY_HMAC)) {
		snprintf(why, why_len, "%s: HMAC of an empty message (known %s defect)",
			 alg_name(RTE_CRYPTO_SYM_XFORM_AUTH, c->auth_algo), dev->driver);
		return false;
	}
	if (!segmented(c))
		return true;
	if (c->auth_algo == RTE_CRYPTO_AUTH_AES_CMAC && !case_generates(c) &&
	    ch_dev_quirk(dev, CH_QUIRK_SGL_CMAC_VERIFY)) {
		snprintf(why, why_len, "aes-cmac: verify of a segmented buffer (known %s defect)",
			 dev->driver);
		return false;
	}
	if (case_generates(c) && c->auth_off + c->auth_len != c->in_len &&
	    ch_dev_quirk(dev, CH_QUIRK_SGL_DIGEST_AFTER_AUTH)) {
		snprintf(why, why_len, "a digest apart from the segmented data it covers "
			 "(known %s defect)", dev->driver);
		return false;
	}
	if (c->kind == CH_CIPHER_AUTH && c->oop && c->nb_src_cuts > 0 &&
	    c->auth_off < c->cipher_off &&
	    ch_dev_quirk(dev, CH_QUIRK_OOP_SGL_CHAIN_HEADER)) {
		snprintf(why, why_len, "out-of-place chain from segments with a header "
			 "(known %s defect)", dev->driver);
		return false;
	}
	if (c->auth_algo == RTE_CRYPTO_AUTH_AES_GMAC &&
	    ch_dev_quirk(dev, CH_QUIRK_SGL_AEAD)) {
		snprintf(why, why_len, "aes-gmac over segments (known %s defect)",
			 dev->driver);
		return false;
	}
	return true;
}

static bool
aead_ok(const struct ch_dev *dev, const struct ch_sym_case *c, char *why,
	size_t why_len)
{
	const struct rte_cryptodev_symmetric_capability *cap;

	cap = sym_cap(dev, RTE_CRYPTO_SYM_XFORM_AEAD, c->aead_algo, why, why_len);
	if (cap == NULL)
		return false;
	if (segmented(c) && ch_dev_quirk(dev, CH_QUIRK_SGL_AEAD)) {
		snprintf(why, why_len, "%s over segments (known %s defect)",
			 alg_name(RTE_CRYPTO_SYM_XFORM_AEAD, c->aead_algo), dev->driver);
		return false;
	}
	if (rte_cryptodev_sym_capability_check_aead(cap, c->key_len,
			c->digest_len, c->aad_len, c->iv_len) != 0) {
		snprintf(why, why_len,
			 "%s: key %u / digest %u / AAD %u / IV %u bytes not offered",
			 alg_name(RTE_CRYPTO_SYM_XFORM_AEAD, c->aead_algo),
			 c->key_len, c->digest_len, c->aad_len, c->iv_len);
		return false;
	}
	return true;
}

/* The feature an op's buffer layout needs. */
static uint64_t
layout_feature(const struct ch_sym_case *c, const char **name)
{
	bool oop = c->oop && c->kind != CH_AUTH;
	bool sgl_in = c->nb_src_cuts > 0, sgl_out = c->nb_dst_cuts > 0;

	if (!oop) {
		*name = "IN_PLACE_SGL";
		return sgl_in ? RTE_CRYPTODEV_FF_IN_PLACE_SGL : 0;
	}
	if (sgl_in && sgl_out) {
		*name = "OOP_SGL_IN_SGL_OUT";
		return RTE_CRYPTODEV_FF_OOP_SGL_IN_SGL_OUT;
	}
	if (sgl_in) {
		*name = "OOP_SGL_IN_LB_OUT";
		return RTE_CRYPTODEV_FF_OOP_SGL_IN_LB_OUT;
	}
	if (sgl_out) {
		*name = "OOP_LB_IN_SGL_OUT";
		return RTE_CRYPTODEV_FF_OOP_LB_IN_SGL_OUT;
	}
	*name = "OOP_LB_IN_LB_OUT";
	return RTE_CRYPTODEV_FF_OOP_LB_IN_LB_OUT;
}

bool
ch_sym_supported(const struct ch_dev *dev, const struct ch_sym_case *c,
		 char *why, size_t why_len)
{
	const char *feature;
	uint64_t need;

	if (c->sessionless && !ch_dev_has(dev, RTE_CRYPTODEV_FF_SYM_SESSIONLESS)) {
		snprintf(why, why_len, "no sessionless operations");
		return false;
	}
	if (c->sessionless && ch_dev_quirk(dev, CH_QUIRK_SESSIONLESS)) {
		snprintf(why, why_len, "sessionless operations (known %s defect)",
			 dev->driver);
		return false;
	}
	need = layout_feature(c, &feature);
	if (!ch_dev_has(dev, need)) {
		snprintf(why, why_len, "no %s", feature);
		return false;
	}
	switch (c->kind) {
	case CH_CIPHER:
		return cipher_ok(dev, c, why, why_len);
	case CH_AUTH:
		return auth_ok(dev, c, why, why_len);
	case CH_AEAD:
		return aead_ok(dev, c, why, why_len);
	case CH_CIPHER_AUTH:
	case CH_AUTH_CIPHER:
		if (!ch_dev_has(dev, RTE_CRYPTODEV_FF_SYM_OPERATION_CHAINING)) {
			snprintf(why, why_len, "no chained operations");
			return false;
		}
		return cipher_ok(dev, c, why, why_len) && auth_ok(dev, c, why, why_len);
	}
	snprintf(why, why_len, "unknown kind %d", c->kind);
	return false;
}

/* ------------------------------------------------------------------ */
/* Building ops                                                        */
/* ------------------------------------------------------------------ */

uint8_t
ch_even_cuts(uint32_t len, unsigned int nb_segs, uint32_t base, uint32_t align,
	     uint32_t *cuts)
{
	unsigned int n = RTE_MIN(nb_segs, (unsigned int)CH_MAX_SEGS), i;
	uint8_t nb = 0;
	uint32_t cut;

	for (i = 1; i < n; i++) {
		cut = (uint32_t)((uint64_t)len * i / n);
		if (align > 1 && cut > base)
			cut = base + (cut - base) / align * align;
		if (cut == 0 || cut >= len || (nb > 0 && cut <= cuts[nb - 1]))
			continue;
		cuts[nb++] = cut;
	}
	return nb;
}

/* A chain holding data (or fill bytes) split at the cuts. */
static struct rte_mbuf *
chain_build(struct rte_mempool *mp, const uint8_t *data, uint8_t fill,
	    uint32_t len, const uint32_t *cuts, uint8_t nb_cuts)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t start = 0, end;
	unsigned int i;
	char *p;

	for (i = 0; i <= nb_cuts; i++) {
		end = i < nb_cuts ? cuts[i] : len;
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL)
			goto fail;
		p = rte_pktmbuf_append(m, end - start);
		if (p == NULL) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		if (data != NULL)
			memcpy(p, data + start, end - start);
		else
			memset(p, fill, end - start);
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		start = end;
	}
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

/* Room for len bytes right after the data of the chain's last segment. */
static uint8_t *
chain_tail(struct rte_mbuf *head, uint16_t len, rte_iova_t *iova)
{
	struct rte_mbuf *last = rte_pktmbuf_lastseg(head);
	uint16_t off = last->data_len;

	if (rte_pktmbuf_append(head, len) == NULL)
		return NULL;
	*iova = rte_pktmbuf_iova_offset(last, off);
	return rte_pktmbuf_mtod_offset(last, uint8_t *, off);
}

static void
cipher_xform(const struct ch_sym_case *c, bool encrypt,
	     struct rte_crypto_sym_xform *xf)
{
	xf->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	xf->cipher.op = encrypt ? RTE_CRYPTO_CIPHER_OP_ENCRYPT :
				  RTE_CRYPTO_CIPHER_OP_DECRYPT;
	xf->cipher.algo = c->cipher_algo;
	xf->cipher.key.data = c->key;
	xf->cipher.key.length = c->key_len;
	xf->cipher.iv.offset = CH_IV_OFFSET;
	xf->cipher.iv.length = c->iv_len;
}

static void
auth_xform(const struct ch_sym_case *c, bool generate,
	   struct rte_crypto_sym_xform *xf)
{
	xf->type = RTE_CRYPTO_SYM_XFORM_AUTH;
	xf->auth.op = generate ? RTE_CRYPTO_AUTH_OP_GENERATE :
				 RTE_CRYPTO_AUTH_OP_VERIFY;
	xf->auth.algo = c->auth_algo;
	xf->auth.key.data = c->auth_key;
	xf->auth.key.length = c->auth_key_len;
	xf->auth.iv.offset = CH_AUTH_IV_OFFSET;
	xf->auth.iv.length = c->auth_iv_len;
	xf->auth.digest_length = c->digest_len;
}

static void
aead_xform(const struct ch_sym_case *c, struct rte_crypto_sym_xform *xf)
{
	xf->type = RTE_CRYPTO_SYM_XFORM_AEAD;
	xf->aead.op = c->encrypt ? RTE_CRYPTO_AEAD_OP_ENCRYPT :
				   RTE_CRYPTO_AEAD_OP_DECRYPT;
	xf->aead.algo = c->aead_algo;
	xf->aead.key.data = c->key;
	xf->aead.key.length = c->key_len;
	xf->aead.iv.offset = CH_IV_OFFSET;
	xf->aead.iv.length = c->iv_len;
	xf->aead.digest_length = c->digest_len;
	xf->aead.aad_length = c->aad_len;
}

/* The transforms of a case, linked; returns how many (1 or 2). */
static unsigned int
case_xforms(const struct ch_sym_case *c, struct rte_crypto_sym_xform xf[2])
{
	memset(xf, 0, 2 * sizeof(xf[0]));
	switch (c->kind) {
	case CH_CIPHER:
		cipher_xform(c, c->encrypt, &xf[0]);
		return 1;
	case CH_AUTH:
		auth_xform(c, c->generate, &xf[0]);
		return 1;
	case CH_AEAD:
		aead_xform(c, &xf[0]);
		return 1;
	case CH_CIPHER_AUTH:
		cipher_xform(c, true, &xf[0]);
		auth_xform(c, true, &xf[1]);
		break;
	case CH_AUTH_CIPHER:
		auth_xform(c, false, &xf[0]);
		cipher_xform(c, false, &xf[1]);
		break;
	}
	xf[0].next = &xf[1];
	return 2;
}

static int
attach_xforms(struct ch_dev *dev, struct ch_sym_op *h,
	      const struct ch_sym_case *c)
{
	struct rte_crypto_op *op = h->op;
	struct rte_crypto_sym_xform xf[2], *oxf;
	unsigned int n = case_xforms(c, xf), i;
	void *sess;


	if (c->sessionless) {
		oxf = rte_crypto_op_sym_xforms_alloc(op, n);
		if (oxf == NULL)
			return -ENOMEM;
		/* the op's own copies, keeping the links alloc made */
		for (i = 0; i < n; i++, oxf = oxf->next) {
			struct rte_crypto_sym_xform *link = oxf->next;

			*oxf = xf[i];
			oxf->next = link;
		}
		return 0;
	}
	sess = rte_cryptodev_sym_session_create(dev->id, xf, dev->sess_pool);
	if (sess == NULL)
		return rte_errno == ENOMEM ? -ENOMEM :
		       rte_errno == ENOTSUP ? -ENOTSUP : -EINVAL;
	h->sess = sess;
	return rte_crypto_op_attach_sym_session(op, sess) == 0 ? 0 : -EINVAL;
}

bool
ch_sym_session_refused(struct ch_dev *dev, const struct ch_sym_case *c)
{
	struct ch_sym_case probe = *c;
	struct ch_sym_op h;
	int err;

	/* A sessionless op would only come back INVALID_ARGS: ask by session. */
	probe.sessionless = false;
	err = ch_sym_op_build(dev, &probe, &h);
	if (err == 0)
		ch_sym_op_free(dev, &h);
	return err == -ENOTSUP;
}

static void
set_iv_aad(struct rte_crypto_op *op, const struct ch_sym_case *c)
{
	uint8_t *iv = rte_crypto_op_ctod_offset(op, uint8_t *, CH_IV_OFFSET);
	uint8_t *aad = rte_crypto_op_ctod_offset(op, uint8_t *, CH_AAD_OFFSET);
	bool ccm = c->kind == CH_AEAD && c->aead_algo == RTE_CRYPTO_AEAD_AES_CCM;

	/* CCM: byte 0 of the IV and 18 bytes before the AAD are the PMD's */
	memset(iv, 0, CH_IV_ROOM);
	if (c->iv_len != 0)
		memcpy(iv + (ccm ? 1 : 0), c->iv, c->iv_len);
	if (c->auth_iv_len != 0)
		memcpy(rte_crypto_op_ctod_offset(op, uint8_t *, CH_AUTH_IV_OFFSET),
		       c->auth_iv, c->auth_iv_len);
	if (c->kind != CH_AEAD)
		return;
	memset(aad, 0, CH_AAD_ROOM);
	if (c->aad_len != 0)
		memcpy(aad + (ccm ? 18 : 0), c->aad, c->aad_len);
	op->sym->aead.aad.data = aad;
	op->sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(op, CH_AAD_OFFSET);
}

static int
set_digest(struct ch_sym_op *h, const struct ch_sym_case *c)
{
	struct rte_crypto_sym_op *sym = h->op->sym;
	struct rte_mbuf *m = h->src;
	rte_iova_t iova;

	if (c->kind == CH_CIPHER)
		return 0;
	if (case_generates(c) && h->dst != NULL)
		m = h->dst;
	h->digest = chain_tail(m, c->digest_len, &iova);
	if (h->digest == NULL)
		return -ENOMEM;
	if (case_generates(c))
		memset(h->digest, 0, c->digest_len);
	else
		memcpy(h->digest, c->digest, c->digest_len);
	if (c->kind == CH_AEAD) {
		sym->aead.digest.data = h->digest;
		sym->aead.digest.phys_addr = iova;
	} else {
		sym->auth.digest.data = h->digest;
		sym->auth.digest.phys_addr = iova;
	}
	return 0;
}

int
ch_sym_op_build(struct ch_dev *dev, const struct ch_sym_case *c,
		struct ch_sym_op *h)
{
	struct rte_crypto_sym_op *sym;
	int rc = -ENOMEM;

	memset(h, 0, sizeof(*h));
	h->op = rte_crypto_op_alloc(dev->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC);
	if (h->op == NULL)
		return -ENOMEM;
	if (dev->op_iova_unset)
		h->op->phys_addr = 0;
	sym = h->op->sym;
	h->src = chain_build(dev->mbuf_pool, c->in, 0, c->in_len,
			     c->src_cuts, c->nb_src_cuts);
	sym->m_src = h->src;
	if (h->src == NULL)
		goto free;
	if (c->oop && c->kind != CH_AUTH) {
		h->dst = chain_build(dev->mbuf_pool, c->dst_copy ? c->in : NULL,
				     c->dst_fill, c->in_len, c->dst_cuts,
				     c->nb_dst_cuts);
		sym->m_dst = h->dst;
		if (h->dst == NULL)
			goto free;
	}
	rc = set_digest(h, c);
	if (rc != 0)
		goto free;
	set_iv_aad(h->op, c);
	if (c->kind == CH_AEAD) {
		sym->aead.data.offset = c->cipher_off;
		sym->aead.data.length = c->cipher_len;
	} else {
		sym->cipher.data.offset = c->cipher_off;
		sym->cipher.data.length = c->cipher_len;
		sym->auth.data.offset = c->auth_off;
		sym->auth.data.length = c->auth_len;
	}
	rc = attach_xforms(dev, h, c);
	if (rc != 0)
		goto free;
	return 0;

free:
	ch_sym_op_free(dev, h);
	return rc;
}

bool
ch_sym_op_intact(const struct ch_sym_op *h)
{
	return h->op->type == RTE_CRYPTO_OP_TYPE_SYMMETRIC &&
	       h->op->sym->m_src == h->src && h->op->sym->m_dst == h->dst;
}

void
ch_sym_op_output(const struct ch_sym_op *h, const struct ch_sym_case *c,
		 uint8_t *out, uint8_t *digest)
{
	const struct rte_mbuf *m = h->dst != NULL ? h->dst : h->src;
	const void *p;

	if (c->in_len != 0) {
		p = rte_pktmbuf_read(m, 0, c->in_len, out);
		if (p != out)
			memcpy(out, p, c->in_len);
	}
	if (digest != NULL && case_generates(c))
		memcpy(digest, h->digest, c->digest_len);
}

void
ch_sym_op_free(struct ch_dev *dev, struct ch_sym_op *h)
{
	if (h->sess != NULL)
		rte_cryptodev_sym_session_free(dev->id, h->sess);
	rte_pktmbuf_free(h->src);
	rte_pktmbuf_free(h->dst);
	/*
	 * An op the device changed under us says it wrote where it should
	 * not: keep it out of the pool, and run nothing more on the device.
	 */
	if (h->op != NULL && !ch_sym_op_intact(h)) {
		ch_dev_set_broken(dev, "an op came back with its mbufs or type changed");
	} else if (h->op != NULL) {
		rte_crypto_op_free(h->op);
	}
	memset(h, 0, sizeof(*h));
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

void
ch_hex(char *dst, size_t dst_len, const uint8_t *data, uint32_t len, uint32_t max)
{
	size_t off = 0;
	uint32_t i;

	dst[0] = '\0';
	for (i = 0; i < len && i < max && off + 3 < dst_len; i++)
		off += snprintf(dst + off, dst_len - off, "%02x", data[i]);
	if (i < len && off + 4 < dst_len)
		snprintf(dst + off, dst_len - off, "...");
}

bool
ch_compare(const char *what, const uint8_t *got, const uint8_t *want,
	   uint32_t len, char *msg, size_t msg_len)
{
	char g[80], w[80];
	uint32_t i, from;

	for (i = 0; i < len; i++)
		if (got[i] != want[i])
			break;
	if (i == len)
		return true;
	/* from a little before the first difference */
	from = i > 4 ? i - 4 : 0;
	ch_hex(g, sizeof(g), got + from, len - from, 24);
	ch_hex(w, sizeof(w), want + from, len - from, 24);
	snprintf(msg, msg_len, "%s differs at byte %u of %u: from byte %u got %s want %s",
		 what, i, len, from, g, w);
	return false;
}

unsigned int
ch_split_list(char *list, char **items, unsigned int max)
{
	unsigned int n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(list, ",", &save); tok != NULL && n < max;
	     tok = strtok_r(NULL, ",", &save))
		if (*tok != '\0')
			items[n++] = tok;
	return n;
}
