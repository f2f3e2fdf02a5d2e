/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The control plane's checks of frontend messages (vhost_crypto_control.c),
 * one class at a time, each with the exact errno: ring geometry of a live
 * ring, ring sizes and indices, features, memory tables (with real memfds),
 * files carried, requests never offered; and the last gate when a ring
 * goes live (a packed ring's start index, ring areas outside memory).
 * The same rules end to end, over a socket to the daemon, are the
 * `control` suite's.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/virtio_config.h>

#include <rte_eal.h>

#include "sim_guest.h"
#include "test_report.h"
#include "vhost_crypto_dev.h"
#include "vhost_user_crypto_wire.h"

#define GUEST_BASE	0x40000000ull
#define GUEST_SIZE	(1u << 20)
#define RING_SIZE	16
#define DESC_GPA	(GUEST_BASE + 0x0000)
#define AVAIL_GPA	(GUEST_BASE + 0x1000)
#define USED_GPA	(GUEST_BASE + 0x2000)

static struct sim_guest sim;
static struct vhost_crypto *vc;

/* Check one message; returns vc_ctrl_check()'s result. */
static int
check(uint32_t request, const void *payload, uint32_t size, const int *fds,
      unsigned int nb_fds)
{
	struct vhost_user_msg_hdr hdr = {
		.request = request, .flags = VHOST_USER_VERSION, .size = size,
	};
	const char *why = NULL;
	int rc;

	rc = vc_ctrl_check(vc, &hdr, payload, fds, nb_fds, &why);
	/* Every refusal says why. */
	assert_true(rc == 0 || (why != NULL && why[0] != '\0'));
	return rc;
}

static int
check_state(uint32_t request, uint32_t index, uint32_t num)
{
	struct vhost_user_vring_state st = { .index = index, .num = num };

	return check(request, &st, sizeof(st), NULL, 0);
}

static int
check_u64(uint32_t request, uint64_t v, const int *fds, unsigned int nb_fds)
{
	return check(request, &v, sizeof(v), fds, nb_fds);
}

static void
live_ring_geometry_refused(void **state)
{
	struct vhost_user_vring_addr addr = {
		.index = 0, .desc = 0x1000, .used = 0x3000, .avail = 0x2000,
	};
	int efd = eventfd(0, 0);

	(void)state;
	assert_true(efd >= 0);
	assert_true(vc->rings[0].live);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_NUM, 0, 32), -EBUSY);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_BASE, 0, 0), -EBUSY);
	/* Addresses: moved, refused; unknown before, refused; the same, fine. */
	assert_int_equal(check(VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), NULL, 0),
			 -EBUSY);
	vc->ring_ctrl[0].addr = addr;
	vc->ring_ctrl[0].addr_set = true;
	addr.flags = 1;	/* VHOST_VRING_F_LOG: logging switched on */
	assert_int_equal(check(VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), NULL, 0), 0);
	addr.used += 0x1000;
	assert_int_equal(check(VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), NULL, 0),
			 -EBUSY);
	/* Notifiers of a live ring may change; stopping it is fine. */
	assert_int_equal(check_u64(VHOST_USER_SET_VRING_CALL, 0, &efd, 1), 0);
	assert_int_equal(check_u64(VHOST_USER_SET_VRING_KICK, 0, &efd, 1), 0);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_ENABLE, 0, 1), 0);
	assert_int_equal(check_state(VHOST_USER_GET_VRING_BASE, 0, 0), 0);
	/* The same messages on the stopped control ring are fine. */
	assert_false(vc->rings[1].live);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_NUM, 1, 32), 0);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_BASE, 1, 5), 0);
	addr.index = 1;
	assert_int_equal(check(VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), NULL, 0), 0);
	close(efd);
}

static void
ring_sizes_and_indices(void **state)
{
	(void)state;
	assert_int_equal(check_state(VHOST_USER_SET_VRING_NUM, 1, 0), -EINVAL);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_NUM, 1, 48), -EINVAL);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_NUM, 1, 65536), -EINVAL);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_NUM, 1, 32768), 0);
	/* One data queue and the control queue: indices 0 and 1. */
	assert_int_equal(check_state(VHOST_USER_SET_VRING_NUM, 2, 16), -ERANGE);
	assert_int_equal(check_state(VHOST_USER_GET_VRING_BASE, 255, 0), -ERANGE);
	assert_int_equal(check_u64(VHOST_USER_SET_VRING_CALL, 2 | VHOST_USER_VRING_NOFD_MASK,
				   NULL, 0), -ERANGE);
	/* Wrong sizes and stray bits. */
	assert_int_equal(check(VHOST_USER_SET_VRING_NUM, "\0\0\0\0", 4, NULL, 0), -EINVAL);
	assert_int_equal(check_u64(VHOST_USER_SET_VRING_CALL, 1ull << 32, NULL, 0), -EINVAL);
}

static void
files_with_messages(void **state)
{
	int efd = eventfd(0, 0);
	int two[2] = { efd, efd };

	(void)state;
	assert_true(efd >= 0);
	/* NOFD: no file; otherwise exactly one. */
	assert_int_equal(check_u64(VHOST_USER_SET_VRING_KICK, 1 | VHOST_USER_VRING_NOFD_MASK,
				   NULL, 0), 0);
	assert_int_equal(check_u64(VHOST_USER_SET_VRING_KICK, 1 | VHOST_USER_VRING_NOFD_MASK,
				   &efd, 1), -EINVAL);
	assert_int_equal(check_u64(VHOST_USER_SET_VRING_KICK, 1, NULL, 0), -EINVAL);
	assert_int_equal(check_u64(VHOST_USER_SET_VRING_ERR, 1, two, 2), -EINVAL);
	/* Messages that take none. */
	assert_int_equal(check(VHOST_USER_SET_OWNER, NULL, 0, &efd, 1), -EINVAL);
	assert_int_equal(check(VHOST_USER_GET_FEATURES, NULL, 0, &efd, 1), -EINVAL);
	close(efd);
}

static void
features(void **state)
{
	uint64_t saved = vc->features;

	(void)state;
	/* VHOST_F_LOG_ALL: the backend does not log its writes. */
	assert_int_equal(check_u64(VHOST_USER_SET_FEATURES, 1ull << 26, NULL, 0), -ENOTSUP);
	assert_int_equal(check_u64(VHOST_USER_SET_FEATURES, 1ull << 63, NULL, 0), -ENOTSUP);
	/* Ring 0 is live: only the features it runs with. */
	vc->features = 1ull << VIRTIO_F_VERSION_1;
	assert_int_equal(check_u64(VHOST_USER_SET_FEATURES, vc->features, NULL, 0), 0);
	assert_int_equal(check_u64(VHOST_USER_SET_FEATURES, vc->features |
				   (1ull << VIRTIO_F_RING_PACKED), NULL, 0), -EBUSY);
	assert_int_equal(check(VHOST_USER_SET_FEATURES, &saved, 4, NULL, 0), -EINVAL);
	vc->features = saved;
	/* Protocol features: REPLY_ACK is offered, LOG_SHMFD (1) is not. */
	assert_int_equal(check_u64(VHOST_USER_SET_PROTOCOL_FEATURES,
				   1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK, NULL, 0), 0);
	assert_int_equal(check_u64(VHOST_USER_SET_PROTOCOL_FEATURES, 1ull << 1, NULL, 0),
			 -ENOTSUP);
}

static void
requests_not_offered(void **state)
{
	static const uint32_t requests[] = {
		6,	/* SET_LOG_BASE */
		7,	/* SET_LOG_FD */
		19,	/* SEND_RARP */
		21,	/* SET_SLAVE_REQ_FD */
		22,	/* IOTLB_MSG */
		31,	/* GET_INFLIGHT_FD */
		36,	/* GET_MAX_MEM_SLOTS */
		VHOST_USER_ADD_MEM_REG, VHOST_USER_REM_MEM_REG,
		0, 99, UINT32_MAX,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(requests); i++)
		assert_int_equal(check_u64(requests[i], 0, NULL, 0), -ENOTSUP);
}

/* A memfd of `size` bytes. */
static int
memfd_of(size_t size)
{
	int fd = memfd_create("vc-test-guest", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	return fd;
}

static int
check_table(const struct vhost_user_memory *m, uint32_t size, const int *fds,
	    unsigned int nb_fds)
{
	return check(VHOST_USER_SET_MEM_TABLE, m, size, fds, nb_fds);
}

static void
memory_tables(void **state)
{
	struct vhost_user_memory m;
	uint32_t two = offsetof(struct vhost_user_memory, regions) + 2 * sizeof(m.regions[0]);
	uint32_t one = offsetof(struct vhost_user_memory, regions) + sizeof(m.regions[0]);
	int fds[2] = { memfd_of(1 << 20), memfd_of(1 << 20) };
	int efd = eventfd(0, 0);
	int not_file[2] = { fds[0], efd };

	(void)state;
	memset(&m, 0, sizeof(m));
	m.nregions = 2;
	m.regions[0] = (struct vhost_user_mem_region){
		.guest_phys_addr = 0, .memory_size = 1 << 20,
		.userspace_addr = 0x7f0000000000ull,
	};
	m.regions[1] = (struct vhost_user_mem_region){
		.guest_phys_addr = 1 << 20, .memory_size = 512 << 10,
		.userspace_addr = 0x7f1000000000ull, .mmap_offset = 512 << 10,
	};
	assert_int_equal(check_table(&m, two, fds, 2), 0);
	/* The files must hold the regions. */
	m.regions[1].mmap_offset = (512 << 10) + 4096;
	assert_int_equal(check_table(&m, two, fds, 2), -EINVAL);
	m.regions[1].mmap_offset = 0;
	m.regions[1].memory_size = (1 << 20) + 4096;
	assert_int_equal(check_table(&m, two, fds, 2), -EINVAL);
	m.regions[1].memory_size = 512 << 10;
	/* Not a file at all. */
	assert_int_equal(check_table(&m, two, not_file, 2), -EINVAL);
	/* Overlapping guest ranges make translation ambiguous. */
	m.regions[1].guest_phys_addr = (1 << 20) - 4096;
	assert_int_equal(check_table(&m, two, fds, 2), -EINVAL);
	m.regions[1].guest_phys_addr = 1 << 20;
	/* Wrapping around. */
	m.regions[1].guest_phys_addr = UINT64_MAX - 4095;
	assert_int_equal(check_table(&m, two, fds, 2), -EINVAL);
	m.regions[1].guest_phys_addr = 1 << 20;
	m.regions[1].userspace_addr = UINT64_MAX - 4095;
	assert_int_equal(check_table(&m, two, fds, 2), -EINVAL);
	m.regions[1].userspace_addr = 0x7f1000000000ull;
	/* Empty region, counts and sizes. */
	m.regions[1].memory_size = 0;
	assert_int_equal(check_table(&m, two, fds, 2), -EINVAL);
	m.regions[1].memory_size = 512 << 10;
	assert_int_equal(check_table(&m, two, fds, 1), -EINVAL);
	assert_int_equal(check_table(&m, one, fds, 2), -EINVAL);
	m.nregions = 0;
	assert_int_equal(check_table(&m, 8, NULL, 0), -EINVAL);
	m.nregions = VHOST_USER_MEMORY_MAX_NREGIONS + 1;
	assert_int_equal(check_table(&m, sizeof(m), fds, 2), -EINVAL);
	assert_int_equal(check_table(&m, 4, NULL, 0), -EINVAL);
	m.nregions = 1;
	assert_int_equal(check_table(&m, one, fds, 1), 0);
	close(fds[0]);
	close(fds[1]);
	close(efd);
}

static void
packed_ring_start_index(void **state)
{
	uint64_t saved = vc->features;
	uint64_t refused = vc->stats.control_refused;
	struct rte_vhost_vring vring = {
		.desc = sim_gpa(&sim, DESC_GPA + 0x8000),
		.avail = sim_gpa(&sim, AVAIL_GPA + 0x8000),
		.used = sim_gpa(&sim, USED_GPA + 0x8000),
		.callfd = -1, .kickfd = -1, .size = RING_SIZE,
	};

	(void)state;
	vc->features = 1ull << VIRTIO_F_RING_PACKED;
	/* Checked at the message once the size is known ... */
	vc->ring_ctrl[1].num = RING_SIZE;
	assert_int_equal(check_state(VHOST_USER_SET_VRING_BASE, 1, RING_SIZE), -EINVAL);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_BASE, 1, 0x8000 | RING_SIZE),
			 -EINVAL);
	assert_int_equal(check_state(VHOST_USER_SET_VRING_BASE, 1, 0x8000 | (RING_SIZE - 1)),
			 0);
	vc->ring_ctrl[1].num = 0;
	/* ... and when the ring starts, whatever came first. */
	assert_int_equal(vc_ring_attach(vc, 1, &vring, RING_SIZE, 0), -EINVAL);
	assert_false(vc->rings[1].live);
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0x8000, 0x8000 | RING_SIZE), -EINVAL);
	assert_false(vc->rings[1].live);
	assert_int_equal(vc->stats.control_refused, refused + 2);
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0x8000 | (RING_SIZE - 1), 0x8000), 0);
	assert_true(vc->rings[1].live);
	assert_int_equal(vc->rings[1].vr.last_avail_idx, RING_SIZE - 1);
	vc->rings[1].live = false;
	vc->features = saved;
}

static void
ring_areas_outside_memory(void **state)
{
	uint64_t refused = vc->stats.control_refused;
	/* A used ring of 16 entries needs 134 bytes: place it 100 before the end. */
	struct rte_vhost_vring vring = {
		.desc = sim_gpa(&sim, GUEST_BASE + GUEST_SIZE - 0x1000),
		.avail = sim_gpa(&sim, AVAIL_GPA + 0x8000),
		.used = sim_gpa(&sim, GUEST_BASE + GUEST_SIZE - 100),
		.callfd = -1, .kickfd = -1, .size = RING_SIZE,
	};

	(void)state;
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0, 0), -EFAULT);
	assert_false(vc->rings[1].live);
	/*
	 * A size librte_vhost never checked the areas for: 16 descriptors
	 * fit in the last 4 KiB, 32768 do not.
	 */
	vring.used = sim_gpa(&sim, USED_GPA + 0x8000);
	vring.size = 32768;
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0, 0), -EFAULT);
	assert_false(vc->rings[1].live);
	assert_int_equal(vc->stats.control_refused, refused + 2);
	vring.size = RING_SIZE;
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0, 0), 0);
	assert_true(vc->rings[1].live);
	vc->rings[1].live = false;
}

/* p moved by n bytes. */
static void *
moved(void *p, long n)
{
	return (uint8_t *)p + n;
}

static void
ring_areas_misaligned(void **state)
{
	uint64_t refused = vc->stats.control_refused;
	struct rte_vhost_vring vring = {
		.desc = sim_gpa(&sim, DESC_GPA + 0x8000),
		.avail = sim_gpa(&sim, AVAIL_GPA + 0x8000),
		.used = sim_gpa(&sim, USED_GPA + 0x8000),
		.callfd = -1, .kickfd = -1, .size = RING_SIZE,
	};

	(void)state;
	/* A memory table mapped at an odd offset moves every ring with it. */
	vring.desc = moved(vring.desc, +8);
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0, 0), -EINVAL);
	vring.desc = moved(vring.desc, -8);
	vring.avail = moved(vring.avail, +1);
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0, 0), -EINVAL);
	vring.avail = moved(vring.avail, +1);	/* 2: enough for a split ring */
	vring.used = moved(vring.used, +2);
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0, 0), -EINVAL);
	assert_false(vc->rings[1].live);
	assert_int_equal(vc->stats.control_refused, refused + 3);
	vring.used = moved(vring.used, -2);
	assert_int_equal(vc_ring_attach(vc, 1, &vring, 0, 0), 0);
	assert_true(vc->rings[1].live);
	vc->rings[1].live = false;
}

static int
setup(void **state)
{
	struct vhost_crypto_conf conf = {
		.socket_path = "test-control-checks",
		.flags = VHOST_CRYPTO_F_NO_NOTIFY | VHOST_CRYPTO_F_FALLBACK,
		.max_sessions = 4,
		.nb_ops = 64,
	};
	(void)state;
	if (sim_guest_start(&sim, GUEST_BASE, GUEST_SIZE, &conf) != 0)
		return -1;
	vc = sim.vc;
	memset(sim.mem, 0, GUEST_SIZE);
	/* Data ring 0 live; the control ring (1) stopped. */
	return sim_guest_ring(&sim, 0, DESC_GPA, AVAIL_GPA, USED_GPA, RING_SIZE);
}

int
main(int argc, char **argv)
{
	char *eal_args[] = {
		argv[0], "--no-huge", "-m", "256", "--no-pci", "-l", "0",
		"--file-prefix", "vc_unit_control_checks", "--log-level", "lib.eal:warning",
		"--vdev", "crypto_aesni_mb0", "--vdev", "crypto_openssl0",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(live_ring_geometry_refused),
		cmocka_unit_test(ring_sizes_and_indices),
		cmocka_unit_test(files_with_messages),
		cmocka_unit_test(features),
		cmocka_unit_test(requests_not_offered),
		cmocka_unit_test(memory_tables),
		cmocka_unit_test(packed_ring_start_index),
		cmocka_unit_test(ring_areas_outside_memory),
		cmocka_unit_test(ring_areas_misaligned),
	};
	int rc;

	(void)argc;
	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0) {
		printf("EAL init failed\n0 passed, %zu failed\n", RTE_DIM(tests));
		return 1;
	}
	rc = RUN_TEST_GROUP(tests, setup, NULL);
	rte_eal_cleanup();
	return rc;
}
