/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * VIRTIO_F_IN_ORDER on the device side (vhost_crypto_vring.c): chains
 * taken from a ring, completed in any order (two crypto devices finishing
 * at their own pace, bad chains at once), must reach the driver in the
 * order they were made available, a run at a time: one used element
 * (split) or one used descriptor (packed) with the id and length of the
 * run's last chain, the used index past the whole run. Every check reads
 * the ring as a driver does, after each flush.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_ring.h>

#include "test_report.h"
#include "vhost_crypto_vring.h"

#define GUEST_BASE	0x40000000ull
#define GUEST_SIZE	(1u << 16)
#define RING_SIZE	16
#define RING_OFF	0x0000	/* split: desc, avail, used; packed: desc, events */
#define AVAIL_OFF	0x1000
#define USED_OFF	0x2000
#define DATA_OFF	0x4000	/* 64 bytes per descriptor slot */
#define BAD_GPA		0x7000000000ull	/* outside guest memory */
#define MAX_CHAINS	1024
#define SEQ_START	0xfff0

static uint8_t *guest;
static struct rte_vhost_memory *mem;
static struct vc_vring vr;
static struct vc_inorder_ent window[RING_SIZE];

/* What the driver knows of a chain it made available. */
struct drv_chain {
	uint16_t id;		/* split: head; packed: buffer id */
	uint16_t ndescs;
	bool bad;
	uint32_t out_len;	/* writable bytes in guest memory */
};

/* The driver's side: chains in the order made available, and its cursors. */
static struct drv_chain chains[MAX_CHAINS];
static unsigned int nb_made, nb_seen;	/* made available; seen used */
static uint16_t drv_avail, drv_used;	/* split: free-running; packed: slot */
static bool drv_avail_wrap, drv_used_wrap;

/* The device's side: chains taken, and what each completed with. */
static struct vc_chain taken[MAX_CHAINS];
static uint32_t written_of[MAX_CHAINS];
static bool done[MAX_CHAINS];
static unsigned int nb_taken;

static uint64_t
gpa(uint32_t off)
{
	return GUEST_BASE + off;
}

static void
ring_setup(bool packed)
{
	memset(guest, 0, GUEST_SIZE);
	memset(&vr, 0, sizeof(vr));
	memset(window, 0, sizeof(window));
	memset(chains, 0, sizeof(chains));
	memset(taken, 0, sizeof(taken));
	memset(done, 0, sizeof(done));
	nb_made = nb_seen = nb_taken = 0;
	drv_avail = drv_used = 0;
	drv_avail_wrap = drv_used_wrap = true;
	vr.packed = packed;
	if (packed) {
		vr.desc_packed = (struct vring_packed_desc *)(guest + RING_OFF);
		vr.driver_event = (struct vring_packed_desc_event *)(guest + AVAIL_OFF);
		vr.device_event = (struct vring_packed_desc_event *)(guest + USED_OFF);
	} else {
		vr.desc = (struct vring_desc *)(guest + RING_OFF);
		vr.avail = (struct vring_avail *)(guest + AVAIL_OFF);
		vr.used = (struct vring_used *)(guest + USED_OFF);
		/* A used element the device never wrote reads as this. */
		memset(vr.used->ring, 0xa5, RING_SIZE * sizeof(vr.used->ring[0]));
	}
	vr.size = RING_SIZE;
	vr.callfd = -1;
	vr.mem = mem;
	vr.avail_wrap = vr.used_wrap = vr.signalled_wrap = true;
	vr.in_order = true;
	vr.inorder = window;
	/* Places are 16-bit: start close to where they wrap. */
	vr.pop_seq = vr.pub_seq = SEQ_START;
}

/*
 * Make a chain of `ndescs` descriptors available (readable ones, then one
 * writable); a bad one has its first readable descriptor outside guest
 * memory. The driver hands descriptors out in ring order.
 */
static void
make_avail(uint16_t ndescs, bool bad)
{
	struct drv_chain *dc = &chains[nb_made];
	uint16_t i;

	assert_true(nb_made < MAX_CHAINS);
	dc->ndescs = ndescs;
	dc->bad = bad;
	/* The writable descriptor is the bad one when it is the only one. */
	dc->out_len = bad && ndescs == 1 ? 0 : 32;
	if (!vr.packed) {
		uint16_t head = (uint16_t)(nb_made * 2) & (RING_SIZE - 1);

		/* Split: two descriptors per chain, at a head the chain owns. */
		assert_int_equal(ndescs, 2);
		vr.desc[head] = (struct vring_desc){
			.addr = bad ? BAD_GPA : gpa(DATA_OFF + head * 64), .len = 16,
			.flags = VRING_DESC_F_NEXT, .next = head + 1,
		};
		vr.desc[head + 1] = (struct vring_desc){
			.addr = gpa(DATA_OFF + (head + 1) * 64), .len = 32,
			.flags = VRING_DESC_F_WRITE,
		};
		dc->id = head;
		vr.avail->ring[drv_avail & (RING_SIZE - 1)] = head;
		vr.avail->idx = ++drv_avail;
		nb_made++;
		return;
	}
	dc->id = nb_made % RING_SIZE;
	for (i = 0; i < ndescs; i++) {
		struct vring_packed_desc *d = &vr.desc_packed[drv_avail];
		bool last = i == ndescs - 1;
		uint16_t flags = drv_avail_wrap ? 1u << VRING_PACKED_DESC_F_AVAIL :
						  1u << VRING_PACKED_DESC_F_USED;

		d->addr = (i == 0 && bad) ? BAD_GPA : gpa(DATA_OFF + drv_avail * 64);
		d->len = last ? 32 : 16;
		d->id = last ? dc->id : 0;
		d->flags = flags | (last ? VRING_DESC_F_WRITE : VRING_DESC_F_NEXT);
		if (++drv_avail == RING_SIZE) {
			drv_avail = 0;
			drv_avail_wrap = !drv_avail_wrap;
		}
	}
	nb_made++;
}

/* Take the next chain; it must be the next one made available. */
static unsigned int
take(void)
{
	struct vc_chain *c = &taken[nb_taken];
	const struct drv_chain *dc = &chains[nb_taken];
	enum vc_chain_error err;

	c->spill = NULL;
	err = vc_vring_pop(&vr, c);
	assert_int_equal(err, dc->bad ? VC_CHAIN_BAD : VC_CHAIN_OK);
	assert_int_equal(c->head, dc->id);
	assert_int_equal(c->ndescs, vr.packed ? dc->ndescs : 1);
	return nb_taken++;
}

/*
 * Complete chain k (what a device or a bad request's early end does):
 * most write all their writable bytes (32), a short one fewer, a bad one
 * its status byte only.
 */
static void
complete_len(unsigned int k, uint32_t written)
{
	assert_false(done[k]);
	done[k] = true;
	written_of[k] = written;
	vc_vring_push(&vr, &taken[k], written);
}

static void
complete(unsigned int k)
{
	complete_len(k, chains[k].bad ? 1 : 32);
}

/*
 * The next run the driver must see, from nb_seen: done chains up to one
 * that wrote less than it could (its length would be lost inside a run),
 * or the last done one before a chain not done. Returns its end, nb_seen
 * if the oldest chain is not done.
 */
static unsigned int
expected_run_end(unsigned int from)
{
	unsigned int k = from;

	while (k < nb_taken && done[k]) {
		if (written_of[k] < chains[k].out_len) {
			k++;
			break;
		}
		k++;
	}
	return k;
}

/*
 * Flush, then read the ring as an in-order driver does and check that it
 * shows exactly the runs expected, each as one used element (split) or
 * descriptor (packed) naming its last chain; nothing if the oldest chain
 * is not done.
 */
static void
flush_and_check(void)
{
	unsigned int from = nb_seen, end, k;

	vc_vring_flush(&vr, true);
	if (!vr.packed) {
		uint16_t idx = vr.used->idx;

		for (end = expected_run_end(from); end > from;
		     from = end, end = expected_run_end(from)) {
			struct vring_used_elem *e =
				&vr.used->ring[(uint16_t)from & (RING_SIZE - 1)];

			assert_int_equal(e->id, chains[end - 1].id);
			assert_int_equal(e->len, written_of[end - 1]);
			/* The other places of the run are not written. */
			for (k = from + 1; k < end; k++)
				assert_int_equal(vr.used->ring[k & (RING_SIZE - 1)].id,
						 0xa5a5a5a5);
			/* Unwritten again for the next lap. */
			memset(e, 0xa5, sizeof(*e));
		}
		/* used->idx moved past the runs, no further. */
		assert_int_equal(idx, (uint16_t)from);
		nb_seen = from;
		return;
	}
	for (;;) {
		const struct vring_packed_desc *d = &vr.desc_packed[drv_used];
		bool avail = d->flags & (1u << VRING_PACKED_DESC_F_AVAIL);
		bool used = d->flags & (1u << VRING_PACKED_DESC_F_USED);
		bool is_used = avail == drv_used_wrap && used == drv_used_wrap;

		end = expected_run_end(from);
		if (end == from) {
			assert_false(is_used);
			break;
		}
		assert_true(is_used);
		assert_int_equal(d->id, chains[end - 1].id);
		assert_int_equal(d->len, written_of[end - 1]);
		assert_true(d->flags & VRING_DESC_F_WRITE);
		for (k = from; k < end; k++) {
			uint16_t i;

			/* The run's other descriptors keep what the driver wrote. */
			for (i = 0; i < chains[k].ndescs; i++) {
				const struct vring_packed_desc *o = &vr.desc_packed[drv_used];

				if (k != from || i != 0)
					assert_int_not_equal(!!(o->flags &
						(1u << VRING_PACKED_DESC_F_USED)), drv_used_wrap);
				if (++drv_used == RING_SIZE) {
					drv_used = 0;
					drv_used_wrap = !drv_used_wrap;
				}
			}
		}
		from = end;
	}
	/* The device's cursor is where the driver's is now. */
	assert_int_equal(vr.used_idx, drv_used);
	assert_int_equal(vr.used_wrap, drv_used_wrap);
	nb_seen = from;
}

/*
 * Eight chains (packed: of one to three descriptors, the whole ring), two
 * of them bad (2 and 5). Device A has 0, 3, 6, device B
 * 1, 4, 7; the bad ones complete as soon as they are taken, B finishes
 * before A, A finishes 6 before 3.
 */
static void
two_devices(bool packed)
{
	static const uint16_t ndescs[8] = { 2, 3, 2, 1, 3, 1, 2, 2 };
	unsigned int k;

	ring_setup(packed);
	for (k = 0; k < 8; k++)
		make_avail(packed ? ndescs[k] : 2, k == 2 || k == 5);
	assert_int_equal(vc_vring_avail_count(&vr), packed ? RING_SIZE : 8);
	for (k = 0; k < 8; k++) {
		take();
		if (chains[k].bad)
			complete(k);
	}
	flush_and_check();	/* 2 and 5 are done, 0 is not: nothing */
	assert_int_equal(nb_seen, 0);
	complete(1);
	complete(4);
	complete(7);
	flush_and_check();
	assert_int_equal(nb_seen, 0);
	complete(0);		/* 0, 1, 2 go (2, bad, ends a run); 3 holds the rest */
	flush_and_check();
	assert_int_equal(nb_seen, 3);
	complete(6);
	flush_and_check();
	assert_int_equal(nb_seen, 3);
	complete(3);
	flush_and_check();	/* 3 to 7: two runs, 5 (bad) ends the first */
	assert_int_equal(nb_seen, 8);
	/* A short completion (RSA's plaintext, say) ends a run too. */
	for (k = 0; k < 4; k++) {
		make_avail(2, false);
		take();
	}
	complete(9);
	complete_len(8, 7);
	complete(11);
	complete(10);
	flush_and_check();
	assert_int_equal(nb_seen, 12);
	flush_and_check();	/* and nothing more */
	assert_int_equal(vr.pub_seq, vr.pop_seq);
}

static void
two_devices_split(void **state)
{
	(void)state;
	two_devices(false);
}

static void
two_devices_packed(void **state)
{
	(void)state;
	two_devices(true);
}

/* A small deterministic generator: the same sequence on every run. */
static uint32_t rng = 12345;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 16) % n;
}

/*
 * Many laps of the ring (indices and wrap counters wrapping): chains made
 * available while room is left, taken, completed in a random order (bad
 * ones at once), flushed at random points; every flush checked.
 */
static void
random_laps(bool packed)
{
	ring_setup(packed);
	while (nb_made + RING_SIZE < MAX_CHAINS) {
		unsigned int k, in_ring = 0, room;

		/* Descriptors the driver has not had back limit what it adds. */
		for (k = nb_seen; k < nb_made; k++)
			in_ring += packed ? chains[k].ndescs : 2;
		room = RING_SIZE - in_ring;
		while (room >= 3 && rnd(3) != 0) {
			uint16_t n = packed ? 1 + rnd(3) : 2;

			make_avail(n, rnd(5) == 0);
			room -= n;
		}
		while (nb_taken < nb_made) {
			k = take();
			if (chains[k].bad)
				complete(k);
		}
		/* Complete some of those in flight, in any order. */
		for (k = nb_seen; k < nb_taken; k++) {
			unsigned int j;

			if (nb_seen == nb_taken)
				break;	/* all published by a flush below */
			j = nb_seen + rnd(nb_taken - nb_seen);

			if (!done[j] && rnd(2) == 0) {
				if (rnd(4) == 0)
					complete_len(j, 1 + rnd(31));
				else
					complete(j);
			}
			if (rnd(4) == 0)
				flush_and_check();
		}
		flush_and_check();
	}
	/* The rest, newest first; nothing shows until the oldest is done. */
	while (nb_seen < nb_taken) {
		unsigned int k;

		for (k = nb_taken; k-- > nb_seen; )
			if (!done[k]) {
				complete(k);
				break;
			}
		flush_and_check();
	}
	assert_true(nb_made > MAX_CHAINS / 2);
	assert_int_equal(vr.pub_seq, vr.pop_seq);
}

static void
random_laps_split(void **state)
{
	(void)state;
	random_laps(false);
}

static void
random_laps_packed(void **state)
{
	(void)state;
	random_laps(true);
}

/*
 * No more chains are taken than the window holds, even from a driver that
 * makes available chains it has not had back; a chain given back keeps
 * its place.
 */
static void
window_limit(void **state)
{
	unsigned int k;

	(void)state;
	ring_setup(false);
	for (k = 0; k < RING_SIZE; k++)
		make_avail(2, false);
	for (k = 0; k < RING_SIZE; k++)
		take();
	/* The driver offers four more it does not own. */
	vr.avail->idx += 4;
	assert_int_equal(vc_vring_avail_count(&vr), 0);
	complete(3);
	flush_and_check();
	assert_int_equal(vc_vring_avail_count(&vr), 0);
	complete(0);
	flush_and_check();
	assert_int_equal(nb_seen, 1);
	assert_int_equal(vc_vring_avail_count(&vr), 1);

	/* Given back and taken again: the same place. */
	{
		struct vc_chain c = { .spill = NULL };
		uint16_t seq;

		assert_int_equal(vc_vring_pop(&vr, &c), VC_CHAIN_OK);
		seq = c.seq;
		vc_vring_unpop(&vr, &c);
		assert_int_equal(vc_vring_pop(&vr, &c), VC_CHAIN_OK);
		assert_int_equal(c.seq, seq);
		assert_int_equal(seq, (uint16_t)(SEQ_START + RING_SIZE));
	}
}

/* Without IN_ORDER, completions show as they come, one element each. */
static void
out_of_order_when_not_negotiated(void **state)
{
	unsigned int k;

	(void)state;
	ring_setup(false);
	vr.in_order = false;
	for (k = 0; k < 3; k++) {
		make_avail(2, false);
		take();
	}
	complete(2);
	complete(0);
	vc_vring_flush(&vr, true);
	assert_int_equal(vr.used->idx, 2);
	assert_int_equal(vr.used->ring[0].id, chains[2].id);
	assert_int_equal(vr.used->ring[1].id, chains[0].id);
}

static int
setup(void **state)
{
	(void)state;
	guest = aligned_alloc(4096, GUEST_SIZE);
	mem = calloc(1, sizeof(*mem) + sizeof(mem->regions[0]));
	if (guest == NULL || mem == NULL)
		return -1;
	mem->nregions = 1;
	mem->regions[0].guest_phys_addr = GUEST_BASE;
	mem->regions[0].guest_user_addr = GUEST_BASE;
	mem->regions[0].host_user_addr = (uint64_t)(uintptr_t)guest;
	mem->regions[0].size = GUEST_SIZE;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_devices_split),
		cmocka_unit_test(two_devices_packed),
		cmocka_unit_test(random_laps_split),
		cmocka_unit_test(random_laps_packed),
		cmocka_unit_test(window_limit),
		cmocka_unit_test(out_of_order_when_not_negotiated),
	};

	return RUN_TEST_GROUP(tests, setup, NULL);
}
