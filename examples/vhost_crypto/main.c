/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * vhost-crypto: serve virtio-crypto frontends on vhost-user sockets with a
 * DPDK crypto device.
 *
 *   vhost-crypto --socket /tmp/vc.sock
 *   vhost-crypto --lcores 0-2 --socket PATH --socket PATH
 *   vhost-crypto [EAL options] -- --socket PATH [--socket PATH ...] [options]
 *
 * Without EAL options it runs on the current core (or the --lcores ones)
 * with no PCI scan and its own crypto_aesni_mb device. Each socket gets a
 * queue pair of the crypto device; worker lcores (or the main one) poll
 * the sockets' rings.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

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
#define DEFAULT_QUEUES		2
#define CDEV_QP_DESCRIPTORS	2048
#define POLL_BURST		32

struct options {
	const char *sockets[MAX_SOCKETS];
	unsigned int nb_sockets;
	const char *cryptodev;
	const char *fallback;	/* NULL: none */
	bool client;
	bool no_notify;
	bool split_ring;
	bool zero_copy;
	uint32_t queues;
	uint32_t max_sessions;
	uint32_t max_size;
	enum vhost_crypto_session_layout layout;
	unsigned int stats_interval;
	const char *lcores;	/* NULL: EAL's choice, or the current core */
	unsigned int main_lcore;	/* the first of lcores */
};

static const struct options default_opt = {
	.cryptodev = DEFAULT_CRYPTODEV,
	.fallback = DEFAULT_FALLBACK,
	/*
	 * A software device works on the guest's buffers: copying them costs
	 * more than the crypto of small requests, and a guest that changes
	 * a buffer in flight spoils only its own result. The library turns
	 * it off for hardware devices (guest memory has no IOVA for them).
	 */
	.zero_copy = true,
	/*
	 * Two: applications take a queue pair per direction and lcore
	 * (ipsec-secgw's smallest setup, one lcore and a protected and an
	 * unprotected port, needs two and drops one direction silently with
	 * one). A queue the frontend does not enable costs nothing.
	 */
	.queues = DEFAULT_QUEUES,
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
		"  --split-ring          offer the split ring only (default: split and\n"
		"                        packed, the frontend or its guest picks)\n"
		"  --queues N            data queues offered to each frontend (default %u)\n"
		"  --zero-copy           let the crypto device work on guest buffers\n"
		"                        where a request allows it (software devices;\n"
		"                        the default)\n"
		"  --copy                copy every request into the daemon's own buffers\n"
		"  --max-sessions N      sessions per socket (default 1024)\n"
		"  --max-size BYTES      largest request accepted (default 1048576)\n"
		"  --session-layout L    QEMU session message layout: auto, 7.0, 7.1, 8.1\n"
		"                        (default auto: by size, then by content)\n"
		"  --stats-interval SEC  print counters every SEC seconds (default 0: never)\n"
		"  --lcores LIST         cores to run on, e.g. 0-2 or 0,2: the first is the\n"
		"                        main lcore, each other one a worker polling its\n"
		"                        share of the sockets (default: the current core);\n"
		"                        not with EAL options that choose cores (-l, -c,\n"
		"                        --lcores, --main-lcore)\n"
		"  --help                this text\n"
		"\n"
		"Without EAL options: the current core (or --lcores), no PCI scan, in-memory.\n",
		prog, MAX_SOCKETS, DEFAULT_CRYPTODEV, DEFAULT_FALLBACK, DEFAULT_QUEUES);
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

static int __rte_format_printf(2, 3)
lcores_bad(const char *arg, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vhost-crypto: --lcores '%s': ", arg);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* "0-1,3" for a CPU set, to tell the user which cores they may have. */
static void
format_cpuset(const cpu_set_t *set, char *buf, size_t len)
{
	unsigned int c, first;
	size_t n = 0;

	buf[0] = '\0';
	for (c = 0; c < CPU_SETSIZE && n < len; c++) {
		if (!CPU_ISSET(c, set))
			continue;
		for (first = c; c + 1 < CPU_SETSIZE && CPU_ISSET(c + 1, set); c++)
			;
		if (first == c)
			n += snprintf(buf + n, len - n, "%s%u", n ? "," : "", c);
		else
			n += snprintf(buf + n, len - n, "%s%u-%u", n ? "," : "", first, c);
	}
}

/* One core number of an --lcores list, at *p; moves *p past it. */
static int
parse_core(const char *arg, const char **p, unsigned int *core)
{
	const char *start = *p;
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*start))
		return lcores_bad(arg, "want core numbers and ranges, like 0-1 or 0,2");
	errno = 0;
	v = strtoul(start, &end, 10);
	*p = end;
	if (errno != 0 || v >= RTE_MAX_LCORE)
		return lcores_bad(arg, "core %.*s is over this DPDK's limit of %u",
				  (int)(end - start), start, RTE_MAX_LCORE - 1);
	*core = v;
	return 0;
}

/*
 * --lcores takes what EAL's -l takes ("0-2", "0,2"), checked here so that
 * a typo or a core this process may not use is named before EAL starts.
 */
static int
parse_lcores(const char *arg)
{
	cpu_set_t allowed, seen;
	const char *p = arg;
	unsigned int lo, hi, c, nb = 0;
	char list[128];

	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		return lcores_bad(arg, "cannot read the CPU affinity: %s", strerror(errno));
	CPU_ZERO(&seen);
	for (;;) {
		if (parse_core(arg, &p, &lo) != 0)
			return -1;
		hi = lo;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return lcores_bad(arg, "a range needs its last core, like 0-1");
			if (parse_core(arg, &p, &hi) != 0)
				return -1;
			if (hi < lo)
				return lcores_bad(arg, "range %u-%u runs backwards", lo, hi);
		}
		for (c = lo; c <= hi; c++) {
			if (CPU_ISSET(c, &seen))
				return lcores_bad(arg, "core %u is listed twice", c);
			if (!CPU_ISSET(c, &allowed)) {
				format_cpuset(&allowed, list, sizeof(list));
				return lcores_bad(arg, "core %u is not one this process may run "
						  "on (%s)", c, list);
			}
			CPU_SET(c, &seen);
			if (nb++ == 0)
				opt.main_lcore = c;
		}
		if (*p == '\0')
			break;
		if (*p != ',')
			return lcores_bad(arg, "unexpected '%c'", *p);
		p++;
	}
	opt.lcores = arg;
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
		{ "split-ring", no_argument, NULL, 'R' },
		{ "queues", required_argument, NULL, 'q' },
		{ "zero-copy", no_argument, NULL, 'z' },
		{ "copy", no_argument, NULL, 'k' },
		{ "max-sessions", required_argument, NULL, 'S' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "session-layout", required_argument, NULL, 'L' },
		{ "stats-interval", required_argument, NULL, 'i' },
		{ "lcores", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	bool copy_mode_given = false;
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
		case 'R':
			opt.split_ring = true;
			break;
		case 'z':
		case 'k':
			if (copy_mode_given && opt.zero_copy != (c == 'z')) {
				fprintf(stderr, "vhost-crypto: --copy and --zero-copy "
					"contradict each other\n");
				return -1;
			}
			copy_mode_given = true;
			opt.zero_copy = c == 'z';
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
		case 'l':
			if (parse_lcores(optarg))
				return -1;
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
		       " refused %" PRIu64 " live: sessions %u ops %u mbufs %u\n",
		       opt.sockets[i], s.requests, s.completed_ok, s.completed_err,
		       s.bad_requests, s.sessions_created, s.sessions_destroyed,
		       s.session_errors, s.fallback_ops, s.zero_copy_ops, s.connections,
		       s.control_refused, s.sessions_live, s.ops_in_use, s.mbufs_in_use);
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

/* The EAL option before "--" that chooses cores, or NULL. */
static const char *
eal_core_option(int argc, char **argv)
{
	static const char *const core_opts[] = { "-l", "-c", "--lcores", "--main-lcore" };
	int i;
	unsigned int j;

	for (i = 1; i < argc; i++)
		for (j = 0; j < RTE_DIM(core_opts); j++) {
			size_t len = strlen(core_opts[j]);

			/* "-l 0", "-l0"; "--lcores 0", "--lcores=0" */
			if (strncmp(argv[i], core_opts[j], len) == 0 &&
			    (argv[i][len] == '\0' || argv[i][len] == '=' ||
			     core_opts[j][1] != '-'))
				return core_opts[j];
		}
	return NULL;
}

/*
 * Safe sockets. Before serving PATH the daemon takes an advisory lock on
 * "PATH.lock" (one daemon per socket), refuses anything at PATH or at
 * librte_vhost's "PATH.lib" that is not a socket, and removes a stale socket
 * only while it holds the lock. The lock file goes at exit, while still held.
 */
struct socket_lock {
	char path[PATH_MAX];
	int fd;
};
static struct socket_lock locks[MAX_SOCKETS];
static unsigned int nb_locks;

static const char *
file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "not a socket";
}

/* 0 if nothing or a socket is at path; otherwise say why and -1. */
static int
check_socket_path(const char *path)
{
	struct stat st;

	/* lstat: a symbolic link could point anywhere, so it is refused. */
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "vhost-crypto: cannot check %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISSOCK(st.st_mode))
		return 0;
	fprintf(stderr, "vhost-crypto: %s is %s, not a socket: left alone, not served\n",
		path, file_kind(st.st_mode));
	return -1;
}

/* Remove a stale socket (the caller holds the lock); 0 or -1 with a message. */
static int
remove_stale_socket(const char *path)
{
	struct stat st;

	if (check_socket_path(path) != 0)
		return -1;
	if (lstat(path, &st) == 0 && unlink(path) != 0 && errno != ENOENT) {
		fprintf(stderr, "vhost-crypto: cannot remove the stale socket %s: %s\n",
			path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Lock "PATH.lock" for this daemon; 0, or -1 with a message. */
static int
lock_socket(const char *sock)
{
	struct socket_lock *l = &locks[nb_locks];
	struct stat held, named;
	char pid[32];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(l->path, sizeof(l->path), "%s.lock", sock) >= sizeof(l->path)) {
		fprintf(stderr, "vhost-crypto: %s.lock: %s\n", sock, strerror(ENAMETOOLONG));
		return -1;
	}
	for (;;) {
		/* The lock file is the first thing made in the directory:
		 * its errno is the real cause (EACCES, ENOENT, ...). */
		fd = open(l->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "vhost-crypto: cannot create the lock file %s: %s\n",
				l->path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			int err = errno;

			n = read(fd, pid, sizeof(pid) - 1);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(fd);
			if (err == EWOULDBLOCK)
				fprintf(stderr, "vhost-crypto: another daemon%s%s%s serves %s "
					"(it holds %s)\n", pid[0] ? " (pid " : "", pid,
					pid[0] ? ")" : "", sock, l->path);
			else
				fprintf(stderr, "vhost-crypto: cannot lock %s: %s\n",
					l->path, strerror(err));
			return -1;
		}
		/* Locked; but the previous holder may have removed the file
		 * between our open and our lock: then lock the new one. */
		if (fstat(fd, &held) == 0 && stat(l->path, &named) == 0 &&
		    held.st_dev == named.st_dev && held.st_ino == named.st_ino)
			break;
		close(fd);
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, n, 0) != n)
		fprintf(stderr, "vhost-crypto: warning: cannot write the pid to %s: %s\n",
			l->path, strerror(errno));
	l->fd = fd;
	nb_locks++;
	return 0;
}

/* At exit: each lock file goes while still held, so never another's. */
static void
unlock_sockets(void)
{
	while (nb_locks > 0) {
		struct socket_lock *l = &locks[--nb_locks];

		unlink(l->path);
		close(l->fd);
	}
}

/*
 * Everything about the socket paths that can be checked before EAL starts:
 * lengths, what is there, the locks, stale sockets. 0, or -1 with a message.
 */
static int
prepare_sockets(void)
{
	struct sockaddr_un sa;
	char lib[PATH_MAX + 8];
	unsigned int i, j;

	atexit(unlock_sockets);
	for (i = 0; i < opt.nb_sockets; i++) {
		const char *path = opt.sockets[i];

		/* Else the lock would name this very daemon as the other one. */
		for (j = 0; j < i; j++)
			if (strcmp(opt.sockets[j], path) == 0) {
				fprintf(stderr, "vhost-crypto: --socket %s is given twice\n", path);
				return -1;
			}

		/* librte_vhost would truncate a long PATH.lib: refuse first. */
		if (strlen(path) + strlen(".lib") >= sizeof(sa.sun_path)) {
			fprintf(stderr, "vhost-crypto: %s is too long for a unix socket: "
				"%zu bytes with \".lib\", the limit is %zu\n", path,
				strlen(path) + strlen(".lib"), sizeof(sa.sun_path) - 1);
			return -1;
		}
		snprintf(lib, sizeof(lib), "%s.lib", path);
		/* Client mode: PATH is the frontend's socket, not ours. */
		if ((!opt.client && check_socket_path(path) != 0) ||
		    check_socket_path(lib) != 0)
			return -1;
	}
	for (i = 0; i < opt.nb_sockets; i++) {
		const char *path = opt.sockets[i];

		snprintf(lib, sizeof(lib), "%s.lib", path);
		if (lock_socket(path) != 0 ||
		    (!opt.client && remove_stale_socket(path) != 0) ||
		    remove_stale_socket(lib) != 0)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char prefix[64], lcore[16], main_lcore[16];
	char **app_argv = argv, **eal_argv;
	int app_argc = argc, nb_eal_opts = 0, eal_argc = 0, rc, dev, fallback = -1;
	unsigned int i, lcore_id, w;
	bool failed = false;
	const char *conflict;

	/*
	 * Line by line, whatever stdout is: a supervisor (systemd, a test)
	 * waits for "serving" and must not wait for a buffer to fill.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/*
	 * With "--" the EAL options come first; without it every argument is
	 * ours and EAL gets defaults that need nothing from the machine but
	 * hugepages. Ours are checked first either way, before EAL speaks.
	 */
	for (i = 1; i < (unsigned int)argc; i++)
		if (strcmp(argv[i], "--") == 0)
			break;
	if (i < (unsigned int)argc) {
		nb_eal_opts = i;
		app_argv = argv + i;
		app_argc = argc - i;
		app_argv[0] = argv[0];
	}
	rc = parse_options(app_argc, app_argv);
	conflict = rc == 0 && opt.lcores ? eal_core_option(nb_eal_opts, argv) : NULL;
	if (conflict)
		fprintf(stderr, "vhost-crypto: --lcores and the EAL option %s both choose "
			"the cores; give them in one place\n", conflict);
	if (rc || conflict) {
		usage(argv[0], rc > 0 ? stdout : stderr);
		return rc > 0 ? 0 : 2;
	}
	if (prepare_sockets() != 0)
		return 1;

	eal_argv = calloc(nb_eal_opts + 16, sizeof(*eal_argv));
	if (eal_argv == NULL)
		return 1;
	if (nb_eal_opts) {
		memcpy(eal_argv, argv, nb_eal_opts * sizeof(*argv));
		eal_argc = nb_eal_opts;
	} else {
		snprintf(prefix, sizeof(prefix), "--file-prefix=vhost-crypto-%d", getpid());
		snprintf(lcore, sizeof(lcore), "%u", (unsigned int)sched_getcpu());
		eal_argv[eal_argc++] = argv[0];
		if (opt.lcores == NULL) {
			eal_argv[eal_argc++] = "-l";
			eal_argv[eal_argc++] = lcore;
		}
		eal_argv[eal_argc++] = "--no-pci";
		eal_argv[eal_argc++] = "--in-memory";
		eal_argv[eal_argc++] = prefix;
		eal_argv[eal_argc++] = "--log-level=lib.vhost_crypto:info";
	}
	if (opt.lcores) {
		/* EAL would make the lowest one main; the user named the first. */
		snprintf(main_lcore, sizeof(main_lcore), "%u", opt.main_lcore);
		eal_argv[eal_argc++] = "-l";
		eal_argv[eal_argc++] = (char *)(uintptr_t)opt.lcores;
		eal_argv[eal_argc++] = "--main-lcore";
		eal_argv[eal_argc++] = main_lcore;
	}
	/* EAL keeps pointers into its arguments: eal_argv lives until exit. */
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "vhost-crypto: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
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
				 (opt.split_ring ? VHOST_CRYPTO_F_SPLIT_RING : 0) |
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

		/* A stale socket is gone already: prepare_sockets(). */
		instances[i] = vhost_crypto_create(&conf);
		rc = instances[i] == NULL ? -rte_errno : vhost_crypto_start(instances[i]);
		if (rc != 0) {
			/* rc, not rte_errno: start reports its cause by value. */
			fprintf(stderr, "vhost-crypto: cannot serve %s: %s\n",
				opt.sockets[i], rte_strerror(-rc));
			quit = failed = true;
			break;
		}
		printf("vhost-crypto: serving %s on %s%s\n", opt.sockets[i], opt.cryptodev,
		       opt.client ? " (connecting to it, again whenever the frontend "
				    "goes away)" : "");
	}

	/* Worker w polls sockets w, w + workers, ...: each socket one worker. */
	w = 0;
	RTE_LCORE_FOREACH_WORKER(lcore_id) {
		unsigned int worker = w++;

		if (quit || worker >= opt.nb_sockets)
			continue;	/* nothing to poll: leave the core alone */
		for (i = worker; i < opt.nb_sockets; i += rte_lcore_count() - 1)
			printf("vhost-crypto: lcore %u polls %s\n", lcore_id, opt.sockets[i]);
		rte_eal_remote_launch(poll_loop, (void *)(uintptr_t)worker, lcore_id);
	}
	if (w > opt.nb_sockets)
		printf("vhost-crypto: %u worker lcore%s idle: fewer sockets than workers\n",
		       w - opt.nb_sockets, w - opt.nb_sockets > 1 ? "s" : "");
	if (w == 0 && !quit)
		printf("vhost-crypto: lcore %u polls every socket\n", rte_get_main_lcore());
	fflush(stdout);
	if (w == 0) {
		poll_loop((void *)0);
	} else {
		/* rte_eal_mp_wait_lcore() would spin: the main lcore has no work. */
		while (!quit)
			usleep(100 * 1000);
	}
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
	free(eal_argv);
	return failed ? 1 : 0;
}
