/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <inttypes.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_atomic.h>
#include <rte_common.h>

#include "vhost_crypto_log.h"
#include "vhost_crypto_vring.h"

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

uint16_t
vc_vring_avail_count(struct vc_vring *vr)
{
	uint16_t n;

	if (vr->broken || vr->avail == NULL)
		return 0;
	n = avail_idx_load(vr) - vr->last_avail_idx;
	/* The driver cannot have more than size entries outstanding. */
	if (n > vr->size) {
		VC_LOG(ERR, "avail index moved by %u on a ring of %u", n, vr->size);
		vr->broken = true;
		return 0;
	}
	return n;
}

/*
 * Add the guest range [gpa, gpa + len) to the chain as one or more
 * segments (more when it spans memory regions). Returns false if it is not
 * in guest memory or the chain has no room left. Readable segments only
 * come before writable ones, so the next free slot is nb_in + nb_out.
 */
static bool
chain_add_range(const struct vc_vring *vr, struct vc_chain *c, uint64_t gpa,
		uint32_t len, bool writable)
{
	while (len > 0) {
		uint64_t piece = len;
		void *va = vc_gpa_to_va(vr->mem, gpa, &piece);
		struct vc_seg *s;

		if (va == NULL || piece == 0)
			return false;
		if (c->nb_in + c->nb_out >= VC_CHAIN_MAX_SEGS)
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
static bool
chain_add_desc(const struct vc_vring *vr, struct vc_chain *c,
	       const struct vring_desc *d)
{
	bool writable = d->flags & VRING_DESC_F_WRITE;
	uint32_t *total = writable ? &c->out_len : &c->in_len;

	uint16_t nb_in = c->nb_in, nb_out = c->nb_out;

	c->status_ok = false;
	if (!writable && c->nb_out > 0)
		return false;	/* readable after writable */
	if ((uint64_t)*total + d->len > UINT32_MAX)
		return false;
	if (!chain_add_range(vr, c, d->addr, d->len, writable)) {
		c->nb_in = nb_in;	/* drop the pieces of a partial range */
		c->nb_out = nb_out;
		return false;
	}
	*total += d->len;
	/* The status byte is the last byte of the last descriptor. */
	c->status_ok = writable && d->len > 0;
	return true;
}

/*
 * Walk an indirect table. It must lie in one contiguous host range (every
 * driver allocates it in one piece), be a whole number of descriptors, and
 * not nest. A bad entry makes the chain bad but the walk goes on, so that
 * the status byte (last writable byte) can still be found.
 */
static bool
chain_walk_indirect(const struct vc_vring *vr, struct vc_chain *c,
		    const struct vring_desc *ind, bool *bad)
{
	const struct vring_desc *table;
	uint64_t len = ind->len;
	uint32_t n, i, hops;

	if (ind->len == 0 || ind->len % sizeof(struct vring_desc) != 0)
		return false;
	table = vc_gpa_to_va(vr->mem, ind->addr, &len);
	if (table == NULL || len != ind->len) {
		VC_LOG(DEBUG, "indirect table at 0x%" PRIx64 " (%u B) not in guest memory",
		       (uint64_t)ind->addr, ind->len);
		return false;
	}
	n = ind->len / sizeof(struct vring_desc);

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
	c->nb_in = c->nb_out = 0;
	c->in_len = c->out_len = 0;
	c->status_ok = false;

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
vring_push_split(struct vc_vring *vr, uint16_t head, uint32_t written)
{
	struct vring_used_elem *e = &vr->used->ring[vr->used_idx & (vr->size - 1)];

	e->id = head;
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
/* Layout-neutral entry points                                         */
/* ------------------------------------------------------------------ */

enum vc_chain_error
vc_vring_pop(struct vc_vring *vr, struct vc_chain *chain)
{
	return vring_pop_split(vr, chain);
}

void
vc_vring_set_broken(struct vc_vring *vr, const char *why)
{
	VC_LOG(ERR, "ring broken: %s", why);
	vr->broken = true;
}

void
vc_vring_push(struct vc_vring *vr, uint16_t head, uint32_t written)
{
	vring_push_split(vr, head, written);
}

void
vc_vring_flush(struct vc_vring *vr, bool notify)
{
	vring_flush_split(vr, notify);
}

int
vc_chain_read(const struct vc_chain *c, uint32_t off, void *dst, uint32_t len)
{
	uint8_t *out = dst;
	uint16_t i;

	for (i = 0; i < c->nb_in && len > 0; i++) {
		const struct vc_seg *s = &c->segs[i];
		uint32_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = RTE_MIN(len, s->len - off);
		memcpy(out, s->addr + off, n);
		out += n;
		len -= n;
		off = 0;
	}
	return len == 0 ? 0 : -1;
}

int
vc_chain_write(const struct vc_chain *c, uint32_t off, const void *src, uint32_t len)
{
	const uint8_t *in = src;
	uint16_t i;

	for (i = c->nb_in; i < c->nb_in + c->nb_out && len > 0; i++) {
		const struct vc_seg *s = &c->segs[i];
		uint32_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = RTE_MIN(len, s->len - off);
		memcpy(s->addr + off, in, n);
		in += n;
		len -= n;
		off = 0;
	}
	return len == 0 ? 0 : -1;
}
