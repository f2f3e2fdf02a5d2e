/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The library's entry points and its life on a vhost-user socket: instance
 * create/start/poll/destroy, the librte_vhost connection callbacks, and the
 * message hooks that answer what librte_vhost does not (session messages,
 * GET_CONFIG) and quiesce the data path around what changes its memory or
 * rings.
 *
 * Rings are tracked here, not through librte_vhost's notion of a "ready"
 * device: QEMU's cryptodev-vhost-user never sends SET_VRING_ENABLE, so with
 * protocol features negotiated librte_vhost never calls new_device. A ring
 * is live once its addresses, size and kick fd are set.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
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
#define VC_MAX_INSTANCES	64
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
	__atomic_store_n(&vc->paused, true, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&vc->polling, __ATOMIC_SEQ_CST))
		rte_pause();
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
/* Rings and memory, refreshed while paused                            */
/* ------------------------------------------------------------------ */

/* Forget a ring's setup; its counter lives as long as the instance. */
static void
ring_reset(struct vc_ring *r)
{
	uint64_t requests = r->requests;

	rte_free(r->slots);
	rte_free(r->free_slots);
	rte_free(r->slot_of_head);
	rte_free(r->spill_mem);
	memset(r, 0, sizeof(*r));
	r->vr.callfd = -1;
	r->requests = requests;
}

/* Per-ring bookkeeping for a ring of `size` entries; control path only. */
static int
ring_alloc(struct vc_ring *r, uint16_t size, int socket_id)
{
	uint16_t i, nb = RTE_MIN(size, (uint16_t)VC_RING_MAX_INFLIGHT);

	ring_reset(r);
	r->slots = rte_zmalloc_socket("vc_chains", nb * sizeof(*r->slots),
				      RTE_CACHE_LINE_SIZE, socket_id);
	r->free_slots = rte_malloc_socket("vc_free", nb * sizeof(uint16_t), 0, socket_id);
	r->slot_of_head = rte_malloc_socket("vc_heads", size * sizeof(uint16_t), 0,
					    socket_id);
	r->spill_mem = rte_malloc_socket("vc_spills", VC_RING_SPILLS * VC_CHAIN_MAX_SEGS *
					 sizeof(*r->spill_mem), RTE_CACHE_LINE_SIZE, socket_id);
	if (r->slots == NULL || r->free_slots == NULL || r->slot_of_head == NULL ||
	    r->spill_mem == NULL) {
		ring_reset(r);
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++) {
		r->free_slots[i] = nb - 1 - i;
		r->slots[i].segs = r->slots[i].inline_segs;
	}
	for (i = 0; i < VC_RING_SPILLS; i++)
		r->spills[i] = r->spill_mem + (size_t)i * VC_CHAIN_MAX_SEGS;
	r->nb_spills = VC_RING_SPILLS;
	for (i = 0; i < size; i++)
		r->slot_of_head[i] = VC_NO_SLOT;
	r->nb_slots = r->nb_free = nb;
	r->alloc_size = size;
	return 0;
}

int
vc_ring_attach(struct vhost_crypto *vc, uint16_t idx,
	       const struct rte_vhost_vring *vring, uint16_t last_avail,
	       uint16_t last_used)
{
	struct vc_ring *r = &vc->rings[idx];
	bool was_live = r->live;

	if (idx > vc->nb_rings || vring->desc == NULL || vring->avail == NULL ||
	    vring->used == NULL || vring->size == 0 ||
	    (vring->size & (vring->size - 1)) != 0 || vc->mem == NULL) {
		r->live = false;
		return -EINVAL;
	}
	/* Nothing is in flight on a ring that is not live. */
	if (!was_live && r->alloc_size != vring->size &&
	    ring_alloc(r, vring->size, vc->conf.socket_id) != 0) {
		VC_LOG(ERR, "%s: no memory for ring %u", vc->path, idx);
		return -ENOMEM;
	}
	r->vr.packed = vc->features & (1ULL << VIRTIO_F_RING_PACKED);
	r->vr.desc = vring->desc;	/* or desc_packed: the same pointers */
	r->vr.avail = vring->avail;
	r->vr.used = vring->used;
	r->vr.size = vring->size;
	r->vr.callfd = vring->callfd;
	r->vr.mem = vc->mem;
	r->vr.event_idx = vc->features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	if (!was_live) {
		/* Packed rings carry their wrap counter in bit 15 of the base. */
		uint16_t mask = r->vr.packed ? 0x7fff : 0xffff;

		r->vr.last_avail_idx = last_avail & mask;
		r->vr.used_idx = last_used & mask;
		r->vr.signalled_used = r->vr.used_idx;
		r->vr.avail_wrap = r->vr.packed && (last_avail >> 15);
		r->vr.used_wrap = r->vr.packed && (last_used >> 15);
		r->vr.signalled_wrap = r->vr.used_wrap;
		r->vr.broken = false;
		VC_LOG(INFO, "%s: ring %u live, size %u, base %u",
		       vc->path, idx, vring->size, last_avail);
	}
	r->live = true;
	return 0;
}

static void
refresh_rings(struct vhost_crypto *vc)
{
	struct rte_vhost_memory *mem = NULL;
	uint64_t features = 0;
	uint16_t i;

	/* librte_vhost dereferences a missing table: ask only once it exists. */
	if (vc->mem_table_set && rte_vhost_get_mem_table(vc->vid, &mem) == 0) {
		free(vc->mem);
		vc->mem = mem;
	}
	if (rte_vhost_get_negotiated_features(vc->vid, &features) == 0)
		vc->features = features;

	/* The data rings and, when the frontend hands it over, the control one. */
	for (i = 0; i <= vc->nb_rings; i++) {
		struct vc_ring *r = &vc->rings[i];
		struct rte_vhost_vring vring;
		uint16_t last_avail = 0, last_used = 0;

		if (rte_vhost_get_vhost_vring(vc->vid, i, &vring) != 0 ||
		    vring.kickfd < 0) {
			r->live = false;
			continue;
		}
		/* A ring coming up starts where the frontend says (SET_VRING_BASE). */
		if (!r->live)
			rte_vhost_get_vring_base(vc->vid, i, &last_avail, &last_used);
		vc_ring_attach(vc, i, &vring, last_avail, last_used);
	}
}

/*
 * GET_VRING_BASE stops a ring: finish what it has in flight, then tell
 * librte_vhost where we are so that it reports it to the frontend.
 */
static void
stop_ring(struct vhost_crypto *vc, uint16_t idx)
{
	struct vc_ring *r;

	if (idx > vc->nb_rings)
		return;
	r = &vc->rings[idx];
	if (!r->live)
		return;
	vc_datapath_drain(vc);
	if (r->vr.packed)
		rte_vhost_set_vring_base(vc->vid, idx,
			r->vr.last_avail_idx | (uint16_t)(r->vr.avail_wrap << 15),
			r->vr.used_idx | (uint16_t)(r->vr.used_wrap << 15));
	else
		rte_vhost_set_vring_base(vc->vid, idx, r->vr.last_avail_idx,
					 r->vr.used_idx);
	r->live = false;
	VC_LOG(INFO, "%s: ring %u stopped at %u", vc->path, idx, r->vr.last_avail_idx);
}

/* ------------------------------------------------------------------ */
/* Message hooks                                                       */
/* ------------------------------------------------------------------ */

enum rte_vhost_msg_result
vc_session_msg_create(struct vhost_crypto *vc, struct vhost_user_msg_hdr *hdr,
		      uint8_t *payload)
{
	struct vc_session_params params;
	enum vc_session_msg_layout layout;
	uint64_t id;
	int rc;

	rc = vc_session_msg_decode(payload, hdr->size,
				   (enum vc_session_msg_layout)vc->conf.session_layout,
				   &params, &layout);
	if (rc == 0)
		rc = vc_session_create(&vc->sessions, &params, &id);
	if (rc != 0) {
		vc->stats.session_errors++;
		VC_LOG(INFO, "%s: session create (%u B payload) failed: %s",
		       vc->path, hdr->size, strerror(-rc));
		/*
		 * A payload we could not even place gets a reply in the layout
		 * its size implies, so the frontend reads a failure, not junk.
		 */
		if (rc == -EBADMSG && layout == VC_SESSION_MSG_AUTO)
			layout = hdr->size == VHOST_USER_CRYPTO_SESSION_SIZE_1072 ?
				VC_SESSION_MSG_QEMU_8_1 : VC_SESSION_MSG_QEMU_7_1;
		vc_session_msg_set_reply(payload, layout, rc);
		return RTE_VHOST_MSG_RESULT_REPLY;
	}
	vc->stats.sessions_created++;
	vc_session_msg_set_reply(payload, layout, (int64_t)id);
	return RTE_VHOST_MSG_RESULT_REPLY;
}

enum rte_vhost_msg_result
vc_session_msg_close(struct vhost_crypto *vc, struct vhost_user_msg_hdr *hdr,
		     const uint8_t *payload)
{
	struct vhost_user_crypto_close m;
	int rc;

	if (hdr->size != sizeof(m))
		return RTE_VHOST_MSG_RESULT_ERR;
	memcpy(&m, payload, sizeof(m));
	/* Ops of this session may be in flight: finish them first. */
	vc_pause(vc);
	vc_datapath_drain(vc);
	rc = vc_session_destroy(&vc->sessions, m.session_id);
	vc_resume(vc);
	if (rc != 0) {
		VC_LOG(INFO, "%s: close of unknown session %" PRIu64,
		       vc->path, m.session_id);
		return RTE_VHOST_MSG_RESULT_OK;	/* nothing to undo */
	}
	vc->stats.sessions_destroyed++;
	return RTE_VHOST_MSG_RESULT_OK;
}

static enum rte_vhost_msg_result
handle_get_config(struct vhost_crypto *vc, struct vhost_user_msg_hdr *hdr,
		  uint8_t *payload)
{
	struct vhost_user_config_payload cfg;

	if (hdr->size < offsetof(struct vhost_user_config_payload, region) ||
	    hdr->size > sizeof(cfg))
		return RTE_VHOST_MSG_RESULT_ERR;
	memcpy(&cfg, payload, hdr->size);
	if (cfg.offset > sizeof(vc->config) || cfg.size > sizeof(vc->config) - cfg.offset ||
	    cfg.size > sizeof(cfg.region))
		return RTE_VHOST_MSG_RESULT_ERR;
	memcpy(cfg.region, (const uint8_t *)&vc->config + cfg.offset, cfg.size);
	hdr->size = offsetof(struct vhost_user_config_payload, region) + cfg.size;
	memcpy(payload, &cfg, hdr->size);
	return RTE_VHOST_MSG_RESULT_REPLY;
}

static bool
changes_rings(uint32_t request)
{
	switch (request) {
	case VHOST_USER_SET_FEATURES:
	case VHOST_USER_RESET_OWNER:
	case VHOST_USER_SET_MEM_TABLE:
	case VHOST_USER_ADD_MEM_REG:
	case VHOST_USER_REM_MEM_REG:
	case VHOST_USER_SET_VRING_NUM:
	case VHOST_USER_SET_VRING_ADDR:
	case VHOST_USER_SET_VRING_BASE:
	case VHOST_USER_GET_VRING_BASE:
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ENABLE:
		return true;
	default:
		return false;
	}
}

/* Set when a ring-changing message paused the data path. */
static bool
resume_after_message(struct vhost_crypto *vc)
{
	if (!__atomic_load_n(&vc->paused, __ATOMIC_ACQUIRE))
		return false;
	refresh_rings(vc);
	vc_resume(vc);
	return true;
}

static enum rte_vhost_msg_result
pre_msg_handle(int vid, void *msg)
{
	struct vhost_crypto *vc = instance_of_vid(vid);
	struct vhost_user_msg_hdr *hdr = msg;
	uint8_t *payload = (uint8_t *)msg + sizeof(*hdr);

	if (vc == NULL)
		return RTE_VHOST_MSG_RESULT_NOT_HANDLED;
	/* A previous message's post hook may not have run (it failed). */
	resume_after_message(vc);

	switch (hdr->request) {
	case VHOST_USER_CREATE_CRYPTO_SESSION:
		return vc_session_msg_create(vc, hdr, payload);
	case VHOST_USER_CLOSE_CRYPTO_SESSION:
		return vc_session_msg_close(vc, hdr, payload);
	case VHOST_USER_GET_CONFIG:
		return handle_get_config(vc, hdr, payload);
	case VHOST_USER_SET_CONFIG:
		/* The crypto config space is read-only for the driver. */
		return RTE_VHOST_MSG_RESULT_OK;
	default:
		break;
	}
	if (changes_rings(hdr->request)) {
		vc_pause(vc);
		if (hdr->request == VHOST_USER_SET_MEM_TABLE ||
		    hdr->request == VHOST_USER_ADD_MEM_REG)
			vc->mem_table_set = true;
		if (hdr->request == VHOST_USER_GET_VRING_BASE) {
			struct vhost_vring_state st;

			memcpy(&st, payload, sizeof(st));
			stop_ring(vc, st.index);
		}
	}
	return RTE_VHOST_MSG_RESULT_NOT_HANDLED;
}

static enum rte_vhost_msg_result
post_msg_handle(int vid, void *msg)
{
	struct vhost_crypto *vc = instance_of_vid(vid);
	struct vhost_user_msg_hdr *hdr = msg;

	if (vc != NULL && changes_rings(hdr->request))
		resume_after_message(vc);
	return RTE_VHOST_MSG_RESULT_NOT_HANDLED;
}

static const struct rte_vhost_user_extern_ops extern_ops = {
	.pre_msg_handle = pre_msg_handle,
	.post_msg_handle = post_msg_handle,
};

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
	if (vc == NULL || vc->vid >= 0) {
		pthread_mutex_unlock(&registry_lock);
		VC_LOG(ERR, "%s: %s", path, vc ? "already has a frontend; refused" :
		       "no instance");
		return -1;
	}
	by_vid[vid] = vc;
	pthread_mutex_unlock(&registry_lock);

	if (rte_vhost_extern_callback_register(vid, &extern_ops, vc) != 0) {
		pthread_mutex_lock(&registry_lock);
		by_vid[vid] = NULL;
		pthread_mutex_unlock(&registry_lock);
		return -1;
	}
	vc_pause(vc);
	vc->vid = vid;
	vc_resume(vc);
	vc->stats.connections++;
	VC_LOG(INFO, "%s: frontend connected (vid %d)", path, vid);
	return 0;
}

/* The frontend is gone: complete what is in flight, free every session. */
static void
destroy_connection(int vid)
{
	struct vhost_crypto *vc = instance_of_vid(vid);
	uint16_t i;

	if (vc == NULL)
		return;
	vc_pause(vc);
	/*
	 * Ops in the crypto device still point into guest memory that QEMU
	 * may already have unmapped from its side; ours stays mapped until
	 * librte_vhost frees the device after this callback.
	 */
	vc_datapath_drain(vc);
	vc->stats.sessions_destroyed += vc_session_destroy_all(&vc->sessions);
	for (i = 0; i <= vc->nb_rings; i++)
		ring_reset(&vc->rings[i]);
	free(vc->mem);
	vc->mem = NULL;
	vc->mem_table_set = false;
	vc->features = 0;
	vc->vid = -1;
	pthread_mutex_lock(&registry_lock);
	by_vid[vid] = NULL;
	pthread_mutex_unlock(&registry_lock);
	vc_resume(vc);
	VC_LOG(INFO, "%s: frontend disconnected", vc->path);
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
	if (vc->op_pool == NULL || vc->mbuf_pool == NULL || vc->aad_pool == NULL) {
		VC_LOG(ERR, "%s: pools: %s", vc->path, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

void
vc_instance_fini(struct vhost_crypto *vc)
{
	uint16_t i;

	for (i = 0; i < RTE_DIM(vc->rings); i++)
		ring_reset(&vc->rings[i]);
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
	       conf->session_layout <= VHOST_CRYPTO_SESSION_LAYOUT_QEMU_8_1;
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
	snprintf(vc->path, sizeof(vc->path), "%s", conf->socket_path);
	if (vc->conf.max_sessions == 0)
		vc->conf.max_sessions = VC_DEFAULT_MAX_SESSIONS;
	if (vc->conf.max_dataqueues == 0)
		vc->conf.max_dataqueues = 1;
	if (vc->conf.max_size == 0)
		vc->conf.max_size = VC_DEFAULT_MAX_SIZE;
	if (vc->conf.nb_ops == 0)
		vc->conf.nb_ops = VC_DEFAULT_NB_OPS;
	vc->vid = -1;
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
	if (rc == 0)
		rc = create_pools(vc, __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED), ids);
	if (rc != 0)
		vc_instance_fini(vc);
	return rc;
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
	snprintf(vc->lib_path, sizeof(vc->lib_path), "%s.lib", vc->path);
	unlink(vc->lib_path);
	if (rte_vhost_driver_register(vc->lib_path, 0) != 0) {
		rc = -EINVAL;
		goto fail_registered;
	}
	if (rte_vhost_driver_set_features(vc->lib_path,
			VC_VIRTIO_FEATURES | crypto_features(&vc->config)) != 0 ||
	    rte_vhost_driver_set_protocol_features(vc->lib_path, VC_PROTOCOL_FEATURES) != 0 ||
	    rte_vhost_driver_callback_register(vc->lib_path, &device_ops) != 0) {
		rc = -EINVAL;
		goto fail_driver;
	}
	VC_LOG(INFO, "%s: serving crypto device %u queue pair %u",
	       vc->path, vc->conf.cdev_id, vc->conf.cdev_qp);
	return vc;

fail_driver:
	rte_vhost_driver_unregister(vc->lib_path);
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
	if (rte_vhost_driver_start(vc->lib_path) != 0)
		return -EIO;
	rc = vc_relay_start(vc);
	if (rc != 0) {
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
	int vid;

	if (vc == NULL)
		return;
	/*
	 * Finish what is in flight while guest memory is still mapped:
	 * unregistering destroys the vhost device (and unmaps it) without
	 * calling destroy_connection.
	 */
	/* No new frontend, and no session message, from here on. */
	vc_relay_stop(vc);
	vc_pause(vc);
	vc_datapath_drain(vc);
	vid = vc->vid;
	rte_vhost_driver_unregister(vc->lib_path);
	unlink(vc->lib_path);
	if (vid >= 0)
		destroy_connection(vid);
	instance_slot_release(vc);
	free_instance(vc);
}
