/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_QP_H
#define VIRTIO_CRYPTO_QP_H

/*
 * A queue pair: one data queue of the device, the per-op request areas
 * that travel with its requests, and the ops finished without the device
 * (rejected or trivially done) waiting for the next dequeue.
 */

#include <stdint.h>

#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "virtio_crypto_hw.h"

/* Buffers one request may take: header, keys, IV, AAD, data, digest, status. */
#define VC_MAX_BURST		128	/* ops one enqueue or dequeue call handles */
#define VC_REQ_MAX_SEGS		32	/* per mbuf chain, source or destination */
#define VC_REQ_MAX_BUFS		(8 + 2 * VC_REQ_MAX_SEGS)
#define VC_REQ_HDR_ROOM		128	/* op header + largest fixed part (100) */
#define VC_REQ_KEYS_ROOM	576	/* stateless keys: cipher 64 + auth 512 */
#define VC_REQ_DIGEST_ROOM	64
#define VC_REQ_IV_ROOM		32	/* largest IV offered: 16 */

/* How a request completes; a session's template has them ready (vc_sym_tmpl). */
struct vc_req_flags {
	uint8_t verify;			/**< compare the area's digest with the op's */
	uint8_t aead_decrypt;		/**< BADMSG is a tag mismatch */
	uint8_t digest_encrypted;	/**< see encrypted_digest_at() */
	uint8_t digest_len;		/**< of verify and digest_encrypted */
};

/*
 * What the device reads and writes besides the application's buffers: one
 * per request, from the queue pair's mempool, addressed by the device
 * through addr.
 */
struct vc_request_area {
	/* The PMD's own, never the device's: a cache line of its own. */
	struct rte_crypto_op *op;
	uint64_t addr;				/**< device address of this area */
	uint16_t status_off;			/**< of the status byte, in hdr[] */
	uint16_t table_off;			/**< of the indirect table, in hdr[] */
	uint16_t digest_off;			/**< of a digest the device writes, in hdr[] */
	struct vc_req_flags f;
	uint8_t keys_used;			/**< keys[] holds a stateless op's keys */
	/*
	 * Everything of a request the device reads or writes here, in one
	 * run of lines both sides share: the request header with the IV
	 * right after it (one device-readable buffer), the indirect table
	 * (16-byte descriptors, split or packed), then a digest the device
	 * writes and the status byte (one device-writable buffer). At 64 B
	 * a chain request touches three lines. Cross-core cache-line
	 * transfers are the cost of a request, not instructions.
	 */
	uint8_t hdr[VC_REQ_HDR_ROOM + VC_REQ_IV_ROOM + (VC_REQ_MAX_BUFS + 2) * 16 +
		    VC_REQ_DIGEST_ROOM + 16] __rte_cache_aligned;
	uint8_t keys[VC_REQ_KEYS_ROOM];
	uint8_t plain_at_digest[VC_REQ_DIGEST_ROOM];	/**< digest_encrypted */
} __rte_cache_aligned;

#define VC_AREA_OFF(field)	offsetof(struct vc_request_area, field)

struct virtio_crypto_qp {
	struct virtio_crypto_hw *hw;
	struct virtio_crypto_vq *vq;
	struct rte_mempool *areas;
	struct rte_ring *done;		/**< ops completed without the device */
	uint32_t nb_areas;		/**< size of the areas pool */
	/*
	 * Set by the application's thread for the length of a burst, so that
	 * a transport taking the rings back (virtio_crypto_hw_link_down())
	 * can wait for it to leave.
	 */
	volatile uint8_t in_burst;
	uint16_t qp_id;
	struct rte_cryptodev_stats stats;
};

uint16_t vc_enqueue_burst(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops);
uint16_t vc_dequeue_burst(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops);

/**
 * Register the process for the barrier below; 0 or -1 (errno): without
 * it, set hw->burst_fence and bursts fence themselves.
 */
int vc_bursts_barrier_register(void);

/**
 * After a store the bursts must see (the link), before reading what they
 * publish (in_burst): a full barrier in every thread of the process.
 */
void vc_bursts_barrier(const struct virtio_crypto_hw *hw);

/** Complete every op the device holds on this queue pair as failed. */
void vc_qp_fail_inflight(struct virtio_crypto_qp *qp);

#endif /* VIRTIO_CRYPTO_QP_H */
