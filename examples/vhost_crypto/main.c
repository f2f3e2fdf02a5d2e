/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * vhost-crypto: serve virtio-crypto frontends on vhost-user sockets with a
 * DPDK crypto device.
 *
 *   vhost-crypto --socket /tmp/vc.sock
 *   vhost-crypto [EAL options] -- --socket PATH [--socket PATH ...] [options]
 *
 * Without EAL options it runs on one core with no PCI scan and its own
 * crypto_aesni_mb device. Each socket gets a queue pair of the crypto
 * device; worker lcores (or the main one) poll the sockets' rings.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <vhost_crypto.h>

#define MAX_SOCKETS		16
#define DEFAULT_CRYPTODEV	"crypto_aesni_mb"
#define DEFAULT_FALLBACK	"crypto_openssl"
#define CDEV_QP_DESCRIPTORS	2048
#define POLL_BURST		32

struct options {
	const char *sockets[MAX_SOCKETS];
	unsigned int nb_sockets;
	const char *cryptodev;
	const char *fallback;	/* NULL: none */
	bool client;
	bool no_notify;
	bool zero_copy;
	uint32_t queues;
	uint32_t max_sessions;
	uint32_t max_size;
	enum vhost_crypto_session_layout layout;
	unsigned int stats_interval;
};

static const struct options default_opt = {
	.cryptodev = DEFAULT_CRYPTODEV,
	.fallback = DEFAULT_FALLBACK,
};
static struct options opt;

static struct vhost_crypto *instances[MAX_SOCKETS];
static volatile bool quit;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	quit = true;
}

static void
usage(const char *prog, FILE *f)
{
	fprintf(f,
		"usage: %s [EAL options --] --socket PATH [options]\n"
		"\n"
		"  --socket PATH         vhost-user socket to serve (repeatable, up to %d)\n"
		"  --cryptodev NAME      crypto device by name, or a virtual crypto driver\n"
		"                        to create (default %s)\n"
		"  --fallback NAME       software crypto device for requests the main one\n"
		"                        is known to get wrong (default %s; 'none')\n"
		"  --client              connect to the sockets instead of listening\n"
		"  --no-notify           never signal frontends (they poll)\n"
		"  --queues N            data queues offered to each frontend (default 1)\n"
		"  --zero-copy           let the crypto device work on guest buffers\n"
		"                        where a request allows it (software devices)\n"
		"  --max-sessions N      sessions per socket (default 1024)\n"
		"  --max-size BYTES      largest request accepted (default 1048576)\n"
		"  --session-layout L    QEMU session message layout: auto, 7.0, 7.1, 8.1\n"
		"                        (default auto: by size, then by content)\n"
		"  --stats-interval SEC  print counters every SEC seconds (default 0: never)\n"
		"  --help                this text\n"
		"\n"
		"Without EAL options: one core, no PCI scan, in-memory.\n",
		prog, MAX_SOCKETS, DEFAULT_CRYPTODEV, DEFAULT_FALLBACK);
}

static int
parse_uint(const char *arg, const char *what, unsigned long min,
	   unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(arg, &end, 0);
	if (errno || *end || end == arg || *out < min || *out > max || arg[0] == '-') {
		fprintf(stderr, "vhost-crypto: invalid %s '%s' (want %lu..%lu)\n",
			what, arg, min, max);
		return -1;
	}
	return 0;
}

/* Returns 0, 1 for --help, or -1 for a bad command line. */
static int
parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "cryptodev", required_argument, NULL, 'c' },
		{ "fallback", required_argument, NULL, 'F' },
		{ "client", no_argument, NULL, 'C' },
		{ "no-notify", no_argument, NULL, 'N' },
		{ "queues", required_argument, NULL, 'q' },
		{ "zero-copy", no_argument, NULL, 'z' },
		{ "max-sessions", required_argument, NULL, 'S' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "session-layout", required_argument, NULL, 'L' },
		{ "stats-interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	opt = default_opt;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (opt.nb_sockets == MAX_SOCKETS) {
				fprintf(stderr, "vhost-crypto: at most %d sockets\n", MAX_SOCKETS);
				return -1;
			}
			opt.sockets[opt.nb_sockets++] = optarg;
			break;
		case 'c':
			opt.cryptodev = optarg;
			break;
		case 'F':
			opt.fallback = strcmp(optarg, "none") ? optarg : NULL;
			break;
		case 'C':
			opt.client = true;
			break;
		case 'N':
			opt.no_notify = true;
			break;
		case 'z':
			opt.zero_copy = true;
			break;
		case 'q':
			if (parse_uint(optarg, "--queues", 1, 16, &v))
				return -1;
			opt.queues = v;
			break;
		case 'S':
			if (parse_uint(optarg, "--max-sessions", 1, 65536, &v))
				return -1;
			opt.max_sessions = v;
			break;
		case 'm':
			if (parse_uint(optarg, "--max-size", 64, 64u << 20, &v))
				return -1;
			opt.max_size = v;
			break;
		case 'L':
			if (!strcmp(optarg, "auto"))
				opt.layout = VHOST_CRYPTO_SESSION_LAYOUT_AUTO;
			else if (!strcmp(optarg, "7.0"))
				opt.layout = VHOST_CRYPTO_SESSION_LAYOUT_QEMU_7_0;
			else if (!strcmp(optarg, "7.1"))
				opt.layout = VHOST_CRYPTO_SESSION_LAYOUT_QEMU_7_1;
			else if (!strcmp(optarg, "8.1"))
				opt.layout = VHOST_CRYPTO_SESSION_LAYOUT_QEMU_8_1;
			else {
				fprintf(stderr, "vhost-crypto: --session-layout must be "
					"auto, 7.0, 7.1 or 8.1, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'i':
			if (parse_uint(optarg, "--stats-interval", 0, 86400, &v))
				return -1;
			opt.stats_interval = v;
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vhost-crypto: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (opt.nb_sockets == 0) {
		fprintf(stderr, "vhost-crypto: at least one --socket is needed\n");
		return -1;
	}
	return 0;
}

/* The named crypto device, created as a virtual device if it is none yet. */
static int
find_or_create_cryptodev(const char *name)
{
	char vdev[64];
	int id = rte_cryptodev_get_dev_id(name);

	if (id >= 0)
		return id;
	snprintf(vdev, sizeof(vdev), "%s_vhost0", name);
	id = rte_cryptodev_get_dev_id(vdev);
	if (id >= 0)
		return id;
	if (rte_eal_hotplug_add("vdev", vdev, "") != 0) {
		fprintf(stderr, "vhost-crypto: no crypto device '%s', and no virtual "
			"crypto driver by that name\n", name);
		return -1;
	}
	return rte_cryptodev_get_dev_id(vdev);
}

static int
setup_cryptodev(uint8_t id, uint16_t nb_qps)
{
	struct rte_cryptodev_config conf = {
		.socket_id = rte_cryptodev_socket_id(id),
		.nb_queue_pairs = nb_qps,
	};
	struct rte_cryptodev_qp_conf qp_conf = {
		.nb_descriptors = CDEV_QP_DESCRIPTORS,
	};
	struct rte_cryptodev_info info;
	uint16_t qp;

	rte_cryptodev_info_get(id, &info);
	if (info.max_nb_queue_pairs < nb_qps) {
		fprintf(stderr, "vhost-crypto: %s has %u queue pairs, %u sockets need one each\n",
			info.driver_name, info.max_nb_queue_pairs, nb_qps);
		return -1;
	}
	if (conf.socket_id < 0)
		conf.socket_id = 0;
	if (rte_cryptodev_configure(id, &conf) != 0)
		return -1;
	for (qp = 0; qp < nb_qps; qp++)
		if (rte_cryptodev_queue_pair_setup(id, qp, &qp_conf, conf.socket_id) != 0)
			return -1;
	return rte_cryptodev_start(id);
}

static void
print_stats(void)
{
	unsigned int i;

	for (i = 0; i < opt.nb_sockets; i++) {
		struct vhost_crypto_stats s;

		if (instances[i] == NULL || vhost_crypto_stats_get(instances[i], &s))
			continue;
		printf("vhost-crypto: %s: requests %" PRIu64 " ok %" PRIu64
		       " err %" PRIu64 " bad %" PRIu64 " sessions +%" PRIu64
		       " -%" PRIu64 " !%" PRIu64 " fallback %" PRIu64
		       " zero-copy %" PRIu64 " connections %" PRIu64
		       " live: sessions %u ops %u mbufs %u\n",
		       opt.sockets[i], s.requests, s.completed_ok, s.completed_err,
		       s.bad_requests, s.sessions_created, s.sessions_destroyed,
		       s.session_errors, s.fallback_ops, s.zero_copy_ops, s.connections,
		       s.sessions_live, s.ops_in_use, s.mbufs_in_use);
	}
	fflush(stdout);
}

/* Poll the instances whose index modulo the worker count is ours. */
static int
poll_loop(void *arg)
{
	unsigned int worker = (unsigned int)(uintptr_t)arg;
	unsigned int nb_workers = RTE_MAX(rte_lcore_count() - 1, 1u);
	uint64_t next_stats = 0, hz = rte_get_timer_hz();

	while (!quit) {
		unsigned int i;

		for (i = worker; i < opt.nb_sockets; i += nb_workers)
			vhost_crypto_poll(instances[i], POLL_BURST);
		if (opt.stats_interval && worker == 0) {
			uint64_t now = rte_get_timer_cycles();

			if (now >= next_stats) {
				if (next_stats)
					print_stats();
				next_stats = now + hz * opt.stats_interval;
			}
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char *default_eal[16];
	char prefix[64], lcore[16];
	char **app_argv = argv;
	int app_argc = argc, eal_argc, rc, dev, fallback = -1;
	unsigned int i, lcore_id, w;

	/*
	 * With "--" the EAL options come first; without it every argument is
	 * ours and EAL gets defaults that need nothing from the machine but
	 * hugepages.
	 */
	for (i = 1; i < (unsigned int)argc; i++)
		if (strcmp(argv[i], "--") == 0)
			break;
	if (i < (unsigned int)argc) {
		eal_argc = rte_eal_init(i, argv);
		app_argv = argv + i;
		app_argc = argc - i;
		app_argv[0] = argv[0];
	} else {
		rc = parse_options(argc, argv);
		if (rc) {
			usage(argv[0], rc > 0 ? stdout : stderr);
			return rc > 0 ? 0 : 2;
		}
		snprintf(prefix, sizeof(prefix), "--file-prefix=vhost-crypto-%d", getpid());
		snprintf(lcore, sizeof(lcore), "%u", (unsigned int)sched_getcpu());
		eal_argc = 0;
		default_eal[eal_argc++] = argv[0];
		default_eal[eal_argc++] = "-l";
		default_eal[eal_argc++] = lcore;
		default_eal[eal_argc++] = "--no-pci";
		default_eal[eal_argc++] = "--in-memory";
		default_eal[eal_argc++] = prefix;
		default_eal[eal_argc++] = "--log-level=lib.vhost_crypto:info";
		eal_argc = rte_eal_init(eal_argc, default_eal);
	}
	if (eal_argc < 0) {
		fprintf(stderr, "vhost-crypto: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	rc = parse_options(app_argc, app_argv);
	if (rc) {
		usage(argv[0], rc > 0 ? stdout : stderr);
		rte_eal_cleanup();
		return rc > 0 ? 0 : 2;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	dev = find_or_create_cryptodev(opt.cryptodev);
	if (dev < 0 || setup_cryptodev(dev, opt.nb_sockets) != 0) {
		fprintf(stderr, "vhost-crypto: cannot set up crypto device %s\n", opt.cryptodev);
		rte_eal_cleanup();
		return 1;
	}
	if (opt.fallback && strcmp(opt.fallback, opt.cryptodev) != 0) {
		fallback = find_or_create_cryptodev(opt.fallback);
		if (fallback < 0 || fallback == dev ||
		    setup_cryptodev(fallback, opt.nb_sockets) != 0) {
			fprintf(stderr, "vhost-crypto: cannot set up fallback crypto "
				"device %s (--fallback none to go without)\n", opt.fallback);
			rte_eal_cleanup();
			return 1;
		}
	}

	for (i = 0; i < opt.nb_sockets; i++) {
		struct vhost_crypto_conf conf = {
			.socket_path = opt.sockets[i],
			.flags = (opt.client ? VHOST_CRYPTO_F_CLIENT : 0) |
				 (opt.no_notify ? VHOST_CRYPTO_F_NO_NOTIFY : 0) |
				 (opt.zero_copy ? VHOST_CRYPTO_F_ZERO_COPY : 0) |
				 (fallback >= 0 ? VHOST_CRYPTO_F_FALLBACK : 0),
			.cdev_id = dev,
			.cdev_qp = i,
			.fallback_cdev_id = fallback >= 0 ? fallback : 0,
			.fallback_qp = i,
			.max_dataqueues = opt.queues,
			.max_sessions = opt.max_sessions,
			.max_size = opt.max_size,
			.session_layout = opt.layout,
			.socket_id = rte_socket_id(),
		};

		if (!opt.client)
			unlink(opt.sockets[i]);	/* a stale socket from a killed run */
		instances[i] = vhost_crypto_create(&conf);
		if (instances[i] == NULL || vhost_crypto_start(instances[i]) != 0) {
			fprintf(stderr, "vhost-crypto: cannot serve %s: %s\n",
				opt.sockets[i], rte_strerror(rte_errno));
			quit = true;
			break;
		}
		printf("vhost-crypto: serving %s on %s\n", opt.sockets[i], opt.cryptodev);
	}
	fflush(stdout);

	w = 0;
	RTE_LCORE_FOREACH_WORKER(lcore_id)
		rte_eal_remote_launch(poll_loop, (void *)(uintptr_t)w++, lcore_id);
	if (w == 0)
		poll_loop((void *)0);
	rte_eal_mp_wait_lcore();

	printf("vhost-crypto: shutting down\n");
	print_stats();
	for (i = 0; i < opt.nb_sockets; i++)
		vhost_crypto_destroy(instances[i]);
	rte_cryptodev_stop(dev);
	rte_cryptodev_close(dev);
	if (fallback >= 0) {
		rte_cryptodev_stop(fallback);
		rte_cryptodev_close(fallback);
	}
	rte_eal_cleanup();
	return 0;
}
