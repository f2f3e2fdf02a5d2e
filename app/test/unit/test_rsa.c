/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The backend's RSA building block: the DER key parser against keys made
 * by python3-cryptography, every malformed encoding it must refuse, and
 * truncated or corrupted keys; then sessions and requests on crypto_openssl
 * with known answers from python3-cryptography (test_rsa_vectors.h, written
 * by gen_rsa_vectors.py).
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "test_report.h"
#include "test_rsa_vectors.h"
#include "vc_dpdk_compat.h"
#include "vhost_crypto_rsa.h"

static int openssl = -1, null_dev = -1;
static struct rte_mempool *sess_pool, *op_pool;

/* ------------------------------------------------------------------ */
/* A DER writer, to build the keys the parser must refuse             */
/* ------------------------------------------------------------------ */

struct der {
	uint8_t b[4096];
	uint32_t len;
};

static void
put(struct der *d, const void *p, uint32_t n)
{
	assert_true(d->len + n <= sizeof(d->b));
	memcpy(&d->b[d->len], p, n);
	d->len += n;
}

static void
put_byte(struct der *d, uint8_t v)
{
	put(d, &v, 1);
}

static void
put_len(struct der *d, uint32_t len)
{
	if (len < 0x80) {
		put_byte(d, len);
	} else if (len < 0x100) {
		put_byte(d, 0x81);
		put_byte(d, len);
	} else {
		put_byte(d, 0x82);
		put_byte(d, len >> 8);
		put_byte(d, len);
	}
}

/* An INTEGER of a magnitude, with the sign byte DER needs. */
static void
put_uint(struct der *d, const uint8_t *mag, uint32_t n)
{
	bool sign = n == 0 || (mag[0] & 0x80);

	put_byte(d, 0x02);
	put_len(d, n + sign);
	if (sign)
		put_byte(d, 0);
	put(d, mag, n);
}

static void
put_vint(struct der *d, const struct vc_rsa_int *v)
{
	put_uint(d, v->data, v->len);
}

/* SEQUENCE { body } into out. */
static void
wrap_seq(struct der *out, const struct der *body)
{
	out->len = 0;
	put_byte(out, 0x30);
	put_len(out, body->len);
	put(out, body->b, body->len);
}

static const uint8_t zero[1] = { 0 };

/* The components of the 1024-bit key, as the tests rebuild it. */
static struct vc_rsa_key k1024;

static void
build_pub(struct der *out, const struct vc_rsa_int *n, const struct vc_rsa_int *e)
{
	struct der body = { .len = 0 };

	put_vint(&body, n);
	put_vint(&body, e);
	wrap_seq(out, &body);
}

/* RSAPrivateKey with version v, the 1024-bit key's integers, one replaced. */
static void
build_priv(struct der *out, uint8_t v, int replace, const struct vc_rsa_int *with)
{
	const struct vc_rsa_int *ints[] = {
		&k1024.n, &k1024.e, &k1024.d, &k1024.p, &k1024.q,
		&k1024.dp, &k1024.dq, &k1024.qinv,
	};
	struct der body = { .len = 0 };
	unsigned int i;

	put_uint(&body, &v, v != 0);
	for (i = 0; i < RTE_DIM(ints); i++)
		put_vint(&body, (int)i == replace ? with : ints[i]);
	wrap_seq(out, &body);
}

static int
parse(const struct der *d, uint32_t key_type)
{
	struct vc_rsa_key k;

	return vc_rsa_key_parse(d->b, d->len, key_type, &k);
}

#define PUB	VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC
#define PRIV	VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE

/* ------------------------------------------------------------------ */
/* DER parser                                                          */
/* ------------------------------------------------------------------ */

static bool
int_in(const struct vc_rsa_int *v, const uint8_t *buf, uint32_t len)
{
	if (v->len == 0)
		return v->data == NULL || (v->data >= buf && v->data <= buf + len);
	return v->data >= buf && (size_t)(v->data - buf) <= len &&
	       v->len <= len - (size_t)(v->data - buf);
}

static void
assert_key_in(const struct vc_rsa_key *k, const uint8_t *buf, uint32_t len)
{
	const struct vc_rsa_int *ints[] = {
		&k->n, &k->e, &k->d, &k->p, &k->q, &k->dp, &k->dq, &k->qinv,
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(ints); i++)
		assert_true(int_in(ints[i], buf, len));
	assert_true(k->mod_bits >= VC_RSA_MIN_MOD_BITS &&
		    k->mod_bits <= VC_RSA_MAX_MOD_BITS);
}

static void
der_valid_keys(void **state)
{
	static const uint8_t f4[] = { 0x01, 0x00, 0x01 };
	struct vc_rsa_key pub, priv;
	struct der d;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(test_rsa_keys); i++) {
		const struct test_rsa_key *t = &test_rsa_keys[i];

		assert_int_equal(vc_rsa_key_parse(t->pub, t->pub_len, PUB, &pub), 0);
		assert_int_equal(vc_rsa_key_parse(t->priv, t->priv_len, PRIV, &priv), 0);
		assert_key_in(&pub, t->pub, t->pub_len);
		assert_key_in(&priv, t->priv, t->priv_len);
		assert_int_equal(pub.key_type, PUB);
		assert_int_equal(priv.key_type, PRIV);
		assert_int_equal(pub.mod_bits, t->bits);
		assert_int_equal(priv.mod_bits, t->bits);
		assert_int_equal(pub.n.len, t->bits / 8);
		assert_memory_equal(pub.n.data, priv.n.data, pub.n.len);
		assert_int_equal(pub.e.len, 3);
		assert_memory_equal(pub.e.data, f4, 3);
		assert_null(pub.d.data);
		/* the leading zero of a positive INTEGER is not part of it */
		assert_true(pub.n.data[0] & 0x80);
		assert_true(priv.p.len <= t->bits / 16 && priv.q.len <= t->bits / 16);
		/* a key read as the other type is malformed */
		assert_int_equal(vc_rsa_key_parse(t->pub, t->pub_len, PRIV, &pub), -EBADMSG);
		assert_int_equal(vc_rsa_key_parse(t->priv, t->priv_len, PUB, &pub), -EBADMSG);
	}

	/* the writer here agrees with python's encoder */
	build_priv(&d, 0, -1, NULL);
	assert_int_equal(d.len, sizeof(rsa1024_priv));
	assert_memory_equal(d.b, rsa1024_priv, d.len);
	build_pub(&d, &k1024.n, &k1024.e);
	assert_int_equal(d.len, sizeof(rsa1024_pub));
	assert_memory_equal(d.b, rsa1024_pub, d.len);
}

static void
der_malformed(void **state)
{
	uint8_t big[VC_RSA_MAX_MOD_BYTES + 1], neg[3] = { 0x80, 0x00, 0x01 };
	struct vc_rsa_int e = k1024.e, n = k1024.n, v;
	struct vc_rsa_key key;
	struct der d, body;
	uint32_t len;

	(void)state;
	assert_int_equal(vc_rsa_key_parse(rsa1024_pub, 0, PUB, &key), -EBADMSG);
	assert_int_equal(vc_rsa_key_parse(rsa1024_pub, 1, PUB, &key), -EBADMSG);
	/* unknown key types */
	assert_int_equal(vc_rsa_key_parse(rsa1024_pub, sizeof(rsa1024_pub), 0, &key), -EBADMSG);
	assert_int_equal(vc_rsa_key_parse(rsa1024_pub, sizeof(rsa1024_pub), 3, &key), -EBADMSG);

	/* truncated: the SEQUENCE says more than there is */
	assert_int_equal(vc_rsa_key_parse(rsa1024_pub, sizeof(rsa1024_pub) - 1, PUB, &key),
			 -EBADMSG);
	/* bytes after the SEQUENCE */
	build_pub(&d, &n, &e);
	put_byte(&d, 0);
	assert_int_equal(parse(&d, PUB), -EBADMSG);

	/* wrong tags: SET for SEQUENCE, BIT STRING for INTEGER */
	build_pub(&d, &n, &e);
	d.b[0] = 0x31;
	assert_int_equal(parse(&d, PUB), -EBADMSG);
	build_pub(&d, &n, &e);
	d.b[d.len - 5] = 0x03;		/* e: 02 03 01 00 01 */
	assert_int_equal(parse(&d, PUB), -EBADMSG);

	/* indefinite length, with its end-of-contents */
	body.len = 0;
	put_vint(&body, &n);
	put_vint(&body, &e);
	d.len = 0;
	put_byte(&d, 0x30);
	put_byte(&d, 0x80);
	put(&d, body.b, body.len);
	put_byte(&d, 0);
	put_byte(&d, 0);
	assert_int_equal(parse(&d, PUB), -EBADMSG);

	/* long form with a leading zero byte; long form for a short length */
	d.len = 0;
	put_byte(&d, 0x30);
	put_byte(&d, 0x82);
	put_byte(&d, 0x00);
	put_byte(&d, body.len);
	put(&d, body.b, body.len);
	assert_int_equal(parse(&d, PUB), -EBADMSG);
	body.len = 0;
	put_vint(&body, &n);
	put(&body, (const uint8_t []){ 0x02, 0x81, 0x03, 0x01, 0x00, 0x01 }, 6);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PUB), -EBADMSG);

	/* lengths of 5 bytes, and a 4-byte one far past the end */
	d.len = 0;
	put(&d, (const uint8_t []){ 0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00 }, 7);
	put(&d, body.b, body.len);
	assert_int_equal(parse(&d, PUB), -EBADMSG);
	d.len = 0;
	put(&d, (const uint8_t []){ 0x30, 0x84, 0xff, 0xff, 0xff, 0xff }, 6);
	put(&d, body.b, body.len);
	assert_int_equal(parse(&d, PUB), -EBADMSG);

	/* an INTEGER longer than its SEQUENCE */
	body.len = 0;
	put_vint(&body, &n);
	put(&body, (const uint8_t []){ 0x02, 0x04, 0x01, 0x00, 0x01 }, 5);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PUB), -EBADMSG);

	/*
	 * Negative integers are read as unsigned magnitudes, as Linux reads
	 * them (its self-test's 2048-bit public key has n so): an exponent
	 * 0x800001, a one-byte modulus 0xff (too short), and n itself
	 * without the leading zero its top bit calls for.
	 */
	v.data = neg;
	v.len = 3;
	body.len = 0;
	put_vint(&body, &n);
	put(&body, (const uint8_t []){ 0x02, 0x03, 0x80, 0x00, 0x01 }, 5);
	wrap_seq(&d, &body);
	assert_int_equal(vc_rsa_key_parse(d.b, d.len, PUB, &key), 0);
	assert_int_equal(key.e.len, 3);
	assert_memory_equal(key.e.data, neg, 3);
	body.len = 0;
	put(&body, (const uint8_t []){ 0x02, 0x01, 0xff }, 3);
	put_vint(&body, &e);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PUB), -ENOTSUP);
	body.len = 0;
	put_byte(&body, 0x02);
	put_len(&body, n.len);
	put(&body, n.data, n.len);
	put_vint(&body, &e);
	wrap_seq(&d, &body);
	assert_int_equal(vc_rsa_key_parse(d.b, d.len, PUB, &key), 0);
	assert_int_equal(key.n.len, n.len);
	assert_memory_equal(key.n.data, n.data, n.len);
	assert_int_equal(key.mod_bits, n.len * 8);
	/* an empty one; a needless leading zero */
	body.len = 0;
	put_vint(&body, &n);
	put(&body, (const uint8_t []){ 0x02, 0x00 }, 2);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PUB), -EBADMSG);
	body.len = 0;
	put_vint(&body, &n);
	put(&body, (const uint8_t []){ 0x02, 0x04, 0x00, 0x01, 0x00, 0x01 }, 6);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PUB), -EBADMSG);
	/* but a leading zero before a set top bit is the encoding */
	body.len = 0;
	put_vint(&body, &n);
	put_vint(&body, &v);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PUB), 0);

	/* zero modulus, zero exponent; an exponent longer than n */
	v.data = zero;
	v.len = 0;
	build_pub(&d, &v, &e);
	assert_int_equal(parse(&d, PUB), -EBADMSG);
	build_pub(&d, &n, &v);
	assert_int_equal(parse(&d, PUB), -EBADMSG);
	memset(big, 0x11, sizeof(big));
	v.data = big;
	v.len = n.len + 1;
	build_pub(&d, &n, &v);
	assert_int_equal(parse(&d, PUB), -EBADMSG);

	/* a third element in RSAPublicKey */
	body.len = 0;
	put_vint(&body, &n);
	put_vint(&body, &e);
	put_vint(&body, &e);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PUB), -EBADMSG);

	/* modulus sizes: 511, 512, 4096, 4097 and 8192 bits */
	big[0] = 0x7f;
	v.len = 64;
	build_pub(&d, &v, &e);
	assert_int_equal(parse(&d, PUB), -ENOTSUP);
	big[0] = 0x80;
	build_pub(&d, &v, &e);
	assert_int_equal(parse(&d, PUB), 0);
	v.len = 512;
	build_pub(&d, &v, &e);
	assert_int_equal(parse(&d, PUB), 0);
	big[0] = 0x01;
	v.len = 513;
	build_pub(&d, &v, &e);
	assert_int_equal(parse(&d, PUB), -ENOTSUP);
	memset(big, 0xff, sizeof(big));
	body.len = 0;
	put_byte(&body, 0x02);
	put_len(&body, 1025);
	put_byte(&body, 0);
	put(&body, big, sizeof(big));
	put(&body, big, 1024 - sizeof(big));
	put_vint(&body, &e);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PUB), -ENOTSUP);

	/* private keys: version 1 (multi-prime) and 2; version as 00 00 */
	build_priv(&d, 1, -1, NULL);
	assert_int_equal(parse(&d, PRIV), -ENOTSUP);
	build_priv(&d, 2, -1, NULL);
	assert_int_equal(parse(&d, PRIV), -EBADMSG);
	build_priv(&d, 0, -1, NULL);
	assert_int_equal(parse(&d, PRIV), 0);
	/* 30 82 LL LL 02 01 00 ... becomes 30 82 LL LL+1 02 02 00 00 ... */
	memmove(&d.b[7], &d.b[6], d.len - 6);
	d.b[5] = 2;
	d.b[6] = 0;
	d.len++;
	len = ((d.b[2] << 8) | d.b[3]) + 1;
	d.b[2] = len >> 8;
	d.b[3] = len;
	assert_int_equal(parse(&d, PRIV), -EBADMSG);

	/*
	 * Zero d with the CRT quintuple, or a zero CRT part with d: one form
	 * is enough (a DPDK 22.11 frontend has only one of them). Neither
	 * form whole is malformed. Then d longer than n.
	 */
	v.data = zero;
	v.len = 0;
	build_priv(&d, 0, 2, &v);
	assert_int_equal(parse(&d, PRIV), 0);
	build_priv(&d, 0, 7, &v);
	assert_int_equal(parse(&d, PRIV), 0);
	{
		struct der body = { .len = 0 };
		uint8_t version = 0;

		put_uint(&body, &version, false);
		put_vint(&body, &k1024.n);
		put_vint(&body, &k1024.e);
		put_vint(&body, &v);		/* d */
		put_vint(&body, &k1024.p);
		put_vint(&body, &v);		/* q */
		put_vint(&body, &k1024.dp);
		put_vint(&body, &k1024.dq);
		put_vint(&body, &k1024.qinv);
		wrap_seq(&d, &body);
		assert_int_equal(parse(&d, PRIV), -EBADMSG);
	}
	memset(big, 0x11, sizeof(big));
	v.data = big;
	v.len = k1024.n.len + 1;
	build_priv(&d, 0, 2, &v);
	assert_int_equal(parse(&d, PRIV), -EBADMSG);

	/* otherPrimeInfos after a version 0 key; a missing qinv */
	build_priv(&d, 0, -1, NULL);
	body.len = 0;
	put(&body, &d.b[4], d.len - 4);
	put(&body, (const uint8_t []){ 0x30, 0x03, 0x02, 0x01, 0x03 }, 5);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PRIV), -EBADMSG);
	body.len = 0;
	put_uint(&body, zero, 0);
	put_vint(&body, &k1024.n);
	put_vint(&body, &k1024.e);
	put_vint(&body, &k1024.d);
	put_vint(&body, &k1024.p);
	put_vint(&body, &k1024.q);
	put_vint(&body, &k1024.dp);
	put_vint(&body, &k1024.dq);
	wrap_seq(&d, &body);
	assert_int_equal(parse(&d, PRIV), -EBADMSG);

	/* a failed parse leaves no pointers behind */
	key.n.data = rsa1024_pub;
	assert_int_equal(vc_rsa_key_parse(rsa1024_pub, 3, PUB, &key), -EBADMSG);
	assert_null(key.n.data);
}

/*
 * Every truncation of every key, and every value of every byte of the
 * 1024- and 2048-bit keys: an error, or a key that lies inside the buffer.
 * Each try gets a buffer of exactly its length, so a read past it is a
 * read past the heap block.
 */
static void
der_fuzz(void **state)
{
	unsigned int i, w, val;
	uint32_t len, pos;

	(void)state;
	for (i = 0; i < RTE_DIM(test_rsa_keys); i++) {
		const struct test_rsa_key *t = &test_rsa_keys[i];
		const uint8_t *srcs[2] = { t->pub, t->priv };
		const uint32_t lens[2] = { t->pub_len, t->priv_len };
		const uint32_t types[2] = { PUB, PRIV };

		for (w = 0; w < 2; w++) {
			uint8_t *buf = malloc(lens[w]);
			struct vc_rsa_key key;

			assert_non_null(buf);
			for (len = 0; len < lens[w]; len++) {
				uint8_t *cut = malloc(len ? len : 1);

				assert_non_null(cut);
				memcpy(cut, srcs[w], len);
				assert_true(vc_rsa_key_parse(cut, len, types[w], &key) < 0);
				free(cut);
			}
			for (pos = 0; t->bits <= 2048 && pos < lens[w]; pos++) {
				for (val = 0; val < 256; val++) {
					int rc;

					memcpy(buf, srcs[w], lens[w]);
					buf[pos] = val;
					rc = vc_rsa_key_parse(buf, lens[w], types[w], &key);
					assert_true(rc == 0 || rc == -EBADMSG || rc == -ENOTSUP);
					if (rc == 0)
						assert_key_in(&key, buf, lens[w]);
				}
			}
			free(buf);
		}
	}
}

/* Every value of the tag and length bytes of every element of every key. */
static void
der_fuzz_lengths(void **state)
{
	unsigned int i, w, val, h, nb;

	(void)state;
	for (i = 0; i < RTE_DIM(test_rsa_keys); i++) {
		const struct test_rsa_key *t = &test_rsa_keys[i];
		const uint8_t *srcs[2] = { t->pub, t->priv };
		const uint32_t lens[2] = { t->pub_len, t->priv_len };
		const uint32_t types[2] = { PUB, PRIV };

		for (w = 0; w < 2; w++) {
			uint8_t *buf = malloc(lens[w]);
			uint32_t pos = 0, hdr;
			bool outer = true;

			assert_non_null(buf);
			while (pos < lens[w]) {
				const uint8_t *p = &srcs[w][pos];
				uint32_t clen;

				nb = p[1] & 0x80 ? p[1] & 0x7f : 0;
				hdr = 2 + nb;
				clen = nb ? 0 : p[1];
				for (h = 0; h < nb; h++)
					clen = (clen << 8) | p[2 + h];
				for (h = 0; h < hdr; h++) {
					for (val = 0; val < 256; val++) {
						struct vc_rsa_key key;
						int rc;

						memcpy(buf, srcs[w], lens[w]);
						buf[pos + h] = val;
						rc = vc_rsa_key_parse(buf, lens[w], types[w], &key);
						assert_true(rc == 0 || rc == -EBADMSG ||
							    rc == -ENOTSUP);
						if (rc == 0)
							assert_key_in(&key, buf, lens[w]);
					}
				}
				/* into the SEQUENCE, then from INTEGER to INTEGER */
				pos += outer ? hdr : hdr + clen;
				outer = false;
			}
			free(buf);
		}
	}
}

static void
params(void **state)
{
	(void)state;
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_RAW_PADDING, 0), 0);
	/* RAW hashes nothing: its hash is not looked at */
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_RAW_PADDING, 77), 0);
	assert_int_equal(vc_rsa_params_check(2, 0), -EBADMSG);
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
					     VIRTIO_CRYPTO_RSA_NO_HASH), 0);
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
					     VIRTIO_CRYPTO_RSA_MD2), -ENOTSUP);
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
					     VIRTIO_CRYPTO_RSA_MD3), -ENOTSUP);
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
					     VIRTIO_CRYPTO_RSA_MD4), -ENOTSUP);
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
					     VIRTIO_CRYPTO_RSA_MD5), 0);
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
					     VIRTIO_CRYPTO_RSA_SHA224), 0);
	assert_int_equal(vc_rsa_params_check(VIRTIO_CRYPTO_RSA_PKCS1_PADDING, 10), -EBADMSG);
}

static void
xform(void **state)
{
	struct rte_crypto_asym_xform xf;
	struct vc_rsa_key pub;

	(void)state;
	vc_rsa_xform_fill(&xf, &k1024, RTE_RSA_KEY_TYPE_QT, RTE_CRYPTO_RSA_PADDING_NONE);
	assert_int_equal(xf.xform_type, RTE_CRYPTO_ASYM_XFORM_RSA);
	assert_null(xf.next);
	assert_ptr_equal(xf.rsa.n.data, k1024.n.data);
	assert_int_equal(xf.rsa.n.length, k1024.n.len);
	assert_ptr_equal(xf.rsa.e.data, k1024.e.data);
	assert_int_equal(xf.rsa.key_type, RTE_RSA_KEY_TYPE_QT);
	assert_ptr_equal(xf.rsa.qt.p.data, k1024.p.data);
	assert_ptr_equal(xf.rsa.qt.q.data, k1024.q.data);
	assert_ptr_equal(xf.rsa.qt.dP.data, k1024.dp.data);
	assert_ptr_equal(xf.rsa.qt.dQ.data, k1024.dq.data);
	assert_ptr_equal(xf.rsa.qt.qInv.data, k1024.qinv.data);
	assert_int_equal(xf.rsa.qt.qInv.length, k1024.qinv.len);
	if (VC_RSA_XFORM_D_AND_QT)
		assert_ptr_equal(xf.rsa.d.data, k1024.d.data);

	vc_rsa_xform_fill(&xf, &k1024, RTE_RSA_KEY_TYPE_EXP, RTE_CRYPTO_RSA_PADDING_NONE);
	assert_int_equal(xf.rsa.key_type, RTE_RSA_KEY_TYPE_EXP);
	assert_ptr_equal(xf.rsa.d.data, k1024.d.data);
	assert_int_equal(xf.rsa.d.length, k1024.d.len);

	assert_int_equal(vc_rsa_key_parse(rsa1024_pub, sizeof(rsa1024_pub), PUB, &pub), 0);
	vc_rsa_xform_fill(&xf, &pub, RTE_RSA_KEY_TYPE_QT, RTE_CRYPTO_RSA_PADDING_NONE);
	assert_int_equal(xf.rsa.key_type, RTE_RSA_KEY_TYPE_EXP);
	assert_int_equal(xf.rsa.d.length, 0);
}

/* ------------------------------------------------------------------ */
/* Sessions and requests on crypto_openssl                             */
/* ------------------------------------------------------------------ */

/* Where the data path keeps the scratch: the op's private area. */
#define OP_PRIV_OFFSET \
	(sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_asym_op))

static const struct test_rsa_key *
key_of(uint32_t bits)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(test_rsa_keys); i++)
		if (test_rsa_keys[i].bits == bits)
			return &test_rsa_keys[i];
	fail();
	return NULL;
}

static void
session(struct vc_rsa_session *s, uint32_t bits, uint32_t key_type,
	uint32_t padding, uint32_t hash)
{
	const struct test_rsa_key *t = key_of(bits);
	struct vc_rsa_key key;

	if (key_type == PUB)
		assert_int_equal(vc_rsa_key_parse(t->pub, t->pub_len, PUB, &key), 0);
	else
		assert_int_equal(vc_rsa_key_parse(t->priv, t->priv_len, PRIV, &key), 0);
	assert_int_equal(vc_rsa_session_create(s, openssl, sess_pool, &key, padding, hash), 0);
}

/*
 * One request through the device. Returns what vc_rsa_op_prepare()
 * returned; when that is 0, *status and out are the completion's.
 */
static int
request(const struct vc_rsa_session *s, uint32_t opcode, const uint8_t *src,
	uint32_t src_len, const uint8_t *dst, uint32_t dst_len, uint8_t *status,
	uint8_t *out, uint32_t *out_len)
{
	struct rte_crypto_op *op = rte_crypto_op_alloc(op_pool, RTE_CRYPTO_OP_TYPE_ASYMMETRIC);
	struct vc_rsa_scratch *sc;
	struct rte_crypto_op *done = NULL;
	const uint8_t *res;
	uint32_t len;
	unsigned int spins;
	int rc;

	assert_non_null(op);
	sc = rte_crypto_op_ctod_offset(op, struct vc_rsa_scratch *, OP_PRIV_OFFSET);
	rc = vc_rsa_op_prepare(op, s, opcode, src, src_len, dst, dst_len, sc,
			       rte_crypto_op_ctophys_offset(op, OP_PRIV_OFFSET));
	if (rc != 0) {
		rte_crypto_op_free(op);
		return rc;
	}
	if (rte_cryptodev_enqueue_burst(openssl, 0, &op, 1) == 1) {
		for (spins = 0; spins < 1000000; spins++)
			if (rte_cryptodev_dequeue_burst(openssl, 0, &done, 1) == 1)
				break;
		assert_ptr_equal(done, op);
	} else {
		/*
		 * crypto_openssl does an RSA op as it is enqueued, and one
		 * that fails is not taken: it comes back with its status set.
		 */
		assert_int_not_equal(op->status, RTE_CRYPTO_OP_STATUS_NOT_PROCESSED);
	}
	*status = vc_rsa_op_finish(op, sc, &res, &len);
	if (out_len != NULL)
		*out_len = len;
	if (out != NULL && len != 0)
		memcpy(out, res, len);
	if (*status != VIRTIO_CRYPTO_OK || opcode == VIRTIO_CRYPTO_AKCIPHER_VERIFY)
		assert_int_equal(len, 0);
	rte_crypto_op_free(op);
	return 0;
}

#define ENC	VIRTIO_CRYPTO_AKCIPHER_ENCRYPT
#define DEC	VIRTIO_CRYPTO_AKCIPHER_DECRYPT
#define SIGN	VIRTIO_CRYPTO_AKCIPHER_SIGN
#define VERIFY	VIRTIO_CRYPTO_AKCIPHER_VERIFY
#define RAW	VIRTIO_CRYPTO_RSA_RAW_PADDING
#define PKCS1	VIRTIO_CRYPTO_RSA_PKCS1_PADDING

/* A request that must complete with `want`; its output goes to out. */
static void
expect(const struct vc_rsa_session *s, uint32_t opcode, const uint8_t *src,
       uint32_t src_len, const uint8_t *dst, uint32_t dst_len, uint8_t want,
       uint8_t *out, uint32_t *out_len)
{
	uint8_t status = 0xff;

	assert_int_equal(request(s, opcode, src, src_len, dst, dst_len, &status,
				 out, out_len), 0);
	assert_int_equal(status, want);
}

static void
sessions(void **state)
{
	struct vc_rsa_session s;
	struct vc_rsa_key key;

	(void)state;
	assert_true(openssl >= 0 && null_dev >= 0);
	session(&s, 2048, PRIV, PKCS1, VIRTIO_CRYPTO_RSA_SHA256);
	assert_int_equal(s.mod_len, 256);
	assert_true(s.private_key);
	assert_non_null(s.dev_sess[VC_RSA_PAD_NONE]);
	assert_non_null(s.dev_sess[VC_RSA_PAD_PKCS1]);
	/* one device session serves both paddings where the op carries it */
	assert_int_equal(s.dev_sess[VC_RSA_PAD_NONE] == s.dev_sess[VC_RSA_PAD_PKCS1],
			 !VC_RSA_PAD_IN_XFORM);
	vc_rsa_session_destroy(&s);
	assert_null(s.dev_sess[VC_RSA_PAD_NONE]);
	vc_rsa_session_destroy(&s);

	session(&s, 1024, PUB, RAW, 0);
	assert_false(s.private_key);
	assert_null(s.dev_sess[VC_RSA_PAD_PKCS1]);
	vc_rsa_session_destroy(&s);

	assert_int_equal(vc_rsa_key_parse(rsa2048_priv, sizeof(rsa2048_priv), PRIV, &key), 0);
	/* a device without RSA; bad parameters */
	assert_int_equal(vc_rsa_session_create(&s, null_dev, sess_pool, &key, RAW, 0), -ENOTSUP);
	assert_int_equal(vc_rsa_session_create(&s, openssl, sess_pool, &key, 5, 0), -EBADMSG);
	assert_int_equal(vc_rsa_session_create(&s, openssl, sess_pool, &key, PKCS1,
					       VIRTIO_CRYPTO_RSA_MD4), -ENOTSUP);
	/* every object back in the pool */
	assert_int_equal(rte_mempool_in_use_count(sess_pool), 0);
	assert_null(vc_rsa_session_pool_create("vc_rsa_none", 0, 0));
}

static void
raw_known_answers(void **state)
{
	static const uint8_t one[1] = { 1 };
	uint8_t out[512], want[512];
	struct vc_rsa_session pub, priv;
	uint32_t len;

	(void)state;
	session(&pub, 2048, PUB, RAW, 0);
	session(&priv, 2048, PRIV, RAW, 0);

	/* a 100-byte plaintext is the number with zeros on its left */
	expect(&pub, ENC, raw2048_plain, sizeof(raw2048_plain), NULL, 256,
	       VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, 256);
	assert_memory_equal(out, raw2048_cipher, 256);
	/* a private key encrypts with its public half */
	expect(&priv, ENC, raw2048_plain, sizeof(raw2048_plain), NULL, 300,
	       VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, 256);
	assert_memory_equal(out, raw2048_cipher, 256);

	/* decryption gives k bytes, leading zeros kept */
	expect(&priv, DEC, rawdec2048_cipher, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, 256);
	assert_memory_equal(out, rawdec2048_plain, 256);
	memset(want, 0, sizeof(want));
	memcpy(&want[256 - sizeof(raw2048_plain)], raw2048_plain, sizeof(raw2048_plain));
	expect(&priv, DEC, raw2048_cipher, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_memory_equal(out, want, 256);
	/* a short ciphertext has zeros on its left too: 1^d = 1 */
	memset(want, 0, 256);
	want[255] = 1;
	expect(&priv, DEC, one, 1, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, 256);
	assert_memory_equal(out, want, 256);

	vc_rsa_session_destroy(&pub);
	vc_rsa_session_destroy(&priv);
}

static void
raw_round_trips(void **state)
{
	uint8_t in[512], out[512], back[512];
	struct vc_rsa_session pub, priv;
	unsigned int i, j;
	uint32_t len;

	(void)state;
	for (i = 0; i < RTE_DIM(test_rsa_keys); i++) {
		uint32_t bits = test_rsa_keys[i].bits, k = bits / 8;

		session(&pub, bits, PUB, RAW, 0);
		session(&priv, bits, PRIV, RAW, 0);
		for (j = 0; j < k; j++)
			in[j] = j * 31 + bits;
		in[0] = 0;
		expect(&pub, ENC, in, k, NULL, k, VIRTIO_CRYPTO_OK, out, &len);
		assert_int_equal(len, k);
		assert_memory_not_equal(out, in, k);
		expect(&priv, DEC, out, k, NULL, k, VIRTIO_CRYPTO_OK, back, &len);
		assert_int_equal(len, k);
		assert_memory_equal(back, in, k);
		vc_rsa_session_destroy(&pub);
		vc_rsa_session_destroy(&priv);
	}
}

static void
sign_known_answers(void **state)
{
	uint8_t out[512], bad[512], digest[64];
	struct vc_rsa_session priv, pub;
	unsigned int i;
	uint32_t len;

	(void)state;
	for (i = 0; i < RTE_DIM(test_rsa_sigs); i++) {
		const struct test_rsa_sig *v = &test_rsa_sigs[i];

		print_message("%u-bit key, %s\n", v->bits, v->name);
		session(&priv, v->bits, PRIV, PKCS1, v->hash);
		session(&pub, v->bits, PUB, PKCS1, v->hash);
		expect(&priv, SIGN, v->digest, v->digest_len, NULL, v->sig_len,
		       VIRTIO_CRYPTO_OK, out, &len);
		assert_int_equal(len, v->sig_len);
		assert_memory_equal(out, v->sig, v->sig_len);

		/* python's signature verifies, with either key */
		expect(&pub, VERIFY, v->sig, v->sig_len, v->digest, v->digest_len,
		       VIRTIO_CRYPTO_OK, NULL, NULL);
		expect(&priv, VERIFY, v->sig, v->sig_len, v->digest, v->digest_len,
		       VIRTIO_CRYPTO_OK, NULL, NULL);
		/* a flipped bit in the signature or in the digest does not */
		memcpy(bad, v->sig, v->sig_len);
		bad[v->sig_len - 1] ^= 0x01;
		expect(&pub, VERIFY, bad, v->sig_len, v->digest, v->digest_len,
		       VIRTIO_CRYPTO_KEY_REJECTED, NULL, NULL);
		bad[v->sig_len - 1] ^= 0x01;
		bad[v->sig_len / 2] ^= 0x40;
		expect(&pub, VERIFY, bad, v->sig_len, v->digest, v->digest_len,
		       VIRTIO_CRYPTO_KEY_REJECTED, NULL, NULL);
		memcpy(digest, v->digest, v->digest_len);
		digest[0] ^= 0x80;
		expect(&pub, VERIFY, v->sig, v->sig_len, digest, v->digest_len,
		       VIRTIO_CRYPTO_KEY_REJECTED, NULL, NULL);
		vc_rsa_session_destroy(&priv);
		vc_rsa_session_destroy(&pub);
	}
}

/* The same signature under a session of another hash: another DigestInfo. */
static void
verify_wrong_hash(void **state)
{
	const struct test_rsa_sig *sha256 = NULL;
	struct vc_rsa_session pub;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(test_rsa_sigs); i++)
		if (test_rsa_sigs[i].bits == 2048 &&
		    test_rsa_sigs[i].hash == VIRTIO_CRYPTO_RSA_SHA256)
			sha256 = &test_rsa_sigs[i];
	assert_non_null(sha256);
	session(&pub, 2048, PUB, PKCS1, VIRTIO_CRYPTO_RSA_NO_HASH);
	expect(&pub, VERIFY, sha256->sig, 256, sha256->digest, 32,
	       VIRTIO_CRYPTO_KEY_REJECTED, NULL, NULL);
	vc_rsa_session_destroy(&pub);
}

static void
verify_rejections(void **state)
{
	const struct test_rsa_sig *v = NULL;
	struct vc_rsa_session pub;
	uint8_t sig[257], status;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(test_rsa_sigs); i++)
		if (test_rsa_sigs[i].bits == 2048 &&
		    test_rsa_sigs[i].hash == VIRTIO_CRYPTO_RSA_SHA1)
			v = &test_rsa_sigs[i];
	assert_non_null(v);
	session(&pub, 2048, PUB, PKCS1, VIRTIO_CRYPTO_RSA_SHA1);
	/* a signature of other than k bytes, or not below n, cannot match */
	assert_int_equal(request(&pub, VERIFY, v->sig, 255, v->digest, 20, &status, NULL, NULL),
			 -EKEYREJECTED);
	memset(sig, 0, sizeof(sig));
	memcpy(&sig[1], v->sig, 256);
	assert_int_equal(request(&pub, VERIFY, sig, 257, v->digest, 20, &status, NULL, NULL),
			 -EKEYREJECTED);
	memset(sig, 0xff, 256);
	assert_int_equal(request(&pub, VERIFY, sig, 256, v->digest, 20, &status, NULL, NULL),
			 -EKEYREJECTED);
	assert_int_equal(vc_rsa_errno_to_status(-EKEYREJECTED), VIRTIO_CRYPTO_KEY_REJECTED);
	/* a digest not of the session's hash is a malformed request */
	assert_int_equal(request(&pub, VERIFY, v->sig, 256, v->digest, 19, &status, NULL, NULL),
			 -EBADMSG);
	vc_rsa_session_destroy(&pub);
}

static void
sign_no_hash(void **state)
{
	struct vc_rsa_session priv, pub;
	uint8_t out[256], big[256], status;
	uint32_t len;

	(void)state;
	session(&priv, 2048, PRIV, PKCS1, VIRTIO_CRYPTO_RSA_NO_HASH);
	session(&pub, 2048, PUB, PKCS1, VIRTIO_CRYPTO_RSA_NO_HASH);
	expect(&priv, SIGN, nohash2048_data, sizeof(nohash2048_data), NULL, 256,
	       VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, 256);
	assert_memory_equal(out, nohash2048_sig, 256);
	expect(&pub, VERIFY, nohash2048_sig, 256, nohash2048_data, sizeof(nohash2048_data),
	       VIRTIO_CRYPTO_OK, NULL, NULL);
	expect(&pub, VERIFY, nohash2048_sig, 256, nohash2048_data, sizeof(nohash2048_data) - 1,
	       VIRTIO_CRYPTO_KEY_REJECTED, NULL, NULL);
	/* at most k - 11 bytes fit */
	memset(big, 0x5a, sizeof(big));
	expect(&priv, SIGN, big, 256 - 11, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(request(&priv, SIGN, big, 256 - 10, NULL, 256, &status, NULL, NULL),
			 -EBADMSG);
	vc_rsa_session_destroy(&priv);
	vc_rsa_session_destroy(&pub);
}

static void
pkcs1_encryption(void **state)
{
	static const uint8_t msg[] = "a message for PKCS#1 v1.5 encryption";
	uint8_t c1[256], c2[256], out[256], big[256], status;
	struct vc_rsa_session pub, priv;
	uint32_t len;

	(void)state;
	session(&pub, 2048, PUB, PKCS1, VIRTIO_CRYPTO_RSA_SHA256);
	session(&priv, 2048, PRIV, PKCS1, VIRTIO_CRYPTO_RSA_SHA256);

	/* python's ciphertext */
	expect(&priv, DEC, pkcs1dec2048_cipher, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, sizeof(pkcs1dec2048_plain));
	assert_memory_equal(out, pkcs1dec2048_plain, len);
	/* room for the message is enough */
	expect(&priv, DEC, pkcs1dec2048_cipher, 256, NULL, sizeof(pkcs1dec2048_plain),
	       VIRTIO_CRYPTO_OK, out, &len);
	expect(&priv, DEC, pkcs1dec2048_cipher, 256, NULL, sizeof(pkcs1dec2048_plain) - 1,
	       VIRTIO_CRYPTO_BADMSG, NULL, NULL);

	/* encryption is randomised: two ciphertexts, one message */
	expect(&pub, ENC, msg, sizeof(msg), NULL, 256, VIRTIO_CRYPTO_OK, c1, &len);
	assert_int_equal(len, 256);
	expect(&pub, ENC, msg, sizeof(msg), NULL, 256, VIRTIO_CRYPTO_OK, c2, &len);
	assert_memory_not_equal(c1, c2, 256);
	expect(&priv, DEC, c1, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, sizeof(msg));
	assert_memory_equal(out, msg, sizeof(msg));
	expect(&priv, DEC, c2, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_memory_equal(out, msg, sizeof(msg));
	/* an empty message, and the longest */
	expect(&pub, ENC, msg, 0, NULL, 256, VIRTIO_CRYPTO_OK, c1, &len);
	expect(&priv, DEC, c1, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, 0);
	memset(big, 0xa5, sizeof(big));
	expect(&pub, ENC, big, 256 - 11, NULL, 256, VIRTIO_CRYPTO_OK, c1, &len);
	expect(&priv, DEC, c1, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_int_equal(len, 256 - 11);
	assert_memory_equal(out, big, 256 - 11);

	/*
	 * A ciphertext that is no PKCS#1 block: OpenSSL 3.0 fails it; from
	 * 3.2 on it answers with a message derived from the key and the
	 * ciphertext instead ("implicit rejection"), never the real one.
	 */
	c1[128] ^= 1;
	assert_int_equal(request(&priv, DEC, c1, 256, NULL, 256, &status, out, &len), 0);
	print_message("bad PKCS#1 block: status %u, %u bytes\n", status, len);
	assert_true(status == VIRTIO_CRYPTO_ERR ||
		    (status == VIRTIO_CRYPTO_OK &&
		     (len != sizeof(big) - 11 || memcmp(out, big, len) != 0)));

	vc_rsa_session_destroy(&pub);
	vc_rsa_session_destroy(&priv);
}

/* Requests a session cannot serve fail before the device sees them. */
static void
request_rejections(void **state)
{
	struct vc_rsa_session raw, pub, priv;
	uint8_t buf[300], status;

	(void)state;
	memset(buf, 0x01, sizeof(buf));
	session(&raw, 2048, PRIV, RAW, 0);
	session(&pub, 2048, PUB, PKCS1, VIRTIO_CRYPTO_RSA_SHA1);
	session(&priv, 2048, PRIV, PKCS1, VIRTIO_CRYPTO_RSA_SHA1);

	/* RAW has no signatures */
	assert_int_equal(request(&raw, SIGN, buf, 20, NULL, 256, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&raw, VERIFY, buf, 256, buf, 20, &status, NULL, NULL), -EBADMSG);
	/* a public key neither decrypts nor signs */
	assert_int_equal(request(&pub, DEC, buf, 256, NULL, 256, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&pub, SIGN, buf, 20, NULL, 256, &status, NULL, NULL), -EBADMSG);
	/* a SHA-1 session signs 20-byte digests */
	assert_int_equal(request(&priv, SIGN, buf, 21, NULL, 256, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&priv, SIGN, buf, 0, NULL, 256, &status, NULL, NULL), -EBADMSG);
	/* k bytes of output need k bytes of room */
	assert_int_equal(request(&priv, SIGN, buf, 20, NULL, 255, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&pub, ENC, buf, 20, NULL, 255, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&raw, DEC, buf, 256, NULL, 255, &status, NULL, NULL), -EBADMSG);
	/* inputs: PKCS1 at most k - 11, RAW at most k, below n */
	assert_int_equal(request(&pub, ENC, buf, 246, NULL, 256, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&raw, ENC, buf, 257, NULL, 256, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&raw, DEC, buf, 257, NULL, 256, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&priv, DEC, buf, 257, NULL, 256, &status, NULL, NULL), -EBADMSG);
	memset(buf, 0xff, 256);
	assert_int_equal(request(&raw, ENC, buf, 256, NULL, 256, &status, NULL, NULL), -EBADMSG);
	assert_int_equal(request(&raw, DEC, buf, 256, NULL, 256, &status, NULL, NULL), -EBADMSG);
	memcpy(buf, raw.n, 256);
	assert_int_equal(request(&raw, DEC, buf, 256, NULL, 256, &status, NULL, NULL), -EBADMSG);
	buf[255]--;
	assert_int_equal(request(&raw, DEC, buf, 256, NULL, 256, &status, NULL, NULL), 0);
	assert_int_equal(status, VIRTIO_CRYPTO_OK);
	/* not an AKCIPHER opcode */
	assert_int_equal(request(&raw, VIRTIO_CRYPTO_CIPHER_ENCRYPT, buf, 16, NULL, 256, &status,
				 NULL, NULL), -EBADMSG);

	assert_int_equal(vc_rsa_errno_to_status(-EBADMSG), VIRTIO_CRYPTO_BADMSG);
	assert_int_equal(vc_rsa_errno_to_status(-ENOTSUP), VIRTIO_CRYPTO_NOTSUPP);
	assert_int_equal(vc_rsa_errno_to_status(-ENOMEM), VIRTIO_CRYPTO_ERR);
	vc_rsa_session_destroy(&raw);
	vc_rsa_session_destroy(&pub);
	vc_rsa_session_destroy(&priv);
	assert_int_equal(rte_mempool_in_use_count(sess_pool), 0);
}

/*
 * The session keeps nothing of the key's buffer: wiped and freed after the
 * create, the key still signs (the device copied it).
 */
static void
key_copied_at_create(void **state)
{
	const struct test_rsa_sig *v = NULL;
	struct vc_rsa_session s;
	struct vc_rsa_key key;
	uint8_t *der, out[256];
	unsigned int i;
	uint32_t len;

	(void)state;
	for (i = 0; i < RTE_DIM(test_rsa_sigs); i++)
		if (test_rsa_sigs[i].bits == 2048 &&
		    test_rsa_sigs[i].hash == VIRTIO_CRYPTO_RSA_SHA384)
			v = &test_rsa_sigs[i];
	assert_non_null(v);
	der = malloc(sizeof(rsa2048_priv));
	assert_non_null(der);
	memcpy(der, rsa2048_priv, sizeof(rsa2048_priv));
	assert_int_equal(vc_rsa_key_parse(der, sizeof(rsa2048_priv), PRIV, &key), 0);
	assert_int_equal(vc_rsa_session_create(&s, openssl, sess_pool, &key, PKCS1,
					       VIRTIO_CRYPTO_RSA_SHA384), 0);
	memset(der, 0, sizeof(rsa2048_priv));
	free(der);
	expect(&s, SIGN, v->digest, v->digest_len, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_memory_equal(out, v->sig, 256);
	expect(&s, DEC, pkcs1dec2048_cipher, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_memory_equal(out, pkcs1dec2048_plain, len);
	vc_rsa_session_destroy(&s);
}

/* A private key given as d instead of the CRT quintuple: the same answers. */
static void
exponent_form(void **state)
{
	struct rte_crypto_asym_xform xf;
	struct vc_rsa_session s;
	struct vc_rsa_key key;
	uint8_t out[256];
	uint32_t len;

	(void)state;
	session(&s, 2048, PRIV, RAW, 0);
	rte_cryptodev_asym_session_free(openssl, s.dev_sess[VC_RSA_PAD_NONE]);
	assert_int_equal(vc_rsa_key_parse(rsa2048_priv, sizeof(rsa2048_priv), PRIV, &key), 0);
	vc_rsa_xform_fill(&xf, &key, RTE_RSA_KEY_TYPE_EXP, RTE_CRYPTO_RSA_PADDING_NONE);
	assert_int_equal(rte_cryptodev_asym_session_create(openssl, &xf, sess_pool,
							   &s.dev_sess[VC_RSA_PAD_NONE]), 0);
	expect(&s, DEC, rawdec2048_cipher, 256, NULL, 256, VIRTIO_CRYPTO_OK, out, &len);
	assert_memory_equal(out, rawdec2048_plain, 256);
	vc_rsa_session_destroy(&s);
}

static int
setup_devices(void)
{
	struct rte_cryptodev_config conf = {
		.socket_id = (int)rte_socket_id(),
		.nb_queue_pairs = 1,
		.ff_disable = RTE_CRYPTODEV_FF_SECURITY,
	};
	struct rte_cryptodev_qp_conf qp = { .nb_descriptors = 64 };

	openssl = rte_cryptodev_get_dev_id("crypto_openssl0");
	null_dev = rte_cryptodev_get_dev_id("crypto_null0");
	if (openssl < 0 || null_dev < 0 ||
	    rte_cryptodev_configure(openssl, &conf) != 0 ||
	    rte_cryptodev_queue_pair_setup(openssl, 0, &qp, conf.socket_id) != 0 ||
	    rte_cryptodev_start(openssl) != 0)
		return -1;
	sess_pool = vc_rsa_session_pool_create("vc_rsa_sess", 8, conf.socket_id);
	op_pool = rte_crypto_op_pool_create("vc_rsa_ops", RTE_CRYPTO_OP_TYPE_ASYMMETRIC, 16, 0,
					    sizeof(struct vc_rsa_scratch), conf.socket_id);
	return sess_pool != NULL && op_pool != NULL ? 0 : -1;
}

int
main(int argc, char **argv)
{
	char *eal_args[] = {
		argv[0], "--no-huge", "-m", "256", "--no-pci", "-l", "0",
		"--file-prefix", "vc_unit_rsa", "--log-level", "lib.eal:warning",
		"--vdev", "crypto_openssl0", "--vdev", "crypto_null0",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(der_valid_keys),
		cmocka_unit_test(der_malformed),
		cmocka_unit_test(der_fuzz),
		cmocka_unit_test(der_fuzz_lengths),
		cmocka_unit_test(params),
		cmocka_unit_test(xform),
		cmocka_unit_test(sessions),
		cmocka_unit_test(raw_known_answers),
		cmocka_unit_test(raw_round_trips),
		cmocka_unit_test(sign_known_answers),
		cmocka_unit_test(verify_wrong_hash),
		cmocka_unit_test(verify_rejections),
		cmocka_unit_test(sign_no_hash),
		cmocka_unit_test(pkcs1_encryption),
		cmocka_unit_test(request_rejections),
		cmocka_unit_test(key_copied_at_create),
		cmocka_unit_test(exponent_form),
	};
	int rc;

	(void)argc;
	/* the 1024-bit key's integers, which the DER tests rebuild keys from */
	if (vc_rsa_key_parse(rsa1024_priv, sizeof(rsa1024_priv), PRIV, &k1024) != 0) {
		printf("0 passed, %zu failed\n", RTE_DIM(tests));
		return 1;
	}
	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0) {
		printf("EAL init failed\n0 passed, %zu failed\n", RTE_DIM(tests));
		return 1;
	}
	if (setup_devices() != 0) {
		printf("crypto_openssl setup failed\n0 passed, %zu failed\n", RTE_DIM(tests));
		rte_eal_cleanup();
		return 1;
	}
	rc = RUN_TEST_GROUP(tests, NULL, NULL);
	rte_cryptodev_stop(openssl);
	rte_cryptodev_close(openssl);
	rte_eal_cleanup();
	return rc;
}
