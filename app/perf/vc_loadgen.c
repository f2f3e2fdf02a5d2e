/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * A single-lcore load generator for any crypto device:
 *
 *   vc_loadgen [EAL] -- --dev NAME --algo aes-cbc-sha1-hmac|aes-gcm
 *       --size BYTES [--burst N] [--ops N] [--warmup N] [--inflight N]
 *
 * dpdk-test-crypto-perf spins a main lcore while its workers measure; on a
 * two-core machine whose other core is the backend's, that spinning lcore
 * would take half of one side. Here one lcore does everything: it keeps
 * --inflight ops in the device, enqueues in bursts of --burst as ops come
 * back, and times --ops ops after --warmup. The same ops and buffers go
 * round (in-place encryption of the same bytes), so the figure is the
 * device's and the path's, not the allocator's.
 *
 * Prints "loadgen: measuring" when the warm-up is over, then one line:
 *   result: dev=.. algo=.. size=.. burst=.. ops=.. seconds=.. mops=.. gbps=..
 *           enq_cycles_per_op=.. deq_cycles_per_op=.. idle_share=.. failed=..
 * where the cycle figures are what the generator spent inside the enqueue
 * and dequeue calls (its half of the per-op cost, with empty polls).
 * Exit 0, or 1 if an op failed or the device stopped answering.
 *
 * Many frontends on one backend (the many-guests benchmark): --dev given
 * more than once, or --per-dev with one, drives every device from the same
 * lcore, round-robin: each keeps --inflight ops of its own, gets a burst
 * enqueued and a burst dequeued in its turn, and counts what it completed.
 * --first-size gives the first device another request size (one large
 * frontend among small ones). --ops and --warmup count completions of all
 * devices together; once --ops have been timed nothing more is sent and
 * every device must get back all it holds. Prints "loadgen: measuring",
 * then a line per device and one for all of them:
 *   frontend: index=.. dev=.. size=.. inflight=.. ops=.. mops=.. gbps=..
 *             sent=.. completed=.. failed=..
 *   guests: frontends=.. algo=.. size=.. first_size=.. burst=.. inflight=..
 *           ops=.. seconds=.. mops=.. gbps=.. failed=.. lost=..
 * where a device's ops are those it completed while the --ops were timed,
 * and lost counts ops a device never gave back. Exit 1 if an op failed or
 * was lost.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "cryptodev_harness.h"

#define MAX_INFLIGHT	4096
#define MAX_BURST	128
/* as many as the daemon serves sockets */
#define MAX_FRONTENDS	16
/*
 * A request larger than one mbuf takes (its data room is 16 bits) is a
 * chain of segments of this much data; the digest follows the data in the
 * last one.
 */
#define SEG_DATA	32768
/* the largest request of the many-frontends mode: a chain of 8 segments */
#define MAX_SIZE	(8u * SEG_DATA)
/* no completion for this long: the device stopped answering */
#define STALL_SECONDS	5

struct loadgen_opts {
	const char *dev;
	const char *algo;
	uint32_t size;
	/* the many-frontends mode: every --dev, and the first one's size */
	const char *devs[MAX_FRONTENDS];
	uint32_t nb_devs;
	uint32_t first_size;
	bool per_dev;
	uint32_t burst;
	uint64_t ops;
	uint64_t warmup;
	uint32_t inflight;
};

static const uint8_t key[32] = {
	0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0,
	0x85, 0x7d, 0x77, 0x81, 0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7,
	0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
};

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [EAL] -- --dev NAME --algo aes-cbc-sha1-hmac|aes-gcm "
		"--size BYTES [--burst N] [--ops N] [--warmup N] [--inflight N]\n"
		"       [--dev NAME ...] [--per-dev] [--first-size BYTES]\n", prog);
}

static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;

	if (s == NULL)
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno != 0 || *end != '\0' || end == s || *out < min || *out > max ? -EINVAL : 0;
}

static int
parse_args(int argc, char **argv, struct loadgen_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;
		int rc = 0;

		if (strcmp(a, "--dev") == 0 && v != NULL) {
			if (o->nb_devs == MAX_FRONTENDS) {
				fprintf(stderr, "at most %d --dev\n", MAX_FRONTENDS);
				return -EINVAL;
			}
			o->devs[o->nb_devs++] = v;
			o->dev = o->devs[0];
		} else if (strcmp(a, "--per-dev") == 0) {
			o->per_dev = true;
			i--;
		} else if (strcmp(a, "--first-size") == 0) {
			rc = parse_u64(v, 16, MAX_SIZE, &n);
			o->first_size = n;
		} else if (strcmp(a, "--algo") == 0 && v != NULL) {
			o->algo = v;
		} else if (strcmp(a, "--size") == 0) {
			rc = parse_u64(v, 16, CH_MAX_DATA, &n);
			o->size = n;
		} else if (strcmp(a, "--burst") == 0) {
			rc = parse_u64(v, 1, MAX_BURST, &n);
			o->burst = n;
		} else if (strcmp(a, "--ops") == 0) {
			rc = parse_u64(v, 1, UINT64_MAX / 2, &o->ops);
		} else if (strcmp(a, "--warmup") == 0) {
			rc = parse_u64(v, 0, UINT64_MAX / 2, &o->warmup);
		} else if (strcmp(a, "--inflight") == 0) {
			rc = parse_u64(v, 1, MAX_INFLIGHT, &n);
			o->inflight = n;
		} else {
			fprintf(stderr, "unknown or incomplete option %s\n", a);
			return -EINVAL;
		}
		if (rc != 0) {
			fprintf(stderr, "bad value for %s: %s\n", a, v ? v : "(none)");
			return rc;
		}
		i++;
	}
	if (o->dev == NULL || o->algo == NULL || o->size == 0) {
		fprintf(stderr, "--dev, --algo and --size are needed\n");
		return -EINVAL;
	}
	if (o->nb_devs > 1)
		o->per_dev = true;
	if (o->first_size == 0)
		o->first_size = o->size;
	else if (!o->per_dev) {
		fprintf(stderr, "--first-size is for more than one --dev or --per-dev\n");
		return -EINVAL;
	}
	if (strcmp(o->algo, "aes-gcm") != 0 && strcmp(o->algo, "aes-cbc-sha1-hmac") != 0) {
		fprintf(stderr, "--algo: aes-cbc-sha1-hmac or aes-gcm, not %s\n", o->algo);
		return -EINVAL;
	}
	if (strcmp(o->algo, "aes-cbc-sha1-hmac") == 0 &&
	    (o->size % 16 != 0 || o->first_size % 16 != 0)) {
		fprintf(stderr, "--size: AES-CBC wants a multiple of 16 bytes\n");
		return -EINVAL;
	}
	return 0;
}

/* The session of the algorithm asked, as IPsec uses it. */
static void *
make_session(struct ch_dev *dev, const char *algo, uint32_t *digest_len)
{
	struct rte_crypto_sym_xform auth = {
		.type = RTE_CRYPTO_SYM_XFORM_AUTH,
		.auth = {
			.op = RTE_CRYPTO_AUTH_OP_GENERATE,
			.algo = RTE_CRYPTO_AUTH_SHA1_HMAC,
			.key = { .data = key, .length = 20 },
			.digest_length = 12,
		},
	};
	struct rte_crypto_sym_xform first = {
		.type = RTE_CRYPTO_SYM_XFORM_CIPHER,
		.cipher = {
			.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT,
			.algo = RTE_CRYPTO_CIPHER_AES_CBC,
			.key = { .data = key, .length = 16 },
			.iv = { .offset = CH_IV_OFFSET, .length = 16 },
		},
		.next = &auth,
	};

	*digest_len = 12;
	if (strcmp(algo, "aes-gcm") == 0) {
		memset(&first, 0, sizeof(first));
		first.type = RTE_CRYPTO_SYM_XFORM_AEAD;
		first.aead.op = RTE_CRYPTO_AEAD_OP_ENCRYPT;
		first.aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		first.aead.key.data = key;
		first.aead.key.length = 16;
		first.aead.iv.offset = CH_IV_OFFSET;
		first.aead.iv.length = 12;
		first.aead.digest_length = 16;
		first.aead.aad_length = 8;
		*digest_len = 16;
	}
	return rte_cryptodev_sym_session_create(dev->id, &first, dev->sess_pool);
}

/*
 * The buffer of one op: `size` bytes of data then the digest, one mbuf, or
 * a chain of SEG_DATA-byte segments with the digest in the last.
 */
static struct rte_mbuf *
make_buffer(struct rte_mempool *pool, uint32_t size, uint32_t digest_len, uint8_t fill,
	    uint8_t **digest)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t left = size;
	uint8_t *data;

	do {
		uint32_t len = RTE_MIN(left, (uint32_t)SEG_DATA);

		m = rte_pktmbuf_alloc(pool);
		if (m == NULL)
			goto fail;
		left -= len;
		data = (uint8_t *)rte_pktmbuf_append(m, len + (left == 0 ? digest_len : 0));
		if (data == NULL || (head != NULL && rte_pktmbuf_chain(head, m) != 0)) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		if (head == NULL)
			head = m;
		memset(data, fill, len);
	} while (left > 0);
	*digest = data + m->data_len - digest_len;
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

/* One op per in-flight slot, each with its own buffer, made once. */
static int
make_ops(struct ch_dev *dev, const char *algo, uint32_t size, uint32_t nb, void *sess,
	 uint32_t digest_len, struct rte_crypto_op **ops)
{
	bool gcm = strcmp(algo, "aes-gcm") == 0;
	uint32_t i;

	if (rte_crypto_op_bulk_alloc(dev->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC, ops,
				     nb) != nb)
		return -ENOMEM;
	for (i = 0; i < nb; i++) {
		struct rte_crypto_sym_op *sym = ops[i]->sym;
		struct rte_mbuf *m, *last;
		uint8_t *digest;
		rte_iova_t digest_iova;

		m = make_buffer(dev->mbuf_pool, size, digest_len, (uint8_t)i, &digest);
		if (m == NULL)
			return -ENOMEM;
		last = rte_pktmbuf_lastseg(m);
		digest_iova = rte_pktmbuf_iova_offset(last, last->data_len - digest_len);
		memset(rte_crypto_op_ctod_offset(ops[i], uint8_t *, CH_IV_OFFSET), 0x5a, 16);
		sym->m_src = m;
		rte_crypto_op_attach_sym_session(ops[i], sess);
		if (gcm) {
			sym->aead.data.length = size;
			sym->aead.digest.data = digest;
			sym->aead.digest.phys_addr = digest_iova;
			sym->aead.aad.data = rte_crypto_op_ctod_offset(ops[i], uint8_t *,
								       CH_AAD_OFFSET);
			sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(ops[i],
									       CH_AAD_OFFSET);
			memset(sym->aead.aad.data, 0x11, 8);
		} else {
			sym->cipher.data.length = size;
			sym->auth.data.length = size;
			sym->auth.digest.data = digest;
			sym->auth.digest.phys_addr = digest_iova;
		}
	}
	return 0;
}

struct run_result {
	uint64_t done, failed, enq_cycles, deq_cycles, cycles;
	/* rounds that neither sent nor got an op: waiting for the device */
	uint64_t idle_cycles;
	int first_failed_status;
	bool stalled;
};

/*
 * Keep o->inflight ops in the device until `total` have come back; time the
 * last `measured` of them.
 */
static void
run(struct ch_dev *dev, const struct loadgen_opts *o, struct rte_crypto_op **ops,
    uint64_t total, uint64_t measured, struct run_result *r)
{
	struct rte_crypto_op *free_ops[MAX_INFLIGHT], *done[MAX_BURST];
	uint64_t hz = rte_get_timer_hz(), last_progress = rte_get_tsc_cycles();
	uint64_t sent = 0, t0 = 0, start_at = total - measured;
	uint32_t nb_free = o->inflight, i;

	memset(r, 0, sizeof(*r));
	memcpy(free_ops, ops, sizeof(*ops) * o->inflight);
	while (r->done < total) {
		uint64_t c0, c1, c2;
		uint16_t n, want, sent_now;

		want = RTE_MIN(RTE_MIN((uint64_t)o->burst, nb_free), total - sent);
		c0 = rte_rdtsc();
		n = want ? rte_cryptodev_enqueue_burst(dev->id, 0, free_ops + nb_free - want,
						       want) : 0;
		c1 = rte_rdtsc();
		/* The first n of the slice went: close the gap they leave. */
		if (n < want)
			memmove(free_ops + nb_free - want, free_ops + nb_free - want + n,
				(want - n) * sizeof(*free_ops));
		nb_free -= n;
		sent += n;
		sent_now = n;
		n = rte_cryptodev_dequeue_burst(dev->id, 0, done, o->burst);
		c2 = rte_rdtsc();
		if (r->done >= start_at) {
			r->enq_cycles += c1 - c0;
			r->deq_cycles += c2 - c1;
			if (sent_now == 0 && n == 0)
				r->idle_cycles += c2 - c0;
		}
		for (i = 0; i < n; i++) {
			if (done[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS &&
			    r->failed++ == 0)
				r->first_failed_status = done[i]->status;
			done[i]->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
			free_ops[nb_free++] = done[i];
		}
		if (n > 0) {
			if (r->done < start_at && r->done + n >= start_at) {
				/* for a profiler of the other half to start counting */
				printf("loadgen: measuring\n");
				fflush(stdout);
				t0 = rte_rdtsc();
			}
			r->done += n;
			last_progress = c2;
		} else if (c2 - last_progress > 5 * hz) {
			r->stalled = true;
			return;
		}
	}
	r->cycles = rte_rdtsc() - (t0 ? t0 : last_progress);
}

/* One device of the many-frontends mode and what it counted. */
struct frontend {
	struct ch_dev dev;	/* its id and name; the pools are shared */
	uint32_t size, inflight;
	void *sess;
	struct rte_crypto_op **free_ops;
	uint32_t nb_free;
	uint64_t sent, done, failed;
	uint64_t done_at_start, done_at_end;	/* the timed window */
	int first_failed_status;
};

/*
 * The pools every frontend draws from: a process with a pool set per
 * device (ch_dev_setup's, 70 MB of mbufs each) would not fit sixteen
 * devices in the frontend's memory. Ops and buffers are taken once, so the
 * pools need no per-lcore cache. A size class of its own for the first
 * device when its requests are larger.
 */
struct shared_pools {
	struct rte_mempool *sess, *ops, *mbufs, *first_mbufs;
};

static struct rte_mempool *
buffer_pool(const char *name, uint32_t size, uint32_t nb_ops)
{
	uint32_t segs = (size + SEG_DATA - 1) / SEG_DATA;
	uint32_t room = RTE_MIN(size, (uint32_t)SEG_DATA) + CH_MAX_DIGEST;

	return rte_pktmbuf_pool_create(name, nb_ops * segs, 0, 0,
				       RTE_PKTMBUF_HEADROOM + room, (int)rte_socket_id());
}

/* Configure one queue pair, as deep as the device takes (as ch_dev_setup). */
static int
frontend_setup(struct frontend *f, const char *name, struct rte_mempool *sess_pool)
{
	struct rte_cryptodev_config conf = { .nb_queue_pairs = 1,
					     .socket_id = (int)rte_socket_id() };
	struct rte_cryptodev_qp_conf qp_conf = { .mp_session = sess_pool };
	int id = rte_cryptodev_get_dev_id(name), rc = -EINVAL;
	uint32_t depth;

	if (id < 0) {
		fprintf(stderr, "no crypto device %s\n", name);
		return -ENODEV;
	}
	f->dev.id = id;
	snprintf(f->dev.name, sizeof(f->dev.name), "%s", name);
	f->dev.nb_qp = 1;
	f->dev.sess_pool = sess_pool;
	if (rte_cryptodev_configure(id, &conf) != 0) {
		fprintf(stderr, "%s: configure failed\n", name);
		return -EIO;
	}
	for (depth = 2048; depth >= 32; depth /= 2) {
		qp_conf.nb_descriptors = depth;
		rc = rte_cryptodev_queue_pair_setup(id, 0, &qp_conf, conf.socket_id);
		if (rc == 0)
			break;
	}
	if (rc != 0 || rte_cryptodev_start(id) != 0) {
		fprintf(stderr, "%s: queue pair or start failed (%d)\n", name, rc);
		return -EIO;
	}
	f->dev.qp_depth = depth;
	return 0;
}

/*
 * Every frontend's turn, round-robin: a burst enqueued if it has free ops
 * (none once the window is over), a burst dequeued. The window is timed
 * from `warmup` completions of all of them to `warmup + ops`; then each
 * must get back what it holds. False if none completed an op for
 * STALL_SECONDS.
 */
static bool
run_frontends(struct frontend *fs, uint32_t nb, uint32_t burst, uint64_t warmup, uint64_t ops,
	      uint64_t *cycles)
{
	uint64_t hz = rte_get_timer_hz(), last_progress = rte_get_tsc_cycles();
	uint64_t total = 0, t0 = 0, t1 = 0, held;
	struct rte_crypto_op *done[MAX_BURST];
	bool sending = true;
	uint32_t i, j;

	do {
		bool progress = false;

		held = 0;
		for (i = 0; i < nb; i++) {
			struct frontend *f = &fs[i];
			uint16_t want = sending ? RTE_MIN(burst, f->nb_free) : 0, n;

			n = want ? rte_cryptodev_enqueue_burst(f->dev.id, 0,
					f->free_ops + f->nb_free - want, want) : 0;
			if (n < want)
				memmove(f->free_ops + f->nb_free - want,
					f->free_ops + f->nb_free - want + n,
					(want - n) * sizeof(*f->free_ops));
			f->nb_free -= n;
			f->sent += n;
			n = rte_cryptodev_dequeue_burst(f->dev.id, 0, done, burst);
			for (j = 0; j < n; j++) {
				if (done[j]->status != RTE_CRYPTO_OP_STATUS_SUCCESS &&
				    f->failed++ == 0)
					f->first_failed_status = done[j]->status;
				done[j]->status = RTE_CRYPTO_OP_STATUS_NOT_PROCESSED;
				f->free_ops[f->nb_free++] = done[j];
			}
			f->done += n;
			total += n;
			progress |= n > 0;
			held += f->sent - f->done;
		}
		if (t0 == 0 && total >= warmup) {
			/* every frontend's count from the same round */
			printf("loadgen: measuring\n");
			fflush(stdout);
			t0 = rte_rdtsc();
			for (i = 0; i < nb; i++)
				fs[i].done_at_start = fs[i].done;
		}
		if (sending && t0 != 0 && total >= warmup + ops) {
			t1 = rte_rdtsc();
			for (i = 0; i < nb; i++)
				fs[i].done_at_end = fs[i].done;
			sending = false;
		}
		if (progress)
			last_progress = rte_get_tsc_cycles();
		else if (rte_get_tsc_cycles() - last_progress > STALL_SECONDS * hz)
			return false;
	} while (sending || held > 0);
	*cycles = t1 - t0;
	return true;
}

static int
main_frontends(const struct loadgen_opts *o)
{
	struct frontend *fs = rte_calloc("loadgen_fe", o->nb_devs, sizeof(*fs), 0);
	uint64_t cycles = 0, failed = 0, lost = 0, done = 0, bytes = 0;
	uint32_t i, nb_small = 0, nb_first = 0, digest_len = 0;
	int rc, id0 = rte_cryptodev_get_dev_id(o->devs[0]);
	struct shared_pools p = { 0 };
	double seconds;
	bool answered;

	if (fs == NULL || id0 < 0) {
		fprintf(stderr, "no crypto device %s\n", o->devs[0]);
		return 1;
	}
	/* sessions, then per-device depths: the op pools' sizes follow them */
	p.sess = rte_cryptodev_sym_session_pool_create("lg_sess", 2 * MAX_FRONTENDS,
			rte_cryptodev_sym_get_private_session_size(id0), 0, 0,
			(int)rte_socket_id());
	if (p.sess == NULL) {
		fprintf(stderr, "session pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	for (i = 0; i < o->nb_devs; i++) {
		struct frontend *f = &fs[i];

		if (frontend_setup(f, o->devs[i], p.sess) != 0)
			return 1;
		f->size = i == 0 ? o->first_size : o->size;
		f->inflight = RTE_MIN(o->inflight, f->dev.qp_depth);
		if (i == 0 && f->size != o->size)
			nb_first += f->inflight;
		else
			nb_small += f->inflight;
	}
	p.ops = rte_crypto_op_pool_create("lg_ops", RTE_CRYPTO_OP_TYPE_SYMMETRIC,
			nb_small + nb_first, 0,
			2 * sizeof(struct rte_crypto_sym_xform) + CH_IV_ROOM + CH_AAD_ROOM,
			(int)rte_socket_id());
	p.mbufs = nb_small ? buffer_pool("lg_mbufs", o->size, nb_small) : NULL;
	p.first_mbufs = nb_first ? buffer_pool("lg_first_mbufs", o->first_size, nb_first) : NULL;
	if (p.ops == NULL || (nb_small && p.mbufs == NULL) ||
	    (nb_first && p.first_mbufs == NULL)) {
		fprintf(stderr, "ops and buffers: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	for (i = 0; i < o->nb_devs; i++) {
		struct frontend *f = &fs[i];

		f->dev.op_pool = p.ops;
		f->dev.mbuf_pool = i == 0 && nb_first ? p.first_mbufs : p.mbufs;
		f->sess = make_session(&f->dev, o->algo, &digest_len);
		f->free_ops = rte_calloc("loadgen_ops", f->inflight, sizeof(*f->free_ops), 0);
		if (f->sess == NULL || f->free_ops == NULL) {
			fprintf(stderr, "%s: no %s session (%s)\n", f->dev.name, o->algo,
				rte_strerror(rte_errno));
			return 1;
		}
		rc = make_ops(&f->dev, o->algo, f->size, f->inflight, f->sess, digest_len,
			      f->free_ops);
		if (rc != 0) {
			fprintf(stderr, "%s: ops and buffers: %s\n", f->dev.name, strerror(-rc));
			return 1;
		}
		f->nb_free = f->inflight;
	}

	answered = run_frontends(fs, o->nb_devs, o->burst, o->warmup, o->ops, &cycles);
	seconds = (double)cycles / rte_get_tsc_hz();
	for (i = 0; i < o->nb_devs; i++) {
		struct frontend *f = &fs[i];
		/* nothing timed if a device stopped answering before the end */
		uint64_t n = seconds > 0 ? f->done_at_end - f->done_at_start : 0;

		printf("frontend: index=%u dev=%s size=%u inflight=%u ops=%" PRIu64
		       " mops=%.4f gbps=%.4f sent=%" PRIu64 " completed=%" PRIu64
		       " failed=%" PRIu64 "\n",
		       i, f->dev.name, f->size, f->inflight, n,
		       seconds > 0 ? n / seconds / 1e6 : 0.0,
		       seconds > 0 ? n * (double)f->size * 8 / seconds / 1e9 : 0.0,
		       f->sent, f->done, f->failed);
		if (f->failed)
			fprintf(stderr, "%s: %" PRIu64 " ops failed, the first with status %d\n",
				f->dev.name, f->failed, f->first_failed_status);
		if (f->sent > f->done)
			fprintf(stderr, "%s: %" PRIu64 " ops never came back\n", f->dev.name,
				f->sent - f->done);
		failed += f->failed;
		lost += f->sent - f->done;
		done += n;
		bytes += n * f->size;
	}
	printf("guests: frontends=%u algo=%s size=%u first_size=%u burst=%u inflight=%u ops=%"
	       PRIu64 " seconds=%.6f mops=%.4f gbps=%.4f tsc_mhz=%.0f failed=%" PRIu64
	       " lost=%" PRIu64 "\n",
	       o->nb_devs, o->algo, o->size, o->first_size, o->burst, o->inflight, done,
	       seconds, seconds > 0 ? done / seconds / 1e6 : 0.0,
	       seconds > 0 ? bytes * 8.0 / seconds / 1e9 : 0.0, rte_get_tsc_hz() / 1e6,
	       failed, lost);
	if (!answered)
		fprintf(stderr, "a device stopped answering for %d s\n", STALL_SECONDS);
	/* Ops a device never gave back may still be written: leave the pools. */
	if (answered && lost == 0)
		for (i = 0; i < o->nb_devs; i++) {
			rte_cryptodev_sym_session_free(fs[i].dev.id, fs[i].sess);
			rte_cryptodev_stop(fs[i].dev.id);
			rte_cryptodev_close(fs[i].dev.id);
		}
	return !answered || failed || lost || seconds <= 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct loadgen_opts o = { .burst = 32, .ops = 1000000, .warmup = 100000,
				  .inflight = 512 };
	struct rte_crypto_op **ops;
	struct run_result r;
	uint32_t digest_len;
	struct ch_dev dev;
	double seconds;
	void *sess;
	int rc;

	ch_eal_init(&argc, &argv);
	if (parse_args(argc, argv, &o) != 0) {
		usage(argv[0]);
		rte_eal_cleanup();
		return 2;
	}
	if (o.per_dev) {
		rc = main_frontends(&o);
		rte_eal_cleanup();
		return rc;
	}
	if (ch_dev_setup(&dev, o.dev, 1) != 0) {
		rte_eal_cleanup();
		return 1;
	}
	o.inflight = RTE_MIN(o.inflight, dev.qp_depth);
	o.burst = RTE_MIN(o.burst, o.inflight);
	sess = make_session(&dev, o.algo, &digest_len);
	ops = rte_calloc("loadgen_ops", o.inflight, sizeof(*ops), 0);
	if (sess == NULL || ops == NULL) {
		fprintf(stderr, "%s: no %s session (%s)\n", dev.name, o.algo,
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	rc = make_ops(&dev, o.algo, o.size, o.inflight, sess, digest_len, ops);
	if (rc != 0) {
		fprintf(stderr, "%s: ops and buffers: %s\n", dev.name, strerror(-rc));
		rte_eal_cleanup();
		return 1;
	}

	run(&dev, &o, ops, o.warmup + o.ops, o.ops, &r);
	seconds = (double)r.cycles / rte_get_tsc_hz();
	if (r.stalled || seconds <= 0) {
		fprintf(stderr, "%s: the device stopped answering after %" PRIu64 " ops\n",
			dev.name, r.done);
		rte_eal_cleanup();
		return 1;
	}
	printf("result: dev=%s algo=%s size=%u burst=%u inflight=%u ops=%" PRIu64
	       " seconds=%.6f mops=%.4f gbps=%.4f enq_cycles_per_op=%.1f "
	       "deq_cycles_per_op=%.1f idle_share=%.3f tsc_mhz=%.0f failed=%" PRIu64 "\n",
	       dev.name, o.algo, o.size, o.burst, o.inflight, o.ops, seconds,
	       o.ops / seconds / 1e6, o.ops * (double)o.size * 8 / seconds / 1e9,
	       (double)r.enq_cycles / o.ops, (double)r.deq_cycles / o.ops,
	       (double)r.idle_cycles / r.cycles, rte_get_tsc_hz() / 1e6, r.failed);
	/* Ops and buffers go with the process: the device may still be closing. */
	if (r.failed)
		fprintf(stderr, "%s: %" PRIu64 " ops failed, the first with status %d\n",
			dev.name, r.failed, r.first_failed_status);
	rte_cryptodev_sym_session_free(dev.id, sess);
	ch_dev_close(&dev);
	rte_eal_cleanup();
	return r.failed ? 1 : 0;
}
