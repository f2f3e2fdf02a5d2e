/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Differential test of a kernel skcipher driver, run inside a Linux guest.
 *
 * Every buffer is encrypted through AF_ALG twice, once by the driver under
 * test (by default virtio_crypto_aes_cbc, i.e. the virtio-crypto device)
 * and once by the kernel's software implementation, and the ciphertexts
 * must match byte for byte; the device's ciphertext is then decrypted by
 * the device and must give the plaintext back. Several threads run at once
 * so that several requests are in flight at the device, which is what
 * exercises out-of-order completion.
 *
 * Built static, so the guest needs nothing but this file.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_alg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

#define BLOCK 16
#define IV_LEN 16

struct options {
	const char *driver;
	const char *reference;
	unsigned int buffers;
	unsigned int threads;
	unsigned int min_len;
	unsigned int max_len;
	uint64_t seed;
	bool verbose;
};

static struct options opt = {
	.driver = "virtio_crypto_aes_cbc",
	.reference = "cbc(aes-generic)",
	.buffers = 256,
	.threads = 4,
	.min_len = BLOCK,
	.max_len = 65536,
};

static atomic_uint next_buffer;
static atomic_uint passed;
static atomic_uint failed;

/* splitmix64: a seeded, reproducible stream per buffer. */
static uint64_t
rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
rand_fill(uint64_t *state, uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t r = rand_next(state);
		size_t n = len - i < 8 ? len - i : 8;

		memcpy(buf + i, &r, n);
	}
}

/* Length of buffer `i`: the edges first, then random block multiples. */
static size_t
buffer_len(unsigned int i, uint64_t *state)
{
	static const unsigned int edges[] = { BLOCK, 2 * BLOCK, 4096, 65536 };
	unsigned int blocks_min = opt.min_len / BLOCK;
	unsigned int blocks_max = opt.max_len / BLOCK;

	if (i < sizeof(edges) / sizeof(edges[0]) &&
	    edges[i] >= opt.min_len && edges[i] <= opt.max_len)
		return edges[i];
	return (size_t)(blocks_min +
		rand_next(state) % (blocks_max - blocks_min + 1)) * BLOCK;
}

static int
tfm_open(const char *name)
{
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG,
		.salg_type = "skcipher",
	};
	int fd;

	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", name);
	fd = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/*
 * One whole AF_ALG operation: key, direction, IV and data in, result out.
 * Returns 0 or -errno.
 */
static int
skcipher_run(int tfm, const uint8_t *key, size_t key_len, int op,
	     const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t)) +
			 CMSG_SPACE(sizeof(struct af_alg_iv) + IV_LEN)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)in, .iov_len = len };
	struct msghdr msg = {
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	struct cmsghdr *c;
	struct af_alg_iv *alg_iv;
	size_t done = 0;
	int fd, err = 0;

	if (setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, key_len) < 0)
		return -errno;
	fd = accept(tfm, NULL, 0);
	if (fd < 0)
		return -errno;

	memset(control.buf, 0, sizeof(control.buf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = op;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(struct af_alg_iv) + IV_LEN);
	alg_iv = (struct af_alg_iv *)CMSG_DATA(c);
	alg_iv->ivlen = IV_LEN;
	memcpy(alg_iv->iv, iv, IV_LEN);

	if (sendmsg(fd, &msg, 0) != (ssize_t)len) {
		err = -errno ? -errno : -EIO;
		goto out;
	}
	while (done < len) {
		ssize_t n = read(fd, out + done, len - done);

		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			goto out;
		}
		done += n;
	}
out:
	close(fd);
	return err;
}

static void
report_mismatch(unsigned int i, const char *what, const uint8_t *a,
		const uint8_t *b, size_t len)
{
	size_t off;

	size_t last, ndiff = 0;

	for (off = 0; off < len && a[off] == b[off]; off++)
		;
	for (last = off; last < len; last++)
		ndiff += a[last] != b[last];
	printf("buffer %u: %s differ at byte %zu of %zu (%zu bytes differ;"
	       " %02x%02x%02x%02x vs %02x%02x%02x%02x there)\n", i, what, off, len,
	       ndiff, a[off], a[off + 1 < len ? off + 1 : off],
	       a[off + 2 < len ? off + 2 : off], a[off + 3 < len ? off + 3 : off],
	       b[off], b[off + 1 < len ? off + 1 : off],
	       b[off + 2 < len ? off + 2 : off], b[off + 3 < len ? off + 3 : off]);
}

static void *
worker(void *arg)
{
	uint8_t *plain = malloc(opt.max_len), *dev_ct = malloc(opt.max_len);
	uint8_t *ref_ct = malloc(opt.max_len), *dev_pt = malloc(opt.max_len);
	int dev = tfm_open(opt.driver), ref = tfm_open(opt.reference);
	unsigned int i;

	(void)arg;
	if (!plain || !dev_ct || !ref_ct || !dev_pt || dev < 0 || ref < 0) {
		printf("worker setup failed: %s (driver %s: %s, reference %s: %s)\n",
		       !plain ? "out of memory" : "socket",
		       opt.driver, dev < 0 ? strerror(-dev) : "ok",
		       opt.reference, ref < 0 ? strerror(-ref) : "ok");
		/* Count every buffer this worker would have taken as failed. */
		while ((i = atomic_fetch_add(&next_buffer, 1)) < opt.buffers)
			atomic_fetch_add(&failed, 1);
		goto out;
	}

	while ((i = atomic_fetch_add(&next_buffer, 1)) < opt.buffers) {
		uint64_t state = opt.seed ^ ((uint64_t)i << 32);
		static const size_t key_lens[] = { 16, 24, 32 };
		uint8_t key[32], iv[IV_LEN];
		size_t key_len = key_lens[rand_next(&state) % 3];
		size_t len = buffer_len(i, &state);
		int err;

		rand_fill(&state, key, key_len);
		rand_fill(&state, iv, IV_LEN);
		rand_fill(&state, plain, len);

		err = skcipher_run(dev, key, key_len, ALG_OP_ENCRYPT, iv,
				   plain, dev_ct, len);
		if (err == 0)
			err = skcipher_run(ref, key, key_len, ALG_OP_ENCRYPT,
					   iv, plain, ref_ct, len);
		if (err == 0)
			err = skcipher_run(dev, key, key_len, ALG_OP_DECRYPT,
					   iv, dev_ct, dev_pt, len);
		if (err) {
			printf("buffer %u (%zu B, key %zu): AF_ALG error %s\n",
			       i, len, key_len * 8, strerror(-err));
			atomic_fetch_add(&failed, 1);
		} else if (memcmp(dev_ct, ref_ct, len)) {
			report_mismatch(i, "device and software ciphertexts",
					dev_ct, ref_ct, len);
			atomic_fetch_add(&failed, 1);
		} else if (memcmp(dev_pt, plain, len)) {
			report_mismatch(i, "decrypted text and plaintext",
					dev_pt, plain, len);
			atomic_fetch_add(&failed, 1);
		} else {
			if (opt.verbose)
				printf("buffer %u: %zu B, AES-%zu ok\n",
				       i, len, key_len * 8);
			atomic_fetch_add(&passed, 1);
		}
	}
out:
	if (dev >= 0)
		close(dev);
	if (ref >= 0)
		close(ref);
	free(plain);
	free(dev_ct);
	free(ref_ct);
	free(dev_pt);
	return NULL;
}

static void
usage(const char *prog, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [options]\n"
		"  -d, --driver NAME     skcipher under test (default %s)\n"
		"  -r, --reference NAME  software skcipher (default %s)\n"
		"  -n, --buffers N       buffers to test (default %u)\n"
		"  -t, --threads N       concurrent requesters (default %u)\n"
		"  -m, --min-len N       smallest buffer, bytes (default %u)\n"
		"  -M, --max-len N       largest buffer, bytes (default %u)\n"
		"  -s, --seed N          random seed (default: time)\n"
		"  -v, --verbose         a line per buffer\n",
		prog, opt.driver, opt.reference, opt.buffers, opt.threads,
		opt.min_len, opt.max_len);
	exit(status);
}

static unsigned long
parse_number(const char *arg, const char *what, unsigned long min,
	     unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || *end || end == arg || v < min || v > max) {
		fprintf(stderr, "invalid %s '%s' (want %lu..%lu)\n",
			what, arg, min, max);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "reference", required_argument, NULL, 'r' },
		{ "buffers", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "min-len", required_argument, NULL, 'm' },
		{ "max-len", required_argument, NULL, 'M' },
		{ "seed", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	pthread_t *tids;
	bool seeded = false;
	unsigned int i;
	int c;

	while ((c = getopt_long(argc, argv, "d:r:n:t:m:M:s:vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'd': opt.driver = optarg; break;
		case 'r': opt.reference = optarg; break;
		case 'n': opt.buffers = parse_number(optarg, "buffer count", 1, 1u << 24); break;
		case 't': opt.threads = parse_number(optarg, "thread count", 1, 256); break;
		case 'm': opt.min_len = parse_number(optarg, "minimum length", BLOCK, 1u << 20); break;
		case 'M': opt.max_len = parse_number(optarg, "maximum length", BLOCK, 1u << 20); break;
		case 's': opt.seed = parse_number(optarg, "seed", 0, ~0ul); seeded = true; break;
		case 'v': opt.verbose = true; break;
		case 'h': usage(argv[0], 0); break;
		default: usage(argv[0], 2);
		}
	}
	if (optind != argc)
		usage(argv[0], 2);
	if (opt.min_len % BLOCK || opt.max_len % BLOCK || opt.min_len > opt.max_len) {
		fprintf(stderr, "lengths must be multiples of %d, min <= max\n", BLOCK);
		return 2;
	}
	if (!seeded)
		opt.seed = (uint64_t)time(NULL);

	printf("afalg_skcipher_diff: %s vs %s, %u buffers of %u..%u B, "
	       "%u threads, seed %" PRIu64 "\n", opt.driver, opt.reference,
	       opt.buffers, opt.min_len, opt.max_len, opt.threads, opt.seed);
	fflush(stdout);

	tids = calloc(opt.threads, sizeof(*tids));
	if (!tids)
		return 1;
	for (i = 0; i < opt.threads; i++) {
		if (pthread_create(&tids[i], NULL, worker, NULL)) {
			printf("cannot start thread %u\n", i);
			opt.threads = i;
			break;
		}
	}
	for (i = 0; i < opt.threads; i++)
		pthread_join(tids[i], NULL);
	free(tids);

	/* Buffers no thread took (every pthread_create failed) are failures. */
	if (atomic_load(&next_buffer) < opt.buffers)
		atomic_fetch_add(&failed, opt.buffers - atomic_load(&next_buffer));

	printf("%u passed, %u failed\n", atomic_load(&passed), atomic_load(&failed));
	return atomic_load(&failed) || !atomic_load(&passed) ? 1 : 0;
}
