/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The data path: chains from the rings become rte_crypto_ops on the
 * crypto device, and results go back into the chains' writable buffers.
 *
 * Each request's 72-byte header is copied out of guest memory once and
 * checked there; lengths are checked against the chain (which was checked
 * against guest memory when it was taken) before anything is copied. A bad
 * request completes with the status the specification names; the ring goes
 * on. Ops the crypto device does not take wait in a backlog and are
 * offered again first: nothing is dropped, duplicated or reordered.
 *
 * Copy mode: request data is copied into mbufs from the instance's pool,
 * output copied back on completion.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "vhost_crypto_dev.h"
#include "vhost_crypto_log.h"
#include "vhost_crypto_quirks.h"
#include "vhost_crypto_request.h"
#include "vhost_user_crypto_wire.h"
#include "virtio_crypto_wire.h"

/*
 * Not a virtio status: the request could not be built for want of mbufs;
 * it goes back to the ring and is taken again on a later poll.
 */
#define VC_STATUS_RETRY	0xff

static inline struct vc_op_priv *
op_priv(struct rte_crypto_op *op)
{
	return (struct vc_op_priv *)((uint8_t *)op + VC_OP_IV_OFFSET);
}

/*
 * Give back what an op holds besides itself: its mbufs and its AAD buffer.
 * Every path that ends an op comes here: completion, a request that fails
 * while it is built, and one given back to its ring to retry.
 */
static inline void
op_put_bufs(struct vhost_crypto *vc, struct rte_crypto_op *op)
{
	struct vc_op_priv *priv = op_priv(op);

	/* Zero-copy holds nothing (the op is reset when it is next taken). */
	if (likely(priv->zero_copy && priv->aad_buf == NULL))
		return;
	if (op->type == RTE_CRYPTO_OP_TYPE_SYMMETRIC) {
		/* zero-copy mbufs are the op's own */
		if (!priv->zero_copy) {
			rte_pktmbuf_free(op->sym->m_src);
			rte_pktmbuf_free(op->sym->m_dst);
		}
		op->sym->m_src = op->sym->m_dst = NULL;
	}
	if (priv->aad_buf != NULL) {
		rte_mempool_put(vc->aad_pool, priv->aad_buf);
		priv->aad_buf = NULL;
	}
}

/* Free a chain's slot, and its spill array if it had one. */
static inline void
free_slot(struct vc_ring *r, uint16_t slot)
{
	struct vc_chain *c = &r->slots[slot];

	if (c->segs != c->inline_segs) {
		r->spills[r->nb_spills++] = c->segs;
		c->segs = c->inline_segs;
	}
	r->free_slots[r->nb_free++] = slot;
}

/* Return a chain to the driver and free its slot. */
static __rte_always_inline void
push_chain(struct vc_ring *r, uint16_t slot, uint32_t written)
{
	struct vc_chain *c = &r->slots[slot];

	vc_vring_push(&r->vr, c, written);
	r->slot_of_head[c->head] = VC_NO_SLOT;
	free_slot(r, slot);
}

/* Return a chain with `status` in its last writable byte; free its slot. */
static __rte_always_inline void
complete_chain(struct vhost_crypto *vc, uint16_t ring, uint16_t slot,
	       uint8_t status, uint32_t written)
{
	struct vc_ring *r = &vc->rings[ring];
	struct vc_chain *c = &r->slots[slot];

	if (c->status != NULL) {
		*c->status = status;
		/* A chain too long to keep counts fewer bytes than it has. */
		written = RTE_MIN(written + 1, RTE_MAX(c->out_len, 1u));
	} else {
		written = 0;	/* nowhere known to put a status */
	}
	if (status == VIRTIO_CRYPTO_OK)
		vc->stats.completed_ok++;
	else
		vc->stats.completed_err++;
	push_chain(r, slot, written);
}

/*
 * Copy `len` bytes of the readable stream from `off` into a new mbuf
 * chain, after `lead` bytes reserved at the start of the first segment
 * (AEAD's AAD) and with `tail` bytes reserved contiguously at the end (a
 * digest). Returns NULL if the pool is empty.
 */
static struct rte_mbuf *
mbuf_from_chain(struct rte_mempool *mp, const struct vc_chain *c,
		uint32_t off, uint32_t len, uint16_t lead, uint8_t **lead_ptr,
		uint16_t tail, uint8_t **tail_ptr)
{
	struct rte_mbuf *head, *last;
	uint32_t left = len;

	head = last = rte_pktmbuf_alloc(mp);
	if (head == NULL)
		return NULL;
	if (lead > 0)
		*lead_ptr = (uint8_t *)rte_pktmbuf_append(head, lead);
	for (;;) {
		uint16_t n = RTE_MIN(left, (uint32_t)rte_pktmbuf_tailroom(last));
		uint8_t *dst = (uint8_t *)rte_pktmbuf_append(last, n);

		if (last != head)
			head->pkt_len += n;
		if (n > 0 && vc_chain_read(c, off, dst, n) != 0)
			goto fail;
		off += n;
		left -= n;
		if (left == 0)
			break;
		last->next = rte_pktmbuf_alloc(mp);
		if (last->next == NULL)
			goto fail;
		last = last->next;
		head->nb_segs++;
	}
	if (tail > 0) {
		if (rte_pktmbuf_tailroom(last) < tail) {
			last->next = rte_pktmbuf_alloc(mp);
			if (last->next == NULL)
				goto fail;
			last = last->next;
			head->nb_segs++;
		}
		*tail_ptr = (uint8_t *)rte_pktmbuf_append(last, tail);
		if (last != head)
			head->pkt_len += tail;
	}
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

/* IOVA of a byte inside an mbuf chain's segment. */
static rte_iova_t
mbuf_iova_of(const struct rte_mbuf *m, const uint8_t *p)
{
	for (; m != NULL; m = m->next) {
		const uint8_t *start = rte_pktmbuf_mtod(m, const uint8_t *);

		if (p >= start && p < start + m->data_len)
			return rte_pktmbuf_iova(m) + (p - start);
	}
	return 0;
}

/* Copy `len` bytes of an mbuf chain, from byte `skip`, into the writable
 * stream at `off`. */
static void
mbuf_to_chain(const struct rte_mbuf *m, uint32_t skip, const struct vc_chain *c,
	      uint32_t off, uint32_t len)
{
	for (; m != NULL && len > 0; m = m->next) {
		uint32_t n;

		if (skip >= m->data_len) {
			skip -= m->data_len;
			continue;
		}
		n = RTE_MIN(len, (uint32_t)m->data_len - skip);
		vc_chain_write(c, off, rte_pktmbuf_mtod_offset(m, uint8_t *, skip), n);
		off += n;
		len -= n;
		skip = 0;
	}
}

/* ------------------------------------------------------------------ */
/* Zero-copy                                                           */
/* ------------------------------------------------------------------ */

/*
 * The op's mbuf `which` (0: source, 1: destination), made to describe
 * `len` bytes of guest memory at `va`; the rest of it was set when the
 * pool was made (init_guest_mbufs()). Guest memory has no IOVA a device
 * could use (zero-copy is off for hardware devices). The fields a PMD
 * might have moved are set again: all in the mbuf's first cache line.
 */
static inline struct rte_mbuf *
guest_mbuf(struct rte_crypto_op *op, unsigned int which, uint8_t *va, uint16_t len)
{
	struct rte_mbuf *m = vc_op_guest_mbuf(op, which);

	m->buf_addr = va;
	m->buf_len = len;
	m->data_off = 0;
	m->data_len = len;
	m->pkt_len = len;
	m->nb_segs = 1;
	m->ol_flags = 0;
	return m;
}

/*
 * Zero-copy: the op reads `src_len` bytes at `src` and, if dst_len is not
 * 0, writes dst_len bytes at `dst`, each in place in guest memory: each a
 * contiguous host range (non-NULL, from the request's cursors) under
 * 64 KiB. Returns true with m_src and m_dst set, or false: the request is
 * copied.
 */
static bool
zero_copy_bufs(struct vhost_crypto *vc, struct rte_crypto_op *op, uint8_t *src,
	       uint32_t src_len, uint8_t *dst, uint32_t dst_len)
{
	struct vc_op_priv *priv = op_priv(op);

	if (src_len == 0 || src_len > UINT16_MAX || dst_len > UINT16_MAX ||
	    src == NULL || (dst_len > 0 && dst == NULL))
		return false;
	op->sym->m_src = guest_mbuf(op, 0, src, src_len);
	op->sym->m_dst = dst_len > 0 ? guest_mbuf(op, 1, dst, dst_len) : NULL;
	priv->zero_copy = true;
	vc->stats.zero_copy_ops++;
	return true;
}

/*
 * Zero-copy in place: the op works on the first `len` writable bytes at
 * `dst`, after the `len` readable bytes at `src` are moved there (nothing
 * to move when the driver gave the same buffer both ways, as in-place
 * users do); both contiguous (non-NULL). For chains, whose PMDs do not all
 * take a separate destination. Returns true with m_src set, or false: the
 * request is copied.
 */
static bool
zero_copy_in_place(struct vhost_crypto *vc, struct rte_crypto_op *op, uint8_t *src,
		   uint8_t *dst, uint32_t len)
{
	struct vc_op_priv *priv = op_priv(op);

	if (len == 0 || len > UINT16_MAX || src == NULL || dst == NULL)
		return false;
	op->sym->m_src = guest_mbuf(op, 0, dst, len);
	op->sym->m_dst = NULL;
	if (src != dst)
		memmove(dst, src, len);
	priv->zero_copy = true;
	vc->stats.zero_copy_ops++;
	return true;
}

/*
 * Where a request's pieces are, found in one pass over each stream:
 * readable header (fixed part and keys), IV, source, AAD; writable
 * destination, then digest or tag. NULL for a piece that is empty or not
 * contiguous in host memory (it is then copied).
 */
struct req_pieces {
	uint8_t *iv, *src, *aad;
	uint8_t *dst, *digest;
};

static inline void
find_pieces(const struct vc_chain *c, uint32_t hdr, uint32_t iv_len, uint32_t src_len,
	    uint32_t aad_len, uint32_t dst_len, uint32_t digest_len, struct req_pieces *p)
{
	struct vc_chain_cursor k;

	vc_chain_cursor_init(&k, c, false);
	vc_chain_cursor_take(&k, hdr);	/* never empty: it has the header */
	p->iv = iv_len ? vc_chain_cursor_take(&k, iv_len) : NULL;
	p->src = src_len ? vc_chain_cursor_take(&k, src_len) : NULL;
	p->aad = aad_len ? vc_chain_cursor_take(&k, aad_len) : NULL;
	vc_chain_cursor_init(&k, c, true);
	p->dst = dst_len ? vc_chain_cursor_take(&k, dst_len) : NULL;
	p->digest = digest_len ? vc_chain_cursor_take(&k, digest_len) : NULL;
}

/* Copy a piece found by find_pieces(), or read it from the chain at `off`. */
static inline int
read_piece(const struct vc_chain *c, const uint8_t *at, uint32_t off, void *dst, uint32_t len)
{
	if (at != NULL) {
		/* the IV lengths there are: copies of a constant size */
		if (len == 16)
			memcpy(dst, at, 16);
		else if (len == 12)
			memcpy(dst, at, 12);
		else
			memcpy(dst, at, len);
		return 0;
	}
	return vc_chain_read(c, off, dst, len);
}

/*
 * The op is built: record what goes back to the guest on completion (the
 * output from data_off in m_src, then digest_len bytes from digest) and
 * attach the session of the device the op was routed to.
 */
static uint8_t
op_ready(struct rte_crypto_op *op, const struct vc_session *sess,
	 uint32_t data_off, uint32_t dst_len, uint16_t digest_len, uint8_t *digest)
{
	struct vc_op_priv *priv = op_priv(op);

	priv->data_off = data_off;
	priv->dst_len = dst_len;
	priv->digest_len = digest_len;
	priv->digest = digest;
	/* Requests count bytes; the 3GPP algorithms' cryptodevs count bits. */
	if (sess->cipher_in_bits) {
		op->sym->cipher.data.offset <<= 3;
		op->sym->cipher.data.length <<= 3;
	}
	if (sess->auth_in_bits) {
		op->sym->auth.data.offset <<= 3;
		op->sym->auth.data.length <<= 3;
	}
	if (!sess->stateless)
		rte_crypto_op_attach_sym_session(op, sess->crypto_sess[priv->dev]);
	return VIRTIO_CRYPTO_OK;
}

/*
 * The device an op goes to: the main one, unless it is known to get this
 * op wrong (see vhost_crypto_quirks.h). VC_STATUS_UNROUTABLE if it is and
 * there is no fallback (or the fallback has no session): failing beats a
 * wrong result.
 */
#define VC_DEV_NONE	0xff

static uint8_t
route_op(struct vhost_crypto *vc, const struct vc_session *sess,
	 uint64_t data_len, bool hashes_nothing)
{
	bool avoid = (!sess->stateless && sess->crypto_sess[VC_DEV_MAIN] == NULL) ||
		     ((vc->quirks & VC_QUIRK_SGL_OUTPUT_LOST_FROM_64K) &&
		      data_len >= 65536) ||
		     ((vc->quirks & VC_QUIRK_EMPTY_HASH_CORRUPTS) && hashes_nothing &&
		      sess->hmac);

	if (!avoid)
		return VC_DEV_MAIN;
	/* A stateless request's session is made later, on the device chosen. */
	if (sess->stateless ? vc->nb_cdevs < 2 : sess->crypto_sess[VC_DEV_FALLBACK] == NULL)
		return VC_DEV_NONE;
	vc->stats.fallback_ops++;
	return VC_DEV_FALLBACK;
}

/*
 * Build the op for a symmetric cipher or chain request. Returns a virtio
 * status: OK with the op ready, anything else to complete the chain with.
 */
static uint8_t
build_cipher_op(struct vhost_crypto *vc, const struct vc_chain *c,
		const struct vc_data_request *rq,
		const struct vc_session *sess, struct rte_crypto_op *op)
{
	const uint32_t hdr = rq->fixed_len + rq->keys_len;
	struct vc_op_priv *priv = op_priv(op);
	struct rte_crypto_sym_op *sym = op->sym;
	uint32_t op_type = rq->op_type;
	uint32_t iv_len = rq->iv_len, src_len = rq->src_len, dst_len = rq->dst_len;
	uint32_t digest_len = 0;
	uint8_t *digest = NULL;
	struct req_pieces pc;

	if (op_type != sess->op_type)
		return VIRTIO_CRYPTO_BADMSG;
	if (op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
		digest_len = rq->result_len;
		if (rq->aad_len != 0 || digest_len != sess->digest_len)
			return VIRTIO_CRYPTO_BADMSG;
		/* 64-bit sums: offsets and lengths are guest-chosen. */
		if ((uint64_t)rq->cipher_off + rq->cipher_len > src_len ||
		    (uint64_t)rq->hash_off + rq->hash_len > src_len)
			return VIRTIO_CRYPTO_BADMSG;
		sym->cipher.data.offset = rq->cipher_off;
		sym->cipher.data.length = rq->cipher_len;
		sym->auth.data.offset = rq->hash_off;
		sym->auth.data.length = rq->hash_len;
	}
	/*
	 * ECB and CBC over a partial block: a PMD may return SUCCESS having
	 * left the tail alone (aesni_mb does). The guest gets BADMSG instead.
	 */
	if (sess->cipher_block != 0 &&
	    ((op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER ? src_len : rq->cipher_len) &
	     (sess->cipher_block - 1)) != 0)
		return VIRTIO_CRYPTO_BADMSG;
	if (iv_len != sess->iv_len || iv_len > sizeof(priv->iv) ||
	    dst_len != src_len || src_len > vc->conf.max_size) {
		/* A cipher writes as many bytes as it reads. */
		VC_LOG(DEBUG, "chain %u: iv %u (session %u), src %u, dst %u, max %u",
		       c->head, iv_len, sess->iv_len, src_len, dst_len,
		       vc->conf.max_size);
		return VIRTIO_CRYPTO_BADMSG;
	}
	/* readable: header, iv, src; writable: dst, digest, status */
	if ((uint64_t)hdr + iv_len + src_len > c->in_len ||
	    (uint64_t)dst_len + digest_len + 1 > c->out_len) {
		VC_LOG(DEBUG, "chain %u: %u+%u+%u readable, %u+%u+1 writable needed;"
		       " chain has %u (%u segs) and %u (%u segs)", c->head, hdr,
		       iv_len, src_len, dst_len, digest_len, c->in_len, c->nb_in,
		       c->out_len, c->nb_out);
		return VIRTIO_CRYPTO_BADMSG;
	}

	find_pieces(c, hdr, iv_len, src_len, 0, dst_len, digest_len, &pc);
	if (read_piece(c, pc.iv, hdr, priv->iv, iv_len) != 0)
		return VIRTIO_CRYPTO_BADMSG;
	priv->dev = route_op(vc, sess, (uint64_t)src_len + digest_len,
			     op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING &&
			     sym->auth.data.length == 0);
	if (priv->dev == VC_DEV_NONE)
		return VIRTIO_CRYPTO_ERR;
	/* The output lands in the guest: dst_len counts it, none to copy. */
	if (vc->zero_copy && op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER &&
	    zero_copy_bufs(vc, op, pc.src, src_len, pc.dst, dst_len)) {
		sym->cipher.data.offset = 0;
		sym->cipher.data.length = src_len;
		return op_ready(op, sess, 0, dst_len, 0, NULL);
	}
	/* A chain in place, its digest written where the guest wants it. */
	if (vc->zero_copy && op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING &&
	    pc.digest != NULL && zero_copy_in_place(vc, op, pc.src, pc.dst, src_len)) {
		sym->auth.digest.data = pc.digest;
		sym->auth.digest.phys_addr = RTE_BAD_IOVA;
		return op_ready(op, sess, 0, dst_len + digest_len, 0, NULL);
	}
	sym->m_src = mbuf_from_chain(vc->mbuf_pool, c, hdr + iv_len, src_len,
				     0, NULL, digest_len, &digest);
	if (sym->m_src == NULL)
		return VC_STATUS_RETRY;
	sym->m_dst = NULL;
	if (op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		sym->cipher.data.offset = 0;
		sym->cipher.data.length = src_len;
	} else {
		sym->auth.digest.data = digest;
		sym->auth.digest.phys_addr = mbuf_iova_of(sym->m_src, digest);
	}
	return op_ready(op, sess, 0, dst_len, digest_len, digest);
}

/* HASH and MAC requests: src | hash_result, status. */
static uint8_t
build_hash_op(struct vhost_crypto *vc, const struct vc_chain *c,
	      const struct vc_data_request *rq,
	      const struct vc_session *sess, struct rte_crypto_op *op)
{
	const uint32_t hdr = rq->fixed_len + rq->keys_len;
	struct vc_op_priv *priv = op_priv(op);
	uint32_t src_len = rq->src_len;
	uint32_t result_len = rq->result_len;
	uint8_t *digest = NULL;

	if (result_len != sess->digest_len || src_len > vc->conf.max_size ||
	    (uint64_t)hdr + src_len > c->in_len || (uint64_t)result_len + 1 > c->out_len)
		return VIRTIO_CRYPTO_BADMSG;
	priv->dev = route_op(vc, sess, src_len, src_len == 0);
	if (priv->dev == VC_DEV_NONE)
		return VIRTIO_CRYPTO_ERR;
	/* Zero-copy: the message read in place, the result written in place. */
	if (vc->zero_copy) {
		struct req_pieces pc;

		/* the result is the writable stream's first piece */
		find_pieces(c, hdr, 0, src_len, 0, result_len, 0, &pc);
		if (pc.dst != NULL && zero_copy_bufs(vc, op, pc.src, src_len, NULL, 0)) {
			op->sym->auth.data.offset = 0;
			op->sym->auth.data.length = src_len;
			op->sym->auth.digest.data = pc.dst;
			return op_ready(op, sess, 0, result_len, 0, NULL);
		}
	}
	op->sym->m_src = mbuf_from_chain(vc->mbuf_pool, c, hdr, src_len, 0, NULL,
					 result_len, &digest);
	if (op->sym->m_src == NULL)
		return VC_STATUS_RETRY;
	op->sym->m_dst = NULL;
	op->sym->auth.data.offset = 0;
	op->sym->auth.data.length = src_len;
	op->sym->auth.digest.data = digest;
	op->sym->auth.digest.phys_addr = mbuf_iova_of(op->sym->m_src, digest);
	return op_ready(op, sess, 0, 0, result_len, digest);
}

/*
 * AEAD requests: iv, src, aad | dst, status. Encrypt reads plaintext and
 * writes ciphertext then tag; decrypt reads ciphertext then tag and writes
 * plaintext, or fails with BADMSG when the tag does not match.
 *
 * The op's mbuf holds [AAD area | text | tag], or [text | tag] with the AAD
 * area in a buffer from the AAD pool when it is longer than
 * VC_AEAD_LEAD_MAX. DPDK's CCM wants the nonce at IV byte 1 and the AAD at
 * byte 18 of its area (both before are for the PMD); GCM and
 * ChaCha20-Poly1305 take them as they are.
 */
static uint8_t
build_aead_op(struct vhost_crypto *vc, const struct vc_chain *c,
	      const struct vc_data_request *rq,
	      const struct vc_session *sess, struct rte_crypto_op *op)
{
	const uint32_t hdr = rq->fixed_len + rq->keys_len;
	struct vc_op_priv *priv = op_priv(op);
	struct rte_crypto_sym_op *sym = op->sym;
	bool ccm = sess->rte_algo == RTE_CRYPTO_AEAD_AES_CCM;
	bool enc = sess->direction == VIRTIO_CRYPTO_OP_ENCRYPT;
	uint32_t iv_len = rq->iv_len;
	uint32_t aad_len = rq->aad_len;
	uint32_t src_len = rq->src_len;
	uint32_t dst_len = rq->dst_len;
	uint32_t tag = sess->digest_len, text_len, aad_at, lead, mbuf_lead;
	uint8_t *aad = NULL, *digest = NULL;
	struct req_pieces pc;

	if (iv_len != sess->iv_len || iv_len + (ccm ? 1 : 0) > sizeof(priv->iv) ||
	    aad_len != sess->aad_len || src_len > vc->conf.max_size)
		return VIRTIO_CRYPTO_BADMSG;
	if (enc ? (uint64_t)dst_len != (uint64_t)src_len + tag :
		  (src_len < tag || dst_len != src_len - tag))
		return VIRTIO_CRYPTO_BADMSG;
	if ((uint64_t)hdr + iv_len + src_len + aad_len > c->in_len ||
	    (uint64_t)dst_len + 1 > c->out_len)
		return VIRTIO_CRYPTO_BADMSG;
	priv->dev = route_op(vc, sess, 0, false);	/* AEAD avoids both defects */
	if (priv->dev == VC_DEV_NONE)
		return VIRTIO_CRYPTO_ERR;
	text_len = enc ? src_len : src_len - tag;
	aad_at = ccm ? VC_CCM_AAD_OFFSET : 0;
	lead = RTE_ALIGN_CEIL(aad_at + aad_len, 16);

	find_pieces(c, hdr, iv_len, src_len, aad_len, dst_len, 0, &pc);
	memset(priv->iv, 0, sizeof(priv->iv));
	if (read_piece(c, pc.iv, hdr, priv->iv + (ccm ? 1 : 0), iv_len) != 0)
		return VIRTIO_CRYPTO_BADMSG;
	/*
	 * Zero-copy, except for CCM (its PMDs want the AAD 18 bytes into a
	 * buffer of their own): text, tag and AAD in place, out of place from
	 * guest source to guest destination.
	 */
	if (vc->zero_copy && !ccm) {
		uint8_t *tag_at = enc ? pc.dst : pc.src;
		uint8_t *guest_aad = aad_len ? pc.aad : priv->iv;

		if (tag_at && guest_aad &&
		    zero_copy_bufs(vc, op, pc.src, text_len, pc.dst, text_len)) {
			sym->aead.data.offset = 0;
			sym->aead.data.length = text_len;
			sym->aead.aad.data = guest_aad;
			sym->aead.digest.data = tag_at + text_len;
			return op_ready(op, sess, 0, dst_len, 0, NULL);
		}
	}
	/* On failure, and on RETRY, the caller frees what the op holds. */
	mbuf_lead = lead;
	if (lead > VC_AEAD_LEAD_MAX) {
		void *buf;

		if (rte_mempool_get(vc->aad_pool, &buf) != 0)
			return VC_STATUS_RETRY;
		priv->aad_buf = aad = buf;
		mbuf_lead = 0;
	}
	sym->m_src = mbuf_from_chain(vc->mbuf_pool, c, hdr + iv_len, text_len,
				     mbuf_lead, &aad, tag, &digest);
	if (sym->m_src == NULL)
		return VC_STATUS_RETRY;
	/* The PMD's bytes before the AAD, and the padding after it. */
	memset(aad, 0, aad_at);
	memset(aad + aad_at + aad_len, 0, lead - aad_at - aad_len);
	if (vc_chain_read(c, hdr + iv_len + src_len, aad + aad_at, aad_len) != 0 ||
	    (!enc && vc_chain_read(c, hdr + iv_len + text_len, digest, tag) != 0))
		return VIRTIO_CRYPTO_BADMSG;
	sym->m_dst = NULL;
	sym->aead.data.offset = mbuf_lead;
	sym->aead.data.length = text_len;
	sym->aead.aad.data = aad;
	sym->aead.aad.phys_addr = priv->aad_buf != NULL ?
		rte_mempool_virt2iova(priv->aad_buf) : rte_pktmbuf_iova(sym->m_src);
	sym->aead.digest.data = digest;
	sym->aead.digest.phys_addr = mbuf_iova_of(sym->m_src, digest);
	return op_ready(op, sess, mbuf_lead, text_len, enc ? tag : 0, digest);
}

/*
 * AKCIPHER (RSA) requests: src | dst, status; a VERIFY reads both (src the
 * signature, dst the digest) and writes only its status. A modulus at most
 * each way, so always copied, into the op's scratch area.
 */
static uint8_t
build_akcipher_op(const struct vc_chain *c, const struct vc_data_request *rq,
		  const struct vc_session *sess, struct rte_crypto_op *op)
{
	uint8_t src[VC_RSA_MAX_MOD_BYTES], digest[VC_RSA_MAX_MOD_BYTES];
	struct vc_op_priv *priv = op_priv(op);
	bool verify = rq->opcode == VIRTIO_CRYPTO_AKCIPHER_VERIFY;
	uint64_t in_needed = (uint64_t)rq->fixed_len + rq->src_len + (verify ? rq->dst_len : 0);
	uint64_t out_needed = (verify ? 0 : (uint64_t)rq->dst_len) + 1;
	int rc;

	if (rq->src_len > sizeof(src) || (verify && rq->dst_len > sizeof(digest)) ||
	    in_needed > c->in_len || out_needed > c->out_len)
		return VIRTIO_CRYPTO_BADMSG;
	if (vc_chain_read(c, rq->fixed_len, src, rq->src_len) != 0 ||
	    (verify && vc_chain_read(c, rq->fixed_len + rq->src_len, digest, rq->dst_len) != 0))
		return VIRTIO_CRYPTO_BADMSG;
	__rte_crypto_op_reset(op, RTE_CRYPTO_OP_TYPE_ASYMMETRIC);
	priv->dev = sess->rsa_dev;
	rc = vc_rsa_op_prepare(op, sess->rsa, rq->opcode, src, rq->src_len,
			       verify ? digest : NULL, rq->dst_len, &priv->rsa,
			       op->phys_addr + ((uint8_t *)&priv->rsa - (uint8_t *)op));
	return vc_rsa_errno_to_status(rc);
}

/*
 * A stateless request: read its keys (after the fixed part), check its
 * inline session and build the transforms its op will get a session from.
 * `keys` and `x` must live until attach_stateless_session().
 */
static uint8_t
stateless_session(const struct vc_chain *c, const struct vc_data_request *rq,
		  struct vc_session_params *params, uint8_t *keys,
		  struct rte_crypto_sym_xform x[2], struct vc_session *sess)
{
	int rc;

	if ((uint64_t)rq->fixed_len + rq->keys_len > c->in_len ||
	    vc_chain_read(c, rq->fixed_len, keys, rq->keys_len) != 0)
		return VIRTIO_CRYPTO_BADMSG;
	params->cipher_key = params->cipher_key_len ? keys : NULL;
	params->auth_key = params->auth_key_len ? keys + params->cipher_key_len : NULL;
	rc = vc_session_params_xforms(params, x);
	if (rc != 0)
		return rc == -ENOTSUP ? VIRTIO_CRYPTO_NOTSUPP : VIRTIO_CRYPTO_BADMSG;
	memset(sess, 0, sizeof(*sess));
	vc_session_describe(sess, params);
	sess->stateless = true;
	return VIRTIO_CRYPTO_OK;
}

/*
 * Give a built stateless op a session of its own on the device it was
 * routed to, or on the fallback if the main device refuses the transform
 * (as aesni_mb refuses some chains). Freed when the op completes.
 */
static uint8_t
attach_stateless_session(struct vhost_crypto *vc, struct rte_crypto_op *op,
			 struct rte_crypto_sym_xform x[2])
{
	struct vc_op_priv *priv = op_priv(op);
	struct vc_session_table *t = &vc->sessions;
	void *sess;

	sess = vc_sym_session_create_on(t->cdev_id[priv->dev], x,
						t->stateless_pool[priv->dev]);
	if (sess == NULL && priv->dev == VC_DEV_MAIN && t->nb_devs > 1) {
		sess = vc_sym_session_create_on(t->cdev_id[VC_DEV_FALLBACK], x,
							t->stateless_pool[VC_DEV_FALLBACK]);
		if (sess != NULL) {
			priv->dev = VC_DEV_FALLBACK;
			vc->stats.fallback_ops++;
		}
	}
	if (sess == NULL)
		return rte_errno == ENOMEM ? VIRTIO_CRYPTO_ERR : VIRTIO_CRYPTO_NOTSUPP;
	rte_crypto_op_attach_sym_session(op, sess);
	priv->own_session = true;
	vc->stats.stateless_ops++;
	return VIRTIO_CRYPTO_OK;
}

/*
 * Parse one chain into an op. Returns VIRTIO_CRYPTO_OK with `op` ready to
 * enqueue, or the status to complete the chain with.
 */
static uint8_t
request_to_op(struct vhost_crypto *vc, const struct vc_chain *c,
	      struct rte_crypto_op *op)
{
	union vc_data_request_buf fixed;
	uint8_t keys[VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN +
		     VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN];
	struct rte_crypto_sym_xform x[2];
	struct vc_session_params params;
	struct vc_data_request rq;
	struct vc_session inline_sess;
	const struct vc_session *sess;
	const uint32_t hdr_len = sizeof(fixed.header);
	uint32_t n;
	uint8_t status;

	/*
	 * The one read of the fixed part from guest memory: the header, which
	 * says how long the rest is, then the rest. Nearly always the first
	 * segment holds both, and the rest is one of the session-mode sizes:
	 * plain copies of a constant size, no walk over the segments.
	 */
	if (likely(c->nb_in > 0 && c->segs[0].len >= hdr_len))
		memcpy(&fixed.header, c->segs[0].addr, hdr_len);
	else if (vc_chain_read(c, 0, &fixed.header, hdr_len) != 0)
		return VIRTIO_CRYPTO_BADMSG;
	n = RTE_MIN(vc_data_request_fixed_len(&fixed.header, vc->features),
		    (uint32_t)sizeof(fixed));
	/* The header was there: n >= hdr_len */
	n = RTE_MIN(RTE_MAX(n, hdr_len), c->in_len);
	if (likely(n <= c->segs[0].len)) {
		uint8_t *to = fixed.bytes + hdr_len;
		const uint8_t *from = c->segs[0].addr + hdr_len;

		switch (n - hdr_len) {
		case 48:	/* CIPHER with REVISION_1, every legacy request */
			memcpy(to, from, 48);
			break;
		case 24:	/* AEAD */
			memcpy(to, from, 24);
			break;
		case 8:		/* HASH, MAC, AKCIPHER */
			memcpy(to, from, 8);
			break;
		default:
			memcpy(to, from, n - hdr_len);
			break;
		}
	} else if (vc_chain_read(c, hdr_len, fixed.bytes + hdr_len, n - hdr_len) != 0) {
		return VIRTIO_CRYPTO_BADMSG;
	}
	/*
	 * The decoder's contract: zero past what was read, but for a
	 * session-mode request, which it reads no further than its own part.
	 */
	if (unlikely((vc->features & (1ULL << VIRTIO_CRYPTO_F_REVISION_1)) &&
		     !(rte_le_to_cpu_32(fixed.header.flag) & VIRTIO_CRYPTO_FLAG_SESSION_MODE)))
		memset(fixed.bytes + n, 0, sizeof(fixed) - n);
	status = vc_data_request_decode(&fixed, n, vc->features, &rq, &params);
	if (status != VIRTIO_CRYPTO_OK)
		return status;
	/* Stateless AKCIPHER is never offered. */
	if (rq.service == VIRTIO_CRYPTO_SERVICE_AKCIPHER && rq.stateless)
		return VIRTIO_CRYPTO_NOTSUPP;

	if (rq.stateless) {
		status = stateless_session(c, &rq, &params, keys, x, &inline_sess);
		if (status != VIRTIO_CRYPTO_OK)
			goto out;
		sess = &inline_sess;
	} else {
		sess = vc_session_lookup(&vc->sessions, rq.session_id);
		if (sess == NULL || sess->service != rq.service)
			return VIRTIO_CRYPTO_INVSESS;
	}
	switch (sess->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		/* The session fixes the direction; the opcode (op 0: encrypt) must agree. */
		if (((rq.opcode & 0xff) == 0) != (sess->direction == VIRTIO_CRYPTO_OP_ENCRYPT)) {
			status = VIRTIO_CRYPTO_BADMSG;
			break;
		}
		status = sess->service == VIRTIO_CRYPTO_SERVICE_CIPHER ?
			build_cipher_op(vc, c, &rq, sess, op) :
			build_aead_op(vc, c, &rq, sess, op);
		break;
	case VIRTIO_CRYPTO_SERVICE_AKCIPHER:
		status = build_akcipher_op(c, &rq, sess, op);
		break;
	default:
		status = build_hash_op(vc, c, &rq, sess, op);
		break;
	}
	if (status == VIRTIO_CRYPTO_OK && rq.stateless)
		status = attach_stateless_session(vc, op, x);
out:
	if (rq.stateless) {
		explicit_bzero(keys, rq.keys_len);
		explicit_bzero(params.auth_key_folded, sizeof(params.auth_key_folded));
	}
	return status;
}

static uint8_t
op_status_to_virtio(const struct rte_crypto_op *op)
{
	switch (op->status) {
	case RTE_CRYPTO_OP_STATUS_SUCCESS:
		return VIRTIO_CRYPTO_OK;
	case RTE_CRYPTO_OP_STATUS_AUTH_FAILED:
		return VIRTIO_CRYPTO_BADMSG;
	case RTE_CRYPTO_OP_STATUS_INVALID_SESSION:
		return VIRTIO_CRYPTO_INVSESS;
	case RTE_CRYPTO_OP_STATUS_INVALID_ARGS:
		return VIRTIO_CRYPTO_BADMSG;
	default:
		return VIRTIO_CRYPTO_ERR;
	}
}

/* An AKCIPHER op is done: its output (if any) goes to dst. */
static void
finish_asym_op(struct vhost_crypto *vc, struct rte_crypto_op *op)
{
	struct vc_op_priv *priv = op_priv(op);
	struct vc_chain *c = &vc->rings[priv->ring].slots[priv->slot];
	const uint8_t *out = NULL;
	uint32_t out_len = 0;
	uint8_t status;

	status = vc_rsa_op_finish(op, &priv->rsa, &out, &out_len);
	if (status != VIRTIO_CRYPTO_OK)
		out_len = 0;
	else if (out_len > 0)
		vc_chain_write(c, 0, out, out_len);
	complete_chain(vc, priv->ring, priv->slot, status, out_len);
	rte_crypto_op_free(op);
}

/* A symmetric op is done: its output goes back and it lets go of the chain. */
static void
finish_sym_op(struct vhost_crypto *vc, struct rte_crypto_op *op)
{
	struct vc_op_priv *priv = op_priv(op);
	struct vc_chain *c = &vc->rings[priv->ring].slots[priv->slot];
	uint32_t written = 0;
	uint8_t status;

	status = op_status_to_virtio(op);
	if (status == VIRTIO_CRYPTO_OK) {
		if (!priv->zero_copy)
			mbuf_to_chain(op->sym->m_src, priv->data_off, c, 0, priv->dst_len);
		if (priv->digest_len)
			vc_chain_write(c, priv->dst_len, priv->digest, priv->digest_len);
		written = priv->dst_len + priv->digest_len;
	}
	complete_chain(vc, priv->ring, priv->slot, status, written);
	if (priv->own_session)
		rte_cryptodev_sym_session_free(vc->cdevs[priv->dev].id, op->sym->session);
	op_put_bufs(vc, op);
}

static void
finish_op(struct vhost_crypto *vc, struct rte_crypto_op *op)
{
	if (op->type == RTE_CRYPTO_OP_TYPE_ASYMMETRIC) {
		finish_asym_op(vc, op);
		return;
	}
	finish_sym_op(vc, op);
	rte_crypto_op_free(op);
}

static unsigned int
dequeue_completed(struct vhost_crypto *vc, struct vc_cdev *d)
{
	struct rte_crypto_op *ops[VC_BURST_MAX];
	uint16_t n, i, nb_sym = 0;

	if (d->inflight == 0)
		return 0;
	n = rte_cryptodev_dequeue_burst(d->id, d->qp, ops, VC_BURST_MAX);
	for (i = 0; i < n; i++) {
		if (ops[i]->type == RTE_CRYPTO_OP_TYPE_ASYMMETRIC) {
			finish_asym_op(vc, ops[i]);
			continue;
		}
		finish_sym_op(vc, ops[i]);
		ops[nb_sym++] = ops[i];	/* all from the op pool: back in one go */
	}
	if (nb_sym > 0)
		rte_mempool_put_bulk(vc->op_pool, (void **)ops, nb_sym);
	d->inflight -= n;
	return n;
}

/*
 * Offer the backlog to the device; keep what it does not take, in order.
 * An op it did not take but did process (crypto_openssl does RSA as it
 * enqueues and leaves a failed op behind, its status set) is finished
 * here: offering it again would fail it again, forever.
 */
static void
enqueue_backlog(struct vhost_crypto *vc, struct vc_cdev *d)
{
	uint16_t n, done = 0;

	while (d->nb_backlog > done) {
		n = rte_cryptodev_enqueue_burst(d->id, d->qp, d->backlog + done,
						d->nb_backlog - done);
		d->inflight += n;
		done += n;
		if (done == d->nb_backlog)
			break;
		if (d->backlog[done]->status == RTE_CRYPTO_OP_STATUS_NOT_PROCESSED) {
			vc->stats.enqueue_retries++;
			break;
		}
		finish_op(vc, d->backlog[done++]);
	}
	if (done > 0 && done < d->nb_backlog)
		memmove(d->backlog, d->backlog + done,
			(d->nb_backlog - done) * sizeof(d->backlog[0]));
	d->nb_backlog -= done;
}

static uint16_t
backlog_room(const struct vhost_crypto *vc)
{
	uint16_t used = 0, i;

	for (i = 0; i < vc->nb_cdevs; i++)
		used = RTE_MAX(used, vc->cdevs[i].nb_backlog);
	return VC_BURST_MAX - used;
}

/*
 * Take the next chain of a ring into a free slot. Returns the slot, with
 * *err OK or BAD (the chain is the device's until pushed), or VC_NO_SLOT
 * when there is nothing to take now: the ring is empty or broken; the
 * chain is long and every spill array is lent to a chain in flight (it
 * stays in the ring until one completes); or the driver offered a chain
 * the device still owns (then the ring breaks, and that chain is left
 * where it was).
 */
static uint16_t
take_chain(struct vc_ring *r, enum vc_chain_error *err)
{
	uint16_t slot = r->free_slots[--r->nb_free];
	struct vc_chain *c = &r->slots[slot];

	c->spill = r->nb_spills > 0 ? r->spills[r->nb_spills - 1] : NULL;
	*err = vc_vring_pop(&r->vr, c);
	if (*err == VC_CHAIN_EMPTY || *err == VC_CHAIN_RING_BROKEN ||
	    *err == VC_CHAIN_WANTS_SPILL || r->slot_of_head[c->head] != VC_NO_SLOT) {
		if (*err == VC_CHAIN_WANTS_SPILL) {
			vc_vring_unpop(&r->vr, c);
		} else if (*err == VC_CHAIN_OK || *err == VC_CHAIN_BAD) {
			vc_vring_unpop(&r->vr, c);
			vc_vring_set_broken(&r->vr, "a chain made available twice");
		}
		c->segs = c->inline_segs;	/* the spill was only lent */
		r->free_slots[r->nb_free++] = slot;
		return VC_NO_SLOT;
	}
	if (c->segs == c->spill)
		r->nb_spills--;
	r->slot_of_head[c->head] = slot;
	r->requests++;
	return slot;
}

/* What a chain costs its ring's credit (VC_POLL_QUANTUM, VC_POLL_FREE). */
static inline int64_t
chain_cost(const struct vc_chain *c)
{
	uint64_t bytes = (uint64_t)c->in_len + c->out_len;

	return bytes > VC_POLL_FREE ? (int64_t)(bytes - VC_POLL_FREE) : 0;
}

/* Undo take_chain() on a chain not yet looked at: it is taken again later. */
static void
give_back_chain(struct vc_ring *r, uint16_t slot)
{
	struct vc_chain *c = &r->slots[slot];

	vc_vring_unpop(&r->vr, c);
	r->slot_of_head[c->head] = VC_NO_SLOT;
	r->credit += chain_cost(c);	/* paid when taken again */
	free_slot(r, slot);
	r->requests--;
}

/*
 * Start loading what request_to_op() reads first: the header (the first
 * two lines of the readable stream) and the IV or data after it, when they
 * are a segment of their own.
 */
static inline void
prefetch_request(const struct vc_chain *c)
{
	if (c->nb_in == 0)
		return;
	rte_prefetch0(c->segs[0].addr);
	if (c->segs[0].len > RTE_CACHE_LINE_SIZE)
		rte_prefetch0(c->segs[0].addr + RTE_CACHE_LINE_SIZE);
	if (c->nb_in > 1)
		rte_prefetch0(c->segs[1].addr);
}

/*
 * Take up to `burst` requests of a ring into ops, while its credit lasts
 * (VC_POLL_QUANTUM). The chains are all taken before any is parsed, and
 * the memory of each is prefetched as it is taken: the driver wrote all of
 * it on another core, and one chain's loads wait for each other, so a
 * burst read chain by chain would pay every miss in turn.
 */
static unsigned int
take_requests(struct vhost_crypto *vc, uint16_t ring, unsigned int burst)
{
	struct vc_ring *r = &vc->rings[ring];
	struct rte_crypto_op *ops[VC_BURST_MAX];
	enum vc_chain_error errs[VC_BURST_MAX];
	uint16_t slots[VC_BURST_MAX];
	unsigned int n, i, taken, done = 0;

	r->credit = RTE_MIN(r->credit + VC_POLL_QUANTUM, (int64_t)VC_POLL_QUANTUM);
	if (r->credit <= 0)
		return 0;	/* its last large requests are still being paid for */
	n = RTE_MIN(vc_vring_avail_count(&r->vr), (unsigned int)r->nb_free);
	n = RTE_MIN(n, RTE_MIN(burst, (unsigned int)backlog_room(vc)));
	if (n == 0)
		return 0;
	if (rte_crypto_op_bulk_alloc(vc->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
				     ops, n) != n)
		return 0;	/* op pool empty: wait for completions */

	vc_vring_prefetch(&r->vr, n);
	for (taken = 0; taken < n && (r->credit > 0 || taken < VC_POLL_BATCH); taken++) {
		const struct vc_chain *c;

		slots[taken] = take_chain(r, &errs[taken]);
		if (slots[taken] == VC_NO_SLOT)
			break;
		c = &r->slots[slots[taken]];
		r->credit -= chain_cost(c);
		if (errs[taken] == VC_CHAIN_OK)
			prefetch_request(c);
	}
	if (taken < n)
		rte_mempool_put_bulk(vc->op_pool, (void **)&ops[taken], n - taken);
	/*
	 * What the driver made available since: its tables start coming
	 * now, while this burst is built and ciphered, and are there when
	 * the next poll takes them.
	 */
	vc_vring_prefetch(&r->vr, RTE_MIN(vc_vring_avail_count(&r->vr), burst));

	for (i = 0; i < taken; i++) {
		uint16_t slot = slots[i];
		struct vc_chain *c = &r->slots[slot];
		struct vc_cdev *d;
		uint8_t status;

		vc->stats.requests++;
		if (errs[i] == VC_CHAIN_BAD) {
			vc->stats.bad_requests++;
			complete_chain(vc, ring, slot, VIRTIO_CRYPTO_BADMSG, 0);
			rte_crypto_op_free(ops[i]);
			done++;
			continue;
		}
		op_priv(ops[i])->ring = ring;
		op_priv(ops[i])->slot = slot;
		op_priv(ops[i])->zero_copy = false;
		op_priv(ops[i])->own_session = false;
		op_priv(ops[i])->aad_buf = NULL;
		status = request_to_op(vc, c, ops[i]);
		if (status == VC_STATUS_RETRY) {
			unsigned int k;

			op_put_bufs(vc, ops[i]);
			vc->stats.requests--;
			/* This chain and those after it go back, last taken first. */
			for (k = taken; k > i; k--)
				give_back_chain(r, slots[k - 1]);
			rte_mempool_put_bulk(vc->op_pool, (void **)&ops[i], taken - i);
			break;
		}
		if (status != VIRTIO_CRYPTO_OK) {
			if (status == VIRTIO_CRYPTO_BADMSG)
				vc->stats.bad_requests++;
			complete_chain(vc, ring, slot, status, 0);
			/* Built as far as it got: what it holds goes with it. */
			op_put_bufs(vc, ops[i]);
			rte_crypto_op_free(ops[i]);
			done++;
			continue;
		}
		d = &vc->cdevs[op_priv(ops[i])->dev];
		d->backlog[d->nb_backlog++] = ops[i];
	}
	return done;
}

/* ------------------------------------------------------------------ */
/* The control ring (full-device mode)                                 */
/* ------------------------------------------------------------------ */

static uint8_t
session_errno_to_status(const struct vhost_crypto *vc, int rc)
{
	switch (rc) {
	case -ENOTSUP:
		return VIRTIO_CRYPTO_NOTSUPP;
	case -EBADMSG:
	case -EINVAL:
		return VIRTIO_CRYPTO_BADMSG;
	case -ENOSPC:
		/* NOSPC exists only with REVISION_1; ERR before it. */
		return (vc->features & (1ULL << VIRTIO_CRYPTO_F_REVISION_1)) ?
			VIRTIO_CRYPTO_NOSPC : VIRTIO_CRYPTO_ERR;
	default:
		return VIRTIO_CRYPTO_ERR;
	}
}

/*
 * One control request: create (reply: struct virtio_crypto_session_input
 * at the start of the writable part) or destroy (reply: status byte).
 * Returns the bytes written. Runs on the worker, so a destroy can finish
 * the ops in flight itself before the session goes.
 */
static uint32_t
serve_control_request(struct vhost_crypto *vc, const struct vc_chain *c)
{
	uint8_t keys[RTE_MAX(VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN +
			     VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN, VC_ASYM_MAX_KEY_LEN)];
	struct virtio_crypto_op_ctrl_req req;
	struct virtio_crypto_session_input in = { 0 };
	struct vc_session_params params;
	uint32_t opcode, keys_len = 0, fixed_len;
	uint64_t id = 0;
	uint8_t status;
	bool fits;
	int rc;

	/* The one read of the fixed part; REVISION_1 ones may be short. */
	memset(&req, 0, sizeof(req));
	if (c->in_len < sizeof(req.header) ||
	    vc_chain_read(c, 0, &req, RTE_MIN(c->in_len, (uint32_t)sizeof(req))) != 0)
		return 0;	/* not even a header: no known place for a reply */
	opcode = rte_le_to_cpu_32(req.header.opcode);
	fixed_len = vc_ctrl_request_fixed_len(opcode, vc->features);
	fits = fixed_len != 0 && c->in_len >= fixed_len;

	if ((opcode & 0xff) == 0x03 || opcode == VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION) {
		if (!fits) {
			status = VIRTIO_CRYPTO_BADMSG;
		} else {
			vc_datapath_drain(vc);
			rc = vc_session_destroy(&vc->sessions,
					rte_le_to_cpu_64(req.u.destroy_session.session_id));
			status = rc == 0 ? VIRTIO_CRYPTO_OK : VIRTIO_CRYPTO_INVSESS;
		}
		if (status == VIRTIO_CRYPTO_OK)
			vc->stats.sessions_destroyed++;
		if (c->status == NULL)
			return 0;
		*c->status = status;
		return 1;
	}

	if (!fits) {
		rc = -EBADMSG;
	} else {
		keys_len = RTE_MIN(c->in_len - fixed_len, (uint32_t)sizeof(keys));
		rc = vc_chain_read(c, fixed_len, keys, keys_len) == 0 ?
			vc_session_ctrl_decode(&req, keys, keys_len, &params) : -EBADMSG;
	}
	if (rc == 0)
		rc = vc_session_create(&vc->sessions, &params, &id);
	if (rc == 0) {
		vc->stats.sessions_created++;
		in.session_id = rte_cpu_to_le_64(id);
		in.status = rte_cpu_to_le_32(VIRTIO_CRYPTO_OK);
	} else {
		vc->stats.session_errors++;
		in.status = rte_cpu_to_le_32(session_errno_to_status(vc, rc));
	}
	/* A plain memset of a dying buffer may be optimised away. */
	explicit_bzero(keys, keys_len);
	if (c->out_len < sizeof(in))
		return 0;
	vc_chain_write(c, 0, &in, sizeof(in));
	return sizeof(in);
}

static void
serve_control_ring(struct vhost_crypto *vc)
{
	struct vc_ring *r = &vc->rings[vc->nb_rings];
	unsigned int n;

	if (!r->live || r->vr.broken)
		return;
	n = RTE_MIN(vc_vring_avail_count(&r->vr), (unsigned int)r->nb_free);
	while (n-- > 0) {
		enum vc_chain_error err;
		uint16_t slot = take_chain(r, &err);
		uint32_t written = 0;

		if (slot == VC_NO_SLOT)
			break;
		if (err == VC_CHAIN_OK)
			written = serve_control_request(vc, &r->slots[slot]);
		else
			vc->stats.bad_requests++;
		push_chain(r, slot, written);
	}
	vc_vring_flush(&r->vr, !(vc->conf.flags & VHOST_CRYPTO_F_NO_NOTIFY));
}

unsigned int
vc_datapath_poll(struct vhost_crypto *vc, unsigned int burst)
{
	unsigned int done = 0;
	uint16_t i;

	for (i = 0; i < vc->nb_cdevs; i++) {
		done += dequeue_completed(vc, &vc->cdevs[i]);
		enqueue_backlog(vc, &vc->cdevs[i]);
	}
	for (i = 0; i < vc->nb_rings; i++) {
		if (!vc->rings[i].live || vc->rings[i].vr.broken)
			continue;
		done += take_requests(vc, i, burst);
	}
	for (i = 0; i < vc->nb_cdevs; i++)
		enqueue_backlog(vc, &vc->cdevs[i]);
	for (i = 0; i < vc->nb_rings; i++)
		if (vc->rings[i].live)
			vc_vring_flush(&vc->rings[i].vr,
				       !(vc->conf.flags & VHOST_CRYPTO_F_NO_NOTIFY));
	serve_control_ring(vc);
	return done;
}

/*
 * Wait for every op to come back. There is no giving up: an op still in a
 * device points into guest memory that is about to change or go away. A
 * device that never returns one is logged once a second.
 */
void
vc_datapath_drain(struct vhost_crypto *vc)
{
	uint64_t hz = rte_get_timer_hz(), next_log = rte_get_timer_cycles() + hz;
	bool busy;
	uint16_t i;

	do {
		busy = false;
		for (i = 0; i < vc->nb_cdevs; i++) {
			struct vc_cdev *d = &vc->cdevs[i];

			enqueue_backlog(vc, d);
			dequeue_completed(vc, d);
			busy |= d->nb_backlog > 0 || d->inflight > 0;
		}
		if (busy && rte_get_timer_cycles() > next_log) {
			VC_LOG(WARNING, "%s: still waiting for crypto ops: %u+%u in "
			       "device %u, %u+%u in device %u", vc->path,
			       vc->cdevs[0].inflight, vc->cdevs[0].nb_backlog,
			       vc->cdevs[0].id, vc->cdevs[1].inflight,
			       vc->cdevs[1].nb_backlog, vc->cdevs[1].id);
			next_log += hz;
		}
	} while (busy);
	for (i = 0; i < vc->nb_rings; i++)
		if (vc->rings[i].live)
			vc_vring_flush(&vc->rings[i].vr, true);
}
