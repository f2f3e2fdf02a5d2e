/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * libFuzzer target over what a guest controls in the backend:
 *  - input[0] even: the bytes are a vhost-user create-session payload,
 *    decoded (and, when valid, turned into a session and destroyed);
 *  - input[0] odd: the bytes become a split ring in guest memory (the
 *    descriptor table, avail entries, request headers and buffers), and the
 *    data path serves it against crypto_aesni_mb with an openssl fallback;
 *    bit 1 of input[0] negotiates REVISION_1 and every stateless mode, so
 *    both request layouts are reached.
 * Afterwards every chain slot, op and mbuf must be back: a leak aborts.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>

#include "sim_guest.h"
#include "vhost_crypto_dev.h"
#include "vhost_user_crypto_wire.h"

#define GUEST_BASE	0x40000000ull
#define GUEST_SIZE	(1u << 20)
#define RING_SIZE	16
#define DESC_OFF	0x0000
#define AVAIL_OFF	0x1000
#define USED_OFF	0x2000
#define DATA_OFF	0x3000

static struct sim_guest sim;
static uint8_t *guest;
static struct vhost_crypto *vc;
static struct vring_desc *desc;
static struct vring_avail *avail;
static struct vring_used *used;

static void
die(const char *why)
{
	fprintf(stderr, "fuzz_backend: %s\n", why);
	abort();
}

static void
make_sessions(void)
{
	static const uint8_t key[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
					 14, 15, 16, 17, 18, 19, 20 };
	struct vhost_user_crypto_session_v71 m;
	struct vc_session_params p;
	uint64_t id;
	int dir, rc;

	for (dir = VIRTIO_CRYPTO_OP_ENCRYPT; dir <= VIRTIO_CRYPTO_OP_DECRYPT; dir++) {
		if (sim_cbc_session(&sim, key, dir, &id))
			die("session setup");
		memset(&m, 0, sizeof(m));
		m.info.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
		m.info.key_len = 16;
		m.info.direction = dir;
		memcpy(m.key, key, 16);
		/*
		 * and an encrypt chain with HMAC-SHA1, as QEMU passes on for
		 * IPsec (aesni_mb has no decrypt chain that generates a hash)
		 */
		if (dir != VIRTIO_CRYPTO_OP_ENCRYPT)
			continue;
		m.info.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
		m.info.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
		m.info.alg_chain_order = dir == VIRTIO_CRYPTO_OP_ENCRYPT ?
			VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH :
			VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER;
		m.info.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_SHA1;
		m.info.hash_result_len = 12;
		m.info.auth_key_len = 20;
		memcpy(m.auth_key, key, 20);
		rc = vc_session_msg_decode(&m, sizeof(m), VC_SESSION_MSG_AUTO, &p, NULL);
		if (rc == 0)
			rc = vc_session_create(&vc->sessions, &p, &id);
		if (rc) {
			fprintf(stderr, "chain session: %s\n", strerror(-rc));
			die("chain session setup");
		}
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal_args[] = {
		(*argv)[0], "--no-huge", "-m", "256", "--no-pci", "-l", "0",
		"--file-prefix", "vc_fuzz_backend", "--log-level", "*:crit",
		"--vdev", "crypto_aesni_mb0", "--vdev", "crypto_openssl0",
	};
	struct vhost_crypto_conf conf = {
		.socket_path = "fuzz",
		.flags = VHOST_CRYPTO_F_NO_NOTIFY | VHOST_CRYPTO_F_FALLBACK,
		.max_sessions = 8,
		.nb_ops = 64,
		.max_size = 65536 + 4096,
	};
	int mb, ossl;

	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0)
		die("EAL");
	if (sim_crypto_devices_start(&mb, &ossl) != 0)
		die("crypto devices");
	conf.cdev_id = mb;
	conf.fallback_cdev_id = ossl;
	if (sim_guest_init(&sim, GUEST_BASE, GUEST_SIZE, &conf) != 0)
		die("instance");
	guest = sim.mem;
	vc = sim.vc;
	desc = sim_gpa(&sim, GUEST_BASE + DESC_OFF);
	avail = sim_gpa(&sim, GUEST_BASE + AVAIL_OFF);
	used = sim_gpa(&sim, GUEST_BASE + USED_OFF);
	if (sim_guest_ring(&sim, 0, GUEST_BASE + DESC_OFF, GUEST_BASE + AVAIL_OFF,
			   GUEST_BASE + USED_OFF, RING_SIZE) != 0)
		die("ring");
	make_sessions();
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

static void
fuzz_ring(const uint8_t *data, size_t size, bool stateless)
{
	struct vc_ring *r = &vc->rings[0];
	unsigned int i, nb_heads, polls;
	uint8_t d;
	size_t n;

	vc->features = stateless ? (1ULL << VIRTIO_CRYPTO_F_REVISION_1) |
		(1ULL << VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE) |
		(1ULL << VIRTIO_CRYPTO_F_HASH_STATELESS_MODE) |
		(1ULL << VIRTIO_CRYPTO_F_MAC_STATELESS_MODE) |
		(1ULL << VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE) : 0;

	memset(guest, 0, DATA_OFF);
	/* descriptors */
	n = RTE_MIN(size, (size_t)RING_SIZE * sizeof(struct vring_desc));
	memcpy(desc, data, n);
	for (i = 0; i < RING_SIZE; i++)
		desc[i].addr = guest_addr(desc[i].addr);
	data += n;
	size -= n;
	/* avail entries: how many, then which heads (any value) */
	nb_heads = size ? (data[0] % RING_SIZE) + 1 : 1;
	data += size ? 1 : 0;
	size -= size ? 1 : 0;
	for (i = 0; i < nb_heads; i++) {
		uint16_t h = 0;

		if (size >= 2) {
			memcpy(&h, data, 2);
			data += 2;
			size -= 2;
		}
		avail->ring[i] = h % (RING_SIZE + 2);	/* sometimes out of range */
	}
	/* the rest is request headers and buffers */
	memcpy(guest + DATA_OFF, data, RTE_MIN(size, (size_t)GUEST_SIZE - DATA_OFF));

	r->vr.last_avail_idx = 0;
	r->vr.used_idx = 0;
	r->vr.signalled_used = 0;
	r->vr.broken = false;
	__atomic_store_n(&avail->idx, nb_heads, __ATOMIC_RELEASE);
	for (polls = 0; polls < 64; polls++)
		vhost_crypto_poll(vc, 32);
	vc_datapath_drain(vc);

	if (r->nb_free != r->nb_slots)
		die("chain slot leaked");
	if (rte_mempool_in_use_count(vc->op_pool) != 0)
		die("op leaked");
	if (rte_mempool_in_use_count(vc->mbuf_pool) != 0)
		die("mbuf leaked");
	for (d = 0; d < vc->sessions.nb_devs; d++)
		if (rte_mempool_in_use_count(vc->sessions.stateless_pool[d]) != 0)
			die("stateless request session leaked");
	/*
	 * Every chain taken was given back. (Not "used->idx == nb_heads": a
	 * guest may point writable buffers at its own rings and rewrite them.)
	 */
	if (r->vr.used_idx != r->vr.last_avail_idx)
		die("a chain was taken and never completed");
}

static void
fuzz_session_msg(const uint8_t *data, size_t size)
{
	static uint8_t payload[VHOST_USER_CRYPTO_SESSION_SIZE_1072];
	struct vc_session_params p;
	enum vc_session_msg_layout layout;
	uint32_t len = size > 600 ? VHOST_USER_CRYPTO_SESSION_SIZE_1072 :
		       VHOST_USER_CRYPTO_SESSION_SIZE_632;
	uint64_t id;

	memset(payload, 0, sizeof(payload));
	memcpy(payload, data, RTE_MIN(size, sizeof(payload)));
	if (vc_session_msg_decode(payload, len, VC_SESSION_MSG_AUTO, &p, &layout) != 0)
		return;
	if (vc_session_create(&vc->sessions, &p, &id) == 0 &&
	    vc_session_destroy(&vc->sessions, id) != 0)
		die("session create/destroy");
	vc_session_msg_set_reply(payload, layout, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_ring(data + 1, size - 1, data[0] & 2);
	else
		fuzz_session_msg(data + 1, size - 1);
	return 0;
}
