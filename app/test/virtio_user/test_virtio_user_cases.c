/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * crypto_virtio cases the known-answer and differential programs do not
 * reach, one per run, on our vhost-user vdev or (in guests) a PCI device:
 *
 *   test_virtio_user_cases [EAL] -- CASE [DEVICE]
 *
 * DEVICE is the cryptodev's name, crypto_virtio_user0 if not given.
 *
 *   binding          the device is ours: EAL has also loaded the
 *                    distribution's crypto_virtio plugin, which registers
 *                    the same driver name, and it holds no device, while
 *                    ours holds this one with capabilities from the device,
 *                    not the distribution's static table (AES-CBC and
 *                    HMAC-SHA1, nothing else)
 *   session_table_full
 *                    sessions until the device refuses one (QEMU's builtin
 *                    table holds 256, our daemon --max-sessions): a clean
 *                    create error, sessions made before still work, one
 *                    freed makes room for one more, all freed leave none
 *   oversize         a request over the device's max_size (daemon run with
 *                    --max-size 4096) comes back INVALID_ARGS, the next one
 *                    SUCCESS
 *   unknown_session  an op naming a session the device does not have comes
 *                    back INVALID_SESSION, and the queue goes on
 *   backend_gone     traffic until the backend is killed (by the runner):
 *                    every op in flight comes back, failed, within the
 *                    deadline; new ones come back failed too; nothing hangs
 *   backend_restart  the backend killed and, once the application has
 *                    removed the device ("the dead device goes"), a new
 *                    one started (by the runner): ops fail, the application
 *                    re-creates the device from VDEV_SPEC, the --vdev
 *                    argument (rather than wait for the PMD to reconnect),
 *                    and traffic succeeds
 *   backend_reconnect
 *                    the backend killed and, once the program says
 *                    "round N: backend away", a new one started, ROUNDS
 *                    times (by the runner): the PMD reconnects by itself;
 *                    ops in flight come back failed, none lost, traffic
 *                    succeeds again through the session made before the
 *                    first loss (the same ciphertext as before it) and
 *                    through a new one
 *   reconnect_unconfigured
 *                    once the program says "probed", the backend killed
 *                    and a new one started (by the runner, which then
 *                    writes "daemon started" to our standard input) before
 *                    the application configures the device: configure
 *                    waits out the reconnect (ENOTCONN until then), and
 *                    the device works on the new backend
 *   never_dequeued   the application enqueues and never dequeues: the
 *                    device stops taking ops when full (no error, no
 *                    loss), and every op comes back SUCCESS once the
 *                    application dequeues again (told "fill", then
 *                    "device done" by the runner on our standard input,
 *                    when the daemon's counters show all of them done)
 *
 * Prints one PASS/FAIL line per check and "checks: N passed, M failed".
 * The faults come from the runner (run_with_daemon.py --at) on events this
 * program shows it (its traffic in the daemon's counters, the lines it
 * prints), never after a fixed delay, and nothing here waits a fixed time
 * for them.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cryptodev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_bus_vdev.h>

#include "dpdk_driver_abi.h"
#include "virtio_crypto_session.h"

#define IV_OFFSET	(sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define NB_OPS		256
#define BURST		32

/* More sessions than any device we test against holds. */
#define MAX_TRIAL_SESSIONS	4096

/*
 * Every wait here is for an event (an op back, a device up, a word from the
 * runner); these only bound how long one may take before its check fails.
 * Generous: CI machines are busy, both cores may be kept busy by other work.
 */
#define OP_WAIT_S		30	/* one op through the device and back */
#define FAULT_WAIT_S		180	/* a backend's loss (or return) to show in traffic */
#define DEVICE_WAIT_S		180	/* a device up on a new backend */
/*
 * Not timeouts but what the PMD promises: ops in flight fail back at once
 * when the backend goes (all of them, within this of the first), and
 * sessions are refused at once while it is away.
 */
#define FAIL_BACK_S		5
#define AWAY_CALL_MS		500

static unsigned int passed, failed;
static const char *dev_name = "crypto_virtio_user0";

static void
check(const char *what, bool good)
{
	printf("%s: %s\n", good ? "PASS" : "FAIL", what);
	if (good)
		passed++;
	else
		failed++;
}

struct env {
	uint8_t dev;
	struct rte_mempool *mbufs, *ops, *sessions;
	void *sess;
	uint8_t key[16];
};

/* An AES-CBC encryption session with the environment's key. */
static void *
cbc_session(struct env *e, struct rte_mempool *pool)
{
	struct rte_crypto_sym_xform x = {
		.type = RTE_CRYPTO_SYM_XFORM_CIPHER,
		.cipher = {
			.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT,
			.algo = RTE_CRYPTO_CIPHER_AES_CBC,
			.key = { .data = e->key, .length = sizeof(e->key) },
			.iv = { .offset = IV_OFFSET, .length = 16 },
		},
	};

	return rte_cryptodev_sym_session_create(e->dev, &x, pool);
}

static void
env_free(struct env *e)
{
	rte_mempool_free(e->mbufs);
	rte_mempool_free(e->ops);
	rte_mempool_free(e->sessions);
	e->mbufs = e->ops = e->sessions = NULL;
}

/*
 * The device configured and started with one queue pair and an AES-CBC
 * session. On failure nothing of it is left (the caller may try again).
 */
static int
env_setup(struct env *e)
{
	struct rte_cryptodev_config conf = { .socket_id = (int)rte_socket_id(),
					     .nb_queue_pairs = 1 };
	struct rte_cryptodev_qp_conf qp = { .nb_descriptors = NB_OPS };
	int id = rte_cryptodev_get_dev_id(dev_name);

	memset(e, 0, sizeof(*e));
	if (id < 0)
		return -ENODEV;
	e->dev = id;
	memset(e->key, 0x5a, sizeof(e->key));
	e->mbufs = rte_pktmbuf_pool_create("cases_mbufs", 2 * NB_OPS, 0, 0, 9000, 0);
	e->ops = rte_crypto_op_pool_create("cases_ops", RTE_CRYPTO_OP_TYPE_SYMMETRIC,
					   2 * NB_OPS, 0, 16, 0);
	e->sessions = rte_cryptodev_sym_session_pool_create("cases_sessions", 4,
			rte_cryptodev_sym_get_private_session_size(e->dev), 0, 0, 0);
	qp.mp_session = e->sessions;
	if (e->mbufs == NULL || e->ops == NULL || e->sessions == NULL ||
	    rte_cryptodev_configure(e->dev, &conf) != 0 ||
	    rte_cryptodev_queue_pair_setup(e->dev, 0, &qp, conf.socket_id) != 0 ||
	    rte_cryptodev_start(e->dev) != 0)
		goto fail;
	e->sess = cbc_session(e, e->sessions);
	if (e->sess != NULL)
		return 0;
	rte_cryptodev_stop(e->dev);
fail:
	env_free(e);
	return -EIO;
}

/*
 * Wait for the runner to write this line to our standard input (after it
 * killed or started a daemon): 0, or -1 if it never comes (end of input).
 */
static int
wait_for_runner(const char *what)
{
	char line[128];

	printf("waiting for the runner: %s\n", what);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, what) == 0)
			return 0;
	}
	return -1;
}

static struct rte_crypto_op *
cipher_op(struct env *e, uint32_t len)
{
	struct rte_crypto_op *op = rte_crypto_op_alloc(e->ops, RTE_CRYPTO_OP_TYPE_SYMMETRIC);
	struct rte_mbuf *m = rte_pktmbuf_alloc(e->mbufs);

	if (op == NULL || m == NULL || rte_pktmbuf_append(m, len) == NULL)
		return NULL;
	memset(rte_pktmbuf_mtod(m, void *), 0x11, len);
	memset(rte_crypto_op_ctod_offset(op, void *, IV_OFFSET), 0x22, 16);
	op->sym->m_src = m;
	op->sym->cipher.data.offset = 0;
	op->sym->cipher.data.length = len;
	rte_crypto_op_attach_sym_session(op, e->sess);
	return op;
}

static void
op_free(struct rte_crypto_op *op)
{
	rte_pktmbuf_free(op->sym->m_src);
	rte_crypto_op_free(op);
}

/*
 * One op through the device; its status, or -1 if it never came back. Its
 * output goes to out (if given, len bytes) before the op is freed.
 */
static int
run_one_out(struct env *e, struct rte_crypto_op *op, void *out, uint32_t len)
{
	uint64_t deadline = rte_get_timer_cycles() + OP_WAIT_S * rte_get_timer_hz();
	struct rte_crypto_op *done = NULL;
	int status;

	if (rte_cryptodev_enqueue_burst(e->dev, 0, &op, 1) != 1) {
		op_free(op);
		return -1;
	}
	while (rte_cryptodev_dequeue_burst(e->dev, 0, &done, 1) == 0)
		if (rte_get_timer_cycles() > deadline)
			return -1;
	status = done == op ? done->status : -1;
	if (out != NULL && status == RTE_CRYPTO_OP_STATUS_SUCCESS)
		memcpy(out, rte_pktmbuf_mtod(done->sym->m_src, void *), len);
	op_free(done);
	return status;
}

static int
run_one(struct env *e, struct rte_crypto_op *op)
{
	return run_one_out(e, op, NULL, 0);
}

static int
case_binding(void)
{
	const struct rte_cryptodev_symmetric_capability *cbc, *hmac;
	struct rte_cryptodev_sym_capability_idx cbc_idx = {
		.type = RTE_CRYPTO_SYM_XFORM_CIPHER,
		.algo.cipher = RTE_CRYPTO_CIPHER_AES_CBC,
	};
	struct rte_cryptodev_sym_capability_idx hmac_idx = {
		.type = RTE_CRYPTO_SYM_XFORM_AUTH,
		.algo.auth = RTE_CRYPTO_AUTH_SHA1_HMAC,
	};
	struct rte_cryptodev_info info;
	int id = rte_cryptodev_get_dev_id(dev_name);
	int ours = rte_cryptodev_driver_id_get("crypto_virtio");
	unsigned int named = 0, nb_caps = 0, i;
	char line[512];
	bool distro_loaded = false;
	FILE *maps;

	check("our device exists", id >= 0);
	if (id < 0)
		return 1;
	rte_cryptodev_info_get(id, &info);
	check("device's driver is crypto_virtio", strcmp(info.driver_name, "crypto_virtio") == 0);
	check("device's driver id is the one the name resolves to", info.driver_id == ours);
	check("one device on that driver", rte_cryptodev_device_count_by_driver(ours) == 1);
	cbc = rte_cryptodev_sym_capability_get(id, &cbc_idx);
	hmac = rte_cryptodev_sym_capability_get(id, &hmac_idx);
	for (i = 0; info.capabilities[i].op != RTE_CRYPTO_OP_TYPE_UNDEFINED; i++)
		nb_caps++;
	printf("device offers %u algorithms; AES-CBC: %s, HMAC-SHA1: %s\n", nb_caps,
	       cbc ? "yes" : "no", hmac ? "yes" : "no");
	printf("queue pairs offered: %u\n", info.max_nb_queue_pairs);
	check("capabilities come from the device, not the distribution's static table",
	      !(cbc != NULL && hmac != NULL && nb_caps == 2));

	/* The distribution's plugin is loaded and registered the same name... */
	maps = fopen("/proc/self/maps", "r");
	while (maps != NULL && fgets(line, sizeof(line), maps) != NULL)
		if (strstr(line, "/librte_crypto_virtio.so") != NULL)
			distro_loaded = true;
	if (maps != NULL)
		fclose(maps);
	check("the distribution's librte_crypto_virtio.so is loaded", distro_loaded);
	for (i = 0; i < RTE_CRYPTO_MAX_DEVS; i++) {
		const char *n = rte_cryptodev_driver_name_get(i);

		if (n != NULL && strcmp(n, "crypto_virtio") == 0) {
			named++;
			/* ...and holds no device */
			if ((int)i != ours)
				check("the distribution's crypto_virtio driver holds no device",
				      rte_cryptodev_device_count_by_driver(i) == 0);
		}
	}
	check("two crypto_virtio drivers registered (ours first)", named == 2);
	return 0;
}

static int
case_oversize(struct env *e)
{
	struct rte_crypto_op *big = cipher_op(e, 8192), *small = cipher_op(e, 4096);

	check("an op over max_size comes back INVALID_ARGS",
	      big && run_one(e, big) == RTE_CRYPTO_OP_STATUS_INVALID_ARGS);
	check("the next op of max_size succeeds",
	      small && run_one(e, small) == RTE_CRYPTO_OP_STATUS_SUCCESS);
	return 0;
}

static int
case_unknown_session(struct env *e)
{
	struct vc_sym_session *s = vc_sym_session_priv(e->sess);
	uint64_t real = s->session_id;
	struct rte_crypto_op *op = cipher_op(e, 64);

	/* White box: name a session id the device never gave out. */
	s->session_id = 0x7fff0000u;
	check("an op on an unknown session comes back INVALID_SESSION",
	      op && run_one(e, op) == RTE_CRYPTO_OP_STATUS_INVALID_SESSION);
	s->session_id = real;
	op = cipher_op(e, 64);
	check("the queue goes on: next op succeeds",
	      op && run_one(e, op) == RTE_CRYPTO_OP_STATUS_SUCCESS);
	return 0;
}

/* One op on this session; its status. */
static int
run_one_on(struct env *e, void *sess)
{
	struct rte_crypto_op *op = cipher_op(e, 64);

	if (op == NULL)
		return -1;
	rte_crypto_op_attach_sym_session(op, sess);
	return run_one(e, op);
}

static int
case_session_table_full(struct env *e)
{
	static void *sess[MAX_TRIAL_SESSIONS];
	struct rte_mempool *pool;
	unsigned int n, i;
	char what[128];
	int err;

	pool = rte_cryptodev_sym_session_pool_create("cases_many", MAX_TRIAL_SESSIONS + 1,
			rte_cryptodev_sym_get_private_session_size(e->dev), 0, 0, 0);
	check("session pool", pool != NULL);
	if (pool == NULL)
		return 1;
	rte_errno = 0;
	for (n = 0; n < MAX_TRIAL_SESSIONS; n++) {
		sess[n] = cbc_session(e, pool);
		if (sess[n] == NULL)
			break;
	}
	err = rte_errno;
	snprintf(what, sizeof(what), "the device refused a session after %u more "
		 "(a create error, rte_errno %d)", n, err);
	check(what, n > 0 && n < MAX_TRIAL_SESSIONS);
	check("the session made before works", run_one_on(e, e->sess) ==
	      RTE_CRYPTO_OP_STATUS_SUCCESS);
	check("the last session made works", n > 0 &&
	      run_one_on(e, sess[n - 1]) == RTE_CRYPTO_OP_STATUS_SUCCESS);
	if (n > 0) {
		rte_cryptodev_sym_session_free(e->dev, sess[n - 1]);
		sess[n - 1] = cbc_session(e, pool);
		check("one freed makes room for one more", sess[n - 1] != NULL);
		check("and it works", sess[n - 1] != NULL &&
		      run_one_on(e, sess[n - 1]) == RTE_CRYPTO_OP_STATUS_SUCCESS);
	}
	for (i = 0; i < n; i++)
		if (sess[i] != NULL)
			rte_cryptodev_sym_session_free(e->dev, sess[i]);
	check("every session back in the pool",
	      rte_mempool_avail_count(pool) == MAX_TRIAL_SESSIONS + 1);
	/* The device's table is empty again: as many fit as before. */
	for (i = 0; i < n; i++) {
		sess[i] = cbc_session(e, pool);
		if (sess[i] == NULL)
			break;
	}
	snprintf(what, sizeof(what), "after freeing them all, %u sessions fit again", n);
	check(what, i == n);
	while (i > 0)
		rte_cryptodev_sym_session_free(e->dev, sess[--i]);
	rte_mempool_free(pool);
	return 0;
}

/*
 * Bursts of ops of len bytes until one comes back with the status wanted
 * (or the deadline), then every op out there collected. Counts what went
 * and came, and when the first op with the status wanted came back.
 */
struct tally {
	uint64_t sent, back, ok, failed;
	uint64_t hit_at;	/**< TSC */
};

static bool
traffic_until(struct env *e, int want, uint32_t len, uint64_t deadline, struct tally *t)
{
	struct rte_crypto_op *ops[BURST];
	bool seen = false;
	uint16_t n, i;

	while (!seen && rte_get_timer_cycles() < deadline) {
		for (n = 0; n < BURST; n++) {
			ops[n] = cipher_op(e, len);
			if (ops[n] == NULL)
				break;
		}
		i = rte_cryptodev_enqueue_burst(e->dev, 0, ops, n);
		t->sent += i;
		for (; i < n; i++)
			op_free(ops[i]);
		do {
			n = rte_cryptodev_dequeue_burst(e->dev, 0, ops, BURST);
			for (i = 0; i < n; i++) {
				t->back++;
				if (ops[i]->status == RTE_CRYPTO_OP_STATUS_SUCCESS)
					t->ok++;
				else
					t->failed++;
				if (!seen && ops[i]->status == want) {
					seen = true;
					t->hit_at = rte_get_timer_cycles();
				}
				op_free(ops[i]);
			}
		} while (seen && t->back < t->sent && rte_get_timer_cycles() < deadline);
		/* a device down fails ops at once: no need to spin on it */
		if (!seen && want == RTE_CRYPTO_OP_STATUS_SUCCESS)
			rte_delay_ms(1);
	}
	return seen && t->back == t->sent;
}

static int
case_backend_gone(struct env *e)
{
	uint64_t hz = rte_get_timer_hz();
	struct rte_cryptodev_stats st;
	struct tally t = { 0 };
	unsigned int after = 0, n;
	bool all_back;

	/* Keep the device busy; the runner kills the backend meanwhile. */
	all_back = traffic_until(e, RTE_CRYPTO_OP_STATUS_ERROR, 1024,
				 rte_get_timer_cycles() + FAULT_WAIT_S * hz, &t);
	rte_cryptodev_stats_get(e->dev, &st);
	printf("device counts: %lu enqueued, %lu dequeued\n",
	       (unsigned long)st.enqueued_count, (unsigned long)st.dequeued_count);
	printf("backend gone: %lu sent, %lu back (%lu ok, %lu failed)\n",
	       (unsigned long)t.sent, (unsigned long)t.back, (unsigned long)t.ok,
	       (unsigned long)t.failed);
	check("traffic ran before the backend went", t.ok > 0);
	check("ops in flight came back failed", t.failed > 0);
	check("every op sent came back (none lost, nothing hangs)", all_back);
	check("...within " RTE_STR(FAIL_BACK_S) " seconds of the first failure",
	      t.hit_at != 0 && rte_get_timer_cycles() < t.hit_at + FAIL_BACK_S * hz);
	for (n = 0; n < 4; n++) {
		struct rte_crypto_op *op = cipher_op(e, 64);

		after += op && run_one(e, op) == RTE_CRYPTO_OP_STATUS_ERROR;
	}
	check("new ops come back ERROR", after == 4);
	return 0;
}

/*
 * An application that stops dequeuing: the PMD takes ops until its ring
 * and request areas are full, then takes no more (enqueue returns 0, no
 * error, nothing lost) while the device completes what it holds into a
 * used ring nobody reads. Once the application dequeues again, every op it
 * handed over comes back once, SUCCESS, and the queue goes on.
 */
static int
case_never_dequeued(struct env *e)
{
	struct rte_crypto_op *done[BURST];
	unsigned int sent = 0, back = 0, bad = 0, i;
	bool refused = false;
	uint64_t deadline;
	uint16_t n;

	/* the runner notes the daemon's counters, then lets us go */
	printf("ready to fill the ring\n");
	check("the runner says fill", wait_for_runner("fill") == 0);
	while (sent < 2 * NB_OPS - 1) {
		struct rte_crypto_op *op = cipher_op(e, 64);

		if (op == NULL)
			break;
		if (rte_cryptodev_enqueue_burst(e->dev, 0, &op, 1) != 1) {
			op_free(op);
			refused = true;
			break;
		}
		sent++;
	}
	printf("the device took %u ops before refusing one\n", sent);
	check("with nothing dequeued, the device stops taking ops (no error, no loss)",
	      refused && sent > 0);
	/*
	 * The device completes all it holds into a used ring nobody reads:
	 * the runner says so once the daemon's counters show every one done.
	 */
	check("the runner says the device completed them all",
	      wait_for_runner("device done") == 0);
	deadline = rte_get_timer_cycles() + OP_WAIT_S * rte_get_timer_hz();
	while (rte_get_timer_cycles() < deadline) {
		n = rte_cryptodev_dequeue_burst(e->dev, 0, done, BURST);
		for (i = 0; i < n; i++) {
			if (done[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
				bad++;
			op_free(done[i]);
		}
		back += n;
		if (back >= sent && n == 0)
			break;
	}
	printf("%u ops back, %u failed\n", back, bad);
	check("every op taken comes back once, SUCCESS", back == sent && bad == 0);
	{
		struct rte_crypto_op *op = cipher_op(e, 64);

		check("the queue goes on: next op succeeds",
		      op && run_one(e, op) == RTE_CRYPTO_OP_STATUS_SUCCESS);
	}
	return 0;
}

/*
 * The backend killed under traffic and a new one started on the same
 * socket (by the runner). Our PMD fails what it held, as in backend_gone;
 * rather than wait for it to reconnect, the application re-creates the
 * device (rte_vdev_uninit while the PMD waits for a backend, then
 * rte_vdev_init with the same devargs until the new backend answers), and
 * traffic succeeds again.
 */
static int
case_backend_restart(struct env *e, const char *vdev)
{
	struct rte_cryptodev_config conf = { .socket_id = (int)rte_socket_id(),
					     .nb_queue_pairs = 1 };
	struct rte_cryptodev_qp_conf qp = { .nb_descriptors = NB_OPS,
					    .mp_session = e->sessions };
	uint64_t hz = rte_get_timer_hz(), deadline = rte_get_timer_cycles() + FAULT_WAIT_S * hz;
	const char *args = strchr(vdev, ',');
	char name[64];
	int status = RTE_CRYPTO_OP_STATUS_SUCCESS, rc, id;
	unsigned int ok = 0, i;

	if (args == NULL || (size_t)(args - vdev) >= sizeof(name)) {
		check("the vdev's name and devargs given", false);
		return 1;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(args - vdev), vdev);
	args++;
	while (status == RTE_CRYPTO_OP_STATUS_SUCCESS && rte_get_timer_cycles() < deadline) {
		struct rte_crypto_op *op = cipher_op(e, 64);

		status = op ? run_one(e, op) : -1;
	}
	check("the backend's death shows: an op fails", status != RTE_CRYPTO_OP_STATUS_SUCCESS);

	rte_cryptodev_sym_session_free(e->dev, e->sess);
	rte_cryptodev_stop(e->dev);
	/* the runner starts the new backend on this line (PASS or FAIL) */
	check("the dead device goes (rte_vdev_uninit)", rte_vdev_uninit(name) == 0);
	deadline = rte_get_timer_cycles() + DEVICE_WAIT_S * hz;
	/* each try waits for the backend itself (the devargs' timeout) */
	do {
		rc = rte_vdev_init(name, args);
		if (rc != 0)
			rte_delay_ms(200);
	} while (rc != 0 && rte_get_timer_cycles() < deadline);
	check("a device comes up on the new backend (rte_vdev_init, same devargs)", rc == 0);
	id = rte_cryptodev_get_dev_id(name);
	if (rc != 0 || id < 0)
		return 1;
	e->dev = id;
	rc = rte_cryptodev_configure(e->dev, &conf) != 0 ||
	     rte_cryptodev_queue_pair_setup(e->dev, 0, &qp, conf.socket_id) != 0 ||
	     rte_cryptodev_start(e->dev) != 0;
	e->sess = rc == 0 ? cbc_session(e, e->sessions) : NULL;
	check("the new device starts, with a session", e->sess != NULL);
	for (i = 0; e->sess != NULL && i < 16; i++) {
		struct rte_crypto_op *op = cipher_op(e, 1024);

		ok += op && run_one(e, op) == RTE_CRYPTO_OP_STATUS_SUCCESS;
	}
	check("traffic succeeds on the new backend", ok == 16);
	return 0;
}

/* 1024 bytes of the environment's plaintext through a session, encrypted. */
static int
encrypt_known(struct env *e, void *sess, uint8_t out[1024])
{
	struct rte_crypto_op *op = cipher_op(e, 1024);

	if (op == NULL || sess == NULL)
		return -1;
	rte_crypto_op_attach_sym_session(op, sess);
	return run_one_out(e, op, out, 1024);
}

/*
 * The backend killed under traffic and a new one started on the same
 * socket once we say "round N: backend away", rounds times (by the
 * runner), and the application does nothing about it: each loss fails
 * back what was in flight, none lost, and the PMD reconnects by itself. The session made before the first loss must
 * still encrypt as it did (made again with its key); one cleared while the
 * backend is away must not reach the next backend (the runner's telemetry
 * check: every session created is destroyed).
 */
static int
case_backend_reconnect(struct env *e, unsigned int rounds)
{
	uint64_t hz = rte_get_timer_hz();
	uint8_t before[1024], after[1024];
	struct rte_cryptodev_stats st;
	unsigned int r, ok = 0, i;
	void *fresh, *doomed = cbc_session(e, e->sessions);
	char what[128];

	check("the session encrypts before the backend is lost",
	      encrypt_known(e, e->sess, before) == RTE_CRYPTO_OP_STATUS_SUCCESS);
	check("a second session, to clear while the backend is away", doomed != NULL);
	for (r = 1; r <= rounds; r++) {
		struct tally lost = { 0 }, back = { 0 };
		uint64_t t0;

		snprintf(what, sizeof(what), "round %u: the loss shows: ops fail, and every op "
			 "sent comes back", r);
		check(what, traffic_until(e, RTE_CRYPTO_OP_STATUS_ERROR, 64,
					  rte_get_timer_cycles() + FAULT_WAIT_S * hz, &lost));
		t0 = rte_get_timer_cycles();
		if (r == 1) {
			/*
			 * The new backend is started only once we say so: it
			 * must never get the cleared session (the runner's
			 * telemetry check), and no new one comes while the
			 * device is down.
			 */
			rte_cryptodev_sym_session_free(e->dev, doomed);
			fresh = cbc_session(e, e->sessions);
			printf("during the outage: a session clear and a create took %.3f s; "
			       "the create %s\n", (double)(rte_get_timer_cycles() - t0) / hz,
			       fresh ? "succeeded" : "failed");
			check("session clear and create while the backend is away return at "
			      "once", rte_get_timer_cycles() - t0 < hz * AWAY_CALL_MS / 1000);
			check("no session is made while the backend is away", fresh == NULL);
			if (fresh != NULL)
				rte_cryptodev_sym_session_free(e->dev, fresh);
		}
		/* the runner starts the next backend on this line */
		printf("round %u: backend away\n", r);
		snprintf(what, sizeof(what), "round %u: the PMD reconnects by itself: ops succeed "
			 "again, and every op sent comes back", r);
		check(what, traffic_until(e, RTE_CRYPTO_OP_STATUS_SUCCESS, 64,
					  t0 + FAULT_WAIT_S * hz, &back));
		printf("round %u: %lu ops before the loss came back ok, %lu failed; back up "
		       "%.1f s after the first failure (%lu ops failed meanwhile)\n", r,
		       (unsigned long)lost.ok, (unsigned long)lost.failed,
		       (double)(rte_get_timer_cycles() - t0) / hz,
		       (unsigned long)back.failed);
	}
	check("the session made before the first loss was made again with its key "
	      "(the same ciphertext)",
	      encrypt_known(e, e->sess, after) == RTE_CRYPTO_OP_STATUS_SUCCESS &&
	      memcmp(before, after, sizeof(before)) == 0);
	fresh = cbc_session(e, e->sessions);
	memset(after, 0, sizeof(after));
	check("a session made now gives the same ciphertext",
	      encrypt_known(e, fresh, after) == RTE_CRYPTO_OP_STATUS_SUCCESS &&
	      memcmp(before, after, sizeof(before)) == 0);
	if (fresh != NULL)
		rte_cryptodev_sym_session_free(e->dev, fresh);
	for (i = 0; i < NB_OPS; i++) {
		struct rte_crypto_op *op = cipher_op(e, 256);

		ok += op && run_one(e, op) == RTE_CRYPTO_OP_STATUS_SUCCESS;
	}
	check("traffic goes on", ok == NB_OPS);
	rte_cryptodev_stats_get(e->dev, &st);
	check("the device counted every op it took as dequeued",
	      st.enqueued_count == st.dequeued_count);
	return 0;
}

/*
 * The device probed on one backend and configured on the next: the
 * reconnect of a device with no queues checks the new backend and brings
 * the link up, and configure then sets the device up there. The runner
 * kills the backend once we say "probed" and tells us when the next one
 * serves; configure fails (ENOTCONN) until the PMD is on it.
 */
static int
case_reconnect_unconfigured(struct env *e)
{
	uint64_t hz = rte_get_timer_hz(), deadline;
	/* AES-128-CBC, key 0x5a..., IV 0x22..., 1024 bytes of 0x11 */
	static const uint8_t first[16] = {
		0x1a, 0x23, 0x93, 0x94, 0xf7, 0xcd, 0x72, 0x94,
		0xb7, 0x76, 0x43, 0xec, 0xb5, 0x96, 0x80, 0x63,
	};
	static const uint8_t last[16] = {
		0x7d, 0x82, 0x2b, 0x4a, 0xfb, 0xf9, 0xb3, 0x72,
		0xe4, 0x80, 0x7b, 0xd2, 0x7b, 0x75, 0x32, 0x63,
	};
	struct rte_crypto_op *op;
	uint8_t out[1024];
	int rc;

	memset(e, 0, sizeof(*e));
	check("the device was probed", rte_cryptodev_get_dev_id(dev_name) >= 0);
	if (failed != 0)
		return 1;
	printf("probed\n");
	check("the runner replaced the backend", wait_for_runner("daemon started") == 0);
	deadline = rte_get_timer_cycles() + DEVICE_WAIT_S * hz;
	while ((rc = env_setup(e)) != 0 && rte_get_timer_cycles() < deadline)
		rte_delay_ms(10);	/* the PMD's reconnect, about to come */
	check("the device, probed on the old backend, is set up on the new one", rc == 0);
	if (rc != 0)
		return 1;
	op = cipher_op(e, 1024);
	check("and encrypts there, right (first and last block, from python3-cryptography)",
	      op != NULL &&
	      run_one_out(e, op, out, sizeof(out)) == RTE_CRYPTO_OP_STATUS_SUCCESS &&
	      memcmp(out, first, sizeof(first)) == 0 &&
	      memcmp(out + sizeof(out) - sizeof(last), last, sizeof(last)) == 0);
	return 0;
}

int
main(int argc, char **argv)
{
	struct env e = { 0 };
	const char *which;
	int n;

	/* the runner acts on our lines as they come */
	setvbuf(stdout, NULL, _IOLBF, 0);
	n = rte_eal_init(argc, argv);

	if (n < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 2;
	}
	argc -= n;
	argv += n;
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: test_virtio_user_cases [EAL] -- "
			"binding|oversize|unknown_session|session_table_full|backend_gone|"
			"never_dequeued [DEVICE]\n"
			"       test_virtio_user_cases [EAL] -- backend_restart DEVICE VDEV_SPEC\n"
			"       test_virtio_user_cases [EAL] -- backend_reconnect DEVICE ROUNDS\n");
		return 2;
	}
	which = argv[1];
	if (argc >= 3)
		dev_name = argv[2];
	if (strcmp(which, "backend_restart") == 0 && argc != 4) {
		fprintf(stderr, "backend_restart wants the vdev spec (name,devargs)\n");
		return 2;
	}
	if (strcmp(which, "backend_reconnect") == 0 && (argc != 4 || atoi(argv[3]) < 1)) {
		fprintf(stderr, "backend_reconnect wants the number of rounds\n");
		return 2;
	}
	if (strcmp(which, "binding") == 0) {
		case_binding();
	} else if (strcmp(which, "reconnect_unconfigured") == 0) {
		if (case_reconnect_unconfigured(&e) == 0) {
			rte_cryptodev_sym_session_free(e.dev, e.sess);
			rte_cryptodev_stop(e.dev);
		}
	} else {
		check("device set up (configure, queue pair, start, AES-CBC session)",
		      env_setup(&e) == 0);
		if (failed == 0 && strcmp(which, "oversize") == 0)
			case_oversize(&e);
		else if (failed == 0 && strcmp(which, "unknown_session") == 0)
			case_unknown_session(&e);
		else if (failed == 0 && strcmp(which, "session_table_full") == 0)
			case_session_table_full(&e);
		else if (failed == 0 && strcmp(which, "backend_gone") == 0)
			case_backend_gone(&e);
		else if (failed == 0 && strcmp(which, "never_dequeued") == 0)
			case_never_dequeued(&e);
		else if (failed == 0 && strcmp(which, "backend_restart") == 0)
			case_backend_restart(&e, argv[3]);
		else if (failed == 0 && strcmp(which, "backend_reconnect") == 0)
			case_backend_reconnect(&e, atoi(argv[3]));
		else if (failed == 0)
			check("known case", false);
		if (strcmp(which, "backend_gone") != 0) {
			rte_cryptodev_sym_session_free(e.dev, e.sess);
			rte_cryptodev_stop(e.dev);
		}
	}
	printf("checks: %u passed, %u failed\n", passed, failed);
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
