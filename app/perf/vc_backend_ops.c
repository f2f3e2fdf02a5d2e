/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The backend's own cost per op, on one core, without a frontend:
 *
 *   vc_backend_ops [EAL] -- [--algo aes-cbc-sha1-hmac|aes-gcm] [--size N]
 *       [--ops N] [--inflight N] [--burst N] [--packed] [--in-order]
 *
 * A simulated guest (app/test/common/sim_guest.h) keeps --inflight
 * requests in one data ring, laid out as our PMD lays them out (one
 * indirect descriptor; header with the IV after it, source, destination
 * with the digest after it, status), and re-posts each as soon as it is
 * used. The
 * backend's poll (vhost_crypto_poll(), as the daemon calls it) runs on
 * crypto_aesni_mb0. Nothing crosses cores, so what is left is the work of
 * an op; run under callgrind with --toggle-collect=vhost_crypto_poll it
 * gives the backend's instructions per op exactly, whatever else the
 * machine is doing (app/perf/vc_callgrind.py --backend-only).
 *
 * Prints one line:
 *   result: algo=.. size=.. ring=split|packed ops=.. cycles_per_op=..
 *           polls=.. total_ops=.. failed=..
 * (total_ops counts the warm-up too: callgrind's count covers it).
 * Exit 0, or 1 if a request did not complete with VIRTIO_CRYPTO_OK.
 */

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>

#include "sim_guest.h"
#include "vhost_crypto.h"
#include "vhost_crypto_request.h"
#include "vhost_crypto_session.h"
#include "virtio_crypto_wire.h"

#define GUEST_BASE	0x100000000ull
#define GUEST_SIZE	(64ull << 20)
#define RING_SIZE	256
#define DESC_GPA	(GUEST_BASE)
#define AVAIL_GPA	(GUEST_BASE + 0x10000)
#define USED_GPA	(GUEST_BASE + 0x20000)
#define SLOTS_GPA	(GUEST_BASE + 0x100000)
#define SLOT_SIZE	(72 * 1024)	/* room for a 64 KiB request */

/* Where each piece of a slot's request lives, from the slot's start. */
#define SLOT_HDR	0	/* header, fixed part and IV */
#define SLOT_TABLE	128	/* the indirect table: up to 8 descriptors */
#define SLOT_STATUS	256
#define SLOT_AAD	384
#define SLOT_DATA	1024	/* data, digest after it */

struct bench {
	const char *algo;
	uint32_t size;
	uint64_t ops;
	uint32_t inflight;
	uint32_t burst;
	bool packed;
	bool in_order;			/* VIRTIO_F_IN_ORDER negotiated */
	bool gcm;
	struct sim_guest g;
	uint64_t session;
	uint16_t table_len;		/* bytes of each slot's indirect table */
	/* packed ring: the driver's side */
	uint16_t avail_idx;
	bool avail_wrap;
	uint16_t used_idx;
	bool used_wrap;
	uint16_t slot_at[RING_SIZE];	/* packed: the slot posted at each position */
};

static uint64_t
slot_gpa(uint16_t slot)
{
	return SLOTS_GPA + (uint64_t)slot * SLOT_SIZE;
}

static int
make_session(struct bench *b)
{
	static const uint8_t keys[36] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6 };
	struct virtio_crypto_op_ctrl_req r;
	struct vc_session_params p;
	uint32_t keys_len;

	if (b->gcm) {
		struct virtio_crypto_aead_session_para *a = &r.u.aead_create_session.para;

		memset(&r, 0, sizeof(r));
		r.header.opcode = VIRTIO_CRYPTO_AEAD_CREATE_SESSION;
		r.header.algo = VIRTIO_CRYPTO_AEAD_GCM;
		a->algo = VIRTIO_CRYPTO_AEAD_GCM;
		a->key_len = 16;
		a->hash_result_len = 16;
		a->aad_len = 8;
		a->op = VIRTIO_CRYPTO_OP_ENCRYPT;
		keys_len = 16;
	} else {
		sim_cbc_sha1_session_req(&r, VIRTIO_CRYPTO_OP_ENCRYPT,
					 VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH, 20);
		r.u.sym_create_session.u.chain.para.u.mac_param.hash_result_len = 12;
		keys_len = 36;
	}
	if (vc_session_ctrl_decode(&r, keys, keys_len, &p) != 0)
		return -1;
	return vc_session_create(&b->g.vc->sessions, &p, &b->session);
}

/*
 * One descriptor of a slot's indirect table: linked split descriptors, or
 * consecutive packed ones (the same 16 bytes, flags where split has next).
 */
static void
table_put(struct vring_desc *t, uint16_t *n, uint64_t gpa, uint32_t len, bool writable,
	  bool packed)
{
	if (packed) {
		struct vring_packed_desc *p = (struct vring_packed_desc *)&t[*n];

		p->addr = gpa;
		p->len = len;
		p->id = 0;
		p->flags = writable ? VRING_DESC_F_WRITE : 0;
		(*n)++;
		return;
	}
	t[*n].addr = gpa;
	t[*n].len = len;
	t[*n].flags = (writable ? VRING_DESC_F_WRITE : 0) | VRING_DESC_F_NEXT;
	t[*n].next = *n + 1;
	(*n)++;
}

/* A slot's request, written once: the same request goes round. */
static int
build_request(struct bench *b, uint16_t slot)
{
	uint64_t base = slot_gpa(slot);
	uint8_t *hdr = sim_gpa(&b->g, base + SLOT_HDR);
	struct vring_desc *t = sim_gpa(&b->g, base + SLOT_TABLE);
	struct virtio_crypto_op_data_req *req = (void *)hdr;
	uint32_t fixed;
	uint16_t n = 0;

	if (b->gcm) {
		struct virtio_crypto_aead_para *a = &req->u.aead_req.para;

		memset(req, 0, sizeof(*req));
		req->header.opcode = VIRTIO_CRYPTO_AEAD_ENCRYPT;
		req->header.session_id = b->session;
		a->iv_len = 12;
		a->aad_len = 8;
		a->src_data_len = b->size;
		a->dst_data_len = b->size + 16;
	} else {
		sim_chain_req(req, VIRTIO_CRYPTO_CIPHER_ENCRYPT, b->session, b->size, 0,
			      b->size, 12);
	}
	/* REVISION_1, as our PMD negotiates: session mode is a flag */
	req->header.flag = VIRTIO_CRYPTO_FLAG_SESSION_MODE;
	fixed = vc_data_request_fixed_len(&req->header, b->g.vc->features);
	if (fixed == 0) {
		fprintf(stderr, "vc_backend_ops: the request's opcode is refused\n");
		return -1;
	}
	/* the IV right after the fixed part, one buffer, as our PMD has it */
	table_put(t, &n, base + SLOT_HDR, fixed + (b->gcm ? 12 : 16), false, b->packed);
	table_put(t, &n, base + SLOT_DATA, b->size, false, b->packed);
	if (b->gcm)
		table_put(t, &n, base + SLOT_AAD, 8, false, b->packed);
	table_put(t, &n, base + SLOT_DATA, b->size + (b->gcm ? 16 : 12), true, b->packed);
	table_put(t, &n, base + SLOT_STATUS, 1, true, b->packed);
	if (!b->packed)
		t[n - 1].flags &= ~VRING_DESC_F_NEXT;
	b->table_len = n * sizeof(*t);
	return 0;
}

/* Make slot's request available (split: its descriptor is its own). */
static void
post_split(struct bench *b, uint16_t slot)
{
	struct vring_avail *avail = sim_gpa(&b->g, AVAIL_GPA);
	struct vring_desc *d = (struct vring_desc *)sim_gpa(&b->g, DESC_GPA) + slot;

	*(uint8_t *)sim_gpa(&b->g, slot_gpa(slot) + SLOT_STATUS) = 0xee;
	d->addr = slot_gpa(slot) + SLOT_TABLE;
	d->len = b->table_len;
	d->flags = VRING_DESC_F_INDIRECT;
	avail->ring[b->avail_idx & (RING_SIZE - 1)] = slot;
	b->avail_idx++;
	__atomic_store_n(&avail->idx, b->avail_idx, __ATOMIC_RELEASE);
}

static void
post_packed(struct bench *b, uint16_t slot)
{
	struct vring_packed_desc *d = (struct vring_packed_desc *)sim_gpa(&b->g, DESC_GPA) +
		b->avail_idx;
	uint16_t flags = VRING_DESC_F_INDIRECT |
		(b->avail_wrap ? 1u << VRING_PACKED_DESC_F_AVAIL :
				 1u << VRING_PACKED_DESC_F_USED);

	*(uint8_t *)sim_gpa(&b->g, slot_gpa(slot) + SLOT_STATUS) = 0xee;
	d->addr = slot_gpa(slot) + SLOT_TABLE;
	d->len = b->table_len;
	d->id = slot;
	b->slot_at[b->avail_idx] = slot;
	__atomic_store_n(&d->flags, flags, __ATOMIC_RELEASE);
	if (++b->avail_idx == RING_SIZE) {
		b->avail_idx = 0;
		b->avail_wrap = !b->avail_wrap;
	}
}

/* One used request: check it, post it again. */
static inline void
reap_one(struct bench *b, uint16_t slot, uint64_t *failed)
{
	if (*(uint8_t *)sim_gpa(&b->g, slot_gpa(slot) + SLOT_STATUS) != VIRTIO_CRYPTO_OK)
		(*failed)++;
	if (b->packed)
		post_packed(b, slot);
	else
		post_split(b, slot);
}

/*
 * In order, as our PMD takes them: split, the used index only, requests
 * in the order posted (the avail ring says it); packed, one used
 * descriptor per run, naming its last.
 */
static uint32_t
reap_in_order(struct bench *b, uint64_t *failed)
{
	uint32_t n = 0;

	if (b->packed) {
		for (;;) {
			struct vring_packed_desc *d =
				(struct vring_packed_desc *)sim_gpa(&b->g, DESC_GPA) + b->used_idx;
			uint16_t flags = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
			uint16_t last = d->id, slot;

			if (!!(flags & (1u << VRING_PACKED_DESC_F_USED)) != b->used_wrap ||
			    !!(flags & (1u << VRING_PACKED_DESC_F_AVAIL)) != b->used_wrap)
				return n;
			do {
				slot = b->slot_at[b->used_idx];
				if (++b->used_idx == RING_SIZE) {
					b->used_idx = 0;
					b->used_wrap = !b->used_wrap;
				}
				reap_one(b, slot, failed);
				n++;
			} while (slot != last);
		}
	}
	struct vring_avail *avail = sim_gpa(&b->g, AVAIL_GPA);
	struct vring_used *used = sim_gpa(&b->g, USED_GPA);
	uint16_t end = __atomic_load_n(&used->idx, __ATOMIC_ACQUIRE);

	for (; b->used_idx != end; b->used_idx++, n++)
		reap_one(b, avail->ring[b->used_idx & (RING_SIZE - 1)], failed);
	return n;
}

/* Take the used requests, check each, post them again. Returns how many. */
static uint32_t
reap(struct bench *b, uint64_t *failed)
{
	uint32_t n = 0;

	if (b->in_order)
		return reap_in_order(b, failed);

	if (b->packed) {
		for (;;) {
			struct vring_packed_desc *d =
				(struct vring_packed_desc *)sim_gpa(&b->g, DESC_GPA) + b->used_idx;
			uint16_t flags = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
			uint16_t slot = d->id;

			if (!!(flags & (1u << VRING_PACKED_DESC_F_USED)) != b->used_wrap ||
			    !!(flags & (1u << VRING_PACKED_DESC_F_AVAIL)) != b->used_wrap)
				break;
			if (++b->used_idx == RING_SIZE) {
				b->used_idx = 0;
				b->used_wrap = !b->used_wrap;
			}
			if (*(uint8_t *)sim_gpa(&b->g, slot_gpa(slot) + SLOT_STATUS) !=
			    VIRTIO_CRYPTO_OK)
				(*failed)++;
			post_packed(b, slot);
			n++;
		}
		return n;
	}
	struct vring_used *used = sim_gpa(&b->g, USED_GPA);
	uint16_t end = __atomic_load_n(&used->idx, __ATOMIC_ACQUIRE);

	for (; b->used_idx != end; b->used_idx++, n++) {
		uint16_t slot = used->ring[b->used_idx & (RING_SIZE - 1)].id;

		if (*(uint8_t *)sim_gpa(&b->g, slot_gpa(slot) + SLOT_STATUS) != VIRTIO_CRYPTO_OK)
			(*failed)++;
		post_split(b, slot);
	}
	return n;
}

static int
parse(struct bench *b, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "algo", required_argument, NULL, 'a' },
		{ "size", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'o' },
		{ "inflight", required_argument, NULL, 'i' },
		{ "burst", required_argument, NULL, 'b' },
		{ "packed", no_argument, NULL, 'p' },
		{ "in-order", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	b->algo = "aes-cbc-sha1-hmac";
	b->size = 64;
	b->ops = 1000000;
	b->inflight = 128;
	b->burst = 32;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': b->algo = optarg; break;
		case 's': b->size = strtoul(optarg, NULL, 0); break;
		case 'o': b->ops = strtoull(optarg, NULL, 0); break;
		case 'i': b->inflight = strtoul(optarg, NULL, 0); break;
		case 'b': b->burst = strtoul(optarg, NULL, 0); break;
		case 'p': b->packed = true; break;
		case 'r': b->in_order = true; break;
		default: return -1;
		}
	}
	if (strcmp(b->algo, "aes-gcm") == 0)
		b->gcm = true;
	else if (strcmp(b->algo, "aes-cbc-sha1-hmac") != 0)
		return -1;
	if (b->size == 0 || b->size > 65536 || (!b->gcm && b->size % 16) ||
	    b->inflight == 0 || b->inflight > RING_SIZE || b->burst == 0)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct vhost_crypto_conf conf = {
		.socket_path = "vc-backend-ops",
		.flags = VHOST_CRYPTO_F_ZERO_COPY | VHOST_CRYPTO_F_NO_NOTIFY |
			 VHOST_CRYPTO_F_FALLBACK,
		.max_sessions = 16,
		.nb_ops = 1024,
	};
	struct bench b = { 0 };
	struct rte_vhost_vring vring = { .callfd = -1, .kickfd = -1, .size = RING_SIZE };
	uint64_t done = 0, failed = 0, polls = 0, start = 0, measured = 0, warmup;
	uint16_t slot;
	int n;

	n = rte_eal_init(argc, argv);
	if (n < 0)
		return 1;
	if (parse(&b, argc - n, argv + n) != 0) {
		fprintf(stderr, "usage: vc_backend_ops [EAL] -- [--algo aes-cbc-sha1-hmac|aes-gcm]"
			" [--size N] [--ops N] [--inflight N] [--burst N] [--packed]"
			" [--in-order]\n");
		return 1;
	}
	if (sim_guest_start(&b.g, GUEST_BASE, GUEST_SIZE, &conf) != 0) {
		fprintf(stderr, "vc_backend_ops: no guest (crypto_aesni_mb0 and crypto_openssl0"
			" must be given with --vdev)\n");
		return 1;
	}
	/* The rings and the slots in use start zeroed, as a driver's would. */
	memset(b.g.mem, 0, SLOTS_GPA - GUEST_BASE + (uint64_t)b.inflight * SLOT_SIZE);
	b.g.vc->features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_CRYPTO_F_REVISION_1) |
		(b.packed ? 1ULL << VIRTIO_F_RING_PACKED : 0) |
		(b.in_order ? 1ULL << VIRTIO_F_IN_ORDER : 0);
	vring.desc = sim_gpa(&b.g, DESC_GPA);
	vring.avail = sim_gpa(&b.g, AVAIL_GPA);
	vring.used = sim_gpa(&b.g, USED_GPA);
	if (b.packed) {
		b.avail_wrap = b.used_wrap = true;
		vring.desc_packed = sim_gpa(&b.g, DESC_GPA);
		vring.driver_event = sim_gpa(&b.g, AVAIL_GPA);
		vring.device_event = sim_gpa(&b.g, USED_GPA);
	}
	/* a packed ring's wrap counters start at 1: bit 15 of each index */
	n = b.packed ? 0x8000 : 0;
	if (vc_ring_attach(b.g.vc, 0, &vring, n, n) != 0 || make_session(&b) != 0) {
		fprintf(stderr, "vc_backend_ops: ring or session set-up failed\n");
		return 1;
	}
	for (slot = 0; slot < b.inflight; slot++) {
		if (build_request(&b, slot) != 0)
			return 1;
		if (b.packed)
			post_packed(&b, slot);
		else
			post_split(&b, slot);
	}
	warmup = RTE_MAX(b.ops / 10, (uint64_t)b.inflight * 4);
	while (done < warmup + b.ops) {
		vhost_crypto_poll(b.g.vc, b.burst);
		polls++;
		done += reap(&b, &failed);
		if (start == 0 && done >= warmup) {
			start = rte_rdtsc();
			measured = done;
			polls = 0;
		}
		if (polls > 1000 * (b.ops + warmup)) {
			fprintf(stderr, "vc_backend_ops: the backend stopped completing\n");
			return 1;
		}
	}
	printf("result: algo=%s size=%u ring=%s ops=%" PRIu64 " cycles_per_op=%.1f"
	       " polls=%" PRIu64 " total_ops=%" PRIu64 " failed=%" PRIu64 "\n", b.algo,
	       b.size, b.packed ? "packed" : "split", done - measured,
	       (double)(rte_rdtsc() - start) / (done - measured), polls, done, failed);
	return failed == 0 ? 0 : 1;
}
