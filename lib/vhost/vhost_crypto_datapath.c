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
#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_mbuf.h>

#include "vhost_crypto_dev.h"
#include "vhost_crypto_log.h"
#include "vhost_crypto_quirks.h"
#include "virtio_crypto_wire.h"

static inline struct vc_op_priv *
op_priv(struct rte_crypto_op *op)
{
	return (struct vc_op_priv *)((uint8_t *)op + VC_OP_IV_OFFSET);
}

/* Return a chain with `status` in its last writable byte; free its slot. */
static void
complete_chain(struct vhost_crypto *vc, uint16_t ring, uint16_t slot,
	       uint8_t status, uint32_t written)
{
	struct vc_ring *r = &vc->rings[ring];
	struct vc_chain *c = &r->slots[slot];

	if (c->status_ok) {
		vc_chain_write(c, c->out_len - 1, &status, 1);
		written = RTE_MIN(written + 1, c->out_len);
	} else {
		written = 0;	/* nowhere known to put a status */
	}
	if (status == VIRTIO_CRYPTO_OK)
		vc->stats.completed_ok++;
	else
		vc->stats.completed_err++;
	vc_vring_push(&r->vr, c->head, written);
	r->slot_of_head[c->head] = VC_NO_SLOT;
	r->free_slots[r->nb_free++] = slot;
}

/*
 * Copy `len` bytes of the readable stream from `off` into a new mbuf
 * chain, with `tail` more bytes reserved contiguously at the end (where a
 * digest goes). Returns NULL if the pool is empty.
 */
static struct rte_mbuf *
mbuf_from_chain(struct rte_mempool *mp, const struct vc_chain *c,
		uint32_t off, uint32_t len, uint16_t tail, uint8_t **tail_ptr)
{
	struct rte_mbuf *head = NULL, *last = NULL;
	uint32_t left = len;

	do {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint16_t room, n;
		uint8_t *dst;

		if (m == NULL)
			goto fail;
		room = rte_pktmbuf_tailroom(m);
		n = RTE_MIN(left, (uint32_t)room);
		/* The tail must not straddle segments. */
		if (n == left && room - n < tail && n > 0)
			n = left > tail ? (uint16_t)RTE_MIN(left, (uint32_t)(room - tail)) : n;
		dst = (uint8_t *)rte_pktmbuf_append(m, n);
		if (n > 0 && vc_chain_read(c, off, dst, n) != 0) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		off += n;
		left -= n;
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
			head->pkt_len += m->data_len;
		}
		last = m;
	} while (left > 0);

	if (tail > 0) {
		if (rte_pktmbuf_tailroom(last) < tail) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

			if (m == NULL)
				goto fail;
			last->next = m;
			head->nb_segs++;
			last = m;
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

/* Copy `len` bytes of an mbuf chain into the writable stream at `off`. */
static void
mbuf_to_chain(const struct rte_mbuf *m, const struct vc_chain *c, uint32_t off,
	      uint32_t len)
{
	for (; m != NULL && len > 0; m = m->next) {
		uint32_t n = RTE_MIN(len, (uint32_t)m->data_len);

		vc_chain_write(c, off, rte_pktmbuf_mtod(m, void *), n);
		off += n;
		len -= n;
	}
}

/*
 * Build the op for a symmetric cipher or chain request. Returns a virtio
 * status: OK with the op ready, anything else to complete the chain with.
 */
static uint8_t
build_cipher_op(struct vhost_crypto *vc, const struct vc_chain *c,
		const struct virtio_crypto_op_data_req *req,
		const struct vc_session *sess, struct rte_crypto_op *op)
{
	const uint32_t hdr = sizeof(*req);
	struct vc_op_priv *priv = op_priv(op);
	struct rte_crypto_sym_op *sym = op->sym;
	uint32_t op_type = rte_le_to_cpu_32(req->u.sym_req.op_type);
	uint32_t iv_len, src_len, dst_len, digest_len = 0;
	uint8_t *digest = NULL;

	if (op_type != sess->op_type)
		return VIRTIO_CRYPTO_BADMSG;
	if (op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		const struct virtio_crypto_cipher_para *p = &req->u.sym_req.u.cipher.para;

		iv_len = rte_le_to_cpu_32(p->iv_len);
		src_len = rte_le_to_cpu_32(p->src_data_len);
		dst_len = rte_le_to_cpu_32(p->dst_data_len);
	} else {
		const struct virtio_crypto_alg_chain_data_para *p = &req->u.sym_req.u.chain.para;
		uint32_t cso = rte_le_to_cpu_32(p->cipher_start_src_offset);
		uint32_t ltc = rte_le_to_cpu_32(p->len_to_cipher);
		uint32_t hso = rte_le_to_cpu_32(p->hash_start_src_offset);
		uint32_t lth = rte_le_to_cpu_32(p->len_to_hash);

		iv_len = rte_le_to_cpu_32(p->iv_len);
		src_len = rte_le_to_cpu_32(p->src_data_len);
		dst_len = rte_le_to_cpu_32(p->dst_data_len);
		digest_len = rte_le_to_cpu_32(p->hash_result_len);
		if (rte_le_to_cpu_32(p->aad_len) != 0 || digest_len != sess->digest_len)
			return VIRTIO_CRYPTO_BADMSG;
		/* 64-bit sums: offsets and lengths are guest-chosen. */
		if ((uint64_t)cso + ltc > src_len || (uint64_t)hso + lth > src_len)
			return VIRTIO_CRYPTO_BADMSG;
		sym->cipher.data.offset = cso;
		sym->cipher.data.length = ltc;
		sym->auth.data.offset = hso;
		sym->auth.data.length = lth;
	}
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

	if (vc_chain_read(c, hdr, priv->iv, iv_len) != 0)
		return VIRTIO_CRYPTO_BADMSG;
	priv->dev = VC_DEV_MAIN;
	if ((vc->quirks & VC_QUIRK_SGL_OUTPUT_LOST_FROM_64K) &&
	    (uint64_t)src_len + digest_len >= 65536) {
		/* Would be wrong on the main device; see vhost_crypto_quirks.h */
		if (sess->crypto_sess[VC_DEV_FALLBACK] == NULL)
			return VIRTIO_CRYPTO_ERR;
		priv->dev = VC_DEV_FALLBACK;
		vc->stats.fallback_ops++;
	}
	sym->m_src = mbuf_from_chain(vc->mbuf_pool, c, hdr + iv_len, src_len,
				     digest_len, &digest);
	if (sym->m_src == NULL)
		return VIRTIO_CRYPTO_ERR;	/* out of mbufs: retried by nobody */
	sym->m_dst = NULL;
	if (op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		sym->cipher.data.offset = 0;
		sym->cipher.data.length = src_len;
	} else {
		sym->auth.digest.data = digest;
		sym->auth.digest.phys_addr = rte_pktmbuf_iova_offset(
			rte_pktmbuf_lastseg(sym->m_src),
			rte_pktmbuf_lastseg(sym->m_src)->data_len - digest_len);
	}
	priv->dst_len = dst_len;
	priv->digest_len = digest_len;
	priv->digest = digest;
	rte_crypto_op_attach_sym_session(op, sess->crypto_sess[priv->dev]);
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
	struct virtio_crypto_op_data_req req;
	const struct vc_session *sess;
	uint32_t opcode;

	/* The one read of the header from guest memory. */
	if (vc_chain_read(c, 0, &req, sizeof(req)) != 0)
		return VIRTIO_CRYPTO_BADMSG;
	opcode = rte_le_to_cpu_32(req.header.opcode);

	switch (opcode) {
	case VIRTIO_CRYPTO_CIPHER_ENCRYPT:
	case VIRTIO_CRYPTO_CIPHER_DECRYPT:
		sess = vc_session_lookup(&vc->sessions,
					 rte_le_to_cpu_64(req.header.session_id));
		if (sess == NULL || sess->service != VIRTIO_CRYPTO_SERVICE_CIPHER)
			return VIRTIO_CRYPTO_INVSESS;
		/* The session fixes the direction; the opcode must agree. */
		if ((opcode == VIRTIO_CRYPTO_CIPHER_ENCRYPT) !=
		    (sess->direction == VIRTIO_CRYPTO_OP_ENCRYPT))
			return VIRTIO_CRYPTO_BADMSG;
		return build_cipher_op(vc, c, &req, sess, op);
	case VIRTIO_CRYPTO_HASH:
	case VIRTIO_CRYPTO_MAC:
	case VIRTIO_CRYPTO_AEAD_ENCRYPT:
	case VIRTIO_CRYPTO_AEAD_DECRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_ENCRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_DECRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_SIGN:
	case VIRTIO_CRYPTO_AKCIPHER_VERIFY:
		return VIRTIO_CRYPTO_NOTSUPP;
	default:
		return VIRTIO_CRYPTO_BADMSG;
	}
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

static void
finish_op(struct vhost_crypto *vc, struct rte_crypto_op *op)
{
	struct vc_op_priv *priv = op_priv(op);
	struct vc_chain *c = &vc->rings[priv->ring].slots[priv->slot];
	uint8_t status = op_status_to_virtio(op);
	uint32_t written = 0;

	if (status == VIRTIO_CRYPTO_OK) {
		mbuf_to_chain(op->sym->m_src, c, 0, priv->dst_len);
		if (priv->digest_len)
			vc_chain_write(c, priv->dst_len, priv->digest, priv->digest_len);
		written = priv->dst_len + priv->digest_len;
	}
	complete_chain(vc, priv->ring, priv->slot, status, written);
	rte_pktmbuf_free(op->sym->m_src);
	rte_crypto_op_free(op);
}

static unsigned int
dequeue_completed(struct vhost_crypto *vc, struct vc_cdev *d)
{
	struct rte_crypto_op *ops[VC_BURST_MAX];
	uint16_t n, i;

	if (d->inflight == 0)
		return 0;
	n = rte_cryptodev_dequeue_burst(d->id, d->qp, ops, VC_BURST_MAX);
	for (i = 0; i < n; i++)
		finish_op(vc, ops[i]);
	d->inflight -= n;
	return n;
}

/* Offer the backlog to the device; keep what it does not take, in order. */
static void
enqueue_backlog(struct vhost_crypto *vc, struct vc_cdev *d)
{
	uint16_t n;

	if (d->nb_backlog == 0)
		return;
	n = rte_cryptodev_enqueue_burst(d->id, d->qp, d->backlog, d->nb_backlog);
	d->inflight += n;
	if (n < d->nb_backlog) {
		vc->stats.enqueue_retries++;
		memmove(d->backlog, d->backlog + n,
			(d->nb_backlog - n) * sizeof(d->backlog[0]));
	}
	d->nb_backlog -= n;
}

static uint16_t
backlog_room(const struct vhost_crypto *vc)
{
	uint16_t used = 0, i;

	for (i = 0; i < vc->nb_cdevs; i++)
		used = RTE_MAX(used, vc->cdevs[i].nb_backlog);
	return VC_BURST_MAX - used;
}

static unsigned int
take_requests(struct vhost_crypto *vc, uint16_t ring, unsigned int burst)
{
	struct vc_ring *r = &vc->rings[ring];
	struct rte_crypto_op *ops[VC_BURST_MAX];
	unsigned int n, i, done = 0;

	n = RTE_MIN(vc_vring_avail_count(&r->vr), (unsigned int)r->nb_free);
	n = RTE_MIN(n, RTE_MIN(burst, (unsigned int)backlog_room(vc)));
	if (n == 0)
		return 0;
	if (rte_crypto_op_bulk_alloc(vc->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
				     ops, n) != n)
		return 0;	/* op pool empty: wait for completions */

	for (i = 0; i < n; i++) {
		uint16_t slot = r->free_slots[--r->nb_free];
		struct vc_chain *c = &r->slots[slot];
		enum vc_chain_error err;
		struct vc_cdev *d;
		uint8_t status;

		err = vc_vring_pop(&r->vr, c);
		if (err == VC_CHAIN_RING_BROKEN ||
		    (err == VC_CHAIN_OK && r->slot_of_head[c->head] != VC_NO_SLOT)) {
			if (err == VC_CHAIN_OK)
				vc_vring_set_broken(&r->vr, "a chain made available twice");
			r->free_slots[r->nb_free++] = slot;
			rte_mempool_put_bulk(vc->op_pool, (void **)&ops[i], n - i);
			break;
		}
		r->slot_of_head[c->head] = slot;
		vc->stats.requests++;
		if (err == VC_CHAIN_BAD) {
			vc->stats.bad_requests++;
			complete_chain(vc, ring, slot, VIRTIO_CRYPTO_BADMSG, 0);
			rte_crypto_op_free(ops[i]);
			done++;
			continue;
		}
		op_priv(ops[i])->ring = ring;
		op_priv(ops[i])->slot = slot;
		status = request_to_op(vc, c, ops[i]);
		if (status != VIRTIO_CRYPTO_OK) {
			if (status == VIRTIO_CRYPTO_BADMSG)
				vc->stats.bad_requests++;
			complete_chain(vc, ring, slot, status, 0);
			rte_crypto_op_free(ops[i]);
			done++;
			continue;
		}
		d = &vc->cdevs[op_priv(ops[i])->dev];
		d->backlog[d->nb_backlog++] = ops[i];
	}
	return done;
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
	return done;
}

void
vc_datapath_drain(struct vhost_crypto *vc)
{
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
	} while (busy);
	for (i = 0; i < vc->nb_rings; i++)
		if (vc->rings[i].live)
			vc_vring_flush(&vc->rings[i].vr, true);
}
