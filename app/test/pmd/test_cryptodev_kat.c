/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Known answers on any crypto device, through the public cryptodev API:
 *
 *   test_cryptodev_kat [EAL] -- --dev NAME [--sessionless] [--oop]
 *       [--segments N] [--qp N] [--require ALG,...] [--only ALG,...]
 *       [--verbose] [--rsa-refusals] [--strict] [--op-iova-unset]
 *
 * Every vector of kat_vectors.h (made at build time from
 * python3-cryptography-vectors) that the device supports runs in both
 * directions: cipher encrypt and decrypt; auth generate, verify, and
 * verify of a corrupted digest (AUTH_FAILED); AEAD encrypt, decrypt and
 * decrypt of a corrupted tag (AUTH_FAILED); AES-CBC + HMAC chains as
 * encrypt-then-generate and verify-then-decrypt. RSA runs the unit test's
 * keys and PKCS#1 answers. What the device does not offer is skipped with
 * the reason; --require names algorithms for which that is a failure.
 * --only runs the vectors of the algorithms named and no other.
 * --strict fails, instead of skipping, a vector whose session the device
 * refuses although its capabilities offer every size in it: our daemon
 * must take every session it offers.
 * --op-iova-unset makes every symmetric op with op->phys_addr 0, as an
 * application keeping its ops outside an op pool does (ipsec-secgw): a
 * device that needs the op's IOVA (its IV) gets wrong answers.
 * --rsa-refusals skips, instead of failing, an RSA operation the device
 * answers INVALID_ARGS: a padding or hash it does not do, which DPDK 22.11's
 * capabilities cannot say (QEMU's builtin backend does no raw RSA), and
 * tries a PKCS#1 encryption that failed with ERROR again, up to 4 times in
 * all (that backend loses one ciphertext in 256).
 *
 * One line per algorithm (PASS, FAIL with the first mismatch, SKIP), then
 * "kat: N passed, M failed, K skipped" counting vectors. Exit 0, 1 on any
 * failure, 77 when the device cannot run the mode asked (sessionless,
 * out-of-place, segments), 2 on a usage error.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "cryptodev_harness.h"
#include "kat_vectors.h"
#include "vc_dpdk_compat.h"
#include "virtio_crypto_algs.h"

#define KAT_TIMEOUT_MS		10000
#define KAT_MAX_CHECKS		3
#define KAT_RSA_ENCRYPT_TRIES	4
#define KAT_MAX_ALGS		64
#define KAT_MAX_REQUIRE		64
#define KAT_EXIT_SKIP		77
#define KAT_EXIT_USAGE		2
#define KAT_RSA_MAX_BYTES	512
/* segment boundaries: a multiple of every block size from the cipher offset */
#define KAT_SEGMENT_ALIGN	16

struct kat_opts {
	const char *dev;
	bool sessionless;
	bool oop;
	unsigned int segments;
	uint16_t nb_qp;
	char *require[KAT_MAX_REQUIRE];
	unsigned int nb_require;
	char *only[KAT_MAX_REQUIRE];
	unsigned int nb_only;
	bool verbose;
	bool rsa_refusals;
	bool strict;
	bool op_iova_unset;
};

/** What one algorithm (or chain) came to. */
struct alg_result {
	char name[48];
	unsigned int passed, failed, skipped;
	char first_fail[2 * CH_MSG_LEN];
	char skip_reason[CH_MSG_LEN];
};

static struct alg_result results[KAT_MAX_ALGS];
static unsigned int nb_results;

/** One operation of a vector and what it must give. */
struct kat_check {
	struct ch_sym_case c;
	const char *what;
	enum rte_crypto_op_status want_status;
	const uint8_t *want_out;	/**< whole output buffer, or NULL */
	const uint8_t *want_digest;	/**< generated digest, or NULL */
	uint8_t digest[CH_MAX_DIGEST];	/**< a verify's input */
};

static struct alg_result *
result_for(const char *name)
{
	unsigned int i;

	for (i = 0; i < nb_results; i++)
		if (strcmp(results[i].name, name) == 0)
			return &results[i];
	if (nb_results == KAT_MAX_ALGS)
		rte_exit(EXIT_FAILURE, "more than %d algorithms\n", KAT_MAX_ALGS);
	snprintf(results[nb_results].name, sizeof(results[0].name), "%s", name);
	return &results[nb_results++];
}

/* Append src to the string in dst, cut to fit. */
static void
msg_append(char *dst, size_t len, const char *src)
{
	size_t used = strnlen(dst, len), n = strlen(src);

	if (used + 1 >= len)
		return;
	n = RTE_MIN(n, len - used - 1);
	memcpy(dst + used, src, n);
	dst[used + n] = '\0';
}

static void
record_fail(struct alg_result *r, const char *id, const char *what, const char *msg)
{
	if (r->failed++ != 0)
		return;
	/* cut to fit: the start of a message says most */
	r->first_fail[0] = '\0';
	msg_append(r->first_fail, sizeof(r->first_fail), id);
	if (*what != '\0') {
		msg_append(r->first_fail, sizeof(r->first_fail), ", ");
		msg_append(r->first_fail, sizeof(r->first_fail), what);
	}
	msg_append(r->first_fail, sizeof(r->first_fail), ": ");
	msg_append(r->first_fail, sizeof(r->first_fail), msg);
}

static void
record_skip(struct alg_result *r, const char *why)
{
	if (r->skipped++ == 0) {
		r->skip_reason[0] = '\0';
		msg_append(r->skip_reason, sizeof(r->skip_reason), why);
	}
}

static const char *
sym_name(enum rte_crypto_sym_xform_type type, int algo)
{
	const struct virtio_crypto_alg *a = virtio_crypto_alg_find_sym(type, algo);

	return a != NULL ? a->name : "unnamed";
}

/* The table's name, or "cipher+auth" for a chain. */
static const char *
vector_name(const struct kat_vector *v, char *buf, size_t len)
{
	switch (v->kind) {
	case KAT_CIPHER:
		return sym_name(RTE_CRYPTO_SYM_XFORM_CIPHER, v->cipher_algo);
	case KAT_AUTH:
		return sym_name(RTE_CRYPTO_SYM_XFORM_AUTH, v->auth_algo);
	case KAT_AEAD:
		return sym_name(RTE_CRYPTO_SYM_XFORM_AEAD, v->aead_algo);
	case KAT_CHAIN:
		snprintf(buf, len, "%s+%s",
			 sym_name(RTE_CRYPTO_SYM_XFORM_CIPHER, v->cipher_algo),
			 sym_name(RTE_CRYPTO_SYM_XFORM_AUTH, v->auth_algo));
		return buf;
	}
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* Symmetric vectors                                                   */
/* ------------------------------------------------------------------ */

/* The case every check of a vector starts from: transform and layout. */
static void
base_case(const struct kat_vector *v, const struct kat_opts *o,
	  struct ch_sym_case *c)
{
	memset(c, 0, sizeof(*c));
	c->cipher_algo = v->cipher_algo;
	c->auth_algo = v->auth_algo;
	c->aead_algo = v->aead_algo;
	if (v->kind == KAT_AUTH) {
		c->auth_key = v->auth_key;
		c->auth_key_len = v->auth_key_len;
	} else {
		c->key = v->key;
		c->key_len = v->key_len;
		c->auth_key = v->auth_key;
		c->auth_key_len = v->auth_key_len;
		c->iv = v->iv;
		c->iv_len = v->iv_len;
	}
	c->aad = v->aad;
	c->aad_len = v->aad_len;
	c->digest_len = v->digest_len;
	c->in_len = v->plain_len;
	c->cipher_off = v->hdr_len;
	c->cipher_len = v->plain_len - v->hdr_len;
	c->auth_off = 0;
	c->auth_len = v->plain_len;
	c->sessionless = o->sessionless;
	c->oop = o->oop;
	/* a chain authenticates its header in the destination too */
	c->dst_copy = v->kind == KAT_CHAIN;
	c->dst_fill = 0xa5;
	/* whole blocks of the cipher region in each segment */
	c->nb_src_cuts = ch_even_cuts(c->in_len, o->segments, c->cipher_off,
				      KAT_SEGMENT_ALIGN, c->src_cuts);
	if (c->oop) {
		c->nb_dst_cuts = c->nb_src_cuts;
		memcpy(c->dst_cuts, c->src_cuts, sizeof(c->dst_cuts));
	}
}

/* A check that verifies a digest which is wrong in its first bit. */
static void
corrupt(struct kat_check *k, const struct kat_check *good)
{
	*k = *good;
	memcpy(k->digest, good->c.digest, good->c.digest_len);
	k->digest[0] ^= 0x01;
	k->c.digest = k->digest;
	k->want_status = RTE_CRYPTO_OP_STATUS_AUTH_FAILED;
	k->want_out = NULL;
	k->what = k->c.kind == CH_AUTH ? "verify (corrupted digest)" :
		  k->c.kind == CH_AEAD ? "decrypt (corrupted tag)" :
		  "verify+decrypt (corrupted digest)";
}

/* The operations that check a vector; returns how many. */
static unsigned int
vector_checks(const struct kat_vector *v, const struct kat_opts *o,
	      struct kat_check k[KAT_MAX_CHECKS])
{
	struct ch_sym_case base;
	unsigned int i;

	base_case(v, o, &base);
	for (i = 0; i < KAT_MAX_CHECKS; i++) {
		memset(&k[i], 0, sizeof(k[i]));
		k[i].c = base;
		k[i].want_status = RTE_CRYPTO_OP_STATUS_SUCCESS;
	}
	switch (v->kind) {
	case KAT_CIPHER:
		k[0].c.kind = k[1].c.kind = CH_CIPHER;
		k[0].what = "encrypt";
		k[0].c.encrypt = true;
		k[0].c.in = v->plain;
		k[0].want_out = v->cipher;
		k[1].what = "decrypt";
		k[1].c.in = v->cipher;
		k[1].want_out = v->plain;
		return 2;
	case KAT_AUTH:
		k[0].c.kind = k[1].c.kind = CH_AUTH;
		k[0].c.in = k[1].c.in = v->plain;
		k[0].what = "generate";
		k[0].c.generate = true;
		k[0].want_digest = v->digest;
		k[1].what = "verify";
		k[1].c.digest = v->digest;
		corrupt(&k[2], &k[1]);
		return 3;
	case KAT_AEAD:
		k[0].c.kind = k[1].c.kind = CH_AEAD;
		k[1].what = "decrypt";
		k[1].c.in = v->cipher;
		k[1].c.digest = v->digest;
		if (!v->valid) {
			/* a published tag that does not match */
			k[0] = k[1];
			k[0].what = "decrypt (wrong tag)";
			k[0].want_status = RTE_CRYPTO_OP_STATUS_AUTH_FAILED;
			return 1;
		}
		k[1].want_out = v->plain;
		k[0].what = "encrypt";
		k[0].c.encrypt = true;
		k[0].c.in = v->plain;
		k[0].want_out = v->cipher;
		k[0].want_digest = v->digest;
		corrupt(&k[2], &k[1]);
		return 3;
	case KAT_CHAIN:
		k[0].c.kind = CH_CIPHER_AUTH;
		k[0].what = "encrypt+generate";
		k[0].c.in = v->plain;
		k[0].want_out = v->cipher;
		k[0].want_digest = v->digest;
		k[1].c.kind = CH_AUTH_CIPHER;
		k[1].what = "verify+decrypt";
		k[1].c.in = v->cipher;
		k[1].c.digest = v->digest;
		k[1].want_out = v->plain;
		corrupt(&k[2], &k[1]);
		return 3;
	}
	return 0;
}

/* Compare one completed op with its check; msg says how it differs. */
static bool
check_op(const struct ch_sym_op *h, const struct kat_check *k,
	 char *msg, size_t msg_len)
{
	static uint8_t out[CH_MAX_DATA];
	const struct rte_crypto_op *op = h->op;
	uint8_t digest[CH_MAX_DIGEST];

	if (!ch_sym_op_intact(h)) {
		snprintf(msg, msg_len, "the op came back with its mbufs changed (status %s)",
			 ch_status_str(op->status));
		return false;
	}
	if (op->status != k->want_status) {
		snprintf(msg, msg_len, "status %s, want %s",
			 ch_status_str(op->status), ch_status_str(k->want_status));
		return false;
	}
	if (k->want_out == NULL && k->want_digest == NULL)
		return true;
	ch_sym_op_output(h, &k->c, out, digest);
	if (k->want_out != NULL &&
	    !ch_compare("output", out, k->want_out, k->c.in_len, msg, msg_len))
		return false;
	if (k->want_digest != NULL &&
	    !ch_compare("digest", digest, k->want_digest, k->c.digest_len, msg, msg_len))
		return false;
	return true;
}

static void
run_vector(struct ch_dev *dev, const struct kat_opts *o,
	   const struct kat_vector *v, uint16_t qp)
{
	struct kat_check k[KAT_MAX_CHECKS];
	struct ch_sym_op h[KAT_MAX_CHECKS];
	struct rte_crypto_op *ops[KAT_MAX_CHECKS];
	char namebuf[64], msg[2 * CH_MSG_LEN];
	struct alg_result *r = result_for(vector_name(v, namebuf, sizeof(namebuf)));
	unsigned int n = vector_checks(v, o, k), i;
	bool ok = true;
	int err = 0;

	if (v->plain_len > CH_MAX_DATA) {
		record_skip(r, "vector longer than the harness's buffers");
		return;
	}
	for (i = 0; i < n; i++) {
		if (!ch_sym_supported(dev, &k[i].c, msg, sizeof(msg))) {
			record_skip(r, msg);
			if (o->verbose)
				printf("  skip %s: %s\n", v->id, msg);
			return;
		}
	}
	for (i = 0; i < n; i++) {
		if (ch_sym_session_refused(dev, &k[i].c)) {
			/*
			 * A virtio device's configuration cannot say every
			 * limit (QEMU's builtin backend has its own): it may
			 * refuse a session its capabilities allow.
			 */
			if (o->strict) {
				record_fail(r, v->id, "session",
					    "refused as not supported, although offered");
				goto free;
			}
			record_skip(r, "the device refused the session as not supported");
			if (o->verbose)
				printf("  skip %s: session refused as not supported\n", v->id);
			goto free;
		}
		err = ch_sym_op_build(dev, &k[i].c, &h[i]);
		ops[i] = h[i].op;
		if (err != 0) {
			snprintf(msg, sizeof(msg), "op not built: %s%s", rte_strerror(-err),
				 err == -EINVAL ? " (session refused)" : "");
			record_fail(r, v->id, k[i].what, msg);
			goto free;
		}
	}
	if (ch_run_ops(dev, qp, ops, n, KAT_TIMEOUT_MS) != 0) {
		record_fail(r, v->id, "burst", "ops did not come back in time");
		return;	/* the device still holds them */
	}
	for (i = 0; i < n; i++) {
		if (!check_op(&h[i], &k[i], msg, sizeof(msg))) {
			record_fail(r, v->id, k[i].what, msg);
			ok = false;
			break;
		}
	}
	if (ok)
		r->passed++;
	if (o->verbose)
		printf("  %s %s\n", ok ? "pass" : "FAIL", v->id);
	i = n;
free:
	while (i-- > 0)
		ch_sym_op_free(dev, &h[i]);
}

/* ------------------------------------------------------------------ */
/* RSA                                                                 */
/* ------------------------------------------------------------------ */

/* A key's integers in rte_malloc memory, which has an IOVA. */
struct rsa_key_mem {
	rte_crypto_uint n, e, d, p, q, dp, dq, qinv;
	void *mem;
};

static int
rsa_key_load(const struct kat_rsa_key *key, struct rsa_key_mem *km)
{
	const struct kat_bytes *src[] = {
		&key->n, &key->e, &key->d, &key->p, &key->q, &key->dp, &key->dq,
		&key->qinv,
	};
	rte_crypto_uint *dst[] = {
		&km->n, &km->e, &km->d, &km->p, &km->q, &km->dp, &km->dq, &km->qinv,
	};
	size_t total = 0, off = 0;
	rte_iova_t iova;
	unsigned int i;

	for (i = 0; i < RTE_DIM(src); i++)
		total += src[i]->len;
	km->mem = rte_zmalloc("kat_rsa_key", total, 0);
	if (km->mem == NULL)
		return -ENOMEM;
	/* one object of at most a few KiB: offsets carry over to its IOVA */
	iova = rte_malloc_virt2iova(km->mem);
	for (i = 0; i < RTE_DIM(src); i++) {
		dst[i]->data = (uint8_t *)km->mem + off;
		dst[i]->iova = iova + off;
		dst[i]->length = src[i]->len;
		memcpy(dst[i]->data, src[i]->data, src[i]->len);
		off += src[i]->len;
	}
	return 0;
}

static void *
rsa_session(struct ch_dev *dev, const struct rsa_key_mem *km,
	    enum rte_crypto_rsa_priv_key_type form,
	    enum rte_crypto_rsa_padding_type pad, int *rc)
{
	struct rte_crypto_asym_xform xf = {
		.xform_type = RTE_CRYPTO_ASYM_XFORM_RSA,
	};
	void *sess = NULL;

	xf.rsa.n = km->n;
	xf.rsa.e = km->e;
	xf.rsa.key_type = form;
	if (form == RTE_RSA_KEY_TYPE_QT) {
		xf.rsa.qt.p = km->p;
		xf.rsa.qt.q = km->q;
		xf.rsa.qt.dP = km->dp;
		xf.rsa.qt.dQ = km->dq;
		xf.rsa.qt.qInv = km->qinv;
	}
	/* before 24.11, d and the quintuple share their storage */
	if (form != RTE_RSA_KEY_TYPE_QT || VC_RSA_XFORM_D_AND_QT)
		xf.rsa.d = km->d;
	vc_rsa_xform_set_pad(&xf, pad);
	*rc = rte_cryptodev_asym_session_create(dev->id, &xf, dev->asym_sess_pool, &sess);
	return *rc == 0 ? sess : NULL;
}

/* One RSA operation; its result in out[0..*out_len). */
struct rsa_io {
	uint8_t *in, *in2, *out;	/* rte_malloc'd, KAT_RSA_MAX_BYTES each */
};

static int
rsa_run(struct ch_dev *dev, void *sess, enum rte_crypto_asym_op_type type,
	enum rte_crypto_rsa_padding_type pad, struct rsa_io *io,
	uint32_t in_len, uint32_t in2_len, uint32_t k,
	enum rte_crypto_op_status *status, uint32_t *out_len)
{
	struct rte_crypto_op *op;
	struct rte_crypto_rsa_op_param *rsa;
	rte_crypto_param in = {
		.data = io->in, .iova = rte_malloc_virt2iova(io->in), .length = in_len,
	};
	rte_crypto_param out = {
		.data = io->out, .iova = rte_malloc_virt2iova(io->out), .length = k,
	};
	rte_crypto_param *produced;
	int rc;

	op = rte_crypto_op_alloc(dev->asym_op_pool, RTE_CRYPTO_OP_TYPE_ASYMMETRIC);
	if (op == NULL)
		return -ENOMEM;
	rsa = &op->asym->rsa;
	memset(rsa, 0, sizeof(*rsa));
	rsa->op_type = type;
	memset(io->out, 0, KAT_RSA_MAX_BYTES);
	switch (type) {
	case RTE_CRYPTO_ASYM_OP_ENCRYPT:
		rsa->message = in;
		rsa->cipher = out;
		produced = &rsa->cipher;
		break;
	case RTE_CRYPTO_ASYM_OP_DECRYPT:
		rsa->cipher = in;
		rsa->message = out;
		produced = &rsa->message;
		break;
	case RTE_CRYPTO_ASYM_OP_SIGN:
		rsa->message = in;
		rsa->sign = out;
		produced = &rsa->sign;
		break;
	default:
		/* verify: the message and the signature (in2) are both input */
		rsa->message = in;
		rsa->sign.data = io->in2;
		rsa->sign.iova = rte_malloc_virt2iova(io->in2);
		rsa->sign.length = in2_len;
		produced = NULL;
		break;
	}
	vc_rsa_op_set_pad(op->asym, pad);
	rte_crypto_op_attach_asym_session(op, sess);
	rc = ch_run_ops(dev, 0, &op, 1, KAT_TIMEOUT_MS);
	if (rc != 0)
		return rc;	/* the device still holds the op */
	*status = op->status;
	*out_len = produced != NULL ? produced->length : 0;
	rte_crypto_op_free(op);
	return 0;
}

/*
 * Results that are numbers (raw RSA, signatures) are k bytes; a device
 * may drop leading zero bytes, so put them back before comparing.
 */
static void
left_pad(uint8_t *buf, uint32_t len, uint32_t k)
{
	if (len >= k)
		return;
	memmove(buf + (k - len), buf, len);
	memset(buf, 0, k - len);
}

struct rsa_ctx {
	struct ch_dev *dev;
	const struct rte_cryptodev_asymmetric_xform_capability *cap;
	struct alg_result *r;
	struct rsa_io io;
	bool verbose;
	bool refusals_skip;	/**< INVALID_ARGS: the device does not do this one */
};

static bool
rsa_optype_ok(struct rsa_ctx *x, enum rte_crypto_asym_op_type type, const char *what)
{
	char msg[CH_MSG_LEN];

	if (rte_cryptodev_asym_xform_capability_check_optype(x->cap, type))
		return true;
	snprintf(msg, sizeof(msg), "RSA %s not offered", what);
	record_skip(x->r, msg);
	return false;
}

/*
 * Run one op and check it. want (wlen bytes) is the exact result, or NULL;
 * number: the result is a k-byte number. Returns whether it passed; the
 * result stays in io.out.
 */
static bool
rsa_check(struct rsa_ctx *x, const char *id, void *sess,
	  enum rte_crypto_asym_op_type type, enum rte_crypto_rsa_padding_type pad,
	  uint32_t in_len, uint32_t in2_len, uint32_t k,
	  enum rte_crypto_op_status want_status, const uint8_t *want,
	  uint32_t wlen, bool number)
{
	enum rte_crypto_op_status st;
	char msg[2 * CH_MSG_LEN];
	uint32_t out_len = 0;
	bool ok = false;

	if (rsa_run(x->dev, sess, type, pad, &x->io, in_len, in2_len, k, &st,
		    &out_len) != 0) {
		snprintf(msg, sizeof(msg), "op did not come back");
	} else if (st == RTE_CRYPTO_OP_STATUS_INVALID_ARGS && x->refusals_skip &&
		   want_status != st) {
		snprintf(msg, sizeof(msg), "%s: the device refused it (INVALID_ARGS)", id);
		record_skip(x->r, msg);
		if (x->verbose)
			printf("  skip %s\n", id);
		return false;
	} else if (st != want_status) {
		snprintf(msg, sizeof(msg), "status %s, want %s", ch_status_str(st),
			 ch_status_str(want_status));
	} else if (want != NULL && number && out_len > k) {
		snprintf(msg, sizeof(msg), "result of %u bytes, modulus %u", out_len, k);
	} else if (want != NULL && !number && out_len != wlen) {
		snprintf(msg, sizeof(msg), "result of %u bytes, want %u", out_len, wlen);
	} else {
		if (number)
			left_pad(x->io.out, out_len, k);
		ok = want == NULL || ch_compare("result", x->io.out, want, wlen,
						msg, sizeof(msg));
	}
	if (ok)
		x->r->passed++;
	else
		record_fail(x->r, id, "", msg);
	if (x->verbose)
		printf("  %s %s\n", ok ? "pass" : "FAIL", id);
	return ok;
}

static void
rsa_sigs(struct rsa_ctx *x, uint32_t bits, void *sess, const char *form)
{
	const struct kat_rsa_sig *s;
	char id[CH_MSG_LEN];
	uint32_t k = bits / 8;
	size_t i;

	RTE_BUILD_BUG_ON(KAT_RSA_MAX_BYTES < 512);
	for (i = 0; i < RTE_DIM(kat_rsa_sigs); i++) {
		s = &kat_rsa_sigs[i];
		if (s->bits != bits)
			continue;
		if (rsa_optype_ok(x, RTE_CRYPTO_ASYM_OP_SIGN, "sign")) {
			snprintf(id, sizeof(id), "RSA-%u %s sign (%s key)", bits, s->what, form);
			memcpy(x->io.in, s->msg, s->msg_len);
			rsa_check(x, id, sess, RTE_CRYPTO_ASYM_OP_SIGN,
				  RTE_CRYPTO_RSA_PADDING_PKCS1_5, s->msg_len, 0, k,
				  RTE_CRYPTO_OP_STATUS_SUCCESS, s->sig, s->sig_len, true);
		}
		if (rsa_optype_ok(x, RTE_CRYPTO_ASYM_OP_VERIFY, "verify")) {
			snprintf(id, sizeof(id), "RSA-%u %s verify", bits, s->what);
			memcpy(x->io.in, s->msg, s->msg_len);
			memcpy(x->io.in2, s->sig, s->sig_len);
			rsa_check(x, id, sess, RTE_CRYPTO_ASYM_OP_VERIFY,
				  RTE_CRYPTO_RSA_PADDING_PKCS1_5, s->msg_len, s->sig_len, k,
				  RTE_CRYPTO_OP_STATUS_SUCCESS, NULL, 0, false);
			snprintf(id, sizeof(id), "RSA-%u %s verify (corrupted signature)",
				 bits, s->what);
			x->io.in2[s->sig_len / 2] ^= 0x01;
			rsa_check(x, id, sess, RTE_CRYPTO_ASYM_OP_VERIFY,
				  RTE_CRYPTO_RSA_PADDING_PKCS1_5, s->msg_len, s->sig_len, k,
				  RTE_CRYPTO_OP_STATUS_ERROR, NULL, 0, false);
			if (ch_dev_quirk(x->dev, CH_QUIRK_RSA_VERIFY_MISMATCH)) {
				snprintf(id, sizeof(id),
					 "verify of another message (known %s defect)",
					 x->dev->driver);
				record_skip(x->r, id);
				continue;
			}
			snprintf(id, sizeof(id), "RSA-%u %s verify (other message)",
				 bits, s->what);
			x->io.in2[s->sig_len / 2] ^= 0x01;
			x->io.in[s->msg_len - 1] ^= 0x01;
			rsa_check(x, id, sess, RTE_CRYPTO_ASYM_OP_VERIFY,
				  RTE_CRYPTO_RSA_PADDING_PKCS1_5, s->msg_len, s->sig_len, k,
				  RTE_CRYPTO_OP_STATUS_ERROR, NULL, 0, false);
		}
	}
}

static void
rsa_crypts(struct rsa_ctx *x, uint32_t bits, void *none, void *pkcs1,
	   const char *form)
{
	static const uint8_t secret[] = "a PKCS#1 v1.5 round trip";
	const struct kat_rsa_crypt *t;
	enum rte_crypto_op_status ok = RTE_CRYPTO_OP_STATUS_SUCCESS;
	char id[CH_MSG_LEN];
	uint32_t k = bits / 8, clen = 0, tries;
	enum rte_crypto_op_status st;
	size_t i;
	int rc;

	for (i = 0; i < RTE_DIM(kat_rsa_crypts); i++) {
		t = &kat_rsa_crypts[i];
		if (t->bits != bits || !rsa_optype_ok(x, t->op,
				t->op == RTE_CRYPTO_ASYM_OP_ENCRYPT ? "encrypt" : "decrypt"))
			continue;
		snprintf(id, sizeof(id), "RSA-%u %s (%s key)", bits, t->what, form);
		if (t->op == RTE_CRYPTO_ASYM_OP_ENCRYPT) {
			/* raw: the plain text is a number, k bytes */
			memset(x->io.in, 0, k);
			memcpy(x->io.in + k - t->plain_len, t->plain, t->plain_len);
			rsa_check(x, id, none, t->op, RTE_CRYPTO_RSA_PADDING_NONE, k, 0, k,
				  ok, t->cipher, t->cipher_len, true);
		} else {
			memcpy(x->io.in, t->cipher, t->cipher_len);
			rsa_check(x, id, t->pkcs1 ? pkcs1 : none, t->op,
				  t->pkcs1 ? RTE_CRYPTO_RSA_PADDING_PKCS1_5 :
					     RTE_CRYPTO_RSA_PADDING_NONE,
				  t->cipher_len, 0, k, ok, t->plain, t->plain_len, !t->pkcs1);
		}
	}

	/* PKCS#1 encryption pads with random bytes: a round trip */
	if (!rsa_optype_ok(x, RTE_CRYPTO_ASYM_OP_ENCRYPT, "encrypt") ||
	    !rsa_optype_ok(x, RTE_CRYPTO_ASYM_OP_DECRYPT, "decrypt"))
		return;
	snprintf(id, sizeof(id), "RSA-%u PKCS#1 v1.5 encrypt (%s key)", bits, form);
	for (tries = 0; ; tries++) {
		memcpy(x->io.in, secret, sizeof(secret));
		rc = rsa_run(x->dev, pkcs1, RTE_CRYPTO_ASYM_OP_ENCRYPT,
			     RTE_CRYPTO_RSA_PADDING_PKCS1_5, &x->io, sizeof(secret), 0, k,
			     &st, &clen);
		/*
		 * QEMU's builtin backend loses one ciphertext in 256 (our PMD
		 * fails it, virtio_crypto_datapath.c): the padding is random,
		 * so another try gives another ciphertext.
		 */
		if (!(rc == 0 && st == RTE_CRYPTO_OP_STATUS_ERROR && x->refusals_skip &&
		      tries < KAT_RSA_ENCRYPT_TRIES - 1))
			break;
		if (x->verbose)
			printf("  again %s: ERROR (QEMU's builtin backend)\n", id);
	}
	if (rc == 0 && st == RTE_CRYPTO_OP_STATUS_INVALID_ARGS && x->refusals_skip) {
		record_skip(x->r, "PKCS#1 v1.5 encrypt: the device refused it (INVALID_ARGS)");
		return;
	}
	if (rc != 0 || st != ok || clen == 0 || clen > k) {
		record_fail(x->r, id, "", "encryption failed");
		return;
	}
	left_pad(x->io.out, clen, k);
	memcpy(x->io.in, x->io.out, k);
	snprintf(id, sizeof(id), "RSA-%u PKCS#1 v1.5 encrypt, decrypt back (%s key)",
		 bits, form);
	rsa_check(x, id, pkcs1, RTE_CRYPTO_ASYM_OP_DECRYPT,
		  RTE_CRYPTO_RSA_PADDING_PKCS1_5, k, 0, k, ok, secret,
		  sizeof(secret), false);
}

static void
run_rsa(struct ch_dev *dev, const struct kat_opts *o)
{
	struct rte_cryptodev_asym_capability_idx idx = {
		.type = RTE_CRYPTO_ASYM_XFORM_RSA,
	};
	static const struct {
		enum rte_crypto_rsa_priv_key_type form;
		uint64_t feature;
		const char *name;
	} forms[] = {
		{ RTE_RSA_KEY_TYPE_QT, RTE_CRYPTODEV_FF_RSA_PRIV_OP_KEY_QT, "CRT" },
		{ RTE_RSA_KEY_TYPE_EXP, RTE_CRYPTODEV_FF_RSA_PRIV_OP_KEY_EXP, "exponent" },
	};
	struct rsa_ctx x = { .dev = dev, .r = result_for("rsa"), .verbose = o->verbose,
			     .refusals_skip = o->rsa_refusals };
	const struct kat_rsa_key *key;
	struct rsa_key_mem km;
	char msg[CH_MSG_LEN];
	unsigned int f;
	size_t i;

	if (!ch_dev_has(dev, RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO)) {
		record_skip(x.r, "no asymmetric crypto");
		return;
	}
	x.cap = rte_cryptodev_asym_capability_get(dev->id, &idx);
	if (x.cap == NULL) {
		record_skip(x.r, "rsa not offered");
		return;
	}
	x.io.in = rte_zmalloc("kat_rsa_in", KAT_RSA_MAX_BYTES, 0);
	x.io.in2 = rte_zmalloc("kat_rsa_in2", KAT_RSA_MAX_BYTES, 0);
	x.io.out = rte_zmalloc("kat_rsa_out", KAT_RSA_MAX_BYTES, 0);
	if (x.io.in == NULL || x.io.in2 == NULL || x.io.out == NULL)
		rte_exit(EXIT_FAILURE, "no memory for RSA buffers\n");

	for (i = 0; i < RTE_DIM(kat_rsa_keys); i++) {
		key = &kat_rsa_keys[i];
		if (rte_cryptodev_asym_xform_capability_check_modlen(x.cap, key->n.len) != 0) {
			snprintf(msg, sizeof(msg), "RSA-%u modulus not offered", key->bits);
			record_skip(x.r, msg);
			continue;
		}
		if (rsa_key_load(key, &km) != 0)
			rte_exit(EXIT_FAILURE, "no memory for an RSA key\n");
		for (f = 0; f < RTE_DIM(forms); f++) {
			void *none, *pkcs1;
			int rc_none = 0, rc_pkcs1 = 0;

			if (!ch_dev_has(dev, forms[f].feature)) {
				snprintf(msg, sizeof(msg), "no %s private keys", forms[f].name);
				record_skip(x.r, msg);
				continue;
			}
			none = rsa_session(dev, &km, forms[f].form, RTE_CRYPTO_RSA_PADDING_NONE,
					   &rc_none);
			pkcs1 = rsa_session(dev, &km, forms[f].form,
					    RTE_CRYPTO_RSA_PADDING_PKCS1_5, &rc_pkcs1);
			if (rc_none == -ENOTSUP || rc_pkcs1 == -ENOTSUP) {
				/* e.g. a key larger than a session message carries */
				snprintf(msg, sizeof(msg), "RSA-%u %s key: session refused as "
					 "not supported", key->bits, forms[f].name);
				record_skip(x.r, msg);
			} else if (none == NULL || pkcs1 == NULL) {
				snprintf(msg, sizeof(msg), "RSA-%u %s key: session refused",
					 key->bits, forms[f].name);
				record_fail(x.r, msg, "", "session refused");
			} else {
				rsa_sigs(&x, key->bits, pkcs1, forms[f].name);
				rsa_crypts(&x, key->bits, none, pkcs1, forms[f].name);
			}
			if (none != NULL)
				rte_cryptodev_asym_session_free(dev->id, none);
			if (pkcs1 != NULL)
				rte_cryptodev_asym_session_free(dev->id, pkcs1);
			if (dev->broken)
				break;
		}
		rte_free(km.mem);
		if (dev->broken)
			break;
	}
	rte_free(x.io.in);
	rte_free(x.io.in2);
	rte_free(x.io.out);
}

/* ------------------------------------------------------------------ */
/* Command line and report                                             */
/* ------------------------------------------------------------------ */

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [EAL options] -- --dev NAME [--sessionless] [--oop]\n"
		"       [--segments N] [--qp N] [--require ALG,...] [--only ALG,...]\n"
		"       [--verbose] [--rsa-refusals] [--strict] [--op-iova-unset]\n"
		"  ALG: a name of the algorithm table (aes-cbc, sha1-hmac, rsa, ...)\n"
		"       or a chain cipher+auth (aes-cbc+sha1-hmac)\n", prog);
}

/* A table name, or two joined by '+'. */
static bool
known_alg(const char *name)
{
	const struct virtio_crypto_alg *a;
	const char *plus = strchr(name, '+');
	char first[48];

	if (plus != NULL) {
		if ((size_t)(plus - name) >= sizeof(first))
			return false;
		snprintf(first, sizeof(first), "%.*s", (int)(plus - name), name);
		return known_alg(first) && known_alg(plus + 1);
	}
	VIRTIO_CRYPTO_ALG_FOREACH(a)
		if (strcmp(a->name, name) == 0)
			return true;
	return false;
}

static int
parse_args(int argc, char **argv, struct kat_opts *o)
{
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--sessionless") == 0) {
			o->sessionless = true;
		} else if (strcmp(a, "--oop") == 0) {
			o->oop = true;
		} else if (strcmp(a, "--verbose") == 0) {
			o->verbose = true;
		} else if (strcmp(a, "--rsa-refusals") == 0) {
			o->rsa_refusals = true;
		} else if (strcmp(a, "--strict") == 0) {
			o->strict = true;
		} else if (strcmp(a, "--op-iova-unset") == 0) {
			o->op_iova_unset = true;
		} else if (val == NULL) {
			return -EINVAL;
		} else if (strcmp(a, "--dev") == 0) {
			o->dev = argv[++i];
		} else if (strcmp(a, "--segments") == 0) {
			o->segments = strtoul(argv[++i], &end, 0);
			if (*end != '\0' || o->segments < 1 || o->segments > CH_MAX_SEGS)
				return -EINVAL;
		} else if (strcmp(a, "--qp") == 0) {
			o->nb_qp = strtoul(argv[++i], &end, 0);
			if (*end != '\0' || o->nb_qp < 1)
				return -EINVAL;
		} else if (strcmp(a, "--require") == 0 || strcmp(a, "--only") == 0) {
			bool req = strcmp(a, "--require") == 0;
			char **list = req ? o->require : o->only;
			unsigned int j, n;

			n = ch_split_list(argv[++i], list, KAT_MAX_REQUIRE);
			for (j = 0; j < n; j++) {
				if (!known_alg(list[j])) {
					fprintf(stderr, "%s: unknown algorithm %s\n", a, list[j]);
					return -EINVAL;
				}
			}
			if (req)
				o->nb_require = n;
			else
				o->nb_only = n;
		} else {
			return -EINVAL;
		}
	}
	return o->dev != NULL ? 0 : -EINVAL;
}

/* Whether --only lets this algorithm's vectors run. */
static bool
selected(const struct kat_opts *o, const char *name)
{
	unsigned int i;

	for (i = 0; i < o->nb_only; i++)
		if (strcmp(o->only[i], name) == 0)
			return true;
	return o->nb_only == 0;
}

/* Can the device run the mode asked at all? */
static bool
mode_supported(const struct ch_dev *dev, const struct kat_opts *o, const char **why)
{
	if (o->sessionless && !ch_dev_has(dev, RTE_CRYPTODEV_FF_SYM_SESSIONLESS)) {
		*why = "no sessionless operations";
		return false;
	}
	if (o->sessionless && ch_dev_quirk(dev, CH_QUIRK_SESSIONLESS)) {
		*why = "sessionless operations (a known defect of this driver)";
		return false;
	}
	if (o->oop && o->segments > 1 &&
	    !ch_dev_has(dev, RTE_CRYPTODEV_FF_OOP_SGL_IN_SGL_OUT)) {
		*why = "no OOP_SGL_IN_SGL_OUT";
		return false;
	}
	if (o->oop && !ch_dev_has(dev, RTE_CRYPTODEV_FF_OOP_LB_IN_LB_OUT)) {
		*why = "no OOP_LB_IN_LB_OUT";
		return false;
	}
	if (!o->oop && o->segments > 1 && !ch_dev_has(dev, RTE_CRYPTODEV_FF_IN_PLACE_SGL)) {
		*why = "no IN_PLACE_SGL";
		return false;
	}
	return true;
}

static unsigned int
report(const struct kat_opts *o, unsigned int *passed, unsigned int *skipped)
{
	unsigned int i, j, failed = 0;

	*passed = *skipped = 0;
	for (i = 0; i < nb_results; i++) {
		const struct alg_result *r = &results[i];

		if (r->failed > 0)
			printf("FAIL %s %u of %u vectors, first: %s", r->name, r->failed,
			       r->failed + r->passed, r->first_fail);
		else if (r->passed > 0)
			printf("PASS %s %u vectors", r->name, r->passed);
		else
			printf("SKIP %s %u vectors: %s", r->name, r->skipped, r->skip_reason);
		if (r->skipped > 0 && r->passed + r->failed > 0)
			printf(" (%u skipped, first: %s)", r->skipped, r->skip_reason);
		printf("\n");
		*passed += r->passed;
		*skipped += r->skipped;
		failed += r->failed;
	}
	for (j = 0; j < o->nb_require; j++) {
		for (i = 0; i < nb_results; i++)
			if (strcmp(results[i].name, o->require[j]) == 0)
				break;
		if (i < nb_results && results[i].passed + results[i].failed > 0)
			continue;
		printf("FAIL required %s: %s\n", o->require[j],
		       i < nb_results ? "every vector skipped" : "no vector");
		failed++;
	}
	return failed;
}

int
main(int argc, char **argv)
{
	struct kat_opts o = { .segments = 1, .nb_qp = 1 };
	unsigned int passed, failed, skipped;
	struct ch_dev dev;
	const char *why;
	size_t i;
	int ret;

	ch_eal_init(&argc, &argv);
	if (parse_args(argc, argv, &o) != 0) {
		usage(argv[0]);
		rte_eal_cleanup();
		return KAT_EXIT_USAGE;
	}
	ret = ch_dev_setup(&dev, o.dev, o.nb_qp);
	if (ret != 0) {
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}
	dev.op_iova_unset = o.op_iova_unset;
	printf("kat: %s (driver %s), %s, %s, %u segment%s, %u queue pair%s, "
	       "%zu symmetric vectors%s\n", dev.name, dev.driver,
	       o.sessionless ? "sessionless" : "sessions",
	       o.oop ? "out-of-place" : "in-place", o.segments,
	       o.segments > 1 ? "s" : "", o.nb_qp, o.nb_qp > 1 ? "s" : "",
	       RTE_DIM(kat_vectors),
	       KAT_VECTORS_FROM_PACKAGE ? "" :
	       " (python3-cryptography-vectors was not installed at build time)");

	if (!mode_supported(&dev, &o, &why)) {
		printf("SKIP all: %s\n", why);
		printf("kat: 0 passed, 0 failed, %zu skipped\n", RTE_DIM(kat_vectors));
		ch_dev_close(&dev);
		rte_eal_cleanup();
		return KAT_EXIT_SKIP;
	}

	for (i = 0; i < RTE_DIM(kat_vectors) && !dev.broken; i++) {
		char name[64];

		if (selected(&o, vector_name(&kat_vectors[i], name, sizeof(name))))
			run_vector(&dev, &o, &kat_vectors[i], i % o.nb_qp);
	}
	/* RSA: sessions carry a private key, sessionless is not asked for */
	if (!dev.broken && selected(&o, "rsa"))
		run_rsa(&dev, &o);

	failed = report(&o, &passed, &skipped);
	if (dev.broken) {
		printf("FAIL %s: %s; the rest did not run\n", dev.name, dev.broken_why);
		failed++;
	}
	printf("kat: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
	ch_dev_close(&dev);
	rte_eal_cleanup();
	return failed > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
