/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The control plane: every vhost-user message of a frontend, checked
 * against the state it would change, then applied with the worker
 * quiesced.
 *
 * One owner. Every message passes the relay thread (vhost_crypto_relay.c),
 * which hands it to librte_vhost synchronously: it asks librte_vhost for
 * an acknowledgement of every message and reads the frontend's next one
 * only once that arrived. The relay holds vc->ctrl_lock from the moment it
 * has a whole message until librte_vhost has answered it; librte_vhost's
 * thread takes the same lock in new_connection and destroy_connection, the
 * application in vhost_crypto_destroy(). Everything in this file runs with
 * it held, and only its holder pauses and resumes the worker, so no thread
 * lifts another's pause.
 *
 * The checks stand in front of librte_vhost, not in its message hooks,
 * because some messages cannot be undone once librte_vhost acted on them:
 * a SET_VRING_NUM on a live ring changes the size its ring addresses were
 * checked for, a SET_MEM_TABLE it fails to map leaves it with no table at
 * all. So a message is refused before librte_vhost sees it whenever it
 * contradicts the state it would apply to:
 *   - ring geometry (SET_VRING_NUM, SET_VRING_BASE, SET_VRING_ADDR to other
 *     addresses) of a live ring: the driver stops a ring (GET_VRING_BASE)
 *     before it moves it; live rings change only their notifiers;
 *   - features while any ring is live, and features never offered;
 *   - ring indices past the device's queues, sizes that are not a power of
 *     two up to 32768, a packed ring's start index past its size;
 *   - memory tables that are malformed or whose files are shorter than the
 *     regions they claim (the worker would fault on the missing pages);
 *   - requests for protocol features the backend does not offer.
 * A memory table that is fine applies even under live traffic (QEMU sends
 * one on memory hotplug without stopping the rings): every request in
 * flight completes first, into the mapping it was taken from.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_vhost.h>

#include "vhost_crypto_dev.h"
#include "vhost_crypto_log.h"
#include "vhost_user_crypto_wire.h"

/* The largest ring the virtio specification allows. */
#define VC_RING_SIZE_MAX	32768

/* ------------------------------------------------------------------ */
/* Rings and memory                                                    */
/* ------------------------------------------------------------------ */

void
vc_ring_reset(struct vc_ring *r)
{
	uint64_t requests = r->requests;

	rte_free(r->slots);
	rte_free(r->free_slots);
	rte_free(r->slot_of_head);
	rte_free(r->spill_mem);
	rte_free(r->vr.inorder);
	memset(r, 0, sizeof(*r));
	r->vr.callfd = -1;
	r->requests = requests;
}

/* Per-ring bookkeeping for a ring of `size` entries. */
static int
ring_alloc(struct vc_ring *r, uint16_t size, int socket_id)
{
	uint16_t i, nb = RTE_MIN(size, (uint16_t)VC_RING_MAX_INFLIGHT);

	vc_ring_reset(r);
	r->slots = rte_zmalloc_socket("vc_chains", nb * sizeof(*r->slots),
				      RTE_CACHE_LINE_SIZE, socket_id);
	r->free_slots = rte_malloc_socket("vc_free", nb * sizeof(uint16_t), 0, socket_id);
	r->slot_of_head = rte_malloc_socket("vc_heads", size * sizeof(uint16_t), 0,
					    socket_id);
	r->spill_mem = rte_malloc_socket("vc_spills", VC_RING_SPILLS * VC_CHAIN_MAX_SEGS *
					 sizeof(*r->spill_mem), RTE_CACHE_LINE_SIZE, socket_id);
	/* Whether or not VIRTIO_F_IN_ORDER is negotiated: it is small. */
	r->vr.inorder = rte_zmalloc_socket("vc_inorder", size * sizeof(*r->vr.inorder),
					   RTE_CACHE_LINE_SIZE, socket_id);
	if (r->slots == NULL || r->free_slots == NULL || r->slot_of_head == NULL ||
	    r->spill_mem == NULL || r->vr.inorder == NULL) {
		vc_ring_reset(r);
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

/* [p, p + len) lies inside one mapped region of the table. */
static bool
host_range_mapped(const struct rte_vhost_memory *mem, const void *p, uint64_t len)
{
	uint64_t va = (uint64_t)(uintptr_t)p;
	uint32_t i;

	for (i = 0; i < mem->nregions; i++) {
		const struct rte_vhost_mem_region *r = &mem->regions[i];

		if (va >= r->host_user_addr && va - r->host_user_addr <= r->size &&
		    len <= r->size - (va - r->host_user_addr))
			return true;
	}
	return false;
}

/* The ring's three areas, at the size given, lie in guest memory. */
static bool
ring_areas_mapped(const struct rte_vhost_memory *mem, const struct rte_vhost_vring *vring,
		  bool packed)
{
	uint64_t n = vring->size;

	if (packed)
		return host_range_mapped(mem, vring->desc, n * sizeof(struct vring_packed_desc)) &&
		       host_range_mapped(mem, vring->avail,
					 sizeof(struct vring_packed_desc_event)) &&
		       host_range_mapped(mem, vring->used,
					 sizeof(struct vring_packed_desc_event));
	/* With used_event and avail_event, whether or not EVENT_IDX is on. */
	return host_range_mapped(mem, vring->desc, n * sizeof(struct vring_desc)) &&
	       host_range_mapped(mem, vring->avail, 6 + 2 * n) &&
	       host_range_mapped(mem, vring->used, 6 + n * sizeof(struct vring_used_elem));
}

int
vc_ring_attach(struct vhost_crypto *vc, uint16_t idx,
	       const struct rte_vhost_vring *vring, uint16_t last_avail,
	       uint16_t last_used)
{
	struct vc_ring *r;
	bool packed = vc->features & (1ULL << VIRTIO_F_RING_PACKED);
	bool was_live;

	if (idx > vc->nb_rings)
		return -EINVAL;
	r = &vc->rings[idx];
	was_live = r->live;
	if (vring->desc == NULL || vring->avail == NULL ||
	    vring->used == NULL || vring->size == 0 || vring->size > VC_RING_SIZE_MAX ||
	    (vring->size & (vring->size - 1)) != 0 || vc->mem == NULL) {
		r->live = false;
		return -EINVAL;
	}
	/*
	 * Aligned as the specification requires (descriptors 16, split avail
	 * 2 and used 4, packed event areas 4): the ring is read as such
	 * structs. The driver's addresses are, but a memory table may map
	 * them anywhere in host memory.
	 */
	if (((uintptr_t)vring->desc & 15) || ((uintptr_t)vring->avail & (packed ? 3 : 1)) ||
	    ((uintptr_t)vring->used & 3)) {
		r->live = false;
		vc_ctrl_refused(vc, VHOST_USER_SET_VRING_KICK, "ring areas misaligned in memory");
		return -EINVAL;
	}
	/*
	 * librte_vhost checked the areas for the size it had when it
	 * translated them; check them for the size the ring has now.
	 */
	if (!ring_areas_mapped(vc->mem, vring, packed)) {
		r->live = false;
		vc_ctrl_refused(vc, VHOST_USER_SET_VRING_KICK,
				"ring areas outside guest memory");
		return -EFAULT;
	}
	/* A ring changes geometry only stopped; if not, it starts afresh. */
	if (was_live && (r->vr.size != vring->size || r->vr.packed != packed))
		was_live = false;
	if (!was_live && packed && ((last_avail & 0x7fff) >= vring->size ||
				    (last_used & 0x7fff) >= vring->size)) {
		r->live = false;
		vc_ctrl_refused(vc, VHOST_USER_SET_VRING_BASE,
				"packed ring index past the ring size");
		return -EINVAL;
	}
	/* Nothing is in flight on a ring that is not live. */
	if (!was_live && r->alloc_size != vring->size &&
	    ring_alloc(r, vring->size, vc->conf.socket_id) != 0) {
		r->live = false;
		VC_LOG(ERR, "%s: no memory for ring %u", vc->path, idx);
		return -ENOMEM;
	}
	r->vr.packed = packed;
	r->vr.desc = vring->desc;	/* or desc_packed: the same pointers */
	r->vr.avail = vring->avail;
	r->vr.used = vring->used;
	r->vr.size = vring->size;
	r->vr.callfd = vring->callfd;
	r->vr.mem = vc->mem;
	r->vr.region_hint = 0;
	r->credit = 0;
	r->vr.event_idx = vc->features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	if (!was_live) {
		/* Packed rings carry their wrap counter in bit 15 of the base. */
		uint16_t mask = packed ? 0x7fff : 0xffff;

		r->vr.last_avail_idx = last_avail & mask;
		r->vr.used_idx = last_used & mask;
		r->vr.signalled_used = r->vr.used_idx;
		r->vr.avail_wrap = packed && (last_avail >> 15);
		r->vr.used_wrap = packed && (last_used >> 15);
		r->vr.signalled_wrap = r->vr.used_wrap;
		r->vr.broken = false;
		VC_LOG(INFO, "%s: ring %u live, size %u, base %u",
		       vc->path, idx, vring->size, last_avail);
	}
	/*
	 * The window of in-order completions starts empty, and may: a ring
	 * goes down, and a live one is refreshed, only with every completion
	 * published (drained, then flushed).
	 */
	if (!was_live || r->vr.in_order != !!(vc->features & (1ULL << VIRTIO_F_IN_ORDER))) {
		r->vr.in_order = vc->features & (1ULL << VIRTIO_F_IN_ORDER);
		r->vr.pop_seq = r->vr.pub_seq = 0;
		memset(r->vr.inorder, 0, vring->size * sizeof(*r->vr.inorder));
	}
	r->live = true;
	return 0;
}

/*
 * Take a live ring down with nothing in flight, and tell librte_vhost
 * where it stopped, so that the ring carries on from there when it comes
 * up again, and GET_VRING_BASE reports it.
 */
static void
ring_down(struct vhost_crypto *vc, uint16_t idx)
{
	struct vc_ring *r = &vc->rings[idx];

	if (!r->live)
		return;
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

/* Our copy of the memory table and every ring, read again from librte_vhost. */
static void
refresh_rings(struct vhost_crypto *vc)
{
	uint64_t features = 0;
	uint16_t i;

	free(vc->mem);
	vc->mem = NULL;
	/* librte_vhost dereferences a missing table: ask only once it exists. */
	if (vc->mem_table_set && rte_vhost_get_mem_table(vc->vid, &vc->mem) != 0)
		vc->mem = NULL;
	if (rte_vhost_get_negotiated_features(vc->vid, &features) == 0)
		vc->features = features;

	/* The data rings and, when the frontend hands it over, the control one. */
	for (i = 0; i <= vc->nb_rings; i++) {
		struct vc_ring *r = &vc->rings[i];
		struct rte_vhost_vring vring;
		uint16_t last_avail = 0, last_used = 0;
		bool was_live = r->live;

		if (vc->mem == NULL || rte_vhost_get_vhost_vring(vc->vid, i, &vring) != 0 ||
		    vring.kickfd < 0) {
			ring_down(vc, i);
			continue;
		}
		/* A ring changes geometry only stopped: if not, it starts again. */
		if (r->live && (r->vr.size != vring.size || r->vr.packed !=
				!!(vc->features & (1ULL << VIRTIO_F_RING_PACKED))))
			ring_down(vc, i);
		/* A ring coming up starts where the frontend says (SET_VRING_BASE). */
		if (!r->live)
			rte_vhost_get_vring_base(vc->vid, i, &last_avail, &last_used);
		if (vc_ring_attach(vc, i, &vring, last_avail, last_used) != 0 && was_live) {
			/*
			 * Live until now (its areas no longer check out under a
			 * new table, say): down where it is, not where it
			 * started, so that it resumes there if it comes back.
			 */
			r->live = true;
			ring_down(vc, i);
		}
	}
}

static bool
any_ring_live(const struct vhost_crypto *vc)
{
	uint16_t i;

	for (i = 0; i <= vc->nb_rings; i++)
		if (vc->rings[i].live)
			return true;
	return false;
}

void
vc_ctrl_disconnect(struct vhost_crypto *vc)
{
	uint16_t i;

	if (vc->vid < 0)
		return;
	vc_pause(vc);
	/*
	 * Ops in the crypto device still point into guest memory; it stays
	 * mapped until librte_vhost frees its device, after this.
	 */
	vc_datapath_drain(vc);
	vc->stats.sessions_destroyed += vc_session_destroy_all(&vc->sessions);
	for (i = 0; i <= vc->nb_rings; i++)
		vc_ring_reset(&vc->rings[i]);
	memset(vc->ring_ctrl, 0, sizeof(vc->ring_ctrl));
	free(vc->mem);
	vc->mem = NULL;
	vc->mem_table_set = false;
	vc->features = 0;
	__atomic_store_n(&vc->vid, -1, __ATOMIC_RELEASE);
	vc_resume(vc);
	VC_LOG(INFO, "%s: frontend disconnected", vc->path);
}

/* ------------------------------------------------------------------ */
/* Messages the control plane answers itself                           */
/* ------------------------------------------------------------------ */

static void
session_msg_create(struct vhost_crypto *vc, struct vhost_user_msg_hdr *hdr,
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
	/* The keys were in the payload: gone before anything else is read. */
	explicit_bzero(payload, hdr->size);
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
		return;
	}
	vc->stats.sessions_created++;
	vc_session_msg_set_reply(payload, layout, (int64_t)id);
}

/* 0, or -EINVAL for a payload that is not a close. */
static int
session_msg_close(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
		  const uint8_t *payload)
{
	struct vhost_user_crypto_close m;
	int rc;

	if (hdr->size != sizeof(m))
		return -EINVAL;
	memcpy(&m, payload, sizeof(m));
	/* Ops of this session may be in flight: finish them first. */
	vc_pause(vc);
	vc_datapath_drain(vc);
	rc = vc_session_destroy(&vc->sessions, m.session_id);
	vc_resume(vc);
	if (rc != 0)
		VC_LOG(INFO, "%s: close of unknown session %" PRIu64,
		       vc->path, m.session_id);
	else
		vc->stats.sessions_destroyed++;
	return 0;	/* an unknown id leaves nothing to undo */
}

/* 0 with the reply in place, or -EINVAL. */
static int
get_config(struct vhost_crypto *vc, struct vhost_user_msg_hdr *hdr, uint8_t *payload)
{
	struct vhost_user_config_payload cfg;

	if (hdr->size < offsetof(struct vhost_user_config_payload, region) ||
	    hdr->size > sizeof(cfg))
		return -EINVAL;
	memcpy(&cfg, payload, hdr->size);
	if (cfg.offset > sizeof(vc->config) || cfg.size > sizeof(vc->config) - cfg.offset ||
	    cfg.size > sizeof(cfg.region))
		return -EINVAL;
	memcpy(cfg.region, (const uint8_t *)&vc->config + cfg.offset, cfg.size);
	hdr->size = offsetof(struct vhost_user_config_payload, region) + cfg.size;
	memcpy(payload, &cfg, hdr->size);
	return 0;
}

/* An acknowledgement in place of the message: 0 for success. */
static void
set_ack(struct vhost_user_msg_hdr *hdr, uint8_t *payload, bool failed)
{
	uint64_t v = failed;

	hdr->size = sizeof(v);
	memcpy(payload, &v, sizeof(v));
}

int
vc_ctrl_answer(struct vhost_crypto *vc, struct vhost_user_msg_hdr *hdr, uint8_t *payload,
	       const char **why)
{
	switch (hdr->request) {
	case VHOST_USER_CREATE_CRYPTO_SESSION:
		/* The reply carries the id, or a negative errno. */
		session_msg_create(vc, hdr, payload);
		return 0;
	case VHOST_USER_CLOSE_CRYPTO_SESSION:
		if (session_msg_close(vc, hdr, payload) != 0) {
			*why = "session close of a wrong size";
			return -EINVAL;
		}
		set_ack(hdr, payload, false);
		return 0;
	case VHOST_USER_GET_CONFIG:
		if (get_config(vc, hdr, payload) != 0) {
			*why = "config range out of bounds";
			return -EINVAL;
		}
		return 0;
	case VHOST_USER_SET_CONFIG:
		/* The crypto config space is read-only for the driver. */
		set_ack(hdr, payload, false);
		return 0;
	default:
		*why = "not a message the backend answers";
		return -ENOTSUP;
	}
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */
/* ------------------------------------------------------------------ */

enum vc_ctrl_route
vc_ctrl_route(uint32_t request)
{
	switch (request) {
	case VHOST_USER_CREATE_CRYPTO_SESSION:
	case VHOST_USER_CLOSE_CRYPTO_SESSION:
	case VHOST_USER_GET_CONFIG:
	case VHOST_USER_SET_CONFIG:
		return VC_CTRL_LOCAL;
	default:
		return VC_CTRL_FORWARD;
	}
}

bool
vc_ctrl_has_reply(uint32_t request)
{
	switch (request) {
	case VHOST_USER_CREATE_CRYPTO_SESSION:
	case VHOST_USER_GET_CONFIG:
	case VHOST_USER_GET_FEATURES:
	case VHOST_USER_GET_PROTOCOL_FEATURES:
	case VHOST_USER_GET_QUEUE_NUM:
	case VHOST_USER_GET_VRING_BASE:
		return true;
	default:
		return false;
	}
}

/* Messages that change what the worker reads: rings, memory, features. */
static bool
changes_rings(uint32_t request)
{
	switch (request) {
	case VHOST_USER_SET_FEATURES:
	case VHOST_USER_RESET_OWNER:
	case VHOST_USER_SET_MEM_TABLE:
	case VHOST_USER_SET_VRING_NUM:
	case VHOST_USER_SET_VRING_ADDR:
	case VHOST_USER_SET_VRING_BASE:
	case VHOST_USER_GET_VRING_BASE:
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
	case VHOST_USER_SET_VRING_ENABLE:
		return true;
	default:
		return false;
	}
}

static int
check_ring_index(const struct vhost_crypto *vc, uint32_t index, const char **why)
{
	if (index > vc->nb_rings) {
		*why = "ring index past the device's queues";
		return -ERANGE;
	}
	return 0;
}

static int
check_mem_table(const uint8_t *payload, uint32_t size, const int *fds,
		unsigned int nb_fds, const char **why)
{
	struct vhost_user_memory m;
	uint32_t i, j;

	memset(&m, 0, sizeof(m));
	if (size < offsetof(struct vhost_user_memory, regions) || size > sizeof(m)) {
		*why = "memory table of a wrong size";
		return -EINVAL;
	}
	memcpy(&m, payload, size);
	if (m.nregions == 0 || m.nregions > VHOST_USER_MEMORY_MAX_NREGIONS ||
	    size < offsetof(struct vhost_user_memory, regions) +
		   m.nregions * sizeof(m.regions[0])) {
		*why = "memory table with a wrong number of regions";
		return -EINVAL;
	}
	if (nb_fds != m.nregions) {
		*why = "memory table without one file per region";
		return -EINVAL;
	}
	for (i = 0; i < m.nregions; i++) {
		const struct vhost_user_mem_region *r = &m.regions[i];
		struct stat st;

		if (r->memory_size == 0 ||
		    r->guest_phys_addr + r->memory_size < r->guest_phys_addr ||
		    r->userspace_addr + r->memory_size < r->userspace_addr ||
		    r->mmap_offset + r->memory_size < r->mmap_offset) {
			*why = "memory region empty or wrapping around";
			return -EINVAL;
		}
		/*
		 * A mapping past the end of its file maps, and faults when
		 * the worker reads it: the file must hold the whole region.
		 */
		if (fstat(fds[i], &st) != 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_size < r->mmap_offset + r->memory_size) {
			*why = "memory region larger than its file";
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			const struct vhost_user_mem_region *o = &m.regions[j];

			if (r->guest_phys_addr < o->guest_phys_addr + o->memory_size &&
			    o->guest_phys_addr < r->guest_phys_addr + r->memory_size) {
				*why = "memory regions overlap";
				return -EINVAL;
			}
		}
	}
	return 0;
}

int
vc_ctrl_check(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
	      const uint8_t *payload, const int *fds, unsigned int nb_fds,
	      const char **why)
{
	struct vhost_user_vring_state st;
	struct vhost_user_vring_addr addr;
	uint64_t u64 = 0;
	uint32_t fds_wanted = 0;
	int rc;

	if (hdr->size >= sizeof(u64))
		memcpy(&u64, payload, sizeof(u64));
	memcpy(&st, &u64, sizeof(st));

	switch (hdr->request) {
	case VHOST_USER_GET_FEATURES:
	case VHOST_USER_GET_PROTOCOL_FEATURES:
	case VHOST_USER_GET_QUEUE_NUM:
	case VHOST_USER_SET_OWNER:
		break;
	case VHOST_USER_RESET_OWNER:
		/* Stops every ring: the same as GET_VRING_BASE for each. */
		break;
	case VHOST_USER_SET_FEATURES:
		if (hdr->size != sizeof(u64)) {
			*why = "features of a wrong size";
			return -EINVAL;
		}
		if (u64 & ~vc->offered_features) {
			*why = "features the backend did not offer";
			return -ENOTSUP;
		}
		if (u64 != vc->features && any_ring_live(vc)) {
			*why = "features changed while a ring is live";
			return -EBUSY;
		}
		break;
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		if (hdr->size != sizeof(u64)) {
			*why = "protocol features of a wrong size";
			return -EINVAL;
		}
		if (u64 & ~vc->offered_protocol_features) {
			*why = "protocol features the backend did not offer";
			return -ENOTSUP;
		}
		break;
	case VHOST_USER_SET_MEM_TABLE:
		rc = check_mem_table(payload, hdr->size, fds, nb_fds, why);
		if (rc != 0)
			return rc;
		fds_wanted = nb_fds;
		break;
	case VHOST_USER_SET_VRING_NUM:
	case VHOST_USER_SET_VRING_BASE:
	case VHOST_USER_GET_VRING_BASE:
	case VHOST_USER_SET_VRING_ENABLE:
		if (hdr->size != sizeof(st)) {
			*why = "ring state of a wrong size";
			return -EINVAL;
		}
		rc = check_ring_index(vc, st.index, why);
		if (rc != 0)
			return rc;
		if (hdr->request == VHOST_USER_SET_VRING_NUM &&
		    (st.num == 0 || st.num > VC_RING_SIZE_MAX || (st.num & (st.num - 1)))) {
			*why = "ring size not a power of two up to 32768";
			return -EINVAL;
		}
		if (hdr->request == VHOST_USER_SET_VRING_BASE &&
		    (vc->features & (1ULL << VIRTIO_F_RING_PACKED)) &&
		    vc->ring_ctrl[st.index].num != 0 &&
		    (st.num & 0x7fff) >= vc->ring_ctrl[st.index].num) {
			*why = "packed ring index past the ring size";
			return -EINVAL;
		}
		if ((hdr->request == VHOST_USER_SET_VRING_NUM ||
		     hdr->request == VHOST_USER_SET_VRING_BASE) && vc->rings[st.index].live) {
			*why = "ring geometry changed while the ring is live";
			return -EBUSY;
		}
		break;
	case VHOST_USER_SET_VRING_ADDR:
		if (hdr->size != sizeof(addr)) {
			*why = "ring addresses of a wrong size";
			return -EINVAL;
		}
		memcpy(&addr, payload, sizeof(addr));
		rc = check_ring_index(vc, addr.index, why);
		if (rc != 0)
			return rc;
		/* A live ring may only change its flags (logging). */
		if (vc->rings[addr.index].live &&
		    (!vc->ring_ctrl[addr.index].addr_set ||
		     addr.desc != vc->ring_ctrl[addr.index].addr.desc ||
		     addr.used != vc->ring_ctrl[addr.index].addr.used ||
		     addr.avail != vc->ring_ctrl[addr.index].addr.avail)) {
			*why = "ring moved while the ring is live";
			return -EBUSY;
		}
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		if (hdr->size != sizeof(u64) ||
		    (u64 & ~(uint64_t)(VHOST_USER_VRING_IDX_MASK | VHOST_USER_VRING_NOFD_MASK))) {
			*why = "ring file message of a wrong form";
			return -EINVAL;
		}
		rc = check_ring_index(vc, u64 & VHOST_USER_VRING_IDX_MASK, why);
		if (rc != 0)
			return rc;
		fds_wanted = (u64 & VHOST_USER_VRING_NOFD_MASK) ? 0 : 1;
		break;
	default:
		*why = "a request the backend does not offer";
		return -ENOTSUP;
	}
	if (nb_fds != fds_wanted) {
		*why = "wrong number of files with the message";
		return -EINVAL;
	}
	return 0;
}

static const char *
request_name(uint32_t request)
{
	static const char *const names[] = {
		[VHOST_USER_GET_FEATURES] = "GET_FEATURES",
		[VHOST_USER_SET_FEATURES] = "SET_FEATURES",
		[VHOST_USER_SET_OWNER] = "SET_OWNER",
		[VHOST_USER_RESET_OWNER] = "RESET_OWNER",
		[VHOST_USER_SET_MEM_TABLE] = "SET_MEM_TABLE",
		[VHOST_USER_SET_VRING_NUM] = "SET_VRING_NUM",
		[VHOST_USER_SET_VRING_ADDR] = "SET_VRING_ADDR",
		[VHOST_USER_SET_VRING_BASE] = "SET_VRING_BASE",
		[VHOST_USER_GET_VRING_BASE] = "GET_VRING_BASE",
		[VHOST_USER_SET_VRING_KICK] = "SET_VRING_KICK",
		[VHOST_USER_SET_VRING_CALL] = "SET_VRING_CALL",
		[VHOST_USER_SET_VRING_ERR] = "SET_VRING_ERR",
		[VHOST_USER_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
		[VHOST_USER_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
		[VHOST_USER_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
		[VHOST_USER_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
		[VHOST_USER_GET_CONFIG] = "GET_CONFIG",
		[VHOST_USER_SET_CONFIG] = "SET_CONFIG",
		[VHOST_USER_CREATE_CRYPTO_SESSION] = "CREATE_CRYPTO_SESSION",
		[VHOST_USER_CLOSE_CRYPTO_SESSION] = "CLOSE_CRYPTO_SESSION",
	};

	return request < RTE_DIM(names) && names[request] ? names[request] : "request";
}

void
vc_ctrl_refused(struct vhost_crypto *vc, uint32_t request, const char *why)
{
	vc->stats.control_refused++;
	VC_LOG(WARNING, "%s: %s (%u) refused: %s", vc->path, request_name(request),
	       request, why);
}

/* ------------------------------------------------------------------ */
/* Applying a message                                                  */
/* ------------------------------------------------------------------ */

void
vc_ctrl_before(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
	       const uint8_t *payload)
{
	struct vhost_user_vring_state st;
	uint16_t i;

	if (!changes_rings(hdr->request))
		return;
	vc_pause(vc);
	/*
	 * Nothing the worker took under the old state is still in flight
	 * when a message applies that may unmap memory or take a ring down
	 * (its slots are freed when it comes back at another size). A new
	 * call or error notifier, or an enable, takes nothing down: pausing
	 * is enough (QEMU sends calls on every guest interrupt mask change).
	 */
	if (hdr->request != VHOST_USER_SET_VRING_CALL &&
	    hdr->request != VHOST_USER_SET_VRING_ERR &&
	    hdr->request != VHOST_USER_SET_VRING_ENABLE)
		vc_datapath_drain(vc);
	switch (hdr->request) {
	case VHOST_USER_GET_VRING_BASE:
		memcpy(&st, payload, sizeof(st));
		ring_down(vc, st.index);
		break;
	case VHOST_USER_RESET_OWNER:
		for (i = 0; i <= vc->nb_rings; i++)
			ring_down(vc, i);
		break;
	default:
		break;
	}
}

void
vc_ctrl_after(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
	      const uint8_t *payload, bool ok)
{
	struct vhost_user_vring_state st;
	struct vhost_user_vring_addr addr;

	if (!changes_rings(hdr->request))
		return;
	switch (hdr->request) {
	case VHOST_USER_SET_MEM_TABLE:
		/* A table librte_vhost failed to map leaves it with none. */
		vc->mem_table_set = ok;
		break;
	case VHOST_USER_RESET_OWNER:
		vc->mem_table_set = false;
		memset(vc->ring_ctrl, 0, sizeof(vc->ring_ctrl));
		break;
	case VHOST_USER_SET_VRING_NUM:
		memcpy(&st, payload, sizeof(st));
		if (ok)
			vc->ring_ctrl[st.index].num = st.num;
		break;
	case VHOST_USER_SET_VRING_ADDR:
		memcpy(&addr, payload, sizeof(addr));
		if (ok) {
			vc->ring_ctrl[addr.index].addr = addr;
			vc->ring_ctrl[addr.index].addr_set = true;
		}
		break;
	default:
		break;
	}
	refresh_rings(vc);
	vc_resume(vc);
}
