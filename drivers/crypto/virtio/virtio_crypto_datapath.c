/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The data path: rte_crypto_op bursts in, virtio data requests out, and
 * back. The application's buffers (mbuf segments, AAD, digest, RSA
 * operands) go into descriptors as they are; only the request header and
 * fixed part, the IV, stateless keys, a digest to verify and the status
 * byte live in the per-op request area. No allocation but the area
 * (mempool), no lock, no system call but the kick the device asks for.
 */

#include <errno.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dpdk_driver_abi.h"
#include "vc_dpdk_compat.h"
#include "virtio_crypto_log.h"
#include "virtio_crypto_qp.h"
#include "virtio_crypto_rsa_key.h"
#include "virtio_crypto_session.h"

/* What building a request decided. */
#define BUILD_QUEUED	0	/* give it to the device */
#define BUILD_DONE	1	/* finished here, op->status set */

struct req_builder {
	const struct virtio_crypto_hw *hw;
	struct vc_request_area *area;
	struct vc_vq_buf bufs[VC_REQ_MAX_BUFS];
	uint16_t n;
	uint16_t nb_out;
	uint16_t hdr_len;	/**< the IV follows the header in hdr[] */
	bool writable;		/**< past end_readable() */
	bool overflow;
};

static inline void
push(struct req_builder *b, uint64_t addr, uint32_t len)
{
	if (len == 0)
		return;		/* some devices reject empty descriptors */
	/*
	 * A buffer that continues the previous one of the same direction (a
	 * digest after its data) extends it: fewer descriptors, and a backend
	 * can work on one contiguous range in place.
	 */
	if (!b->hw->desc_per_field && b->n > (b->writable ? b->nb_out : 0) &&
	    b->bufs[b->n - 1].addr + b->bufs[b->n - 1].len == addr &&
	    (uint64_t)b->bufs[b->n - 1].len + len <= UINT32_MAX) {
		b->bufs[b->n - 1].len += len;
		return;
	}
	if (unlikely(b->n == VC_REQ_MAX_BUFS)) {
		b->overflow = true;
		return;
	}
	b->bufs[b->n].addr = addr;
	b->bufs[b->n].len = len;
	b->n++;
}

static inline void
push_area(struct req_builder *b, size_t off, uint32_t len)
{
	push(b, b->area->addr + off, len);
}

/*
 * The request header, first of every request. The IV, if any, goes right
 * after it (push_iv()): a session request's header and IV are then one
 * buffer. The indirect table follows them.
 */
static inline void
push_hdr(struct req_builder *b, uint32_t len, uint32_t iv_len)
{
	b->hdr_len = len;
	b->area->table_off = RTE_ALIGN_CEIL(len + RTE_MIN(iv_len, (uint32_t)VC_REQ_IV_ROOM), 16);
	push_area(b, VC_AREA_OFF(hdr), len);
}

/*
 * The end of every request, after the last table entry: a digest the
 * device writes into the area (digest_len, 0 if none), then the status
 * byte, one buffer unless the device wants a descriptor per field.
 */
static inline void
push_tail(struct req_builder *b, uint32_t digest_len)
{
	struct vc_request_area *area = b->area;
	uint32_t entries = b->n + 1 + (digest_len != 0 && b->hw->desc_per_field);

	if (unlikely(entries > VC_REQ_MAX_BUFS || digest_len > VC_REQ_DIGEST_ROOM)) {
		b->overflow = true;
		return;
	}
	area->digest_off = area->table_off + entries * 16;
	area->status_off = area->digest_off + digest_len;
	area->hdr[area->status_off] = VIRTIO_CRYPTO_ERR;	/* unless the device says otherwise */
	push_area(b, VC_AREA_OFF(hdr) + area->digest_off, digest_len);
	push_area(b, VC_AREA_OFF(hdr) + area->status_off, 1);
}

static inline void
push_ptr(struct req_builder *b, const void *va, rte_iova_t iova, uint32_t len)
{
	push(b, vc_hw_addr(b->hw, va, iova), len);
}

/* Bytes [off, off + len) of an mbuf chain, one descriptor per segment. */
static inline void
push_mbuf(struct req_builder *b, const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	unsigned int segs = 0;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (len > 0) {
		uint32_t chunk;

		if (unlikely(m == NULL || ++segs > VC_REQ_MAX_SEGS)) {
			b->overflow = true;
			return;
		}
		chunk = RTE_MIN(len, (uint32_t)m->data_len - off);
		push(b, b->hw->use_va ? rte_pktmbuf_mtod_offset(m, uintptr_t, off) :
					rte_pktmbuf_iova_offset(m, off), chunk);
		len -= chunk;
		off = 0;
		m = m->next;
	}
}

static inline void
end_readable(struct req_builder *b)
{
	b->nb_out = b->n;
	b->writable = true;
}

/* Keys of a sessionless op, copied where the device can read them. */
static inline void
push_key(struct req_builder *b, const uint8_t *key, uint32_t len, uint32_t *used)
{
	if (len == 0)
		return;
	if (*used + len > VC_REQ_KEYS_ROOM) {
		b->overflow = true;
		return;
	}
	memcpy(b->area->keys + *used, key, len);
	b->area->keys_used = 1;
	push_area(b, VC_AREA_OFF(keys) + *used, len);
	*used += len;
}

/*
 * The IV is copied: it lies in the op, whose own IOVA (op->phys_addr) only
 * an op from rte_crypto_op_pool_create() is sure to have. Applications
 * keeping ops elsewhere leave it unset (ipsec-secgw has them in the mbuf's
 * private area), and the device would read the IV from wherever it points.
 */
static inline void
push_iv(struct req_builder *b, const uint8_t *iv, uint32_t len)
{
	if (len == 0)
		return;
	if (unlikely(len > VC_REQ_IV_ROOM)) {
		b->overflow = true;
		return;
	}
	memcpy(b->area->hdr + b->hdr_len, iv, len);
	push_area(b, VC_AREA_OFF(hdr) + b->hdr_len, len);
}

static inline uint32_t
mbuf_chain_len(const struct rte_mbuf *m)
{
	return rte_pktmbuf_pkt_len(m);
}

/* A range of the op's data, in bytes. */
struct sym_range {
	uint32_t off;
	uint32_t len;
};

/*
 * The op's cipher and auth ranges in bytes: DPDK gives the 3GPP
 * algorithms' in bits, and a virtio request can only carry whole bytes.
 */
static inline bool
op_ranges(const struct rte_crypto_sym_op *sym, const struct vc_sym_params *p,
	  struct sym_range *c, struct sym_range *a)
{
	c->off = sym->cipher.data.offset;
	c->len = sym->cipher.data.length;
	a->off = sym->auth.data.offset;
	a->len = sym->auth.data.length;
	if (p->cipher_bits) {
		if ((c->off | c->len) & 7)
			return false;
		c->off >>= 3;
		c->len >>= 3;
	}
	if (p->auth_bits) {
		if ((a->off | a->len) & 7)
			return false;
		a->off >>= 3;
		a->len >>= 3;
	}
	return true;
}

/* The region of the source a chain covers: cipher and auth ranges together. */
static inline struct sym_range
chain_region(const struct sym_range *c, const struct sym_range *a)
{
	struct sym_range r;

	r.off = RTE_MIN(c->off, a->off);
	r.len = RTE_MAX(c->off + c->len, a->off + a->len) - r.off;
	return r;
}

/*
 * "Digest encrypted" (3GPP PDCP and friends): hash, then cipher a range
 * that holds the digest's place, so the digest leaves encrypted. A virtio
 * chain returns the digest apart from the ciphered data, but with a
 * keystream cipher the device's ciphertext of whatever sat in the
 * digest's place gives the keystream there: the digest is encrypted here
 * when the request completes. Returns the digest's byte offset in dst, or
 * -1 if the digest is not inside the cipher range.
 */
static inline int64_t
encrypted_digest_at(const struct rte_crypto_sym_op *sym, const struct rte_mbuf *dst,
		    const struct sym_range *cr, uint32_t digest_len)
{
	const uint8_t *d = sym->auth.digest.data;
	uint64_t base = 0;

	for (; dst != NULL; base += dst->data_len, dst = dst->next) {
		const uint8_t *seg = rte_pktmbuf_mtod(dst, const uint8_t *);

		if (d < seg || d >= seg + dst->data_len)
			continue;
		if (d + digest_len > seg + dst->data_len)
			return -1;	/* split across segments: not supported */
		base += d - seg;
		return base >= cr->off && base + digest_len <= (uint64_t)cr->off + cr->len ?
			(int64_t)base : -1;
	}
	return -1;
}

/* A chain's lengths and offsets, the same fields in session and stateless mode. */
static inline void
fill_chain_para(struct virtio_crypto_alg_chain_data_para *c, uint32_t iv_len,
		const struct sym_range *r, const struct sym_range *cr,
		const struct sym_range *ar, uint32_t digest_len)
{
	c->iv_len = rte_cpu_to_le_32(iv_len);
	c->src_data_len = rte_cpu_to_le_32(r->len);
	c->dst_data_len = rte_cpu_to_le_32(r->len);
	c->cipher_start_src_offset = rte_cpu_to_le_32(cr->off - r->off);
	c->len_to_cipher = rte_cpu_to_le_32(cr->len);
	c->hash_start_src_offset = rte_cpu_to_le_32(ar->off - r->off);
	c->len_to_hash = rte_cpu_to_le_32(ar->len);
	c->aad_len = 0;
	c->hash_result_len = rte_cpu_to_le_32(digest_len);
}

static inline void
fill_header(struct virtio_crypto_op_header *h, const struct vc_sym_params *p,
	    uint64_t session_id, bool stateless, bool rev1)
{
	h->opcode = rte_cpu_to_le_32(p->opcode);
	h->algo = rte_cpu_to_le_32(p->algo);
	h->session_id = rte_cpu_to_le_64(session_id);
	h->flag = rte_cpu_to_le_32(rev1 && !stateless ? VIRTIO_CRYPTO_FLAG_SESSION_MODE :
							VIRTIO_CRYPTO_FLAG_STATELESS_MODE);
	h->padding = 0;
}

/*
 * A symmetric request, session or stateless: the fixed part, then the
 * variable part in the specification's order for the service.
 */
static int
build_sym(struct req_builder *b, struct rte_crypto_op *op, const struct vc_sym_params *p,
	  uint64_t session_id, bool stateless)
{
	const struct virtio_crypto_hw *hw = b->hw;
	struct rte_crypto_sym_op *sym = op->sym;
	struct vc_request_area *area = b->area;
	struct virtio_crypto_op_header *h = (void *)area->hdr;
	uint8_t *flf = area->hdr + sizeof(*h);
	const struct rte_mbuf *dst = sym->m_dst ? sym->m_dst : sym->m_src;
	bool rev1 = vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_REVISION_1);
	uint32_t hdr_len = sizeof(*h) +
		virtio_crypto_dataq_flf_len(p->service, rev1, stateless);
	uint32_t keys = 0, iv_len = p->iv_len, area_digest = 0;
	uint8_t *iv = rte_crypto_op_ctod_offset(op, uint8_t *, p->iv_offset);
	struct sym_range r, cr = { 0, 0 }, ar = { 0, 0 };

	if (p->service != VIRTIO_CRYPTO_SERVICE_AEAD && !op_ranges(sym, p, &cr, &ar)) {
		/* not a whole number of bytes (no NON_BYTE_ALIGNED_DATA feature) */
		op->status = RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
		return BUILD_DONE;
	}

	memset(area->hdr, 0, hdr_len);
	fill_header(h, p, session_id, stateless, rev1);
	area->f.verify = p->verify;
	area->f.digest_encrypted = 0;
	area->f.digest_len = RTE_MIN(p->digest_len, VC_REQ_DIGEST_ROOM);
	area->f.aead_decrypt = p->service == VIRTIO_CRYPTO_SERVICE_AEAD &&
			     p->direction == VIRTIO_CRYPTO_OP_DECRYPT;
	push_hdr(b, hdr_len, iv_len);

	switch (p->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		if (p->op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
			r = cr;
			if (r.len == 0) {
				/* nothing to cipher: done, and the device never sees it */
				op->status = RTE_CRYPTO_OP_STATUS_SUCCESS;
				return BUILD_DONE;
			}
			if (stateless) {
				struct virtio_crypto_sym_data_flf_stateless *s = (void *)flf;

				s->u.cipher.sess_para.algo = rte_cpu_to_le_32(p->cipher_algo);
				s->u.cipher.sess_para.key_len = rte_cpu_to_le_32(p->cipher_key_len);
				s->u.cipher.sess_para.op = rte_cpu_to_le_32(p->direction);
				s->u.cipher.iv_len = rte_cpu_to_le_32(iv_len);
				s->u.cipher.src_data_len = rte_cpu_to_le_32(r.len);
				s->u.cipher.dst_data_len = rte_cpu_to_le_32(r.len);
				s->op_type = rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
				push_key(b, p->cipher_key, p->cipher_key_len, &keys);
			} else {
				struct virtio_crypto_sym_data_req *s = (void *)flf;

				s->u.cipher.para.iv_len = rte_cpu_to_le_32(iv_len);
				s->u.cipher.para.src_data_len = rte_cpu_to_le_32(r.len);
				s->u.cipher.para.dst_data_len = rte_cpu_to_le_32(r.len);
				s->op_type = rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
			}
			push_iv(b, iv, iv_len);
			push_mbuf(b, sym->m_src, r.off, r.len);
			end_readable(b);
			push_mbuf(b, dst, r.off, r.len);
			break;
		}
		r = chain_region(&cr, &ar);
		if (stateless) {
			struct virtio_crypto_alg_chain_data_flf_stateless *s =
				&((struct virtio_crypto_sym_data_flf_stateless *)flf)->u.chain;

			s->sess_para.alg_chain_order = rte_cpu_to_le_32(p->chain_order);
			s->sess_para.cipher.algo = rte_cpu_to_le_32(p->cipher_algo);
			s->sess_para.cipher.key_len = rte_cpu_to_le_32(p->cipher_key_len);
			s->sess_para.cipher.op = rte_cpu_to_le_32(p->direction);
			s->sess_para.hash.algo = rte_cpu_to_le_32(p->hash_algo);
			s->sess_para.hash.auth_key_len = rte_cpu_to_le_32(p->auth_key_len);
			s->sess_para.hash.hash_mode = rte_cpu_to_le_32(p->hash_mode);
			fill_chain_para(&s->para, iv_len, &r, &cr, &ar, p->digest_len);
			((struct virtio_crypto_sym_data_flf_stateless *)flf)->op_type =
				rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING);
			push_key(b, p->cipher_key, p->cipher_key_len, &keys);
			push_key(b, p->auth_key, p->auth_key_len, &keys);
			push_iv(b, iv, iv_len);
			push_mbuf(b, sym->m_src, r.off, r.len);
		} else {
			struct virtio_crypto_sym_data_req *s = (void *)flf;

			fill_chain_para(&s->u.chain.para, iv_len, &r, &cr, &ar, p->digest_len);
			s->op_type = rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING);
			push_iv(b, iv, iv_len);
			push_mbuf(b, sym->m_src, r.off, r.len);
		}
		end_readable(b);
		push_mbuf(b, dst, r.off, r.len);
		if (p->chain_order == VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER &&
		    !p->verify && p->cipher_keystream && p->digest_len <= VC_REQ_DIGEST_ROOM &&
		    encrypted_digest_at(sym, dst, &cr, p->digest_len) >= 0) {
			memcpy(area->plain_at_digest, sym->auth.digest.data, p->digest_len);
			area->f.digest_encrypted = 1;
			area_digest = p->digest_len;
			break;
		}
		goto digest_out;

	case VIRTIO_CRYPTO_SERVICE_HASH:
	case VIRTIO_CRYPTO_SERVICE_MAC:
		r = ar;
		if (stateless && p->service == VIRTIO_CRYPTO_SERVICE_HASH) {
			struct virtio_crypto_hash_data_flf_stateless *s = (void *)flf;

			s->sess_para.algo = rte_cpu_to_le_32(p->hash_algo);
			s->src_data_len = rte_cpu_to_le_32(r.len);
			s->hash_result_len = rte_cpu_to_le_32(p->digest_len);
		} else if (stateless) {
			struct virtio_crypto_mac_data_flf_stateless *s = (void *)flf;

			s->sess_para.algo = rte_cpu_to_le_32(p->hash_algo);
			s->sess_para.auth_key_len = rte_cpu_to_le_32(p->auth_key_len);
			s->src_data_len = rte_cpu_to_le_32(r.len);
			s->hash_result_len = rte_cpu_to_le_32(p->digest_len);
			push_key(b, p->auth_key, p->auth_key_len, &keys);
		} else {
			struct virtio_crypto_hash_para *s = (void *)flf;

			s->src_data_len = rte_cpu_to_le_32(r.len);
			s->hash_result_len = rte_cpu_to_le_32(p->digest_len);
		}
		push_mbuf(b, sym->m_src, r.off, r.len);
		end_readable(b);
digest_out:
		if (p->verify) {
			if (p->digest_len > VC_REQ_DIGEST_ROOM) {
				b->overflow = true;
				break;
			}
			area_digest = p->digest_len;
		} else {
			push_ptr(b, sym->auth.digest.data, sym->auth.digest.phys_addr,
				 p->digest_len);
		}
		break;

	case VIRTIO_CRYPTO_SERVICE_AEAD: {
		bool enc = p->direction == VIRTIO_CRYPTO_OP_ENCRYPT;
		uint32_t len = sym->aead.data.length;
		uint32_t in_len = enc ? len : len + p->digest_len;
		uint32_t out_len = enc ? len + p->digest_len : len;
		/* DPDK's CCM convention: nonce from IV byte 1, AAD from byte 18. */
		uint32_t iv_skip = p->ccm ? 1 : 0, aad_skip = p->ccm ? 18 : 0;

		if (stateless) {
			struct virtio_crypto_aead_data_flf_stateless *s = (void *)flf;

			s->sess_para.algo = rte_cpu_to_le_32(p->algo);
			s->sess_para.key_len = rte_cpu_to_le_32(p->cipher_key_len);
			s->sess_para.op = rte_cpu_to_le_32(p->direction);
			s->iv_len = rte_cpu_to_le_32(iv_len);
			s->tag_len = rte_cpu_to_le_32(p->digest_len);
			s->aad_len = rte_cpu_to_le_32(p->aad_len);
			s->src_data_len = rte_cpu_to_le_32(in_len);
			s->dst_data_len = rte_cpu_to_le_32(out_len);
			push_key(b, p->cipher_key, p->cipher_key_len, &keys);
		} else {
			struct virtio_crypto_aead_para *s = (void *)flf;

			s->iv_len = rte_cpu_to_le_32(iv_len);
			s->aad_len = rte_cpu_to_le_32(p->aad_len);
			s->src_data_len = rte_cpu_to_le_32(in_len);
			s->dst_data_len = rte_cpu_to_le_32(out_len);
			s->tag_len = rte_cpu_to_le_32(p->digest_len);
		}
		push_iv(b, iv + iv_skip, iv_len);
		push_mbuf(b, sym->m_src, sym->aead.data.offset, len);
		if (!enc)
			push_ptr(b, sym->aead.digest.data, sym->aead.digest.phys_addr,
				 p->digest_len);
		push_ptr(b, sym->aead.aad.data + aad_skip, sym->aead.aad.phys_addr + aad_skip,
			 p->aad_len);
		end_readable(b);
		push_mbuf(b, dst, sym->aead.data.offset, len);
		if (enc)
			push_ptr(b, sym->aead.digest.data, sym->aead.digest.phys_addr,
				 p->digest_len);
		break;
	}
	default:
		b->overflow = true;
		break;
	}
	push_tail(b, area_digest);
	if (unlikely(b->overflow)) {
		op->status = RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
		return BUILD_DONE;
	}
	return BUILD_QUEUED;
}

static int
build_sessionless(struct req_builder *b, struct rte_crypto_op *op)
{
	const struct virtio_crypto_hw *hw = b->hw;
	struct vc_sym_params p;

	if (vc_sym_params_from_xform(hw, op->sym->xform, &p) != 0 ||
	    !vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE + p.service) ||
	    !vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_REVISION_1)) {
		op->status = RTE_CRYPTO_OP_STATUS_INVALID_SESSION;
		return BUILD_DONE;
	}
	return build_sym(b, op, &p, 0, true);
}

/*
 * Session requests from the session's template (vc_sym_tmpl_make()), one
 * builder per service. Their straight path takes the common shapes: the
 * op's data in one mbuf segment each for source and destination (in place
 * or out of place), in bytes. It builds the very request build_sym()
 * would, with at most six buffers (nothing to check room for) and nothing
 * decoded per op; anything else goes to build_sym().
 */

/* Device address of byte off of an mbuf's first segment. */
static __rte_always_inline uint64_t
seg_addr(bool va, const struct rte_mbuf *m, uint32_t off)
{
	return va ? rte_pktmbuf_mtod_offset(m, uintptr_t, off) : rte_pktmbuf_iova_offset(m, off);
}

/* [off, off + len) is not empty and lies in one segment of source and destination. */
static __rte_always_inline bool
straight(const struct rte_mbuf *src, const struct rte_mbuf *dst, uint32_t off, uint32_t len)
{
	uint64_t end = (uint64_t)off + len;

	return len != 0 && src->next == NULL && dst->next == NULL &&
	       end <= src->data_len && end <= dst->data_len;
}

/*
 * The straight path's buffers: kept in locals (a builder in registers),
 * not in struct req_builder, which every store into the area could alias.
 */
struct straight_bufs {
	struct vc_vq_buf *v;
	uint32_t n;
	bool merge;		/**< a buffer may continue the one before (push()) */
};

/* A buffer of its own. */
static __rte_always_inline void
put(struct straight_bufs *sb, uint64_t addr, uint32_t len)
{
	sb->v[sb->n].addr = addr;
	sb->v[sb->n].len = len;
	sb->n++;
}

/* A buffer after one of the same direction, which it continues if it can. */
static __rte_always_inline void
put_next(struct straight_bufs *sb, uint64_t addr, uint32_t len)
{
	struct vc_vq_buf *last = &sb->v[sb->n - 1];

	if (len == 0)
		return;
	/* lengths of one segment, a digest, an AAD: the sum fits */
	if (sb->merge && last->addr + last->len == addr) {
		last->len += len;
		return;
	}
	put(sb, addr, len);
}

/*
 * The template's header with the session's id, and the op's IV right
 * after it: the first buffer. Returns the fixed part, whose per-op fields
 * are the caller's.
 */
static __rte_always_inline void *
tmpl_hdr(struct straight_bufs *sb, struct vc_request_area *area, uint64_t at,
	 const struct vc_sym_session *s, struct rte_crypto_op *op)
{
	const struct vc_sym_tmpl *t = &s->t;
	struct virtio_crypto_op_header *h = (void *)area->hdr;
	const uint8_t *iv = rte_crypto_op_ctod_offset(op, const uint8_t *, t->iv_offset) +
			    t->iv_skip;
	uint32_t hdr_len = t->hdr_len, iv_len = t->iv_len;
	uint8_t *to = area->hdr + hdr_len;

	/* the IV continues the header: one buffer, unless a descriptor per field */
	if (sb->merge || iv_len == 0) {
		put(sb, at, hdr_len + iv_len);
	} else {
		put(sb, at, hdr_len);
		put(sb, at + hdr_len, iv_len);
	}
	area->f = t->f;
	area->table_off = t->table_off;
	/* constant sizes: a few moves, not a call */
	memcpy(area->hdr, t->hdr, VC_TMPL_HDR_ROOM);
	h->session_id = rte_cpu_to_le_64(s->session_id);
	if (likely(iv_len == 16))
		memcpy(to, iv, 16);
	else if (iv_len == 12)
		memcpy(to, iv, 12);
	else
		memcpy(to, iv, iv_len);
	return area->hdr + sizeof(*h);
}

/*
 * The last buffers, after the table: a digest the device writes into the
 * area (digest_len, 0 for none) and the status byte (as push_tail()).
 */
static __rte_always_inline int
tmpl_tail(struct req_builder *b, struct straight_bufs *sb, struct vc_request_area *area,
	  uint64_t at, uint32_t nb_out, uint32_t digest_len)
{
	uint32_t table_off = area->table_off;
	uint32_t digest_off = table_off + (sb->n + 1 + (digest_len != 0 && !sb->merge)) * 16;
	uint32_t status_off = digest_off + digest_len;

	if (digest_len != 0 && sb->merge) {
		put(sb, at + digest_off, digest_len + 1);	/* status right after it */
	} else if (digest_len != 0) {
		put(sb, at + digest_off, digest_len);
		put(sb, at + status_off, 1);
	} else {
		put(sb, at + status_off, 1);
	}
	area->digest_off = digest_off;
	area->status_off = status_off;
	area->hdr[status_off] = VIRTIO_CRYPTO_ERR;	/* unless the device says otherwise */
	b->n = sb->n;
	b->nb_out = nb_out;
	return BUILD_QUEUED;
}

#define STRAIGHT_BEGIN(b) \
	struct vc_request_area *area = (b)->area; \
	uint64_t at = area->addr + VC_AREA_OFF(hdr); \
	bool va = (b)->hw->use_va; \
	struct straight_bufs sb = { (b)->bufs, 0, !(b)->hw->desc_per_field }

static int
build_cipher(struct req_builder *b, struct rte_crypto_op *op, const struct vc_sym_session *s)
{
	struct rte_crypto_sym_op *sym = op->sym;
	const struct rte_mbuf *src = sym->m_src;
	const struct rte_mbuf *dst = sym->m_dst != NULL ? sym->m_dst : src;
	uint32_t off = sym->cipher.data.offset, len = sym->cipher.data.length, nb_out;
	struct virtio_crypto_cipher_para *c;
	STRAIGHT_BEGIN(b);

	if (unlikely(!straight(src, dst, off, len)))
		return build_sym(b, op, &s->p, s->session_id, false);
	c = &((struct virtio_crypto_sym_data_req *)tmpl_hdr(&sb, area, at, s, op))->u.cipher.para;
	c->src_data_len = rte_cpu_to_le_32(len);
	c->dst_data_len = rte_cpu_to_le_32(len);
	put(&sb, seg_addr(va, src, off), len);
	nb_out = sb.n;
	put(&sb, seg_addr(va, dst, off), len);
	return tmpl_tail(b, &sb, area, at, nb_out, 0);
}

static int
build_chain(struct req_builder *b, struct rte_crypto_op *op, const struct vc_sym_session *s)
{
	const struct vc_sym_tmpl *t = &s->t;
	struct rte_crypto_sym_op *sym = op->sym;
	const struct rte_mbuf *src = sym->m_src;
	const struct rte_mbuf *dst = sym->m_dst != NULL ? sym->m_dst : src;
	struct sym_range cr = { sym->cipher.data.offset, sym->cipher.data.length };
	struct sym_range ar = { sym->auth.data.offset, sym->auth.data.length };
	struct sym_range r = chain_region(&cr, &ar);
	struct virtio_crypto_alg_chain_data_para *c;
	uint32_t digest_len = t->f.digest_len, nb_out;
	STRAIGHT_BEGIN(b);

	if (unlikely(!straight(src, dst, r.off, r.len)))
		return build_sym(b, op, &s->p, s->session_id, false);
	c = &((struct virtio_crypto_sym_data_req *)tmpl_hdr(&sb, area, at, s, op))->u.chain.para;
	c->src_data_len = rte_cpu_to_le_32(r.len);
	c->dst_data_len = rte_cpu_to_le_32(r.len);
	c->cipher_start_src_offset = rte_cpu_to_le_32(cr.off - r.off);
	c->len_to_cipher = rte_cpu_to_le_32(cr.len);
	c->hash_start_src_offset = rte_cpu_to_le_32(ar.off - r.off);
	c->len_to_hash = rte_cpu_to_le_32(ar.len);
	put(&sb, seg_addr(va, src, r.off), r.len);
	nb_out = sb.n;
	put(&sb, seg_addr(va, dst, r.off), r.len);
	if (t->f.verify)
		return tmpl_tail(b, &sb, area, at, nb_out, digest_len);
	put_next(&sb, va ? (uint64_t)(uintptr_t)sym->auth.digest.data : sym->auth.digest.phys_addr,
		 digest_len);
	return tmpl_tail(b, &sb, area, at, nb_out, 0);
}

static int
build_hash(struct req_builder *b, struct rte_crypto_op *op, const struct vc_sym_session *s)
{
	const struct vc_sym_tmpl *t = &s->t;
	struct rte_crypto_sym_op *sym = op->sym;
	const struct rte_mbuf *src = sym->m_src;
	uint32_t off = sym->auth.data.offset, len = sym->auth.data.length, nb_out;
	uint32_t digest_len = t->f.digest_len;
	struct virtio_crypto_hash_para *h;
	STRAIGHT_BEGIN(b);

	/* a hash has no destination: the source only */
	if (unlikely(!straight(src, src, off, len)))
		return build_sym(b, op, &s->p, s->session_id, false);
	h = tmpl_hdr(&sb, area, at, s, op);
	h->src_data_len = rte_cpu_to_le_32(len);
	put(&sb, seg_addr(va, src, off), len);
	nb_out = sb.n;
	if (t->f.verify || digest_len == 0)
		return tmpl_tail(b, &sb, area, at, nb_out, digest_len);
	put(&sb, va ? (uint64_t)(uintptr_t)sym->auth.digest.data : sym->auth.digest.phys_addr,
	    digest_len);
	return tmpl_tail(b, &sb, area, at, nb_out, 0);
}

static int
build_aead(struct req_builder *b, struct rte_crypto_op *op, const struct vc_sym_session *s)
{
	const struct vc_sym_tmpl *t = &s->t;
	struct rte_crypto_sym_op *sym = op->sym;
	const struct rte_mbuf *src = sym->m_src;
	const struct rte_mbuf *dst = sym->m_dst != NULL ? sym->m_dst : src;
	uint32_t off = sym->aead.data.offset, len = sym->aead.data.length, nb_out;
	uint32_t digest_len = t->f.digest_len, aad_skip = t->aad_skip;
	bool enc = t->encrypt;
	struct virtio_crypto_aead_para *a;
	uint64_t tag, aad;
	STRAIGHT_BEGIN(b);

	if (unlikely(!straight(src, dst, off, len)))
		return build_sym(b, op, &s->p, s->session_id, false);
	tag = va ? (uint64_t)(uintptr_t)sym->aead.digest.data : sym->aead.digest.phys_addr;
	aad = va ? (uint64_t)(uintptr_t)(sym->aead.aad.data + aad_skip) :
		   sym->aead.aad.phys_addr + aad_skip;
	a = tmpl_hdr(&sb, area, at, s, op);
	a->src_data_len = rte_cpu_to_le_32(enc ? len : len + digest_len);
	a->dst_data_len = rte_cpu_to_le_32(enc ? len + digest_len : len);
	put(&sb, seg_addr(va, src, off), len);
	if (!enc)
		put_next(&sb, tag, digest_len);
	put_next(&sb, aad, t->aad_len);
	nb_out = sb.n;
	put(&sb, seg_addr(va, dst, off), len);
	if (enc)
		put_next(&sb, tag, digest_len);
	return tmpl_tail(b, &sb, area, at, nb_out, 0);
}

/*
 * The device session of a PKCS#1 op on a session made per hash: the first
 * for encryption, the DigestInfo's hash for a signature, whose digest alone
 * then goes to the device (which adds the DigestInfo back). NULL if the
 * message is no DigestInfo of a hash the device took.
 */
static const uint64_t *
rsa_hashed_session(const struct vc_asym_session *s, enum rte_crypto_asym_op_type type,
		   rte_crypto_param *digest)
{
	int i;

	if (type == RTE_CRYPTO_ASYM_OP_ENCRYPT || type == RTE_CRYPTO_ASYM_OP_DECRYPT)
		return &s->hashed_id[rte_bsf32(s->hashed)];
	if (digest->data == NULL)
		return NULL;
	i = vc_rsa_digest_info_match(digest->data, digest->length);
	if (i < 0 || !(s->hashed & (1u << i)))
		return NULL;
	digest->data += vc_rsa_digest_infos[i].prefix_len;
	digest->iova += vc_rsa_digest_infos[i].prefix_len;
	digest->length = vc_rsa_digest_infos[i].digest_len;
	return &s->hashed_id[i];
}

/*
 * RSA. DPDK signs and verifies exactly the bytes it is given (no hashing,
 * no DigestInfo), so sessions use VIRTIO_CRYPTO_RSA_NO_HASH where the
 * device allows. A raw-padding signature is the private operation, which
 * virtio calls DECRYPT.
 */
static int
build_rsa(struct req_builder *b, struct rte_crypto_op *op)
{
	struct rte_crypto_rsa_op_param *rsa = &op->asym->rsa;
	struct vc_asym_session *s = vc_asym_session_priv(op->asym->session);
	struct virtio_crypto_op_header *h = (void *)b->area->hdr;
	struct virtio_crypto_akcipher_para *para = (void *)(b->area->hdr + sizeof(*h));
	bool rev1 = vc_hw_has_feature(b->hw, VIRTIO_CRYPTO_F_REVISION_1);
	const rte_crypto_param *in, *out = NULL, *in2 = NULL;
	uint32_t opcode, out_len = s->mod_len;
	rte_crypto_param digest;
	const uint64_t *id;
	int pad;

	if (op->sess_type != RTE_CRYPTO_OP_WITH_SESSION)
		goto invalid;
#if VC_RSA_PAD_IN_XFORM
	pad = s->created[VIRTIO_CRYPTO_RSA_RAW_PADDING] ? VIRTIO_CRYPTO_RSA_RAW_PADDING :
							  VIRTIO_CRYPTO_RSA_PKCS1_PADDING;
#else
	pad = vc_rsa_padding_to_virtio(rsa->padding.type);
#endif
	if (pad < 0)
		goto invalid;
	id = &s->session_id[pad];
	digest = rsa->message;
	if (!s->created[pad]) {
		if (pad != VIRTIO_CRYPTO_RSA_PKCS1_PADDING || s->hashed == 0)
			goto invalid;
		id = rsa_hashed_session(s, rsa->op_type, &digest);
		if (id == NULL)
			goto invalid;
	}
	switch (rsa->op_type) {
	case RTE_CRYPTO_ASYM_OP_ENCRYPT:
		opcode = VIRTIO_CRYPTO_AKCIPHER_ENCRYPT;
		in = &rsa->message;
		out = &rsa->cipher;
		break;
	case RTE_CRYPTO_ASYM_OP_DECRYPT:
		opcode = VIRTIO_CRYPTO_AKCIPHER_DECRYPT;
		in = &rsa->cipher;
		out = &rsa->message;
		if (pad == VIRTIO_CRYPTO_RSA_PKCS1_PADDING)
			out_len = RTE_MIN(out_len, out->length ? out->length : out_len);
		break;
	case RTE_CRYPTO_ASYM_OP_SIGN:
		opcode = pad == VIRTIO_CRYPTO_RSA_PKCS1_PADDING ? VIRTIO_CRYPTO_AKCIPHER_SIGN :
								  VIRTIO_CRYPTO_AKCIPHER_DECRYPT;
		in = &digest;
		out = &rsa->sign;
		break;
	case RTE_CRYPTO_ASYM_OP_VERIFY:
		/* A raw verify would need the recovered number back: not offered. */
		if (pad != VIRTIO_CRYPTO_RSA_PKCS1_PADDING)
			goto invalid;
		opcode = VIRTIO_CRYPTO_AKCIPHER_VERIFY;
		in = &rsa->sign;
		in2 = &digest;
		break;
	default:
		goto invalid;
	}
	if (in->data == NULL || in->length == 0 || (out != NULL && out->data == NULL))
		goto invalid;

	memset(b->area->hdr, 0, sizeof(*h) +
	       virtio_crypto_dataq_flf_len(VIRTIO_CRYPTO_SERVICE_AKCIPHER, rev1, false));
	h->opcode = rte_cpu_to_le_32(opcode);
	h->algo = rte_cpu_to_le_32(VIRTIO_CRYPTO_AKCIPHER_RSA);
	h->session_id = rte_cpu_to_le_64(*id);
	h->flag = rte_cpu_to_le_32(rev1 ? VIRTIO_CRYPTO_FLAG_SESSION_MODE : 0);
	para->src_data_len = rte_cpu_to_le_32(in->length);
	para->dst_data_len = rte_cpu_to_le_32(in2 ? in2->length : out_len);
	b->area->f.verify = 0;
	b->area->f.aead_decrypt = 0;
	push_hdr(b, sizeof(*h) +
		  virtio_crypto_dataq_flf_len(VIRTIO_CRYPTO_SERVICE_AKCIPHER, rev1, false), 0);
	push_ptr(b, in->data, in->iova, in->length);
	if (in2 != NULL)
		push_ptr(b, in2->data, in2->iova, in2->length);
	end_readable(b);
	if (out != NULL)
		push_ptr(b, out->data, out->iova, out_len);
	push_tail(b, 0);
	if (b->overflow)
		goto invalid;
	return BUILD_QUEUED;
invalid:
	op->status = RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
	return BUILD_DONE;
}

static int
build_request(struct req_builder *b, struct rte_crypto_op *op)
{
	struct vc_sym_session *s;

	b->n = 0;
	b->nb_out = 0;
	b->writable = false;
	b->overflow = false;
	b->area->op = op;
	if (likely(op->type == RTE_CRYPTO_OP_TYPE_SYMMETRIC &&
		   op->sess_type == RTE_CRYPTO_OP_WITH_SESSION && op->sym->session != NULL)) {
		s = vc_sym_session_priv(op->sym->session);
		switch (s->t.shape) {
		case VC_SHAPE_CHAIN:
			return build_chain(b, op, s);
		case VC_SHAPE_AEAD:
			return build_aead(b, op, s);
		case VC_SHAPE_CIPHER:
			return build_cipher(b, op, s);
		case VC_SHAPE_HASH:
			return build_hash(b, op, s);
		default:
			return build_sym(b, op, &s->p, s->session_id, false);
		}
	}
	if (op->type == RTE_CRYPTO_OP_TYPE_ASYMMETRIC)
		return build_rsa(b, op);
	if (unlikely(op->type != RTE_CRYPTO_OP_TYPE_SYMMETRIC)) {
		op->status = RTE_CRYPTO_OP_STATUS_INVALID_ARGS;
		return BUILD_DONE;
	}
	if (op->sess_type == RTE_CRYPTO_OP_SESSIONLESS)
		return build_sessionless(b, op);
	op->status = RTE_CRYPTO_OP_STATUS_INVALID_SESSION;
	return BUILD_DONE;
}

static inline bool
digest_equal(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint8_t diff = 0;
	uint32_t i;

	/* constant time: a verify must not tell how much of a forgery was right */
	for (i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* The rte_crypto status of a virtio one. */
static const uint8_t status_map[VIRTIO_CRYPTO_STATUS_MAX] = {
	[VIRTIO_CRYPTO_OK] = RTE_CRYPTO_OP_STATUS_SUCCESS,
	[VIRTIO_CRYPTO_ERR] = RTE_CRYPTO_OP_STATUS_ERROR,
	[VIRTIO_CRYPTO_BADMSG] = RTE_CRYPTO_OP_STATUS_INVALID_ARGS,
	[VIRTIO_CRYPTO_NOTSUPP] = RTE_CRYPTO_OP_STATUS_INVALID_ARGS,
	[VIRTIO_CRYPTO_INVSESS] = RTE_CRYPTO_OP_STATUS_INVALID_SESSION,
	[VIRTIO_CRYPTO_NOSPC] = RTE_CRYPTO_OP_STATUS_ERROR,
	/* a signature that does not verify, as DPDK's software PMDs say it */
	[VIRTIO_CRYPTO_KEY_REJECTED] = RTE_CRYPTO_OP_STATUS_ERROR,
};

static inline void
finish_request(struct vc_request_area *area, uint32_t written)
{
	struct rte_crypto_op *op = area->op;
	uint8_t status = __atomic_load_n(&area->hdr[area->status_off], __ATOMIC_RELAXED);

	if (unlikely(status >= VIRTIO_CRYPTO_STATUS_MAX)) {
		op->status = RTE_CRYPTO_OP_STATUS_ERROR;
		return;
	}
	op->status = status_map[status];
	if (status == VIRTIO_CRYPTO_OK) {
		if (area->f.digest_encrypted) {
			uint8_t *d = op->sym->auth.digest.data;
			const uint8_t *got = area->hdr + area->digest_off;
			uint32_t i;

			/* keystream = what the device wrote ^ what was there before */
			for (i = 0; i < area->f.digest_len; i++)
				d[i] ^= area->plain_at_digest[i] ^ got[i];
		} else if (area->f.verify) {
			if (!digest_equal(area->hdr + area->digest_off, op->sym->auth.digest.data,
					  area->f.digest_len))
				op->status = RTE_CRYPTO_OP_STATUS_AUTH_FAILED;
		} else if (op->type == RTE_CRYPTO_OP_TYPE_ASYMMETRIC &&
			   op->asym->rsa.op_type == RTE_CRYPTO_ASYM_OP_DECRYPT) {
			/* PKCS#1 plaintext is as long as the device says (status excluded) */
			op->asym->rsa.message.length = written > 0 ? written - 1 : 0;
		} else if (op->type == RTE_CRYPTO_OP_TYPE_ASYMMETRIC) {
			struct vc_asym_session *as = vc_asym_session_priv(op->asym->session);

			if (op->asym->rsa.op_type == RTE_CRYPTO_ASYM_OP_ENCRYPT)
				op->status = vc_rsa_result_in_place(&op->asym->rsa.cipher,
								    written, as->mod_len);
			else if (op->asym->rsa.op_type == RTE_CRYPTO_ASYM_OP_SIGN)
				op->status = vc_rsa_result_in_place(&op->asym->rsa.sign,
								    written, as->mod_len);
		}
	} else if (status == VIRTIO_CRYPTO_BADMSG && area->f.aead_decrypt) {
		/* the tag did not match: what BADMSG means for an AEAD decrypt */
		op->status = RTE_CRYPTO_OP_STATUS_AUTH_FAILED;
	}
	if (op->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
		VIRTIO_CRYPTO_LOG(driver, DEBUG, "opcode 0x%x: device status %u, op status %u",
				  rte_le_to_cpu_32(((const struct virtio_crypto_op_header *)
						    area->hdr)->opcode), status, op->status);
}

static inline void
wipe_keys(struct vc_request_area *area)
{
	if (unlikely(area->keys_used)) {
		explicit_bzero(area->keys, sizeof(area->keys));
		area->keys_used = 0;
	}
}

/*
 * A burst publishes that it runs, then reads the link; a transport taking
 * the link down publishes that, then reads the flag
 * (virtio_crypto_hw_link_down()): one of the two must see the other. A
 * full fence in every burst would drain the store buffer each time, which
 * holds stores to lines the backend's core owns (about 45 cycles per op
 * measured at 64 B). Instead the transport's side makes every thread of
 * the process pass a full barrier (membarrier(2), as userspace RCU does),
 * and a burst only keeps the compiler from reordering; a kernel without
 * private expedited membarrier makes bursts fence themselves.
 */
int
vc_bursts_barrier_register(void)
{
	return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0);
}

void
vc_bursts_barrier(const struct virtio_crypto_hw *hw)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (hw->burst_fence ||
	    syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
		return;
	/*
	 * Registered, so the kernel never refuses; should it, a store buffer
	 * drains in far less than this.
	 */
	VIRTIO_CRYPTO_LOG(driver, ERR, "%s: membarrier: %s", hw->name, strerror(errno));
	rte_delay_ms(1);
}

static __rte_always_inline bool
burst_enter(struct virtio_crypto_qp *qp)
{
	__atomic_store_n(&qp->in_burst, 1, __ATOMIC_RELAXED);
	if (unlikely(qp->hw->burst_fence))
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return likely(qp->hw->link == VC_LINK_UP && !qp->hw->broken && qp->vq != NULL);
}

static __rte_always_inline uint16_t
burst_leave(struct virtio_crypto_qp *qp, uint16_t n)
{
	__atomic_store_n(&qp->in_burst, 0, __ATOMIC_RELEASE);
	return n;
}

/*
 * A device that cannot take ops. While a transport takes the rings back
 * (QUIESCE) the burst touches nothing, not even the done ring it fills.
 * Otherwise ops are answered with errors through the done ring, nothing
 * lost: a broken device's rings are this thread's to empty first; a link
 * that went down had them emptied by the transport and they are its own
 * until the link is up again. Room stays in the done ring for every area,
 * should the device come back and go again before the application
 * dequeues. Whether the burst may use the done ring, rings emptied:
 */
static bool
refused_burst_proceeds(struct virtio_crypto_qp *qp)
{
	uint8_t link = qp->hw->link;

	if (link == VC_LINK_QUIESCE)
		return false;
	if (link == VC_LINK_UP && qp->vq != NULL)
		vc_qp_fail_inflight(qp);
	return true;
}

static uint16_t
enqueue_refused(struct virtio_crypto_qp *qp, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	unsigned int room;
	uint16_t i, n;

	if (!refused_burst_proceeds(qp))
		return 0;
	room = rte_ring_free_count(qp->done);
	room = room > qp->nb_areas ? room - qp->nb_areas : 0;
	n = RTE_MIN(nb_ops, room);
	for (i = 0; i < n; i++)
		ops[i]->status = RTE_CRYPTO_OP_STATUS_ERROR;
	n = rte_ring_enqueue_burst(qp->done, (void **)ops, n, NULL);
	qp->stats.enqueued_count += n;
	return n;
}

static uint16_t
dequeue_refused(struct virtio_crypto_qp *qp, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	uint16_t n;

	if (!refused_burst_proceeds(qp))
		return 0;
	n = rte_ring_dequeue_burst(qp->done, (void **)ops, nb_ops, NULL);
	qp->stats.dequeue_err_count += n;
	qp->stats.dequeued_count += n;
	return n;
}

uint16_t
vc_enqueue_burst(void *qpv, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	struct virtio_crypto_qp *qp = qpv;
	struct virtio_crypto_hw *hw = qp->hw;
	struct vc_request_area *areas[VC_MAX_BURST];
	struct virtio_crypto_vq *vq;
	struct req_builder b;
	uint16_t i, n, used = 0;

	if (unlikely(!burst_enter(qp)))
		return burst_leave(qp, enqueue_refused(qp, ops, nb_ops));
	vq = qp->vq;
	/* With indirect descriptors a request takes one ring slot. */
	n = RTE_MIN(nb_ops, VC_MAX_BURST);
	if (vq->indirect)
		n = RTE_MIN(n, vq->nb_free);
	if (n == 0 || rte_mempool_get_bulk(qp->areas, (void **)areas, n) != 0)
		return burst_leave(qp, 0);

	/*
	 * The areas' request lines were last written by the device's core
	 * (the status) or read by it: ask for all of them, for writing, before
	 * building any, so that their transfers overlap instead of each
	 * request's stores waiting for its own.
	 */
	for (i = 0; i < n; i++) {
		rte_prefetch0_write(areas[i]->hdr);
		rte_prefetch0_write(areas[i]->hdr + RTE_CACHE_LINE_SIZE);
		rte_prefetch0_write(areas[i]->hdr + 2 * RTE_CACHE_LINE_SIZE);
	}
	b.hw = hw;
	for (i = 0; i < n; i++) {
		struct rte_crypto_op *op = ops[i];

		b.area = areas[used];
		if (build_request(&b, op) == BUILD_DONE) {
			wipe_keys(b.area);	/* the area serves the next op */
			/* room stays for every area, should the device fail them all */
			if (rte_ring_free_count(qp->done) <= qp->nb_areas ||
			    rte_ring_enqueue(qp->done, op) != 0)
				break;
			continue;
		}
		if (vc_vq_add(vq, b.bufs, b.nb_out, b.n - b.nb_out, b.area,
			      b.area->hdr + b.area->table_off,
			      b.area->addr + VC_AREA_OFF(hdr) + b.area->table_off) != 0) {
			wipe_keys(b.area);
			break;
		}
		used++;
	}
	if (used < n)
		rte_mempool_put_bulk(qp->areas, (void **)&areas[used], n - used);
	if (vc_vq_publish(vq))
		hw->ops->notify_queue(hw, vq);
	qp->stats.enqueued_count += i;
	qp->stats.enqueue_err_count += nb_ops - i;
	return burst_leave(qp, i);
}

uint16_t
vc_dequeue_burst(void *qpv, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	struct virtio_crypto_qp *qp = qpv;
	struct vc_request_area *areas[VC_MAX_BURST];
	uint32_t lens[VC_MAX_BURST];
	struct vc_request_area *area;
	struct virtio_crypto_vq *vq;
	uint16_t n = 0, k = 0, i;

	if (unlikely(!burst_enter(qp)))
		return burst_leave(qp, dequeue_refused(qp, ops, nb_ops));
	vq = qp->vq;
	if (unlikely(rte_ring_count(qp->done) != 0))
		n = rte_ring_dequeue_burst(qp->done, (void **)ops, nb_ops, NULL);
	/*
	 * The whole burst's status lines first, then their contents: each is
	 * a line the device's core wrote, and their transfers overlap
	 * instead of following one another.
	 */
	while (n + k < nb_ops && k < VC_MAX_BURST &&
	       (area = vc_vq_get_used(vq, &lens[k])) != NULL) {
		rte_prefetch0(area->hdr + area->status_off);
		areas[k++] = area;
	}
	for (i = 0; i < k; i++) {
		area = areas[i];
		finish_request(area, lens[i]);
		wipe_keys(area);
		ops[n++] = area->op;
	}
	/*
	 * The device wrote garbage into the used ring: the whole device is
	 * untrusted from now on. The next burst of each queue pair fails back
	 * what its ring still holds (refused_burst_proceeds()).
	 */
	if (unlikely(vc_vq_broken(vq)))
		virtio_crypto_hw_set_broken(qp->hw, vq->broken_why);
	if (k > 0)
		rte_mempool_put_bulk(qp->areas, (void **)areas, k);
	for (i = 0; i < n; i++)
		if (unlikely(ops[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS))
			qp->stats.dequeue_err_count++;
	qp->stats.dequeued_count += n;
	return burst_leave(qp, n);
}

static void
fail_one(void *cookie, void *arg)
{
	struct vc_request_area *area = cookie;
	struct virtio_crypto_qp *qp = arg;

	area->op->status = RTE_CRYPTO_OP_STATUS_ERROR;
	wipe_keys(area);
	/*
	 * The done ring has room for every area's op: it is larger than the
	 * pool, and ops finished without the device only take what is free
	 * after this reclaim (see vc_enqueue_burst()).
	 */
	rte_ring_enqueue(qp->done, area->op);
	rte_mempool_put(qp->areas, area);
}

void
vc_qp_fail_inflight(struct virtio_crypto_qp *qp)
{
	vc_vq_reclaim_all(qp->vq, fail_one, qp);
}
