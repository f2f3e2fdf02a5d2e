/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_VQ_H
#define VIRTIO_CRYPTO_VQ_H

/**
 * @file
 * The driver side of a virtqueue, split or packed behind one interface:
 * callers hand over a request as a list of device-readable buffers followed
 * by device-writable ones and get their cookie back when the device has
 * used it. Nothing here knows about crypto or about the transport; the
 * transport only supplies the ring memory and the kick.
 *
 * Ownership of ring memory, split layout:
 *   desc[], avail->ring[], avail->idx, avail->flags, used_event: driver;
 *   used->ring[], used->idx, used->flags, avail_event: device.
 * Packed layout: a descriptor belongs to the device from the store of its
 * (head's) AVAIL/USED flags by the driver until the device flips them back;
 * driver_event is the driver's, device_event the device's. The driver's
 * wrap counter starts at 1 and flips each time next_avail wraps to 0.
 *
 * Single-producer, single-consumer: one thread enqueues and dequeues a
 * queue (the cryptodev queue-pair rule). No locks.
 *
 * What the device writes is checked before it is used, as Linux's
 * virtio_ring does: a used id out of range or not a request in flight, or
 * (split) a used index that moves past what is in flight, breaks the ring
 * (vc_vq_broken()). From then on vc_vq_add(), vc_vq_publish() and
 * vc_vq_get_used() return at once; only vc_vq_reclaim_all() and
 * vc_vq_init() touch the ring again. A used length is not trusted either:
 * it is cut to the bytes the request made writable.
 *
 * VIRTIO_F_IN_ORDER (vc_vq_set_in_order()): the device uses requests in
 * the order they were made available, and may show a run of them as one
 * used element (split) or descriptor (packed) naming the run's last, the
 * used index moving past the whole run. Requests then complete in the
 * order they were added, one element or descriptor read per run; a
 * request inside a run is taken as having written all its writable bytes
 * (the length of a run's last is the device's). Descriptors are handed
 * out in ring order (split: the FIFO free list stays sequential; packed:
 * a request's id is its place in the order, modulo the ring size).
 */

#include <stdbool.h>
#include <stdint.h>
#include <linux/virtio_ring.h>

#include <rte_common.h>
#include <rte_memzone.h>

/** One buffer of a request, as the device will see it. */
struct vc_vq_buf {
	uint64_t addr;	/**< device address (IOVA, or VA for virtio-user) */
	uint32_t len;	/**< never 0: some devices reject empty buffers */
};

/** Per-request state kept while the device owns the request. */
struct vc_vq_slot {
	void *cookie;
	uint16_t ndescs;	/**< ring descriptors the request holds */
	uint16_t next_free;	/**< free list link (split: descriptor index, packed: id) */
	uint32_t in_len;	/**< device-writable bytes: the most a used length can say */
};

struct virtio_crypto_vq {
	/* Ring memory shared with the device. */
	union {
		struct {
			struct vring_desc *desc;
			struct vring_avail *avail;
			struct vring_used *used;
		} split;
		struct {
			struct vring_packed_desc *desc;
			struct vring_packed_desc_event *driver_event;
			struct vring_packed_desc_event *device_event;
		} packed;
	};
	/* Device addresses of the three areas, for the transport. */
	uint64_t desc_addr;
	uint64_t driver_area_addr;	/**< avail ring / driver event */
	uint64_t device_area_addr;	/**< used ring / device event */

	uint16_t size;		/**< power of two */
	uint16_t index;		/**< queue number on the device */
	uint16_t nb_free;	/**< ring descriptors not owned by the device */
	bool packed_ring;
	bool indirect;		/**< VIRTIO_RING_F_INDIRECT_DESC negotiated */
	bool event_idx;		/**< VIRTIO_RING_F_EVENT_IDX negotiated */

	/* Split: free descriptor list (FIFO), avail index filled so far. */
	uint16_t free_head;
	uint16_t free_tail;
	uint16_t avail_idx;
	/* Split: avail index last published; packed: descriptors added since. */
	uint16_t avail_published;
	/* Packed: next descriptor to fill and its wrap state; free id list. */
	uint16_t next_avail;
	uint16_t avail_wrap_flags;	/**< AVAIL/USED bits for "available" */
	uint16_t free_id;
	/* Both: where the next used element will appear. */
	uint16_t last_used;
	bool used_wrap;			/**< packed: device's wrap counter there */

	/* In order: the oldest request in flight, and the run being taken. */
	bool in_order;
	bool in_run;			/**< a run's element was read, its last not taken */
	uint16_t io_oldest;		/**< split: its head; packed: its id */
	uint16_t io_next_id;		/**< packed: id of the next request added */
	uint16_t used_seen;		/**< split: used->idx last read */
	uint16_t run_last;		/**< head/id of the run's last request */
	uint32_t run_len;		/**< and the length the device gave it */

	struct vc_vq_slot *slots;	/**< by head (split) or id (packed) */
	const struct rte_memzone *mz;
	void *notify;			/**< the transport's kick handle */

	/*
	 * Set by the thread that polls the queue when the device broke the
	 * ring protocol; cleared only by vc_vq_init(). broken_why says where
	 * and what, for the one log line the caller writes.
	 */
	bool broken;
	char broken_why[112];
};

/** Bytes of ring memory for a queue of this size and layout, 4 KiB aligned. */
size_t vc_vq_ring_bytes(uint16_t size, bool packed);

/**
 * Lay a queue out on zeroed ring memory and make it empty.
 *
 * @param ring, ring_addr
 *   The memory (vc_vq_ring_bytes() of it) and its device address.
 * @param slots
 *   size entries of per-request state.
 * @return 0, or -EINVAL if size is not a power of two.
 */
int vc_vq_init(struct virtio_crypto_vq *vq, uint16_t index, uint16_t size,
	       bool packed, bool indirect, bool event_idx,
	       void *ring, uint64_t ring_addr, struct vc_vq_slot *slots);

/**
 * Use the ring in order (VIRTIO_F_IN_ORDER negotiated): right after
 * vc_vq_init(), on an empty ring (vc_vq_init() starts out of order).
 */
void vc_vq_set_in_order(struct virtio_crypto_vq *vq, bool on);

/** Ring descriptors an add of nb_bufs buffers takes (1 if indirect). */
static inline uint16_t
vc_vq_descs_needed(const struct virtio_crypto_vq *vq, uint16_t nb_bufs)
{
	return vq->indirect ? 1 : nb_bufs;
}

/**
 * Make one request available (not yet visible: vc_vq_publish() does that
 * for a whole burst).
 *
 * @param bufs
 *   nb_out device-readable buffers, then nb_in device-writable ones.
 * @param table, table_addr
 *   Room for nb_out + nb_in indirect descriptors (16 bytes each) and its
 *   device address; used when the queue has indirect descriptors.
 * @return 0, -ENOSPC if the ring lacks the descriptors, or -EIO if the
 *   ring is broken.
 */
int vc_vq_add(struct virtio_crypto_vq *vq, const struct vc_vq_buf *bufs,
	      uint16_t nb_out, uint16_t nb_in, void *cookie,
	      void *table, uint64_t table_addr);

/**
 * Make the requests added since the last call visible to the device.
 *
 * @return true if the device asked to be notified of them (the caller
 *   kicks), false if it suppressed notifications or the ring is broken.
 */
bool vc_vq_publish(struct virtio_crypto_vq *vq);

/**
 * Take one used request.
 *
 * @param[out] len
 *   Bytes the device says it wrote, at most the request's writable bytes.
 * @return its cookie; NULL if none is used yet, or if the ring is broken
 *   (by this call, when what the device wrote breaks the protocol:
 *   vc_vq_broken() tells).
 */
void *vc_vq_get_used(struct virtio_crypto_vq *vq, uint32_t *len);

/** Whether the device broke the ring (see the file comment). */
static inline bool
vc_vq_broken(const struct virtio_crypto_vq *vq)
{
	return vq->broken;
}

/**
 * Take back every request the device still holds, without it: for a
 * device that is gone, reset or broken. Each cookie is passed to fn once.
 * A broken ring stays broken.
 */
void vc_vq_reclaim_all(struct virtio_crypto_vq *vq, void (*fn)(void *cookie, void *arg),
		       void *arg);

#endif /* VIRTIO_CRYPTO_VQ_H */
