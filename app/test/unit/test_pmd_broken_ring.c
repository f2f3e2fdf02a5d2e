/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The guest PMD's rings against a device that writes garbage into the used
 * ring, as Linux's virtio_ring treats one: the first used id out of range
 * or not in flight, or (split) a used index that runs ahead of what is in
 * flight, marks the device broken with one log line; every op in flight
 * comes back ERROR exactly once, nothing reaches the ring afterwards, and
 * a good device completing out of order is never taken for a bad one.
 *
 * No real device: a queue pair is built on a ring in ordinary memory, and
 * a simulated device in this file reads the available ring and writes the
 * used ring as a device would (addresses are virtual, as with virtio-user).
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_crypto.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "test_report.h"
#include "virtio_crypto_algs.h"
#include "virtio_crypto_hw.h"
#include "virtio_crypto_qp.h"

#define RING_SIZE	64
#define CTRLQ_SIZE	16
#define DATA_LEN	64
#define IV_OFFSET	(sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define MAX_OPS		16

#define PACKED_F_AVAIL	(1u << VRING_PACKED_DESC_F_AVAIL)
#define PACKED_F_USED	(1u << VRING_PACKED_DESC_F_USED)

/* ------------------------------------------------------------------ */
/* The simulated device                                                */
/* ------------------------------------------------------------------ */

/* A request the device took from the available ring. */
struct sim_req {
	uint16_t id;		/**< split: head descriptor; packed: buffer id */
	uint16_t ndescs;
	uint8_t *status;	/**< last byte of the last descriptor */
};

struct sim_dev {
	struct virtio_crypto_vq *vq;
	uint16_t next_avail;	/**< split: avail ring index; packed: descriptor */
	bool avail_wrap;	/**< packed */
	uint16_t next_used;	/**< split: used idx; packed: descriptor */
	bool used_wrap;		/**< packed */
	struct sim_req reqs[RING_SIZE];
	unsigned int nb_reqs;
};

static void
sim_init(struct sim_dev *sim, struct virtio_crypto_vq *vq)
{
	memset(sim, 0, sizeof(*sim));
	sim->vq = vq;
	sim->avail_wrap = true;
	sim->used_wrap = true;
}

/* Take every request made available since the last call, in ring order. */
static unsigned int
sim_fetch(struct sim_dev *sim)
{
	struct virtio_crypto_vq *vq = sim->vq;
	uint16_t mask = vq->size - 1;
	unsigned int taken = 0;

	if (!vq->packed_ring) {
		uint16_t avail = __atomic_load_n(&vq->split.avail->idx, __ATOMIC_ACQUIRE);

		while (sim->next_avail != avail) {
			struct vring_desc *desc = vq->split.desc;
			uint16_t head = vq->split.avail->ring[sim->next_avail++ & mask];
			uint16_t i = head, n = 1;

			while (desc[i].flags & VRING_DESC_F_NEXT) {
				i = desc[i].next;
				n++;
			}
			assert_true(desc[i].flags & VRING_DESC_F_WRITE);
			sim->reqs[sim->nb_reqs++] = (struct sim_req){ head, n,
				(uint8_t *)(uintptr_t)desc[i].addr + desc[i].len - 1 };
			taken++;
		}
		return taken;
	}
	for (;;) {
		struct vring_packed_desc *desc = vq->packed.desc;
		uint16_t flags = __atomic_load_n(&desc[sim->next_avail].flags, __ATOMIC_ACQUIRE);
		uint16_t p = sim->next_avail, n = 1;

		if (!!(flags & PACKED_F_AVAIL) != sim->avail_wrap ||
		    !!(flags & PACKED_F_USED) == sim->avail_wrap)
			break;
		while (desc[p].flags & VRING_DESC_F_NEXT) {
			p = (p + 1) & mask;
			n++;
		}
		sim->reqs[sim->nb_reqs++] = (struct sim_req){ desc[p].id, n,
			(uint8_t *)(uintptr_t)desc[p].addr + desc[p].len - 1 };
		if (sim->next_avail + n >= vq->size)
			sim->avail_wrap = !sim->avail_wrap;
		sim->next_avail = (sim->next_avail + n) & mask;
		taken++;
	}
	return taken;
}

/* Write one used element or descriptor, with any id, length and chain length. */
static void
sim_put_used(struct sim_dev *sim, uint32_t id, uint32_t len, uint16_t ndescs)
{
	struct virtio_crypto_vq *vq = sim->vq;

	if (!vq->packed_ring) {
		struct vring_used_elem *e = &vq->split.used->ring[sim->next_used & (vq->size - 1)];

		e->id = id;
		e->len = len;
		__atomic_store_n(&vq->split.used->idx, ++sim->next_used, __ATOMIC_RELEASE);
		return;
	}
	{
		struct vring_packed_desc *d = &vq->packed.desc[sim->next_used];

		d->id = (uint16_t)id;
		d->len = len;
		__atomic_store_n(&d->flags, sim->used_wrap ? PACKED_F_AVAIL | PACKED_F_USED : 0,
				 __ATOMIC_RELEASE);
		if (sim->next_used + ndescs >= vq->size)
			sim->used_wrap = !sim->used_wrap;
		sim->next_used = (sim->next_used + ndescs) & (vq->size - 1);
	}
}

/* Complete the k-th request fetched and not completed yet, with status OK. */
static struct sim_req
sim_complete(struct sim_dev *sim, unsigned int k)
{
	struct sim_req r;

	assert_true(k < sim->nb_reqs);
	r = sim->reqs[k];
	memmove(&sim->reqs[k], &sim->reqs[k + 1], (sim->nb_reqs - k - 1) * sizeof(r));
	sim->nb_reqs--;
	*r.status = VIRTIO_CRYPTO_OK;
	sim_put_used(sim, r.id, DATA_LEN + 1, r.ndescs);
	return r;
}

/* ------------------------------------------------------------------ */
/* A queue pair without a device                                       */
/* ------------------------------------------------------------------ */

static struct rte_mempool *op_pool, *mbuf_pool;

/* Log lines the PMD wrote, through rte_openlog_stream(). */
static char *log_buf;
static size_t log_len;
static FILE *log_stream;

struct rig {
	struct virtio_crypto_hw hw;
	struct virtio_crypto_vq vq;
	struct vc_vq_slot slots[RING_SIZE];
	void *ring;
	struct virtio_crypto_qp qp;
	struct sim_dev sim;
	struct rte_crypto_sym_xform xform;
	uint8_t key[16];
	unsigned int kicks;
};

static void
fake_notify(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq)
{
	struct rig *rig = container_of(hw, struct rig, hw);

	RTE_SET_USED(vq);
	rig->kicks++;
}

static const struct virtio_crypto_transport_ops fake_ops = {
	.name = "fake",
	.notify_queue = fake_notify,
};

static void
area_init(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct vc_request_area *area = obj;

	RTE_SET_USED(mp);
	RTE_SET_USED(arg);
	RTE_SET_USED(idx);
	memset(area, 0, sizeof(*area));
	area->addr = (uint64_t)(uintptr_t)obj;	/* virtio-user: by virtual address */
}

static void
log_capture_start(void)
{
	log_stream = open_memstream(&log_buf, &log_len);
	assert_non_null(log_stream);
	assert_int_equal(rte_openlog_stream(log_stream), 0);
}

/* The lines logged since log_capture_start(); the text stays in log_buf. */
static unsigned int
log_capture_lines(void)
{
	unsigned int lines = 0;
	size_t i;

	fflush(log_stream);
	for (i = 0; i < log_len; i++)
		lines += log_buf[i] == '\n';
	return lines;
}

static void
log_capture_stop(void)
{
	rte_openlog_stream(NULL);
	fclose(log_stream);
	free(log_buf);
	log_buf = NULL;
	log_len = 0;
}

static struct rig *
rig_create(bool packed)
{
	static unsigned int n;
	struct rig *rig = calloc(1, sizeof(*rig));
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t nb;

	assert_non_null(rig);
	rig->hw.ops = &fake_ops;
	rig->hw.use_va = true;
	rig->hw.burst_fence = true;
	rig->hw.link = VC_LINK_UP;
	strcpy(rig->hw.name, "fake_broken0");
	rig->hw.features = (1ULL << VIRTIO_CRYPTO_F_REVISION_1) |
			   (1ULL << VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE);
	rig->hw.config.max_cipher_key_len = rte_cpu_to_le_32(32);
	virtio_crypto_config_add_alg(&rig->hw.offered, virtio_crypto_alg_find(
		VIRTIO_CRYPTO_SERVICE_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC));

	rig->ring = aligned_alloc(4096, vc_vq_ring_bytes(RING_SIZE, packed));
	assert_non_null(rig->ring);
	/* direct descriptors: a request's chain has non-head descriptors to misname */
	assert_int_equal(vc_vq_init(&rig->vq, 0, RING_SIZE, packed, false, false, rig->ring,
				    (uint64_t)(uintptr_t)rig->ring, rig->slots), 0);

	/* as qp_setup() sizes them */
	rig->qp.hw = &rig->hw;
	rig->qp.vq = &rig->vq;
	nb = rte_align32pow2(RING_SIZE + 1);
	snprintf(name, sizeof(name), "broken_areas%u", n);
	rig->qp.areas = rte_mempool_create(name, nb - 1, sizeof(struct vc_request_area), 0, 0,
					   NULL, NULL, area_init, NULL, SOCKET_ID_ANY, 0);
	assert_non_null(rig->qp.areas);
	rig->qp.nb_areas = nb - 1;
	snprintf(name, sizeof(name), "broken_done%u", n++);
	rig->qp.done = rte_ring_create(name, rte_align32pow2(2 * nb + VC_MAX_BURST),
				       SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(rig->qp.done);

	memset(rig->key, 0x5a, sizeof(rig->key));
	rig->xform.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	rig->xform.cipher.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT;
	rig->xform.cipher.algo = RTE_CRYPTO_CIPHER_AES_CBC;
	rig->xform.cipher.key.data = rig->key;
	rig->xform.cipher.key.length = sizeof(rig->key);
	rig->xform.cipher.iv.offset = IV_OFFSET;
	rig->xform.cipher.iv.length = 16;
	sim_init(&rig->sim, &rig->vq);
	return rig;
}

static void
rig_free(struct rig *rig)
{
	rte_mempool_free(rig->qp.areas);
	rte_ring_free(rig->qp.done);
	free(rig->ring);
	free(rig);
}

/* A sessionless AES-CBC op on DATA_LEN bytes of a pattern tagged with seq. */
static struct rte_crypto_op *
make_op(struct rig *rig, uint8_t seq)
{
	struct rte_crypto_op *op = rte_crypto_op_alloc(op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC);
	struct rte_mbuf *m = rte_pktmbuf_alloc(mbuf_pool);
	uint8_t *data;

	assert_non_null(op);
	assert_non_null(m);
	data = (uint8_t *)rte_pktmbuf_append(m, DATA_LEN);
	assert_non_null(data);
	memset(data, seq, DATA_LEN);
	memset(rte_crypto_op_ctod_offset(op, uint8_t *, IV_OFFSET), 0x11, 16);
	op->sess_type = RTE_CRYPTO_OP_SESSIONLESS;
	op->sym->xform = &rig->xform;
	op->sym->m_src = m;
	op->sym->cipher.data.offset = 0;
	op->sym->cipher.data.length = DATA_LEN;
	return op;
}

/* The op's mbuf holds what make_op() put there: the PMD did not touch it. */
static void
assert_untouched(const struct rte_crypto_op *op, uint8_t seq)
{
	const struct rte_mbuf *m = op->sym->m_src;
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned int i;

	assert_int_equal(rte_pktmbuf_pkt_len(m), DATA_LEN);
	for (i = 0; i < DATA_LEN; i++)
		assert_int_equal(data[i], seq);
}

static void
free_op(struct rte_crypto_op *op)
{
	rte_pktmbuf_free(op->sym->m_src);
	rte_crypto_op_free(op);
}

static void
enqueue_all(struct rig *rig, struct rte_crypto_op **ops, unsigned int n)
{
	assert_int_equal(vc_enqueue_burst(&rig->qp, ops, n), n);
	assert_int_equal(sim_fetch(&rig->sim), n);
}

/*
 * Dequeue until the queue pair gives nothing for four calls in a row, or
 * more than `want` came back (one twice): every op here comes back without
 * waiting on anything, so the calls are the only events to wait for.
 */
static unsigned int
dequeue_all(struct rig *rig, struct rte_crypto_op **ops, unsigned int want)
{
	unsigned int got = 0, idle = 0;

	while (got < want + 1 && idle < 4) {
		uint16_t n = vc_dequeue_burst(&rig->qp, ops + got, MAX_OPS - got);

		got += n;
		idle = n == 0 ? idle + 1 : 0;
		if (got == MAX_OPS)
			break;
	}
	return got;
}

/* Which of `ops` came back, each once. */
static void
assert_each_once(struct rte_crypto_op **want, unsigned int nb_want,
		 struct rte_crypto_op **got, unsigned int nb_got, enum rte_crypto_op_status st)
{
	unsigned int i, j, seen;

	assert_int_equal(nb_got, nb_want);
	for (i = 0; i < nb_want; i++) {
		seen = 0;
		for (j = 0; j < nb_got; j++)
			seen += got[j] == want[i];
		assert_int_equal(seen, 1);
		assert_int_equal(want[i]->status, st);
	}
}

/* ------------------------------------------------------------------ */
/* Faults                                                              */
/* ------------------------------------------------------------------ */

enum fault {
	OUT_OF_RANGE,		/* an id past the ring */
	NEVER_GIVEN,		/* an id in range that no request in flight has */
	ALREADY_COMPLETED,	/* the id of a request completed and dequeued before */
	IDX_AHEAD,		/* split: the used index past every request in flight */
};

static void
used_ring_fault(bool packed, enum fault fault, const char *what)
{
	struct rte_crypto_op *good[3], *inflight[4], *later, *completed = NULL, *got[MAX_OPS];
	struct rig *rig = rig_create(packed);
	uint8_t seq[4] = { 10, 11, 12, 13 };
	struct sim_req done;
	unsigned int i, n;
	uint16_t avail_before;
	uint32_t bad = 0;

	log_capture_start();

	/* A good ring first: three ops, completed out of order, come back right. */
	for (i = 0; i < 3; i++)
		good[i] = make_op(rig, i);
	enqueue_all(rig, good, 3);
	sim_complete(&rig->sim, 2);
	sim_complete(&rig->sim, 0);
	sim_complete(&rig->sim, 0);
	n = dequeue_all(rig, got, 3);
	assert_each_once(good, 3, got, n, RTE_CRYPTO_OP_STATUS_SUCCESS);
	for (i = 0; i < 3; i++)
		assert_untouched(good[i], i);
	assert_false(rig->hw.broken);

	/* Four in flight; for ALREADY_COMPLETED one more completed and dequeued. */
	for (i = 0; i < 4; i++)
		inflight[i] = make_op(rig, seq[i]);
	enqueue_all(rig, inflight, 4);
	if (fault == ALREADY_COMPLETED) {
		done = sim_complete(&rig->sim, 1);
		assert_int_equal(vc_dequeue_burst(&rig->qp, got, MAX_OPS), 1);
		completed = inflight[1];
		assert_ptr_equal(got[0], completed);
		assert_int_equal(completed->status, RTE_CRYPTO_OP_STATUS_SUCCESS);
		assert_untouched(completed, seq[1]);
		inflight[1] = inflight[3];
		seq[1] = seq[3];
	}
	n = fault == ALREADY_COMPLETED ? 3 : 4;

	switch (fault) {
	case OUT_OF_RANGE:
		/*
		 * Split ids are 32 bits: one that is an in-flight head modulo
		 * 2^16 must not pass as that head.
		 */
		bad = packed ? RING_SIZE + 7 : 0x10000u + rig->sim.reqs[0].id;
		sim_put_used(&rig->sim, bad, DATA_LEN + 1, 1);
		break;
	case NEVER_GIVEN:
		/* the highest id holding no request: free, or inside a chain */
		for (bad = RING_SIZE - 1; rig->slots[bad].cookie != NULL; bad--)
			;
		sim_put_used(&rig->sim, bad, DATA_LEN + 1, 1);
		break;
	case ALREADY_COMPLETED:
		bad = done.id;
		sim_put_used(&rig->sim, bad, DATA_LEN + 1, done.ndescs);
		break;
	case IDX_AHEAD:
		/* the device says five used with four in flight */
		bad = (uint16_t)(rig->sim.next_used + 5);
		__atomic_store_n(&rig->vq.split.used->idx, (uint16_t)bad, __ATOMIC_RELEASE);
		break;
	}

	/* Every op in flight comes back ERROR, once, its mbuf as it was. */
	memset(got, 0, sizeof(got));
	i = dequeue_all(rig, got, n);
	assert_true(rig->hw.broken);
	assert_true(vc_vq_broken(&rig->vq));
	assert_each_once(inflight, n, got, i, RTE_CRYPTO_OP_STATUS_ERROR);
	for (i = 0; i < n; i++)
		assert_untouched(inflight[i], seq[i]);
	/* ... and the queue pair holds nothing: its areas are all back */
	assert_int_equal(rig->vq.nb_free, RING_SIZE);
	assert_int_equal(rte_mempool_avail_count(rig->qp.areas), rig->qp.nb_areas);

	/* Nothing reaches the ring any more: a new op fails without it. */
	avail_before = packed ? rig->vq.next_avail : rig->vq.split.avail->idx;
	later = make_op(rig, 20);
	vc_enqueue_burst(&rig->qp, &later, 1);
	assert_int_equal(sim_fetch(&rig->sim), 0);
	assert_int_equal(packed ? rig->vq.next_avail : rig->vq.split.avail->idx, avail_before);
	assert_int_equal(vc_dequeue_burst(&rig->qp, got, MAX_OPS), 1);
	assert_ptr_equal(got[0], later);
	assert_int_equal(later->status, RTE_CRYPTO_OP_STATUS_ERROR);
	assert_untouched(later, 20);

	/* One log line, naming the queue, the ring and the bad value. */
	{
		char value[48];

		assert_int_equal(log_capture_lines(), 1);
		print_message("logged: %.*s", (int)log_len, log_buf);
		assert_non_null(strstr(log_buf, "fake_broken0: device unusable"));
		assert_non_null(strstr(log_buf, packed ? "queue 0, packed ring" :
							 "queue 0, split ring"));
		snprintf(value, sizeof(value), fault == IDX_AHEAD ? "used idx %u" : "used id %u",
			 bad);
		assert_non_null(strstr(log_buf, value));
		assert_non_null(strstr(log_buf, what));
	}
	log_capture_stop();

	for (i = 0; i < 3; i++)
		free_op(good[i]);
	for (i = 0; i < n; i++)
		free_op(inflight[i]);
	if (completed != NULL)
		free_op(completed);
	free_op(later);
	rig_free(rig);
}

static void
split_id_out_of_range(void **state)
{
	RTE_SET_USED(state);
	used_ring_fault(false, OUT_OF_RANGE, "out of range");
}

static void
split_id_never_given(void **state)
{
	RTE_SET_USED(state);
	used_ring_fault(false, NEVER_GIVEN, "not a request in flight");
}

static void
split_id_already_completed(void **state)
{
	RTE_SET_USED(state);
	used_ring_fault(false, ALREADY_COMPLETED, "not a request in flight");
}

static void
split_idx_ahead(void **state)
{
	RTE_SET_USED(state);
	used_ring_fault(false, IDX_AHEAD, "more than the 4 requests in flight");
}

static void
packed_id_out_of_range(void **state)
{
	RTE_SET_USED(state);
	used_ring_fault(true, OUT_OF_RANGE, "out of range");
}

static void
packed_id_never_given(void **state)
{
	RTE_SET_USED(state);
	used_ring_fault(true, NEVER_GIVEN, "not a request in flight");
}

static void
packed_id_already_completed(void **state)
{
	RTE_SET_USED(state);
	used_ring_fault(true, ALREADY_COMPLETED, "not a request in flight");
}

/*
 * One queue pair's bad ring breaks the whole device: another queue pair of
 * it, whose ring looks fine, gives back what it holds with ERROR too (even
 * a request the device says it completed: nothing it says is trusted now),
 * and the line logged is still one.
 */
static void
other_queue_pairs_fail_too(void **state)
{
	struct rig *a = rig_create(false), *b = rig_create(true);
	struct rte_crypto_op *ops_a[2], *ops_b[2], *got[MAX_OPS];
	unsigned int i, n;

	RTE_SET_USED(state);
	b->qp.hw = &a->hw;	/* two queue pairs of one device */
	b->qp.qp_id = 1;
	for (i = 0; i < 2; i++) {
		ops_a[i] = make_op(a, 30 + i);
		ops_b[i] = make_op(b, 40 + i);
	}
	enqueue_all(a, ops_a, 2);
	enqueue_all(b, ops_b, 2);
	log_capture_start();
	sim_put_used(&a->sim, RING_SIZE, DATA_LEN + 1, 1);
	sim_complete(&b->sim, 0);

	n = dequeue_all(a, got, 2);
	assert_true(a->hw.broken);
	assert_each_once(ops_a, 2, got, n, RTE_CRYPTO_OP_STATUS_ERROR);
	n = dequeue_all(b, got, 2);
	assert_false(vc_vq_broken(&b->vq));
	assert_each_once(ops_b, 2, got, n, RTE_CRYPTO_OP_STATUS_ERROR);
	assert_int_equal(b->vq.nb_free, RING_SIZE);
	assert_int_equal(rte_mempool_avail_count(b->qp.areas), b->qp.nb_areas);
	for (i = 0; i < 2; i++) {
		assert_untouched(ops_a[i], 30 + i);
		assert_untouched(ops_b[i], 40 + i);
		free_op(ops_a[i]);
		free_op(ops_b[i]);
	}
	assert_int_equal(log_capture_lines(), 1);
	assert_non_null(strstr(log_buf, "queue 0, split ring: used id 64 out of range"));
	log_capture_stop();
	rig_free(b);
	rig_free(a);
}

/*
 * A good device completing out of order, many laps round the ring (wrap
 * counters flip), is never taken for a bad one: every op SUCCESS, no log.
 */
static void
good_ring_out_of_order(bool packed)
{
	static const unsigned int order[4] = { 3, 1, 0, 0 };
	struct rte_crypto_op *ops[4], *got[MAX_OPS];
	struct rig *rig = rig_create(packed);
	unsigned int lap, i, n;

	log_capture_start();
	for (lap = 0; lap < 40; lap++) {
		for (i = 0; i < 4; i++)
			ops[i] = make_op(rig, lap + i);
		enqueue_all(rig, ops, 4);
		/* the last request first, then the second, first, third */
		for (i = 0; i < 4; i++)
			sim_complete(&rig->sim, order[i]);
		n = dequeue_all(rig, got, 4);
		assert_each_once(ops, 4, got, n, RTE_CRYPTO_OP_STATUS_SUCCESS);
		assert_ptr_equal(got[0], ops[3]);
		for (i = 0; i < 4; i++) {
			assert_untouched(ops[i], lap + i);
			free_op(ops[i]);
		}
	}
	assert_false(rig->hw.broken);
	assert_false(vc_vq_broken(&rig->vq));
	assert_int_equal(rig->vq.nb_free, RING_SIZE);
	assert_int_equal(log_capture_lines(), 0);
	log_capture_stop();
	rig_free(rig);
}

static void
packed_good_out_of_order(void **state)
{
	RTE_SET_USED(state);
	good_ring_out_of_order(true);
}

static void
split_good_out_of_order(void **state)
{
	RTE_SET_USED(state);
	good_ring_out_of_order(false);
}

/*
 * A used length is the device's word only up to the bytes the request
 * made writable: a larger one is cut to them, and does not break the ring
 * (deployed devices get it wrong; Linux stopped checking it for that).
 */
static void
used_len_cut_to_writable(void **state)
{
	unsigned int packed;

	RTE_SET_USED(state);
	for (packed = 0; packed < 2; packed++) {
		static uint8_t buf[256];
		const struct vc_vq_buf bufs[3] = {
			{ (uintptr_t)buf, 72 }, { (uintptr_t)buf + 100, 32 },
			{ (uintptr_t)buf + 200, 1 },
		};
		struct rig *rig = rig_create(packed);
		int cookie;
		uint32_t len = 0;

		assert_int_equal(vc_vq_add(&rig->vq, bufs, 1, 2, &cookie, NULL, 0), 0);
		vc_vq_publish(&rig->vq);
		assert_int_equal(sim_fetch(&rig->sim), 1);
		sim_put_used(&rig->sim, rig->sim.reqs[0].id, UINT32_MAX, rig->sim.reqs[0].ndescs);
		assert_ptr_equal(vc_vq_get_used(&rig->vq, &len), &cookie);
		assert_int_equal(len, 33);
		assert_false(vc_vq_broken(&rig->vq));
		rig_free(rig);
	}
}

/*
 * A session request on a control queue whose device writes a bad used id
 * fails at once with -EIO instead of waiting out the timeout, breaks the
 * device with one log line, and the next request fails at once too.
 */
static void
ctrlq_bad_used_id_fails_fast(void **state)
{
	struct rig *rig = rig_create(false);
	struct virtio_crypto_vq ctrlq;
	struct vc_vq_slot slots[CTRLQ_SIZE];
	struct vc_session_request req;
	void *ring = aligned_alloc(4096, vc_vq_ring_bytes(CTRLQ_SIZE, false));
	void *ctrl_buf = aligned_alloc(4096, VIRTIO_CRYPTO_CTRL_BUF_SIZE);
	uint64_t id = 0;

	RTE_SET_USED(state);
	assert_non_null(ring);
	assert_non_null(ctrl_buf);
	assert_int_equal(vc_vq_init(&ctrlq, 1, CTRLQ_SIZE, false, true, false, ring,
				    (uint64_t)(uintptr_t)ring, slots), 0);
	rig->hw.ctrlq = &ctrlq;
	rig->hw.ctrl_buf = ctrl_buf;
	rig->hw.ctrl_buf_addr = (uint64_t)(uintptr_t)ctrl_buf;
	/* a regression waits this out, well inside the test's own timeout */
	rig->hw.ctrl_timeout_ms = 20000;
	pthread_mutex_init(&rig->hw.ctrl_lock, NULL);
	memset(&req, 0, sizeof(req));
	req.req.header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_CIPHER_CREATE_SESSION);

	/* The device's answer is there before the request: used id 40 of 16. */
	ctrlq.split.used->ring[0].id = 40;
	ctrlq.split.used->ring[0].len = 16;
	__atomic_store_n(&ctrlq.split.used->idx, 1, __ATOMIC_RELEASE);

	log_capture_start();
	assert_int_equal(vc_ctrlq_create_session(&rig->hw, &req, &id), -EIO);
	assert_true(rig->hw.broken);
	assert_int_equal(vc_ctrlq_create_session(&rig->hw, &req, &id), -EIO);
	assert_int_equal(vc_ctrlq_destroy_session(&rig->hw, VIRTIO_CRYPTO_SERVICE_CIPHER, 1),
			 -EIO);
	assert_int_equal(log_capture_lines(), 1);
	assert_non_null(strstr(log_buf, "queue 1, split ring: used id 40 out of range"));
	log_capture_stop();

	pthread_mutex_destroy(&rig->hw.ctrl_lock);
	free(ctrl_buf);
	free(ring);
	rig_free(rig);
}

int
main(int argc, char **argv)
{
	char *eal_args[] = {
		argv[0], "--no-huge", "-m", "256", "--no-pci", "-l", "0",
		"--file-prefix", "vc_unit_pmd_broken_ring", "--log-level", "lib.eal:warning",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_id_out_of_range),
		cmocka_unit_test(split_id_never_given),
		cmocka_unit_test(split_id_already_completed),
		cmocka_unit_test(split_idx_ahead),
		cmocka_unit_test(packed_id_out_of_range),
		cmocka_unit_test(packed_id_never_given),
		cmocka_unit_test(packed_id_already_completed),
		cmocka_unit_test(other_queue_pairs_fail_too),
		cmocka_unit_test(split_good_out_of_order),
		cmocka_unit_test(packed_good_out_of_order),
		cmocka_unit_test(used_len_cut_to_writable),
		cmocka_unit_test(ctrlq_bad_used_id_fails_fast),
	};
	int rc;

	RTE_SET_USED(argc);
	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0) {
		printf("EAL init failed\n0 passed, %zu failed\n", RTE_DIM(tests));
		return 1;
	}
	op_pool = rte_crypto_op_pool_create("broken_ops", RTE_CRYPTO_OP_TYPE_SYMMETRIC, 255, 0,
					    32, SOCKET_ID_ANY);
	mbuf_pool = rte_pktmbuf_pool_create("broken_mbufs", 255, 0, 0, 2048, SOCKET_ID_ANY);
	if (op_pool == NULL || mbuf_pool == NULL) {
		printf("pools: %s\n0 passed, %zu failed\n", rte_strerror(rte_errno),
		       RTE_DIM(tests));
		return 1;
	}
	rc = RUN_TEST_GROUP(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
