/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Malformed traffic over a real vhost-user connection:
 *
 *   test_malformed_traffic [EAL] -- [--requests N] [--seed S]
 *       [--dev NAME] [--ref NAME]
 *
 * Raw requests go on data queue 0 of our crypto_virtio_user device (its
 * rings, its vhost-user connection, the daemon at the other end), one at a
 * time, as a hostile guest would write them: valid ones at random among
 * malformed ones of every class below. A valid request is an AES-128-CBC
 * encryption of 16..2048 bytes, through a session made on the control
 * queue; its output must equal the reference device's (crypto_openssl)
 * for the same key, IV and text. A malformed one must come back with the
 * status the specification names for it:
 *
 *   bad_opcode         an opcode no service has                  BADMSG
 *   unknown_session    a session id the device never gave        INVSESS
 *   wrong_direction    a decrypt opcode on an encrypt session    BADMSG
 *   length_mismatch    dst_data_len != src_data_len              BADMSG
 *   iv_length          an IV length the session does not have    BADMSG
 *   short_readable     src_data_len past the readable buffers    BADMSG
 *   short_writable     dst_data_len past the writable buffers    BADMSG
 *   truncated_header   a header shorter than the request's       BADMSG
 *   outside_memory     a source address in no memory region      BADMSG
 *   huge_length        src_data_len near 2^31                    BADMSG
 *   partial_block      AES-CBC over a length not a whole block   BADMSG
 *
 * Every request must come back within the deadline (the queue never
 * stalls) and write nothing outside its writable buffers; the last request
 * is a valid one. The runner checks that the daemon holds no session, op
 * or mbuf afterwards (telemetry).
 *
 * Prints the count per class and "malformed: N requests, M wrong"; exit 0
 * when M is 0.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>

#include "cryptodev_harness.h"
#include "dpdk_driver_abi.h"
#include "virtio_crypto_hw.h"
#include "virtio_crypto_vq.h"
#include "virtio_crypto_wire.h"

#define MAX_TEXT	2048
#define GUARD		0xa5
#define DEADLINE_MS	5000

enum req_class {
	VALID,
	BAD_OPCODE,
	UNKNOWN_SESSION,
	WRONG_DIRECTION,
	LENGTH_MISMATCH,
	IV_LENGTH,
	SHORT_READABLE,
	SHORT_WRITABLE,
	TRUNCATED_HEADER,
	OUTSIDE_MEMORY,
	HUGE_LENGTH,
	PARTIAL_BLOCK,
	NB_CLASSES,
};

static const struct {
	const char *name;
	uint8_t status;
} classes[NB_CLASSES] = {
	[VALID] = { "valid", VIRTIO_CRYPTO_OK },
	[BAD_OPCODE] = { "bad_opcode", VIRTIO_CRYPTO_BADMSG },
	[UNKNOWN_SESSION] = { "unknown_session", VIRTIO_CRYPTO_INVSESS },
	[WRONG_DIRECTION] = { "wrong_direction", VIRTIO_CRYPTO_BADMSG },
	[LENGTH_MISMATCH] = { "length_mismatch", VIRTIO_CRYPTO_BADMSG },
	[IV_LENGTH] = { "iv_length", VIRTIO_CRYPTO_BADMSG },
	[SHORT_READABLE] = { "short_readable", VIRTIO_CRYPTO_BADMSG },
	[SHORT_WRITABLE] = { "short_writable", VIRTIO_CRYPTO_BADMSG },
	[TRUNCATED_HEADER] = { "truncated_header", VIRTIO_CRYPTO_BADMSG },
	[OUTSIDE_MEMORY] = { "outside_memory", VIRTIO_CRYPTO_BADMSG },
	[HUGE_LENGTH] = { "huge_length", VIRTIO_CRYPTO_BADMSG },
	[PARTIAL_BLOCK] = { "partial_block", VIRTIO_CRYPTO_BADMSG },
};

/* What one request occupies, in DPDK memory the daemon maps. */
struct req_mem {
	struct virtio_crypto_op_data_req hdr;
	uint8_t iv_text[16 + MAX_TEXT];		/* IV then text: one buffer */
	uint8_t dst[MAX_TEXT + 64];		/* 64 guard bytes after */
	uint8_t status;
};

static uint64_t rng;

static uint64_t
next_rand(void)
{
	/* xorshift64*: repeatable from --seed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* The reference device's AES-128-CBC of len bytes: 0, or -1. */
static int
ref_encrypt(struct ch_dev *ref, const uint8_t key[16], const uint8_t *iv,
	    const uint8_t *in, uint32_t len, uint8_t *out)
{
	const struct ch_sym_case c = {
		.kind = CH_CIPHER, .cipher_algo = RTE_CRYPTO_CIPHER_AES_CBC, .encrypt = true,
		.key = key, .key_len = 16, .iv = iv, .iv_len = 16,
		.in = in, .in_len = len, .cipher_len = len,
	};
	struct ch_sym_op h;
	int rc;

	if (ch_sym_op_build(ref, &c, &h) != 0)
		return -1;
	rc = ch_run_ops(ref, 0, &h.op, 1, 1000) == 0 && ch_sym_op_intact(&h) &&
	     h.op->status == RTE_CRYPTO_OP_STATUS_SUCCESS ? 0 : -1;
	if (rc == 0)
		ch_sym_op_output(&h, &c, out, NULL);
	ch_sym_op_free(ref, &h);
	return rc;
}

/*
 * Lay a request of class c out in q and describe it in bufs (at most four:
 * the PMD's one-request table holds four). Returns the number of readable
 * buffers; *nb_in gets the writable ones, *dst_len the bytes to compare.
 */
static uint16_t
build(const struct virtio_crypto_hw *hw, struct req_mem *q, enum req_class c,
      uint64_t session, uint32_t len, struct vc_vq_buf *bufs, uint16_t *nb_in,
      uint32_t *dst_len)
{
	struct virtio_crypto_cipher_para *p = &q->hdr.u.sym_req.u.cipher.para;
	uint32_t hdr_len = sizeof(q->hdr), readable = 16 + len, writable = len;
	uint16_t n, nb_out;
	uint32_t i;

	memset(&q->hdr, 0, sizeof(q->hdr));
	q->hdr.header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_CIPHER_ENCRYPT);
	q->hdr.header.session_id = rte_cpu_to_le_64(session);
	if (vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_REVISION_1))
		q->hdr.header.flag = rte_cpu_to_le_32(VIRTIO_CRYPTO_FLAG_SESSION_MODE);
	q->hdr.u.sym_req.op_type = rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
	p->iv_len = rte_cpu_to_le_32(16);
	p->src_data_len = rte_cpu_to_le_32(len);
	p->dst_data_len = rte_cpu_to_le_32(len);
	for (i = 0; i < 16 + len; i++)
		q->iv_text[i] = (uint8_t)next_rand();
	memset(q->dst, GUARD, sizeof(q->dst));
	q->status = 0xee;

	switch (c) {
	case BAD_OPCODE:
		q->hdr.header.opcode = rte_cpu_to_le_32(0xdead);
		break;
	case UNKNOWN_SESSION:
		q->hdr.header.session_id = rte_cpu_to_le_64(session + 1000 + next_rand() % 1000000);
		break;
	case WRONG_DIRECTION:
		q->hdr.header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_CIPHER_DECRYPT);
		break;
	case LENGTH_MISMATCH:
		p->dst_data_len = rte_cpu_to_le_32(len - 16);
		writable = len - 16;
		break;
	case IV_LENGTH:
		p->iv_len = rte_cpu_to_le_32(8);
		readable = 8 + len;
		break;
	case SHORT_READABLE:
		readable = 16 + len - 1 - next_rand() % 16;
		break;
	case SHORT_WRITABLE:
		writable = len - 1 - next_rand() % 16;
		break;
	case TRUNCATED_HEADER:
		hdr_len = 1 + next_rand() % (sizeof(q->hdr) - 1);
		break;
	case HUGE_LENGTH:
		p->src_data_len = rte_cpu_to_le_32(0x7ffffff0);
		p->dst_data_len = rte_cpu_to_le_32(0x7ffffff0);
		break;
	case PARTIAL_BLOCK:
		p->src_data_len = rte_cpu_to_le_32(len - 1);
		p->dst_data_len = rte_cpu_to_le_32(len - 1);
		readable = 16 + len - 1;
		writable = len - 1;
		break;
	default:
		break;
	}
	n = 0;
	bufs[n++] = (struct vc_vq_buf){ vc_hw_addr(hw, &q->hdr, rte_mem_virt2iova(&q->hdr)),
					hdr_len };
	/* a truncated header is all there is to read: nothing after it fills it up */
	if (c != TRUNCATED_HEADER)
		bufs[n++] = (struct vc_vq_buf){ c == OUTSIDE_MEMORY ?
			0x1000 :	/* page one: in no region a device maps */
			vc_hw_addr(hw, q->iv_text, rte_mem_virt2iova(q->iv_text)), readable };
	nb_out = n;
	bufs[n++] = (struct vc_vq_buf){ vc_hw_addr(hw, q->dst, rte_mem_virt2iova(q->dst)),
					writable };
	bufs[n++] = (struct vc_vq_buf){ vc_hw_addr(hw, &q->status,
						   rte_mem_virt2iova(&q->status)), 1 };
	*nb_in = n - nb_out;
	*dst_len = writable;
	return nb_out;
}

static enum req_class
draw_class(void)
{
	/* Half valid, the rest spread over the malformed classes. */
	if (next_rand() % 2 == 0)
		return VALID;
	return 1 + next_rand() % (NB_CLASSES - 1);
}

static uint32_t
draw_len(enum req_class c)
{
	/* whole blocks, and at least two (for the classes that take some away) */
	uint32_t len = 16 * (2 + next_rand() % (MAX_TEXT / 16 - 1));

	RTE_SET_USED(c);
	return len;
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno != 0 || *end != '\0' || end == s ? -1 : 0;
}

int
main(int argc, char **argv)
{
	static const uint8_t key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
					 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
	const char *dev = "crypto_virtio_user0", *ref_name = "crypto_openssl0";
	uint64_t requests = 100000, seed = 1, sent[NB_CLASSES] = { 0 }, wrong[NB_CLASSES] = { 0 };
	uint64_t session, n, nb_wrong = 0;
	struct vc_session_request sreq;
	struct virtio_crypto_hw *hw;
	struct rte_cryptodev *cdev;
	struct ch_dev ref;
	struct req_mem *q;
	uint8_t expect[MAX_TEXT];
	int i, rc;

	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "malformed: EAL init failed\n");
		return 2;
	}
	for (i = rc + 1; i < argc; i++) {
		if (strcmp(argv[i], "--requests") == 0 && i + 1 < argc &&
		    parse_u64(argv[i + 1], &requests) == 0 && requests > 0)
			i++;
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc &&
			 parse_u64(argv[i + 1], &seed) == 0)
			i++;
		else if (strcmp(argv[i], "--dev") == 0 && i + 1 < argc)
			dev = argv[++i];
		else if (strcmp(argv[i], "--ref") == 0 && i + 1 < argc)
			ref_name = argv[++i];
		else {
			fprintf(stderr, "usage: %s [EAL] -- [--requests N] [--seed S] "
				"[--dev NAME] [--ref NAME]\n", argv[0]);
			return 2;
		}
	}
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;

	cdev = rte_cryptodev_pmd_get_named_dev(dev);
	if (cdev == NULL || ch_dev_setup(&ref, ref_name, 1) != 0) {
		fprintf(stderr, "malformed: no device %s, or no reference %s\n", dev, ref_name);
		return 1;
	}
	/* Its data queue 0 goes live with the queue pair; nothing else uses it. */
	{
		struct rte_cryptodev_config conf = { .socket_id = (int)rte_socket_id(),
						     .nb_queue_pairs = 1 };
		struct rte_cryptodev_qp_conf qp = { .nb_descriptors = 64 };
		uint8_t id = cdev->data->dev_id;

		qp.mp_session = rte_cryptodev_sym_session_pool_create("malformed_sessions", 2,
				rte_cryptodev_sym_get_private_session_size(id), 0, 0, 0);
		if (qp.mp_session == NULL || rte_cryptodev_configure(id, &conf) != 0 ||
		    rte_cryptodev_queue_pair_setup(id, 0, &qp, conf.socket_id) != 0 ||
		    rte_cryptodev_start(id) != 0) {
			fprintf(stderr, "malformed: %s would not start\n", dev);
			return 1;
		}
	}
	hw = cdev->data->dev_private;
	if (hw->nb_queues < 1 || hw->dataq == NULL || hw->dataq[0] == NULL) {
		fprintf(stderr, "malformed: %s has no data queue up\n", dev);
		return 1;
	}
	memset(&sreq, 0, sizeof(sreq));
	sreq.req.header.opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_CIPHER_CREATE_SESSION);
	sreq.req.u.sym_create_session.op_type = rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
	sreq.req.u.sym_create_session.u.cipher.para.algo =
		rte_cpu_to_le_32(VIRTIO_CRYPTO_CIPHER_AES_CBC);
	sreq.req.u.sym_create_session.u.cipher.para.keylen = rte_cpu_to_le_32(16);
	sreq.req.u.sym_create_session.u.cipher.para.op = rte_cpu_to_le_32(VIRTIO_CRYPTO_OP_ENCRYPT);
	sreq.cipher_key = key;
	sreq.cipher_key_len = 16;
	rc = vc_ctrlq_create_session(hw, &sreq, &session);
	q = rte_zmalloc("malformed_req", sizeof(*q), RTE_CACHE_LINE_SIZE);
	if (rc != 0 || q == NULL) {
		fprintf(stderr, "malformed: session (%d) or memory\n", rc);
		return 1;
	}

	for (n = 0; n < requests; n++) {
		enum req_class c = n + 1 == requests ? VALID : draw_class();
		uint32_t len = draw_len(c), dst_len, k;
		struct vc_vq_buf bufs[4];
		uint16_t nb_in, nb_out = build(hw, q, c, session, len, bufs, &nb_in, &dst_len);
		bool good;

		if (c == VALID &&
		    ref_encrypt(&ref, key, q->iv_text, q->iv_text + 16, len, expect) != 0) {
			fprintf(stderr, "malformed: the reference device failed\n");
			return 1;
		}
		pthread_mutex_lock(&hw->ctrl_lock);
		rc = vc_ctrl_buf_submit(hw, hw->dataq[0], bufs, nb_out, nb_in, DEADLINE_MS);
		pthread_mutex_unlock(&hw->ctrl_lock);
		if (rc != 0) {
			printf("FAIL: request %" PRIu64 " (%s) did not come back: %s\n", n,
			       classes[c].name, strerror(-rc));
			nb_wrong++;
			break;
		}
		sent[c]++;
		good = q->status == classes[c].status;
		if (good && c == VALID)
			good = memcmp(q->dst, expect, len) == 0;
		/* nothing written past the writable buffer; a failed one writes nothing */
		for (k = c == VALID ? len : 0; good && k < sizeof(q->dst); k++)
			good = q->dst[k] == GUARD;
		if (!good) {
			if (wrong[c]++ == 0)
				printf("FAIL: request %" PRIu64 " (%s, %u bytes): status %u, "
				       "want %u%s\n", n, classes[c].name, len, q->status,
				       classes[c].status, q->status == classes[c].status ?
				       " (the output differs)" : "");
			nb_wrong++;
		}
	}

	for (i = 0; i < NB_CLASSES; i++)
		printf("  %-18s %8" PRIu64 " sent, %" PRIu64 " wrong (want status %u)\n",
		       classes[i].name, sent[i], wrong[i], classes[i].status);
	rc = vc_ctrlq_destroy_session(hw, VIRTIO_CRYPTO_SERVICE_CIPHER, session);
	if (rc != 0) {
		printf("FAIL: the session would not go: %d\n", rc);
		nb_wrong++;
	}
	printf("malformed: %" PRIu64 " requests, %" PRIu64 " wrong\n", n, nb_wrong);
	rte_free(q);
	rte_cryptodev_stop(cdev->data->dev_id);
	ch_dev_close(&ref);
	rte_eal_cleanup();
	return nb_wrong == 0 ? 0 : 1;
}
