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

struct loadgen_opts {
	const char *dev;
	const char *algo;
	uint32_t size;
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
		"--size BYTES [--burst N] [--ops N] [--warmup N] [--inflight N]\n", prog);
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
			o->dev = v;
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
	if (strcmp(o->algo, "aes-gcm") != 0 && strcmp(o->algo, "aes-cbc-sha1-hmac") != 0) {
		fprintf(stderr, "--algo: aes-cbc-sha1-hmac or aes-gcm, not %s\n", o->algo);
		return -EINVAL;
	}
	if (strcmp(o->algo, "aes-cbc-sha1-hmac") == 0 && o->size % 16 != 0) {
		fprintf(stderr, "--size: AES-CBC wants a multiple of 16 bytes\n");
		return -EINVAL;
	}
	return 0;
}

/* The session of the algorithm asked, as IPsec uses it. */
static void *
make_session(struct ch_dev *dev, const struct loadgen_opts *o, uint32_t *digest_len)
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
	if (strcmp(o->algo, "aes-gcm") == 0) {
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

/* One op per in-flight slot, each with its own buffer, made once. */
static int
make_ops(struct ch_dev *dev, const struct loadgen_opts *o, void *sess, uint32_t digest_len,
	 struct rte_crypto_op **ops)
{
	bool gcm = strcmp(o->algo, "aes-gcm") == 0;
	uint32_t i;

	if (rte_crypto_op_bulk_alloc(dev->op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC, ops,
				     o->inflight) != o->inflight)
		return -ENOMEM;
	for (i = 0; i < o->inflight; i++) {
		struct rte_crypto_sym_op *sym = ops[i]->sym;
		struct rte_mbuf *m = rte_pktmbuf_alloc(dev->mbuf_pool);
		uint8_t *data;

		if (m == NULL)
			return -ENOMEM;
		data = (uint8_t *)rte_pktmbuf_append(m, o->size + digest_len);
		if (data == NULL)
			return -ENOSPC;
		memset(data, (int)i, o->size);
		memset(rte_crypto_op_ctod_offset(ops[i], uint8_t *, CH_IV_OFFSET), 0x5a, 16);
		sym->m_src = m;
		rte_crypto_op_attach_sym_session(ops[i], sess);
		if (gcm) {
			sym->aead.data.length = o->size;
			sym->aead.digest.data = data + o->size;
			sym->aead.digest.phys_addr = rte_pktmbuf_iova_offset(m, o->size);
			sym->aead.aad.data = rte_crypto_op_ctod_offset(ops[i], uint8_t *,
								       CH_AAD_OFFSET);
			sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(ops[i],
									       CH_AAD_OFFSET);
			memset(sym->aead.aad.data, 0x11, 8);
		} else {
			sym->cipher.data.length = o->size;
			sym->auth.data.length = o->size;
			sym->auth.digest.data = data + o->size;
			sym->auth.digest.phys_addr = rte_pktmbuf_iova_offset(m, o->size);
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
	if (ch_dev_setup(&dev, o.dev, 1) != 0) {
		rte_eal_cleanup();
		return 1;
	}
	o.inflight = RTE_MIN(o.inflight, dev.qp_depth);
	o.burst = RTE_MIN(o.burst, o.inflight);
	sess = make_session(&dev, &o, &digest_len);
	ops = rte_calloc("loadgen_ops", o.inflight, sizeof(*ops), 0);
	if (sess == NULL || ops == NULL) {
		fprintf(stderr, "%s: no %s session (%s)\n", dev.name, o.algo,
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	rc = make_ops(&dev, &o, sess, digest_len, ops);
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
