/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * libFuzzer target over everything a guest controls in the backend.
 * input[0] says what the rest is:
 *
 *   bits 0-1  0: a vhost-user create-session payload; bits 2-3 the layout
 *                it is decoded as (auto, QEMU 7.0, 7.1, 8.1), bit 4 its
 *                size (1072 bytes, else 632);
 *             1: a split data ring, 2: a packed data ring, 3: the control
 *                queue (split; full-device mode);
 *   bit 2     (rings) REVISION_1 and every stateless mode negotiated;
 *   bit 3     (data rings) zero-copy.
 *
 * A ring input is RING_SIZE descriptors (16 bytes each; addresses fold
 * into guest memory unless their top bit is set), then for a split ring a
 * count and the avail entries (any value), then the bytes of guest memory
 * from DATA_OFF: request headers, keys, buffers. Packed descriptors are
 * made available unless bit 14 of their flags asks for them as they are.
 * The data path serves it against crypto_aesni_mb with an openssl
 * fallback. Afterwards every chain slot, op, mbuf and request session must
 * be back, every chain taken completed: anything else aborts.
 *
 * VC_FUZZ_WRITE_SEEDS=DIR writes the seed corpus (well-formed requests of
 * each kind, app/test/fuzz/corpus) and exits.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>

#include "sim_guest.h"
#include "vhost_crypto_dev.h"
#include "vhost_user_crypto_wire.h"

#define GUEST_BASE	0x40000000ull
#define GUEST_SIZE	(1u << 20)
#define RING_SIZE	16
/* Where the rings live in guest memory; DATA_OFF on is the input's. */
#define DESC_OFF	0x0000	/* split data ring */
#define AVAIL_OFF	0x1000
#define USED_OFF	0x2000
#define PDESC_OFF	0x3000	/* packed data ring */
#define PDRV_EVT_OFF	0x3800
#define PDEV_EVT_OFF	0x3900
#define CDESC_OFF	0x4000	/* control queue */
#define CAVAIL_OFF	0x5000
#define CUSED_OFF	0x6000
#define DATA_OFF	0x8000

#define RING_SPLIT	0	/* data ring indices of the instance */
#define RING_PACKED	1
#define RING_CTRL	2	/* nb_rings: the control queue */

/* input[0] */
#define IN_KIND(b)	((b) & 3)
#define KIND_SESSION_MSG	0
#define KIND_SPLIT	1
#define KIND_PACKED	2
#define KIND_CTRL	3
#define IN_REV1		(1u << 2)
#define IN_ZERO_COPY	(1u << 3)
#define IN_MSG_LAYOUT(b)	(((b) >> 2) & 3)
#define IN_MSG_1072	(1u << 4)
/* packed descriptor flags: take them as they are */
#define PACKED_RAW	(1u << 14)

static struct sim_guest sim;
static uint8_t *guest;
static struct vhost_crypto *vc;
/* the sessions every input starts with (AES-CBC both ways, CBC + HMAC-SHA1) */
static uint64_t enc_id, dec_id, chain_id;

static void
die(const char *why)
{
	fprintf(stderr, "fuzz_backend: %s\n", why);
	abort();
}

static void *
at(uint64_t off)
{
	return guest + off;
}

static void
make_sessions(void)
{
	static const uint8_t key[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
					 14, 15, 16, 17, 18, 19, 20 };
	struct vhost_user_crypto_session_v71 m;
	struct vc_session_params p;
	int rc;

	if (sim_cbc_session(&sim, key, VIRTIO_CRYPTO_OP_ENCRYPT, &enc_id) ||
	    sim_cbc_session(&sim, key, VIRTIO_CRYPTO_OP_DECRYPT, &dec_id))
		die("session setup");
	/* an encrypt chain with HMAC-SHA1, as QEMU passes on for IPsec */
	memset(&m, 0, sizeof(m));
	m.info.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	m.info.key_len = 16;
	m.info.direction = VIRTIO_CRYPTO_OP_ENCRYPT;
	memcpy(m.key, key, 16);
	m.info.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	m.info.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	m.info.alg_chain_order = VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH;
	m.info.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
	m.info.hash_result_len = 12;
	m.info.auth_key_len = 20;
	memcpy(m.auth_key, key, 20);
	rc = vc_session_msg_decode(&m, sizeof(m), VC_SESSION_MSG_AUTO, &p, NULL);
	if (rc == 0)
		rc = vc_session_create(&vc->sessions, &p, &chain_id);
	if (rc) {
		fprintf(stderr, "chain session: %s\n", strerror(-rc));
		die("chain session setup");
	}
}

/* Back to the sessions every input starts with, at the same ids. */
static void
reset_sessions(void)
{
	uint64_t id;

	for (id = 0; id < vc->sessions.nb_slots; id++)
		vc_session_destroy(&vc->sessions, id);
	make_sessions();
}

static void write_seeds(const char *dir);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char *eal_args[] = {
		(*argv)[0], "--no-huge", "-m", "256", "--no-pci", "-l", "0",
		"--file-prefix", prefix, "--log-level", "*:crit",
		"--vdev", "crypto_aesni_mb0", "--vdev", "crypto_openssl0",
	};
	struct vhost_crypto_conf conf = {
		.socket_path = "fuzz",
		.flags = VHOST_CRYPTO_F_NO_NOTIFY | VHOST_CRYPTO_F_FALLBACK,
		.max_dataqueues = 2,
		.max_sessions = 8,
		.nb_ops = 64,
		.max_size = 65536 + 4096,
	};
	struct rte_vhost_vring packed = {
		.callfd = -1, .kickfd = -1, .size = RING_SIZE,
	};
	const char *seeds = getenv("VC_FUZZ_WRITE_SEEDS");

	/* one per process: libFuzzer's -jobs and a CI run may share the machine */
	snprintf(prefix, sizeof(prefix), "vc_fuzz_backend_%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0)
		die("EAL");
	if (sim_guest_start(&sim, GUEST_BASE, GUEST_SIZE, &conf) != 0)
		die("crypto devices or instance");
	guest = sim.mem;
	vc = sim.vc;
	if (sim_guest_ring(&sim, RING_SPLIT, GUEST_BASE + DESC_OFF, GUEST_BASE + AVAIL_OFF,
			   GUEST_BASE + USED_OFF, RING_SIZE) != 0 ||
	    sim_guest_ring(&sim, RING_CTRL, GUEST_BASE + CDESC_OFF, GUEST_BASE + CAVAIL_OFF,
			   GUEST_BASE + CUSED_OFF, RING_SIZE) != 0)
		die("split rings");
	/* the packed layout is fixed when a ring is attached */
	packed.desc_packed = at(PDESC_OFF);
	packed.driver_event = at(PDRV_EVT_OFF);
	packed.device_event = at(PDEV_EVT_OFF);
	vc->features = 1ULL << VIRTIO_F_RING_PACKED;
	if (vc_ring_attach(vc, RING_PACKED, &packed, 0x8000, 0x8000) != 0 ||
	    !vc->rings[RING_PACKED].vr.packed)
		die("packed ring");
	make_sessions();
	if (seeds != NULL) {
		write_seeds(seeds);
		exit(0);
	}
	return 0;
}

/* Fuzz addresses mostly land in guest memory; the top bit keeps them raw. */
static uint64_t
guest_addr(uint64_t raw)
{
	if (raw >> 63)
		return raw & ~(1ull << 63);
	return GUEST_BASE + raw % (GUEST_SIZE + 4096);
}

/* Take `n` bytes of input (fewer if it ends), zero-padding `dst`. */
static void
take(const uint8_t **data, size_t *size, void *dst, size_t n)
{
	size_t k = RTE_MIN(n, *size);

	memset(dst, 0, n);
	memcpy(dst, *data, k);
	*data += k;
	*size -= k;
}

static void
set_features(uint8_t sel)
{
	vc->features = (sel & IN_REV1) ? (1ULL << VIRTIO_CRYPTO_F_REVISION_1) |
		(1ULL << VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE) |
		(1ULL << VIRTIO_CRYPTO_F_HASH_STATELESS_MODE) |
		(1ULL << VIRTIO_CRYPTO_F_MAC_STATELESS_MODE) |
		(1ULL << VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE) : 0;
}

/* Serve what the rings hold, then check that everything came back. */
static void
serve_and_check(struct vc_ring *r)
{
	unsigned int polls;
	uint8_t d;

	for (polls = 0; polls < 64; polls++)
		vhost_crypto_poll(vc, 32);
	vc_datapath_drain(vc);

	if (r->nb_free != r->nb_slots)
		die("chain slot leaked");
	if (r->nb_spills != VC_RING_SPILLS)
		die("spill array leaked");
	if (rte_mempool_in_use_count(vc->op_pool) != 0)
		die("op leaked");
	if (rte_mempool_in_use_count(vc->mbuf_pool) != 0)
		die("mbuf leaked");
	if (rte_mempool_in_use_count(vc->aad_pool) != 0)
		die("AAD buffer leaked");
	for (d = 0; d < vc->sessions.nb_devs; d++)
		if (rte_mempool_in_use_count(vc->sessions.stateless_pool[d]) != 0)
			die("stateless request session leaked");
}

/* A split ring (a data ring or the control queue) from the input. */
static void
fuzz_split(const uint8_t *data, size_t size, uint16_t ring, uint64_t desc_off,
	   uint64_t avail_off)
{
	struct vc_ring *r = &vc->rings[ring];
	struct vring_desc *desc = at(desc_off);
	struct vring_avail *avail = at(avail_off);
	unsigned int i, nb_heads;
	uint8_t count;

	take(&data, &size, desc, RING_SIZE * sizeof(*desc));
	for (i = 0; i < RING_SIZE; i++)
		desc[i].addr = guest_addr(desc[i].addr);
	/* avail entries: how many, then which heads (any value) */
	take(&data, &size, &count, 1);
	nb_heads = count % RING_SIZE + 1;
	for (i = 0; i < nb_heads; i++) {
		uint16_t h;

		take(&data, &size, &h, 2);
		avail->ring[i] = h % (RING_SIZE + 2);	/* sometimes out of range */
	}
	/* the rest is request headers, keys and buffers */
	memcpy(guest + DATA_OFF, data, RTE_MIN(size, (size_t)GUEST_SIZE - DATA_OFF));

	r->vr.last_avail_idx = 0;
	r->vr.used_idx = 0;
	r->vr.signalled_used = 0;
	r->vr.broken = false;
	__atomic_store_n(&avail->idx, nb_heads, __ATOMIC_RELEASE);
	serve_and_check(r);
	/*
	 * Every chain taken was given back. (Not "used->idx == nb_heads": a
	 * guest may point writable buffers at its own rings and rewrite them.)
	 */
	if (r->vr.used_idx != r->vr.last_avail_idx)
		die("a chain was taken and never completed");
}

static void
fuzz_packed(const uint8_t *data, size_t size)
{
	struct vc_ring *r = &vc->rings[RING_PACKED];
	struct vring_packed_desc *desc = at(PDESC_OFF);
	unsigned int i;

	take(&data, &size, desc, RING_SIZE * sizeof(*desc));
	for (i = 0; i < RING_SIZE; i++) {
		desc[i].addr = guest_addr(desc[i].addr);
		/* available in the first lap: AVAIL set, USED clear */
		if (!(desc[i].flags & PACKED_RAW))
			desc[i].flags = (desc[i].flags & ~(1u << VRING_PACKED_DESC_F_USED)) |
					(1u << VRING_PACKED_DESC_F_AVAIL);
	}
	memcpy(guest + DATA_OFF, data, RTE_MIN(size, (size_t)GUEST_SIZE - DATA_OFF));

	r->vr.last_avail_idx = 0;
	r->vr.avail_wrap = true;
	r->vr.used_idx = 0;
	r->vr.used_wrap = true;
	r->vr.signalled_used = 0;
	r->vr.signalled_wrap = true;
	r->vr.broken = false;
	serve_and_check(r);
	if (r->vr.used_idx != r->vr.last_avail_idx || r->vr.used_wrap != r->vr.avail_wrap)
		die("a packed chain was taken and never completed");
}

static void
fuzz_session_msg(const uint8_t *data, size_t size, uint8_t sel)
{
	static uint8_t payload[VHOST_USER_CRYPTO_SESSION_SIZE_1072];
	enum vc_session_msg_layout layout = IN_MSG_LAYOUT(sel), got;
	uint32_t len = (sel & IN_MSG_1072) ? VHOST_USER_CRYPTO_SESSION_SIZE_1072 :
		       VHOST_USER_CRYPTO_SESSION_SIZE_632;
	struct vc_session_params p;
	uint64_t id;

	take(&data, &size, payload, sizeof(payload));
	if (vc_session_msg_decode(payload, len, layout, &p, &got) != 0)
		return;
	if (vc_session_create(&vc->sessions, &p, &id) == 0 &&
	    vc_session_destroy(&vc->sessions, id) != 0)
		die("session create/destroy");
	vc_session_msg_set_reply(payload, got, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	if (IN_KIND(sel) == KIND_SESSION_MSG) {
		fuzz_session_msg(data, size, sel);
		return 0;
	}
	set_features(sel);
	vc->zero_copy = sel & IN_ZERO_COPY;
	memset(guest, 0, DATA_OFF);
	switch (IN_KIND(sel)) {
	case KIND_SPLIT:
		fuzz_split(data, size, RING_SPLIT, DESC_OFF, AVAIL_OFF);
		break;
	case KIND_PACKED:
		fuzz_packed(data, size);
		break;
	default:
		fuzz_split(data, size, RING_CTRL, CDESC_OFF, CAVAIL_OFF);
		/* what the guest made and destroyed goes; the starting ones are back */
		reset_sessions();
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The seed corpus: well-formed requests of every kind                 */
/* ------------------------------------------------------------------ */

/* An input under construction: selector, descriptors, heads, guest bytes. */
struct seed {
	uint8_t sel;
	struct vring_desc desc[RING_SIZE];	/* split, or packed (same size) */
	uint8_t nb_heads;
	uint16_t heads[RING_SIZE];
	uint8_t mem[0x1000] __attribute__((aligned(64)));	/* guest memory from DATA_OFF */
};

/* Where the seeds put things, as offsets from DATA_OFF. */
#define S_REQ		0x000	/* header and fixed part */
#define S_KEYS		0x080
#define S_IV		0x100
#define S_SRC		0x200
#define S_DST		0x400
#define S_DIGEST	0x600
#define S_STATUS	0x700
#define S_TABLE		0x800	/* an indirect table */

/* The input a seed stands for; returns its length. */
static size_t
seed_bytes(const struct seed *s, uint8_t *buf)
{
	size_t n = 0;

	buf[n++] = s->sel;
	if (IN_KIND(s->sel) == KIND_SESSION_MSG) {
		memcpy(buf + n, s->mem, VHOST_USER_CRYPTO_SESSION_SIZE_1072);
		return n + VHOST_USER_CRYPTO_SESSION_SIZE_1072;
	}
	memcpy(buf + n, s->desc, sizeof(s->desc));
	n += sizeof(s->desc);
	if (IN_KIND(s->sel) != KIND_PACKED) {
		buf[n++] = s->nb_heads - 1;
		memcpy(buf + n, s->heads, s->nb_heads * sizeof(s->heads[0]));
		n += s->nb_heads * sizeof(s->heads[0]);
	}
	memcpy(buf + n, s->mem, sizeof(s->mem));
	return n + sizeof(s->mem);
}

/*
 * Write a seed, after checking that it is what it claims: a request the
 * backend completes with OK, a session message it decodes.
 */
static void
seed_write(const char *dir, const char *name, const struct seed *s)
{
	static uint8_t buf[1 + sizeof(struct seed)];
	size_t n = seed_bytes(s, buf);
	char path[4096];
	FILE *f;

	if (IN_KIND(s->sel) == KIND_SESSION_MSG) {
		struct vc_session_params p;

		if (vc_session_msg_decode(s->mem, (s->sel & IN_MSG_1072) ?
					  VHOST_USER_CRYPTO_SESSION_SIZE_1072 :
					  VHOST_USER_CRYPTO_SESSION_SIZE_632,
					  IN_MSG_LAYOUT(s->sel), &p, NULL) != 0)
			die(name);
	} else {
		LLVMFuzzerTestOneInput(buf, n);
		if (*(uint8_t *)at(DATA_OFF + S_STATUS) != VIRTIO_CRYPTO_OK ||
		    (IN_KIND(s->sel) == KIND_CTRL &&
		     ((struct virtio_crypto_session_input *)at(DATA_OFF + S_DST))->status !=
		     VIRTIO_CRYPTO_OK))
			die(name);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, n, f) != n || fclose(f) != 0)
		die("cannot write a seed");
}

/* An empty seed of kind sel, its status byte "never written" (OK is 0). */
static void
seed_start(struct seed *s, uint8_t sel)
{
	memset(s, 0, sizeof(*s));
	s->mem[S_STATUS] = 0xee;
	s->sel = sel;
}

/* A chain of buffers at DATA_OFF offsets, direct from descriptor 0. */
static void
seed_chain(struct seed *s, const struct vring_desc *bufs, unsigned int n, bool indirect)
{
	struct vring_desc *d = indirect ? (struct vring_desc *)&s->mem[S_TABLE] : s->desc;
	unsigned int i;

	for (i = 0; i < n; i++) {
		d[i] = bufs[i];
		/* ring descriptors are folded into guest memory, table entries are not */
		d[i].addr += DATA_OFF + (indirect ? GUEST_BASE : 0);
		if (i + 1 < n) {
			d[i].flags |= VRING_DESC_F_NEXT;
			d[i].next = i + 1;
		}
	}
	if (indirect)
		s->desc[0] = (struct vring_desc){ DATA_OFF + S_TABLE,
						  n * sizeof(struct vring_desc),
						  VRING_DESC_F_INDIRECT, 0 };
	s->nb_heads = 1;
	s->heads[0] = 0;
}

/* The same chain as packed descriptors, in place of the split ones. */
static void
seed_packed(struct seed *s)
{
	struct vring_packed_desc *p = (struct vring_packed_desc *)s->desc;
	unsigned int i;

	for (i = 0; i < RING_SIZE; i++) {
		struct vring_desc d = s->desc[i];

		p[i].addr = d.addr;
		p[i].len = d.len;
		p[i].id = 0;
		p[i].flags = d.flags & (VRING_DESC_F_NEXT | VRING_DESC_F_WRITE |
					VRING_DESC_F_INDIRECT);
		if (d.len == 0)
			p[i].flags = PACKED_RAW;	/* unused: not available */
	}
	/* an indirect table holds packed descriptors too, without links */
	if (p[0].flags & VRING_DESC_F_INDIRECT) {
		struct vring_desc *t = (struct vring_desc *)&s->mem[S_TABLE];
		struct vring_packed_desc *pt = (struct vring_packed_desc *)&s->mem[S_TABLE];

		for (i = 0; i < p[0].len / sizeof(*pt); i++) {
			struct vring_desc d = t[i];

			pt[i] = (struct vring_packed_desc){ d.addr, d.len, 0,
							    d.flags & VRING_DESC_F_WRITE };
		}
	}
}

static void
seed_cipher(struct seed *s, uint8_t sel, uint64_t session, bool indirect)
{
	struct virtio_crypto_op_data_req *req = (void *)&s->mem[S_REQ];
	const struct vring_desc bufs[] = {
		{ S_REQ, sizeof(*req), 0, 0 },
		{ S_IV, 16, 0, 0 },
		{ S_SRC, 64, 0, 0 },
		{ S_DST, 64, VRING_DESC_F_WRITE, 0 },
		{ S_STATUS, 1, VRING_DESC_F_WRITE, 0 },
	};

	seed_start(s, sel);
	/* the session fixes the direction; the opcode must agree */
	sim_cipher_req(req, session == dec_id ? VIRTIO_CRYPTO_CIPHER_DECRYPT :
		       VIRTIO_CRYPTO_CIPHER_ENCRYPT, session, 16, 64, 64);
	memset(&s->mem[S_IV], 0x11, 16);
	memset(&s->mem[S_SRC], 0x22, 64);
	seed_chain(s, bufs, RTE_DIM(bufs), indirect);
}

static void
seed_chain_request(struct seed *s, uint8_t sel)
{
	struct virtio_crypto_op_data_req *req = (void *)&s->mem[S_REQ];
	const struct vring_desc bufs[] = {
		{ S_REQ, sizeof(*req), 0, 0 },
		{ S_IV, 16, 0, 0 },
		{ S_SRC, 64, 0, 0 },
		{ S_DST, 64, VRING_DESC_F_WRITE, 0 },
		{ S_DIGEST, 12, VRING_DESC_F_WRITE, 0 },
		{ S_STATUS, 1, VRING_DESC_F_WRITE, 0 },
	};

	seed_start(s, sel);
	sim_chain_req(req, VIRTIO_CRYPTO_CIPHER_ENCRYPT, chain_id, 64, 0, 64, 12);
	memset(&s->mem[S_IV], 0x11, 16);
	memset(&s->mem[S_SRC], 0x22, 64);
	seed_chain(s, bufs, RTE_DIM(bufs), true);
}

/* A stateless AES-128-CBC + HMAC-SHA1 request: the session travels with it. */
static void
seed_stateless(struct seed *s)
{
	struct virtio_crypto_op_header *h = (void *)&s->mem[S_REQ];
	struct virtio_crypto_sym_data_flf_stateless *f = (void *)(h + 1);
	const struct vring_desc bufs[] = {
		{ S_REQ, sizeof(*h) + sizeof(*f), 0, 0 },
		{ S_KEYS, 36, 0, 0 },
		{ S_IV, 16, 0, 0 },
		{ S_SRC, 64, 0, 0 },
		{ S_DST, 64, VRING_DESC_F_WRITE, 0 },
		{ S_DIGEST, 20, VRING_DESC_F_WRITE, 0 },
		{ S_STATUS, 1, VRING_DESC_F_WRITE, 0 },
	};

	seed_start(s, KIND_SPLIT | IN_REV1);
	h->opcode = VIRTIO_CRYPTO_CIPHER_ENCRYPT;
	sim_stateless_cbc_sha1(f, VIRTIO_CRYPTO_OP_ENCRYPT,
			       VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH, 20, 64);
	memset(&s->mem[S_KEYS], 0x33, 36);
	memset(&s->mem[S_IV], 0x11, 16);
	memset(&s->mem[S_SRC], 0x22, 64);
	seed_chain(s, bufs, RTE_DIM(bufs), false);
}

/* Control queue: create an AES-CBC + HMAC-SHA1 chain session, then destroy it. */
static void
seed_control(struct seed *s)
{
	struct virtio_crypto_op_ctrl_req *create = (void *)&s->mem[S_REQ];
	struct virtio_crypto_op_ctrl_req *destroy = (void *)&s->mem[S_SRC];
	const struct vring_desc bufs[] = {
		{ S_REQ, sizeof(*create), 0, 0 },
		{ S_KEYS, 36, 0, 0 },
		{ S_DST, sizeof(struct virtio_crypto_session_input), VRING_DESC_F_WRITE, 0 },
	};
	unsigned int i;

	seed_start(s, KIND_CTRL);
	sim_cbc_sha1_session_req(create, VIRTIO_CRYPTO_OP_ENCRYPT,
				 VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH, 20);
	memset(&s->mem[S_KEYS], 0x33, 36);
	memset(&s->mem[S_DST], 0xee, sizeof(struct virtio_crypto_session_input));
	seed_chain(s, bufs, RTE_DIM(bufs), false);
	/* then destroy the session the first free slot gets */
	destroy->header.opcode = VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION;
	destroy->u.destroy_session.session_id = chain_id + 1;
	i = RTE_DIM(bufs);
	s->desc[i] = (struct vring_desc){ DATA_OFF + S_SRC, sizeof(*destroy),
					  VRING_DESC_F_NEXT, i + 1 };
	s->desc[i + 1] = (struct vring_desc){ DATA_OFF + S_STATUS, 1, VRING_DESC_F_WRITE, 0 };
	s->nb_heads = 2;
	s->heads[1] = i;
}

static void
seed_session_msgs(const char *dir)
{
	static const struct {
		const char *name;
		enum vc_session_msg_layout layout;
	} layouts[] = {
		{ "session_msg_qemu_7_0", VC_SESSION_MSG_QEMU_7_0 },
		{ "session_msg_qemu_7_1", VC_SESSION_MSG_QEMU_7_1 },
		{ "session_msg_qemu_8_1", VC_SESSION_MSG_QEMU_8_1 },
	};
	static struct seed s;
	unsigned int i;

	for (i = 0; i < RTE_DIM(layouts); i++) {
		memset(&s, 0, sizeof(s));
		s.sel = KIND_SESSION_MSG | (layouts[i].layout << 2) |
			(layouts[i].layout == VC_SESSION_MSG_QEMU_8_1 ? IN_MSG_1072 : 0);
		switch (layouts[i].layout) {
		case VC_SESSION_MSG_QEMU_7_0: {
			struct vhost_user_crypto_session_v70 *m = (void *)s.mem;

			m->info.op_code = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;
			m->info.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
			m->info.key_len = 16;
			m->info.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
			m->info.direction = VIRTIO_CRYPTO_OP_ENCRYPT;
			memset(m->key, 0x44, 16);
			break;
		}
		case VC_SESSION_MSG_QEMU_7_1: {
			struct vhost_user_crypto_session_v71 *m = (void *)s.mem;

			m->info.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
			m->info.key_len = 16;
			m->info.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
			m->info.direction = VIRTIO_CRYPTO_OP_ENCRYPT;
			m->info.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
			m->info.alg_chain_order =
				VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH;
			m->info.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
			m->info.hash_result_len = 20;
			m->info.auth_key_len = 20;
			memset(m->key, 0x44, 16);
			memset(m->auth_key, 0x55, 20);
			break;
		}
		default: {
			struct vhost_user_crypto_session_v81 *m = (void *)s.mem;

			m->op_code = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;
			m->u.sym.info.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
			m->u.sym.info.key_len = 16;
			m->u.sym.info.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
			m->u.sym.info.direction = VIRTIO_CRYPTO_OP_DECRYPT;
			memset(m->u.sym.key, 0x44, 16);
			break;
		}
		}
		seed_write(dir, layouts[i].name, &s);
	}
}

static void
write_seeds(const char *dir)
{
	static struct seed s;

	mkdir(dir, 0755);
	seed_cipher(&s, KIND_SPLIT, enc_id, false);
	seed_write(dir, "split_cipher", &s);
	seed_cipher(&s, KIND_SPLIT | IN_ZERO_COPY, dec_id, true);
	seed_write(dir, "split_cipher_indirect_zero_copy", &s);
	seed_chain_request(&s, KIND_SPLIT);
	seed_write(dir, "split_chain_indirect", &s);
	seed_chain_request(&s, KIND_SPLIT | IN_ZERO_COPY);
	seed_write(dir, "split_chain_indirect_zero_copy", &s);
	seed_stateless(&s);
	seed_write(dir, "split_stateless_chain", &s);
	seed_cipher(&s, KIND_PACKED, enc_id, false);
	seed_packed(&s);
	seed_write(dir, "packed_cipher", &s);
	seed_chain_request(&s, KIND_PACKED);
	seed_packed(&s);
	seed_write(dir, "packed_chain_indirect", &s);
	seed_control(&s);
	seed_write(dir, "control_create_destroy", &s);
	seed_session_msgs(dir);
}
