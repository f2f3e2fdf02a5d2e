/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The library's entry points and its life on a vhost-user socket: instance
 * create/start/poll/destroy, the registry, the pause handshake and the
 * librte_vhost connection callbacks. Messages are the control plane's
 * (vhost_crypto_control.c), reached through the relay
 * (vhost_crypto_relay.c).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_vhost.h>

#include "vhost_crypto_dev.h"
#include "vhost_crypto_log.h"
#include "vhost_crypto_quirks.h"
#include "vhost_user_crypto_wire.h"

#define VC_DEFAULT_MAX_SESSIONS	1024
#define VC_DEFAULT_MAX_SIZE	(1u << 20)
#define VC_DEFAULT_NB_OPS	1024
/* Copy-mode buffers: large enough that common requests fit one segment. */
#define VC_MBUF_DATA_ROOM	(16384 + RTE_PKTMBUF_HEADROOM)

/* Virtio features offered, besides REVISION_1 and stateless modes. */
#define VC_VIRTIO_FEATURES ((1ULL << VIRTIO_F_VERSION_1) | \
			    (1ULL << VHOST_USER_F_PROTOCOL_FEATURES) | \
			    (1ULL << VIRTIO_F_RING_PACKED) | \
			    (1ULL << VIRTIO_F_IN_ORDER) | \
			    (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
			    (1ULL << VIRTIO_RING_F_EVENT_IDX))
#define VC_PROTOCOL_FEATURES ((1ULL << VHOST_USER_PROTOCOL_F_MQ) | \
			      (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK) | \
			      (1ULL << VHOST_USER_PROTOCOL_F_CRYPTO_SESSION) | \
			      (1ULL << VHOST_USER_PROTOCOL_F_CONFIG))

/*
 * Instances by socket path, and the instance of each connected vid. Only
 * touched from the application's control path and librte_vhost's
 * callbacks, under this lock; the data path never looks here.
 */
static struct vhost_crypto *instances[VC_MAX_INSTANCES];
static struct vhost_crypto *by_vid[RTE_MAX_VHOST_DEVICE];
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static struct vhost_crypto *
instance_of_vid(int vid)
{
	struct vhost_crypto *vc;

	if (vid < 0 || vid >= RTE_MAX_VHOST_DEVICE)
		return NULL;
	pthread_mutex_lock(&registry_lock);
	vc = by_vid[vid];
	pthread_mutex_unlock(&registry_lock);
	return vc;
}

struct vhost_crypto *
vc_registry_find(const char *path)
{
	struct vhost_crypto *vc = NULL;
	unsigned int i;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < VC_MAX_INSTANCES && vc == NULL; i++)
		if (instances[i] && strcmp(instances[i]->path, path) == 0)
			vc = instances[i];
	pthread_mutex_unlock(&registry_lock);
	return vc;
}

unsigned int
vc_registry_list(struct vhost_crypto **list, unsigned int max)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < VC_MAX_INSTANCES && n < max; i++)
		if (instances[i])
			list[n++] = instances[i];
	pthread_mutex_unlock(&registry_lock);
	return n;
}

void
vc_registry_foreach(void (*fn)(struct vhost_crypto *vc, void *arg), void *arg)
{
	unsigned int i;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < VC_MAX_INSTANCES; i++)
		if (instances[i])
			fn(instances[i], arg);
	pthread_mutex_unlock(&registry_lock);
}

/* ------------------------------------------------------------------ */
/* Pause handshake with the worker                                     */
/* ------------------------------------------------------------------ */

void
vc_pause(struct vhost_crypto *vc)
{
	unsigned int spins = 0;

	__atomic_store_n(&vc->paused, true, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&vc->polling, __ATOMIC_SEQ_CST)) {
		/*
		 * A poll takes microseconds; waiting longer means the worker
		 * is not running, perhaps because it shares this CPU: let it.
		 */
		if (++spins < 4096)
			rte_pause();
		else
			sched_yield();
	}
}

void
vc_resume(struct vhost_crypto *vc)
{
	__atomic_store_n(&vc->paused, false, __ATOMIC_RELEASE);
}

unsigned int
vhost_crypto_poll(struct vhost_crypto *vc, unsigned int burst)
{
	unsigned int done;

	__atomic_store_n(&vc->polling, true, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&vc->paused, __ATOMIC_SEQ_CST) || vc->vid < 0) {
		__atomic_store_n(&vc->polling, false, __ATOMIC_RELEASE);
		return 0;
	}
	done = vc_datapath_poll(vc, RTE_MIN(burst, (unsigned int)VC_BURST_MAX));
	__atomic_store_n(&vc->polling, false, __ATOMIC_RELEASE);
	return done;
}

/* ------------------------------------------------------------------ */
/* Connection callbacks                                                */
/* ------------------------------------------------------------------ */

static struct vhost_crypto *
instance_of_path(const char *path)
{
	unsigned int i;

	for (i = 0; i < VC_MAX_INSTANCES; i++)
		if (instances[i] && strcmp(instances[i]->lib_path, path) == 0)
			return instances[i];
	return NULL;
}

static int
new_connection(int vid)
{
	char path[PATH_MAX];
	struct vhost_crypto *vc;

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0 ||
	    vid >= RTE_MAX_VHOST_DEVICE)
		return -1;
	pthread_mutex_lock(&registry_lock);
	vc = instance_of_path(path);
	/*
	 * Only the relay's own connection: one made to the private socket
	 * by anyone else would bypass every check. Tested before taking the
	 * control lock, which the relay may hold while it waits for this
	 * thread to answer a message.
	 */
	if (vc == NULL || !__atomic_load_n(&vc->relay.connecting, __ATOMIC_ACQUIRE)) {
		pthread_mutex_unlock(&registry_lock);
		VC_LOG(ERR, "%s: %s", path, vc ? "connection not made by the relay; refused" :
		       "no instance");
		return -1;
	}
	by_vid[vid] = vc;
	pthread_mutex_unlock(&registry_lock);

	pthread_mutex_lock(&vc->ctrl_lock);
	if (vc->vid >= 0) {
		pthread_mutex_unlock(&vc->ctrl_lock);
		pthread_mutex_lock(&registry_lock);
		by_vid[vid] = NULL;
		pthread_mutex_unlock(&registry_lock);
		VC_LOG(ERR, "%s: already has a frontend; refused", path);
		return -1;
	}
	vc_pause(vc);
	__atomic_store_n(&vc->vid, vid, __ATOMIC_RELEASE);
	__atomic_store_n(&vc->relay.connecting, false, __ATOMIC_RELEASE);
	vc_resume(vc);
	vc->stats.connections++;
	pthread_mutex_unlock(&vc->ctrl_lock);
	VC_LOG(INFO, "%s: frontend connected (vid %d)", path, vid);
	return 0;
}

/*
 * librte_vhost ends a connection: the relay closed it (and already
 * completed what was in flight: the instance has another vid, or none), or
 * librte_vhost dropped it on its own after a message it could not apply.
 * Either way guest memory is unmapped as soon as this returns.
 */
static void
destroy_connection(int vid)
{
	struct vhost_crypto *vc = instance_of_vid(vid);

	if (vc == NULL)
		return;
	/*
	 * Not the instance's connection any more: the relay tore it down
	 * before it closed it. Do not wait for the control lock then: the
	 * relay may hold it, waiting for this thread to answer a message
	 * of the connection that replaced this one.
	 */
	if (__atomic_load_n(&vc->vid, __ATOMIC_ACQUIRE) == vid) {
		/*
		 * librte_vhost closed its end before calling us: a relay
		 * waiting for its answer sees that and lets go of the lock.
		 */
		pthread_mutex_lock(&vc->ctrl_lock);
		if (vc->vid == vid)
			vc_ctrl_disconnect(vc);
		pthread_mutex_unlock(&vc->ctrl_lock);
	}
	pthread_mutex_lock(&registry_lock);
	by_vid[vid] = NULL;
	pthread_mutex_unlock(&registry_lock);
}

static int
new_device(int vid)
{
	RTE_SET_USED(vid);
	return 0;	/* rings are tracked from the messages */
}

static void
destroy_device(int vid)
{
	RTE_SET_USED(vid);
}

static const struct rte_vhost_device_ops device_ops = {
	.new_device = new_device,
	.destroy_device = destroy_device,
	.new_connection = new_connection,
	.destroy_connection = destroy_connection,
};

/* ------------------------------------------------------------------ */
/* Instances                                                           */
/* ------------------------------------------------------------------ */

static int
instance_slot_take(struct vhost_crypto *vc)
{
	unsigned int i, free_slot = VC_MAX_INSTANCES;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < VC_MAX_INSTANCES; i++) {
		if (instances[i] && strcmp(instances[i]->path, vc->path) == 0) {
			pthread_mutex_unlock(&registry_lock);
			return -EEXIST;
		}
		if (instances[i] == NULL && free_slot == VC_MAX_INSTANCES)
			free_slot = i;
	}
	if (free_slot == VC_MAX_INSTANCES) {
		pthread_mutex_unlock(&registry_lock);
		return -ENOSPC;
	}
	instances[free_slot] = vc;
	pthread_mutex_unlock(&registry_lock);
	return 0;
}

static void
instance_slot_release(struct vhost_crypto *vc)
{
	unsigned int i;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < VC_MAX_INSTANCES; i++)
		if (instances[i] == vc)
			instances[i] = NULL;
	/* Unregistering may end a connection without destroy_connection. */
	for (i = 0; i < RTE_MAX_VHOST_DEVICE; i++)
		if (by_vid[i] == vc)
			by_vid[i] = NULL;
	pthread_mutex_unlock(&registry_lock);
}

/*
 * REVISION_1, and the stateless mode of every symmetric service the device
 * offers (their requests get a session per op from the same table).
 */
static uint64_t
crypto_features(const struct virtio_crypto_config *cfg)
{
	uint32_t services = rte_le_to_cpu_32(cfg->crypto_services);
	uint64_t f = 1ULL << VIRTIO_CRYPTO_F_REVISION_1;
	uint32_t s;

	for (s = VIRTIO_CRYPTO_SERVICE_CIPHER; s <= VIRTIO_CRYPTO_SERVICE_AEAD; s++)
		if (services & (1u << s))
			f |= 1ULL << (VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE + s);
	return f;
}

/*
 * A per-lcore cache in front of the worker's pools. Without one every get
 * and put is a ring operation, and a ring hands out its objects in FIFO
 * order: every mbuf of the pool (16 KiB each) comes round before one is
 * reused, so each request's copy lands in memory long gone from the cache.
 * The cache is a stack: the buffers just freed are the next ones taken.
 * A pool holds up to 1.5 times its cache size per lcore there, so the cache
 * stays a quarter of a small pool.
 */
static unsigned int
pool_cache_size(unsigned int nb_objs)
{
	return RTE_MIN(256u, nb_objs / 4);
}

/* Hugepage memory left on a node, for a message about running out. */
static unsigned int
free_hugepage_mib(int socket_id)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(socket_id < 0 ? 0 : socket_id, &st) != 0)
		return 0;
	return (unsigned int)(st.heap_freesz_bytes >> 20);
}

/*
 * An op's zero-copy mbufs, made once when the pool is: what never changes
 * between requests (no IOVA, one segment, no pool, no flags) is set here,
 * and a request writes only where its buffer is and how long (the mbuf's
 * first cache line; its second, with next and pool, stays untouched).
 */
static void
init_guest_mbufs(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	unsigned int which;

	RTE_SET_USED(mp);
	RTE_SET_USED(arg);
	RTE_SET_USED(idx);
	for (which = 0; which < 2; which++) {
		struct rte_mbuf *m = vc_op_guest_mbuf(obj, which);

		memset(m, 0, sizeof(*m));
		m->buf_iova = RTE_BAD_IOVA;
		m->nb_segs = 1;
		m->next = NULL;
		m->pool = NULL;
		rte_mbuf_refcnt_set(m, 1);
	}
}

static int
create_pools(struct vhost_crypto *vc, unsigned int id, const uint8_t *ids)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	int rc;

	snprintf(name, sizeof(name), "vc%u", id);
	/* Every op in flight may be a stateless one, with a session of its own. */
	rc = vc_session_table_init(&vc->sessions, vc->conf.max_sessions,
				   vc->conf.nb_ops, ids, vc->nb_cdevs,
				   vc->conf.socket_id, name);
	if (rc)
		return rc;
	snprintf(name, sizeof(name), "vco_%u", id);
	/* Undefined type: ops are symmetric, or asymmetric for AKCIPHER. */
	vc->op_pool = rte_crypto_op_pool_create(name, RTE_CRYPTO_OP_TYPE_UNDEFINED,
						vc->conf.nb_ops,
						pool_cache_size(vc->conf.nb_ops),
						sizeof(struct vc_op_priv),
						vc->conf.socket_id);
	snprintf(name, sizeof(name), "vcm_%u", id);
	/* Room for a maximum-size request per op, in 16 KiB segments. */
	vc->mbuf_pool = rte_pktmbuf_pool_create(name,
		vc->conf.nb_ops * 2 + 64, pool_cache_size(vc->conf.nb_ops * 2 + 64), 0,
		VC_MBUF_DATA_ROOM,
		vc->conf.socket_id);
	snprintf(name, sizeof(name), "vca_%u", id);
	vc->aad_pool = rte_mempool_create(name, VC_AAD_POOL_SIZE, VC_AAD_BUF_SIZE,
					  0, 0, NULL, NULL, NULL, NULL,
					  vc->conf.socket_id, 0);
	if (vc->op_pool != NULL)
		rte_mempool_obj_iter(vc->op_pool, init_guest_mbufs, NULL);
	if (vc->op_pool == NULL || vc->mbuf_pool == NULL || vc->aad_pool == NULL) {
		/* rte_errno is the last failure's, maybe not this one's: no cause named. */
		VC_LOG(ERR, "%s: cannot create its %s pool (%u ops in flight, %u MiB "
		       "of hugepage memory free on node %d)", vc->path,
		       vc->op_pool == NULL ? "op" : vc->mbuf_pool == NULL ? "mbuf" : "AAD",
		       vc->conf.nb_ops, free_hugepage_mib(vc->conf.socket_id),
		       vc->conf.socket_id);
		return -ENOMEM;
	}
	return 0;
}

void
vc_instance_fini(struct vhost_crypto *vc)
{
	uint16_t i;

	for (i = 0; i < RTE_DIM(vc->rings); i++)
		vc_ring_reset(&vc->rings[i]);
	vc_rec_clear(vc);
	free(vc->mem);
	vc->mem = NULL;
	pthread_mutex_destroy(&vc->ctrl_lock);
	vc_session_table_free(&vc->sessions);
	rte_mempool_free(vc->op_pool);
	rte_mempool_free(vc->mbuf_pool);
	rte_mempool_free(vc->aad_pool);
	vc->op_pool = vc->mbuf_pool = vc->aad_pool = NULL;
}

static void
free_instance(struct vhost_crypto *vc)
{
	vc_instance_fini(vc);
	rte_free(vc);
}

static bool
conf_valid(const struct vhost_crypto_conf *conf)
{
	return conf != NULL && conf->socket_path != NULL &&
	       strlen(conf->socket_path) < PATH_MAX &&
	       rte_cryptodev_is_valid_dev(conf->cdev_id) &&
	       conf->cdev_qp < rte_cryptodev_queue_pair_count(conf->cdev_id) &&
	       (!(conf->flags & VHOST_CRYPTO_F_FALLBACK) ||
		(rte_cryptodev_is_valid_dev(conf->fallback_cdev_id) &&
		 conf->fallback_cdev_id != conf->cdev_id &&
		 conf->fallback_qp < rte_cryptodev_queue_pair_count(conf->fallback_cdev_id))) &&
	       conf->max_dataqueues <= VC_MAX_DATAQUEUES &&
	       conf->session_layout <= VHOST_CRYPTO_SESSION_LAYOUT_QEMU_8_1 &&
	       (conf->socket_mode & ~0777u) == 0;
}

int
vc_instance_init(struct vhost_crypto *vc, const struct vhost_crypto_conf *conf)
{
	static unsigned int next_id;
	uint8_t ids[VC_NB_DEVS];
	uint16_t i;
	int rc;

	if (!conf_valid(conf))
		return -EINVAL;
	memset(vc, 0, sizeof(*vc));
	vc->conf = *conf;
	vc->conf.socket_path = vc->path;
	vc->relay.listen_fd = -1;
	vc->relay.front_fd = -1;
	snprintf(vc->path, sizeof(vc->path), "%s", conf->socket_path);
	if (vc->conf.max_sessions == 0)
		vc->conf.max_sessions = VC_DEFAULT_MAX_SESSIONS;
	if (vc->conf.max_dataqueues == 0)
		vc->conf.max_dataqueues = 1;
	if (vc->conf.max_size == 0)
		vc->conf.max_size = VC_DEFAULT_MAX_SIZE;
	if (vc->conf.nb_ops == 0)
		vc->conf.nb_ops = VC_DEFAULT_NB_OPS;
	if (vc->conf.socket_mode == 0)
		vc->conf.socket_mode = 0600;
	vc->vid = -1;
	pthread_mutex_init(&vc->ctrl_lock, NULL);
	vc->nb_rings = vc->conf.max_dataqueues;
	for (i = 0; i < RTE_DIM(vc->rings); i++)
		vc->rings[i].vr.callfd = -1;
	vc->cdevs[VC_DEV_MAIN].id = vc->conf.cdev_id;
	vc->cdevs[VC_DEV_MAIN].qp = vc->conf.cdev_qp;
	vc->nb_cdevs = 1;
	if (vc->conf.flags & VHOST_CRYPTO_F_FALLBACK) {
		vc->cdevs[VC_DEV_FALLBACK].id = vc->conf.fallback_cdev_id;
		vc->cdevs[VC_DEV_FALLBACK].qp = vc->conf.fallback_qp;
		vc->nb_cdevs = 2;
	}
	vc->quirks = vc_quirks_of(vc->conf.cdev_id);
	vc->zero_copy = vc->conf.flags & VHOST_CRYPTO_F_ZERO_COPY;
	for (i = 0; i < vc->nb_cdevs && vc->zero_copy; i++) {
		struct rte_cryptodev_info info;

		/* Guest buffers have no IOVA a device could use. */
		rte_cryptodev_info_get(vc->cdevs[i].id, &info);
		if (info.feature_flags & RTE_CRYPTODEV_FF_HW_ACCELERATED) {
			VC_LOG(WARNING, "%s: device %u is hardware: no zero-copy",
			       vc->path, vc->cdevs[i].id);
			vc->zero_copy = false;
		}
	}
	if (vc->quirks && vc->nb_cdevs == 1)
		VC_LOG(WARNING, "%s: device %u has known defects (quirks %#x) and no "
		       "fallback device: requests that hit them fail", vc->path,
		       vc->conf.cdev_id, vc->quirks);

	/*
	 * Everything a session can be made for: the main device's algorithms
	 * and the fallback's (RSA, with the daemon's defaults).
	 */
	for (i = 0; i < vc->nb_cdevs; i++)
		ids[i] = vc->cdevs[i].id;
	rc = vhost_crypto_config_build(ids, vc->nb_cdevs, vc->conf.max_dataqueues,
				       vc->conf.max_size, &vc->config);
	vc->offered_features = VC_VIRTIO_FEATURES | crypto_features(&vc->config);
	if (vc->conf.flags & VHOST_CRYPTO_F_SPLIT_RING)
		vc->offered_features &= ~(1ULL << VIRTIO_F_RING_PACKED);
	vc->offered_protocol_features = VC_PROTOCOL_FEATURES;
	if (rc == 0)
		rc = create_pools(vc, __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED), ids);
	if (rc != 0)
		vc_instance_fini(vc);
	return rc;
}

void
vc_unlink_socket(const char *path)
{
	struct stat st;

	/* The path comes from a command line: remove only what we could have made. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}

/*
 * librte_vhost's socket lives in "<path>.lib", a directory only this
 * process's user may enter: whatever the public socket's permissions, no
 * frontend reaches librte_vhost but through the relay (which it checks
 * too: new_connection()). A directory a killed run left is taken over if
 * it is ours and closed to others; an older release's socket of that name
 * is replaced. 0 or a negative errno: ENOTDIR for anything else at the
 * name, EPERM for a directory of another user's or open to others.
 */
static int
private_dir_make(struct vhost_crypto *vc)
{
	struct sockaddr_un sa;
	struct stat st;

	if ((size_t)snprintf(vc->lib_dir, sizeof(vc->lib_dir), "%s.lib", vc->path) >=
		    sizeof(vc->lib_dir) ||
	    (size_t)snprintf(vc->lib_path, sizeof(vc->lib_path), "%s/sock", vc->lib_dir) >=
		    sizeof(sa.sun_path) ||
	    (size_t)snprintf(vc->bind_path, sizeof(vc->bind_path), "%s/bind", vc->lib_dir) >=
		    sizeof(sa.sun_path))
		return -ENAMETOOLONG;	/* librte_vhost would bind a truncated path */
	if (lstat(vc->lib_dir, &st) != 0) {
		if (errno != ENOENT)
			return -errno;
	} else if (S_ISSOCK(st.st_mode)) {
		if (unlink(vc->lib_dir) != 0)
			return -errno;
	} else if (!S_ISDIR(st.st_mode)) {
		return -ENOTDIR;
	} else if (st.st_uid != geteuid() || (st.st_mode & 0077) != 0) {
		return -EPERM;
	} else {
		vc_unlink_socket(vc->lib_path);
		vc_unlink_socket(vc->bind_path);
		return 0;
	}
	return mkdir(vc->lib_dir, 0700) == 0 ? 0 : -errno;
}

static void
private_dir_remove(struct vhost_crypto *vc)
{
	vc_unlink_socket(vc->lib_path);
	vc_unlink_socket(vc->bind_path);
	rmdir(vc->lib_dir);	/* only if empty: nothing of anyone else's goes */
}

struct vhost_crypto *
vhost_crypto_create(const struct vhost_crypto_conf *conf)
{
	struct vhost_crypto *vc;
	int rc;

	vc = rte_zmalloc_socket("vhost_crypto", sizeof(*vc), RTE_CACHE_LINE_SIZE,
				conf ? conf->socket_id : SOCKET_ID_ANY);
	if (vc == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	rc = vc_instance_init(vc, conf);
	if (rc == 0) {
		rc = instance_slot_take(vc);
		if (rc != 0)
			vc_instance_fini(vc);
	}
	if (rc != 0) {
		rte_free(vc);
		rte_errno = -rc;
		return NULL;
	}

	/*
	 * The session relay stands in front of librte_vhost, which listens
	 * on a private path, in both modes: the relay listens on the public
	 * socket or, in client mode, connects to it (and reconnects); see
	 * vhost_crypto_relay.c.
	 */
	rc = private_dir_make(vc);
	if (rc != 0) {
		VC_LOG(ERR, "%s: private directory %s.lib: %s", vc->path, vc->path,
		       rc == -ENOTDIR ? "something else is there" :
		       rc == -EPERM ? "another user's, or open to others" : strerror(-rc));
		goto fail_registered;
	}
	if (rte_vhost_driver_register(vc->lib_path, 0) != 0) {
		rc = -EINVAL;
		goto fail_dir;
	}
	if (rte_vhost_driver_set_features(vc->lib_path, vc->offered_features) != 0 ||
	    rte_vhost_driver_set_protocol_features(vc->lib_path,
						   vc->offered_protocol_features) != 0 ||
	    rte_vhost_driver_callback_register(vc->lib_path, &device_ops) != 0) {
		rc = -EINVAL;
		goto fail_driver;
	}
	VC_LOG(INFO, "%s: serving crypto device %u queue pair %u",
	       vc->path, vc->conf.cdev_id, vc->conf.cdev_qp);
	return vc;

fail_driver:
	rte_vhost_driver_unregister(vc->lib_path);
fail_dir:
	private_dir_remove(vc);
fail_registered:
	instance_slot_release(vc);
	free_instance(vc);
	rte_errno = -rc;
	return NULL;
}

int
vhost_crypto_start(struct vhost_crypto *vc)
{
	int rc;

	if (vc == NULL)
		return -EINVAL;
	/* After a live upgrade: this socket's connection and state, if any. */
	vc->relay.adopt = vc_adopt_take(vc->path);
	if (vc->relay.adopt != NULL &&
	    vc_adopt_client(vc->relay.adopt) != !!(vc->conf.flags & VHOST_CRYPTO_F_CLIENT)) {
		VC_LOG(ERR, "%s: upgrade: the old daemon %s the socket, this one would %s",
		       vc->path, vc_adopt_client(vc->relay.adopt) ? "connected to" : "listened on",
		       vc->conf.flags & VHOST_CRYPTO_F_CLIENT ? "connect" : "listen");
		vc_adopt_free(vc->relay.adopt);
		vc->relay.adopt = NULL;
		return -EINVAL;
	}
	if (rte_vhost_driver_start(vc->lib_path) != 0)
		return -EIO;
	rc = vc_relay_start(vc);
	if (rc != 0) {
		vc_adopt_free(vc->relay.adopt);
		vc->relay.adopt = NULL;
		VC_LOG(ERR, "%s: cannot %s: %s", vc->path,
		       vc->conf.flags & VHOST_CRYPTO_F_CLIENT ? "start the relay" : "listen",
		       strerror(-rc));
		return rc;
	}
	vc->started = true;
	return 0;
}

int
vhost_crypto_stats_get(const struct vhost_crypto *vc, struct vhost_crypto_stats *stats)
{
	if (vc == NULL || stats == NULL)
		return -EINVAL;
	*stats = vc->stats;
	stats->sessions_live = vc->sessions.nb_live;
	stats->ops_in_use = rte_mempool_in_use_count(vc->op_pool);
	stats->mbufs_in_use = rte_mempool_in_use_count(vc->mbuf_pool);
	stats->aad_bufs_in_use = rte_mempool_in_use_count(vc->aad_pool);
	return 0;
}

void
vhost_crypto_destroy(struct vhost_crypto *vc)
{
	if (vc == NULL)
		return;
	/*
	 * No new frontend, and no message, from here on; the relay completes
	 * what its frontend had in flight and frees its sessions as it goes,
	 * while guest memory is still mapped: unregistering destroys the
	 * vhost device (and unmaps it) without calling destroy_connection.
	 */
	vc_relay_stop(vc);
	pthread_mutex_lock(&vc->ctrl_lock);
	vc_ctrl_disconnect(vc);
	pthread_mutex_unlock(&vc->ctrl_lock);
	rte_vhost_driver_unregister(vc->lib_path);
	private_dir_remove(vc);
	instance_slot_release(vc);
	free_instance(vc);
}
