/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_VRING_H
#define VHOST_CRYPTO_VRING_H

/*
 * The device side of a virtqueue: take descriptor chains the driver made
 * available, hand back used ones, notify. Every value the driver wrote
 * (indices, lengths, addresses, next links, indirect tables) is treated as
 * hostile and checked against the ring and guest memory before use; a
 * chain is copied into a local struct vc_chain once and never re-read.
 *
 * Guest addresses are translated through vc_gpa_to_va() only, which clamps
 * the length at the end of the memory region.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_vhost.h>

/*
 * Segments one chain may have after translation; more is BADMSG. A driver
 * may chain as many descriptors as the queue has (1024 for QEMU), and a
 * descriptor spanning memory regions becomes several segments.
 */
#define VC_CHAIN_MAX_SEGS	1088

/*
 * Segments a chain holds in its own struct: every request of the drivers
 * we know but the multi-segment ones. Chains in flight are read again on
 * completion, so they stay small enough for the cache; a longer chain
 * spills into an array of VC_CHAIN_MAX_SEGS that the caller lends.
 */
#define VC_CHAIN_INLINE_SEGS	16

/** A translated piece of a chain, in host virtual memory. */
struct vc_seg {
	uint8_t *addr;
	uint32_t len;
};

/**
 * A descriptor chain, translated: device-readable segments first, then
 * device-writable ones (a chain with a readable descriptor after a writable
 * one is rejected), with their total lengths.
 */
struct vc_chain {
	uint16_t head;		/**< id to return in the used ring */
	uint16_t ndescs;	/**< ring slots it took (packed rings skip them) */
	/**
	 * Its place in the order chains were taken (vc_vring.pop_seq when
	 * it was popped): with VIRTIO_F_IN_ORDER, where it waits until
	 * every chain taken before it is done.
	 */
	uint16_t seq;
	uint16_t nb_in;		/**< readable segments: segs[0 .. nb_in) */
	uint16_t nb_out;	/**< writable: segs[nb_in .. nb_in + nb_out) */
	uint32_t in_len;	/**< bytes readable */
	uint32_t out_len;	/**< bytes writable */
	/**
	 * The status byte: the last byte of the chain's last descriptor
	 * when that one is writable and in guest memory, even in a bad
	 * chain (one too long to keep, say); NULL otherwise.
	 */
	uint8_t *status;
	/** It has more segments than inline_segs and no spill was lent. */
	bool wants_spill;
	uint16_t max_segs;	/**< room in segs */
	struct vc_seg *segs;	/**< inline_segs, or spill once it is used */
	/**
	 * Set by the caller before vc_vring_pop(): VC_CHAIN_MAX_SEGS
	 * segments the chain may move into, or NULL. The chain owns it
	 * when segs points to it.
	 */
	struct vc_seg *spill;
	struct vc_seg inline_segs[VC_CHAIN_INLINE_SEGS];
};

/** Why a chain could not be taken. */
enum vc_chain_error {
	VC_CHAIN_OK = 0,
	/* Nothing available (packed rings have no count to check first). */
	VC_CHAIN_EMPTY,
	/*
	 * The chain is unusable but its head is known: complete it with
	 * BADMSG if it has a writable byte, else with no status.
	 */
	VC_CHAIN_BAD,
	/*
	 * The ring itself is broken (an avail index or head out of range):
	 * nothing can be completed; the ring stops until reset.
	 */
	VC_CHAIN_RING_BROKEN,
	/*
	 * The chain needs more segments than it holds inline and no spill
	 * was lent: give it back (vc_vring_unpop()) and take it again when
	 * one is free.
	 */
	VC_CHAIN_WANTS_SPILL,
};

/**
 * A completion waiting for its turn (VIRTIO_F_IN_ORDER): the chain's id,
 * what it wrote, and the ring slots it took; ndescs is 0 while the place
 * is not done.
 */
struct vc_inorder_ent {
	uint32_t len;
	/*
	 * The id (below the ring size, at most 32768: 15 bits), and
	 * VC_INORDER_ENDS_RUN if the chain wrote less than its writable
	 * bytes: a run shows only its last chain's length (the driver takes
	 * the others' as all they had), so such a chain is the last of its
	 * run.
	 */
	uint16_t id_end;
	uint16_t ndescs;	/**< up to the ring size */
};

#define VC_INORDER_ENDS_RUN	0x8000

/**
 * Device-side state of one virtqueue, split or packed (VIRTIO_F_RING_PACKED
 * negotiated); the layout is fixed when the ring is attached.
 */
struct vc_vring {
	/* Set up from the vhost-user messages, refreshed while quiesced. */
	bool packed;
	union {
		struct {
			struct vring_desc *desc;	/**< driver-written table */
			struct vring_avail *avail;	/**< driver-written */
			struct vring_used *used;	/**< device-written (by us) */
		};
		struct {
			/* one ring: the driver makes entries available, we mark them used */
			struct vring_packed_desc *desc_packed;
			struct vring_packed_desc_event *driver_event; /**< driver-written */
			struct vring_packed_desc_event *device_event; /**< ours */
		};
	};
	uint16_t size;			/**< power of two */
	int callfd;			/**< eventfd to notify the driver, or -1 */
	struct rte_vhost_memory *mem;	/**< our copy of the memory table */
	bool event_idx;			/**< VIRTIO_RING_F_EVENT_IDX negotiated */
	uint32_t region_hint;		/**< of mem: where the last address was */

	/*
	 * Free-running 16-bit indices, masked with (size - 1) on access, as
	 * the driver's are.
	 */
	uint16_t last_avail_idx;	/**< next avail entry to take */
	uint16_t used_idx;		/**< next used entry to write */
	uint16_t signalled_used;	/**< used_idx when we last notified */
	/*
	 * Packed: indices stay below size and wrap counters flip instead; a
	 * descriptor is available when its AVAIL bit equals avail_wrap and
	 * its USED bit does not.
	 */
	bool avail_wrap;
	bool used_wrap;
	bool signalled_wrap;		/**< used_wrap when we last notified */
	bool broken;			/**< a fatal driver error was seen */

	/*
	 * VIRTIO_F_IN_ORDER negotiated: chains are published in the order
	 * they were taken, a run of done ones at a time as one used element
	 * (split) or one used descriptor (packed) naming the run's last
	 * chain, whatever order they complete in. A completion waits in
	 * inorder[seq & (size - 1)] until the chains before it are done;
	 * at most size chains are taken past the oldest unpublished one.
	 */
	bool in_order;
	uint16_t pop_seq;		/**< seq of the next chain taken */
	uint16_t pub_seq;		/**< seq of the oldest not published */
	struct vc_inorder_ent *inorder;	/**< [size], all ndescs 0 when idle */
};

/**
 * Translate a guest physical address range within one memory region.
 *
 * @param len
 *   In: bytes wanted. Out: bytes contiguous from the result, clamped at the
 *   end of the region (callers loop for the rest).
 * @return host virtual address, or NULL if gpa is not in this region.
 */
static inline void *
vc_region_va(const struct rte_vhost_mem_region *r, uint64_t gpa, uint64_t *len)
{
	/* unsigned: a gpa below the region wraps to far above its size */
	uint64_t off = gpa - r->guest_phys_addr;

	if (off >= r->size)
		return NULL;
	if (*len > r->size - off)
		*len = r->size - off;
	return (void *)(uintptr_t)(r->host_user_addr + off);
}

/**
 * Translate a guest physical address range: vc_region_va() in whichever
 * region holds gpa, or NULL if none does.
 */
static inline void *
vc_gpa_to_va(const struct rte_vhost_memory *mem, uint64_t gpa, uint64_t *len)
{
	uint32_t i;

	for (i = 0; i < mem->nregions; i++) {
		void *va = vc_region_va(&mem->regions[i], gpa, len);

		if (va != NULL)
			return va;
	}
	return NULL;
}

/**
 * Chains available to take, or for a packed ring the most that may be
 * (vc_vring_pop() then says VC_CHAIN_EMPTY); 0 if the ring is broken.
 */
uint16_t vc_vring_avail_count(struct vc_vring *vr);

/**
 * Start loading the descriptors, and the indirect tables they point to, of
 * up to `n` chains from the next one to take. Nothing is checked or kept:
 * vc_vring_pop() reads and checks everything again. The loads of one chain
 * depend on each other (entry, descriptor, table), those of different
 * chains do not; a burst started here has its cache misses overlap instead
 * of following one another.
 */
void vc_vring_prefetch(struct vc_vring *vr, uint16_t n);

/**
 * Take the next available chain into `chain` (its spill set by the caller).
 *
 * @return VC_CHAIN_OK; VC_CHAIN_BAD with chain->head set (complete it
 *   with what writable segments it has); VC_CHAIN_WANTS_SPILL (give it
 *   back); or VC_CHAIN_RING_BROKEN, after which the ring is marked broken
 *   and yields nothing more.
 */
enum vc_chain_error vc_vring_pop(struct vc_vring *vr, struct vc_chain *chain);

/** Mark the ring broken (a fatal driver error the caller found). */
void vc_vring_set_broken(struct vc_vring *vr, const char *why);

/**
 * Put a completed chain in the used ring (not yet visible to the driver
 * until vc_vring_flush()). Completions may come in any order; with
 * in_order they are published in the order the chains were taken.
 */
void vc_vring_push(struct vc_vring *vr, const struct vc_chain *chain,
		   uint32_t written);

/** Give back the chain just taken (untouched), to be taken again later. */
void vc_vring_unpop(struct vc_vring *vr, const struct vc_chain *chain);

/**
 * Publish every pushed entry and notify the driver if it asked to be
 * notified (or always, when `always_notify` and the driver did not
 * suppress notifications).
 */
void vc_vring_flush(struct vc_vring *vr, bool notify);

/**
 * A position in one of a chain's two streams (readable or writable), for
 * taking a request's pieces in the order they come (header, IV, source,
 * AAD; destination, digest): one pass over the segments for the whole
 * request, where vc_chain_read() starts from the first segment on every
 * call.
 */
struct vc_chain_cursor {
	const struct vc_seg *seg;	/**< the segment `off` is in */
	const struct vc_seg *end;	/**< past the stream's last segment */
	uint32_t off;			/**< bytes of *seg already taken */
};

static inline void
vc_chain_cursor_init(struct vc_chain_cursor *k, const struct vc_chain *c, bool writable)
{
	k->seg = c->segs + (writable ? c->nb_in : 0);
	k->end = writable ? c->segs + c->nb_in + c->nb_out : c->segs + c->nb_in;
	k->off = 0;
}

/**
 * Take the next `len` bytes of the stream: where they are when they are
 * contiguous in host memory, else NULL (they span segments, or the stream
 * is shorter: the caller copies them with vc_chain_read() from their
 * offset, and the cursor still moves past them for the pieces after).
 * Never call it for a zero length: that result means nothing.
 *
 * Between calls `off` is inside *seg unless seg is end (segments are never
 * empty): a piece that ends a segment moves the cursor to the next one.
 */
static inline uint8_t *
vc_chain_cursor_take(struct vc_chain_cursor *k, uint32_t len)
{
	uint8_t *p;

	if (likely(k->seg < k->end && len <= k->seg->len - k->off)) {
		p = k->seg->addr + k->off;
		k->off += len;
		if (k->off == k->seg->len) {
			k->seg++;
			k->off = 0;
		}
		return p;
	}
	/* Spanning: move past the bytes that are there. */
	while (len > 0 && k->seg < k->end) {
		uint32_t n = RTE_MIN(len, k->seg->len - k->off);

		len -= n;
		k->off += n;
		if (k->off == k->seg->len) {
			k->seg++;
			k->off = 0;
		}
	}
	return NULL;
}

/**
 * Copy `len` bytes of the chain's readable stream from `off` into `dst`.
 * @return 0, or -1 if the stream is shorter.
 */
int vc_chain_read(const struct vc_chain *c, uint32_t off, void *dst, uint32_t len);

/**
 * Copy `len` bytes into the chain's writable stream at `off`.
 * @return 0, or -1 if the stream is shorter.
 */
int vc_chain_write(const struct vc_chain *c, uint32_t off, const void *src, uint32_t len);

#endif /* VHOST_CRYPTO_VRING_H */
