/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * libFuzzer target over everything a vhost-user frontend controls: the
 * messages it sends on the socket (with their fds), in any order, and the
 * rings and buffers in the memory it shares.
 *
 * One backend instance (the public API, its session relay, librte_vhost
 * behind it) listens on a socket under /run for the whole process. Each
 * input is ONE connection: the target connects, plays the steps the input
 * decodes to, closes, waits until the instance shows the frontend gone
 * (the event telemetry reports as "connected"), and then asserts R8 of the
 * backend contract: no session left, no op, mbuf or AAD buffer in use.
 * Anything else aborts, so libFuzzer keeps the input.
 *
 * The fuzz thread is the instance's only worker: a POLL step calls
 * vhost_crypto_poll() itself, between messages, so that requests are in
 * flight when memory and ring messages arrive.
 *
 * Input format (structure-aware: every byte string is a valid sequence;
 * bytes past the end read as 0). A step is an opcode byte, op % NB_STEPS:
 *
 *   RAW_MSG      req, flags, size le16, fdsel, payload[size]: any request
 *                number (unknown ones too), any flags, any size
 *   HELLO        v: the handshake (features, owner, protocol features)
 *   SET_FEATURES flags, fsel [le64 when fsel bit 7]
 *   MEM          flags, kind (set / add / remove), count, regions: each
 *                a selector byte and the raw fields it asks for; regions
 *                are windows on four memfds the target maps too
 *   RING_START   q, v [raw values]: NUM, BASE, ADDR, KICK, CALL, ENABLE
 *                for one ring, as frontends send them
 *   RING_MSG     kind, flags, index, values: one ring message, any values
 *   SESS_CREATE  flags, layout, parameters: message 26 in every layout
 *   SESS_CLOSE   flags, sel [le64]: message 27
 *   RING_WRITE   q, count, chains: descriptors, avail entries and request
 *                headers in shared memory (split or packed), from
 *                templates (cipher, chain, control create/destroy) or raw
 *   POLL         n: polls, or (bit 7) until nothing is in flight
 *   TRUNCATE     req, size, sent: a message cut short; the sequence ends
 *
 * VC_FUZZ_WRITE_SEEDS=DIR writes the seed corpus (the message orders real
 * frontends send: QEMU 7.2, QEMU 10, the crypto_virtio_user PMD; memory
 * hotplug mid-traffic; stop and restart; reconnect), checking each as it
 * goes, and exits. VC_FUZZ_ZERO_COPY=1 serves with VHOST_CRYPTO_F_ZERO_COPY;
 * VC_FUZZ_LOG_LEVEL (EAL's --log-level, default *:crit) shows what the
 * backend says about an input, VC_FUZZ_TRACE=1 the steps it decodes to.
 */

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "sim_guest.h"
#include "vhost_crypto.h"
#include "vhost_crypto_dev.h"
#include "vhost_user_crypto_wire.h"

#define NB_DATAQ	2
#define NB_RINGS	(NB_DATAQ + 1)	/* the control queue is index NB_DATAQ */
#define NB_RING_VIEW	4		/* one past the instance's rings */
#define NB_MEMFD	4
#define MEMFD_SIZE	(2u << 20)
#define MAX_STEPS	128
#define MAX_PAYLOAD	4300		/* past the relay's 4096 */
#define NB_IDS		8

/* Canonical layout: region k at these addresses, rings and buffers in region 0. */
#define CANON_GPA	0x40000000ull
#define CANON_UADDR	0x7f0000000000ull
#define CANON_STRIDE	0x100000ull
#define CANON_SIZE	0x80000ull
#define RING_AREA	0x10000ull	/* per ring: desc +0, avail +0x4000, used +0x6000 */
#define AVAIL_OFF	0x4000
#define USED_OFF	0x6000
#define DATA_AREA	0x40000ull	/* request slots */
#define SLOT_SIZE	0x2000ull
#define NB_SLOTS	8
/* inside a slot */
#define S_REQ		0x000
#define S_KEYS		0x080
#define S_IV		0x100
#define S_SRC		0x200
#define S_DST		0x600
#define S_DIGEST	0xa00
#define S_STATUS	0xb00
#define S_TABLE		0xc00

/*
 * How long the backend may take to answer. A reply that does not come
 * costs this much, so fuzzing waits 1 s (and counts the misses); writing
 * the seeds, where every reply is certain, waits 10 s for a busy machine.
 */
#define REPLY_TIMEOUT_MS	1000
#define SEED_REPLY_TIMEOUT_MS	10000
/* Connection events (telemetry's "connected"), polled: generous. */
#define EVENT_DEADLINE_MS	20000

enum step {
	STEP_RAW_MSG, STEP_HELLO, STEP_SET_FEATURES, STEP_MEM, STEP_RING_START,
	STEP_RING_MSG, STEP_SESS_CREATE, STEP_SESS_CLOSE, STEP_RING_WRITE, STEP_POLL,
	STEP_TRUNCATE, NB_STEPS,
};

static const char *const step_names[NB_STEPS] = {
	"RAW_MSG", "HELLO", "SET_FEATURES", "MEM", "RING_START", "RING_MSG", "SESS_CREATE",
	"SESS_CLOSE", "RING_WRITE", "POLL", "TRUNCATE",
};

/* flags byte of a message step */
#define F_NEED_REPLY	VHOST_USER_FLAG_NEED_REPLY

/* ------------------------------------------------------------------ */
/* Process state (the fuzz thread owns all of it)                      */
/* ------------------------------------------------------------------ */

static struct vhost_crypto *vc;
static char sock_path[108];
static char lib_path[120];
static int memfd[NB_MEMFD];
static uint8_t *memfd_map[NB_MEMFD];
static bool trace;			/* VC_FUZZ_TRACE=1: print the steps */
static unsigned long reply_timeouts;	/* replies predicted that never came */
static unsigned int reply_timeout_ms = REPLY_TIMEOUT_MS;

/* The input being decoded. */
struct in {
	const uint8_t *p;
	size_t n;
};

struct region_view {
	uint64_t gpa, uaddr, size, off;
	unsigned int mfd;
};

struct ring_view {
	uint16_t num;
	uint64_t desc, avail, used;	/* frontend addresses (uaddr) */
	uint16_t drv_idx;		/* split: next avail idx; packed: next slot */
	bool drv_wrap;
	uint16_t next_desc;		/* split: next free descriptor */
	uint16_t reported_base;		/* last GET_VRING_BASE reply */
	bool packed;
};

/* What the sequence did, for the seed checks. */
struct run_result {
	unsigned int replies, timeouts, sessions_ok, ctrl_sessions_ok;
	bool dropped;			/* the backend ended the connection */
	uint64_t completed_ok, completed_err, requests;
};

/* One connection's state, as the frontend sees it. */
struct fe {
	int sock;
	bool up;
	bool unsynced;			/* sent messages the backend may not have applied yet */
	struct region_view regs[VHOST_USER_MEMORY_MAX_NREGIONS];
	unsigned int nregs;
	uint64_t offered_features, offered_pf;
	bool packed;			/* PACKED in the last SET_FEATURES */
	bool rev1;			/* REVISION_1 too: requests without padding */
	struct ring_view ring[NB_RING_VIEW];
	int64_t ids[NB_IDS];
	unsigned int nids;
	uint64_t ctrl_results[16];	/* gpas of session_input to harvest */
	unsigned int nctrl;
	unsigned int chain_no;
	struct run_result res;
};

static struct run_result last_result;

static void
die(const char *why)
{
	fprintf(stderr, "fuzz_vhost_user: %s\n", why);
	abort();
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* Reading the input                                                   */
/* ------------------------------------------------------------------ */

static void
take(struct in *in, void *dst, size_t n)
{
	size_t k = RTE_MIN(n, in->n);

	memset(dst, 0, n);
	memcpy(dst, in->p, k);
	in->p += k;
	in->n -= k;
}

static uint8_t
u8(struct in *in)
{
	uint8_t v;

	take(in, &v, 1);
	return v;
}

static uint16_t
u16(struct in *in)
{
	uint16_t v;

	take(in, &v, 2);
	return v;
}

static uint32_t
u32(struct in *in)
{
	uint32_t v;

	take(in, &v, 4);
	return v;
}

static uint64_t
u64(struct in *in)
{
	uint64_t v;

	take(in, &v, 8);
	return v;
}

/* ------------------------------------------------------------------ */
/* Shared memory as the frontend sees it                               */
/* ------------------------------------------------------------------ */

/* Our mapping of [addr, addr + len) (guest-physical or frontend-virtual), or NULL. */
static void *
xlate(const struct fe *f, uint64_t addr, uint64_t len, bool uaddr)
{
	unsigned int i;

	for (i = 0; i < f->nregs; i++) {
		const struct region_view *r = &f->regs[i];
		uint64_t base = uaddr ? r->uaddr : r->gpa, d;

		if (addr < base || addr - base >= r->size)
			continue;
		d = addr - base;
		if (len > r->size - d || r->off + d + len > MEMFD_SIZE || r->off > MEMFD_SIZE)
			return NULL;
		return memfd_map[r->mfd] + r->off + d;
	}
	return NULL;
}

/* Guest address of request slot `s` in region `r` (the table's, or the canonical one). */
static uint64_t
slot_gpa(const struct fe *f, unsigned int r, unsigned int s)
{
	uint64_t base = f->nregs ? f->regs[r % f->nregs].gpa : CANON_GPA;

	return base + DATA_AREA + (uint64_t)(s % NB_SLOTS) * SLOT_SIZE;
}

/*
 * Rings and tables are written only where the spec aligns them (the input
 * may map a region at any offset; the backend is still told the address).
 */
static bool
aligned(const void *p, uintptr_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

static void
put(const struct fe *f, uint64_t gpa, const void *src, size_t len)
{
	void *p = xlate(f, gpa, len, false);

	if (p != NULL)
		memcpy(p, src, len);
}

/* ------------------------------------------------------------------ */
/* The socket                                                          */
/* ------------------------------------------------------------------ */

static int
new_eventfd(void)
{
	return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

/* fds for a message, by selector: count in bits 0-1, kinds in bits 2-7. */
static unsigned int
make_fds(uint8_t sel, int *fds)
{
	unsigned int n = sel & 3, i;

	for (i = 0; i < n; i++) {
		switch ((sel >> (2 + 2 * i)) & 3) {
		case 0:
			fds[i] = new_eventfd();
			break;
		case 1:
			fds[i] = dup(memfd[i % NB_MEMFD]);
			break;
		case 2:
			fds[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
			break;
		default:
			fds[i] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			break;
		}
		if (fds[i] < 0)
			die("cannot make an fd to send");
	}
	return n;
}

static void
close_fds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

/* Read and drop whatever the backend sent that nobody waits for. */
static void
drain(struct fe *f)
{
	uint8_t sink[4096];

	while (f->up) {
		ssize_t n = recv(f->sock, sink, sizeof(sink), MSG_DONTWAIT);

		if (n > 0)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			f->up = false;	/* the backend ended the connection */
		if (n == 0 || errno == EAGAIN)
			break;
	}
}

static int
send_raw(struct fe *f, const void *buf, size_t len, const int *fds, unsigned int nb_fds)
{
	char control[CMSG_SPACE(8 * sizeof(int))];
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (nb_fds > 0) {
		struct cmsghdr *c;

		memset(control, 0, sizeof(control));
		mh.msg_control = control;
		mh.msg_controllen = CMSG_SPACE(nb_fds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nb_fds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nb_fds * sizeof(int));
	}
	do {
		n = sendmsg(f->sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		f->up = false;
		return -1;
	}
	return 0;
}

static int
recv_full(struct fe *f, void *buf, size_t len, uint64_t deadline)
{
	uint8_t *p = buf;

	while (len > 0) {
		struct pollfd pf = { .fd = f->sock, .events = POLLIN };
		uint64_t now = now_ms();
		ssize_t n;

		if (now >= deadline)
			return -ETIMEDOUT;
		if (poll(&pf, 1, (int)(deadline - now)) <= 0)
			continue;
		n = recv(f->sock, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			f->up = false;
			return -EPIPE;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* Requests the backend answers without being asked to (librte_vhost 22.11 and the relay). */
static bool
always_replies(uint32_t req)
{
	switch (req) {
	case VHOST_USER_GET_FEATURES:
	case 6:		/* SET_LOG_BASE */
	case VHOST_USER_GET_VRING_BASE:
	case VHOST_USER_GET_PROTOCOL_FEATURES:
	case VHOST_USER_GET_QUEUE_NUM:
	case VHOST_USER_GET_CONFIG:
	case VHOST_USER_CREATE_CRYPTO_SESSION:
	case 28:	/* POSTCOPY_ADVISE */
	case 30:	/* POSTCOPY_END */
	case 31:	/* GET_INFLIGHT_FD */
	case 36:	/* GET_MAX_MEM_SLOTS */
	case 40:	/* GET_STATUS */
		return true;
	default:
		return false;
	}
}

/*
 * Send one message; when a reply is due, wait for it (or for the backend
 * to end the connection) and return its payload size, else 0; -1 when the
 * connection is gone.
 */
static int
message(struct fe *f, uint32_t req, uint32_t flags, const void *payload, uint32_t size,
	const int *fds, unsigned int nb_fds, void *reply, uint32_t reply_max)
{
	static uint8_t buf[sizeof(struct vhost_user_msg_hdr) + MAX_PAYLOAD];
	struct vhost_user_msg_hdr *h = (void *)buf;
	struct vhost_user_msg_hdr rh;
	uint8_t sink[256];
	uint64_t deadline;
	uint32_t left;

	if (!f->up)
		return -1;
	drain(f);
	if (!f->up)
		return -1;
	size = RTE_MIN(size, (uint32_t)MAX_PAYLOAD);
	h->request = req;
	h->flags = flags;
	h->size = size;
	if (size > 0)
		memcpy(buf + sizeof(*h), payload, size);
	if (send_raw(f, buf, sizeof(*h) + size, fds, nb_fds) != 0)
		return -1;
	f->unsynced = true;
	if (!always_replies(req) && !(flags & VHOST_USER_FLAG_NEED_REPLY))
		return 0;
	deadline = now_ms() + reply_timeout_ms;
	if (recv_full(f, &rh, sizeof(rh), deadline) != 0) {
		if (f->up) {
			reply_timeouts++;
			f->res.timeouts++;
		}
		return f->up ? 0 : -1;
	}
	f->res.replies++;
	/*
	 * librte_vhost answers in order: everything sent before has been
	 * applied. The relay answers session messages itself, ahead of it.
	 */
	if (req != VHOST_USER_CREATE_CRYPTO_SESSION && req != VHOST_USER_CLOSE_CRYPTO_SESSION)
		f->unsynced = false;
	left = rh.size;
	if (reply != NULL && reply_max > 0) {
		uint32_t k = RTE_MIN(left, reply_max);

		memset(reply, 0, reply_max);
		if (recv_full(f, reply, k, deadline) != 0)
			return -1;
		left -= k;
	}
	while (left > 0) {
		uint32_t k = RTE_MIN(left, (uint32_t)sizeof(sink));

		if (recv_full(f, sink, k, deadline) != 0)
			return -1;
		left -= k;
	}
	return (int)RTE_MIN(rh.size, (uint32_t)INT32_MAX);
}

/* Flags from a step's flags byte: the version mostly right, NEED_REPLY and the rest as given. */
static uint32_t
msg_flags(uint8_t b)
{
	uint32_t ver = (b & 3) == 0 ? VHOST_USER_VERSION : (b & 3);

	return ver | (b & (VHOST_USER_FLAG_REPLY | VHOST_USER_FLAG_NEED_REPLY)) |
	       ((uint32_t)(b & 0xf0) << 24);
}

static uint64_t
get_u64(struct fe *f, uint32_t req)
{
	uint64_t v = 0;

	message(f, req, VHOST_USER_VERSION, NULL, 0, NULL, 0, &v, sizeof(v));
	return v;
}

static void
set_u64(struct fe *f, uint32_t req, uint32_t flags, uint64_t v, const int *fds,
	unsigned int nb_fds)
{
	uint64_t ack;

	message(f, req, flags, &v, sizeof(v), fds, nb_fds, &ack, sizeof(ack));
}

/* ------------------------------------------------------------------ */
/* Steps                                                               */
/* ------------------------------------------------------------------ */

static void
step_raw_msg(struct fe *f, struct in *in)
{
	static uint8_t payload[MAX_PAYLOAD];
	uint8_t req = u8(in), fb = u8(in);
	uint32_t size = u16(in) % (MAX_PAYLOAD + 1);
	uint8_t fdsel = u8(in);
	int fds[3];
	unsigned int n;

	take(in, payload, size);
	n = make_fds(fdsel, fds);
	message(f, req, msg_flags(fb), payload, size, fds, n, NULL, 0);
	close_fds(fds, n);
}

/* The protocol features a mask byte picks: bit i is the i-th of these. */
static const uint8_t pf_bits[8] = {
	VHOST_USER_PROTOCOL_F_MQ, VHOST_USER_PROTOCOL_F_REPLY_ACK,
	VHOST_USER_PROTOCOL_F_CRYPTO_SESSION, VHOST_USER_PROTOCOL_F_CONFIG,
	1 /* LOG_SHMFD */, 5 /* BACKEND_REQ */, 12 /* INFLIGHT_SHMFD */, 15 /* CONFIGURE_MEM_SLOTS */,
};

/*
 * v: bit 0 SET_OWNER first (our PMD) rather than after the protocol
 * features (QEMU); bit 1 GET_QUEUE_NUM; bit 2 NEED_REPLY on the sets;
 * bit 3 no SET_OWNER; then a mask byte of protocol features (inverted:
 * 0 asks for all that are offered).
 */
static void
step_hello(struct fe *f, struct in *in)
{
	uint8_t v = u8(in), mask = ~u8(in);
	uint32_t sflags = VHOST_USER_VERSION | ((v & 4) ? F_NEED_REPLY : 0);
	uint64_t pf = 0;
	unsigned int i;

	if ((v & 9) == 1)
		message(f, VHOST_USER_SET_OWNER, sflags, NULL, 0, NULL, 0, NULL, 0);
	f->offered_features = get_u64(f, VHOST_USER_GET_FEATURES);
	if (f->offered_features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
		f->offered_pf = get_u64(f, VHOST_USER_GET_PROTOCOL_FEATURES);
		for (i = 0; i < 8; i++)
			if (mask & (1u << i))
				pf |= 1ULL << pf_bits[i];
		set_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES, sflags, pf & f->offered_pf, NULL, 0);
		if (v & 2)
			get_u64(f, VHOST_USER_GET_QUEUE_NUM);
	}
	if ((v & 9) == 0) {
		message(f, VHOST_USER_SET_OWNER, sflags, NULL, 0, NULL, 0, NULL, 0);
		get_u64(f, VHOST_USER_GET_FEATURES);	/* QEMU asks again */
	}
}

/* Feature bits a selector byte picks (bits 0-6); bit 7: a raw le64 follows. */
static const uint8_t feat_bits[7] = {
	VHOST_USER_F_PROTOCOL_FEATURES, VIRTIO_F_VERSION_1, VIRTIO_F_RING_PACKED,
	VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX,
	VIRTIO_CRYPTO_F_REVISION_1, VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE,
};

static void
step_set_features(struct fe *f, struct in *in)
{
	uint8_t fb = u8(in), sel = u8(in);
	uint64_t v = 0;
	unsigned int i;

	if (sel & 0x80) {
		v = u64(in);
	} else {
		for (i = 0; i < 7; i++)
			if (sel & (1u << i))
				v |= 1ULL << feat_bits[i];
	}
	f->packed = v & (1ULL << VIRTIO_F_RING_PACKED);
	f->rev1 = v & (1ULL << VIRTIO_CRYPTO_F_REVISION_1);
	set_u64(f, VHOST_USER_SET_FEATURES, msg_flags(fb), v, NULL, 0);
}

/*
 * A region: selector bits 0-1 the memfd, bit 2 raw gpa, bit 3 raw uaddr,
 * bit 4 raw size, bit 5 raw offset (each a le64 that follows), bit 6 no
 * fd for it, bit 7 a second fd. Canonical: region k at CANON_* + k * stride.
 */
static void
read_region(struct in *in, unsigned int k, struct vhost_user_mem_region *r,
	    struct region_view *v, int *fds, unsigned int *nb_fds)
{
	uint8_t sel = u8(in);

	v->mfd = sel & 3;
	r->guest_phys_addr = (sel & 4) ? u64(in) : CANON_GPA + k * CANON_STRIDE;
	r->userspace_addr = (sel & 8) ? u64(in) : CANON_UADDR + k * CANON_STRIDE;
	r->memory_size = (sel & 16) ? u64(in) : CANON_SIZE;
	r->mmap_offset = (sel & 32) ? u64(in) : 0;
	/*
	 * Past the end of its memfd too: librte_vhost would map it and a
	 * touch be SIGBUS, so the backend must refuse such a table.
	 */
	v->gpa = r->guest_phys_addr;
	v->uaddr = r->userspace_addr;
	v->size = r->memory_size;
	v->off = r->mmap_offset;
	if (!(sel & 64) && *nb_fds < 8)
		fds[(*nb_fds)++] = dup(memfd[v->mfd]);
	if ((sel & 128) && *nb_fds < 8)
		fds[(*nb_fds)++] = new_eventfd();
}

static void
step_mem(struct fe *f, struct in *in)
{
	uint8_t fb = u8(in), kind = u8(in) % 3;
	unsigned int n = u8(in) % (VHOST_USER_MEMORY_MAX_NREGIONS + 2), i;
	struct region_view views[VHOST_USER_MEMORY_MAX_NREGIONS + 1];
	struct vhost_user_memory mem;
	uint64_t ack;
	int fds[8];
	unsigned int nb_fds = 0;

	memset(&mem, 0, sizeof(mem));
	if (kind == 0) {
		/* SET_MEM_TABLE: nregions may say more than there are (9) */
		mem.nregions = n;
		for (i = 0; i < RTE_MIN(n, (unsigned int)VHOST_USER_MEMORY_MAX_NREGIONS); i++)
			read_region(in, i, &mem.regions[i], &views[i], fds, &nb_fds);
		message(f, VHOST_USER_SET_MEM_TABLE, msg_flags(fb), &mem,
			offsetof(struct vhost_user_memory, regions) +
			RTE_MIN(n, (unsigned int)VHOST_USER_MEMORY_MAX_NREGIONS) *
			sizeof(mem.regions[0]), fds, nb_fds, &ack, sizeof(ack));
		f->nregs = RTE_MIN(n, (unsigned int)VHOST_USER_MEMORY_MAX_NREGIONS);
		memcpy(f->regs, views, f->nregs * sizeof(views[0]));
	} else {
		/* ADD_MEM_REG / REM_MEM_REG: u64 padding, one region */
		struct {
			uint64_t padding;
			struct vhost_user_mem_region r;
		} one;

		memset(&one, 0, sizeof(one));
		read_region(in, f->nregs + n, &one.r, &views[0], fds, &nb_fds);
		message(f, kind == 1 ? VHOST_USER_ADD_MEM_REG : VHOST_USER_REM_MEM_REG,
			msg_flags(fb), &one, sizeof(one), fds, nb_fds, &ack, sizeof(ack));
		if (kind == 1 && f->nregs < VHOST_USER_MEMORY_MAX_NREGIONS) {
			f->regs[f->nregs++] = views[0];
		} else if (kind == 2) {
			for (i = 0; i < f->nregs; i++)
				if (f->regs[i].gpa == views[0].gpa) {
					f->regs[i] = f->regs[--f->nregs];
					break;
				}
		}
	}
	close_fds(fds, nb_fds);
}

/* Tell the view a ring starts at `base`, and the driver side agrees. */
static void
ring_based(struct fe *f, unsigned int q, uint16_t base)
{
	struct ring_view *r = &f->ring[q % NB_RING_VIEW];

	if (r->packed) {
		r->drv_idx = base & 0x7fff;
		r->drv_wrap = base >> 15;
	} else {
		/*
		 * A ring started at `base` has seen `base` chains offered and
		 * used (a restart or a reconnect): its indices say so, as a
		 * guest's memory would (librte_vhost goes by used->idx).
		 */
		uint16_t *idx = xlate(f, r->avail + 2, 2, true);
		uint16_t *used = xlate(f, r->used + 2, 2, true);

		r->drv_idx = base;
		r->next_desc = 0;
		if (idx != NULL && aligned(idx, 2))
			__atomic_store_n(idx, base, __ATOMIC_RELEASE);
		if (used != NULL && aligned(used, 2))
			__atomic_store_n(used, base, __ATOMIC_RELEASE);
	}
}

static void
send_fd_msg(struct fe *f, uint32_t req, uint32_t flags, uint32_t idx, uint8_t fdsel)
{
	int fds[3];
	unsigned int n = make_fds(fdsel, fds);
	uint64_t v = idx | ((fdsel & 0x80) ? VHOST_USER_VRING_NOFD_MASK : 0);

	set_u64(f, req, flags, v, fds, n);
	close_fds(fds, n);
}

/*
 * q: bits 0-1 the ring, bits 2-3 its size (16, 64, 256, 1024), bit 4 the
 * base GET_VRING_BASE last reported, bit 5 a packed ring.
 * v: bit 0 NEED_REPLY, bits 1-5 skip NUM, BASE, ADDR, KICK, CALL, bit 6
 * SET_VRING_ENABLE too, bit 7 raw num, base and addresses follow.
 * Canonical addresses: ring q's area in the first region of the table.
 */
static void
step_ring_start(struct fe *f, struct in *in)
{
	static const uint16_t sizes[4] = { 16, 64, 256, 1024 };
	uint8_t qb = u8(in), v = u8(in);
	unsigned int q = qb & 3;
	struct ring_view *r = &f->ring[q];
	uint32_t flags = VHOST_USER_VERSION | ((v & 1) ? F_NEED_REPLY : 0);
	uint64_t area = (f->nregs ? f->regs[0].uaddr : CANON_UADDR) + q * RING_AREA;
	struct vhost_user_vring_state st = { .index = q, .num = sizes[(qb >> 2) & 3] };
	struct vhost_user_vring_addr addr = {
		.index = q, .desc = area, .avail = area + AVAIL_OFF, .used = area + USED_OFF,
	};
	uint64_t ack;
	uint16_t base;

	r->packed = (qb & 32) != 0;
	base = (qb & 16) ? r->reported_base : (r->packed ? 0x8000 : 0);
	if (v & 0x80) {
		st.num = u16(in);
		base = u16(in);
		addr.desc = u64(in);
		addr.avail = u64(in);
		addr.used = u64(in);
	}
	r->num = st.num;
	r->desc = addr.desc;
	r->avail = addr.avail;
	r->used = addr.used;
	if (!(v & 2))
		message(f, VHOST_USER_SET_VRING_NUM, flags, &st, sizeof(st), NULL, 0, &ack,
			sizeof(ack));
	if (!(v & 4)) {
		st.num = base;
		ring_based(f, q, base);
		message(f, VHOST_USER_SET_VRING_BASE, flags, &st, sizeof(st), NULL, 0, &ack,
			sizeof(ack));
	}
	if (!(v & 8))
		message(f, VHOST_USER_SET_VRING_ADDR, flags, &addr, sizeof(addr), NULL, 0, &ack,
			sizeof(ack));
	if (!(v & 16))
		send_fd_msg(f, VHOST_USER_SET_VRING_KICK, flags, q, 1);
	if (!(v & 32))
		send_fd_msg(f, VHOST_USER_SET_VRING_CALL, flags, q, 1);
	if (v & 64) {
		st.num = 1;
		message(f, VHOST_USER_SET_VRING_ENABLE, flags, &st, sizeof(st), NULL, 0, &ack,
			sizeof(ack));
	}
}

/*
 * One ring message with any values: kind % 8 is NUM, BASE, ADDR, KICK,
 * CALL, ERR, ENABLE, GET_VRING_BASE; the index is raw (past the rings too).
 */
static void
step_ring_msg(struct fe *f, struct in *in)
{
	static const uint32_t reqs[8] = {
		VHOST_USER_SET_VRING_NUM, VHOST_USER_SET_VRING_BASE, VHOST_USER_SET_VRING_ADDR,
		VHOST_USER_SET_VRING_KICK, VHOST_USER_SET_VRING_CALL, VHOST_USER_SET_VRING_ERR,
		VHOST_USER_SET_VRING_ENABLE, VHOST_USER_GET_VRING_BASE,
	};
	uint8_t kind = u8(in) % 8, fb = u8(in), idx = u8(in);
	uint32_t req = reqs[kind], flags = msg_flags(fb);
	struct vhost_user_vring_state st = { .index = idx };
	struct vhost_user_vring_addr addr;
	uint64_t ack;

	switch (req) {
	case VHOST_USER_SET_VRING_ADDR:
		addr.index = idx;
		addr.flags = u8(in) & 1;	/* VHOST_VRING_F_LOG */
		addr.desc = u64(in);
		addr.used = u64(in);
		addr.avail = u64(in);
		addr.log = u64(in);
		if (idx < NB_RING_VIEW) {
			f->ring[idx].desc = addr.desc;
			f->ring[idx].avail = addr.avail;
			f->ring[idx].used = addr.used;
		}
		message(f, req, flags, &addr, sizeof(addr), NULL, 0, &ack, sizeof(ack));
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		send_fd_msg(f, req, flags, idx, u8(in));
		break;
	case VHOST_USER_GET_VRING_BASE:
		if (message(f, req, flags, &st, sizeof(st), NULL, 0, &st, sizeof(st)) ==
		    sizeof(st) && idx < NB_RING_VIEW)
			f->ring[idx].reported_base = st.num;
		break;
	default:
		st.num = u32(in);
		if (idx < NB_RING_VIEW && req == VHOST_USER_SET_VRING_NUM)
			f->ring[idx].num = st.num;
		if (idx < NB_RING_VIEW && req == VHOST_USER_SET_VRING_BASE)
			ring_based(f, idx, st.num);
		message(f, req, flags, &st, sizeof(st), NULL, 0, &ack, sizeof(ack));
		break;
	}
}

static void
remember_id(struct fe *f, int64_t id)
{
	unsigned int i;

	if (id < 0)
		return;
	for (i = 0; i < f->nids; i++)
		if (f->ids[i] == id)
			return;
	f->ids[f->nids++ % NB_IDS] = id;
	f->nids = RTE_MIN(f->nids, (unsigned int)NB_IDS);
}

/* A tracked session id by selector (bit 7: a raw le64 follows). */
static uint64_t
pick_id(struct fe *f, struct in *in, uint8_t sel)
{
	if (sel & 0x80)
		return u64(in);
	return f->nids ? (uint64_t)f->ids[sel % f->nids] : sel;
}

/*
 * layout % 5: QEMU <= 7.0, 7.1-8.0 (632 bytes), >= 8.1 symmetric and
 * asymmetric (1072 bytes), or raw (size and bytes from the input). Then
 * cipher_alg, key_len, op_type, direction, hash_alg, hash_result_len,
 * auth_key_len (le16), hash_mode, chain_order, aad_len; keys are a pattern.
 */
static void
step_sess_create(struct fe *f, struct in *in)
{
	static union {
		struct vhost_user_crypto_session_v70 v70;
		struct vhost_user_crypto_session_v71 v71;
		struct vhost_user_crypto_session_v81 v81;
		uint8_t raw[MAX_PAYLOAD];
	} m;
	uint8_t fb = u8(in), layout = u8(in) % 5;
	uint32_t size = VHOST_USER_CRYPTO_SESSION_SIZE_632;
	uint8_t cipher = u8(in), key_len = u8(in), op_type = u8(in), dir = u8(in);
	uint8_t hash = u8(in), result_len = u8(in);
	uint16_t auth_len = u16(in);
	uint8_t hash_mode = u8(in), order = u8(in), aad = u8(in);
	int64_t id;
	int n;

	memset(&m, 0, sizeof(m));
	switch (layout) {
	case 0:
		m.v70.info.op_code = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;
		m.v70.info.cipher_alg = cipher;
		m.v70.info.key_len = key_len;
		m.v70.info.hash_alg = hash;
		m.v70.info.hash_result_len = result_len;
		m.v70.info.auth_key_len = auth_len;
		m.v70.info.aad_len = aad;
		m.v70.info.op_type = op_type;
		m.v70.info.direction = dir;
		m.v70.info.hash_mode = hash_mode;
		m.v70.info.alg_chain_order = order;
		memset(m.v70.key, 0x44, sizeof(m.v70.key));
		memset(m.v70.auth_key, 0x55, sizeof(m.v70.auth_key));
		break;
	case 1:
		m.v71.info.cipher_alg = cipher;
		m.v71.info.key_len = key_len;
		m.v71.info.hash_alg = hash;
		m.v71.info.hash_result_len = result_len;
		m.v71.info.auth_key_len = auth_len;
		m.v71.info.aad_len = aad;
		m.v71.info.op_type = op_type;
		m.v71.info.direction = dir;
		m.v71.info.hash_mode = hash_mode;
		m.v71.info.alg_chain_order = order;
		memset(m.v71.key, 0x44, sizeof(m.v71.key));
		memset(m.v71.auth_key, 0x55, sizeof(m.v71.auth_key));
		break;
	case 2:
		size = VHOST_USER_CRYPTO_SESSION_SIZE_1072;
		m.v81.op_code = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;
		m.v81.u.sym.info.cipher_alg = cipher;
		m.v81.u.sym.info.key_len = key_len;
		m.v81.u.sym.info.hash_alg = hash;
		m.v81.u.sym.info.hash_result_len = result_len;
		m.v81.u.sym.info.auth_key_len = auth_len;
		m.v81.u.sym.info.aad_len = aad;
		m.v81.u.sym.info.op_type = op_type;
		m.v81.u.sym.info.direction = dir;
		m.v81.u.sym.info.hash_mode = hash_mode;
		m.v81.u.sym.info.alg_chain_order = order;
		memset(m.v81.u.sym.key, 0x44, sizeof(m.v81.u.sym.key));
		memset(m.v81.u.sym.auth_key, 0x55, sizeof(m.v81.u.sym.auth_key));
		break;
	case 3:
		size = VHOST_USER_CRYPTO_SESSION_SIZE_1072;
		m.v81.op_code = VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION;
		m.v81.u.asym.info.algo = cipher;
		m.v81.u.asym.info.keytype = op_type;
		m.v81.u.asym.info.keylen = auth_len;
		m.v81.u.asym.info.u.rsa.padding_algo = dir;
		m.v81.u.asym.info.u.rsa.hash_algo = hash;
		memset(m.v81.u.asym.key, 0x30, sizeof(m.v81.u.asym.key));
		break;
	default:
		size = ((uint32_t)cipher << 8 | key_len) % (MAX_PAYLOAD + 1);
		take(in, m.raw, size);
		break;
	}
	n = message(f, VHOST_USER_CREATE_CRYPTO_SESSION, msg_flags(fb), &m, size, NULL, 0,
		    &m, sizeof(m));
	if (n == VHOST_USER_CRYPTO_SESSION_SIZE_632 || n == VHOST_USER_CRYPTO_SESSION_SIZE_1072) {
		id = n == VHOST_USER_CRYPTO_SESSION_SIZE_632 ? m.v71.session_id : m.v81.session_id;
		if (id >= 0) {
			f->res.sessions_ok++;
			remember_id(f, id);
		}
	}
	explicit_bzero(&m, sizeof(m));
}

/* sel as pick_id; bit 6: a size that lies (4 or 16 bytes). */
static void
step_sess_close(struct fe *f, struct in *in)
{
	uint8_t fb = u8(in), sel = u8(in);
	uint64_t m[2] = { pick_id(f, in, sel), 0 };
	uint64_t ack;

	message(f, VHOST_USER_CLOSE_CRYPTO_SESSION, msg_flags(fb), m,
		(sel & 0x40) ? ((sel & 1) ? 4 : 16) : 8, NULL, 0, &ack, sizeof(ack));
}

/* ------------------------------------------------------------------ */
/* Ring contents                                                       */
/* ------------------------------------------------------------------ */

struct chain {
	struct vring_desc d[16];
	unsigned int n;
	bool raw_links;
	bool indirect;
	uint64_t slot;		/* gpa of the chain's request slot */
};

static void
add_desc(struct chain *c, uint64_t gpa, uint32_t len, uint16_t flags)
{
	if (c->n < RTE_DIM(c->d))
		c->d[c->n++] = (struct vring_desc){ gpa, len, flags, 0 };
}

/* Fill the slot's buffers the way a driver does before it offers a chain. */
static void
slot_prepare(struct fe *f, uint64_t slot, const void *req, size_t req_len)
{
	uint8_t pat[0x400];
	uint8_t status = 0xee;

	put(f, slot + S_REQ, req, req_len);
	memset(pat, 0x11, 16);
	put(f, slot + S_IV, pat, 16);
	memset(pat, 0x22, sizeof(pat));
	put(f, slot + S_SRC, pat, sizeof(pat));
	memset(pat, 0x33, 64);
	put(f, slot + S_KEYS, pat, 64);
	put(f, slot + S_STATUS, &status, 1);
}

/*
 * A chain from a template: (t & 7) % 5 is raw, cipher, cipher + HMAC chain,
 * control create (AES-CBC + HMAC-SHA1), control destroy; t bit 3 puts it
 * in an indirect table. Then the region its buffers live in.
 */
static void
read_chain(struct fe *f, struct in *in, struct chain *c)
{
	uint8_t t = u8(in), reg = u8(in);
	struct virtio_crypto_op_data_req req;
	struct virtio_crypto_op_ctrl_req ctrl;
	/* the fixed parts as long as the negotiated layout has them */
	uint32_t sym_len = sizeof(struct virtio_crypto_op_header) +
		virtio_crypto_dataq_flf_len(VIRTIO_CRYPTO_SERVICE_CIPHER, f->rev1, false);
	uint64_t s;
	unsigned int i, n;

	memset(c, 0, sizeof(*c));
	c->indirect = t & 8;
	c->slot = s = slot_gpa(f, reg, f->chain_no++);
	switch ((t & 7) % 5) {
	case 0: {
		uint8_t hdr[72];

		n = 1 + u8(in) % 16;
		for (i = 0; i < n; i++) {
			uint8_t am = u8(in);
			uint64_t gpa = (am & 0x80) ? u64(in) : s + (uint64_t)(am & 0x7f) * 0x40;
			uint32_t len = u16(in);
			uint8_t fl = u8(in);

			add_desc(c, gpa, len, fl & (VRING_DESC_F_WRITE | VRING_DESC_F_INDIRECT |
						     VRING_DESC_F_NEXT));
			c->d[c->n - 1].next = (fl & 0x80) ? u8(in) : 0;
			if (fl & 0x80)
				c->raw_links = true;
		}
		take(in, hdr, sizeof(hdr));
		slot_prepare(f, s, hdr, sizeof(hdr));
		break;
	}
	case 1: {
		uint8_t sid = u8(in), len = u8(in), op = u8(in);
		uint32_t l = 16 * (1 + len % 64);

		sim_cipher_req(&req, (op & 1) ? VIRTIO_CRYPTO_CIPHER_DECRYPT :
			       VIRTIO_CRYPTO_CIPHER_ENCRYPT, pick_id(f, in, sid), 16, l, l);
		if (f->rev1)	/* else it is a stateless request */
			req.header.flag = rte_cpu_to_le_32(VIRTIO_CRYPTO_FLAG_SESSION_MODE);
		slot_prepare(f, s, &req, sizeof(req));
		add_desc(c, s + S_REQ, sym_len, 0);
		add_desc(c, s + S_IV, 16, 0);
		add_desc(c, s + S_SRC, l, 0);
		add_desc(c, s + S_DST, l, VRING_DESC_F_WRITE);
		add_desc(c, s + S_STATUS, 1, VRING_DESC_F_WRITE);
		break;
	}
	case 2: {
		uint8_t sid = u8(in), len = u8(in), rl = u8(in);
		uint32_t l = 16 * (1 + len % 64), result = 1 + rl % 64;

		sim_chain_req(&req, VIRTIO_CRYPTO_CIPHER_ENCRYPT, pick_id(f, in, sid), l, 0, l,
			      result);
		if (f->rev1)
			req.header.flag = rte_cpu_to_le_32(VIRTIO_CRYPTO_FLAG_SESSION_MODE);
		slot_prepare(f, s, &req, sizeof(req));
		add_desc(c, s + S_REQ, sym_len, 0);
		add_desc(c, s + S_IV, 16, 0);
		add_desc(c, s + S_SRC, l, 0);
		add_desc(c, s + S_DST, l, VRING_DESC_F_WRITE);
		add_desc(c, s + S_DIGEST, result, VRING_DESC_F_WRITE);
		add_desc(c, s + S_STATUS, 1, VRING_DESC_F_WRITE);
		break;
	}
	case 3: {
		uint8_t result[16];

		sim_cbc_sha1_session_req(&ctrl, VIRTIO_CRYPTO_OP_ENCRYPT,
					 VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH, 20);
		slot_prepare(f, s, &ctrl, sizeof(ctrl));
		memset(result, 0xee, sizeof(result));
		put(f, s + S_DST, result, sizeof(result));
		add_desc(c, s + S_REQ, virtio_crypto_ctrlq_req_len(
				 VIRTIO_CRYPTO_CIPHER_CREATE_SESSION, f->rev1), 0);
		add_desc(c, s + S_KEYS, 36, 0);
		add_desc(c, s + S_DST, sizeof(struct virtio_crypto_session_input),
			 VRING_DESC_F_WRITE);
		if (f->nctrl < RTE_DIM(f->ctrl_results))
			f->ctrl_results[f->nctrl++] = s + S_DST;
		break;
	}
	default: {
		uint8_t sid = u8(in);

		memset(&ctrl, 0, sizeof(ctrl));
		ctrl.header.opcode = VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION;
		ctrl.u.destroy_session.session_id = pick_id(f, in, sid);
		slot_prepare(f, s, &ctrl, sizeof(ctrl));
		add_desc(c, s + S_REQ, virtio_crypto_ctrlq_req_len(
				 VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION, f->rev1), 0);
		add_desc(c, s + S_STATUS, 1, VRING_DESC_F_WRITE);
		break;
	}
	}
	if (!c->raw_links)
		for (i = 0; i + 1 < c->n; i++)
			c->d[i].flags |= VRING_DESC_F_NEXT;
}

static void
offer_split(struct fe *f, struct ring_view *r, struct chain *c)
{
	uint16_t head = r->next_desc % r->num, i;
	struct vring_desc *desc = xlate(f, r->desc, (uint64_t)r->num * sizeof(*desc), true);
	uint16_t *ring = xlate(f, r->avail + 4, (uint64_t)r->num * 2, true);

	if (desc == NULL || ring == NULL || !aligned(desc, 16) || !aligned(ring, 2))
		return;
	if (c->indirect) {
		struct vring_desc *t = xlate(f, c->slot + S_TABLE, c->n * sizeof(*t), false);

		if (t == NULL || !aligned(t, 16))
			return;
		for (i = 0; i < c->n; i++) {
			t[i] = c->d[i];
			if (!c->raw_links && i + 1 < c->n)
				t[i].next = i + 1;
		}
		desc[head] = (struct vring_desc){ c->slot + S_TABLE, c->n * sizeof(*t),
						  VRING_DESC_F_INDIRECT, 0 };
		r->next_desc++;
	} else {
		for (i = 0; i < c->n; i++) {
			uint16_t at = (r->next_desc + i) % r->num;

			desc[at] = c->d[i];
			if (!c->raw_links && i + 1 < c->n)
				desc[at].next = (at + 1) % r->num;
		}
		r->next_desc += c->n;
	}
	ring[r->drv_idx % r->num] = head;
	r->drv_idx++;
}

static void
offer_packed(struct fe *f, struct ring_view *r, struct chain *c, uint16_t id)
{
	struct vring_packed_desc *desc = xlate(f, r->desc, (uint64_t)r->num * sizeof(*desc),
					       true);
	struct vring_packed_desc items[16];
	uint16_t n = c->n, i, head_flags = 0, head = r->drv_idx % r->num;
	bool wrap = r->drv_wrap;

	if (desc == NULL || !aligned(desc, 16))
		return;
	for (i = 0; i < n; i++)
		items[i] = (struct vring_packed_desc){ c->d[i].addr, c->d[i].len, id,
						       c->d[i].flags };
	if (c->indirect) {
		struct vring_packed_desc *t = xlate(f, c->slot + S_TABLE, n * sizeof(*t), false);

		if (t == NULL || !aligned(t, 16))
			return;
		for (i = 0; i < n; i++) {
			t[i] = items[i];
			t[i].flags &= ~VRING_DESC_F_NEXT;
		}
		items[0] = (struct vring_packed_desc){ c->slot + S_TABLE, n * sizeof(*t), id,
						       VRING_DESC_F_INDIRECT };
		n = 1;
	}
	/* The head's flags go last: they make the whole chain available. */
	for (i = 0; i < n; i++) {
		uint16_t at = (r->drv_idx + i) % r->num;
		uint16_t fl = items[i].flags & ~((1u << VRING_PACKED_DESC_F_AVAIL) |
						 (1u << VRING_PACKED_DESC_F_USED));
		bool w = wrap ^ ((r->drv_idx % r->num) + i >= r->num);

		fl |= w ? (1u << VRING_PACKED_DESC_F_AVAIL) : (1u << VRING_PACKED_DESC_F_USED);
		desc[at].addr = items[i].addr;
		desc[at].len = items[i].len;
		desc[at].id = items[i].id;
		if (i == 0)
			head_flags = fl;
		else
			desc[at].flags = fl;
	}
	__atomic_store_n(&desc[head].flags, head_flags, __ATOMIC_RELEASE);
	if ((r->drv_idx % r->num) + n >= r->num)
		r->drv_wrap = !r->drv_wrap;
	r->drv_idx = (r->drv_idx + n) % r->num;
}

/* q: bits 0-1 the ring, bit 2 the other layout than the view's; then 1-4 chains. */
static void
step_ring_write(struct fe *f, struct in *in)
{
	uint8_t qb = u8(in);
	unsigned int nb = 1 + u8(in) % 4, i;
	struct ring_view *r = &f->ring[qb & 3];
	bool packed = r->packed ^ ((qb & 4) != 0);
	struct chain c;

	for (i = 0; i < nb; i++) {
		read_chain(f, in, &c);
		if (r->num == 0 || r->num > 32768)
			continue;
		if (packed)
			offer_packed(f, r, &c, f->chain_no);
		else
			offer_split(f, r, &c);
	}
	if (!packed && r->num != 0 && r->num <= 32768) {
		uint16_t *idx = xlate(f, r->avail + 2, 2, true);

		if (idx != NULL && aligned(idx, 2))
			__atomic_store_n(idx, r->drv_idx, __ATOMIC_RELEASE);
	}
}

/* Session ids the control queue handed back: later requests may use them. */
static void
harvest(struct fe *f)
{
	unsigned int i;

	for (i = 0; i < f->nctrl; i++) {
		struct virtio_crypto_session_input si;
		void *p = xlate(f, f->ctrl_results[i], sizeof(si), false);

		if (p == NULL)
			continue;
		memcpy(&si, p, sizeof(si));	/* anywhere the input put it */
		if (si.status == VIRTIO_CRYPTO_OK) {
			f->res.ctrl_sessions_ok++;
			remember_id(f, si.session_id);
		}
	}
	f->nctrl = 0;
}

/*
 * (b & 0x3f) + 1 polls, or (bit 7) until nothing is in flight and a poll
 * finds nothing. Messages sent without a reply are applied by the backend
 * whenever it gets to them: first a GET_FEATURES, whose reply says every
 * earlier message is applied (QEMU waits the same way), unless bit 6 asks
 * to poll while they may still be on their way.
 */
static void
step_poll(struct fe *f, struct in *in)
{
	uint8_t b = u8(in);
	unsigned int i, idle = 0;

	if (f->unsynced && !(b & 0x40))
		get_u64(f, VHOST_USER_GET_FEATURES);
	if (!(b & 0x80)) {
		for (i = 0; i <= (b & 0x3fu); i++)
			vhost_crypto_poll(vc, 32);
	} else {
		for (i = 0; i < 4096 && idle < 2; i++) {
			struct vhost_crypto_stats st;

			if (vhost_crypto_poll(vc, 32) == 0 &&
			    vhost_crypto_stats_get(vc, &st) == 0 && st.ops_in_use == 0)
				idle++;
			else
				idle = 0;
		}
	}
	harvest(f);
	if (trace) {
		for (i = 0; i < NB_SLOTS; i++) {
			uint8_t *st = xlate(f, slot_gpa(f, 0, i) + S_STATUS, 1, false);
			uint8_t *hdr = xlate(f, slot_gpa(f, 0, i) + S_REQ, 16, false);
			uint64_t sid;

			if (st == NULL || hdr == NULL)
				continue;
			memcpy(&sid, hdr + 8, sizeof(sid));
			fprintf(stderr, "fuzz_vhost_user:   slot %u: status %u, session %" PRIu64 "\n",
				i, *st, sid);
		}
	}
}

/* A message cut short: the header promises `size`, `sent` bytes follow; the end. */
static void
step_truncate(struct fe *f, struct in *in)
{
	uint8_t buf[sizeof(struct vhost_user_msg_hdr) + 512];
	struct vhost_user_msg_hdr *h = (void *)buf;
	uint8_t req = u8(in);
	uint16_t size = u16(in), sent = u16(in);

	memset(buf, 0, sizeof(buf));
	h->request = req;
	h->flags = VHOST_USER_VERSION;
	h->size = size;
	sent = size ? sent % RTE_MIN(size, (uint16_t)512) : 0;
	/* sent == 0 with size 0: only part of the header */
	send_raw(f, buf, size ? sizeof(*h) + sent : sizeof(*h) - 1 - (req % 11), NULL, 0);
	f->up = false;
}

/* ------------------------------------------------------------------ */
/* One connection per input                                            */
/* ------------------------------------------------------------------ */

static bool
frontend_connected(void)
{
	/* what telemetry's "connected" reads */
	return __atomic_load_n(&vc->vid, __ATOMIC_ACQUIRE) >= 0;
}

static void
stats(struct vhost_crypto_stats *st)
{
	if (vhost_crypto_stats_get(vc, st) != 0)
		die("stats");
}

/* Wait for an event with a generous deadline; false if it never came. */
static bool
wait_for(bool (*cond)(void *), void *arg)
{
	uint64_t deadline = now_ms() + EVENT_DEADLINE_MS;

	while (!cond(arg)) {
		if (now_ms() > deadline)
			return false;
		usleep(20);
	}
	return true;
}

static bool
connected_since(void *arg)
{
	struct vhost_crypto_stats st;

	stats(&st);
	return st.connections > *(uint64_t *)arg && frontend_connected();
}

static bool
gone(void *arg)
{
	RTE_SET_USED(arg);
	return !frontend_connected();
}

static int
connect_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_MS / 1000 };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("cannot connect to the instance's socket");
	/* a backend that stops reading must not stop the fuzzer */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fe f;
	struct in in = { data, size };
	struct vhost_crypto_stats before, after;
	unsigned int i, steps;
	uint64_t t0 = now_ms();

	/* every input starts from zeroed guest memory */
	for (i = 0; i < NB_MEMFD; i++)
		if (fallocate(memfd[i], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			      MEMFD_SIZE) != 0)
			die("cannot clear guest memory");
	memset(&f, 0, sizeof(f));
	stats(&before);
	f.sock = connect_socket();
	f.up = true;
	if (!wait_for(connected_since, &before.connections))
		die("the instance never took the frontend (no new connection)");
	if (trace)
		fprintf(stderr, "fuzz_vhost_user: %" PRIu64 " ms: connected\n", now_ms() - t0);

	for (steps = 0; in.n > 0 && steps < MAX_STEPS && f.up; steps++) {
		uint8_t op = u8(&in) % NB_STEPS;

		if (trace)
			fprintf(stderr, "fuzz_vhost_user: %" PRIu64 " ms: step %u: %s (%zu bytes left)\n",
				now_ms() - t0, steps, step_names[op], in.n);
		switch (op) {
		case STEP_RAW_MSG:
			step_raw_msg(&f, &in);
			break;
		case STEP_HELLO:
			step_hello(&f, &in);
			break;
		case STEP_SET_FEATURES:
			step_set_features(&f, &in);
			break;
		case STEP_MEM:
			step_mem(&f, &in);
			break;
		case STEP_RING_START:
			step_ring_start(&f, &in);
			break;
		case STEP_RING_MSG:
			step_ring_msg(&f, &in);
			break;
		case STEP_SESS_CREATE:
			step_sess_create(&f, &in);
			break;
		case STEP_SESS_CLOSE:
			step_sess_close(&f, &in);
			break;
		case STEP_RING_WRITE:
			step_ring_write(&f, &in);
			break;
		case STEP_POLL:
			step_poll(&f, &in);
			break;
		default:
			step_truncate(&f, &in);
			break;
		}
		if (trace) {
			struct vhost_crypto_stats st;

			stats(&st);
			fprintf(stderr, "fuzz_vhost_user:   requests %" PRIu64 ", ok %" PRIu64
				", err %" PRIu64 ", bad %" PRIu64 ", sessions %u, ops %u%s\n",
				st.requests - before.requests, st.completed_ok - before.completed_ok,
				st.completed_err - before.completed_err,
				st.bad_requests - before.bad_requests, st.sessions_live, st.ops_in_use,
				f.up ? "" : ", connection ended");
		}
	}
	if (!f.up)
		drain(&f);
	f.res.dropped = !f.up;
	close(f.sock);
	if (!wait_for(gone, NULL))
		die("the frontend left and the instance still shows it connected");
	if (trace)
		fprintf(stderr, "fuzz_vhost_user: %" PRIu64 " ms: the instance saw the frontend go\n",
			now_ms() - t0);

	/* R8: everything given back once the connection has ended */
	stats(&after);
	if (after.sessions_live != 0)
		die("R8: a session outlived its frontend");
	if (after.ops_in_use != 0)
		die("R8: crypto ops still in use after the frontend left");
	if (after.mbufs_in_use != 0)
		die("R8: mbufs still in use after the frontend left");
	if (after.aad_bufs_in_use != 0)
		die("R8: AAD buffers still in use after the frontend left");
	f.res.completed_ok = after.completed_ok - before.completed_ok;
	f.res.completed_err = after.completed_err - before.completed_err;
	f.res.requests = after.requests - before.requests;
	last_result = f.res;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The instance, once per process                                      */
/* ------------------------------------------------------------------ */

static void
at_exit(void)
{
	unlink(sock_path);
	/* The instance's private directory, if the process ends before it does. */
	unlink(lib_path);
	*strrchr(lib_path, '/') = '\0';
	rmdir(lib_path);
	if (reply_timeouts > 0)
		fprintf(stderr, "fuzz_vhost_user: %lu replies expected never came (%u ms each)\n",
			reply_timeouts, reply_timeout_ms);
}

static void write_seeds(const char *dir);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char log_level[64];
	char prefix[64];
	char *eal_args[] = {
		(*argv)[0], "--no-huge", "-m", "256", "--no-pci", "-l", "0",
		"--file-prefix", prefix, "--no-telemetry", "--log-level", log_level,
		"--vdev", "crypto_aesni_mb0", "--vdev", "crypto_openssl0",
	};
	struct vhost_crypto_conf conf = {
		.socket_path = sock_path,
		.flags = VHOST_CRYPTO_F_FALLBACK,
		.max_dataqueues = NB_DATAQ,
		.max_sessions = 16,
		.nb_ops = 64,
		.max_size = 65536 + 4096,
	};
	const char *seeds = getenv("VC_FUZZ_WRITE_SEEDS");
	const char *zc = getenv("VC_FUZZ_ZERO_COPY");
	int mb, ossl, i;

	RTE_SET_USED(argc);
	/*
	 * One per process (libFuzzer's -jobs and a CI run may share the
	 * machine): an EAL file prefix, no telemetry socket, a vhost-user
	 * socket of its own.
	 */
	snprintf(prefix, sizeof(prefix), "vc_fuzz_vu_%d", (int)getpid());
	snprintf(log_level, sizeof(log_level), "%s",
		 getenv("VC_FUZZ_LOG_LEVEL") ? getenv("VC_FUZZ_LOG_LEVEL") : "*:crit");
	snprintf(sock_path, sizeof(sock_path), "/run/vc-fuzz-vhost-user-%d.sock",
		 (int)getpid());
	snprintf(lib_path, sizeof(lib_path), "%s.lib/sock", sock_path);
	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0)
		die("EAL");
	if (sim_crypto_devices_start(&mb, &ossl) != 0)
		die("crypto devices");
	conf.cdev_id = mb;
	conf.fallback_cdev_id = ossl;
	if (zc != NULL && strcmp(zc, "1") == 0)
		conf.flags |= VHOST_CRYPTO_F_ZERO_COPY;
	trace = getenv("VC_FUZZ_TRACE") != NULL && strcmp(getenv("VC_FUZZ_TRACE"), "1") == 0;
	for (i = 0; i < NB_MEMFD; i++) {
		memfd[i] = memfd_create("vc_fuzz_guest", MFD_CLOEXEC);
		if (memfd[i] < 0 || ftruncate(memfd[i], MEMFD_SIZE) != 0)
			die("memfd");
		memfd_map[i] = mmap(NULL, MEMFD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
				    memfd[i], 0);
		if (memfd_map[i] == MAP_FAILED)
			die("mmap");
	}
	atexit(at_exit);
	vc = vhost_crypto_create(&conf);
	if (vc == NULL || vhost_crypto_start(vc) != 0)
		die("instance");
	if (seeds != NULL) {
		reply_timeout_ms = SEED_REPLY_TIMEOUT_MS;
		write_seeds(seeds);
		fprintf(stderr, "fuzz_vhost_user: seeds written, %lu reply timeouts\n",
			reply_timeouts);
		exit(0);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The seed corpus: the message orders real frontends send             */
/* ------------------------------------------------------------------ */

/* An input under construction. */
struct sb {
	uint8_t b[16384];
	size_t n;
};

static void
p8(struct sb *s, uint8_t v)
{
	if (s->n >= sizeof(s->b))
		die("seed too long");
	s->b[s->n++] = v;
}

/* v, little-endian, in `bytes` (at most 8) bytes */
static void
pn(struct sb *s, uint64_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p8(s, v >> (8 * i));
}

static void
pz(struct sb *s, unsigned int bytes)
{
	while (bytes-- > 0)
		p8(s, 0);
}

/* Flags bytes as msg_flags() reads them. */
#define SF_PLAIN	0x01	/* version 1 */
#define SF_ACK		(0x01 | F_NEED_REPLY)

static void
e_hello(struct sb *s, uint8_t v)
{
	p8(s, STEP_HELLO);
	p8(s, v);
	p8(s, 0);	/* every protocol feature offered */
}

static void
e_features(struct sb *s, uint8_t flags, uint8_t sel)
{
	p8(s, STEP_SET_FEATURES);
	p8(s, flags);
	p8(s, sel);
}

/* Regions the way QEMU describes a memfd-backed guest (0-640K, 768K up), plus one hotplugged. */
#define QEMU_UADDR	0x7f1200000000ull
#define HOTPLUG_GPA	0x100000000ull
#define HOTPLUG_UADDR	0x7f1300000000ull

static void
e_region(struct sb *s, unsigned int mfd, uint64_t gpa, uint64_t uaddr, uint64_t size,
	 uint64_t off)
{
	p8(s, (mfd & 3) | 4 | 8 | 16 | 32);
	pn(s, gpa, 8);
	pn(s, uaddr, 8);
	pn(s, size, 8);
	pn(s, off, 8);
}

static void
e_mem_qemu(struct sb *s, bool hotplugged)
{
	p8(s, STEP_MEM);
	p8(s, SF_ACK);		/* QEMU asks for an ack with REPLY_ACK */
	p8(s, 0);
	p8(s, hotplugged ? 3 : 2);
	e_region(s, 0, 0, QEMU_UADDR, 0xa0000, 0);
	e_region(s, 0, 0xc0000, QEMU_UADDR + 0xc0000, MEMFD_SIZE - 0xc0000, 0xc0000);
	if (hotplugged)
		e_region(s, 1, HOTPLUG_GPA, HOTPLUG_UADDR, CANON_SIZE, 0);
}

/* Our PMD: DPDK's memory, one file, one region. */
static void
e_mem_pmd(struct sb *s)
{
	p8(s, STEP_MEM);
	p8(s, SF_ACK);
	p8(s, 0);
	p8(s, 1);
	p8(s, 0);	/* canonical region 0 on memfd 0 */
}

static void
e_ring_start(struct sb *s, uint8_t qb, uint8_t v)
{
	p8(s, STEP_RING_START);
	p8(s, qb);
	p8(s, v);
}

#define RS_SIZE_256	(2 << 2)
#define RS_SIZE_1024	(3 << 2)
#define RS_REPORTED	16
#define RS_PACKED	32
#define RV_ACK		1
#define RV_ENABLE	64

static void
e_ring_msg(struct sb *s, uint8_t kind, uint8_t flags, uint8_t idx, uint8_t fdsel)
{
	p8(s, STEP_RING_MSG);
	p8(s, kind);
	p8(s, flags);
	p8(s, idx);
	if (kind == 3 || kind == 4 || kind == 5)
		p8(s, fdsel);
}

static void
e_get_base(struct sb *s, uint8_t flags, uint8_t idx)
{
	e_ring_msg(s, 7, flags, idx, 0);
}

/* An AES-128-CBC session in a given layout (0: 7.0, 1: 7.1, 2: 8.1). */
static void
e_cbc_session(struct sb *s, uint8_t layout, uint8_t dir)
{
	p8(s, STEP_SESS_CREATE);
	p8(s, SF_PLAIN);	/* QEMU reads the reply without asking for one */
	p8(s, layout);
	p8(s, VIRTIO_CRYPTO_CIPHER_AES_CBC);
	p8(s, 16);
	p8(s, VIRTIO_CRYPTO_SYM_OP_CIPHER);
	p8(s, dir);
	p8(s, 0);
	p8(s, 0);
	pn(s, 0, 2);
	p8(s, 0);
	p8(s, 0);
	p8(s, 0);
}

static void
e_close(struct sb *s, uint8_t flags, uint8_t which)
{
	p8(s, STEP_SESS_CLOSE);
	p8(s, flags);
	p8(s, which);
}

static void
e_write(struct sb *s, uint8_t qb, unsigned int nb_chains)
{
	p8(s, STEP_RING_WRITE);
	p8(s, qb);
	p8(s, nb_chains - 1);
}

/* Chains for e_write: a 64-byte cipher request on session `which`. */
static void
e_cipher(struct sb *s, uint8_t reg, uint8_t which, bool decrypt, bool indirect)
{
	p8(s, 1 | (indirect ? 8 : 0));
	p8(s, reg);
	p8(s, which);
	p8(s, 3);		/* 64 bytes */
	p8(s, decrypt);
}

/* AES-CBC + HMAC-SHA1 (20-byte result) over 64 bytes, in an indirect table as Linux and our PMD do. */
static void
e_chain(struct sb *s, uint8_t reg, uint8_t which)
{
	p8(s, 2 | 8);
	p8(s, reg);
	p8(s, which);
	p8(s, 3);
	p8(s, 19);
}

static void
e_ctrl_create(struct sb *s, uint8_t reg)
{
	p8(s, 3);
	p8(s, reg);
}

static void
e_ctrl_destroy(struct sb *s, uint8_t reg, uint8_t which)
{
	p8(s, 4);
	p8(s, reg);
	p8(s, which);
}

static void
e_poll(struct sb *s, uint8_t b)
{
	p8(s, STEP_POLL);
	p8(s, b);
}

#define POLL_IDLE	0x80

/* What a seed must show when it is played, so that a seed that stops doing it is noticed. */
struct expect {
	unsigned int completed_ok, sessions_ok, ctrl_sessions_ok;
	bool ends_connected;	/* the backend never dropped it */
};

static void
seed_write(const char *dir, const char *name, const struct sb *s, struct expect e)
{
	char path[4096];
	FILE *fp;

	LLVMFuzzerTestOneInput(s->b, s->n);
	if (last_result.completed_ok < e.completed_ok ||
	    last_result.sessions_ok < e.sessions_ok ||
	    last_result.ctrl_sessions_ok < e.ctrl_sessions_ok ||
	    (e.ends_connected && last_result.dropped) || last_result.timeouts != 0) {
		fprintf(stderr, "seed %s: %" PRIu64 " completed OK (want %u), %u sessions (%u), "
			"%u control sessions (%u), dropped %d, %u reply timeouts\n", name,
			last_result.completed_ok, e.completed_ok, last_result.sessions_ok,
			e.sessions_ok, last_result.ctrl_sessions_ok, e.ctrl_sessions_ok,
			last_result.dropped, last_result.timeouts);
		die("a seed does not do what it stands for");
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(s->b, 1, s->n, fp) != s->n || fclose(fp) != 0)
		die("cannot write a seed");
}

/*
 * QEMU's cryptodev-vhost-user (7.2 and 10.0 alike): vhost_user_backend_init
 * asks GET_FEATURES, GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES,
 * GET_QUEUE_NUM; vhost_dev_init sends SET_OWNER and GET_FEATURES again, and
 * vhost_virtqueue_init a SET_VRING_CALL for the one ring it hands over.
 */
static void
e_qemu_init(struct sb *s)
{
	e_hello(s, 2);
	e_ring_msg(s, 4, SF_PLAIN, 0, 1);
}

/*
 * vhost_dev_start: SET_FEATURES (bit 30 only: the crypto device passes no
 * guest features on), SET_MEM_TABLE (with NEED_REPLY), then for vring 0
 * NUM, BASE, ADDR, KICK, CALL; never SET_VRING_ENABLE.
 */
static void
e_qemu_start(struct sb *s, uint8_t ring_flags)
{
	e_features(s, SF_PLAIN, 0x01);
	e_mem_qemu(s, false);
	e_ring_start(s, RS_SIZE_1024 | ring_flags, 0);
}

/* What a Linux guest's cbc(aes) self-test asks: an encrypt and a decrypt session, then requests. */
static void
e_qemu_sessions_and_traffic(struct sb *s, uint8_t layout)
{
	e_cbc_session(s, layout, VIRTIO_CRYPTO_OP_ENCRYPT);
	e_cbc_session(s, layout, VIRTIO_CRYPTO_OP_DECRYPT);
	e_write(s, 0, 2);
	e_cipher(s, 0, 0, false, true);
	e_cipher(s, 0, 1, true, true);
	e_poll(s, POLL_IDLE);
}

static void
seeds_qemu(const char *dir)
{
	static struct sb s;

	/* QEMU 7.2: start, a self-test, sessions closed, stop (vhost_dev_stop: GET_VRING_BASE) */
	memset(&s, 0, sizeof(s));
	e_qemu_init(&s);
	e_qemu_start(&s, 0);
	e_qemu_sessions_and_traffic(&s, 1);
	e_close(&s, SF_PLAIN, 0);
	e_close(&s, SF_PLAIN, 1);
	e_get_base(&s, SF_PLAIN, 0);
	seed_write(dir, "qemu72_start_stop", &s,
		   (struct expect){ .completed_ok = 2, .sessions_ok = 2, .ends_connected = true });

	/*
	 * Memory hotplug mid-traffic: requests taken and in the crypto device
	 * (one poll), then vhost_commit sends the new table with one more
	 * region and no GET_VRING_BASE first; later requests use the new region.
	 */
	memset(&s, 0, sizeof(s));
	e_qemu_init(&s);
	e_qemu_start(&s, 0);
	e_cbc_session(&s, 1, VIRTIO_CRYPTO_OP_ENCRYPT);
	e_write(&s, 0, 3);
	e_cipher(&s, 0, 0, false, true);
	e_cipher(&s, 1, 0, false, false);
	e_cipher(&s, 0, 0, false, true);
	e_poll(&s, 0);
	e_mem_qemu(&s, true);
	e_write(&s, 0, 2);
	e_cipher(&s, 2, 0, false, true);
	e_cipher(&s, 2, 0, false, false);
	e_poll(&s, POLL_IDLE);
	e_get_base(&s, SF_PLAIN, 0);
	seed_write(dir, "qemu72_hotplug_mid_traffic", &s,
		   (struct expect){ .completed_ok = 5, .sessions_ok = 1, .ends_connected = true });

	/*
	 * QEMU 10: 1072-byte session payloads; a stop (GET_VRING_BASE) and a
	 * start again from the base it reported (vm stop / cont).
	 */
	memset(&s, 0, sizeof(s));
	e_qemu_init(&s);
	e_qemu_start(&s, 0);
	e_qemu_sessions_and_traffic(&s, 2);
	e_get_base(&s, SF_PLAIN, 0);
	e_qemu_start(&s, RS_REPORTED);
	e_write(&s, 0, 2);
	e_cipher(&s, 0, 0, false, true);
	e_cipher(&s, 0, 1, true, true);
	e_poll(&s, POLL_IDLE);
	e_close(&s, SF_PLAIN, 0);
	e_close(&s, SF_PLAIN, 1);
	e_get_base(&s, SF_PLAIN, 0);
	seed_write(dir, "qemu10_stop_restart", &s,
		   (struct expect){ .completed_ok = 4, .sessions_ok = 2, .ends_connected = true });

	/*
	 * QEMU 10 reconnecting to a restarted backend: the whole handshake
	 * again, the ring from where the guest left it (a base of 37, the
	 * avail index already there), sessions made again.
	 */
	memset(&s, 0, sizeof(s));
	e_qemu_init(&s);
	e_features(&s, SF_PLAIN, 0x01);
	e_mem_qemu(&s, false);
	e_ring_start(&s, 0, 0x80);
	pn(&s, 1024, 2);
	pn(&s, 37, 2);
	pn(&s, QEMU_UADDR, 8);
	pn(&s, QEMU_UADDR + AVAIL_OFF, 8);
	pn(&s, QEMU_UADDR + USED_OFF, 8);
	e_qemu_sessions_and_traffic(&s, 2);
	e_get_base(&s, SF_PLAIN, 0);
	seed_write(dir, "qemu10_reconnect_base", &s,
		   (struct expect){ .completed_ok = 2, .sessions_ok = 2, .ends_connected = true });
}

/*
 * Our PMD (crypto_virtio_user), vhost_user_hello: SET_OWNER,
 * GET_FEATURES, GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES; the config
 * by GET_CONFIG; SET_FEATURES with an ack; at DRIVER_OK start_rings:
 * SET_MEM_TABLE, then per ring NUM, BASE (packed: 1 << 15), ADDR, KICK,
 * CALL, ENABLE, each with an ack; stop_rings: GET_VRING_BASE per ring.
 */
static void
e_pmd_hello(struct sb *s)
{
	e_hello(s, 1);
	p8(s, STEP_RAW_MSG);	/* GET_CONFIG, the whole 56-byte space */
	p8(s, VHOST_USER_GET_CONFIG);
	p8(s, SF_PLAIN);
	pn(s, 12 + 56, 2);
	p8(s, 0);
	pn(s, 0, 4);
	pn(s, 56, 4);
	pn(s, 0, 4);
	pz(s, 56);
}

static void
seed_pmd_full(const char *dir, const char *name, bool packed)
{
	static struct sb s;
	uint8_t rq = RS_SIZE_256 | (packed ? RS_PACKED : 0);

	memset(&s, 0, sizeof(s));
	e_pmd_hello(&s);
	/* PROTOCOL_FEATURES kept, VERSION_1, INDIRECT, EVENT_IDX, REVISION_1 (+ PACKED) */
	e_features(&s, SF_ACK, 0x3b | (packed ? 0x04 : 0));
	e_mem_pmd(&s);
	e_ring_start(&s, rq | 0, RV_ACK | RV_ENABLE);
	e_ring_start(&s, rq | NB_DATAQ, RV_ACK | RV_ENABLE);
	/* a chain session through the control queue, requests on it, then destroy it */
	e_write(&s, NB_DATAQ, 1);
	e_ctrl_create(&s, 0);
	e_poll(&s, POLL_IDLE);
	e_write(&s, 0, 3);
	e_chain(&s, 0, 0);
	e_chain(&s, 0, 0);
	e_chain(&s, 0, 0);
	e_poll(&s, POLL_IDLE);
	e_write(&s, NB_DATAQ, 1);
	e_ctrl_destroy(&s, 0, 0);
	e_poll(&s, POLL_IDLE);
	e_get_base(&s, SF_PLAIN, 0);
	e_get_base(&s, SF_PLAIN, NB_DATAQ);
	seed_write(dir, name, &s, (struct expect){ .completed_ok = 3, .ctrl_sessions_ok = 1,
						   .ends_connected = true });
}

/*
 * Our PMD with QEMU 8.1 session messages (session=qemu-8.1): data ring
 * only, sessions by message 26; the frontend goes away with requests in
 * flight (no GET_VRING_BASE) — what the backend sees before a reconnect.
 */
static void
seed_pmd_vanish(const char *dir)
{
	static struct sb s;

	memset(&s, 0, sizeof(s));
	e_pmd_hello(&s);
	e_features(&s, SF_ACK, 0x3b);
	e_mem_pmd(&s);
	e_ring_start(&s, RS_SIZE_256, RV_ACK | RV_ENABLE);
	e_cbc_session(&s, 2, VIRTIO_CRYPTO_OP_ENCRYPT);
	e_write(&s, 0, 4);
	e_cipher(&s, 0, 0, false, false);
	e_cipher(&s, 0, 0, false, false);
	e_cipher(&s, 0, 0, false, false);
	e_cipher(&s, 0, 0, false, false);
	e_poll(&s, 0);
	seed_write(dir, "pmd_qemu81_vanish_mid_traffic", &s,
		   (struct expect){ .sessions_ok = 1, .ends_connected = true });
}

static void
write_seeds(const char *dir)
{
	mkdir(dir, 0755);
	seeds_qemu(dir);
	seed_pmd_full(dir, "pmd_split_full_device", false);
	seed_pmd_full(dir, "pmd_packed_full_device", true);
	seed_pmd_vanish(dir);
}
