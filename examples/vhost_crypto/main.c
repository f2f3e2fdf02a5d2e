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
#include <dirent.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <grp.h>
#include <pwd.h>

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
/* How long the instances may take to stop between messages and drain. */
#define UPGRADE_SUSPEND_MS	10000

/*
 * What this build calls itself in its log, so that an operator (or a test)
 * sees which build serves after a live upgrade; a packager may set it.
 */
#ifndef VC_BUILD_ID
#define VC_BUILD_ID "dpdk-virtio-crypto " VC_VERSION
#endif
/* What the library adds to PATH for librte_vhost's socket: see vhost_crypto.h. */
#define PRIVATE_SOCKET		".lib/sock"

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
	int resume_fd;		/* internal: a live upgrade's state, or -1 */
	const char *lcores;	/* NULL: EAL's choice, or the current core */
	unsigned int main_lcore;	/* the first of lcores */
	/* The public sockets (server mode): mode, and owner and group if set. */
	unsigned int socket_mode;
	bool socket_uid_set, socket_gid_set;
	uid_t socket_uid;
	gid_t socket_gid;
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
	/* Frontends run as root or as the daemon's user unless told otherwise. */
	.socket_mode = 0600,
	.resume_fd = -1,
};
static struct options opt;

static struct vhost_crypto *instances[MAX_SOCKETS];
static volatile bool quit;
/* Set by the handlers, acted on by the main lcore: signal_work(). */
static volatile sig_atomic_t hup_pending, usr1_pending;

/*
 * The command line as given, and the path it was started by: a live
 * upgrade executes that path again, which after a package upgrade holds
 * the new build (/proc/self/exe would be this one).
 */
static char **start_argv;
static int start_argc;
static char start_path[PATH_MAX];

/*
 * SIGINT and SIGTERM stop the daemon cleanly; SIGUSR1 prints the counters;
 * SIGHUP (systemd's ExecReload) upgrades it live: live_upgrade(). Neither
 * of the last two may kill a daemon by default action and leave its
 * sockets behind, nor may SIGPIPE (a frontend gone while the relay writes
 * to it).
 */
static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		hup_pending = 1;
	else if (sig == SIGUSR1)
		usr1_pending = 1;
	else
		quit = true;
}

static void
signals_install(void)
{
	static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < RTE_DIM(handled); i++)
		sigaction(handled[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void print_stats(void);
static void live_upgrade(void);

/* What the handlers asked for; on the main lcore only. */
static void
signal_work(void)
{
	if (usr1_pending) {
		usr1_pending = 0;
		print_stats();
	}
	if (hup_pending) {
		hup_pending = 0;
		live_upgrade();	/* back only if it failed */
	}
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
		"  --socket-mode MODE    permissions of the sockets, octal (default 0600)\n"
		"  --socket-owner USER   owner of the sockets, a name or number\n"
		"  --socket-group GROUP  group of the sockets, a name or number (give\n"
		"                        QEMU's group, with --socket-mode 0660)\n"
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

static bool socket_perms_given;

static int
parse_socket_mode(const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 8);
	if (errno || *end || end == arg || arg[0] == '-' || v > 0777) {
		fprintf(stderr, "vhost-crypto: invalid --socket-mode '%s' (want octal "
			"permissions like 0660)\n", arg);
		return -1;
	}
	/* connect() needs write permission: a mode without it locks out even the owner. */
	if (!(v & 0200))
		fprintf(stderr, "vhost-crypto: warning: --socket-mode %04lo: without write "
			"permission for the owner, only root can connect\n", v);
	opt.socket_mode = v;
	socket_perms_given = true;
	return 0;
}

/*
 * --socket-owner, --socket-group: a name (named is true, its id in
 * named_id) or else a number, as chown(1) takes them.
 */
static int
parse_id(const char *arg, const char *option, const char *kind, bool named,
	 unsigned long named_id, unsigned long *id)
{
	char *end;

	if (named) {
		*id = named_id;
		return 0;
	}
	errno = 0;
	*id = strtoul(arg, &end, 10);
	if (errno || *arg == '\0' || *end || arg[0] == '-' || *id >= UINT32_MAX) {
		fprintf(stderr, "vhost-crypto: %s '%s': no such %s\n", option, arg, kind);
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
		{ "split-ring", no_argument, NULL, 'R' },
		{ "queues", required_argument, NULL, 'q' },
		{ "zero-copy", no_argument, NULL, 'z' },
		{ "copy", no_argument, NULL, 'k' },
		{ "max-sessions", required_argument, NULL, 'S' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "session-layout", required_argument, NULL, 'L' },
		{ "stats-interval", required_argument, NULL, 'i' },
		{ "lcores", required_argument, NULL, 'l' },
		{ "socket-mode", required_argument, NULL, 'M' },
		{ "socket-owner", required_argument, NULL, 'O' },
		{ "socket-group", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		/* Internal: how a live upgrade hands its state to the new build. */
		{ "resume-fd", required_argument, NULL, 'U' },
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
		case 'M':
			if (parse_socket_mode(optarg))
				return -1;
			break;
		case 'O': {
			struct passwd *pw = getpwnam(optarg);

			if (parse_id(optarg, "--socket-owner", "user", pw != NULL,
				     pw ? pw->pw_uid : 0, &v))
				return -1;
			opt.socket_uid = v;
			opt.socket_uid_set = true;
			break;
		}
		case 'G': {
			struct group *gr = getgrnam(optarg);

			if (parse_id(optarg, "--socket-group", "group", gr != NULL,
				     gr ? gr->gr_gid : 0, &v))
				return -1;
			opt.socket_gid = v;
			opt.socket_gid_set = true;
			break;
		}
		case 'h':
			return 1;
		case 'U':
			if (parse_uint(optarg, "--resume-fd", 3, INT_MAX, &v))
				return -1;
			opt.resume_fd = v;
			break;
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
	if (opt.client && (socket_perms_given || opt.socket_uid_set || opt.socket_gid_set)) {
		fprintf(stderr, "vhost-crypto: with --client the sockets are the frontends': "
			"--socket-mode, --socket-owner and --socket-group do not apply\n");
		return -1;
	}
	return 0;
}

/*
 * The named crypto device, created as a virtual device if it is none yet,
 * with a queue pair per socket (virtual crypto drivers default to 8).
 */
static int
find_or_create_cryptodev(const char *name)
{
	char vdev[64], args[64];
	int id = rte_cryptodev_get_dev_id(name);

	if (id >= 0)
		return id;
	snprintf(vdev, sizeof(vdev), "%s_vhost0", name);
	id = rte_cryptodev_get_dev_id(vdev);
	if (id >= 0)
		return id;
	snprintf(args, sizeof(args), "max_nb_queue_pairs=%u", opt.nb_sockets);
	if (rte_eal_hotplug_add("vdev", vdev, args) != 0) {
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

	bool on_main = rte_lcore_id() == rte_get_main_lcore();

	while (!quit) {
		unsigned int i;

		for (i = worker; i < opt.nb_sockets; i += nb_workers)
			vhost_crypto_poll(instances[i], POLL_BURST);
		if (on_main)
			signal_work();
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

/*
 * The first of names among the EAL options (argv[1..argc-1]), or NULL:
 * "-l 0", "-l0", "--lcores 0", "--lcores=0".
 */
static const char *
eal_option_given(int argc, char **argv, const char *const *names, unsigned int nb_names)
{
	int i;
	unsigned int j;

	for (i = 1; i < argc; i++)
		for (j = 0; j < nb_names; j++) {
			size_t len = strlen(names[j]);

			if (strncmp(argv[i], names[j], len) == 0 &&
			    (argv[i][len] == '\0' || argv[i][len] == '=' ||
			     names[j][1] != '-'))
				return names[j];
		}
	return NULL;
}

/* EAL options that choose the cores. */
static const char *const eal_core_opts[] = { "-l", "-c", "--lcores", "--main-lcore" };

/*
 * The daemon's EAL defaults, and the EAL options that decide the same
 * thing: a default applies unless one of those is given, so an option
 * added for one reason (a file prefix, a log level) never silently drops
 * the others (the PCI scan coming back with a --file-prefix, say).
 */
static const char *const eal_pci_opts[] = { "-a", "--allow", "-b", "--block", "--no-pci" };
/* In-memory means no files: options about the files want them. */
static const char *const eal_memory_opts[] = {
	"--in-memory", "--file-prefix", "--proc-type", "--huge-dir", "--legacy-mem",
	"--huge-unlink",
};
static const char *const eal_prefix_opts[] = { "--file-prefix" };

/*
 * Safe sockets. Before serving PATH the daemon takes an advisory lock on
 * "PATH.lock" (one daemon per socket), refuses anything at PATH that is not
 * a socket and anything at "PATH.lib" that is not the library's private
 * directory (or an older release's socket there), and removes a stale
 * socket only while it holds the lock. The lock file goes at exit, while
 * still held.
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

/*
 * "PATH.lib": nothing, a socket (an older release's), or a directory of
 * ours no one else may enter (the library's, left by a killed run).
 */
static int
check_private_dir(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return check_socket_path(path);
	if (st.st_uid != geteuid()) {
		fprintf(stderr, "vhost-crypto: %s belongs to uid %u, not to this daemon's "
			"user: left alone, not served\n", path, (unsigned int)st.st_uid);
		return -1;
	}
	if (st.st_mode & 0077) {
		fprintf(stderr, "vhost-crypto: %s is open to others (mode %04o), where "
			"the daemon keeps a private socket: left alone, not served\n",
			path, (unsigned int)(st.st_mode & 07777));
		return -1;
	}
	return 0;
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

/*
 * A live upgrade: the old build held the lock through a file this process
 * inherited. *fd is a new descriptor of the lock file: replaced by the
 * inherited one (same file), 0; -1 if none is.
 */
static int
adopt_lock(int *fd)
{
	struct stat want, st;
	struct dirent *e;
	DIR *d;
	int found = -1;

	if (fstat(*fd, &want) != 0)
		return -1;
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && found < 0) {
		int n = atoi(e->d_name);

		if (n > 2 && n != *fd && n != dirfd(d) && fstat(n, &st) == 0 &&
		    st.st_dev == want.st_dev && st.st_ino == want.st_ino &&
		    flock(n, LOCK_EX | LOCK_NB) == 0)
			found = n;
	}
	closedir(d);
	if (found < 0)
		return -1;
	close(*fd);
	fcntl(found, F_SETFD, FD_CLOEXEC);
	*fd = found;
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

			if (opt.resume_fd >= 0 && adopt_lock(&fd) == 0)
				break;	/* ours already: inherited across the upgrade */
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

		/* librte_vhost would truncate a long PATH.lib/sock: refuse first. */
		if (strlen(path) + strlen(PRIVATE_SOCKET) >= sizeof(sa.sun_path)) {
			fprintf(stderr, "vhost-crypto: %s is too long for a unix socket: "
				"%zu bytes with \"%s\" (the daemon's private socket), "
				"the limit is %zu\n", path, strlen(path) + strlen(PRIVATE_SOCKET),
				PRIVATE_SOCKET, sizeof(sa.sun_path) - 1);
			return -1;
		}
		snprintf(lib, sizeof(lib), "%s.lib", path);
		/* Client mode: PATH is the frontend's socket, not ours. */
		if ((!opt.client && check_socket_path(path) != 0) ||
		    check_private_dir(lib) != 0)
			return -1;
	}
	for (i = 0; i < opt.nb_sockets; i++) {
		const char *path = opt.sockets[i];

		/* After a live upgrade PATH is the old build's, still listening. */
		if (lock_socket(path) != 0 ||
		    (!opt.client && opt.resume_fd < 0 && remove_stale_socket(path) != 0))
			return -1;
	}
	return 0;
}

/*
 * CPU placement. Each worker busy-polls its CPU; two daemons polling one
 * CPU each get half of it. So a daemon holds a lock per CPU it polls,
 * CPU_LOCK_DIR/vhost-crypto.cpuN (a pid inside), for as long as it runs;
 * without --lcores it polls the highest CPU of its affinity that no other
 * daemon holds, and with given cores it warns about one another holds.
 * A directory it cannot use only costs the coordination, with a note.
 * VHOST_CRYPTO_LOCK_DIR in the environment names another directory (a
 * container's own, or a test's), which the daemons sharing CPUs must share.
 */
#define CPU_LOCK_DIR	"/run/lock"

static const char *
cpu_lock_dir(void)
{
	const char *dir = getenv("VHOST_CRYPTO_LOCK_DIR");

	return dir != NULL && dir[0] != '\0' ? dir : CPU_LOCK_DIR;
}

static int cpu_lock_fd[CPU_SETSIZE];
static bool cpu_locks_ready;

static void
cpu_locks_init(void)
{
	unsigned int c;

	for (c = 0; c < CPU_SETSIZE; c++)
		cpu_lock_fd[c] = -1;
	cpu_locks_ready = true;
}

/*
 * Lock cpu for this daemon: 1 taken (or already ours), 0 another daemon's
 * (its pid in *holder, 0 if unknown), -1 the lock directory is unusable.
 */
static int
lock_cpu(unsigned int cpu, int *holder)
{
	char path[PATH_MAX], pid[32];
	ssize_t n;
	int fd;

	if (!cpu_locks_ready)
		cpu_locks_init();
	*holder = 0;
	if (cpu_lock_fd[cpu] >= 0)
		return 1;
	snprintf(path, sizeof(path), "%s/vhost-crypto.cpu%u", cpu_lock_dir(), cpu);
	/* Read-only for another user's daemon: flock needs no write access. */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		*holder = atoi(pid);
		close(fd);
		return 0;
	}
	/* The pid only makes another daemon's warning nicer: no error if it fails. */
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) == 0)
		n = pwrite(fd, pid, n, 0);
	cpu_lock_fd[cpu] = fd;	/* released at exit, with the process */
	return 1;
}

/* The CPU to poll without --lcores or an EAL core option: see above. */
static unsigned int
default_cpu(void)
{
	unsigned int here = (unsigned int)sched_getcpu(), c;
	cpu_set_t allowed;
	int holder, rc = -1;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		return here;
	for (c = CPU_SETSIZE; c-- > 0;) {
		if (!CPU_ISSET(c, &allowed) || c >= RTE_MAX_LCORE)
			continue;
		rc = lock_cpu(c, &holder);
		if (rc != 0)
			break;
	}
	if (rc == 1)
		return c;
	if (rc < 0)
		printf("vhost-crypto: note: cannot use %s to keep off other daemons' CPUs: "
		       "polling CPU %u, where it started (--lcores chooses)\n",
		       cpu_lock_dir(), here);
	else
		fprintf(stderr, "vhost-crypto: warning: every CPU this daemon may use is "
			"polled by another vhost-crypto daemon: polling CPU %u too, at a "
			"share of it (--lcores chooses)\n", here);
	return here;
}

/* After EAL: warn about each polling CPU another daemon polls too. */
static void
check_polling_cpus(void)
{
	unsigned int lcore;
	int holder;

	RTE_LCORE_FOREACH(lcore) {
		unsigned int cpu = rte_lcore_to_cpu_id(lcore);

		/* With workers, the main lcore sleeps. */
		if ((lcore == rte_get_main_lcore() && rte_lcore_count() > 1) ||
		    cpu >= CPU_SETSIZE)
			continue;
		if (lock_cpu(cpu, &holder) == 0) {
			char who[32] = "";

			if (holder)
				snprintf(who, sizeof(who), " (pid %d)", holder);
			fprintf(stderr, "vhost-crypto: warning: CPU %u is polled by another "
				"vhost-crypto daemon%s too: each gets a share of it "
				"(--lcores chooses)\n", cpu, who);
		}
	}
}

/*
 * With the default prefix EAL's runtime directory is one per run
 * (vhost-crypto-PID): it goes at exit, with the sockets EAL left in it
 * (telemetry's goes only after main() returns). Nothing else is removed:
 * rmdir() fails on anything left that is not a socket.
 */
static void
remove_runtime_dir(const char *dir)
{
	static const char *const sockets[] = { "dpdk_telemetry.v2", "mp_socket" };
	char path[PATH_MAX + 32];
	struct stat st;
	unsigned int i;

	for (i = 0; i < RTE_DIM(sockets); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sockets[i]);
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);
	}
	rmdir(dir);
}

/* rte_eal_cleanup(), and the runtime directory gone if it is the daemon's own. */
static void
eal_finish(bool own_prefix)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (own_prefix)
		remove_runtime_dir(dir);
}

/*
 * The path this daemon was started by, made absolute now: the file there
 * when an upgrade comes is what runs next. Not resolved further: a
 * symbolic link a package moves to the new build is followed then.
 */
static int
resolve_start_path(const char *argv0)
{
	char cwd[PATH_MAX], *path, *dir, *save = NULL;
	const char *env = getenv("PATH");
	int n = -1;

	if (strchr(argv0, '/') != NULL) {
		if (argv0[0] == '/')
			n = snprintf(start_path, sizeof(start_path), "%s", argv0);
		else if (getcwd(cwd, sizeof(cwd)) != NULL)
			n = snprintf(start_path, sizeof(start_path), "%s/%s", cwd, argv0);
		return n > 0 && (size_t)n < sizeof(start_path) ? 0 : -1;
	}
	/* Found on PATH, as the shell found it. */
	path = strdup(env != NULL ? env : "/usr/bin:/bin");
	for (dir = path ? strtok_r(path, ":", &save) : NULL; dir != NULL;
	     dir = strtok_r(NULL, ":", &save)) {
		n = snprintf(start_path, sizeof(start_path), "%s/%s", dir, argv0);
		if (n > 0 && (size_t)n < sizeof(start_path) && start_path[0] == '/' &&
		    access(start_path, X_OK) == 0)
			break;
		n = -1;
	}
	free(path);
	return n > 0 ? 0 : -1;
}

/* Every file from 3 up close-on-exec: DPDK's are not ours to hand on. */
static void
close_on_exec_all(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		int n = atoi(e->d_name);

		if (n > 2 && n != dirfd(d))
			fcntl(n, F_SETFD, FD_CLOEXEC);
	}
	closedir(d);
}

/*
 * Live upgrade (SIGHUP): drain, save the state into a memfd, keep only the
 * files it names (and the socket locks) across exec, and execute the path
 * this daemon was started by with the same arguments and --resume-fd. It
 * returns only when the upgrade failed; the daemon serves on as before.
 */
static void
live_upgrade(void)
{
	char fdarg[16], **argv;
	int fd, i, n = 0;
	unsigned int l;

	if (start_path[0] == '\0') {
		printf("vhost-crypto: SIGHUP: cannot tell the path this daemon was started "
		       "by, so no live upgrade; serving on\n");
		return;
	}
	printf("vhost-crypto: upgrade requested: handing over to %s\n", start_path);
	if (access(start_path, X_OK) != 0) {
		printf("vhost-crypto: upgrade failed: %s: %s; serving on\n", start_path,
		       strerror(errno));
		return;
	}
	argv = calloc(start_argc + 3, sizeof(*argv));
	fd = memfd_create("vhost-crypto-upgrade", MFD_CLOEXEC);
	if (argv == NULL || fd < 0) {
		printf("vhost-crypto: upgrade failed: %s; serving on\n", strerror(errno));
		free(argv);
		if (fd >= 0)
			close(fd);
		return;
	}
	if (vhost_crypto_upgrade_suspend(UPGRADE_SUSPEND_MS) != 0) {
		printf("vhost-crypto: upgrade failed: the sockets did not come to rest "
		       "(see the log above); serving on\n");
		free(argv);
		close(fd);
		return;
	}
	close_on_exec_all();
	if (vhost_crypto_upgrade_save(fd) != 0) {
		printf("vhost-crypto: upgrade failed: cannot save the state; serving on\n");
		goto resume;
	}
	fcntl(fd, F_SETFD, 0);
	for (l = 0; l < nb_locks; l++)
		fcntl(locks[l].fd, F_SETFD, 0);

	/* The same arguments, but a state of its own. */
	for (i = 0; i < start_argc; i++) {
		if (strcmp(start_argv[i], "--resume-fd") == 0 && i + 1 < start_argc) {
			i++;
			continue;
		}
		if (strncmp(start_argv[i], "--resume-fd=", 12) == 0)
			continue;
		argv[n++] = start_argv[i];
	}
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	argv[n++] = "--resume-fd";
	argv[n++] = fdarg;
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	execv(start_path, argv);
	printf("vhost-crypto: upgrade failed: cannot execute %s: %s; serving on\n",
	       start_path, strerror(errno));
resume:
	for (l = 0; l < nb_locks; l++)
		fcntl(locks[l].fd, F_SETFD, FD_CLOEXEC);
	vhost_crypto_upgrade_resume();
	close(fd);
	free(argv);
}

int
main(int argc, char **argv)
{
	char prefix[64], lcore[16], main_lcore[16];
	char **app_argv = argv, **eal_argv;
	int app_argc = argc, nb_eal_opts = 0, eal_argc = 0, rc, dev, fallback = -1;
	unsigned int i, lcore_id, w;
	bool failed = false, own_prefix;
	const char *conflict;

	/*
	 * Line by line, whatever stdout is: a supervisor (systemd, a test)
	 * waits for "serving" and must not wait for a buffer to fill.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/*
	 * A new build taking over (a live upgrade) must not die of a second
	 * SIGHUP before signals_install(); it acts on it once it serves.
	 */
	signal(SIGHUP, SIG_IGN);
	/* Before anything rewrites argv (app_argv[0] below). */
	start_argc = argc;
	start_argv = calloc(argc + 1, sizeof(*start_argv));
	if (start_argv == NULL)
		return 1;
	memcpy(start_argv, argv, argc * sizeof(*argv));
	if (resolve_start_path(argv[0]) != 0)
		start_path[0] = '\0';

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
	conflict = rc == 0 && opt.lcores ?
		eal_option_given(nb_eal_opts, argv, eal_core_opts, RTE_DIM(eal_core_opts)) :
		NULL;
	if (conflict)
		fprintf(stderr, "vhost-crypto: --lcores and the EAL option %s both choose "
			"the cores; give them in one place\n", conflict);
	if (rc || conflict) {
		usage(argv[0], rc > 0 ? stdout : stderr);
		return rc > 0 ? 0 : 2;
	}
	/* Before anything exists that a signal's default action would leave behind. */
	signals_install();
	if (prepare_sockets() != 0)
		return 1;

	eal_argv = calloc(nb_eal_opts + 16, sizeof(*eal_argv));
	if (eal_argv == NULL)
		return 1;
	eal_argv[eal_argc++] = argv[0];
	/* First, so that a --log-level the user gives wins. */
	eal_argv[eal_argc++] = "--log-level=lib.vhost_crypto:info";
	if (opt.lcores) {
		/* EAL would make the lowest one main; the user named the first. */
		snprintf(main_lcore, sizeof(main_lcore), "%u", opt.main_lcore);
		eal_argv[eal_argc++] = "-l";
		eal_argv[eal_argc++] = (char *)(uintptr_t)opt.lcores;
		eal_argv[eal_argc++] = "--main-lcore";
		eal_argv[eal_argc++] = main_lcore;
	} else if (!eal_option_given(nb_eal_opts, argv, eal_core_opts,
				     RTE_DIM(eal_core_opts))) {
		snprintf(lcore, sizeof(lcore), "%u", default_cpu());
		eal_argv[eal_argc++] = "-l";
		eal_argv[eal_argc++] = lcore;
	}
	if (!eal_option_given(nb_eal_opts, argv, eal_pci_opts, RTE_DIM(eal_pci_opts)))
		eal_argv[eal_argc++] = "--no-pci";
	if (!eal_option_given(nb_eal_opts, argv, eal_memory_opts, RTE_DIM(eal_memory_opts)))
		eal_argv[eal_argc++] = "--in-memory";
	own_prefix = !eal_option_given(nb_eal_opts, argv, eal_prefix_opts,
				       RTE_DIM(eal_prefix_opts));
	if (own_prefix) {
		snprintf(prefix, sizeof(prefix), "--file-prefix=vhost-crypto-%d", getpid());
		eal_argv[eal_argc++] = prefix;
	}
	{
		printf("vhost-crypto: EAL defaults:");
		for (i = 1; i < (unsigned int)eal_argc; i++)
			printf(" %s", eal_argv[i]);
		printf("\n");
	}
	/* The user's EAL options last: where they overlap ours, EAL takes the last. */
	if (nb_eal_opts > 1) {
		memcpy(eal_argv + eal_argc, argv + 1, (nb_eal_opts - 1) * sizeof(*argv));
		eal_argc += nb_eal_opts - 1;
	}
	/* EAL keeps pointers into its arguments: eal_argv lives until exit. */
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "vhost-crypto: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}

	check_polling_cpus();

	printf("vhost-crypto: build %s, pid %d%s\n", VC_BUILD_ID, (int)getpid(),
	       opt.resume_fd >= 0 ? ", taking over from the previous build" : "");
	if (opt.resume_fd >= 0 && vhost_crypto_upgrade_load(opt.resume_fd) != 0) {
		fprintf(stderr, "vhost-crypto: the state handed over by the previous build "
			"(--resume-fd %d) is unusable (see above): exiting; the frontends "
			"must connect again\n", opt.resume_fd);
		eal_finish(own_prefix);
		return 1;
	}

	dev = find_or_create_cryptodev(opt.cryptodev);
	if (dev < 0 || setup_cryptodev(dev, opt.nb_sockets) != 0) {
		fprintf(stderr, "vhost-crypto: cannot set up crypto device %s\n", opt.cryptodev);
		eal_finish(own_prefix);
		return 1;
	}
	if (opt.fallback && strcmp(opt.fallback, opt.cryptodev) != 0) {
		fallback = find_or_create_cryptodev(opt.fallback);
		if (fallback < 0 || fallback == dev ||
		    setup_cryptodev(fallback, opt.nb_sockets) != 0) {
			fprintf(stderr, "vhost-crypto: cannot set up fallback crypto "
				"device %s (--fallback none to go without)\n", opt.fallback);
			eal_finish(own_prefix);
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
			.socket_mode = opt.socket_mode,
			.socket_uid = opt.socket_uid,
			.socket_gid = opt.socket_gid,
		};

		if (opt.socket_uid_set)
			conf.flags |= VHOST_CRYPTO_F_SOCKET_OWNER;
		if (opt.socket_gid_set)
			conf.flags |= VHOST_CRYPTO_F_SOCKET_GROUP;

		if (quit)
			break;	/* told to stop while starting: serve nothing */
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

	/* What no socket took (it is not served any more) is closed; keys wiped. */
	vhost_crypto_upgrade_done();

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
		while (!quit) {
			signal_work();
			usleep(100 * 1000);
		}
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
	eal_finish(own_prefix);
	free(eal_argv);
	return failed ? 1 : 0;
}
