/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Differential test of a crypto device against a reference device, through
 * the public cryptodev API:
 *
 *   test_cryptodev_diff [EAL] -- --dev NAME --ref NAME [--ops N] [--seed S]
 *       [--sessionless] [--qp N] [--burst B] [--max-len L] [--max-segs K]
 *       [--any-cuts] [--verbose]
 *
 * Each test case draws an algorithm both devices offer (cipher, hash or
 * MAC, AEAD, or a cipher + auth chain), a key, IV, AAD and digest size
 * both take, a buffer with the cipher and auth regions at random offsets
 * in it, a segmentation (1..K segments) and in-place or out-of-place. The
 * forward op (encrypt, generate, encrypt+generate) runs on both devices;
 * then the reverse ops are built from the reference's result: decrypt,
 * verify or verify+decrypt with its digest (SUCCESS on both, and the
 * plaintext back) and with that digest corrupted (AUTH_FAILED on both).
 * Statuses, output bytes and digests must be identical. Out of place,
 * only the cipher region of the destination is compared, as DPDK leaves
 * the rest to the device.
 *
 * Segment boundaries fall on 16-byte blocks of the cipher region unless
 * --any-cuts (crypto_openssl garbles a block split across segments).
 * Everything is drawn from one generator seeded by --seed, so a run is
 * repeated exactly. Batches of --burst cases go to the devices at once.
 *
 * Prints "diff: N ops, M mismatches", the first mismatch in detail and a
 * count per algorithm. Exit 0, 1 on a mismatch, 2 on a usage error, 77
 * when the two devices have no algorithm in common.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "cryptodev_harness.h"
#include "virtio_crypto_algs.h"

#define DIFF_TIMEOUT_MS		10000
#define DIFF_MAX_BURST		64
#define DIFF_MAX_ALGS		64
#define DIFF_MAX_KINDS		(2 * DIFF_MAX_ALGS + DIFF_MAX_ALGS * 4)
#define DIFF_MAX_PAD		32	/* bytes around the regions */
#define DIFF_TRIES		64	/* draws of sizes a kind gets */
#define DIFF_CUT_ALIGN		16
#define DIFF_EXIT_SKIP		77
#define DIFF_EXIT_USAGE		2

struct diff_opts {
	const char *dev, *ref;
	uint64_t ops;
	uint64_t seed;
	bool sessionless;
	uint16_t nb_qp;
	unsigned int burst;
	uint32_t max_len;
	unsigned int max_segs;
	bool any_cuts;
	bool verbose;
};

/* ------------------------------------------------------------------ */
/* Deterministic random numbers (splitmix64)                           */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint32_t
rng_range(uint32_t lo, uint32_t hi)
{
	return hi <= lo ? lo : lo + (uint32_t)(rng() % ((uint64_t)hi - lo + 1));
}

static void
rng_bytes(uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

/* A value of a capability-style range, or of a few likely ones. */
static uint16_t
rng_param(const struct rte_crypto_param_range *r)
{
	uint32_t steps;

	if (r->increment == 0 || r->max <= r->min)
		return r->min;
	steps = (r->max - r->min) / r->increment;
	return r->min + r->increment * rng_range(0, steps);
}

/* ------------------------------------------------------------------ */
/* What is tested: kinds of case                                       */
/* ------------------------------------------------------------------ */

/** One thing a case can be: an algorithm, or a chain of two. */
struct diff_kind {
	enum ch_sym_kind kind;		/* CH_CIPHER, CH_AUTH, CH_AEAD, CH_CIPHER_AUTH */
	const struct virtio_crypto_alg *alg;	/* cipher, auth or AEAD */
	const struct virtio_crypto_alg *auth;	/* chains: the auth half */
	char name[48];
	uint64_t ops, mismatches;
};

static struct diff_kind kinds[DIFF_MAX_KINDS];
static unsigned int nb_kinds;

/* Bit-oriented and data-unit algorithms: lengths mean other things there. */
static bool
excluded(const struct virtio_crypto_alg *a)
{
	static const char *const names[] = {
		"kasumi-f8", "snow3g-uea2", "zuc-eea3", "kasumi-f9",
		"snow3g-uia2", "zuc-eia3", "aes-xts", "aes-f8",
		"shake-128", "shake-256",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(names); i++)
		if (strcmp(a->name, names[i]) == 0)
			return true;
	return a->rte_algo == -1;
}

/* ECB and CBC take whole blocks only. */
static bool
needs_blocks(const struct virtio_crypto_alg *a)
{
	size_t n = strlen(a->name);

	return n > 4 && (strcmp(a->name + n - 4, "-ecb") == 0 ||
			 strcmp(a->name + n - 4, "-cbc") == 0);
}

/* ------------------------------------------------------------------ */
/* Cases                                                               */
/* ------------------------------------------------------------------ */

/** A drawn case: its parameters and its buffers. */
struct diff_case {
	struct diff_kind *k;
	struct ch_sym_case c;		/* the forward op */
	uint8_t key[64], auth_key[160], iv[CH_MAX_IV], auth_iv[CH_MAX_IV];
	uint8_t aad[CH_MAX_AAD];
	uint8_t in[CH_MAX_DATA];
	/* results of the forward op on each device */
	uint8_t out[2][CH_MAX_DATA];
	uint8_t digest[2][CH_MAX_DIGEST];
	enum rte_crypto_op_status status[2];
	bool built;
};

static struct diff_case cases[DIFF_MAX_BURST];

/* Random cuts (aligned to the cipher blocks unless any_cuts). */
static uint8_t
random_cuts(uint32_t len, uint32_t base, const struct diff_opts *o, uint32_t *cuts)
{
	unsigned int want = rng_range(1, o->max_segs) - 1, i, j;
	uint32_t align = o->any_cuts ? 1 : DIFF_CUT_ALIGN, cut;
	uint8_t nb = 0;

	for (i = 0; i < want && len > 1; i++) {
		cut = rng_range(1, len - 1);
		if (align > 1 && cut > base)
			cut = base + (cut - base) / align * align;
		if (cut == 0 || cut >= len)
			continue;
		/* insert sorted, no duplicates */
		for (j = 0; j < nb && cuts[j] < cut; j++)
			;
		if (j < nb && cuts[j] == cut)
			continue;
		memmove(&cuts[j + 1], &cuts[j], (nb - j) * sizeof(cuts[0]));
		cuts[j] = cut;
		nb++;
	}
	return nb;
}

/* A data length: often short, sometimes up to the maximum. */
static uint32_t
random_len(uint32_t min, uint32_t max, uint32_t unit)
{
	uint32_t len;

	switch (rng_range(0, 3)) {
	case 0:
		len = rng_range(min, RTE_MIN(max, min + 2 * unit));
		break;
	case 1:
		len = rng_range(min, RTE_MIN(max, 256u));
		break;
	default:
		len = rng_range(min, max);
		break;
	}
	len = len / unit * unit;
	return RTE_MAX(len, min);
}

/* Draw sizes and layout for a case of kind k; the caller checks support. */
static void
draw(struct diff_case *dc, struct diff_kind *k, const struct diff_opts *o,
     bool layout)
{
	struct ch_sym_case *c = &dc->c;
	const struct virtio_crypto_alg *a = k->alg;
	const struct virtio_crypto_alg *au = k->kind == CH_AUTH ? a : k->auth;
	uint32_t unit = 1, min = 0, pre, post, data;

	memset(c, 0, sizeof(*c));
	dc->k = k;
	c->kind = k->kind;
	c->sessionless = o->sessionless;
	c->encrypt = c->generate = true;
	if (k->kind != CH_AUTH) {
		c->key_len = rng_param(&a->key_size);
		c->iv_len = rng_param(&a->iv_size);
		c->key = dc->key;
		c->iv = dc->iv;
		rng_bytes(dc->key, c->key_len);
		rng_bytes(dc->iv, c->iv_len);
	}
	if (au != NULL) {
		/* HMAC keys: up to two blocks, so both hashed and padded keys */
		c->auth_key_len = au->service == VIRTIO_CRYPTO_SERVICE_HASH ? 0 :
			au->key_size.max > 2 * au->block_size ?
			rng_range(1, 2 * au->block_size) : rng_param(&au->key_size);
		c->auth_key = dc->auth_key;
		rng_bytes(dc->auth_key, c->auth_key_len);
		c->auth_iv_len = rng_param(&au->iv_size);
		c->auth_iv = dc->auth_iv;
		rng_bytes(dc->auth_iv, c->auth_iv_len);
		/* the full digest half the time, else a truncated one */
		c->digest_len = rng_range(0, 1) ? au->digest_size.max :
				rng_param(&au->digest_size);
	}
	switch (k->kind) {
	case CH_CIPHER:
		c->cipher_algo = a->rte_algo;
		min = 1;
		break;
	case CH_AUTH:
		c->auth_algo = a->rte_algo;
		break;
	case CH_AEAD:
		c->aead_algo = a->rte_algo;
		c->digest_len = rng_range(0, 1) ? a->digest_size.max :
				rng_param(&a->digest_size);
		c->aad_len = rng_range(0, 3) == 0 ? 0 :
			     rng_range(0, RTE_MIN(a->aad_size.max, (uint16_t)64));
		c->aad = dc->aad;
		rng_bytes(dc->aad, c->aad_len);
		break;
	default:
		c->cipher_algo = a->rte_algo;
		c->auth_algo = au->rte_algo;
		min = 1;
		break;
	}
	if (k->kind != CH_AUTH && needs_blocks(a)) {
		unit = a->block_size;
		min = unit;
	}

	pre = layout && rng_range(0, 1) ? rng_range(0, DIFF_MAX_PAD) : 0;
	post = layout && rng_range(0, 1) ? rng_range(0, DIFF_MAX_PAD) : 0;
	data = random_len(min, o->max_len, unit);
	c->in_len = pre + data + post;
	c->in = dc->in;
	rng_bytes(dc->in, c->in_len);
	c->cipher_off = pre;
	c->cipher_len = data;
	c->auth_off = pre;
	c->auth_len = data;
	if (k->kind == CH_CIPHER_AUTH) {
		/* authenticated: the ciphertext and some bytes either side */
		c->auth_off = rng_range(0, pre);
		c->auth_len = rng_range(pre + data, c->in_len) - c->auth_off;
	}
	if (!layout)
		return;
	c->nb_src_cuts = random_cuts(c->in_len, c->cipher_off, o, c->src_cuts);
	c->oop = k->kind != CH_AUTH && rng_range(0, 1);
	if (c->oop) {
		c->nb_dst_cuts = random_cuts(c->in_len, c->cipher_off, o, c->dst_cuts);
		/*
		 * DPDK has the device copy the authenticated bytes around
		 * the cipher region to the destination; crypto_openssl never
		 * does, crypto_aesni_mb not on verify+decrypt. A destination
		 * that starts as a copy makes that moot.
		 */
		c->dst_copy = k->kind == CH_CIPHER_AUTH;
		c->dst_fill = (uint8_t)rng();
	}
}

static bool
both_support(struct ch_dev *dev, struct ch_dev *ref, const struct ch_sym_case *c,
	     char *why, size_t why_len)
{
	if (!ch_sym_supported(dev, c, why, why_len) || !ch_sym_supported(ref, c, why, why_len))
		return false;
	if (ch_sym_session_refused(dev, c) || ch_sym_session_refused(ref, c)) {
		snprintf(why, why_len, "session refused as not supported");
		return false;
	}
	return true;
}

/* The reverse op of a case needs support too (e.g. verify). */
static void reverse_case(const struct diff_case *dc, bool bad, struct ch_sym_case *r,
			 uint8_t *in, uint8_t *digest);

/* Draw a case of kind k both devices run, forward and reverse. */
static bool
draw_supported(struct diff_case *dc, struct diff_kind *k, struct ch_dev *dev,
	       struct ch_dev *ref, const struct diff_opts *o, char *why,
	       size_t why_len)
{
	static uint8_t rin[CH_MAX_DATA];
	uint8_t rdigest[CH_MAX_DIGEST];
	struct ch_sym_case r;
	unsigned int t;

	for (t = 0; t < DIFF_TRIES; t++) {
		/* the last tries without segments and offsets */
		draw(dc, k, o, t < DIFF_TRIES / 2);
		if (!both_support(dev, ref, &dc->c, why, why_len))
			continue;
		reverse_case(dc, false, &r, rin, rdigest);
		if (both_support(dev, ref, &r, why, why_len))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

struct diff_run {
	struct ch_dev *devs[2];		/* 0: the device, 1: the reference */
	const struct diff_opts *o;
	uint64_t ops, mismatches;
	char first[1024];
};

static const char *
kind_dir(const struct ch_sym_case *c)
{
	switch (c->kind) {
	case CH_CIPHER:
		return c->encrypt ? "encrypt" : "decrypt";
	case CH_AUTH:
		return c->generate ? "generate" : "verify";
	case CH_AEAD:
		return c->encrypt ? "encrypt" : "decrypt";
	case CH_CIPHER_AUTH:
		return "encrypt+generate";
	case CH_AUTH_CIPHER:
		return "verify+decrypt";
	}
	return "?";
}

static void
mismatch(struct diff_run *run, struct diff_kind *k, const struct ch_sym_case *c,
	 uint64_t case_no, const char *what)
{
	k->mismatches++;
	if (run->o->verbose && k->mismatches == 1)
		printf("  first %s mismatch: case %" PRIu64 " %s: %s (%u+%u segments, %s, "
		       "cipher %u+%u of %u, auth %u+%u, digest %u)\n", k->name, case_no,
		       kind_dir(c), what, c->nb_src_cuts + 1, c->oop ? c->nb_dst_cuts + 1 : 0,
		       c->oop ? "oop" : "in place", c->cipher_off, c->cipher_len,
		       c->in_len, c->auth_off, c->auth_len, c->digest_len);
	if (run->mismatches++ != 0)
		return;
	snprintf(run->first, sizeof(run->first),
		 "case %" PRIu64 " %s %s: %s\n"
		 "  key %u, auth key %u, iv %u, auth iv %u, aad %u, digest %u; "
		 "buffer %u: cipher %u+%u, auth %u+%u; %u+%u segments, %s%s",
		 case_no, k->name, kind_dir(c), what, c->key_len, c->auth_key_len,
		 c->iv_len, c->auth_iv_len, c->aad_len, c->digest_len, c->in_len,
		 c->cipher_off, c->cipher_len, c->auth_off, c->auth_len,
		 c->nb_src_cuts + 1, c->oop ? c->nb_dst_cuts + 1 : 0,
		 c->oop ? "out-of-place" : "in-place",
		 c->sessionless ? ", sessionless" : "");
}

/*
 * What a device produced that is compared: the whole buffer in place; out
 * of place the cipher region and the authenticated bytes around it (which
 * DPDK has the device copy from the source), the rest of the destination
 * being the device's.
 */
static void
compared_span(const struct ch_sym_case *c, uint32_t *off, uint32_t *len)
{
	if (!c->oop) {
		*off = 0;
		*len = c->in_len;
	} else if (c->kind == CH_CIPHER_AUTH || c->kind == CH_AUTH_CIPHER) {
		*off = c->auth_off;
		*len = c->auth_len;
	} else {
		*off = c->cipher_off;
		*len = c->cipher_len;
	}
}

static bool
generates(const struct ch_sym_case *c)
{
	return (c->kind == CH_AUTH && c->generate) ||
	       (c->kind == CH_AEAD && c->encrypt) || c->kind == CH_CIPHER_AUTH;
}

/*
 * Run the cases' ops (one per case, given by ch) on both devices; fill
 * out/digest/status per device. Returns false if a device broke.
 */
static bool
run_both(struct diff_run *run, struct ch_sym_case *const *ch, unsigned int n,
	 uint16_t qp, uint8_t (*out)[2][CH_MAX_DATA],
	 uint8_t (*digest)[2][CH_MAX_DIGEST],
	 enum rte_crypto_op_status (*status)[2], bool *built)
{
	static struct ch_sym_op h[2][DIFF_MAX_BURST];
	struct rte_crypto_op *ops[DIFF_MAX_BURST];
	unsigned int d, i, nb;
	int rc;

	for (i = 0; i < n; i++)
		built[i] = ch[i] != NULL;
	for (d = 0; d < 2; d++) {
		struct ch_dev *dev = run->devs[d];

		for (i = 0, nb = 0; i < n; i++) {
			if (!built[i])
				continue;
			rc = ch_sym_op_build(dev, ch[i], &h[d][i]);
			if (rc != 0) {
				fprintf(stderr, "%s: op not built: %s\n", dev->name,
					rte_strerror(-rc));
				ch_dev_set_broken(dev, "an op could not be built");
				return false;
			}
			ops[nb++] = h[d][i].op;
		}
		if (ch_run_ops(dev, qp, ops, nb, DIFF_TIMEOUT_MS) != 0)
			return false;
		for (i = 0; i < n; i++) {
			if (!built[i])
				continue;
			if (!ch_sym_op_intact(&h[d][i])) {
				ch_sym_op_free(dev, &h[d][i]);
				return false;
			}
			status[i][d] = h[d][i].op->status;
			ch_sym_op_output(&h[d][i], ch[i], out[i][d], digest[i][d]);
			ch_sym_op_free(dev, &h[d][i]);
		}
	}
	return true;
}

/* Compare the two devices' results of one op; returns the mismatch. */
static const char *
compare(const struct ch_sym_case *c, enum rte_crypto_op_status want,
	const enum rte_crypto_op_status st[2], uint8_t out[2][CH_MAX_DATA],
	uint8_t digest[2][CH_MAX_DIGEST], const uint8_t *plain,
	char *msg, size_t msg_len)
{
	uint32_t off, len;
	unsigned int d;

	if (st[0] != st[1] || (want != RTE_CRYPTO_OP_STATUS_NOT_PROCESSED && st[0] != want)) {
		snprintf(msg, msg_len, "status %s on the device, %s on the reference%s%s",
			 ch_status_str(st[0]), ch_status_str(st[1]),
			 want != RTE_CRYPTO_OP_STATUS_NOT_PROCESSED ? ", want " : "",
			 want != RTE_CRYPTO_OP_STATUS_NOT_PROCESSED ? ch_status_str(want) : "");
		return msg;
	}
	if (st[0] != RTE_CRYPTO_OP_STATUS_SUCCESS)
		return NULL;
	/* bytes authenticated but not ciphered: as they were, on both */
	if (c->kind == CH_CIPHER_AUTH || c->kind == CH_AUTH_CIPHER) {
		for (d = 0; d < 2; d++) {
			if (!ch_compare(d == 0 ? "authenticated header (device vs source)" :
					"authenticated header (reference vs source)",
					out[d] + c->auth_off, c->in + c->auth_off,
					c->cipher_off - c->auth_off, msg, msg_len) ||
			    !ch_compare(d == 0 ? "authenticated trailer (device vs source)" :
					"authenticated trailer (reference vs source)",
					out[d] + c->cipher_off + c->cipher_len,
					c->in + c->cipher_off + c->cipher_len,
					c->auth_off + c->auth_len - c->cipher_off - c->cipher_len,
					msg, msg_len))
				return msg;
		}
	}
	compared_span(c, &off, &len);
	if (!ch_compare("output (device vs reference)", out[0] + off, out[1] + off,
			len, msg, msg_len))
		return msg;
	if (generates(c) && !ch_compare("digest (device vs reference)", digest[0],
					digest[1], c->digest_len, msg, msg_len))
		return msg;
	/* a reverse op must give the forward op's input back */
	if (plain != NULL && c->kind != CH_AUTH &&
	    !ch_compare("decrypted text (device vs original)", out[0] + c->cipher_off,
			plain + c->cipher_off, c->cipher_len, msg, msg_len))
		return msg;
	return NULL;
}

static void
reverse_case(const struct diff_case *dc, bool bad, struct ch_sym_case *r,
	     uint8_t *in, uint8_t *digest)
{
	const struct ch_sym_case *c = &dc->c;

	*r = *c;
	r->encrypt = r->generate = false;
	if (c->kind == CH_CIPHER_AUTH)
		r->kind = CH_AUTH_CIPHER;
	/* the reference's ciphertext in the original buffer */
	memcpy(in, c->in, c->in_len);
	if (c->kind != CH_AUTH)
		memcpy(in + c->cipher_off, dc->out[1] + c->cipher_off, c->cipher_len);
	r->in = in;
	memcpy(digest, dc->digest[1], c->digest_len);
	if (bad && c->digest_len > 0)
		digest[c->digest_len - 1] ^= 0x80;
	r->digest = digest;
	r->dst_copy = r->oop && r->kind == CH_AUTH_CIPHER;
}

static void
run_batch(struct diff_run *run, unsigned int n, uint64_t first_case, uint16_t qp)
{
	/* reverse ops: good digest and corrupted digest */
	static uint8_t rin[DIFF_MAX_BURST][CH_MAX_DATA];
	static uint8_t rdig[2][DIFF_MAX_BURST][CH_MAX_DIGEST];
	static uint8_t rout[DIFF_MAX_BURST][2][CH_MAX_DATA];
	static uint8_t rdout[DIFF_MAX_BURST][2][CH_MAX_DIGEST];
	static struct ch_sym_case rc[DIFF_MAX_BURST];
	enum rte_crypto_op_status rst[DIFF_MAX_BURST][2];
	/* forward results, kept in the cases for the reverse ops */
	static uint8_t fo[DIFF_MAX_BURST][2][CH_MAX_DATA];
	static uint8_t fd[DIFF_MAX_BURST][2][CH_MAX_DIGEST];
	enum rte_crypto_op_status fst[DIFF_MAX_BURST][2];
	struct ch_sym_case *ch[DIFF_MAX_BURST] = { NULL };
	bool built[DIFF_MAX_BURST];
	char msg[512];
	const char *bad;
	unsigned int i, pass;

	for (i = 0; i < n; i++)
		ch[i] = &cases[i].c;
	if (!run_both(run, ch, n, qp, fo, fd, fst, built))
		return;
	for (i = 0; i < n; i++) {
		struct diff_case *dc = &cases[i];

		memcpy(dc->out[0], fo[i][0], dc->c.in_len);
		memcpy(dc->out[1], fo[i][1], dc->c.in_len);
		memcpy(dc->digest[0], fd[i][0], CH_MAX_DIGEST);
		memcpy(dc->digest[1], fd[i][1], CH_MAX_DIGEST);
		dc->status[0] = fst[i][0];
		dc->status[1] = fst[i][1];
		dc->k->ops++;
		run->ops++;
		bad = compare(&dc->c, RTE_CRYPTO_OP_STATUS_SUCCESS, fst[i], fo[i], fd[i],
			      NULL, msg, sizeof(msg));
		dc->built = bad == NULL;
		if (bad != NULL)
			mismatch(run, dc->k, &dc->c, first_case + i, bad);
	}

	/* reverse, from the reference's results: good digest, then bad */
	for (pass = 0; pass < 2; pass++) {
		enum rte_crypto_op_status want = pass == 0 ?
			RTE_CRYPTO_OP_STATUS_SUCCESS : RTE_CRYPTO_OP_STATUS_AUTH_FAILED;

		for (i = 0; i < n; i++) {
			struct diff_case *dc = &cases[i];
			bool has_digest = dc->c.kind != CH_CIPHER;

			ch[i] = NULL;
			if (!dc->built || (pass == 1 && !has_digest))
				continue;
			reverse_case(dc, pass == 1, &rc[i], rin[i], rdig[pass][i]);
			ch[i] = &rc[i];
		}
		if (!run_both(run, ch, n, qp, rout, rdout, rst, built))
			return;
		for (i = 0; i < n; i++) {
			if (!built[i])
				continue;
			cases[i].k->ops++;
			run->ops++;
			bad = compare(&rc[i], want, rst[i], rout[i], rdout[i],
				      pass == 0 ? cases[i].c.in : NULL, msg, sizeof(msg));
			if (bad != NULL)
				mismatch(run, cases[i].k, &rc[i], first_case + i, bad);
		}
	}
}

/* A case that must be the only op of its burst on one of the devices. */
static bool
case_solo(const struct diff_case *dc, const struct diff_run *run)
{
	switch (dc->c.kind) {
	case CH_CIPHER:
	case CH_CIPHER_AUTH:
		break;
	default:
		return false;
	}
	switch (dc->c.cipher_algo) {
	case RTE_CRYPTO_CIPHER_DES_CBC:
	case RTE_CRYPTO_CIPHER_3DES_CBC:
	case RTE_CRYPTO_CIPHER_3DES_ECB:
	case RTE_CRYPTO_CIPHER_3DES_CTR:
		return ch_dev_quirk(run->devs[0], CH_QUIRK_DES_BURST) ||
		       ch_dev_quirk(run->devs[1], CH_QUIRK_DES_BURST);
	default:
		return false;
	}
}

/* ------------------------------------------------------------------ */
/* Setup and command line                                              */
/* ------------------------------------------------------------------ */

static void
add_kind(enum ch_sym_kind kind, const struct virtio_crypto_alg *a,
	 const struct virtio_crypto_alg *auth)
{
	struct diff_kind *k;

	if (nb_kinds == DIFF_MAX_KINDS)
		return;
	k = &kinds[nb_kinds++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->alg = a;
	k->auth = auth;
	if (auth != NULL)
		snprintf(k->name, sizeof(k->name), "%s+%s", a->name, auth->name);
	else
		snprintf(k->name, sizeof(k->name), "%s", a->name);
}

/*
 * Every kind both devices run: each algorithm, and each cipher with each
 * MAC as a chain. Kinds are tried with a seed of their own, so the list
 * does not depend on --seed.
 */
static void
find_kinds(struct ch_dev *dev, struct ch_dev *ref, const struct diff_opts *o)
{
	const struct virtio_crypto_alg *a, *b;
	struct diff_kind cand[DIFF_MAX_KINDS];
	unsigned int nb_cand, i;
	char why[CH_MSG_LEN];

	nb_kinds = 0;
	VIRTIO_CRYPTO_ALG_FOREACH(a) {
		if (excluded(a))
			continue;
		switch (a->service) {
		case VIRTIO_CRYPTO_SERVICE_CIPHER:
			add_kind(CH_CIPHER, a, NULL);
			VIRTIO_CRYPTO_ALG_FOREACH(b)
				if (b->service == VIRTIO_CRYPTO_SERVICE_MAC && !excluded(b) &&
				    b->iv_size.max == 0)
					add_kind(CH_CIPHER_AUTH, a, b);
			break;
		case VIRTIO_CRYPTO_SERVICE_HASH:
		case VIRTIO_CRYPTO_SERVICE_MAC:
			add_kind(CH_AUTH, a, NULL);
			break;
		case VIRTIO_CRYPTO_SERVICE_AEAD:
			add_kind(CH_AEAD, a, NULL);
			break;
		default:
			break;
		}
	}
	nb_cand = nb_kinds;
	memcpy(cand, kinds, sizeof(cand[0]) * nb_cand);
	nb_kinds = 0;
	for (i = 0; i < nb_cand; i++) {
		rng_state = i;
		if (draw_supported(&cases[0], &cand[i], dev, ref, o, why, sizeof(why))) {
			kinds[nb_kinds++] = cand[i];
		} else if (o->verbose) {
			printf("  not both: %s (%s)\n", cand[i].name, why);
		}
	}
}

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [EAL options] -- --dev NAME --ref NAME [--ops N] [--seed S]\n"
		"       [--sessionless] [--qp N] [--burst B] [--max-len L] [--max-segs K]\n"
		"       [--any-cuts] [--verbose]\n", prog);
}

static int
parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	return *end == '\0' && *v >= min && *v <= max ? 0 : -EINVAL;
}

static int
parse_args(int argc, char **argv, struct diff_opts *o)
{
	uint64_t v;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--sessionless") == 0) {
			o->sessionless = true;
			continue;
		}
		if (strcmp(a, "--any-cuts") == 0) {
			o->any_cuts = true;
			continue;
		}
		if (strcmp(a, "--verbose") == 0) {
			o->verbose = true;
			continue;
		}
		if (i + 1 >= argc)
			return -EINVAL;
		if (strcmp(a, "--dev") == 0)
			o->dev = argv[++i];
		else if (strcmp(a, "--ref") == 0)
			o->ref = argv[++i];
		else if (strcmp(a, "--ops") == 0 && parse_num(argv[++i], 1, UINT32_MAX, &v) == 0)
			o->ops = v;
		else if (strcmp(a, "--seed") == 0 && parse_num(argv[++i], 0, UINT64_MAX, &v) == 0)
			o->seed = v;
		else if (strcmp(a, "--qp") == 0 && parse_num(argv[++i], 1, 64, &v) == 0)
			o->nb_qp = v;
		else if (strcmp(a, "--burst") == 0 &&
			 parse_num(argv[++i], 1, DIFF_MAX_BURST, &v) == 0)
			o->burst = v;
		else if (strcmp(a, "--max-len") == 0 &&
			 parse_num(argv[++i], 16, CH_MAX_DATA - 2 * DIFF_MAX_PAD, &v) == 0)
			o->max_len = v;
		else if (strcmp(a, "--max-segs") == 0 &&
			 parse_num(argv[++i], 1, CH_MAX_SEGS, &v) == 0)
			o->max_segs = v;
		else
			return -EINVAL;
	}
	return o->dev != NULL && o->ref != NULL ? 0 : -EINVAL;
}

int
main(int argc, char **argv)
{
	struct diff_opts o = {
		.ops = 2000, .seed = 1, .nb_qp = 1, .burst = 32, .max_len = 2048,
		.max_segs = 4,
	};
	struct ch_dev dev, ref;
	struct diff_run run = { .o = &o };
	char why[CH_MSG_LEN];
	uint64_t done = 0, batch = 0;
	unsigned int i, n;
	int rc = EXIT_SUCCESS;

	ch_eal_init(&argc, &argv);
	if (parse_args(argc, argv, &o) != 0) {
		usage(argv[0]);
		rte_eal_cleanup();
		return DIFF_EXIT_USAGE;
	}
	if (ch_dev_setup(&dev, o.dev, o.nb_qp) != 0) {
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}
	if (ch_dev_setup(&ref, o.ref, o.nb_qp) != 0) {
		ch_dev_close(&dev);
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}
	if (dev.id == ref.id) {
		fprintf(stderr, "--dev and --ref are the same device\n");
		rc = DIFF_EXIT_USAGE;
		goto out;
	}
	run.devs[0] = &dev;
	run.devs[1] = &ref;

	find_kinds(&dev, &ref, &o);
	printf("diff: %s (driver %s) against %s (driver %s), seed %" PRIu64
	       ", %u kinds in common\n", dev.name, dev.driver, ref.name, ref.driver,
	       o.seed, nb_kinds);
	if (nb_kinds == 0) {
		printf("diff: 0 ops, 0 mismatches (no algorithm in common)\n");
		rc = DIFF_EXIT_SKIP;
		goto out;
	}

	rng_state = o.seed;
	while (done < o.ops && !dev.broken && !ref.broken) {
		bool carry = false;

		n = (unsigned int)RTE_MIN((uint64_t)o.burst, o.ops - done);
		for (i = 0; i < n; i++) {
			unsigned int t;

			/*
			 * find_kinds() found sizes for each kind, but a kind
			 * both devices narrow a lot may miss them: draw another.
			 */
			for (t = 0; t < DIFF_TRIES; t++)
				if (draw_supported(&cases[i], &kinds[rng_range(0, nb_kinds - 1)],
						   &dev, &ref, &o, why, sizeof(why)))
					break;
			if (t == DIFF_TRIES) {
				printf("FAIL: no case drawn: %s\n", why);
				rc = EXIT_FAILURE;
				goto out;
			}
			/* a case that must go alone ends the batch */
			if (case_solo(&cases[i], &run)) {
				carry = i > 0;
				n = i > 0 ? i : 1;
				break;
			}
		}
		run_batch(&run, n, done, batch++ % o.nb_qp);
		done += n;
		if (carry && done < o.ops) {
			cases[0] = cases[n];
			run_batch(&run, 1, done, batch++ % o.nb_qp);
			done++;
		}
	}

	printf("diff: %" PRIu64 " ops, %" PRIu64 " mismatches\n", run.ops, run.mismatches);
	if (run.mismatches > 0)
		printf("first mismatch: %s\n", run.first);
	for (i = 0; i < nb_kinds; i++)
		printf("  %-28s %6" PRIu64 " ops %s\n", kinds[i].name, kinds[i].ops,
		       kinds[i].mismatches > 0 ? "MISMATCH" : "");
	if (dev.broken || ref.broken) {
		printf("FAIL: %s; the rest did not run\n",
		       dev.broken ? dev.broken_why : ref.broken_why);
		rc = EXIT_FAILURE;
	}
	if (run.mismatches > 0)
		rc = EXIT_FAILURE;
out:
	ch_dev_close(&ref);
	ch_dev_close(&dev);
	rte_eal_cleanup();
	return rc;
}
