/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <inttypes.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_atomic.h>
#include <rte_common.h>
#include <rte_prefetch.h>

#include "vhost_crypto_log.h"
#include "vhost_crypto_vring.h"

/* Packed: a descriptor is the device's when AVAIL == wrap != USED. */
static inline bool
desc_is_avail(uint16_t flags, bool wrap)
{
	return !!(flags & (1u << VRING_PACKED_DESC_F_AVAIL)) == wrap &&
	       !!(flags & (1u << VRING_PACKED_DESC_F_USED)) != wrap;
}

/*
 * vc_gpa_to_va(), trying first the region this ring's last address was in:
 * a driver's buffers are nearly always in one region, and a lookup per
 * descriptor is in every request's path.
 */
static inline void *
ring_gpa_to_va(struct vc_vring *vr, uint64_t gpa, uint64_t *len)
{
	const struct rte_vhost_memory *mem = vr->mem;
	uint32_t i = vr->region_hint;
	void *va;

	if (likely(i < mem->nregions)) {
		va = vc_region_va(&mem->regions[i], gpa, len);
		if (likely(va != NULL))
			return va;
	}
	for (i = 0; i < mem->nregions; i++) {
		va = vc_region_va(&mem->regions[i], gpa, len);
		if (va != NULL) {
			vr->region_hint = i;
			return va;
		}
	}
	return NULL;
}

/*
 * Prefetch the guest range an indirect descriptor names, up to four lines
 * (a table of 16 descriptors): a hint only, so an address outside guest
 * memory is simply not prefetched.
 */
static inline void
prefetch_table(struct vc_vring *vr, uint64_t gpa, uint32_t len)
{
	uint64_t got = RTE_MIN(len, 4u * RTE_CACHE_LINE_SIZE);
	const uint8_t *t = ring_gpa_to_va(vr, gpa, &got);
	uint64_t off;

	if (t == NULL)
		return;
	for (off = 0; off < got; off += RTE_CACHE_LINE_SIZE)
		rte_prefetch0(t + off);
}

/* ------------------------------------------------------------------ */
/* Split ring specific functions - *_split()                           */
/* ------------------------------------------------------------------ */

static inline uint16_t
avail_idx_load(const struct vc_vring *vr)
{
	/*
	 * Acquire: the ring entries and descriptors the driver wrote before
	 * bumping avail->idx must be visible before we read them.
	 */
	return __atomic_load_n(&vr->avail->idx, __ATOMIC_ACQUIRE);
}

static inline uint16_t
avail_count(struct vc_vring *vr)
{
	uint16_t n;

	if (vr->broken || vr->avail == NULL)
		return 0;
	if (vr->packed)	/* no count: vc_vring_pop() finds where it ends */
		return desc_is_avail(__atomic_load_n(&vr->desc_packed[vr->last_avail_idx].flags,
						     __ATOMIC_ACQUIRE), vr->avail_wrap) ?
			vr->size : 0;
	n = avail_idx_load(vr) - vr->last_avail_idx;
	/* The driver cannot have more than size entries outstanding. */
	if (n > vr->size) {
		VC_LOG(ERR, "avail index moved by %u on a ring of %u", n, vr->size);
		vr->broken = true;
		return 0;
	}
	return n;
}

uint16_t
vc_vring_avail_count(struct vc_vring *vr)
{
	uint16_t n = avail_count(vr);

	/*
	 * In order, a completion waits for those before it in a window of
	 * size places: no more chains are taken than it has room for, even
	 * from a driver that offers chains it has not had back.
	 */
	if (vr->in_order)
		n = RTE_MIN(n, (uint16_t)(vr->size - (uint16_t)(vr->pop_seq - vr->pub_seq)));
	return n;
}

/*
 * The chain's inline segments are full: move them into the spill array,
 * if one was lent. Without one the chain is marked as wanting it.
 */
static bool
chain_spill(struct vc_chain *c)
{
	if (c->segs != c->inline_segs)
		return false;	/* spilled already: VC_CHAIN_MAX_SEGS reached */
	if (c->spill == NULL) {
		c->wants_spill = true;
		return false;
	}
	memcpy(c->spill, c->inline_segs, sizeof(c->inline_segs));
	c->segs = c->spill;
	c->max_segs = VC_CHAIN_MAX_SEGS;
	return true;
}

/* An empty chain on its inline segments. */
static inline void
chain_init(struct vc_chain *c)
{
	c->nb_in = c->nb_out = 0;
	c->in_len = c->out_len = 0;
	c->status = NULL;
	c->wants_spill = false;
	c->segs = c->inline_segs;
	c->max_segs = VC_CHAIN_INLINE_SEGS;
}

/*
 * Add the guest range [gpa, gpa + len) to the chain as one or more
 * segments (more when it spans memory regions). Returns false if it is not
 * in guest memory or the chain has no room left. Readable segments only
 * come before writable ones, so the next free slot is nb_in + nb_out.
 */
static __rte_always_inline bool
chain_add_range(struct vc_vring *vr, struct vc_chain *c, uint64_t gpa,
		uint32_t len, bool writable)
{
	while (len > 0) {
		uint64_t piece = len;
		void *va = ring_gpa_to_va(vr, gpa, &piece);
		struct vc_seg *s;

		if (va == NULL || piece == 0)
			return false;
		if (c->nb_in + c->nb_out >= c->max_segs && !chain_spill(c))
			return false;
		s = &c->segs[c->nb_in + c->nb_out];
		s->addr = va;
		s->len = (uint32_t)piece;
		if (writable)
			c->nb_out++;
		else
			c->nb_in++;
		gpa += piece;
		len -= (uint32_t)piece;
	}
	return true;
}

/*
 * One descriptor, already copied out of guest memory. Zero-length
 * descriptors are accepted and skipped (QEMU rejects them; the spec does
 * not forbid them). Lengths are summed in 64 bits and must stay below
 * 4 GiB, so no later sum overflows.
 */
static __rte_always_inline bool
chain_add_desc(struct vc_vring *vr, struct vc_chain *c,
	       const struct vring_desc *d)
{
	bool writable = d->flags & VRING_DESC_F_WRITE;
	uint32_t *total = writable ? &c->out_len : &c->in_len;

	uint16_t nb_in = c->nb_in, nb_out = c->nb_out;

	c->status = NULL;
	if (!writable && c->nb_out > 0)
		return false;	/* readable after writable */
	if ((uint64_t)*total + d->len > UINT32_MAX ||
	    !chain_add_range(vr, c, d->addr, d->len, writable)) {
		c->nb_in = nb_in;	/* drop the pieces of a partial range */
		c->nb_out = nb_out;
		/* Still the guest's status byte, if it is in guest memory. */
		if (writable && d->len > 0 && d->addr + d->len - 1 >= d->addr) {
			uint64_t one = 1;

			c->status = vc_gpa_to_va(vr->mem, d->addr + d->len - 1, &one);
		}
		return false;
	}
	*total += d->len;
	/* The status byte is the last byte of the last descriptor. */
	if (writable && d->len > 0) {
		const struct vc_seg *last = &c->segs[c->nb_in + c->nb_out - 1];

		c->status = last->addr + last->len - 1;
	}
	return true;
}

/*
 * The indirect table every driver we know writes, taken in one tight pass:
 * at most VC_CHAIN_INLINE_SEGS entries, none empty or indirect, readable
 * ones first, each inside the memory region the ring's last translation
 * was in, and (split) each linking to the entry after it until the last.
 * Fills the chain and returns true; returns false as soon as an entry is
 * anything else, and the caller walks the table again the general way,
 * which gives the same chain for the tables this one takes. Each entry is
 * read once, its fields into locals.
 *
 * Split and packed entries are both 16 bytes: address, length, then split
 * has flags and next where packed has id and flags.
 */
static __rte_always_inline bool
chain_walk_table_fast(struct vc_vring *vr, struct vc_chain *c, const void *table,
		      uint32_t n, bool packed)
{
	const struct rte_vhost_mem_region *r;
	uint64_t in_len = 0, out_len = 0;
	uint16_t nb_in = 0, nb_out = 0;
	uint32_t i;

	if (unlikely(vr->region_hint >= vr->mem->nregions || n > VC_CHAIN_INLINE_SEGS))
		return false;
	r = &vr->mem->regions[vr->region_hint];
	for (i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)table + 16 * i;
		uint64_t addr, off;
		uint32_t len;
		uint16_t flags, next;
		bool last;

		memcpy(&addr, e, 8);
		memcpy(&len, e + 8, 4);
		if (packed) {
			memcpy(&flags, e + 14, 2);
			last = i == n - 1;
		} else {
			memcpy(&flags, e + 12, 2);
			memcpy(&next, e + 14, 2);
			last = !(flags & VRING_DESC_F_NEXT);
			if (!last && next != i + 1)
				return false;
		}
		off = addr - r->guest_phys_addr;
		if ((flags & VRING_DESC_F_INDIRECT) || len == 0 || off >= r->size ||
		    len > r->size - off)
			return false;
		c->inline_segs[i].addr = (uint8_t *)(uintptr_t)(r->host_user_addr + off);
		c->inline_segs[i].len = len;
		if (flags & VRING_DESC_F_WRITE) {
			nb_out++;
			out_len += len;
		} else {
			if (nb_out != 0)
				return false;	/* readable after writable */
			nb_in++;
			in_len += len;
		}
		if (last) {
			if (in_len > UINT32_MAX || out_len > UINT32_MAX)
				return false;
			c->nb_in = nb_in;
			c->nb_out = nb_out;
			c->in_len = (uint32_t)in_len;
			c->out_len = (uint32_t)out_len;
			c->status = (flags & VRING_DESC_F_WRITE) ?
				c->inline_segs[i].addr + len - 1 : NULL;
			return true;
		}
	}
	return false;	/* split: the last entry still links on */
}

/*
 * Walk an indirect table. It must lie in one contiguous host range (every
 * driver allocates it in one piece), be a whole number of descriptors, and
 * not nest. A bad entry makes the chain bad but the walk goes on, so that
 * the status byte (last writable byte) can still be found.
 */
static bool
chain_walk_indirect(struct vc_vring *vr, struct vc_chain *c,
		    const struct vring_desc *ind, bool *bad)
{
	const struct vring_desc *table;
	uint64_t len = ind->len;
	uint32_t n, i, hops;

	if (ind->len == 0 || ind->len % sizeof(struct vring_desc) != 0)
		return false;
	table = ring_gpa_to_va(vr, ind->addr, &len);
	if (table == NULL || len != ind->len) {
		VC_LOG(DEBUG, "indirect table at 0x%" PRIx64 " (%u B) not in guest memory",
		       (uint64_t)ind->addr, ind->len);
		return false;
	}
	n = ind->len / sizeof(struct vring_desc);
	if (likely(chain_walk_table_fast(vr, c, table, n, false)))
		return true;
	chain_init(c);

	for (i = 0, hops = 0; ; hops++) {
		struct vring_desc d;

		if (i >= n || hops >= n)
			return false;	/* out of the table, or a loop */
		memcpy(&d, &table[i], sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT)
			return false;	/* nested */
		if (!chain_add_desc(vr, c, &d))
			*bad = true;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return true;
		i = d.next;
	}
}

static enum vc_chain_error
vring_pop_split(struct vc_vring *vr, struct vc_chain *c)
{
	uint16_t head, idx, hops;
	bool bad = false;

	head = __atomic_load_n(&vr->avail->ring[vr->last_avail_idx & (vr->size - 1)],
			       __ATOMIC_RELAXED);
	if (head >= vr->size) {
		VC_LOG(ERR, "avail ring entry %u out of range (%u)", head, vr->size);
		vr->broken = true;
		return VC_CHAIN_RING_BROKEN;
	}
	vr->last_avail_idx++;

	c->head = head;
	c->ndescs = 1;
	chain_init(c);

	/*
	 * A bad descriptor (outside guest memory, readable after writable,
	 * too many) makes the chain bad; the walk goes on to find the status
	 * byte. A bad link (out of the ring, a loop) ends it: what follows
	 * cannot be trusted to be this chain's.
	 */
	for (idx = head, hops = 0; ; hops++) {
		struct vring_desc d;

		if (hops >= vr->size)
			return VC_CHAIN_BAD;	/* a loop */
		memcpy(&d, &vr->desc[idx], sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* An indirect descriptor is the whole chain. */
			if (hops != 0 || (d.flags & VRING_DESC_F_NEXT))
				return VC_CHAIN_BAD;
			if (!chain_walk_indirect(vr, c, &d, &bad))
				return VC_CHAIN_BAD;
			return bad ? VC_CHAIN_BAD : VC_CHAIN_OK;
		}
		if (!chain_add_desc(vr, c, &d))
			bad = true;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return bad ? VC_CHAIN_BAD : VC_CHAIN_OK;
		if (d.next >= vr->size)
			return VC_CHAIN_BAD;
		idx = d.next;
	}
}

static void
vring_prefetch_split(struct vc_vring *vr, uint16_t n)
{
	uint16_t i, mask = vr->size - 1;

	for (i = 0; i < n; i++) {
		uint16_t head = __atomic_load_n(&vr->avail->ring[(vr->last_avail_idx + i) & mask],
						__ATOMIC_RELAXED);
		const struct vring_desc *d = &vr->desc[head & mask];

		if (d->flags & VRING_DESC_F_INDIRECT)
			prefetch_table(vr, d->addr, d->len);
	}
}

static void
vring_unpop_split(struct vc_vring *vr, const struct vc_chain *c)
{
	RTE_SET_USED(c);
	vr->last_avail_idx--;
}

static void
vring_push_split(struct vc_vring *vr, const struct vc_chain *c, uint32_t written)
{
	struct vring_used_elem *e = &vr->used->ring[vr->used_idx & (vr->size - 1)];

	e->id = c->head;
	e->len = written;
	vr->used_idx++;
}

static bool
vring_need_notify_split(struct vc_vring *vr)
{
	uint16_t old = vr->signalled_used, new = vr->used_idx;

	if (vr->event_idx) {
		/* used_event sits after the avail ring entries. */
		uint16_t event = __atomic_load_n(&vr->avail->ring[vr->size],
						 __ATOMIC_RELAXED);

		return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
	}
	return !(__atomic_load_n(&vr->avail->flags, __ATOMIC_RELAXED) &
		 VRING_AVAIL_F_NO_INTERRUPT);
}

static void
vring_flush_split(struct vc_vring *vr, bool notify)
{
	if (vr->used_idx == vr->signalled_used)
		return;
	/*
	 * Release: the used elements and the data written into the driver's
	 * buffers must be visible before the new used->idx.
	 */
	__atomic_store_n(&vr->used->idx, vr->used_idx, __ATOMIC_RELEASE);
	if (!notify || vr->callfd < 0) {
		vr->signalled_used = vr->used_idx;
		return;
	}
	/*
	 * Full barrier: our used->idx store must be ordered before reading the
	 * driver's suppression state, or we may miss a notification it wants.
	 */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vring_need_notify_split(vr))
		eventfd_write(vr->callfd, 1);
	vr->signalled_used = vr->used_idx;
}

/* ------------------------------------------------------------------ */
/* Packed ring specific functions - *_packed()                         */
/* ------------------------------------------------------------------ */

/* An indirect table of packed descriptors: consecutive, no links. */
static bool
chain_walk_indirect_packed(struct vc_vring *vr, struct vc_chain *c,
			   uint64_t addr, uint32_t len, bool *bad)
{
	const struct vring_packed_desc *table;
	uint64_t got = len;
	uint32_t i, n;

	if (len == 0 || len % sizeof(struct vring_packed_desc) != 0)
		return false;
	table = ring_gpa_to_va(vr, addr, &got);
	if (table == NULL || got != len)
		return false;
	n = len / sizeof(struct vring_packed_desc);
	if (likely(chain_walk_table_fast(vr, c, table, n, true)))
		return true;
	chain_init(c);
	for (i = 0; i < n; i++) {
		struct vring_packed_desc p;
		struct vring_desc d;

		memcpy(&p, &table[i], sizeof(p));
		if (p.flags & VRING_DESC_F_INDIRECT)
			return false;	/* nested */
		d.addr = p.addr;
		d.len = p.len;
		d.flags = p.flags & VRING_DESC_F_WRITE;
		if (!chain_add_desc(vr, c, &d))
			*bad = true;
	}
	return true;
}

static enum vc_chain_error
vring_pop_packed(struct vc_vring *vr, struct vc_chain *c)
{
	uint16_t idx = vr->last_avail_idx, n = 0;
	bool wrap = vr->avail_wrap, bad = false, more;
	struct vring_packed_desc p;

	/* Acquire: the descriptor body is read after its flags said "mine". */
	if (!desc_is_avail(__atomic_load_n(&vr->desc_packed[idx].flags,
					   __ATOMIC_ACQUIRE), wrap))
		return VC_CHAIN_EMPTY;

	chain_init(c);
	do {
		if (n == vr->size) {
			vc_vring_set_broken(vr, "packed chain longer than the ring");
			return VC_CHAIN_RING_BROKEN;
		}
		memcpy(&p, &vr->desc_packed[idx], sizeof(p));
		if (!desc_is_avail(p.flags, wrap)) {
			/* A chain's descriptors are all made available together. */
			vc_vring_set_broken(vr, "packed chain with an unavailable descriptor");
			return VC_CHAIN_RING_BROKEN;
		}
		more = p.flags & VRING_DESC_F_NEXT;
		if (p.flags & VRING_DESC_F_INDIRECT) {
			if (n != 0 || more ||
			    !chain_walk_indirect_packed(vr, c, p.addr, p.len, &bad))
				bad = true;
		} else {
			struct vring_desc d = {
				.addr = p.addr, .len = p.len,
				.flags = p.flags & VRING_DESC_F_WRITE,
			};

			if (!chain_add_desc(vr, c, &d))
				bad = true;
		}
		n++;
		if (++idx == vr->size) {
			idx = 0;
			wrap = !wrap;
		}
	} while (more);

	/* The buffer id comes from the chain's last descriptor. */
	if (p.id >= vr->size) {
		vc_vring_set_broken(vr, "packed buffer id out of range");
		return VC_CHAIN_RING_BROKEN;
	}
	c->head = p.id;
	c->ndescs = n;
	vr->last_avail_idx = idx;
	vr->avail_wrap = wrap;
	return bad ? VC_CHAIN_BAD : VC_CHAIN_OK;
}

/* Descriptors, not chains: enough to cover n chains of one descriptor each. */
static void
vring_prefetch_packed(struct vc_vring *vr, uint16_t n)
{
	uint16_t i, idx = vr->last_avail_idx;
	bool wrap = vr->avail_wrap;

	for (i = 0; i < n; i++) {
		const struct vring_packed_desc *p = &vr->desc_packed[idx];
		uint16_t flags = __atomic_load_n(&p->flags, __ATOMIC_RELAXED);

		if (!desc_is_avail(flags, wrap))
			return;
		if (flags & VRING_DESC_F_INDIRECT)
			prefetch_table(vr, p->addr, p->len);
		if (++idx == vr->size) {
			idx = 0;
			wrap = !wrap;
		}
	}
}

static void
vring_unpop_packed(struct vc_vring *vr, const struct vc_chain *c)
{
	if (vr->last_avail_idx < c->ndescs) {
		vr->last_avail_idx += vr->size - c->ndescs;
		vr->avail_wrap = !vr->avail_wrap;
	} else {
		vr->last_avail_idx -= c->ndescs;
	}
}

/*
 * A used descriptor is published by its flags: id and length first, then
 * (release) both wrap bits set to the device's used wrap counter. The
 * device then skips the slots the buffer (or, in order, the run of
 * buffers it stands for) took.
 */
static inline void
packed_mark_used(struct vc_vring *vr, uint16_t id, uint32_t written, uint32_t ndescs)
{
	struct vring_packed_desc *d = &vr->desc_packed[vr->used_idx];
	uint16_t flags = vr->used_wrap ?
		(1u << VRING_PACKED_DESC_F_AVAIL) | (1u << VRING_PACKED_DESC_F_USED) : 0;

	d->id = id;
	d->len = written;
	if (written)
		flags |= VRING_DESC_F_WRITE;
	__atomic_store_n(&d->flags, flags, __ATOMIC_RELEASE);
	ndescs += vr->used_idx;
	/* A driver that offered slots it had not had back may make it lap. */
	while (ndescs >= vr->size) {
		ndescs -= vr->size;
		vr->used_wrap = !vr->used_wrap;
	}
	vr->used_idx = (uint16_t)ndescs;
}

/* Out of order completion is fine: the driver finds the buffer by id. */
static void
vring_push_packed(struct vc_vring *vr, const struct vc_chain *c, uint32_t written)
{
	packed_mark_used(vr, c->head, written, c->ndescs);
}

static void
vring_flush_packed(struct vc_vring *vr, bool notify)
{
	uint16_t flags;

	if (vr->used_idx == vr->signalled_used && vr->used_wrap == vr->signalled_wrap)
		return;
	vr->signalled_used = vr->used_idx;
	vr->signalled_wrap = vr->used_wrap;
	if (!notify || vr->callfd < 0)
		return;
	/* Order the used descriptors before reading the driver's wishes. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = __atomic_load_n(&vr->driver_event->flags, __ATOMIC_RELAXED);
	/*
	 * DESC (notify at a given index) is treated as ENABLE: one extra
	 * notification is harmless, a missed one stalls the driver.
	 */
	if (flags != VRING_PACKED_EVENT_FLAG_DISABLE)
		eventfd_write(vr->callfd, 1);
}

/* ------------------------------------------------------------------ */
/* In-order completion (VIRTIO_F_IN_ORDER)                             */
/* ------------------------------------------------------------------ */

/*
 * A completion, kept in the chain's place in the taking order. ndescs,
 * never 0 for a chain taken (split chains take one slot), marks the place
 * done.
 */
static inline void
vring_push_inorder(struct vc_vring *vr, const struct vc_chain *c, uint32_t written)
{
	struct vc_inorder_ent *e = &vr->inorder[c->seq & (vr->size - 1)];

	e->len = written;
	e->id_end = c->head | (written < c->out_len ? VC_INORDER_ENDS_RUN : 0);
	e->ndescs = c->ndescs;
}

/*
 * Publish the run of done chains from the oldest unpublished one, if
 * any, as the specification lets an in-order device: one used element
 * (split) or used descriptor (packed) with the run's last id and length,
 * at the next used position, the used index moving past the whole run.
 * The driver completes everything it made available up to that id.
 * Returns false if the oldest chain is not done.
 */
static bool
vring_publish_run(struct vc_vring *vr)
{
	struct vc_inorder_ent *win = vr->inorder, *e;
	uint16_t mask = vr->size - 1, seq = vr->pub_seq, end = vr->pop_seq, id, n;
	uint32_t ndescs = 0;

	if (seq == end || win[seq & mask].ndescs == 0)
		return false;
	for (;;) {
		e = &win[seq & mask];
		ndescs += e->ndescs;
		e->ndescs = 0;
		seq++;
		if ((e->id_end & VC_INORDER_ENDS_RUN) || seq == end ||
		    win[seq & mask].ndescs == 0)
			break;
	}
	id = e->id_end & ~VC_INORDER_ENDS_RUN;
	n = seq - vr->pub_seq;
	vr->pub_seq = seq;

	if (vr->packed) {
		packed_mark_used(vr, id, e->len, ndescs);
	} else {
		struct vring_used_elem *u = &vr->used->ring[vr->used_idx & mask];

		u->id = id;
		u->len = e->len;
		vr->used_idx += n;
	}
	return true;
}

/* Every run ready, each as one used element or descriptor. */
static inline void
vring_publish_inorder(struct vc_vring *vr)
{
	while (vring_publish_run(vr))
		;
}

/* ------------------------------------------------------------------ */
/* Layout-neutral entry points                                         */
/* ------------------------------------------------------------------ */

enum vc_chain_error
vc_vring_pop(struct vc_vring *vr, struct vc_chain *chain)
{
	enum vc_chain_error err = vr->packed ? vring_pop_packed(vr, chain) :
					       vring_pop_split(vr, chain);

	/* Every chain that may be pushed or given back has its place. */
	if (err == VC_CHAIN_OK || err == VC_CHAIN_BAD || err == VC_CHAIN_WANTS_SPILL)
		chain->seq = vr->pop_seq++;
	/* The walk went to the end, so the chain can be given back whole. */
	if ((err == VC_CHAIN_OK || err == VC_CHAIN_BAD) && chain->wants_spill)
		return VC_CHAIN_WANTS_SPILL;
	return err;
}

void
vc_vring_prefetch(struct vc_vring *vr, uint16_t n)
{
	if (vr->broken)
		return;
	if (vr->packed)
		vring_prefetch_packed(vr, n);
	else
		vring_prefetch_split(vr, n);
}

void
vc_vring_unpop(struct vc_vring *vr, const struct vc_chain *chain)
{
	/* Only the last chain taken is given back, so its place is the last. */
	vr->pop_seq--;
	if (vr->packed)
		vring_unpop_packed(vr, chain);
	else
		vring_unpop_split(vr, chain);
}

void
vc_vring_push(struct vc_vring *vr, const struct vc_chain *chain, uint32_t written)
{
	if (vr->in_order)
		vring_push_inorder(vr, chain, written);
	else if (vr->packed)
		vring_push_packed(vr, chain, written);
	else
		vring_push_split(vr, chain, written);
}

void
vc_vring_flush(struct vc_vring *vr, bool notify)
{
	if (vr->in_order)
		vring_publish_inorder(vr);
	if (vr->packed)
		vring_flush_packed(vr, notify);
	else
		vring_flush_split(vr, notify);
}

void
vc_vring_set_broken(struct vc_vring *vr, const char *why)
{
	VC_LOG(ERR, "ring broken: %s", why);
	vr->broken = true;
}

/*
 * Copy between `buf` and bytes [off, off + len) of the segments
 * [first, end) of a chain: into the chain when `to_chain`, out of it
 * otherwise. Returns 0, or -1 if the segments hold fewer bytes.
 */
static int
chain_copy(const struct vc_chain *c, uint16_t first, uint16_t end, uint32_t off,
	   uint8_t *buf, uint32_t len, bool to_chain)
{
	uint16_t i;

	for (i = first; i < end && len > 0; i++) {
		const struct vc_seg *s = &c->segs[i];
		uint32_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = RTE_MIN(len, s->len - off);
		if (to_chain)
			memcpy(s->addr + off, buf, n);
		else
			memcpy(buf, s->addr + off, n);
		buf += n;
		len -= n;
		off = 0;
	}
	return len == 0 ? 0 : -1;
}

int
vc_chain_read(const struct vc_chain *c, uint32_t off, void *dst, uint32_t len)
{
	return chain_copy(c, 0, c->nb_in, off, dst, len, false);
}

int
vc_chain_write(const struct vc_chain *c, uint32_t off, const void *src, uint32_t len)
{
	/* chain_copy only reads `buf` when copying into the chain */
	return chain_copy(c, c->nb_in, c->nb_in + c->nb_out, off,
			  (uint8_t *)(uintptr_t)src, len, true);
}
