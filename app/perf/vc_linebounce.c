/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * What one cache line costs to move between two cores:
 *
 *   vc_linebounce [CORE_A CORE_B [ROUNDS]]
 *
 * Two threads, one per core, hand a counter in one cache line back and
 * forth: each waits for the other's value, then writes its own. A round is
 * two transfers of the line, so half a round is the price of every line a
 * request or its answer carries from one half of the virtio path to the
 * other. The benchmark guide uses it to bound what the path can reach on a
 * machine: per op, the backend pays at least the lines it must read that
 * the frontend wrote, whatever its instructions.
 *
 * Prints: linebounce: cores A B rounds N ns_per_transfer X cycles_per_transfer Y
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

struct line {
	volatile uint64_t value;
	uint8_t pad[64 - sizeof(uint64_t)];
} __attribute__((aligned(64)));

static struct line shared;

struct side {
	int core;
	uint64_t rounds;
	uint64_t parity;	/* 0: writes odd values, 1: even */
	int err;
};

static int
pin(int core)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(core, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *
bounce(void *arg)
{
	struct side *s = arg;
	uint64_t i;

	s->err = pin(s->core);
	if (s->err != 0)
		return NULL;
	for (i = 0; i < s->rounds; i++) {
		uint64_t want = 2 * i + s->parity;

		while (__atomic_load_n(&shared.value, __ATOMIC_ACQUIRE) != want)
			_mm_pause();
		__atomic_store_n(&shared.value, want + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int
parse(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' || end == s || *out > max ? -1 : 0;
}

int
main(int argc, char **argv)
{
	unsigned long long a = 0, b = 1, rounds = 2000000;
	struct side sa, sb;
	struct timespec t0, t1;
	uint64_t c0, c1;
	pthread_t ta, tb;
	double ns;

	if ((argc != 1 && argc != 3 && argc != 4) ||
	    (argc >= 3 && (parse(argv[1], CPU_SETSIZE - 1, &a) || parse(argv[2], CPU_SETSIZE - 1, &b))) ||
	    (argc == 4 && (parse(argv[3], 1ULL << 40, &rounds) || rounds == 0)) || a == b) {
		fprintf(stderr, "usage: %s [CORE_A CORE_B [ROUNDS]] (two different cores)\n", argv[0]);
		return 2;
	}
	sa = (struct side){ .core = (int)a, .rounds = rounds, .parity = 0 };
	sb = (struct side){ .core = (int)b, .rounds = rounds, .parity = 1 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c0 = __rdtsc();
	if (pthread_create(&ta, NULL, bounce, &sa) != 0 ||
	    pthread_create(&tb, NULL, bounce, &sb) != 0) {
		fprintf(stderr, "vc_linebounce: cannot start threads\n");
		return 1;
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	c1 = __rdtsc();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (sa.err || sb.err) {
		fprintf(stderr, "vc_linebounce: cannot run on cores %llu and %llu: %s\n",
			a, b, strerror(sa.err ? sa.err : sb.err));
		return 1;
	}
	ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
	printf("linebounce: cores %llu %llu rounds %llu ns_per_transfer %.1f "
	       "cycles_per_transfer %.0f\n", a, b, rounds, ns / (2.0 * rounds),
	       (double)(c1 - c0) / (2.0 * rounds));
	return 0;
}
