/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * RSA for the AKCIPHER service: the guest's key read in place by a bounded
 * DER reader, sessions on a cryptodev, and requests as bare RSA operations
 * around which signatures are encoded and checked here.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_errno.h>

#include "vc_dpdk_compat.h"
#include "vhost_crypto_log.h"
#include "vhost_crypto_rsa.h"

/* ------------------------------------------------------------------ */
/* The key: PKCS#1 DER                                                 */
/* ------------------------------------------------------------------ */

#define DER_INTEGER		0x02
#define DER_OCTET_STRING	0x04
#define DER_NULL		0x05
#define DER_OID			0x06
#define DER_SEQUENCE		0x30	/* universal 16, constructed */

/* What is left of the key to read. */
struct der_reader {
	const uint8_t *p;
	uint32_t left;
};

/*
 * Read the tag and length of the next element, leaving the reader at its
 * contents. DER allows one encoding of a length: definite, and in long form
 * only when short form cannot hold it, without leading zero bytes. Four
 * length bytes are more than any key needs. Every bound is checked against
 * what is left, never by adding to a position, so nothing can wrap.
 */
static int
der_header(struct der_reader *r, uint8_t tag, uint32_t *len)
{
	uint32_t v, nb, i;

	if (r->left < 2 || r->p[0] != tag)
		return -EBADMSG;
	v = r->p[1];
	r->p += 2;
	r->left -= 2;
	if (v & 0x80) {
		nb = v & 0x7f;
		/* nb == 0 is BER's indefinite length */
		if (nb == 0 || nb > 4 || nb > r->left || r->p[0] == 0)
			return -EBADMSG;
		v = 0;
		for (i = 0; i < nb; i++)
			v = (v << 8) | r->p[i];
		if (v < 0x80)
			return -EBADMSG;
		r->p += nb;
		r->left -= nb;
	}
	if (v > r->left)
		return -EBADMSG;
	*len = v;
	return 0;
}

/*
 * Read an INTEGER, minimally encoded (a leading zero byte only where the
 * next byte would otherwise read as a sign), and return its magnitude:
 * zero comes back with len 0. Contents whose top bit is set, negative in
 * DER, are read as an unsigned magnitude, as Linux's own RSA key parser
 * reads them: its virtio_crypto driver sends the key it was given as it
 * is, and the kernel's crypto self-test has a 2048-bit public key whose
 * modulus is encoded that way (without it, the test of virtio-crypto-rsa
 * fails on a Linux 7 guest of a full-device backend).
 */
static int
der_uint(struct der_reader *r, struct vc_rsa_int *v)
{
	uint32_t len;
	int rc;

	rc = der_header(r, DER_INTEGER, &len);
	if (rc != 0)
		return rc;
	if (len == 0)
		return -EBADMSG;
	if (len > 1 && r->p[0] == 0 && !(r->p[1] & 0x80))
		return -EBADMSG;
	v->data = r->p;
	v->len = len;
	if (r->p[0] == 0) {
		v->data++;
		v->len--;
	}
	r->p += len;
	r->left -= len;
	return 0;
}

bool
vc_rsa_key_has_crt(const struct vc_rsa_key *k)
{
	return k->p.len && k->q.len && k->dp.len && k->dq.len && k->qinv.len;
}

int
vc_rsa_key_parse(const uint8_t *der, uint32_t der_len, uint32_t key_type,
		 struct vc_rsa_key *key)
{
	struct der_reader r = { .p = der, .left = der_len };
	struct vc_rsa_key k = { .key_type = key_type };
	struct vc_rsa_int *priv[] = { &k.d, &k.p, &k.q, &k.dp, &k.dq, &k.qinv };
	bool private_key = key_type == VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE;
	struct vc_rsa_int version;
	uint32_t len, i;
	int rc;

	memset(key, 0, sizeof(*key));
	if (!private_key && key_type != VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC)
		return -EBADMSG;
	rc = der_header(&r, DER_SEQUENCE, &len);
	if (rc != 0)
		return rc;
	/* The key is the one SEQUENCE and nothing after it. */
	if (len != r.left)
		return -EBADMSG;
	if (private_key) {
		rc = der_uint(&r, &version);
		if (rc != 0)
			return rc;
		/* 1 is a multi-prime key, followed by otherPrimeInfos */
		if (version.len == 1 && version.data[0] == 1)
			return -ENOTSUP;
		if (version.len != 0)
			return -EBADMSG;
	}
	rc = der_uint(&r, &k.n);
	if (rc == 0)
		rc = der_uint(&r, &k.e);
	for (i = 0; rc == 0 && private_key && i < RTE_DIM(priv); i++)
		rc = der_uint(&r, priv[i]);
	if (rc != 0)
		return rc;
	if (r.left != 0)
		return -EBADMSG;

	if (k.n.len == 0 || k.e.len == 0)
		return -EBADMSG;
	if (k.n.len > VC_RSA_MAX_MOD_BYTES)
		return -ENOTSUP;
	k.mod_bits = (k.n.len - 1) * 8 + (32 - __builtin_clz(k.n.data[0]));
	if (k.mod_bits < VC_RSA_MIN_MOD_BITS)
		return -ENOTSUP;
	if (k.e.len > k.n.len)
		return -EBADMSG;
	for (i = 0; private_key && i < RTE_DIM(priv); i++)
		if (priv[i]->len > k.n.len)
			return -EBADMSG;
	/*
	 * A private key needs d or the whole CRT quintuple; a frontend that
	 * only has one form (DPDK 22.11 keeps them in a union) sends the other
	 * as 0, and the session then uses the form it has.
	 */
	if (private_key && k.d.len == 0 && !vc_rsa_key_has_crt(&k))
		return -EBADMSG;
	*key = k;
	return 0;
}

/* ------------------------------------------------------------------ */
/* PKCS#1 v1.5 signature encoding                                      */
/* ------------------------------------------------------------------ */

/*
 * Hashes a PKCS#1 v1.5 signature can name, by virtio hash_algo. An entry
 * with no digest length is a hash virtio numbers and we do not take.
 */
static const struct rsa_hash {
	uint8_t digest_len;
	uint8_t oid_len;
	uint8_t oid[9];		/* contents octets of the OBJECT IDENTIFIER */
} rsa_hashes[] = {
	/* 1.2.840.113549.2.5 */
	[VIRTIO_CRYPTO_RSA_MD5] = { 16, 8,
		{ 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05 } },
	/* 1.3.14.3.2.26 */
	[VIRTIO_CRYPTO_RSA_SHA1] = { 20, 5, { 0x2b, 0x0e, 0x03, 0x02, 0x1a } },
	/* 2.16.840.1.101.3.4.2.{1,2,3,4} */
	[VIRTIO_CRYPTO_RSA_SHA256] = { 32, 9,
		{ 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 } },
	[VIRTIO_CRYPTO_RSA_SHA384] = { 48, 9,
		{ 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02 } },
	[VIRTIO_CRYPTO_RSA_SHA512] = { 64, 9,
		{ 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03 } },
	[VIRTIO_CRYPTO_RSA_SHA224] = { 28, 9,
		{ 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04 } },
};

int
vc_rsa_params_check(uint32_t padding_algo, uint32_t hash_algo)
{
	if (padding_algo == VIRTIO_CRYPTO_RSA_RAW_PADDING)
		return 0;	/* nothing is hashed or signed */
	if (padding_algo != VIRTIO_CRYPTO_RSA_PKCS1_PADDING ||
	    hash_algo > VIRTIO_CRYPTO_RSA_SHA224)
		return -EBADMSG;
	if (hash_algo == VIRTIO_CRYPTO_RSA_NO_HASH)
		return 0;
	return rsa_hashes[hash_algo].digest_len != 0 ? 0 : -ENOTSUP;
}

/*
 * T of EMSA-PKCS1-v1_5 (RFC 8017, 9.2) into t, which has room bytes:
 * DigestInfo ::= SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING digest },
 * or with NO_HASH the input as it is. Every length fits the short form.
 * @return the length of T, or -EBADMSG for a digest of the wrong size or
 *   a T longer than room.
 */
static int
pkcs1_t(uint8_t hash_algo, const uint8_t *digest, uint32_t len, uint8_t *t,
	uint32_t room)
{
	const struct rsa_hash *h;
	uint32_t i = 0;
	uint8_t alg_len;

	if (hash_algo != VIRTIO_CRYPTO_RSA_NO_HASH) {
		if (hash_algo >= RTE_DIM(rsa_hashes))
			return -EBADMSG;
		h = &rsa_hashes[hash_algo];
		if (h->digest_len == 0 || len != h->digest_len)
			return -EBADMSG;
		alg_len = 2 + h->oid_len + 2;
		t[i++] = DER_SEQUENCE;
		t[i++] = 2 + alg_len + 2 + h->digest_len;
		t[i++] = DER_SEQUENCE;
		t[i++] = alg_len;
		t[i++] = DER_OID;
		t[i++] = h->oid_len;
		memcpy(&t[i], h->oid, h->oid_len);
		i += h->oid_len;
		t[i++] = DER_NULL;
		t[i++] = 0;
		t[i++] = DER_OCTET_STRING;
		t[i++] = h->digest_len;
	}
	/* room >= 64 - 11 holds any DigestInfo head (19 bytes at most) */
	if (len > room - i)
		return -EBADMSG;
	if (len != 0)
		memcpy(&t[i], digest, len);
	return i + len;
}

/* EM = 00 || 01 || FF ... FF || 00 || T, k bytes; t_len <= k - 11. */
static void
pkcs1_sig_encode(uint8_t *em, uint32_t k, const uint8_t *t, uint32_t t_len)
{
	em[0] = 0x00;
	em[1] = 0x01;
	memset(&em[2], 0xff, k - t_len - 3);
	em[k - t_len - 1] = 0x00;
	memcpy(&em[k - t_len], t, t_len);
}

/* Whether em (k bytes) is the encoding of t. Public data: no need for constant time. */
static bool
pkcs1_sig_matches(const uint8_t *em, uint32_t k, const uint8_t *t, uint32_t t_len)
{
	uint32_t i;

	if (em[0] != 0x00 || em[1] != 0x01 || em[k - t_len - 1] != 0x00)
		return false;
	for (i = 2; i < k - t_len - 1; i++)
		if (em[i] != 0xff)
			return false;
	return memcmp(&em[k - t_len], t, t_len) == 0;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                            */
/* ------------------------------------------------------------------ */

static void
set_uint(rte_crypto_uint *u, const struct vc_rsa_int *v)
{
	/* Devices only read a transform's key; the field is not const. */
	u->data = (uint8_t *)(uintptr_t)v->data;
	u->length = v->len;
}

void
vc_rsa_xform_fill(struct rte_crypto_asym_xform *xf, const struct vc_rsa_key *key,
		  enum rte_crypto_rsa_priv_key_type form,
		  enum rte_crypto_rsa_padding_type pad)
{
	memset(xf, 0, sizeof(*xf));
	xf->xform_type = RTE_CRYPTO_ASYM_XFORM_RSA;
	set_uint(&xf->rsa.n, &key->n);
	set_uint(&xf->rsa.e, &key->e);
	xf->rsa.key_type = RTE_RSA_KEY_TYPE_EXP;
	if (key->key_type == VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE) {
		if (form == RTE_RSA_KEY_TYPE_QT) {
			xf->rsa.key_type = RTE_RSA_KEY_TYPE_QT;
			set_uint(&xf->rsa.qt.p, &key->p);
			set_uint(&xf->rsa.qt.q, &key->q);
			set_uint(&xf->rsa.qt.dP, &key->dp);
			set_uint(&xf->rsa.qt.dQ, &key->dq);
			set_uint(&xf->rsa.qt.qInv, &key->qinv);
		}
		/* Where d shares the quintuple's storage it must stay out. */
		if ((form != RTE_RSA_KEY_TYPE_QT || VC_RSA_XFORM_D_AND_QT) && key->d.len > 0)
			set_uint(&xf->rsa.d, &key->d);
	}
	vc_rsa_xform_set_pad(xf, pad);
}

struct rte_mempool *
vc_rsa_session_pool_create(const char *name, uint32_t nb_sessions, int socket_id)
{
	if (nb_sessions == 0 || nb_sessions > UINT32_MAX / VC_RSA_SESSION_OBJS) {
		rte_errno = EINVAL;
		return NULL;
	}
	return rte_cryptodev_asym_session_pool_create(name,
			nb_sessions * VC_RSA_SESSION_OBJS, 0, 0, socket_id);
}

static int
dev_session_create(struct vc_rsa_session *s, struct rte_mempool *pool,
		   struct rte_crypto_asym_xform *xf, void **sess)
{
	int rc;

	rc = rte_cryptodev_asym_session_create(s->dev_id, xf, pool, sess);
	if (rc == 0)
		return 0;
	*sess = NULL;
	VC_LOG(DEBUG, "cryptodev %u: RSA session: %d", s->dev_id, rc);
	/* A driver's own failure (crypto_openssl: -1) means it refused the key. */
	return rc == -ENOMEM || rc == -ENOTSUP ? rc : -EINVAL;
}

int
vc_rsa_session_create(struct vc_rsa_session *s, uint8_t dev_id,
		      struct rte_mempool *pool, const struct vc_rsa_key *key,
		      uint32_t padding_algo, uint32_t hash_algo)
{
	const struct rte_cryptodev_asymmetric_xform_capability *cap;
	struct rte_cryptodev_asym_capability_idx idx = {
		.type = RTE_CRYPTO_ASYM_XFORM_RSA,
	};
	bool private_key = key->key_type == VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE;
	enum rte_crypto_rsa_priv_key_type form;
	struct rte_crypto_asym_xform xf;
	struct rte_cryptodev_info info;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = vc_rsa_params_check(padding_algo, hash_algo);
	if (rc != 0)
		return rc;
	if (!rte_cryptodev_is_valid_dev(dev_id) || key->n.len == 0 ||
	    key->n.len > VC_RSA_MAX_MOD_BYTES)
		return -EINVAL;
	cap = rte_cryptodev_asym_capability_get(dev_id, &idx);
	if (cap == NULL ||
	    rte_cryptodev_asym_xform_capability_check_modlen(cap, key->n.len) != 0)
		return -ENOTSUP;
	/*
	 * ENCRYPT also serves VERIFY (the public operation on the signature);
	 * SIGN and DECRYPT are the private operations.
	 */
	if (!rte_cryptodev_asym_xform_capability_check_optype(cap, RTE_CRYPTO_ASYM_OP_ENCRYPT) ||
	    (private_key &&
	     (!rte_cryptodev_asym_xform_capability_check_optype(cap, RTE_CRYPTO_ASYM_OP_SIGN) ||
	      !rte_cryptodev_asym_xform_capability_check_optype(cap, RTE_CRYPTO_ASYM_OP_DECRYPT))))
		return -ENOTSUP;

	/*
	 * CRT takes about a third of the time of a private operation with d;
	 * use it unless the device says it only takes d.
	 */
	rte_cryptodev_info_get(dev_id, &info);
	form = (info.feature_flags & RTE_CRYPTODEV_FF_RSA_PRIV_OP_KEY_QT) ||
	       !(info.feature_flags & RTE_CRYPTODEV_FF_RSA_PRIV_OP_KEY_EXP) ?
	       RTE_RSA_KEY_TYPE_QT : RTE_RSA_KEY_TYPE_EXP;
	/* ...as far as the key has the form */
	if (private_key && form == RTE_RSA_KEY_TYPE_QT && !vc_rsa_key_has_crt(key))
		form = RTE_RSA_KEY_TYPE_EXP;
	if (private_key && form == RTE_RSA_KEY_TYPE_EXP && key->d.len == 0)
		return -ENOTSUP;

	s->dev_id = dev_id;
	s->padding = padding_algo;
	s->hash = padding_algo == VIRTIO_CRYPTO_RSA_PKCS1_PADDING ? hash_algo : 0;
	s->private_key = private_key;
	s->mod_len = key->n.len;
	memcpy(s->n, key->n.data, key->n.len);

	vc_rsa_xform_fill(&xf, key, form, RTE_CRYPTO_RSA_PADDING_NONE);
	rc = dev_session_create(s, pool, &xf, &s->dev_sess[VC_RSA_PAD_NONE]);
	if (rc != 0)
		return rc;
	if (padding_algo == VIRTIO_CRYPTO_RSA_PKCS1_PADDING) {
		if (VC_RSA_PAD_IN_XFORM) {
			vc_rsa_xform_fill(&xf, key, form, RTE_CRYPTO_RSA_PADDING_PKCS1_5);
			rc = dev_session_create(s, pool, &xf, &s->dev_sess[VC_RSA_PAD_PKCS1]);
			if (rc != 0) {
				vc_rsa_session_destroy(s);
				return rc;
			}
		} else {
			/* The op carries the padding: one session does both. */
			s->dev_sess[VC_RSA_PAD_PKCS1] = s->dev_sess[VC_RSA_PAD_NONE];
		}
	}
	return 0;
}

void
vc_rsa_session_destroy(struct vc_rsa_session *s)
{
	void *none = s->dev_sess[VC_RSA_PAD_NONE];
	void *pkcs1 = s->dev_sess[VC_RSA_PAD_PKCS1];

	if (pkcs1 != NULL && pkcs1 != none)
		rte_cryptodev_asym_session_free(s->dev_id, pkcs1);
	if (none != NULL)
		rte_cryptodev_asym_session_free(s->dev_id, none);
	s->dev_sess[VC_RSA_PAD_NONE] = NULL;
	s->dev_sess[VC_RSA_PAD_PKCS1] = NULL;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/* Copy a number of up to k bytes into k bytes, zeros on the left. */
static int
left_pad(uint8_t *dst, uint32_t k, const uint8_t *src, uint32_t len)
{
	if (len > k)
		return -EBADMSG;
	memset(dst, 0, k - len);
	if (len != 0)
		memcpy(&dst[k - len], src, len);
	return 0;
}

/* For k-byte big-endian numbers, byte order is numeric order. */
static bool
below_modulus(const struct vc_rsa_session *s, const uint8_t *x)
{
	return memcmp(x, s->n, s->mod_len) < 0;
}

int
vc_rsa_op_prepare(struct rte_crypto_op *op, const struct vc_rsa_session *s,
		  uint32_t opcode, const uint8_t *src, uint32_t src_len,
		  const uint8_t *dst, uint32_t dst_len,
		  struct vc_rsa_scratch *sc, rte_iova_t scratch_iova)
{
	struct rte_crypto_rsa_op_param *rsa = &op->asym->rsa;
	const uint32_t k = s->mod_len;
	const bool pkcs1 = s->padding == VIRTIO_CRYPTO_RSA_PKCS1_PADDING;
	enum vc_rsa_pad pad = VC_RSA_PAD_NONE;
	rte_crypto_param *in, *out;
	uint32_t in_len = k;
	int t_len;

	memset(rsa, 0, sizeof(*rsa));
	sc->opcode = opcode;
	sc->padding = s->padding;
	sc->mod_len = k;
	sc->dst_len = dst_len;
	sc->expect_len = 0;

	switch (opcode) {
	case VIRTIO_CRYPTO_AKCIPHER_ENCRYPT:
		if (dst_len < k)
			return -EBADMSG;
		rsa->op_type = RTE_CRYPTO_ASYM_OP_ENCRYPT;
		in = &rsa->message;
		out = &rsa->cipher;
		if (pkcs1) {
			/* the device pads, with random bytes */
			if (src_len > k - VC_RSA_PKCS1_OVERHEAD)
				return -EBADMSG;
			if (src_len != 0)
				memcpy(sc->in, src, src_len);
			in_len = src_len;
			pad = VC_RSA_PAD_PKCS1;
		} else if (left_pad(sc->in, k, src, src_len) != 0 ||
			   !below_modulus(s, sc->in)) {
			return -EBADMSG;
		}
		break;
	case VIRTIO_CRYPTO_AKCIPHER_DECRYPT:
		if (!s->private_key || (!pkcs1 && dst_len < k))
			return -EBADMSG;
		if (left_pad(sc->in, k, src, src_len) != 0 || !below_modulus(s, sc->in))
			return -EBADMSG;
		rsa->op_type = RTE_CRYPTO_ASYM_OP_DECRYPT;
		in = &rsa->cipher;
		out = &rsa->message;
		pad = pkcs1 ? VC_RSA_PAD_PKCS1 : VC_RSA_PAD_NONE;
		break;
	case VIRTIO_CRYPTO_AKCIPHER_SIGN:
		/* the specification leaves RAW out of signatures */
		if (!s->private_key || !pkcs1 || dst_len < k)
			return -EBADMSG;
		t_len = pkcs1_t(s->hash, src, src_len, sc->expect,
				k - VC_RSA_PKCS1_OVERHEAD);
		if (t_len < 0)
			return t_len;
		/* encoded here, so the device only does m^d mod n */
		pkcs1_sig_encode(sc->in, k, sc->expect, t_len);
		rsa->op_type = RTE_CRYPTO_ASYM_OP_SIGN;
		in = &rsa->message;
		out = &rsa->sign;
		break;
	case VIRTIO_CRYPTO_AKCIPHER_VERIFY:
		if (!pkcs1)
			return -EBADMSG;
		t_len = pkcs1_t(s->hash, dst, dst_len, sc->expect,
				k - VC_RSA_PKCS1_OVERHEAD);
		if (t_len < 0)
			return t_len;
		sc->expect_len = t_len;
		/* A signature is a number below n of exactly k bytes. */
		if (src_len != k)
			return -EKEYREJECTED;
		memcpy(sc->in, src, k);
		if (!below_modulus(s, sc->in))
			return -EKEYREJECTED;
		/* s^e mod n, compared with the encoding when it completes */
		rsa->op_type = RTE_CRYPTO_ASYM_OP_ENCRYPT;
		in = &rsa->message;
		out = &rsa->cipher;
		break;
	default:
		return -EBADMSG;
	}

	in->data = sc->in;
	in->length = in_len;
	/* length 0: the device writes what it produced */
	out->data = sc->out;
	in->iova = out->iova = RTE_BAD_IOVA;
	if (scratch_iova != RTE_BAD_IOVA) {
		in->iova = scratch_iova + offsetof(struct vc_rsa_scratch, in);
		out->iova = scratch_iova + offsetof(struct vc_rsa_scratch, out);
	}
	vc_rsa_op_set_pad(op->asym, pad == VC_RSA_PAD_PKCS1 ?
			  RTE_CRYPTO_RSA_PADDING_PKCS1_5 : RTE_CRYPTO_RSA_PADDING_NONE);
	if (rte_crypto_op_attach_asym_session(op, s->dev_sess[pad]) != 0)
		return -EINVAL;
	return 0;
}

uint8_t
vc_rsa_op_finish(const struct rte_crypto_op *op, struct vc_rsa_scratch *sc,
		 const uint8_t **out, uint32_t *out_len)
{
	const struct rte_crypto_rsa_op_param *rsa = &op->asym->rsa;
	const uint32_t k = sc->mod_len;
	size_t len;

	*out = NULL;
	*out_len = 0;
	switch (op->status) {
	case RTE_CRYPTO_OP_STATUS_SUCCESS:
		break;
	case RTE_CRYPTO_OP_STATUS_INVALID_ARGS:
		/* what we asked is valid RSA: the device does not do it */
		return VIRTIO_CRYPTO_NOTSUPP;
	default:
		return VIRTIO_CRYPTO_ERR;
	}

	switch (sc->opcode) {
	case VIRTIO_CRYPTO_AKCIPHER_ENCRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_VERIFY:
		len = rsa->cipher.length;
		break;
	case VIRTIO_CRYPTO_AKCIPHER_DECRYPT:
		len = rsa->message.length;
		break;
	case VIRTIO_CRYPTO_AKCIPHER_SIGN:
		len = rsa->sign.length;
		break;
	default:
		return VIRTIO_CRYPTO_ERR;
	}
	if (len > k)
		return VIRTIO_CRYPTO_ERR;

	if (sc->opcode == VIRTIO_CRYPTO_AKCIPHER_DECRYPT &&
	    sc->padding == VIRTIO_CRYPTO_RSA_PKCS1_PADDING) {
		if (len > sc->dst_len)
			return VIRTIO_CRYPTO_BADMSG;
		*out = sc->out;
		*out_len = len;
		return VIRTIO_CRYPTO_OK;
	}
	/* Every other result is a k-byte number: restore zeros a device dropped. */
	if (len < k) {
		memmove(&sc->out[k - len], sc->out, len);
		memset(sc->out, 0, k - len);
	}
	if (sc->opcode == VIRTIO_CRYPTO_AKCIPHER_VERIFY)
		return pkcs1_sig_matches(sc->out, k, sc->expect, sc->expect_len) ?
			VIRTIO_CRYPTO_OK : VIRTIO_CRYPTO_KEY_REJECTED;
	*out = sc->out;
	*out_len = k;
	return VIRTIO_CRYPTO_OK;
}
