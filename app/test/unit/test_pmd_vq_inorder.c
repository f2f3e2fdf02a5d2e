/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The PMD's ring with VIRTIO_F_IN_ORDER (virtio_crypto_vq.c): a device
 * shows a run of requests as one used element (split) or descriptor
 * (packed) naming the run's last; every request comes back once, in the
 * order added, the run's last with the device's length and the others
 * with all their writable bytes; descriptors go out in ring order and all
 * come back. A run the device names wrongly breaks the ring.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_report.h"
#include "virtio_crypto_vq.h"

#define SIZE		16
#define MAX_REQS	4096

static struct virtio_crypto_vq vq;
static struct vc_vq_slot slots[SIZE];
static void *ring;
static uint8_t tables[SIZE][128];

/* What the test added, in order: its cookie is its number. */
static unsigned int nb_added, nb_taken;
static uint16_t head_of[MAX_REQS];	/* split: head; packed: buffer id */
static uint16_t ndescs_of[MAX_REQS];
static uint16_t nbufs_of[MAX_REQS];
/* The device's cursors. */
static uint16_t dev_used;		/* split: used idx; packed: slot */
static bool dev_wrap;

static void
setup_vq(bool packed, bool indirect)
{
	memset(&vq, 0, sizeof(vq));
	assert_int_equal(vc_vq_init(&vq, 0, SIZE, packed, indirect, false, ring,
				    (uint64_t)(uintptr_t)ring, slots), 0);
	vc_vq_set_in_order(&vq, true);
	nb_added = nb_taken = 0;
	dev_used = 0;
	dev_wrap = true;
}

/* One request of n descriptors (one readable, the rest writable, 8 B each). */
static void
add(uint16_t n)
{
	struct vc_vq_buf bufs[4];
	uint16_t i, head;

	for (i = 0; i < n; i++)
		bufs[i] = (struct vc_vq_buf){ 0x1000 + 64 * i, 8 };
	head = vq.packed_ring ? vq.next_avail : vq.free_head;
	assert_int_equal(vc_vq_add(&vq, bufs, 1, n - 1, (void *)(uintptr_t)(nb_added + 1),
				   tables[nb_added % SIZE], 0x9000), 0);
	if (vq.packed_ring) {
		head_of[nb_added] = vq.packed.desc[head].id;
	} else {
		head_of[nb_added] = head;
		/* In ring order: the head follows the last request's descriptors. */
		if (nb_added > 0)
			assert_int_equal(head, (head_of[nb_added - 1] +
						vc_vq_descs_needed(&vq, ndescs_of[nb_added - 1])) %
					 SIZE);
	}
	ndescs_of[nb_added] = vc_vq_descs_needed(&vq, n);
	nbufs_of[nb_added] = n;
	nb_added++;
}

/* The device shows requests [from, to) as one run, its last wrote len. */
static void
device_run(unsigned int from, unsigned int to, uint32_t len, uint16_t id)
{
	if (!vq.packed_ring) {
		struct vring_used_elem *e = &vq.split.used->ring[dev_used % SIZE];

		e->id = id;
		e->len = len;
		dev_used += to - from;
		__atomic_store_n(&vq.split.used->idx, dev_used, __ATOMIC_RELEASE);
		return;
	}
	{
		struct vring_packed_desc *d = &vq.packed.desc[dev_used];
		uint16_t flags = dev_wrap ? (1u << VRING_PACKED_DESC_F_AVAIL) |
					    (1u << VRING_PACKED_DESC_F_USED) : 0;
		unsigned int k;

		d->id = id;
		d->len = len;
		__atomic_store_n(&d->flags, flags | VRING_DESC_F_WRITE, __ATOMIC_RELEASE);
		for (k = from; k < to; k++) {
			dev_used += ndescs_of[k];
			if (dev_used >= SIZE) {
				dev_used -= SIZE;
				dev_wrap = !dev_wrap;
			}
		}
	}
}

/* Take what is used: requests [nb_taken, to) in order, then nothing. */
static void
take_until(unsigned int to, uint32_t last_len)
{
	uint32_t len;
	void *c;

	for (; nb_taken < to; nb_taken++) {
		c = vc_vq_get_used(&vq, &len);
		assert_ptr_equal(c, (void *)(uintptr_t)(nb_taken + 1));
		/* The run's last has the device's length; the others all they had. */
		assert_int_equal(len, nb_taken + 1 == to ? last_len :
				 8u * (nbufs_of[nb_taken] - 1));
	}
	assert_null(vc_vq_get_used(&vq, &len));
	assert_false(vc_vq_broken(&vq));
}

/* Runs of all sizes, many laps of the ring; every descriptor comes back. */
static void
laps(bool packed, bool indirect)
{
	unsigned int lap;
	uint32_t seed = 7;

	setup_vq(packed, indirect);
	for (lap = 0; nb_added + SIZE < MAX_REQS; lap++) {
		unsigned int start = nb_added, end, from;

		/* Fill what room there is with requests of 2 or 3 buffers. */
		for (;;) {
			uint16_t n = 2 + (seed >> 16) % 2;

			seed = seed * 1103515245u + 12345u;
			if (vq.nb_free < vc_vq_descs_needed(&vq, n))
				break;
			add(n);
		}
		end = nb_added;
		vc_vq_publish(&vq);
		/* The device uses them in runs of random length. */
		for (from = start; from < end; ) {
			unsigned int to = from + 1 + (seed >> 16) % (end - from);

			seed = seed * 1103515245u + 12345u;
			device_run(from, to, 3, head_of[to - 1]);
			take_until(to, 3);
			from = to;
		}
		assert_int_equal(vq.nb_free, SIZE);
	}
	assert_true(lap > 100);
}

static void
split_laps(void **state)
{
	(void)state;
	laps(false, false);
	laps(false, true);
}

static void
packed_laps(void **state)
{
	(void)state;
	laps(true, false);
	laps(true, true);
}

/* The run's last given its own length: the others get all they had. */
static void
lengths(void **state)
{
	uint32_t len;
	int packed;

	(void)state;
	for (packed = 0; packed < 2; packed++) {
		setup_vq(packed, false);
		add(3);
		add(2);
		add(3);
		vc_vq_publish(&vq);
		device_run(0, 3, 5, head_of[2]);
		assert_non_null(vc_vq_get_used(&vq, &len));
		assert_int_equal(len, 16);	/* two writable 8-byte buffers */
		assert_non_null(vc_vq_get_used(&vq, &len));
		assert_int_equal(len, 8);
		assert_non_null(vc_vq_get_used(&vq, &len));
		assert_int_equal(len, 5);
		assert_null(vc_vq_get_used(&vq, &len));
	}
}

/* A run naming a request not in flight, or past the used index, breaks. */
static void
bad_runs(void **state)
{
	uint32_t len;
	int packed;

	(void)state;
	for (packed = 0; packed < 2; packed++) {
		setup_vq(packed, true);
		add(2);
		add(2);
		vc_vq_publish(&vq);
		device_run(0, 1, 1, 9);		/* never added */
		assert_null(vc_vq_get_used(&vq, &len));
		assert_true(vc_vq_broken(&vq));
		assert_non_null(strstr(vq.broken_why, "not a request in flight"));
	}
	/* Split: the element names the second, the index covers one. */
	setup_vq(false, true);
	add(2);
	add(2);
	vc_vq_publish(&vq);
	device_run(0, 1, 1, head_of[1]);
	assert_non_null(vc_vq_get_used(&vq, &len));	/* the index covers it */
	assert_true(vc_vq_broken(&vq));
	assert_non_null(strstr(vq.broken_why, "past used idx"));
}

static int
setup(void **state)
{
	(void)state;
	ring = aligned_alloc(4096, RTE_MAX(vc_vq_ring_bytes(SIZE, false),
					   vc_vq_ring_bytes(SIZE, true)));
	return ring == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_laps),
		cmocka_unit_test(packed_laps),
		cmocka_unit_test(lengths),
		cmocka_unit_test(bad_runs),
	};

	return RUN_TEST_GROUP(tests, setup, NULL);
}
