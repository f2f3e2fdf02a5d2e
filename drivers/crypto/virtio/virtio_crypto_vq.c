/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_branch_prediction.h>

#include "virtio_crypto_vq.h"

#define VC_RING_ALIGN	4096
/* The spec's used ring alignment is 4; a cache line keeps it off avail's. */
#define VC_USED_ALIGN	64

/* Descriptor flag bits the packed layout adds (linux/virtio_ring.h names them by shift). */
#define PACKED_F_AVAIL	(1u << VRING_PACKED_DESC_F_AVAIL)
#define PACKED_F_USED	(1u << VRING_PACKED_DESC_F_USED)

/*
 * The device broke the ring protocol (Linux: BAD_RING()). The ring is left
 * as it is, for vc_vq_reclaim_all() to take the requests back; nothing is
 * logged here, the caller knows the device and logs once.
 */
static void __rte_cold __rte_format_printf(2, 3)
bad_ring(struct virtio_crypto_vq *vq, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(vq->broken_why, sizeof(vq->broken_why), "queue %u, %s ring: ",
		     vq->index, vq->packed_ring ? "packed" : "split");
	if (n < 0 || (size_t)n >= sizeof(vq->broken_why))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(vq->broken_why + n, sizeof(vq->broken_why) - n, fmt, ap);
	va_end(ap);
	vq->broken = true;
}

/* Bytes the device may write into a request: a used length is cut to it. */
static inline uint32_t
writable_bytes(const struct vc_vq_buf *bufs, uint16_t nb_out, uint16_t n)
{
	uint64_t sum = 0;
	uint16_t i;

	for (i = nb_out; i < n; i++)
		sum += bufs[i].len;
	return sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
}

static inline bool
need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old_idx);
}

/* ------------------------------------------------------------------ */
/* Split layout                                                        */
/* ------------------------------------------------------------------ */

static size_t
split_avail_off(uint16_t size)
{
	return sizeof(struct vring_desc) * size;
}

static size_t
split_used_off(uint16_t size)
{
	/* flags, idx, ring[size], used_event */
	return RTE_ALIGN_CEIL(split_avail_off(size) + 4 + 2 * (size_t)size + 2, VC_USED_ALIGN);
}

static size_t
split_bytes(uint16_t size)
{
	return split_used_off(size) + 4 + sizeof(struct vring_used_elem) * size + 2;
}

static void
split_reset(struct virtio_crypto_vq *vq)
{
	uint16_t i;

	for (i = 0; i < vq->size; i++) {
		vq->split.desc[i].next = (i + 1) & (vq->size - 1);
		vq->slots[i].cookie = NULL;
	}
	vq->free_head = 0;
	vq->free_tail = vq->size - 1;
	vq->avail_idx = 0;
	vq->avail_published = 0;
	vq->last_used = 0;
	vq->nb_free = vq->size;
	vq->in_run = false;
	vq->io_oldest = 0;
	vq->used_seen = 0;
	/*
	 * We busy-poll: ask for no interrupts. With EVENT_IDX the device reads
	 * used_event instead; one that trails the used index by a whole ring
	 * (last_used - 1) never comes up.
	 */
	vq->split.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	vq->split.avail->ring[vq->size] = 0xffff;	/* used_event */
}

static void
split_init(struct virtio_crypto_vq *vq, void *ring, uint64_t addr)
{
	vq->split.desc = ring;
	vq->split.avail = RTE_PTR_ADD(ring, split_avail_off(vq->size));
	vq->split.used = RTE_PTR_ADD(ring, split_used_off(vq->size));
	vq->desc_addr = addr;
	vq->driver_area_addr = addr + split_avail_off(vq->size);
	vq->device_area_addr = addr + split_used_off(vq->size);
	split_reset(vq);
}

static int
split_add(struct virtio_crypto_vq *vq, const struct vc_vq_buf *bufs,
	  uint16_t nb_out, uint16_t nb_in, void *cookie,
	  void *table, uint64_t table_addr)
{
	struct vring_desc *desc = vq->split.desc;
	uint16_t n = nb_out + nb_in;
	uint16_t ndescs = vc_vq_descs_needed(vq, n);
	uint16_t head = vq->free_head;
	uint16_t idx = head, last = head;
	uint16_t i;

	if (unlikely(vq->nb_free < ndescs))
		return -ENOSPC;
	if (vq->indirect) {
		struct vring_desc *t = table;

		/* Readable, then writable, each with constant flags; the last ends it. */
		for (i = 0; i < nb_out; i++) {
			t[i].addr = bufs[i].addr;
			t[i].len = bufs[i].len;
			t[i].flags = VRING_DESC_F_NEXT;
			t[i].next = i + 1;
		}
		for (; i < n; i++) {
			t[i].addr = bufs[i].addr;
			t[i].len = bufs[i].len;
			t[i].flags = VRING_DESC_F_WRITE | VRING_DESC_F_NEXT;
			t[i].next = i + 1;
		}
		if (likely(n != 0))
			t[n - 1].flags &= ~VRING_DESC_F_NEXT;
		desc[head].addr = table_addr;
		desc[head].len = n * sizeof(*t);
		desc[head].flags = VRING_DESC_F_INDIRECT;
	} else {
		/* The free list is linked through next: a chain just follows it. */
		for (i = 0; i < n; i++) {
			desc[idx].addr = bufs[i].addr;
			desc[idx].len = bufs[i].len;
			desc[idx].flags = (i >= nb_out ? VRING_DESC_F_WRITE : 0) |
					  (i + 1 < n ? VRING_DESC_F_NEXT : 0);
			last = idx;
			idx = desc[idx].next;
		}
	}
	vq->free_head = desc[last].next;
	vq->nb_free -= ndescs;
	vq->slots[head].cookie = cookie;
	vq->slots[head].ndescs = ndescs;
	vq->slots[head].in_len = writable_bytes(bufs, nb_out, n);
	/* Only the index store in split_publish() makes this visible. */
	vq->split.avail->ring[vq->avail_idx & (vq->size - 1)] = head;
	vq->avail_idx++;
	return 0;
}

static bool
split_publish(struct virtio_crypto_vq *vq)
{
	uint16_t old = vq->avail_published, new = vq->avail_idx;

	if (old == new)
		return false;
	/* Descriptors and ring entries before the index that exposes them. */
	__atomic_store_n(&vq->split.avail->idx, new, __ATOMIC_RELEASE);
	vq->avail_published = new;
	/* The index store before the read of the device's wish to be kicked. */
	rte_smp_mb();
	if (vq->event_idx) {
		/* avail_event: the u16 after the used ring */
		uint16_t avail_event = __atomic_load_n((uint16_t *)(void *)
			&vq->split.used->ring[vq->size], __ATOMIC_RELAXED);

		return need_event(avail_event, new, old);
	}
	return !(__atomic_load_n(&vq->split.used->flags, __ATOMIC_RELAXED) &
		 VRING_USED_F_NO_NOTIFY);
}

static void *
split_get_used(struct virtio_crypto_vq *vq, uint32_t *len)
{
	struct vring_desc *desc = vq->split.desc;
	struct vring_used_elem *e;
	uint16_t used_idx, in_flight, idx, i;
	uint32_t id, used_len;
	void *cookie;

	/* The used index before the element it covers. */
	used_idx = __atomic_load_n(&vq->split.used->idx, __ATOMIC_ACQUIRE);
	if (vq->last_used == used_idx)
		return NULL;
	/* Requests published and not used yet: the most the index may move. */
	in_flight = vq->avail_published - vq->last_used;
	if (unlikely((uint16_t)(used_idx - vq->last_used) > in_flight)) {
		bad_ring(vq, "used idx %u is %u ahead of %u, more than the %u requests in flight",
			 used_idx, (uint16_t)(used_idx - vq->last_used), vq->last_used,
			 in_flight);
		return NULL;
	}
	/* Each field read once: the device may rewrite them meanwhile. */
	e = &vq->split.used->ring[vq->last_used & (vq->size - 1)];
	id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
	used_len = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
	if (unlikely(id >= vq->size)) {
		bad_ring(vq, "used id %u out of range (ring size %u)", id, vq->size);
		return NULL;
	}
	/* Only a chain's head holds a cookie, and only while it is in flight. */
	if (unlikely(vq->slots[id].cookie == NULL)) {
		bad_ring(vq, "used id %u is not a request in flight", id);
		return NULL;
	}
	idx = id;
	for (i = 1; i < vq->slots[id].ndescs; i++)
		idx = desc[idx].next;
	/*
	 * To the tail of the free list: requests completed in order then keep
	 * every head equal to its avail slot, which backends that index their
	 * used ring by head rely on (DPDK 22.11's vhost_crypto).
	 */
	if (vq->nb_free == 0)
		vq->free_head = id;
	else
		desc[vq->free_tail].next = id;
	vq->free_tail = idx;
	vq->nb_free += vq->slots[id].ndescs;
	vq->last_used++;
	cookie = vq->slots[id].cookie;
	vq->slots[id].cookie = NULL;
	*len = RTE_MIN(used_len, vq->slots[id].in_len);
	return cookie;
}

/*
 * In order: the oldest request in flight is the one used next. Its head
 * is known (descriptors go out in ring order, and come back so), so only
 * the used index is read, and the element at a run's start, which names
 * the run's last request and gives its length.
 */
static void *
split_get_used_in_order(struct virtio_crypto_vq *vq, uint32_t *len)
{
	uint16_t head = vq->io_oldest, mask = vq->size - 1;
	struct vc_vq_slot *s;
	void *cookie;

	if (vq->last_used == vq->used_seen) {
		uint16_t used_idx = __atomic_load_n(&vq->split.used->idx, __ATOMIC_ACQUIRE);
		uint16_t in_flight = vq->avail_published - vq->last_used;

		if (used_idx == vq->last_used)
			return NULL;
		if (unlikely((uint16_t)(used_idx - vq->last_used) > in_flight)) {
			bad_ring(vq, "used idx %u is %u ahead of %u, more than the %u requests in flight",
				 used_idx, (uint16_t)(used_idx - vq->last_used), vq->last_used,
				 in_flight);
			return NULL;
		}
		vq->used_seen = used_idx;
	}
	if (!vq->in_run) {
		struct vring_used_elem *e = &vq->split.used->ring[vq->last_used & mask];
		uint32_t id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);

		/* The run's last is a request in flight, so the walk ends there. */
		if (unlikely(id >= vq->size || vq->slots[id].cookie == NULL)) {
			bad_ring(vq, "used id %u at %u is not a request in flight", id,
				 vq->last_used);
			return NULL;
		}
		vq->run_last = id;
		vq->run_len = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
		vq->in_run = true;
	}
	s = &vq->slots[head];
	if (head == vq->run_last) {
		*len = RTE_MIN(vq->run_len, s->in_len);
		vq->in_run = false;
	} else {
		*len = s->in_len;
	}
	vq->last_used++;
	/* A run the used index does not cover: the device broke the protocol. */
	if (unlikely(vq->in_run && vq->last_used == vq->used_seen))
		bad_ring(vq, "used id %u names a request past used idx %u", vq->run_last,
			 vq->used_seen);
	/*
	 * The free list is the ring from free_head on, linked in ring order
	 * (vc_vq_init()); split_add() walks it, and the chain freed here is
	 * the one right after its end: nothing to relink (free_tail is the
	 * out-of-order path's).
	 */
	vq->nb_free += s->ndescs;
	vq->io_oldest = (head + s->ndescs) & mask;
	cookie = s->cookie;
	s->cookie = NULL;
	return cookie;
}

/* ------------------------------------------------------------------ */
/* Packed layout                                                       */
/* ------------------------------------------------------------------ */

static size_t
packed_bytes(uint16_t size)
{
	return sizeof(struct vring_packed_desc) * size +
	       2 * sizeof(struct vring_packed_desc_event);
}

static void
packed_reset(struct virtio_crypto_vq *vq)
{
	uint16_t i;

	memset(vq->packed.desc, 0, sizeof(struct vring_packed_desc) * vq->size);
	for (i = 0; i < vq->size; i++) {
		vq->slots[i].next_free = i + 1;
		vq->slots[i].cookie = NULL;
	}
	vq->free_id = 0;
	vq->next_avail = 0;
	vq->avail_wrap_flags = PACKED_F_AVAIL;
	vq->avail_published = 0;
	vq->last_used = 0;
	vq->used_wrap = true;
	vq->nb_free = vq->size;
	vq->in_run = false;
	vq->io_oldest = 0;
	vq->io_next_id = 0;
	/* We busy-poll: no used-buffer notifications, ever. */
	vq->packed.driver_event->off_wrap = 0;
	vq->packed.driver_event->flags = VRING_PACKED_EVENT_FLAG_DISABLE;
}

static void
packed_init(struct virtio_crypto_vq *vq, void *ring, uint64_t addr)
{
	size_t desc_bytes = sizeof(struct vring_packed_desc) * vq->size;

	vq->packed.desc = ring;
	vq->packed.driver_event = RTE_PTR_ADD(ring, desc_bytes);
	vq->packed.device_event = RTE_PTR_ADD(ring, desc_bytes +
					      sizeof(struct vring_packed_desc_event));
	vq->desc_addr = addr;
	vq->driver_area_addr = addr + desc_bytes;
	vq->device_area_addr = addr + desc_bytes + sizeof(struct vring_packed_desc_event);
	packed_reset(vq);
}

/* The next ring position; the wrap counter flips when it passes the end. */
static inline uint16_t
packed_advance(struct virtio_crypto_vq *vq, uint16_t idx)
{
	if (++idx == vq->size) {
		idx = 0;
		vq->avail_wrap_flags ^= PACKED_F_AVAIL | PACKED_F_USED;
	}
	return idx;
}

static int
packed_add(struct virtio_crypto_vq *vq, const struct vc_vq_buf *bufs,
	   uint16_t nb_out, uint16_t nb_in, void *cookie,
	   void *table, uint64_t table_addr)
{
	struct vring_packed_desc *desc = vq->packed.desc;
	uint16_t n = nb_out + nb_in;
	uint16_t ndescs = vc_vq_descs_needed(vq, n);
	uint16_t head = vq->next_avail;
	uint16_t head_flags = vq->avail_wrap_flags;
	uint16_t id, idx, i;

	if (unlikely(vq->nb_free < ndescs))
		return -ENOSPC;
	if (vq->in_order) {
		/* Its place in the order: at most size requests are in flight. */
		id = vq->io_next_id;
		vq->io_next_id = (id + 1) & (vq->size - 1);
	} else {
		id = vq->free_id;
		vq->free_id = vq->slots[id].next_free;
	}
	vq->slots[id].cookie = cookie;
	vq->slots[id].ndescs = ndescs;
	vq->slots[id].in_len = writable_bytes(bufs, nb_out, n);

	if (vq->indirect) {
		struct vring_packed_desc *t = table;

		for (i = 0; i < nb_out; i++) {
			t[i].addr = bufs[i].addr;
			t[i].len = bufs[i].len;
			t[i].id = 0;
			t[i].flags = 0;
		}
		for (; i < n; i++) {
			t[i].addr = bufs[i].addr;
			t[i].len = bufs[i].len;
			t[i].id = 0;
			t[i].flags = VRING_DESC_F_WRITE;
		}
		desc[head].addr = table_addr;
		desc[head].len = n * sizeof(*t);
		head_flags |= VRING_DESC_F_INDIRECT;
		idx = packed_advance(vq, head);
	} else {
		/*
		 * Every descriptor but the head is written with its own wrap
		 * state now; the device reads none of them before the head.
		 */
		desc[head].addr = bufs[0].addr;
		desc[head].len = bufs[0].len;
		head_flags |= (nb_out == 0 ? VRING_DESC_F_WRITE : 0) |
			      (n > 1 ? VRING_DESC_F_NEXT : 0);
		idx = packed_advance(vq, head);
		for (i = 1; i < n; i++) {
			desc[idx].addr = bufs[i].addr;
			desc[idx].len = bufs[i].len;
			desc[idx].id = id;
			desc[idx].flags = vq->avail_wrap_flags |
					  (i >= nb_out ? VRING_DESC_F_WRITE : 0) |
					  (i + 1 < n ? VRING_DESC_F_NEXT : 0);
			idx = packed_advance(vq, idx);
		}
	}
	desc[head].id = id;
	vq->next_avail = idx;
	vq->nb_free -= ndescs;
	vq->avail_published += ndescs;	/* descriptors since the last publish */
	/* The whole chain before the head flags that hand it over. */
	__atomic_store_n(&desc[head].flags, head_flags, __ATOMIC_RELEASE);
	return 0;
}

static bool
packed_publish(struct virtio_crypto_vq *vq)
{
	uint16_t added = vq->avail_published;
	uint16_t new = vq->next_avail, old;
	uint16_t flags, off_wrap, event;

	if (added == 0)
		return false;
	vq->avail_published = 0;
	/* The head flag stores before the read of the device's event area. */
	rte_smp_mb();
	flags = __atomic_load_n(&vq->packed.device_event->flags, __ATOMIC_RELAXED);
	if (flags != VRING_PACKED_EVENT_FLAG_DESC || !vq->event_idx)
		return flags != VRING_PACKED_EVENT_FLAG_DISABLE;
	off_wrap = __atomic_load_n(&vq->packed.device_event->off_wrap, __ATOMIC_RELAXED);
	event = off_wrap & ~(1u << VRING_PACKED_EVENT_F_WRAP_CTR);
	/* Compare in one index space: an event in the previous lap is size lower. */
	if (!(off_wrap >> VRING_PACKED_EVENT_F_WRAP_CTR) !=
	    !(vq->avail_wrap_flags & PACKED_F_AVAIL))
		event -= vq->size;
	old = new - added;
	return need_event(event, new, old);
}

static void *
packed_get_used(struct virtio_crypto_vq *vq, uint32_t *len)
{
	struct vring_packed_desc *d = &vq->packed.desc[vq->last_used];
	uint16_t flags, id;
	uint32_t used_len;
	void *cookie;

	/*
	 * Used: both bits equal to the wrap counter. Any other pattern is a
	 * descriptor still available to the device or of the last lap.
	 */
	flags = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
	if (!!(flags & PACKED_F_AVAIL) != vq->used_wrap ||
	    !!(flags & PACKED_F_USED) != vq->used_wrap)
		return NULL;
	/* The flags before the id and length; each read once. */
	id = __atomic_load_n(&d->id, __ATOMIC_RELAXED);
	used_len = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
	if (unlikely(id >= vq->size)) {
		bad_ring(vq, "used id %u out of range (ring size %u) at descriptor %u",
			 id, vq->size, vq->last_used);
		return NULL;
	}
	/* A used id of a request completed already, or never made available. */
	if (unlikely(vq->slots[id].cookie == NULL)) {
		bad_ring(vq, "used id %u at descriptor %u is not a request in flight",
			 id, vq->last_used);
		return NULL;
	}
	*len = RTE_MIN(used_len, vq->slots[id].in_len);
	vq->last_used += vq->slots[id].ndescs;
	if (vq->last_used >= vq->size) {
		vq->last_used -= vq->size;
		vq->used_wrap = !vq->used_wrap;
	}
	vq->nb_free += vq->slots[id].ndescs;
	cookie = vq->slots[id].cookie;
	vq->slots[id].cookie = NULL;
	vq->slots[id].next_free = vq->free_id;
	vq->free_id = id;
	return cookie;
}

/*
 * In order: requests come back by id in the order they were added. The
 * used descriptor at a run's start names the run's last; the requests up
 * to it are used, the slots they took skipped.
 */
static void *
packed_get_used_in_order(struct virtio_crypto_vq *vq, uint32_t *len)
{
	uint16_t id = vq->io_oldest;
	struct vc_vq_slot *s = &vq->slots[id];
	void *cookie;

	if (!vq->in_run) {
		struct vring_packed_desc *d = &vq->packed.desc[vq->last_used];
		uint16_t flags = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
		uint16_t last;

		if (!!(flags & PACKED_F_AVAIL) != vq->used_wrap ||
		    !!(flags & PACKED_F_USED) != vq->used_wrap)
			return NULL;
		last = __atomic_load_n(&d->id, __ATOMIC_RELAXED);
		/* The run's last is a request in flight, so the walk ends there. */
		if (unlikely(last >= vq->size || vq->slots[last].cookie == NULL)) {
			bad_ring(vq, "used id %u at descriptor %u is not a request in flight",
				 last, vq->last_used);
			return NULL;
		}
		vq->run_last = last;
		vq->run_len = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
		vq->in_run = true;
	}
	if (id == vq->run_last) {
		*len = RTE_MIN(vq->run_len, s->in_len);
		vq->in_run = false;
	} else {
		*len = s->in_len;
	}
	vq->last_used += s->ndescs;
	if (vq->last_used >= vq->size) {
		vq->last_used -= vq->size;
		vq->used_wrap = !vq->used_wrap;
	}
	vq->nb_free += s->ndescs;
	vq->io_oldest = (id + 1) & (vq->size - 1);
	cookie = s->cookie;
	s->cookie = NULL;
	return cookie;
}

/* ------------------------------------------------------------------ */
/* One interface                                                       */
/* ------------------------------------------------------------------ */

size_t
vc_vq_ring_bytes(uint16_t size, bool packed)
{
	return RTE_ALIGN_CEIL(packed ? packed_bytes(size) : split_bytes(size), VC_RING_ALIGN);
}

int
vc_vq_init(struct virtio_crypto_vq *vq, uint16_t index, uint16_t size,
	   bool packed, bool indirect, bool event_idx,
	   void *ring, uint64_t ring_addr, struct vc_vq_slot *slots)
{
	if (size == 0 || !rte_is_power_of_2(size))
		return -EINVAL;
	vq->index = index;
	vq->size = size;
	vq->packed_ring = packed;
	vq->indirect = indirect;
	vq->event_idx = event_idx;
	vq->in_order = false;	/* until vc_vq_set_in_order() */
	vq->slots = slots;
	vq->broken = false;
	vq->broken_why[0] = '\0';
	memset(ring, 0, vc_vq_ring_bytes(size, packed));
	if (packed)
		packed_init(vq, ring, ring_addr);
	else
		split_init(vq, ring, ring_addr);
	return 0;
}

int
vc_vq_add(struct virtio_crypto_vq *vq, const struct vc_vq_buf *bufs,
	  uint16_t nb_out, uint16_t nb_in, void *cookie,
	  void *table, uint64_t table_addr)
{
	if (unlikely(vq->broken))
		return -EIO;
	if (vq->packed_ring)
		return packed_add(vq, bufs, nb_out, nb_in, cookie, table, table_addr);
	return split_add(vq, bufs, nb_out, nb_in, cookie, table, table_addr);
}

bool
vc_vq_publish(struct virtio_crypto_vq *vq)
{
	if (unlikely(vq->broken))
		return false;
	return vq->packed_ring ? packed_publish(vq) : split_publish(vq);
}

void *
vc_vq_get_used(struct virtio_crypto_vq *vq, uint32_t *len)
{
	if (unlikely(vq->broken))
		return NULL;
	if (vq->in_order)
		return vq->packed_ring ? packed_get_used_in_order(vq, len) :
					 split_get_used_in_order(vq, len);
	return vq->packed_ring ? packed_get_used(vq, len) : split_get_used(vq, len);
}

void
vc_vq_set_in_order(struct virtio_crypto_vq *vq, bool on)
{
	vq->in_order = on;
}

void
vc_vq_reclaim_all(struct virtio_crypto_vq *vq, void (*fn)(void *cookie, void *arg),
		  void *arg)
{
	uint16_t i;

	for (i = 0; i < vq->size; i++)
		if (vq->slots[i].cookie != NULL)
			fn(vq->slots[i].cookie, arg);
	if (vq->packed_ring)
		packed_reset(vq);
	else
		split_reset(vq);
}
