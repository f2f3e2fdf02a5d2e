/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <errno.h>
#include <string.h>

#include <rte_crypto.h>

#include "vc_dpdk_compat.h"
#include "virtio_crypto_rsa_key.h"
#include "virtio_crypto_wire.h"

/* Largest number a 4096-bit key holds, in bytes. */
#define RSA_NUM_MAX	512

#define ASN1_INTEGER	0x02
#define ASN1_SEQUENCE	0x30

struct der_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

static void
put_bytes(struct der_writer *w, const void *p, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
put_header(struct der_writer *w, uint8_t tag, size_t len)
{
	uint8_t h[4] = { tag };
	size_t n;

	if (len < 0x80) {
		h[1] = len;
		n = 2;
	} else if (len <= 0xff) {
		h[1] = 0x81;
		h[2] = len;
		n = 3;
	} else {
		h[1] = 0x82;
		h[2] = len >> 8;
		h[3] = len & 0xff;
		n = 4;
	}
	put_bytes(w, h, n);
}

/* Encoded length of an unsigned big-endian number: leading zeros gone, sign byte added. */
static size_t
integer_body_len(const uint8_t *p, size_t n, bool *sign_byte)
{
	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	*sign_byte = n == 0 || (p[0] & 0x80);
	return n + *sign_byte;
}

static size_t
header_len(size_t body)
{
	return body < 0x80 ? 2 : body <= 0xff ? 3 : 4;
}

static size_t
integer_len(const rte_crypto_uint *u)
{
	bool sign;
	size_t body = integer_body_len(u->data, u->data ? u->length : 0, &sign);

	return header_len(body) + body;
}

static void
put_integer(struct der_writer *w, const rte_crypto_uint *u)
{
	const uint8_t *p = u->data;
	size_t n = p ? u->length : 0;
	bool sign;
	size_t body = integer_body_len(p, n, &sign);
	static const uint8_t zero;

	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	put_header(w, ASN1_INTEGER, body);
	if (sign)
		put_bytes(w, &zero, 1);
	put_bytes(w, p, n);
}

static bool
present(const rte_crypto_uint *u)
{
	return u->data != NULL && u->length > 0;
}

int
vc_rsa_key_to_der(const struct rte_crypto_rsa_xform *rsa, bool *private_key,
		  uint8_t *der, size_t cap)
{
	static const uint8_t zero_byte;
	const rte_crypto_uint zero = { .data = (uint8_t *)(uintptr_t)&zero_byte, .length = 1 };
	const rte_crypto_uint *part[9];
	struct der_writer w = { .buf = der, .cap = cap };
	bool has_d, has_qt;
	size_t body = 0;
	unsigned int i, n;

	if (!present(&rsa->n) || !present(&rsa->e) ||
	    rsa->n.length > RSA_NUM_MAX || rsa->e.length > RSA_NUM_MAX)
		return -EINVAL;
	has_qt = rsa->key_type == RTE_RSA_KEY_TYPE_QT;
	has_d = (!has_qt || VC_RSA_XFORM_D_AND_QT) && present(&rsa->d);
	*private_key = has_d || has_qt;

	n = 0;
	if (*private_key)
		part[n++] = &zero;		/* version: two-prime */
	part[n++] = &rsa->n;
	part[n++] = &rsa->e;
	if (*private_key) {
		part[n++] = has_d ? &rsa->d : &zero;
		if (has_qt) {
			part[n++] = &rsa->qt.p;
			part[n++] = &rsa->qt.q;
			part[n++] = &rsa->qt.dP;
			part[n++] = &rsa->qt.dQ;
			part[n++] = &rsa->qt.qInv;
		} else {
			for (i = 0; i < 5; i++)
				part[n++] = &zero;
		}
	}
	for (i = 0; i < n; i++) {
		if (part[i]->length > RSA_NUM_MAX || (part[i] != &zero && has_qt && i > 3 &&
						      !present(part[i])))
			return -EINVAL;
		body += integer_len(part[i]);
	}
	put_header(&w, ASN1_SEQUENCE, body);
	for (i = 0; i < n; i++)
		put_integer(&w, part[i]);
	if (w.overflow) {
		explicit_bzero(der, cap);
		return -ENOSPC;
	}
	return w.len;
}

int
vc_rsa_padding_to_virtio(enum rte_crypto_rsa_padding_type type)
{
	switch (type) {
	case RTE_CRYPTO_RSA_PADDING_NONE:
		return VIRTIO_CRYPTO_RSA_RAW_PADDING;
	case RTE_CRYPTO_RSA_PADDING_PKCS1_5:
		return VIRTIO_CRYPTO_RSA_PKCS1_PADDING;
	default:
		return -1;
	}
}

bool
vc_rsa_xform_wants_padding(const struct rte_crypto_rsa_xform *rsa, unsigned int pad)
{
#if VC_RSA_PAD_IN_XFORM
	return vc_rsa_padding_to_virtio(rsa->padding.type) == (int)pad;
#else
	(void)rsa;
	return pad == VIRTIO_CRYPTO_RSA_RAW_PADDING || pad == VIRTIO_CRYPTO_RSA_PKCS1_PADDING;
#endif
}

/*
 * DigestInfo ::= SEQUENCE { AlgorithmIdentifier { OID, NULL }, OCTET STRING }
 * with the digest last: for each hash, the bytes before the digest.
 */
const struct vc_rsa_digest_info vc_rsa_digest_infos[VC_RSA_NB_HASHES] = {
	{ VIRTIO_CRYPTO_RSA_MD5, 18, 16, { 0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86,
		0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10 } },
	{ VIRTIO_CRYPTO_RSA_SHA1, 15, 20, { 0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
		0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14 } },
	{ VIRTIO_CRYPTO_RSA_SHA224, 19, 28, { 0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
		0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c } },
	{ VIRTIO_CRYPTO_RSA_SHA256, 19, 32, { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
		0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 } },
	{ VIRTIO_CRYPTO_RSA_SHA384, 19, 48, { 0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
		0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30 } },
	{ VIRTIO_CRYPTO_RSA_SHA512, 19, 64, { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
		0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 } },
};

int
vc_rsa_digest_info_match(const uint8_t *msg, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < VC_RSA_NB_HASHES; i++) {
		const struct vc_rsa_digest_info *d = &vc_rsa_digest_infos[i];

		if (len == (uint32_t)d->prefix_len + d->digest_len &&
		    memcmp(msg, d->prefix, d->prefix_len) == 0)
			return i;
	}
	return -1;
}

uint8_t
vc_rsa_result_in_place(rte_crypto_param *out, uint32_t written, uint16_t mod_len)
{
	uint32_t got = written > 0 ? written - 1 : mod_len;

	if (got >= mod_len) {
		out->length = mod_len;
		return RTE_CRYPTO_OP_STATUS_SUCCESS;
	}
	if (got == 0 || out->data[0] == 0)
		return RTE_CRYPTO_OP_STATUS_ERROR;
	memmove(out->data + (mod_len - got), out->data, got);
	memset(out->data, 0, mod_len - got);
	out->length = mod_len;
	return RTE_CRYPTO_OP_STATUS_SUCCESS;
}
