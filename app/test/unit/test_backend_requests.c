/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The backend data path against a simulated guest: guest memory is a
 * buffer registered as one memory region, the split ring lives in it, and
 * requests are built there the way a driver builds them. Good requests are
 * checked against NIST SP 800-38A known answers; malformed ones, one for
 * each class of the upstream vhost-crypto CVEs and more, must complete
 * with the exact status the specification names (or break the ring when
 * the ring itself is corrupt), write nothing outside the buffers the guest
 * described, and leave the ring serving the next good request.
 *
 * The control queue is handed over too (full-device mode), and sessions of
 * every symmetric service are made through it: HASH, MAC and AEAD requests
 * are checked against FIPS 180-2, RFC 4231 and GCM known answers, and AEAD
 * ones with AADs up to the algorithms' 64 KiB against GCM and CCM answers
 * computed with python3-cryptography.
 *
 * Crypto devices: crypto_aesni_mb (main) and crypto_openssl (fallback).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_config.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>

#include "sim_guest.h"
#include "test_report.h"
/* Not every vector of the RSA module's test is used here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#include "test_rsa_vectors.h"
#pragma GCC diagnostic pop
#include "vhost_crypto_dev.h"
#include "vhost_user_crypto_wire.h"

#define GUEST_BASE	0x40000000ull
#define GUEST_SIZE	(4u << 20)
#define RING_SIZE	16
#define DESC_GPA	(GUEST_BASE + 0x0000)
#define AVAIL_GPA	(GUEST_BASE + 0x1000)
#define USED_GPA	(GUEST_BASE + 0x2000)
#define INDIRECT_GPA	(GUEST_BASE + 0x3000)
#define CTRL_DESC_GPA	(GUEST_BASE + 0x4000)
#define CTRL_AVAIL_GPA	(GUEST_BASE + 0x5000)
#define CTRL_USED_GPA	(GUEST_BASE + 0x6000)
#define CTRL_GPA	(GUEST_BASE + 0x8000)
#define CTRL_REPLY_GPA	(CTRL_GPA + 0x1800)	/* after keys of up to 5.75 KiB */
#define DATA_GPA	(GUEST_BASE + 0x10000)
#define GUARD		0x5a	/* fill of guest memory nobody may write */

/* NIST SP 800-38A F.2.1, CBC-AES128.Encrypt */
static const uint8_t kat_key[16] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
static const uint8_t kat_iv[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
static const uint8_t kat_pt[64] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
	0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c, 0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
	0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11, 0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef,
	0xf6, 0x9f, 0x24, 0x45, 0xdf, 0x4f, 0x9b, 0x17, 0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10 };
static const uint8_t kat_ct[64] = {
	0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46, 0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d,
	0x50, 0x86, 0xcb, 0x9b, 0x50, 0x72, 0x19, 0xee, 0x95, 0xdb, 0x11, 0x3a, 0x91, 0x76, 0x78, 0xb2,
	0x73, 0xbe, 0xd6, 0xb8, 0xe3, 0xc1, 0x74, 0x3b, 0x71, 0x16, 0xe6, 0x9e, 0x22, 0x22, 0x95, 0x16,
	0x3f, 0xf1, 0xca, 0xa1, 0x68, 0x1f, 0xac, 0x09, 0x12, 0x0e, 0xca, 0x30, 0x75, 0x86, 0xe1, 0xa7 };

static struct sim_guest sim;
static uint8_t *guest;
static struct vhost_crypto *vc;
static struct vring_desc *desc;
static struct vring_avail *avail;
static struct vring_used *used;
static uint16_t avail_idx, used_seen, ctrl_avail_idx;
static struct vring_desc *cdesc;
static struct vring_avail *cavail;
static struct vring_used *cused;
static uint64_t enc_session, dec_session;

static void *
gpa(uint64_t addr)
{
	return guest + (addr - GUEST_BASE);
}

/* One descriptor of a chain, as a driver describes a buffer. */
struct buf {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;		/* VRING_DESC_F_WRITE */
};

/* Put a chain in the ring (direct descriptors from `first`) and offer it. */
static uint16_t
offer_chain(const struct buf *bufs, unsigned int n, uint16_t first)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t d = (first + i) % RING_SIZE;

		desc[d].addr = bufs[i].addr;
		desc[d].len = bufs[i].len;
		desc[d].flags = bufs[i].flags | (i + 1 < n ? VRING_DESC_F_NEXT : 0);
		desc[d].next = (d + 1) % RING_SIZE;
	}
	avail->ring[avail_idx % RING_SIZE] = first;
	__atomic_store_n(&avail->idx, ++avail_idx, __ATOMIC_RELEASE);
	return first;
}

/* Poll until `n` more used entries appear; false if they never do. */
static bool
poll_used(unsigned int n)
{
	unsigned int spins;

	for (spins = 0; spins < 1000000; spins++) {
		vhost_crypto_poll(vc, 32);
		if ((uint16_t)(__atomic_load_n(&used->idx, __ATOMIC_ACQUIRE) - used_seen) >= n)
			return true;
	}
	return false;
}

static struct vring_used_elem
next_used(void)
{
	return used->ring[used_seen++ % RING_SIZE];
}

/*
 * Take every object a pool has left, one at a time: a bulk get of the
 * available count fails when part of it sits in this lcore's cache.
 */
static unsigned int
pool_take_all(struct rte_mempool *mp, void ***objs)
{
	unsigned int n = 0, room = rte_mempool_avail_count(mp);

	*objs = calloc(room + 1, sizeof(**objs));
	assert_non_null(*objs);
	while (n <= room && rte_mempool_get(mp, &(*objs)[n]) == 0)
		n++;
	assert_int_equal(n, room);
	assert_int_equal(rte_mempool_avail_count(mp), 0);
	return n;
}

/* Layout of a cipher request in guest memory. */
#define REQ_GPA		(DATA_GPA)
#define IV_GPA		(DATA_GPA + 0x100)
#define SRC_GPA		(DATA_GPA + 0x200)
#define DST_GPA		(DATA_GPA + 0x1000)
#define STATUS_GPA	(DATA_GPA + 0x2000)

static void
write_cipher_req(uint32_t opcode, uint64_t session, uint32_t iv_len,
		 uint32_t src_len, uint32_t dst_len)
{
	struct virtio_crypto_op_data_req *req = gpa(REQ_GPA);

	sim_cipher_req(req, opcode, session, iv_len, src_len,
		       dst_len);
	memcpy(gpa(IV_GPA), kat_iv, sizeof(kat_iv));
	memcpy(gpa(SRC_GPA), kat_pt, sizeof(kat_pt));
	memset(gpa(DST_GPA), GUARD, 0x1000);
	*(uint8_t *)gpa(STATUS_GPA) = 0xee;
}

/* The five buffers of a well-formed cipher request. */
static unsigned int
cipher_bufs(struct buf *b, uint32_t src_len)
{
	b[0] = (struct buf){ REQ_GPA, sizeof(struct virtio_crypto_op_data_req), 0 };
	b[1] = (struct buf){ IV_GPA, 16, 0 };
	b[2] = (struct buf){ SRC_GPA, src_len, 0 };
	b[3] = (struct buf){ DST_GPA, src_len, VRING_DESC_F_WRITE };
	b[4] = (struct buf){ STATUS_GPA, 1, VRING_DESC_F_WRITE };
	return 5;
}

/* A good request: the KAT ciphertext, status OK, nothing past dst. */
static void
good_request_works(void)
{
	struct vring_used_elem e;
	struct buf b[5];
	uint8_t *dst = gpa(DST_GPA);
	unsigned int i;

	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	offer_chain(b, cipher_bufs(b, 64), avail_idx % RING_SIZE);
	assert_true(poll_used(1));
	e = next_used();
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), VIRTIO_CRYPTO_OK);
	assert_memory_equal(dst, kat_ct, 64);
	for (i = 64; i < 0x1000; i++)
		assert_int_equal(dst[i], GUARD);
	assert_int_equal(e.len, 64 + 1);
}

/* Offer a chain, expect one used entry with `status` in STATUS_GPA. */
static void
expect_status(const struct buf *b, unsigned int n, uint8_t status)
{
	struct vring_used_elem e;
	uint16_t head;
	unsigned int i;

	*(uint8_t *)gpa(STATUS_GPA) = 0xee;	/* "never written" */
	memset(gpa(DST_GPA), GUARD, 0x1000);
	head = offer_chain(b, n, avail_idx % RING_SIZE);

	assert_true(poll_used(1));
	e = next_used();
	assert_int_equal(e.id, head);
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), status);
	/* A failed request writes nothing into dst. */
	for (i = 0; i < 0x1000; i++)
		assert_int_equal(((uint8_t *)gpa(DST_GPA))[i], GUARD);
	good_request_works();
}

static void
known_answer(void **state)
{
	struct vring_used_elem e;
	struct buf b[5];

	(void)state;
	good_request_works();

	/* decrypt back, through the decrypt session */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_DECRYPT, dec_session, 16, 64, 64);
	memcpy(gpa(SRC_GPA), kat_ct, 64);
	offer_chain(b, cipher_bufs(b, 64), avail_idx % RING_SIZE);
	assert_true(poll_used(1));
	e = next_used();
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_pt, 64);
	(void)e;
}

static void
indirect_and_split_buffers(void **state)
{
	struct vring_desc *table = gpa(INDIRECT_GPA);
	struct buf b[5];
	unsigned int i, n;

	(void)state;
	/* the whole chain in an indirect table */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	n = cipher_bufs(b, 64);
	for (i = 0; i < n; i++) {
		table[i].addr = b[i].addr;
		table[i].len = b[i].len;
		table[i].flags = b[i].flags | (i + 1 < n ? VRING_DESC_F_NEXT : 0);
		table[i].next = i + 1;
	}
	b[0] = (struct buf){ INDIRECT_GPA, n * sizeof(*table), VRING_DESC_F_INDIRECT };
	offer_chain(b, 1, avail_idx % RING_SIZE);
	assert_true(poll_used(1));
	next_used();
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_ct, 64);

	/* header and data split at odd places, zero-length pieces between */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	{
		struct buf s[8] = {
			{ REQ_GPA, 30, 0 },
			{ REQ_GPA + 30, 0, 0 },
			{ REQ_GPA + 30, 42, 0 },
			{ IV_GPA, 16, 0 },
			{ SRC_GPA, 17, 0 },
			{ SRC_GPA + 17, 47, 0 },
			{ DST_GPA, 64, VRING_DESC_F_WRITE },
			{ STATUS_GPA, 1, VRING_DESC_F_WRITE },
		};
		offer_chain(s, 8, avail_idx % RING_SIZE);
	}
	assert_true(poll_used(1));
	next_used();
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_ct, 64);
}

/*
 * Zero-copy: the device reads the guest's source and writes the guest's
 * destination directly when each is contiguous; otherwise the request is
 * copied as usual. Same answers either way.
 */
static void
zero_copy(void **state)
{
	uint64_t before = vc->stats.zero_copy_ops;
	struct vring_used_elem e;
	struct buf b[6];

	(void)state;
	vc->zero_copy = true;
	good_request_works();
	assert_int_equal(vc->stats.zero_copy_ops, before + 1);

	/* a destination in two pieces: copied, still right */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	cipher_bufs(b, 64);
	b[5] = b[4];
	b[4] = (struct buf){ DST_GPA + 40, 24, VRING_DESC_F_WRITE };
	b[3].len = 40;
	offer_chain(b, 6, avail_idx % RING_SIZE);
	assert_true(poll_used(1));
	e = next_used();
	assert_int_equal(e.len, 64 + 1);
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_ct, 64);
	assert_int_equal(vc->stats.zero_copy_ops, before + 1);
	vc->zero_copy = false;
}

/*
 * A burst whose requests do not all find mbufs: the backend takes a whole
 * burst of chains before building any, so the ones after the first that
 * waits go back to the ring, last taken first, and are taken again in
 * order once completions free mbufs. Six requests, each in an indirect
 * table of its own, with two mbufs in the pool: every one completes once,
 * in order, with the known answer.
 */
#define BURST_REQS	6
#define BURST_GPA(i)	(GUEST_BASE + 0x200000 + (uint64_t)(i) * 0x1000)

static uint16_t burst_heads[BURST_REQS];

/* Request i of a burst: the KAT encryption, in an indirect table of its own. */
static void
offer_burst_request(unsigned int i)
{
	uint64_t base = BURST_GPA(i);
	struct virtio_crypto_op_data_req *req = gpa(base);
	struct vring_desc *table = gpa(base + 0x100);
	struct buf b = { base + 0x100, 5 * sizeof(*table), VRING_DESC_F_INDIRECT };
	const struct buf pieces[5] = {
		{ base, sizeof(*req), 0 },
		{ base + 0x200, 16, 0 },
		{ base + 0x400, 64, 0 },
		{ base + 0x800, 64, VRING_DESC_F_WRITE },
		{ base + 0xc00, 1, VRING_DESC_F_WRITE },
	};
	unsigned int k;

	sim_cipher_req(req, VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64,
		       64);
	memcpy(gpa(base + 0x200), kat_iv, 16);
	memcpy(gpa(base + 0x400), kat_pt, 64);
	memset(gpa(base + 0x800), GUARD, 64);
	*(uint8_t *)gpa(base + 0xc00) = 0xee;
	for (k = 0; k < 5; k++) {
		table[k].addr = pieces[k].addr;
		table[k].len = pieces[k].len;
		table[k].flags = pieces[k].flags | (k < 4 ? VRING_DESC_F_NEXT : 0);
		table[k].next = k + 1;
	}
	burst_heads[i] = offer_chain(&b, 1, (avail_idx + i) % RING_SIZE);
}

/* The burst's n requests came back, in order, each with the KAT answer. */
static void
burst_completed(unsigned int n)
{
	unsigned int i;

	assert_true(poll_used(n));
	for (i = 0; i < n; i++) {
		struct vring_used_elem e = next_used();
		uint64_t base = BURST_GPA(i);

		assert_int_equal(e.id, burst_heads[i]);
		assert_int_equal(e.len, 64 + 1);
		assert_int_equal(*(uint8_t *)gpa(base + 0xc00), VIRTIO_CRYPTO_OK);
		assert_memory_equal(gpa(base + 0x800), kat_ct, 64);
	}
	for (i = 0; i < 50; i++)
		vhost_crypto_poll(vc, 32);
	assert_int_equal(used->idx, used_seen);
}

static void
burst_waits_for_mbufs(void **state)
{
	struct vhost_crypto_stats before, after;
	void **mbufs;
	unsigned int i, nb_mbufs;

	(void)state;
	nb_mbufs = pool_take_all(vc->mbuf_pool, &mbufs);
	rte_mempool_put_bulk(vc->mbuf_pool, mbufs + nb_mbufs - 2, 2);
	assert_int_equal(vhost_crypto_stats_get(vc, &before), 0);
	for (i = 0; i < BURST_REQS; i++)
		offer_burst_request(i);

	/* One poll: two requests taken and in the device, four back in the ring. */
	vhost_crypto_poll(vc, 32);
	assert_int_equal(vhost_crypto_stats_get(vc, &after), 0);
	assert_int_equal(after.requests - before.requests, 2);
	assert_int_equal(used->idx, used_seen);
	assert_int_equal(vc->rings[0].nb_free, vc->rings[0].nb_slots - 2);

	burst_completed(BURST_REQS);
	assert_int_equal(vhost_crypto_stats_get(vc, &after), 0);
	assert_int_equal(after.requests - before.requests, BURST_REQS);
	assert_int_equal(after.completed_ok - before.completed_ok, BURST_REQS);

	rte_mempool_put_bulk(vc->mbuf_pool, mbufs, nb_mbufs - 2);
	free(mbufs);
	assert_int_equal(rte_mempool_in_use_count(vc->mbuf_pool), 0);
	assert_int_equal(rte_mempool_in_use_count(vc->op_pool), 0);
	assert_int_equal(vc->rings[0].nb_free, vc->rings[0].nb_slots);
	good_request_works();
}

/*
 * A crypto device that refuses ops (a full queue pair, a hardware device
 * busy): injected at the cryptodev API, the main device here takes at most
 * one op per enqueue call and none on every other call. What it does not
 * take waits in the backlog and is offered again first: every request
 * completes once, in order, right.
 */
static uint16_t (*real_enqueue)(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops);
static unsigned int enqueue_calls;

static uint16_t
grudging_enqueue(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	if (nb_ops == 0 || enqueue_calls++ % 2 == 0)
		return 0;
	return real_enqueue(qp, ops, 1);
}

static void
enqueue_refusals(void **state)
{
	struct rte_crypto_fp_ops *fp = &rte_crypto_fp_ops[vc->cdevs[VC_DEV_MAIN].id];
	struct vhost_crypto_stats before, after;
	unsigned int i;

	(void)state;
	assert_int_equal(vhost_crypto_stats_get(vc, &before), 0);
	real_enqueue = fp->enqueue_burst;
	fp->enqueue_burst = grudging_enqueue;
	for (i = 0; i < BURST_REQS; i++)
		offer_burst_request(i);
	burst_completed(BURST_REQS);
	fp->enqueue_burst = real_enqueue;

	assert_int_equal(vhost_crypto_stats_get(vc, &after), 0);
	assert_true(after.enqueue_retries - before.enqueue_retries >= BURST_REQS);
	assert_int_equal(after.completed_ok - before.completed_ok, BURST_REQS);
	assert_int_equal(rte_mempool_in_use_count(vc->op_pool), 0);
	assert_int_equal(vc->rings[0].nb_free, vc->rings[0].nb_slots);
	good_request_works();
}

/*
 * Long chains. A chain holds VC_CHAIN_INLINE_SEGS segments in its slot;
 * a longer one borrows one of the ring's VC_RING_SPILLS arrays, and while
 * all are lent it waits in the ring. Each request here is an AES-128-CBC
 * encryption of `len` bytes (kat_pt repeated) whose header comes in
 * `hdr_pieces` descriptors and whose source and destination come one byte
 * per descriptor, all in one indirect table at `base`.
 */
#define LONG_REQ_TABLE(base)	(base)
#define LONG_REQ_HDR(base)	((base) + 0x5000)
#define LONG_REQ_IV(base)	((base) + 0x5100)
#define LONG_REQ_SRC(base)	((base) + 0x5200)
#define LONG_REQ_DST(base)	((base) + 0x5600)
#define LONG_REQ_STATUS(base)	((base) + 0x5a00)
#define LONG_REQ_STRIDE		0x6000

static unsigned int
offer_long_request(uint64_t base, unsigned int hdr_pieces, uint32_t len)
{
	struct virtio_crypto_op_data_req *req = gpa(LONG_REQ_HDR(base));
	struct vring_desc *t = gpa(LONG_REQ_TABLE(base));
	uint32_t hdr_len = sizeof(*req), i, n = 0, at = 0;
	struct buf b;

	sim_cipher_req(req, VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, len,
		       len);
	memcpy(gpa(LONG_REQ_IV(base)), kat_iv, 16);
	for (i = 0; i < len; i++)
		((uint8_t *)gpa(LONG_REQ_SRC(base)))[i] = kat_pt[i % 64];
	memset(gpa(LONG_REQ_DST(base)), GUARD, len);
	*(uint8_t *)gpa(LONG_REQ_STATUS(base)) = 0xee;

	for (i = 0; i < hdr_pieces; i++) {
		uint32_t piece = i + 1 < hdr_pieces ? 1 : hdr_len - at;

		t[n++] = (struct vring_desc){ LONG_REQ_HDR(base) + at, piece, 0, 0 };
		at += piece;
	}
	t[n++] = (struct vring_desc){ LONG_REQ_IV(base), 16, 0, 0 };
	for (i = 0; i < len; i++)
		t[n++] = (struct vring_desc){ LONG_REQ_SRC(base) + i, 1, 0, 0 };
	for (i = 0; i < len; i++)
		t[n++] = (struct vring_desc){ LONG_REQ_DST(base) + i, 1, VRING_DESC_F_WRITE, 0 };
	t[n++] = (struct vring_desc){ LONG_REQ_STATUS(base), 1, VRING_DESC_F_WRITE, 0 };
	for (i = 0; i < n; i++) {
		t[i].next = i + 1;
		if (i + 1 < n)
			t[i].flags |= VRING_DESC_F_NEXT;
	}
	b = (struct buf){ LONG_REQ_TABLE(base), n * sizeof(*t), VRING_DESC_F_INDIRECT };
	offer_chain(&b, 1, avail_idx % RING_SIZE);
	return n;
}

static void
long_chains(void **state)
{
	const uint64_t area = GUEST_BASE + 0x280000;
	const unsigned int nb = VC_RING_SPILLS + 4;
	uint8_t ref[528];
	unsigned int i;

	(void)state;
	/* The reference: 528 bytes in three descriptors (the KAT's first 64). */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 528, 528);
	for (i = 0; i < 528; i++)
		((uint8_t *)gpa(SRC_GPA))[i] = kat_pt[i % 64];
	{
		struct buf b[5];

		offer_chain(b, cipher_bufs(b, 528), avail_idx % RING_SIZE);
	}
	assert_true(poll_used(1));
	next_used();
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_ct, 64);
	memcpy(ref, gpa(DST_GPA), sizeof(ref));

	/* More long chains at once than there are spill arrays: all served. */
	for (i = 0; i < nb; i++)
		assert_int_equal(offer_long_request(area + i * LONG_REQ_STRIDE, 1, 64),
				 1 + 1 + 64 + 64 + 1);
	vhost_crypto_poll(vc, 32);
	assert_int_equal(vc->rings[0].nb_slots - vc->rings[0].nb_free, VC_RING_SPILLS);
	assert_true(poll_used(nb));
	for (i = 0; i < nb; i++) {
		uint64_t base = area + i * LONG_REQ_STRIDE;

		next_used();
		assert_int_equal(*(uint8_t *)gpa(LONG_REQ_STATUS(base)), VIRTIO_CRYPTO_OK);
		assert_memory_equal(gpa(LONG_REQ_DST(base)), kat_ct, 64);
	}
	assert_int_equal(vc->rings[0].nb_spills, VC_RING_SPILLS);

	/* VC_CHAIN_MAX_SEGS segments work; one more is BADMSG, nothing written. */
	assert_int_equal(offer_long_request(area, 30, 528), VC_CHAIN_MAX_SEGS);
	assert_true(poll_used(1));
	next_used();
	assert_int_equal(*(uint8_t *)gpa(LONG_REQ_STATUS(area)), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(LONG_REQ_DST(area)), ref, sizeof(ref));
	assert_int_equal(offer_long_request(area, 31, 528), VC_CHAIN_MAX_SEGS + 1);
	assert_true(poll_used(1));
	next_used();
	assert_int_equal(*(uint8_t *)gpa(LONG_REQ_STATUS(area)), VIRTIO_CRYPTO_BADMSG);
	for (i = 0; i < 528; i++)
		assert_int_equal(((uint8_t *)gpa(LONG_REQ_DST(area)))[i], GUARD);
	assert_int_equal(vc->rings[0].nb_spills, VC_RING_SPILLS);
	assert_int_equal(vc->rings[0].nb_free, vc->rings[0].nb_slots);
	good_request_works();
}

/*
 * Malformed chains and headers. The CVE named is the upstream defect of
 * that class; each case gets the status the spec names and the ring goes on.
 */
static void
malformed_requests(void **state)
{
	struct buf b[5];
	unsigned int n;

	(void)state;
	/* CVE-2020-14378 class: lengths larger than the buffers given */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 4096, 4096);
	n = cipher_bufs(b, 64);
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, UINT32_MAX, UINT32_MAX);
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);

	/* CVE-2020-14377 class: an IV longer than any IV buffer */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 4096, 64, 64);
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 8, 64, 64);
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);

	/* CVE-2020-14376 class: output longer than input (dst overflow) */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 128);
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);

	/* CVE-2020-10724 class: a buffer outside guest memory */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	cipher_bufs(b, 64);
	b[2].addr = GUEST_BASE + GUEST_SIZE - 8;	/* runs off the end */
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);
	cipher_bufs(b, 64);
	b[2].addr = 0x1000;				/* below the region */
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);
	cipher_bufs(b, 64);
	b[2].addr = UINT64_MAX - 16;			/* address wraps */
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);

	/* a readable buffer after a writable one */
	cipher_bufs(b, 64);
	b[3].flags = 0;
	b[2].flags = VRING_DESC_F_WRITE;
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);

	/* a header shorter than 72 bytes */
	cipher_bufs(b, 64);
	b[0].len = 40;
	b[1] = (struct buf){ DST_GPA + 0x800, 0, 0 };
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);

	/*
	 * AES-CBC over a partial block, copied and in place: aesni_mb returns
	 * SUCCESS having left the tail alone; the guest gets BADMSG.
	 */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 63, 63);
	expect_status(b, cipher_bufs(b, 63), VIRTIO_CRYPTO_BADMSG);
	vc->zero_copy = true;
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 17, 17);
	expect_status(b, cipher_bufs(b, 17), VIRTIO_CRYPTO_BADMSG);
	vc->zero_copy = false;

	/* unknown session, and a session of the other direction */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, 12345, 16, 64, 64);
	expect_status(b, cipher_bufs(b, 64), VIRTIO_CRYPTO_INVSESS);
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, 1ull << 63, 16, 64, 64);
	expect_status(b, n, VIRTIO_CRYPTO_INVSESS);
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, dec_session, 16, 64, 64);
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);

	/* unknown opcode; a chain request on a cipher session */
	write_cipher_req(0x7777, enc_session, 16, 64, 64);
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	((struct virtio_crypto_op_data_req *)gpa(REQ_GPA))->u.sym_req.op_type =
		VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	expect_status(b, n, VIRTIO_CRYPTO_BADMSG);

	/* an akcipher request on a cipher session */
	write_cipher_req(VIRTIO_CRYPTO_AKCIPHER_SIGN, enc_session, 16, 64, 64);
	expect_status(b, n, VIRTIO_CRYPTO_INVSESS);
}

/* Chains the walk must refuse without looping or reading out of bounds. */
static void
malformed_chains(void **state)
{
	struct vring_desc *table = gpa(INDIRECT_GPA);
	struct buf b[5];
	uint16_t head;
	unsigned int n;

	(void)state;
	/* CVE-2020-14374 class: a next link out of the ring */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	n = cipher_bufs(b, 64);
	head = avail_idx % RING_SIZE;
	offer_chain(b, n, head);
	avail_idx--;	/* rewrite the offer: same slot, corrupted link */
	desc[(head + 1) % RING_SIZE].next = RING_SIZE + 3;
	avail->ring[avail_idx % RING_SIZE] = head;
	__atomic_store_n(&avail->idx, ++avail_idx, __ATOMIC_RELEASE);
	assert_true(poll_used(1));
	assert_int_equal(next_used().id, head);
	/* the status byte is past the bad link: never written */
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), 0xee);
	good_request_works();

	/* a loop */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	head = avail_idx % RING_SIZE;
	desc[head] = (struct vring_desc){ REQ_GPA, 72, VRING_DESC_F_NEXT, head };
	avail->ring[avail_idx % RING_SIZE] = head;
	__atomic_store_n(&avail->idx, ++avail_idx, __ATOMIC_RELEASE);
	assert_true(poll_used(1));
	assert_int_equal(next_used().id, head);
	good_request_works();

	/* indirect tables: odd length, nested, looping, out of memory */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	table[0] = (struct vring_desc){ REQ_GPA, 72, VRING_DESC_F_NEXT, 0 };
	b[0] = (struct buf){ INDIRECT_GPA, 24, VRING_DESC_F_INDIRECT };
	expect_status(b, 1, 0xee);
	b[0] = (struct buf){ INDIRECT_GPA, 32, VRING_DESC_F_INDIRECT };
	expect_status(b, 1, 0xee);	/* entry 0 links to itself */
	table[0] = (struct vring_desc){ INDIRECT_GPA, 16, VRING_DESC_F_INDIRECT, 0 };
	expect_status(b, 1, 0xee);	/* nested */
	b[0] = (struct buf){ GUEST_BASE + GUEST_SIZE - 16, 64, VRING_DESC_F_INDIRECT };
	expect_status(b, 1, 0xee);

	/* a chain with no writable byte: completed, with no status */
	write_cipher_req(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, 16, 64, 64);
	b[0] = (struct buf){ REQ_GPA, 72, 0 };
	expect_status(b, 1, 0xee);
}

/* ------------------------------------------------------------------ */
/* Control queue and the HASH, MAC and AEAD services                   */
/* ------------------------------------------------------------------ */

/* RFC 4231 case 2; FIPS 180-2 "abc"; GCM test case 2 (all-zero key/IV). */
static const uint8_t hmac_sha256_jefe[32] = {
	0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
	0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43 };
static const uint8_t sha256_abc[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
static const uint8_t gcm2_ct_tag[32] = {
	0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92, 0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78,
	0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec, 0x13, 0xbd, 0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf };

/*
 * Send one control request (the first req_len bytes of req, then `keys`)
 * and return the session_input the device wrote (or the status byte, for
 * a destroy).
 */
static struct virtio_crypto_session_input
control_n(const struct virtio_crypto_op_ctrl_req *req, uint32_t req_len,
	  const void *keys, uint32_t keys_len, bool destroy)
{
	struct virtio_crypto_session_input in;
	uint16_t d = ctrl_avail_idx % RING_SIZE, head = d;
	unsigned int spins;

	memcpy(gpa(CTRL_GPA), req, req_len);
	memcpy(gpa(CTRL_GPA + 0x100), keys, keys_len);
	memset(gpa(CTRL_REPLY_GPA), 0xee, sizeof(in));
	cdesc[d] = (struct vring_desc){ CTRL_GPA, req_len, VRING_DESC_F_NEXT, (d + 1) % RING_SIZE };
	d = (d + 1) % RING_SIZE;
	if (keys_len) {
		cdesc[d] = (struct vring_desc){ CTRL_GPA + 0x100, keys_len, VRING_DESC_F_NEXT,
						(d + 1) % RING_SIZE };
		d = (d + 1) % RING_SIZE;
	}
	cdesc[d] = (struct vring_desc){ CTRL_REPLY_GPA, destroy ? 1 : sizeof(in),
					VRING_DESC_F_WRITE, 0 };
	cavail->ring[ctrl_avail_idx % RING_SIZE] = head;
	__atomic_store_n(&cavail->idx, ++ctrl_avail_idx, __ATOMIC_RELEASE);
	for (spins = 0; spins < 100000 &&
	     __atomic_load_n(&cused->idx, __ATOMIC_ACQUIRE) != ctrl_avail_idx; spins++)
		vhost_crypto_poll(vc, 32);
	assert_int_equal(cused->idx, ctrl_avail_idx);
	memcpy(&in, gpa(CTRL_REPLY_GPA), sizeof(in));
	if (destroy)
		in.status = *(uint8_t *)gpa(CTRL_REPLY_GPA);
	return in;
}

static struct virtio_crypto_session_input
control(const struct virtio_crypto_op_ctrl_req *req, const void *keys,
	uint32_t keys_len, bool destroy)
{
	return control_n(req, sizeof(*req), keys, keys_len, destroy);
}

/* Destroy a session through the control queue; returns the status byte. */
static uint8_t
destroy(uint32_t opcode, uint64_t id)
{
	struct virtio_crypto_op_ctrl_req r;

	memset(&r, 0, sizeof(r));
	r.header.opcode = opcode;
	r.u.destroy_session.session_id = id;
	return control(&r, NULL, 0, true).status;
}

static uint64_t
create_ok(const struct virtio_crypto_op_ctrl_req *req, const void *keys, uint32_t keys_len)
{
	struct virtio_crypto_session_input in = control(req, keys, keys_len, false);

	assert_int_equal(in.status, VIRTIO_CRYPTO_OK);
	return in.session_id;
}

/* A SHA-256 HASH session, 32-byte result. */
static struct virtio_crypto_op_ctrl_req
sha256_req(void)
{
	struct virtio_crypto_op_ctrl_req r;

	memset(&r, 0, sizeof(r));
	r.header.opcode = VIRTIO_CRYPTO_HASH_CREATE_SESSION;
	r.u.hash_create_session.para.algo = VIRTIO_CRYPTO_HASH_SHA_256;
	r.u.hash_create_session.para.hash_result_len = 32;
	return r;
}

static struct virtio_crypto_op_ctrl_req
mac_req(uint32_t algo, uint32_t result_len, uint32_t key_len)
{
	struct virtio_crypto_op_ctrl_req r;

	memset(&r, 0, sizeof(r));
	r.header.opcode = VIRTIO_CRYPTO_MAC_CREATE_SESSION;
	r.u.mac_create_session.para.algo = algo;
	r.u.mac_create_session.para.hash_result_len = result_len;
	r.u.mac_create_session.para.auth_key_len = key_len;
	return r;
}

/* An AEAD session with a 16-byte key and a 16-byte tag. */
static struct virtio_crypto_op_ctrl_req
aead_algo_req(uint32_t algo, uint32_t op, uint32_t aad_len)
{
	struct virtio_crypto_op_ctrl_req r;

	memset(&r, 0, sizeof(r));
	r.header.opcode = VIRTIO_CRYPTO_AEAD_CREATE_SESSION;
	r.u.aead_create_session.para.algo = algo;
	r.u.aead_create_session.para.key_len = 16;
	r.u.aead_create_session.para.hash_result_len = 16;
	r.u.aead_create_session.para.aad_len = aad_len;
	r.u.aead_create_session.para.op = op;
	return r;
}

static struct virtio_crypto_op_ctrl_req
aead_req(uint32_t op, uint32_t aad_len)
{
	return aead_algo_req(VIRTIO_CRYPTO_AEAD_GCM, op, aad_len);
}

/* A HASH or MAC request over `msg`; returns the status, result in RESULT. */
#define RESULT_GPA	(DATA_GPA + 0x3000)
static uint8_t
hash_request(uint32_t opcode, uint64_t session, const void *msg, uint32_t len,
	     uint32_t result_len)
{
	struct virtio_crypto_op_data_req *req = gpa(REQ_GPA);
	struct buf b[4] = {
		{ REQ_GPA, sizeof(*req), 0 },
		{ SRC_GPA, len, 0 },
		{ RESULT_GPA, result_len, VRING_DESC_F_WRITE },
		{ STATUS_GPA, 1, VRING_DESC_F_WRITE },
	};

	memset(req, 0, sizeof(*req));
	req->header.opcode = opcode;
	req->header.session_id = session;
	req->u.hash_req.para.src_data_len = len;
	req->u.hash_req.para.hash_result_len = result_len;
	memcpy(gpa(SRC_GPA), msg, len);
	memset(gpa(RESULT_GPA), 0, 64);
	*(uint8_t *)gpa(STATUS_GPA) = 0xee;
	offer_chain(b, 4, avail_idx % RING_SIZE);
	assert_true(poll_used(1));
	next_used();
	return *(uint8_t *)gpa(STATUS_GPA);
}

/*
 * Offer an AEAD request: an all-zero IV of iv_len bytes, src, and aad_len
 * bytes of AAD from AAD_GPA (the caller's), in two descriptors if aad_split
 * is not 0 (the first aad_split bytes long); dst_len bytes of output.
 */
#define AAD_GPA		(GUEST_BASE + 0x100000)	/* up to 64 KiB */
static void
aead_offer(uint32_t opcode, uint64_t session, uint32_t iv_len, const void *src,
	   uint32_t src_len, uint32_t aad_len, uint32_t aad_split, uint32_t dst_len)
{
	struct virtio_crypto_op_data_req *req = gpa(REQ_GPA);
	struct buf b[7];
	unsigned int n = 0;

	b[n++] = (struct buf){ REQ_GPA, sizeof(*req), 0 };
	b[n++] = (struct buf){ IV_GPA, iv_len, 0 };
	b[n++] = (struct buf){ SRC_GPA, src_len, 0 };
	if (aad_split)
		b[n++] = (struct buf){ AAD_GPA, aad_split, 0 };
	if (aad_len > aad_split)
		b[n++] = (struct buf){ AAD_GPA + aad_split, aad_len - aad_split, 0 };
	b[n++] = (struct buf){ DST_GPA, dst_len, VRING_DESC_F_WRITE };
	b[n++] = (struct buf){ STATUS_GPA, 1, VRING_DESC_F_WRITE };

	memset(req, 0, sizeof(*req));
	req->header.opcode = opcode;
	req->header.session_id = session;
	req->u.aead_req.para.iv_len = iv_len;
	req->u.aead_req.para.aad_len = aad_len;
	req->u.aead_req.para.src_data_len = src_len;
	req->u.aead_req.para.dst_data_len = dst_len;
	memset(gpa(IV_GPA), 0, 16);
	memcpy(gpa(SRC_GPA), src, src_len);
	memset(gpa(DST_GPA), GUARD, 0x1000);
	*(uint8_t *)gpa(STATUS_GPA) = 0xee;
	offer_chain(b, n, avail_idx % RING_SIZE);
}

/* Offer an AEAD request as aead_offer() does; return its status. */
static uint8_t
aead_request_aad(uint32_t opcode, uint64_t session, uint32_t iv_len, const void *src,
		 uint32_t src_len, uint32_t aad_len, uint32_t aad_split, uint32_t dst_len)
{
	aead_offer(opcode, session, iv_len, src, src_len, aad_len, aad_split, dst_len);
	assert_true(poll_used(1));
	next_used();
	return *(uint8_t *)gpa(STATUS_GPA);
}

/* A GCM request without AAD. */
static uint8_t
aead_request(uint32_t opcode, uint64_t session, const void *src, uint32_t src_len,
	     uint32_t dst_len)
{
	return aead_request_aad(opcode, session, 12, src, src_len, 0, 0, dst_len);
}

/* GCM test case 2 through an encrypt and a decrypt session; a forged tag. */
static void
gcm_known_answers(uint64_t enc, uint64_t dec)
{
	static const uint8_t zero[16];
	uint8_t bad_tag[32];

	assert_int_equal(aead_request(VIRTIO_CRYPTO_AEAD_ENCRYPT, enc, zero, 16, 32),
			 VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), gcm2_ct_tag, 32);
	assert_int_equal(((uint8_t *)gpa(DST_GPA))[32], GUARD);
	assert_int_equal(aead_request(VIRTIO_CRYPTO_AEAD_DECRYPT, dec, gcm2_ct_tag, 32, 16),
			 VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), zero, 16);
	memcpy(bad_tag, gcm2_ct_tag, 32);
	bad_tag[31] ^= 1;
	assert_int_equal(aead_request(VIRTIO_CRYPTO_AEAD_DECRYPT, dec, bad_tag, 32, 16),
			 VIRTIO_CRYPTO_BADMSG);
}

static void
control_queue_services(void **state)
{
	static const uint8_t zero[16];
	struct virtio_crypto_op_ctrl_req r;
	uint64_t hash, mac, enc, dec;

	(void)state;
	/* HASH: SHA-256("abc") */
	r = sha256_req();
	hash = create_ok(&r, NULL, 0);
	assert_int_equal(hash_request(VIRTIO_CRYPTO_HASH, hash, "abc", 3, 32), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), sha256_abc, 32);

	/* MAC: HMAC-SHA256, RFC 4231 test case 2 */
	r = mac_req(VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, 4);
	mac = create_ok(&r, "Jefe", 4);
	assert_int_equal(hash_request(VIRTIO_CRYPTO_MAC, mac, "what do ya want for nothing?",
				      28, 32), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha256_jefe, 32);
	/* a MAC request on the HASH session, and a wrong result length */
	assert_int_equal(hash_request(VIRTIO_CRYPTO_MAC, hash, "abc", 3, 32), VIRTIO_CRYPTO_INVSESS);
	assert_int_equal(hash_request(VIRTIO_CRYPTO_HASH, hash, "abc", 3, 20), VIRTIO_CRYPTO_BADMSG);

	/* AEAD: AES-128-GCM test case 2, both ways, and a forged tag */
	r = aead_req(VIRTIO_CRYPTO_OP_ENCRYPT, 0);
	enc = create_ok(&r, zero, 16);
	r = aead_req(VIRTIO_CRYPTO_OP_DECRYPT, 0);
	dec = create_ok(&r, zero, 16);
	gcm_known_answers(enc, dec);
	/* lengths that do not add up: dst must be src + tag on encrypt */
	assert_int_equal(aead_request(VIRTIO_CRYPTO_AEAD_ENCRYPT, enc, zero, 16, 16),
			 VIRTIO_CRYPTO_BADMSG);
	assert_int_equal(aead_request(VIRTIO_CRYPTO_AEAD_DECRYPT, dec, zero, 8, 0),
			 VIRTIO_CRYPTO_BADMSG);
	good_request_works();

	/* refused creates: unknown algorithm, key past its limit, no key */
	r = mac_req(VIRTIO_CRYPTO_MAC_GMAC_TWOFISH, 16, 16);
	assert_int_equal(control(&r, zero, 16, false).status, VIRTIO_CRYPTO_NOTSUPP);
	r = mac_req(VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, 1000);
	assert_int_equal(control(&r, zero, 16, false).status, VIRTIO_CRYPTO_BADMSG);
	r = mac_req(VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, 64);	/* key bytes missing */
	assert_int_equal(control(&r, zero, 16, false).status, VIRTIO_CRYPTO_BADMSG);
	memset(&r, 0, sizeof(r));
	r.header.opcode = VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION;
	assert_int_equal(control(&r, NULL, 0, false).status, VIRTIO_CRYPTO_BADMSG);
	r.header.opcode = 0x9999;
	assert_int_equal(control(&r, NULL, 0, false).status, VIRTIO_CRYPTO_BADMSG);

	/* destroy: then the id is unknown to the data path and to destroy */
	assert_int_equal(destroy(VIRTIO_CRYPTO_MAC_DESTROY_SESSION, mac), VIRTIO_CRYPTO_OK);
	assert_int_equal(hash_request(VIRTIO_CRYPTO_MAC, mac, "abc", 3, 32), VIRTIO_CRYPTO_INVSESS);
	assert_int_equal(destroy(VIRTIO_CRYPTO_MAC_DESTROY_SESSION, mac), VIRTIO_CRYPTO_INVSESS);
	assert_int_equal(destroy(VIRTIO_CRYPTO_MAC_DESTROY_SESSION, hash), VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_MAC_DESTROY_SESSION, enc), VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_MAC_DESTROY_SESSION, dec), VIRTIO_CRYPTO_OK);
	good_request_works();
}


/*
 * Zero-copy beyond ciphers: HASH reads the message and writes the result in
 * place; AEAD (GCM) reads text, AAD and tag and writes text and tag in
 * place. Same answers as copied requests; a split buffer falls back to
 * copying.
 */
static void
zero_copy_services(void **state)
{
	static const uint8_t zero[16];
	struct virtio_crypto_op_ctrl_req r;
	uint64_t before, hash, enc, dec;

	(void)state;
	r = sha256_req();
	hash = create_ok(&r, NULL, 0);
	r = aead_req(VIRTIO_CRYPTO_OP_ENCRYPT, 0);
	enc = create_ok(&r, zero, 16);
	r = aead_req(VIRTIO_CRYPTO_OP_DECRYPT, 0);
	dec = create_ok(&r, zero, 16);

	vc->zero_copy = true;
	before = vc->stats.zero_copy_ops;
	assert_int_equal(hash_request(VIRTIO_CRYPTO_HASH, hash, "abc", 3, 32), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), sha256_abc, 32);
	gcm_known_answers(enc, dec);
	assert_int_equal(vc->stats.zero_copy_ops, before + 4);
	/* an empty message has nothing to map: copied, and right */
	assert_int_equal(hash_request(VIRTIO_CRYPTO_HASH, hash, "", 0, 32), VIRTIO_CRYPTO_OK);
	assert_int_equal(vc->stats.zero_copy_ops, before + 4);
	vc->zero_copy = false;

	assert_int_equal(destroy(VIRTIO_CRYPTO_HASH_DESTROY_SESSION, hash), VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_AEAD_DESTROY_SESSION, enc), VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_AEAD_DESTROY_SESSION, dec), VIRTIO_CRYPTO_OK);
}

/* ------------------------------------------------------------------ */
/* AEAD with large AADs                                                */
/* ------------------------------------------------------------------ */

/*
 * kat_key, an all-zero IV (12 bytes for GCM, a 13-byte nonce for CCM), the
 * plaintext kat_pt and AAD byte i = i * 7 + (i >> 8): a pattern that does
 * not repeat within 64 KiB. The ciphertext does not depend on the AAD; the
 * tag does. Computed with python3-cryptography (AESGCM, AESCCM with a
 * 16-byte tag) when the test was written.
 */
static const uint8_t gcm_kat_ct[64] = {
	0xfc, 0xfe, 0x90, 0x11, 0x66, 0x39, 0x7d, 0x94, 0x96, 0x2a, 0x4a, 0x21, 0x4c, 0x61, 0x08, 0xa3,
	0xe8, 0xb1, 0xf5, 0x9c, 0x6b, 0xd6, 0x75, 0x3d, 0x2a, 0xaf, 0xa4, 0x35, 0x3e, 0xa6, 0x2f, 0xd4,
	0xba, 0xb4, 0x2b, 0xeb, 0xdf, 0x62, 0x3b, 0x23, 0xac, 0xa5, 0x0f, 0xd3, 0xc4, 0xc8, 0x63, 0xf3,
	0x19, 0xb7, 0xfc, 0x62, 0xe6, 0xb2, 0x17, 0x66, 0xea, 0x19, 0x7e, 0x05, 0x77, 0xac, 0xfc, 0xea };
static const uint8_t gcm_tag_aad65535[16] = {
	0xa6, 0x1d, 0xba, 0x85, 0x8e, 0x4f, 0xb7, 0x6e, 0x3f, 0x46, 0x5e, 0xb5, 0xdf, 0xa8, 0x9b, 0x3f };
static const uint8_t gcm_tag_aad1056[16] = {
	0xa5, 0x9e, 0xac, 0xa5, 0xa0, 0xc2, 0x68, 0x7d, 0x02, 0x83, 0xde, 0xec, 0x3a, 0x91, 0x41, 0x96 };
static const uint8_t gcm_tag_aad1057[16] = {
	0x04, 0xef, 0x6c, 0x4f, 0xac, 0xc0, 0xb2, 0xfd, 0x5c, 0xab, 0x00, 0x36, 0x05, 0x40, 0xb0, 0x6e };
static const uint8_t ccm_kat_ct[64] = {
	0x2f, 0x5d, 0xab, 0xe7, 0xe9, 0x08, 0x31, 0x1c, 0xa7, 0x42, 0xad, 0x7f, 0x27, 0x9e, 0xd0, 0x28,
	0x0c, 0x6c, 0xd8, 0xa8, 0x4d, 0x1d, 0x78, 0xf0, 0xda, 0x60, 0x03, 0x5d, 0x7f, 0x9b, 0xe7, 0x62,
	0xea, 0x4d, 0xb0, 0xf7, 0xbb, 0xaa, 0xcc, 0x23, 0x2d, 0x0d, 0x5b, 0x79, 0x1a, 0x33, 0xbc, 0x19,
	0x4e, 0x02, 0xa7, 0x45, 0xcb, 0xb9, 0x6e, 0x28, 0x91, 0x71, 0x54, 0x05, 0x4b, 0x72, 0x7a, 0xa9 };
static const uint8_t ccm_tag_aad65279[16] = {
	0x6a, 0xc2, 0x61, 0x1e, 0x39, 0x64, 0x5e, 0x87, 0x2f, 0x8e, 0x3b, 0x51, 0xb3, 0x03, 0x2f, 0x07 };

/* A large-AAD known answer: what its sessions and requests are, and the answer. */
struct large_aad_kat {
	uint32_t algo;		/* VIRTIO_CRYPTO_AEAD_GCM or _CCM */
	uint32_t iv_len;
	uint32_t aad_len;
	const uint8_t *ct;	/* 64 bytes */
	const uint8_t *tag;	/* 16 bytes */
};

static const struct large_aad_kat gcm_aad65535 = {
	VIRTIO_CRYPTO_AEAD_GCM, 12, 65535, gcm_kat_ct, gcm_tag_aad65535 };
static const struct large_aad_kat gcm_aad1056 = {
	VIRTIO_CRYPTO_AEAD_GCM, 12, 1056, gcm_kat_ct, gcm_tag_aad1056 };
static const struct large_aad_kat gcm_aad1057 = {
	VIRTIO_CRYPTO_AEAD_GCM, 12, 1057, gcm_kat_ct, gcm_tag_aad1057 };
static const struct large_aad_kat ccm_aad65279 = {
	VIRTIO_CRYPTO_AEAD_CCM, 13, 65279, ccm_kat_ct, ccm_tag_aad65279 };

static void
large_aad_fill(uint32_t len)
{
	uint8_t *aad = gpa(AAD_GPA);
	uint32_t i;

	for (i = 0; i < len; i++)
		aad[i] = (uint8_t)(i * 7 + (i >> 8));
}

/* Encrypt and decrypt sessions for k, made through the control queue. */
static void
large_aad_sessions(const struct large_aad_kat *k, uint64_t *enc, uint64_t *dec)
{
	struct virtio_crypto_op_ctrl_req r;

	r = aead_algo_req(k->algo, VIRTIO_CRYPTO_OP_ENCRYPT, k->aad_len);
	*enc = create_ok(&r, kat_key, 16);
	r = aead_algo_req(k->algo, VIRTIO_CRYPTO_OP_DECRYPT, k->aad_len);
	*dec = create_ok(&r, kat_key, 16);
}

static void
large_aad_sessions_destroy(uint64_t enc, uint64_t dec)
{
	assert_int_equal(destroy(VIRTIO_CRYPTO_AEAD_DESTROY_SESSION, enc), VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_AEAD_DESTROY_SESSION, dec), VIRTIO_CRYPTO_OK);
}

/*
 * Encrypt, decrypt, a forged tag, a forged last AAD byte and a request
 * whose AAD length is not the session's; the AAD in one descriptor, or in
 * two split at aad_split.
 */
static void
large_aad_known_answer(const struct large_aad_kat *k, uint64_t enc, uint64_t dec,
		       uint32_t aad_split)
{
	uint8_t ct_tag[80], *last = (uint8_t *)gpa(AAD_GPA) + k->aad_len - 1;

	large_aad_fill(k->aad_len);
	memcpy(ct_tag, k->ct, 64);
	memcpy(ct_tag + 64, k->tag, 16);
	assert_int_equal(aead_request_aad(VIRTIO_CRYPTO_AEAD_ENCRYPT, enc, k->iv_len, kat_pt, 64,
					  k->aad_len, aad_split, 80), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), ct_tag, 80);
	assert_int_equal(((uint8_t *)gpa(DST_GPA))[80], GUARD);
	assert_int_equal(aead_request_aad(VIRTIO_CRYPTO_AEAD_DECRYPT, dec, k->iv_len, ct_tag, 80,
					  k->aad_len, aad_split, 64), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_pt, 64);

	ct_tag[79] ^= 1;
	assert_int_equal(aead_request_aad(VIRTIO_CRYPTO_AEAD_DECRYPT, dec, k->iv_len, ct_tag, 80,
					  k->aad_len, aad_split, 64), VIRTIO_CRYPTO_BADMSG);
	ct_tag[79] ^= 1;
	*last ^= 1;
	assert_int_equal(aead_request_aad(VIRTIO_CRYPTO_AEAD_DECRYPT, dec, k->iv_len, ct_tag, 80,
					  k->aad_len, aad_split, 64), VIRTIO_CRYPTO_BADMSG);
	*last ^= 1;
	assert_int_equal(aead_request_aad(VIRTIO_CRYPTO_AEAD_ENCRYPT, enc, k->iv_len, kat_pt, 64,
					  k->aad_len - 1, 0, 80), VIRTIO_CRYPTO_BADMSG);
	assert_int_equal(((uint8_t *)gpa(DST_GPA))[0], GUARD);
}

/* Take every buffer of the AAD pool, as a burst of large-AAD requests would. */
static void
aad_pool_empty(void **bufs)
{
	assert_int_equal(rte_mempool_get_bulk(vc->aad_pool, bufs, VC_AAD_POOL_SIZE), 0);
}

static void
aad_pool_refill(void **bufs)
{
	rte_mempool_put_bulk(vc->aad_pool, bufs, VC_AAD_POOL_SIZE);
}

/*
 * Copy mode: AES-128-GCM with the largest AAD the table allows (GCM's
 * 65535 bytes; DPDK's own autotest uses 65296), both ways, forged tag and
 * AAD. An AAD area of up to VC_AEAD_LEAD_MAX bytes stays in the mbuf; a
 * longer one needs a buffer from the AAD pool and, while the pool (or the
 * mbuf pool) is empty, waits in the ring (RETRY) rather than fail, holding
 * no buffer. Creates past the table's limits are refused.
 */
static void
large_aad_copy(void **state)
{
	struct virtio_crypto_op_ctrl_req r;
	struct vhost_crypto_stats stats;
	void *bufs[VC_AAD_POOL_SIZE], **mbufs;
	uint64_t enc, dec, before = vc->stats.zero_copy_ops;
	unsigned int i, nb_mbufs;

	(void)state;
	assert_int_equal(rte_mempool_avail_count(vc->aad_pool), VC_AAD_POOL_SIZE);
	large_aad_sessions(&gcm_aad65535, &enc, &dec);
	large_aad_known_answer(&gcm_aad65535, enc, dec, 0);
	large_aad_sessions_destroy(enc, dec);

	/* the AAD pool empty: 1056 bytes (in the mbuf) are served, 1057 wait */
	aad_pool_empty(bufs);
	assert_int_equal(vhost_crypto_stats_get(vc, &stats), 0);
	assert_int_equal(stats.aad_bufs_in_use, VC_AAD_POOL_SIZE);
	large_aad_sessions(&gcm_aad1056, &enc, &dec);
	large_aad_known_answer(&gcm_aad1056, enc, dec, 0);
	large_aad_sessions_destroy(enc, dec);
	large_aad_sessions(&gcm_aad1057, &enc, &dec);
	large_aad_fill(1057);
	aead_offer(VIRTIO_CRYPTO_AEAD_ENCRYPT, enc, 12, kat_pt, 64, 1057, 0, 80);
	for (i = 0; i < 1000; i++)
		vhost_crypto_poll(vc, 32);
	assert_int_equal(used->idx, used_seen);
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), 0xee);
	assert_int_equal(rte_mempool_in_use_count(vc->op_pool), 0);
	assert_int_equal(rte_mempool_in_use_count(vc->mbuf_pool), 0);
	aad_pool_refill(bufs);
	assert_true(poll_used(1));
	next_used();
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), gcm_kat_ct, 64);
	assert_memory_equal((uint8_t *)gpa(DST_GPA) + 64, gcm_tag_aad1057, 16);
	large_aad_known_answer(&gcm_aad1057, enc, dec, 0);
	large_aad_sessions_destroy(enc, dec);

	/* no mbufs: the request waits, and gives its AAD buffer back meanwhile */
	large_aad_sessions(&gcm_aad65535, &enc, &dec);
	large_aad_fill(65535);
	nb_mbufs = pool_take_all(vc->mbuf_pool, &mbufs);
	aead_offer(VIRTIO_CRYPTO_AEAD_ENCRYPT, enc, 12, kat_pt, 64, 65535, 0, 80);
	for (i = 0; i < 1000; i++)
		vhost_crypto_poll(vc, 32);
	assert_int_equal(used->idx, used_seen);
	assert_int_equal(rte_mempool_avail_count(vc->aad_pool), VC_AAD_POOL_SIZE);
	rte_mempool_put_bulk(vc->mbuf_pool, mbufs, nb_mbufs);
	free(mbufs);
	assert_true(poll_used(1));
	next_used();
	assert_int_equal(*(uint8_t *)gpa(STATUS_GPA), VIRTIO_CRYPTO_OK);
	assert_memory_equal((uint8_t *)gpa(DST_GPA) + 64, gcm_tag_aad65535, 16);
	large_aad_sessions_destroy(enc, dec);
	assert_int_equal(vc->stats.zero_copy_ops, before);

	/* past the table: GCM 65536 bytes, CCM 65280 (its AAD is below 2^16 - 2^8) */
	r = aead_algo_req(VIRTIO_CRYPTO_AEAD_GCM, VIRTIO_CRYPTO_OP_ENCRYPT, 65536);
	assert_int_equal(control(&r, kat_key, 16, false).status, VIRTIO_CRYPTO_BADMSG);
	r = aead_algo_req(VIRTIO_CRYPTO_AEAD_CCM, VIRTIO_CRYPTO_OP_ENCRYPT, 65280);
	assert_int_equal(control(&r, kat_key, 16, false).status, VIRTIO_CRYPTO_BADMSG);

	vc_datapath_drain(vc);
	assert_int_equal(rte_mempool_avail_count(vc->aad_pool), VC_AAD_POOL_SIZE);
	assert_int_equal(vhost_crypto_stats_get(vc, &stats), 0);
	assert_int_equal(stats.aad_bufs_in_use, 0);
	assert_int_equal(rte_mempool_in_use_count(vc->op_pool), 0);
	assert_int_equal(rte_mempool_in_use_count(vc->mbuf_pool), 0);
	good_request_works();
}

/*
 * Zero-copy: the guest's AAD is read in place, so 64 KiB of it need no
 * buffer (the pool stays empty throughout); an AAD in two descriptors is
 * copied into one from the pool, with the same answers.
 */
static void
large_aad_zero_copy(void **state)
{
	void *bufs[VC_AAD_POOL_SIZE];
	uint64_t enc, dec, before;

	(void)state;
	large_aad_sessions(&gcm_aad65535, &enc, &dec);
	vc->zero_copy = true;
	before = vc->stats.zero_copy_ops;
	aad_pool_empty(bufs);
	large_aad_known_answer(&gcm_aad65535, enc, dec, 0);
	/* four reached the device; the one with the wrong AAD length did not */
	assert_int_equal(vc->stats.zero_copy_ops, before + 4);
	aad_pool_refill(bufs);
	before = vc->stats.zero_copy_ops;
	large_aad_known_answer(&gcm_aad65535, enc, dec, 40000);
	assert_int_equal(vc->stats.zero_copy_ops, before);
	vc->zero_copy = false;
	large_aad_sessions_destroy(enc, dec);

	vc_datapath_drain(vc);
	assert_int_equal(rte_mempool_avail_count(vc->aad_pool), VC_AAD_POOL_SIZE);
	assert_int_equal(rte_mempool_in_use_count(vc->op_pool), 0);
	assert_int_equal(rte_mempool_in_use_count(vc->mbuf_pool), 0);
}

/*
 * AES-128-CCM with its largest AAD (65279 bytes), copied 18 bytes into a
 * pool buffer. crypto_aesni_mb advertises CCM with at most 46 bytes of AAD
 * (and computes wrong tags past 64), so the session lives on the fallback
 * (crypto_openssl) only, and every op goes there.
 */
static void
large_aad_ccm_on_fallback(void **state)
{
	uint64_t enc, dec, before = vc->stats.fallback_ops;

	(void)state;
	large_aad_sessions(&ccm_aad65279, &enc, &dec);
	assert_null(vc->sessions.slots[enc].crypto_sess[VC_DEV_MAIN]);
	assert_non_null(vc->sessions.slots[enc].crypto_sess[VC_DEV_FALLBACK]);
	large_aad_known_answer(&ccm_aad65279, enc, dec, 0);
	/* four were routed; the one with the wrong AAD length did not get that far */
	assert_int_equal(vc->stats.fallback_ops, before + 4);
	large_aad_sessions_destroy(enc, dec);

	vc_datapath_drain(vc);
	assert_int_equal(rte_mempool_avail_count(vc->aad_pool), VC_AAD_POOL_SIZE);
	assert_int_equal(rte_mempool_in_use_count(vc->mbuf_pool), 0);
}

/*
 * crypto_aesni_mb (IPsec-MB 1.3) computes a wrong HMAC over an empty
 * message, and after it every HMAC of that hash on the queue pair is wrong,
 * in the same session or a new one. The backend must give the right answer
 * anyway, every time.
 */
static const uint8_t hmac_sha256_jefe_empty[32] = {
	0x92, 0x35, 0x98, 0xca, 0x6d, 0x64, 0xaf, 0x2a, 0x5d, 0xba, 0x79, 0xdc, 0xd0, 0x21, 0xa8, 0xa0,
	0xfe, 0x5c, 0x5f, 0x55, 0x75, 0x19, 0xad, 0xaa, 0xf0, 0xad, 0x53, 0x2d, 0x45, 0x06, 0xdd, 0x30 };

static void
hmac_of_empty_message(void **state)
{
	struct virtio_crypto_op_ctrl_req r;
	uint64_t mac, later;
	int i;

	(void)state;
	r = mac_req(VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32, 4);
	mac = create_ok(&r, "Jefe", 4);
	for (i = 0; i < 2; i++) {
		assert_int_equal(hash_request(VIRTIO_CRYPTO_MAC, mac, "", 0, 32), VIRTIO_CRYPTO_OK);
		assert_memory_equal(gpa(RESULT_GPA), hmac_sha256_jefe_empty, 32);
	}
	/* the same session, and a session made afterwards, on a real message */
	assert_int_equal(hash_request(VIRTIO_CRYPTO_MAC, mac, "what do ya want for nothing?",
				      28, 32), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha256_jefe, 32);
	later = create_ok(&r, "Jefe", 4);
	assert_int_equal(hash_request(VIRTIO_CRYPTO_MAC, later, "what do ya want for nothing?",
				      28, 32), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha256_jefe, 32);
	assert_int_equal(hash_request(VIRTIO_CRYPTO_MAC, later, "", 0, 32), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha256_jefe_empty, 32);
	assert_true(vc->stats.fallback_ops >= 3);

	assert_int_equal(destroy(VIRTIO_CRYPTO_MAC_DESTROY_SESSION, mac), VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_MAC_DESTROY_SESSION, later), VIRTIO_CRYPTO_OK);
}

/* HMAC-SHA1("Jefe", CBC ciphertext of the NIST vector) */
static const uint8_t hmac_sha1_jefe_ct[20] = {
	0x2a, 0xac, 0xdb, 0x2a, 0x49, 0x9a, 0x9a, 0x64, 0x3e, 0x16,
	0x6b, 0xd9, 0x8e, 0x31, 0xe7, 0x0c, 0x70, 0x38, 0x70, 0xa4 };

static uint64_t
chain_session(uint32_t dir, uint32_t order)
{
	struct virtio_crypto_op_ctrl_req r;
	uint8_t keys[20];

	sim_cbc_sha1_session_req(&r, dir, order, 4);
	memcpy(keys, kat_key, 16);
	memcpy(keys + 16, "Jefe", 4);
	return create_ok(&r, keys, sizeof(keys));
}

/*
 * A chain request over 64 bytes, hashing [hso, hso + lth); in place, the
 * source descriptor names the destination buffer, as in-place users send it.
 */
static uint8_t
chain_request_at(uint32_t opcode, uint64_t session, const uint8_t *src,
		 uint32_t hso, uint32_t lth, bool in_place)
{
	struct virtio_crypto_op_data_req *req = gpa(REQ_GPA);
	struct buf b[6] = {
		{ REQ_GPA, sizeof(*req), 0 },
		{ IV_GPA, 16, 0 },
		{ SRC_GPA, 64, 0 },
		{ DST_GPA, 64, VRING_DESC_F_WRITE },
		{ RESULT_GPA, 20, VRING_DESC_F_WRITE },
		{ STATUS_GPA, 1, VRING_DESC_F_WRITE },
	};

	sim_chain_req(req, opcode, session, 64, hso, lth, 20);
	memcpy(gpa(IV_GPA), kat_iv, 16);
	memcpy(gpa(SRC_GPA), src, 64);
	memset(gpa(DST_GPA), GUARD, 0x1000);
	memset(gpa(RESULT_GPA), 0, 64);
	*(uint8_t *)gpa(STATUS_GPA) = 0xee;
	if (in_place) {
		memcpy(gpa(DST_GPA), src, 64);
		b[2].addr = DST_GPA;
	}
	offer_chain(b, 6, avail_idx % RING_SIZE);
	assert_true(poll_used(1));
	next_used();
	return *(uint8_t *)gpa(STATUS_GPA);
}

static uint8_t
chain_request(uint32_t opcode, uint64_t session, const uint8_t *src,
	      uint32_t hso, uint32_t lth)
{
	return chain_request_at(opcode, session, src, hso, lth, false);
}

/*
 * Chains (IPsec's AES-CBC + HMAC-SHA1): encrypt then MAC the ciphertext,
 * and MAC the ciphertext then decrypt. The device computes the MAC either
 * way; aesni_mb has no decrypt chain that does, so that session lives on
 * the fallback device alone.
 */
static void
cipher_hash_chains(void **state)
{
	uint64_t enc, dec, before;
	int in_place;

	(void)state;
	enc = chain_session(VIRTIO_CRYPTO_OP_ENCRYPT,
			    VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH);
	dec = chain_session(VIRTIO_CRYPTO_OP_DECRYPT,
			    VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER);
	assert_int_equal(chain_request(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc, kat_pt, 0, 64),
			 VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_ct, 64);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha1_jefe_ct, 20);
	assert_int_equal(chain_request(VIRTIO_CRYPTO_CIPHER_DECRYPT, dec, kat_ct, 0, 64),
			 VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_pt, 64);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha1_jefe_ct, 20);
	/* hash range past the data, and a result length the session lacks */
	assert_int_equal(chain_request(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc, kat_pt, 8, 64),
			 VIRTIO_CRYPTO_BADMSG);
	assert_int_equal(chain_request(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc, kat_pt,
				       UINT32_MAX, 2), VIRTIO_CRYPTO_BADMSG);
	good_request_works();

	/*
	 * Zero-copy: in place in the guest's destination, the source moved
	 * there first or already there; the MAC written where the guest said.
	 */
	before = vc->stats.zero_copy_ops;
	vc->zero_copy = true;
	for (in_place = 0; in_place < 2; in_place++) {
		assert_int_equal(chain_request_at(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc, kat_pt,
						  0, 64, in_place), VIRTIO_CRYPTO_OK);
		assert_memory_equal(gpa(DST_GPA), kat_ct, 64);
		assert_memory_equal(gpa(RESULT_GPA), hmac_sha1_jefe_ct, 20);
		if (!in_place)
			assert_memory_equal(gpa(SRC_GPA), kat_pt, 64);
		assert_int_equal(chain_request_at(VIRTIO_CRYPTO_CIPHER_DECRYPT, dec, kat_ct,
						  0, 64, in_place), VIRTIO_CRYPTO_OK);
		assert_memory_equal(gpa(DST_GPA), kat_pt, 64);
		assert_memory_equal(gpa(RESULT_GPA), hmac_sha1_jefe_ct, 20);
	}
	assert_int_equal(vc->stats.zero_copy_ops, before + 4);
	assert_int_equal(chain_request(VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc, kat_pt, 8, 64),
			 VIRTIO_CRYPTO_BADMSG);
	vc->zero_copy = false;
	good_request_works();

	assert_int_equal(destroy(VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION, enc), VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION, dec), VIRTIO_CRYPTO_OK);
}


/* ------------------------------------------------------------------ */
/* AKCIPHER: RSA on the fallback device                                */
/* ------------------------------------------------------------------ */

static uint64_t
rsa_session(uint32_t key_type, const uint8_t *der, uint32_t der_len, uint32_t padding,
	    uint32_t hash, uint32_t *status)
{
	struct virtio_crypto_op_ctrl_req r;
	struct virtio_crypto_session_input in;

	memset(&r, 0, sizeof(r));
	r.header.opcode = VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION;
	r.u.akcipher_create_session.para.algo = VIRTIO_CRYPTO_AKCIPHER_RSA;
	r.u.akcipher_create_session.para.keytype = key_type;
	r.u.akcipher_create_session.para.keylen = der_len;
	r.u.akcipher_create_session.para.u.rsa.padding_algo = padding;
	r.u.akcipher_create_session.para.u.rsa.hash_algo = hash;
	in = control(&r, der, der_len, false);
	*status = in.status;
	return in.session_id;
}

/*
 * An AKCIPHER request: src | dst, status. A VERIFY's dst (the digest) is
 * device-readable; the others' is writable. Returns the status; output at
 * DST_GPA, and *written the used length.
 */
static uint8_t
akcipher_request(uint32_t opcode, uint64_t session, const uint8_t *src, uint32_t src_len,
		 const uint8_t *digest, uint32_t dst_len, uint32_t *written)
{
	struct virtio_crypto_op_data_req *req = gpa(REQ_GPA);
	bool verify = opcode == VIRTIO_CRYPTO_AKCIPHER_VERIFY;
	struct vring_used_elem e;
	struct buf b[4] = {
		{ REQ_GPA, sizeof(*req), 0 },
		{ SRC_GPA, src_len, 0 },
		{ DST_GPA, dst_len, verify ? 0 : VRING_DESC_F_WRITE },
		{ STATUS_GPA, 1, VRING_DESC_F_WRITE },
	};

	memset(req, 0, sizeof(*req));
	req->header.opcode = opcode;
	req->header.session_id = session;
	req->u.akcipher_req.para.src_data_len = src_len;
	req->u.akcipher_req.para.dst_data_len = dst_len;
	memcpy(gpa(SRC_GPA), src, src_len);
	memset(gpa(DST_GPA), GUARD, 0x1000);
	if (verify)
		memcpy(gpa(DST_GPA), digest, dst_len);
	*(uint8_t *)gpa(STATUS_GPA) = 0xee;
	offer_chain(b, 4, avail_idx % RING_SIZE);
	assert_true(poll_used(1));
	e = next_used();
	*written = e.len;
	return *(uint8_t *)gpa(STATUS_GPA);
}

/*
 * RSA through the control queue and the data ring: aesni_mb has no RSA, so
 * sessions live on the openssl fallback. PKCS#1 v1.5 signatures of every
 * hash are python-made known answers (deterministic), as are raw
 * encryption and PKCS#1 decryption.
 */
static void
akcipher_services(void **state)
{
	/* A plaintext longer than the modulus (ASan: its bytes must exist). */
	static const uint8_t too_long[4000];
	const struct test_rsa_key *k2048 = &test_rsa_keys[1];
	struct virtio_crypto_op_ctrl_req r;
	uint64_t sign[RTE_DIM(test_rsa_sigs)], pub, priv_pkcs1;
	uint8_t sig[512];
	uint32_t status, written, i;

	(void)state;
	assert_int_equal(k2048->bits, 2048);
	for (i = 0; i < RTE_DIM(test_rsa_sigs); i++) {
		const struct test_rsa_sig *t = &test_rsa_sigs[i];
		const struct test_rsa_key *k = &test_rsa_keys[t->bits / 1024 - 1];

		assert_int_equal(k->bits, t->bits);
		sign[i] = rsa_session(VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE, k->priv,
				      k->priv_len, VIRTIO_CRYPTO_RSA_PKCS1_PADDING, t->hash,
				      &status);
		assert_int_equal(status, VIRTIO_CRYPTO_OK);
		assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_SIGN, sign[i],
						  t->digest, t->digest_len, NULL, t->sig_len,
						  &written), VIRTIO_CRYPTO_OK);
		assert_int_equal(written, t->sig_len + 1);
		assert_memory_equal(gpa(DST_GPA), t->sig, t->sig_len);
		assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_VERIFY, sign[i],
						  t->sig, t->sig_len, t->digest, t->digest_len,
						  &written), VIRTIO_CRYPTO_OK);
		memcpy(sig, t->sig, t->sig_len);
		sig[t->sig_len / 2] ^= 0x10;
		assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_VERIFY, sign[i],
						  sig, t->sig_len, t->digest, t->digest_len,
						  &written), VIRTIO_CRYPTO_KEY_REJECTED);
	}

	/* raw encryption with the public key; PKCS#1 decryption with the private */
	pub = rsa_session(VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC, k2048->pub, k2048->pub_len,
			  VIRTIO_CRYPTO_RSA_RAW_PADDING, VIRTIO_CRYPTO_RSA_NO_HASH, &status);
	assert_int_equal(status, VIRTIO_CRYPTO_OK);
	assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_ENCRYPT, pub, raw2048_plain,
					  sizeof(raw2048_plain), NULL, 256, &written),
			 VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), raw2048_cipher, 256);
	priv_pkcs1 = rsa_session(VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE, k2048->priv,
				 k2048->priv_len, VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
				 VIRTIO_CRYPTO_RSA_NO_HASH, &status);
	assert_int_equal(status, VIRTIO_CRYPTO_OK);
	assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_DECRYPT, priv_pkcs1,
					  pkcs1dec2048_cipher, 256, NULL, 256, &written),
			 VIRTIO_CRYPTO_OK);
	assert_int_equal(written, sizeof(pkcs1dec2048_plain) + 1);
	assert_memory_equal(gpa(DST_GPA), pkcs1dec2048_plain, sizeof(pkcs1dec2048_plain));
	assert_int_equal(((uint8_t *)gpa(DST_GPA))[sizeof(pkcs1dec2048_plain)], GUARD);

	/* what a public key cannot do, and lengths that do not fit */
	assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_DECRYPT, pub, raw2048_cipher,
					  256, NULL, 256, &written), VIRTIO_CRYPTO_BADMSG);
	assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_SIGN, sign[4],
					  test_rsa_sigs[4].digest, 32, NULL, 100, &written),
			 VIRTIO_CRYPTO_BADMSG);	/* no room for the signature */
	assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_ENCRYPT, pub, too_long,
					  sizeof(too_long), NULL, 256, &written), VIRTIO_CRYPTO_BADMSG);
	/* a cipher session is not an akcipher one */
	assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_ENCRYPT, enc_session,
					  raw2048_plain, 100, NULL, 256, &written),
			 VIRTIO_CRYPTO_INVSESS);

	/* refused creates: a truncated key, a key of the other type, not RSA, MD4 */
	rsa_session(VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE, k2048->priv,
			  k2048->priv_len - 1, VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
			  VIRTIO_CRYPTO_RSA_SHA256, &status);
	assert_int_equal(status, VIRTIO_CRYPTO_BADMSG);
	rsa_session(VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE, k2048->pub,
			  k2048->pub_len, VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
			  VIRTIO_CRYPTO_RSA_SHA256, &status);
	assert_int_equal(status, VIRTIO_CRYPTO_BADMSG);
	rsa_session(VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE, k2048->priv,
			  k2048->priv_len, VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
			  VIRTIO_CRYPTO_RSA_MD4, &status);
	assert_int_equal(status, VIRTIO_CRYPTO_NOTSUPP);
	memset(&r, 0, sizeof(r));
	r.header.opcode = VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION;
	r.u.akcipher_create_session.para.algo = VIRTIO_CRYPTO_AKCIPHER_ECDSA;
	r.u.akcipher_create_session.para.keytype = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC;
	r.u.akcipher_create_session.para.keylen = 65;
	assert_int_equal(control(&r, sig, 65, false).status, VIRTIO_CRYPTO_NOTSUPP);

	/* every session goes, and the data path forgets them */
	for (i = 0; i < RTE_DIM(sign); i++)
		assert_int_equal(destroy(VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION, sign[i]),
				 VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION, pub), VIRTIO_CRYPTO_OK);
	assert_int_equal(destroy(VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION, priv_pkcs1),
			 VIRTIO_CRYPTO_OK);
	assert_int_equal(akcipher_request(VIRTIO_CRYPTO_AKCIPHER_ENCRYPT, pub, raw2048_plain,
					  100, NULL, 256, &written), VIRTIO_CRYPTO_INVSESS);
	assert_int_equal(rte_mempool_in_use_count(vc->sessions.asym_pool), 0);
	good_request_works();
}

/* ------------------------------------------------------------------ */
/* REVISION_1: unpadded fixed parts, and stateless requests            */
/* ------------------------------------------------------------------ */

#define KEYS_GPA	(DATA_GPA + 0x4000)
#define F(bit)		(1ULL << (bit))
#define STATELESS_FEATURES (F(VIRTIO_CRYPTO_F_REVISION_1) | \
	F(VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE) | F(VIRTIO_CRYPTO_F_HASH_STATELESS_MODE) | \
	F(VIRTIO_CRYPTO_F_MAC_STATELESS_MODE) | F(VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE))

/*
 * Offer the request: `fixed_len` bytes at REQ_GPA, the pieces given, then
 * the status byte. Returns the status the device wrote.
 */
static uint8_t
submit(uint32_t fixed_len, const struct buf *pieces, unsigned int n)
{
	struct buf b[8];

	assert_true(n + 2 <= RTE_DIM(b));
	b[0] = (struct buf){ REQ_GPA, fixed_len, 0 };
	memcpy(&b[1], pieces, n * sizeof(*pieces));
	b[n + 1] = (struct buf){ STATUS_GPA, 1, VRING_DESC_F_WRITE };
	*(uint8_t *)gpa(STATUS_GPA) = 0xee;
	offer_chain(b, n + 2, avail_idx % RING_SIZE);
	assert_true(poll_used(1));
	next_used();
	return *(uint8_t *)gpa(STATUS_GPA);
}

/* A request header at REQ_GPA; the fixed part after it is returned zeroed. */
static void *
request_header(uint32_t opcode, uint32_t flag, uint64_t session)
{
	struct virtio_crypto_op_header *h = gpa(REQ_GPA);

	memset(h, 0, VIRTIO_CRYPTO_STATELESS_REQ_MAX);
	h->opcode = opcode;
	h->flag = flag;
	h->session_id = session;
	memset(gpa(DST_GPA), GUARD, 0x1000);
	memset(gpa(RESULT_GPA), 0, 64);
	return h + 1;
}

#define STATELESS_SYM_LEN \
	(sizeof(struct virtio_crypto_op_header) + sizeof(struct virtio_crypto_sym_data_flf_stateless))

/* A stateless AES-128-CBC request over the 64-byte NIST vector. */
static uint8_t
stateless_cbc(uint32_t opcode, uint32_t op, uint32_t algo, uint32_t key_len,
	      const uint8_t *src, uint32_t src_given)
{
	struct virtio_crypto_sym_data_flf_stateless *f = request_header(opcode, 0, 0);
	struct buf b[4] = {
		{ KEYS_GPA, key_len, 0 },
		{ IV_GPA, 16, 0 },
		{ SRC_GPA, src_given, 0 },
		{ DST_GPA, 64, VRING_DESC_F_WRITE },
	};

	f->op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	f->u.cipher.sess_para.algo = algo;
	f->u.cipher.sess_para.key_len = key_len;
	f->u.cipher.sess_para.op = op;
	f->u.cipher.iv_len = 16;
	f->u.cipher.src_data_len = 64;
	f->u.cipher.dst_data_len = 64;
	memcpy(gpa(KEYS_GPA), kat_key, 16);
	memcpy(gpa(IV_GPA), kat_iv, 16);
	memcpy(gpa(SRC_GPA), src, 64);
	return submit(STATELESS_SYM_LEN, b, 4);
}

/* A stateless AES-CBC + HMAC-SHA1 ("Jefe") chain over 64 bytes. */
static uint8_t
stateless_chain(uint32_t opcode, uint32_t op, uint32_t order, const uint8_t *src)
{
	struct virtio_crypto_sym_data_flf_stateless *f = request_header(opcode, 0, 0);
	struct buf b[5] = {
		{ KEYS_GPA, 20, 0 },
		{ IV_GPA, 16, 0 },
		{ SRC_GPA, 64, 0 },
		{ DST_GPA, 64, VRING_DESC_F_WRITE },
		{ RESULT_GPA, 20, VRING_DESC_F_WRITE },
	};

	sim_stateless_cbc_sha1(f, op, order, 4, 64);
	memcpy(gpa(KEYS_GPA), kat_key, 16);
	memcpy(gpa(KEYS_GPA + 16), "Jefe", 4);
	memcpy(gpa(IV_GPA), kat_iv, 16);
	memcpy(gpa(SRC_GPA), src, 64);
	return submit(STATELESS_SYM_LEN, b, 5);
}

/* A stateless HMAC-SHA256 request with key "Jefe" (key_len as given). */
static uint8_t
stateless_mac(const char *msg, uint32_t key_len)
{
	struct virtio_crypto_mac_data_flf_stateless *f =
		request_header(VIRTIO_CRYPTO_MAC, 0, 0);
	uint32_t len = strlen(msg);
	struct buf b[3] = {
		{ KEYS_GPA, 4, 0 },
		{ SRC_GPA, len, 0 },
		{ RESULT_GPA, 32, VRING_DESC_F_WRITE },
	};

	f->sess_para.algo = VIRTIO_CRYPTO_MAC_HMAC_SHA_256;
	f->sess_para.auth_key_len = key_len;
	f->src_data_len = len;
	f->hash_result_len = 32;
	memcpy(gpa(KEYS_GPA), "Jefe", 4);
	memcpy(gpa(SRC_GPA), msg, len);
	return submit(sizeof(struct virtio_crypto_op_header) + sizeof(*f), b, 3);
}

/* A stateless AES-128-GCM request, all-zero key and IV (GCM test case 2). */
static uint8_t
stateless_gcm(uint32_t opcode, uint32_t op, const uint8_t *src, uint32_t src_len,
	      uint32_t dst_len)
{
	static const uint8_t zero[16];
	struct virtio_crypto_aead_data_flf_stateless *f = request_header(opcode, 0, 0);
	struct buf b[4] = {
		{ KEYS_GPA, 16, 0 },
		{ IV_GPA, 12, 0 },
		{ SRC_GPA, src_len, 0 },
		{ DST_GPA, dst_len, VRING_DESC_F_WRITE },
	};

	f->sess_para.algo = VIRTIO_CRYPTO_AEAD_GCM;
	f->sess_para.key_len = 16;
	f->sess_para.op = op;
	f->iv_len = 12;
	f->tag_len = 16;
	f->src_data_len = src_len;
	f->dst_data_len = dst_len;
	memcpy(gpa(KEYS_GPA), zero, 16);
	memcpy(gpa(IV_GPA), zero, 12);
	memcpy(gpa(SRC_GPA), src, src_len);
	return submit(sizeof(struct virtio_crypto_op_header) + sizeof(*f), b, 4);
}

/*
 * With REVISION_1 and the stateless modes negotiated: requests that carry
 * their session inline, of every symmetric service, against the same known
 * answers as the session-mode ones; session-mode requests with unpadded
 * fixed parts; and the statuses of the malformed ones.
 */
static void
revision_1_and_stateless(void **state)
{
	static const uint8_t zero[16];
	struct virtio_crypto_op_ctrl_req r;
	struct virtio_crypto_hash_data_flf_stateless *h;
	uint32_t *flf;
	uint64_t before = vc->stats.stateless_ops, hash;
	uint8_t bad_tag[32];
	struct buf b[2];
	uint8_t d;

	(void)state;
	vc->features |= STATELESS_FEATURES;

	/* CIPHER both ways, and chains in both orders */
	assert_int_equal(stateless_cbc(VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_OP_ENCRYPT,
				       VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, kat_pt, 64),
			 VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_ct, 64);
	assert_int_equal(((uint8_t *)gpa(DST_GPA))[64], GUARD);
	assert_int_equal(stateless_cbc(VIRTIO_CRYPTO_CIPHER_DECRYPT, VIRTIO_CRYPTO_OP_DECRYPT,
				       VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, kat_ct, 64),
			 VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_pt, 64);
	assert_int_equal(stateless_chain(VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_OP_ENCRYPT,
					 VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH,
					 kat_pt), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_ct, 64);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha1_jefe_ct, 20);
	/* aesni_mb refuses this chain: the op's session is made on the fallback */
	assert_int_equal(stateless_chain(VIRTIO_CRYPTO_CIPHER_DECRYPT, VIRTIO_CRYPTO_OP_DECRYPT,
					 VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER,
					 kat_ct), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), kat_pt, 64);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha1_jefe_ct, 20);

	/* HASH: SHA-256("abc") */
	h = request_header(VIRTIO_CRYPTO_HASH, 0, 0);
	h->sess_para.algo = VIRTIO_CRYPTO_HASH_SHA_256;
	h->src_data_len = 3;
	h->hash_result_len = 32;
	memcpy(gpa(SRC_GPA), "abc", 3);
	b[0] = (struct buf){ SRC_GPA, 3, 0 };
	b[1] = (struct buf){ RESULT_GPA, 32, VRING_DESC_F_WRITE };
	assert_int_equal(submit(sizeof(struct virtio_crypto_op_header) + sizeof(*h), b, 2),
			 VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), sha256_abc, 32);

	/* MAC: RFC 4231 case 2, and the empty message aesni_mb gets wrong */
	assert_int_equal(stateless_mac("what do ya want for nothing?", 4), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha256_jefe, 32);
	assert_int_equal(stateless_mac("", 4), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha256_jefe_empty, 32);
	assert_int_equal(stateless_mac("what do ya want for nothing?", 4), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), hmac_sha256_jefe, 32);

	/* AEAD: GCM test case 2 both ways, and a forged tag */
	assert_int_equal(stateless_gcm(VIRTIO_CRYPTO_AEAD_ENCRYPT, VIRTIO_CRYPTO_OP_ENCRYPT,
				       zero, 16, 32), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), gcm2_ct_tag, 32);
	assert_int_equal(stateless_gcm(VIRTIO_CRYPTO_AEAD_DECRYPT, VIRTIO_CRYPTO_OP_DECRYPT,
				       gcm2_ct_tag, 32, 16), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(DST_GPA), zero, 16);
	memcpy(bad_tag, gcm2_ct_tag, 32);
	bad_tag[31] ^= 1;
	assert_int_equal(stateless_gcm(VIRTIO_CRYPTO_AEAD_DECRYPT, VIRTIO_CRYPTO_OP_DECRYPT,
				       bad_tag, 32, 16), VIRTIO_CRYPTO_BADMSG);
	assert_true(vc->stats.stateless_ops >= before + 10);

	/* malformed inline sessions and lengths */
	assert_int_equal(stateless_cbc(VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_OP_DECRYPT,
				       VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, kat_pt, 64),
			 VIRTIO_CRYPTO_BADMSG);	/* opcode and session disagree */
	assert_int_equal(stateless_cbc(VIRTIO_CRYPTO_CIPHER_ENCRYPT, 7,
				       VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, kat_pt, 64),
			 VIRTIO_CRYPTO_BADMSG);	/* no such direction */
	assert_int_equal(stateless_cbc(VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_OP_ENCRYPT,
				       99, 16, kat_pt, 64), VIRTIO_CRYPTO_NOTSUPP);
	assert_int_equal(stateless_cbc(VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_OP_ENCRYPT,
				       VIRTIO_CRYPTO_CIPHER_AES_CBC, 15, kat_pt, 64),
			 VIRTIO_CRYPTO_BADMSG);	/* no AES key is 15 bytes */
	assert_int_equal(stateless_cbc(VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_OP_ENCRYPT,
				       VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, kat_pt, 32),
			 VIRTIO_CRYPTO_BADMSG);	/* src shorter than said */
	assert_int_equal(stateless_mac("abc", 600), VIRTIO_CRYPTO_BADMSG);
	assert_int_equal(stateless_mac("abc", 200), VIRTIO_CRYPTO_BADMSG);	/* keys missing */
	assert_int_equal(stateless_mac("abc", 4), VIRTIO_CRYPTO_OK);
	/* a fixed part cut short */
	stateless_cbc(VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_OP_ENCRYPT,
		      VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, kat_pt, 64);
	assert_int_equal(submit(STATELESS_SYM_LEN - 4, b, 0), VIRTIO_CRYPTO_BADMSG);
	/* a service whose stateless mode was not negotiated */
	vc->features &= ~F(VIRTIO_CRYPTO_F_MAC_STATELESS_MODE);
	assert_int_equal(stateless_mac("abc", 4), VIRTIO_CRYPTO_NOTSUPP);
	vc->features |= F(VIRTIO_CRYPTO_F_MAC_STATELESS_MODE);

	/*
	 * Session mode under REVISION_1: a 24-byte HASH create and destroy, a
	 * 32-byte HASH request. The flag must say SESSION_MODE.
	 */
	r = sha256_req();
	hash = control_n(&r, 24, NULL, 0, false).session_id;
	flf = request_header(VIRTIO_CRYPTO_HASH, VIRTIO_CRYPTO_FLAG_SESSION_MODE, hash);
	flf[0] = 3;	/* src_data_len */
	flf[1] = 32;	/* hash_result_len */
	b[0] = (struct buf){ SRC_GPA, 3, 0 };
	assert_int_equal(submit(32, b, 2), VIRTIO_CRYPTO_OK);
	assert_memory_equal(gpa(RESULT_GPA), sha256_abc, 32);
	assert_int_equal(submit(28, b, 2), VIRTIO_CRYPTO_BADMSG);
	memset(&r, 0, sizeof(r));
	r.header.opcode = VIRTIO_CRYPTO_HASH_DESTROY_SESSION;
	r.u.destroy_session.session_id = hash;
	assert_int_equal(control_n(&r, 24, NULL, 0, true).status, VIRTIO_CRYPTO_OK);
	assert_int_equal(control_n(&r, 20, NULL, 0, true).status, VIRTIO_CRYPTO_BADMSG);

	vc->features &= ~STATELESS_FEATURES;
	good_request_works();
	vc_datapath_drain(vc);
	for (d = 0; d < vc->sessions.nb_devs; d++)
		assert_int_equal(rte_mempool_in_use_count(vc->sessions.stateless_pool[d]), 0);
}

/* ------------------------------------------------------------------ */
/* Packed ring                                                         */
/* ------------------------------------------------------------------ */

#define PDESC_GPA	(GUEST_BASE + 0x20000)
#define PDRV_EVT_GPA	(GUEST_BASE + 0x21000)
#define PDEV_EVT_GPA	(GUEST_BASE + 0x21100)
#define PDATA_GPA	(GUEST_BASE + 0x30000)	/* 0x1000 per request */
#define F_AVAIL		(1u << VRING_PACKED_DESC_F_AVAIL)
#define F_USED		(1u << VRING_PACKED_DESC_F_USED)

static uint16_t p_avail, p_used;	/* driver's next avail / used slot */
static bool p_avail_wrap = true, p_used_wrap = true;

/* Offer one 5-descriptor AES-CBC request (buffer id `id`) from slot p_avail. */
static void
packed_offer(uint16_t id, uint32_t opcode, uint64_t session, const uint8_t *src)
{
	struct vring_packed_desc *ring = gpa(PDESC_GPA);
	uint64_t base = PDATA_GPA + (uint64_t)id * 0x1000;
	struct virtio_crypto_op_data_req *req = gpa(base);
	struct buf b[5] = {
		{ base, sizeof(*req), 0 },
		{ base + 0x100, 16, 0 },
		{ base + 0x200, 64, 0 },
		{ base + 0x400, 64, VRING_DESC_F_WRITE },
		{ base + 0x800, 1, VRING_DESC_F_WRITE },
	};
	uint16_t first = p_avail, first_flags = 0;
	unsigned int i;

	sim_cipher_req(req, opcode, session, 16, 64,
		       64);
	memcpy(gpa(base + 0x100), kat_iv, 16);
	memcpy(gpa(base + 0x200), src, 64);
	*(uint8_t *)gpa(base + 0x800) = 0xee;
	for (i = 0; i < 5; i++) {
		struct vring_packed_desc *d = &ring[p_avail];
		uint16_t flags = b[i].flags | (i < 4 ? VRING_DESC_F_NEXT : 0) |
				 (p_avail_wrap ? F_AVAIL : F_USED);

		d->addr = b[i].addr;
		d->len = b[i].len;
		d->id = id;
		/* the head's flags go last, so the chain appears at once */
		if (i == 0)
			first_flags = flags;
		else
			d->flags = flags;
		if (++p_avail == RING_SIZE) {
			p_avail = 0;
			p_avail_wrap = !p_avail_wrap;
		}
	}
	__atomic_store_n(&ring[first].flags, first_flags, __ATOMIC_RELEASE);
}

/* Take the next used descriptor if there is one; returns its id or -1. */
static int
packed_used(void)
{
	struct vring_packed_desc *d = &((struct vring_packed_desc *)gpa(PDESC_GPA))[p_used];
	uint16_t flags = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
	int id;

	if (!!(flags & F_USED) != p_used_wrap || !!(flags & F_AVAIL) != p_used_wrap)
		return -1;
	id = d->id;
	p_used += 5;	/* the device skips the slots the buffer took */
	if (p_used >= RING_SIZE) {
		p_used -= RING_SIZE;
		p_used_wrap = !p_used_wrap;
	}
	return id;
}

static void
packed_ring(void **state)
{
	struct rte_vhost_vring vring = {
		.desc_packed = gpa(PDESC_GPA),
		.driver_event = gpa(PDRV_EVT_GPA),
		.device_event = gpa(PDEV_EVT_GPA),
		.callfd = -1, .kickfd = -1, .size = RING_SIZE,
	};
	unsigned int round, i, spins;

	(void)state;
	memset(gpa(PDESC_GPA), 0, RING_SIZE * sizeof(struct vring_packed_desc));
	vc->rings[0].live = false;	/* idle: re-attach it as a packed ring */
	vc->features |= 1ULL << VIRTIO_F_RING_PACKED;
	assert_int_equal(vc_ring_attach(vc, 0, &vring, 0x8000, 0x8000), 0);
	assert_true(vc->rings[0].vr.packed);

	/* 3 x 3 requests of 5 descriptors: the ring of 16 wraps twice */
	for (round = 0; round < 3; round++) {
		bool seen[3] = { false, false, false };
		unsigned int got = 0;

		for (i = 0; i < 3; i++)
			packed_offer(i, i == 1 ? VIRTIO_CRYPTO_CIPHER_DECRYPT :
				     VIRTIO_CRYPTO_CIPHER_ENCRYPT,
				     i == 1 ? dec_session : enc_session,
				     i == 1 ? kat_ct : kat_pt);
		for (spins = 0; got < 3 && spins < 1000000; spins++) {
			int id;

			vhost_crypto_poll(vc, 32);
			while ((id = packed_used()) >= 0) {
				uint64_t base = PDATA_GPA + (uint64_t)id * 0x1000;

				assert_true(id < 3 && !seen[id]);
				seen[id] = true;
				got++;
				assert_int_equal(*(uint8_t *)gpa(base + 0x800), VIRTIO_CRYPTO_OK);
				assert_memory_equal(gpa(base + 0x400), id == 1 ? kat_pt : kat_ct, 64);
			}
		}
		assert_int_equal(got, 3);
	}
	assert_false(vc->rings[0].vr.broken);

	/* a buffer id out of range breaks the ring */
	packed_offer(RING_SIZE + 2, VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc_session, kat_pt);
	for (spins = 0; spins < 1000; spins++)
		vhost_crypto_poll(vc, 32);
	assert_true(vc->rings[0].vr.broken);
	assert_int_equal(packed_used(), -1);

	/* back to the split ring the other tests use, where it was */
	vc->rings[0].live = false;
	vc->features &= ~(1ULL << VIRTIO_F_RING_PACKED);
	vring.desc = desc;
	vring.avail = avail;
	vring.used = used;
	assert_int_equal(vc_ring_attach(vc, 0, &vring, avail_idx, used->idx), 0);
	good_request_works();
}

/* A corrupt avail ring stops the ring: nothing taken, nothing written. */
static void
broken_ring_stops(void **state)
{
	uint16_t before = used->idx;

	(void)state;
	avail->ring[avail_idx % RING_SIZE] = RING_SIZE + 1;	/* head out of range */
	__atomic_store_n(&avail->idx, ++avail_idx, __ATOMIC_RELEASE);
	assert_false(poll_used(1));
	assert_int_equal(used->idx, before);
	assert_true(vc->rings[0].vr.broken);
}

static int
setup(void **state)
{
	struct vhost_crypto_conf conf = {
		.socket_path = "test-backend-requests",
		.flags = VHOST_CRYPTO_F_NO_NOTIFY | VHOST_CRYPTO_F_FALLBACK,
		.max_sessions = 16,
		.nb_ops = 128,
	};
	(void)state;
	if (sim_guest_start(&sim, GUEST_BASE, GUEST_SIZE, &conf) != 0)
		return -1;
	guest = sim.mem;
	vc = sim.vc;
	memset(guest, GUARD, GUEST_SIZE);
	desc = gpa(DESC_GPA);
	avail = gpa(AVAIL_GPA);
	used = gpa(USED_GPA);
	memset(desc, 0, 0x3000);
	/* the control queue, handed over as in full-device mode */
	cdesc = gpa(CTRL_DESC_GPA);
	cavail = gpa(CTRL_AVAIL_GPA);
	cused = gpa(CTRL_USED_GPA);
	memset(cdesc, 0, 0x3000);
	if (sim_guest_ring(&sim, 0, DESC_GPA, AVAIL_GPA, USED_GPA, RING_SIZE) != 0 ||
	    sim_guest_ring(&sim, 1, CTRL_DESC_GPA, CTRL_AVAIL_GPA, CTRL_USED_GPA,
			   RING_SIZE) != 0)
		return -1;

	/* two sessions, as QEMU 7.2 would create them */
	if (sim_cbc_session(&sim, kat_key, VIRTIO_CRYPTO_OP_ENCRYPT, &enc_session) ||
	    sim_cbc_session(&sim, kat_key, VIRTIO_CRYPTO_OP_DECRYPT, &dec_session))
		return -1;
	return 0;
}

static void
nothing_leaked(void **state)
{
	(void)state;
	vc_datapath_drain(vc);
	assert_int_equal(rte_mempool_in_use_count(vc->op_pool), 0);
	assert_int_equal(rte_mempool_in_use_count(vc->mbuf_pool), 0);
	assert_int_equal(rte_mempool_in_use_count(vc->aad_pool), 0);
	assert_int_equal(vc->rings[0].nb_free, vc->rings[0].nb_slots);
}

int
main(int argc, char **argv)
{
	char *eal_args[] = {
		argv[0], "--no-huge", "-m", "512", "--no-pci", "-l", "0",
		"--file-prefix", "vc_unit_backend_requests", "--log-level", "lib.eal:warning",
		"--vdev", "crypto_aesni_mb0", "--vdev", "crypto_openssl0",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_answer),
		cmocka_unit_test(indirect_and_split_buffers),
		cmocka_unit_test(zero_copy),
		cmocka_unit_test(burst_waits_for_mbufs),
		cmocka_unit_test(enqueue_refusals),
		cmocka_unit_test(long_chains),
		cmocka_unit_test(malformed_requests),
		cmocka_unit_test(malformed_chains),
		cmocka_unit_test(control_queue_services),
		cmocka_unit_test(zero_copy_services),
		cmocka_unit_test(large_aad_copy),
		cmocka_unit_test(large_aad_zero_copy),
		cmocka_unit_test(large_aad_ccm_on_fallback),
		cmocka_unit_test(hmac_of_empty_message),
		cmocka_unit_test(cipher_hash_chains),
		cmocka_unit_test(revision_1_and_stateless),
		cmocka_unit_test(akcipher_services),
		cmocka_unit_test(packed_ring),
		cmocka_unit_test(nothing_leaked),
		cmocka_unit_test(broken_ring_stops),
	};
	int rc;

	(void)argc;
	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0) {
		printf("EAL init failed\n0 passed, %zu failed\n", RTE_DIM(tests));
		return 1;
	}
	rc = RUN_TEST_GROUP(tests, setup, NULL);
	rte_eal_cleanup();
	return rc;
}
