/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_DEV_H
#define VHOST_CRYPTO_DEV_H

/*
 * One backend instance: a vhost-user socket, the frontend connected to it,
 * its rings, sessions and crypto resources. Internal to the library.
 *
 * Threads: one worker runs vhost_crypto_poll(); the control plane
 * (vhost_crypto_control.c) runs on whichever thread holds ctrl_lock: the
 * relay thread for every frontend message, librte_vhost's thread in its
 * connection callbacks, the application's in vhost_crypto_destroy(). The
 * worker and the control plane meet only through the session table
 * (publish/lookup with release/acquire) and the pause handshake below,
 * which the control plane uses before anything the data path reads
 * changes.
 */

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_cryptodev.h>
#include <rte_mempool.h>

#include "vc_dpdk_compat.h"
#include "vhost_crypto.h"
#include "vhost_crypto_rsa.h"
#include "vhost_crypto_session.h"
#include "vhost_crypto_vring.h"
#include "vhost_user_crypto_wire.h"

#define VC_MAX_DATAQUEUES	16
#define VC_BURST_MAX		64

/* Chains one ring may have in flight; more wait in the avail ring. */
#define VC_RING_MAX_INFLIGHT	128
#define VC_NO_SLOT		UINT16_MAX
/* Chains longer than VC_CHAIN_INLINE_SEGS one ring may have in flight. */
#define VC_RING_SPILLS		8

/*
 * Fairness between the rings of one worker, in bytes of request (readable
 * and writable together), deficit round robin: each poll a ring's credit
 * grows by VC_POLL_QUANTUM (never past it); a ring with credit takes up to
 * a burst, and each request's bytes past VC_POLL_FREE come off the credit,
 * past zero if need be, the ring taking no more once it is spent but for
 * the first VC_POLL_BATCH requests. So rings of requests up to a few KiB
 * keep whole bursts (a ring of 1 KiB requests cut to 15 a poll lost 16 %:
 * its burst's cross-core misses overlap less), and a ring of 64 KiB ones
 * takes 16 at once, then nothing for about a hundred polls: small requests
 * on the other rings are not held behind it, and crypto_aesni_mb still
 * gets jobs enough to fill its multi-buffer lanes (one large request every
 * few polls made AES-CBC + HMAC at 32-64 KiB 5 to 16 times slower: a lone
 * job waits in its lane until the lanes are flushed).
 */
#define VC_POLL_QUANTUM		(16 * 1024)
#define VC_POLL_FREE		(4 * 1024)
#define VC_POLL_BATCH		16

/** A data queue, the device side. */
struct vc_ring {
	struct vc_vring vr;
	bool live;			/**< address, size and kick fd known */
	struct vc_chain *slots;		/**< [nb_slots] chains in flight */
	uint16_t *free_slots;		/**< stack of free slot numbers */
	uint16_t *slot_of_head;		/**< [alloc_size]: slot, or VC_NO_SLOT */
	uint16_t nb_slots;
	uint16_t nb_free;
	uint16_t alloc_size;		/**< ring size the arrays are for */
	/* Segment arrays for long chains: a stack of those not lent. */
	struct vc_seg *spill_mem;	/**< [VC_RING_SPILLS][VC_CHAIN_MAX_SEGS] */
	struct vc_seg *spills[VC_RING_SPILLS];
	uint16_t nb_spills;
	uint64_t requests;		/**< chains taken from this ring, ever */
	int64_t credit;			/**< bytes it may still take (VC_POLL_QUANTUM) */
};

/** A crypto device queue pair an instance owns. */
struct vc_cdev {
	uint8_t id;
	uint16_t qp;
	uint32_t inflight;		/**< ops inside the device */
	/* Ops the device did not take yet, offered again first, in order. */
	uint16_t nb_backlog;
	struct rte_crypto_op *backlog[VC_BURST_MAX];
};

/*
 * AEAD AAD in copy mode. The PMDs read it from one buffer; DPDK's CCM wants
 * it 18 bytes in, and the area rounded up to 16 bytes. An area of up to
 * VC_AEAD_LEAD_MAX bytes (1024 bytes of AAD after CCM's 18, all a session
 * could have before) leads the op's first mbuf segment; a longer one, up to
 * the 64 KiB the algorithm table allows, takes a buffer from the instance's
 * AAD pool, so the text keeps the segment. The pool is small: a request
 * that finds it empty waits in its ring, like one short of mbufs.
 */
#define VC_CCM_AAD_OFFSET	18
#define VC_AEAD_LEAD_MAX	RTE_ALIGN_CEIL(VC_CCM_AAD_OFFSET + 1024, 16)
#define VC_AAD_BUF_SIZE		RTE_ALIGN_CEIL(VC_CCM_AAD_OFFSET + UINT16_MAX, 16)
#define VC_AAD_POOL_SIZE	8

/** Per-op private area, after the sym op: the IV, then our context. */
struct vc_op_priv {
	uint8_t iv[16];
	uint16_t ring;		/**< index into vhost_crypto.rings */
	uint16_t slot;		/**< chain slot in that ring */
	uint8_t dev;		/**< VC_DEV_MAIN or VC_DEV_FALLBACK */
	uint32_t data_off;	/**< where the output starts in m_src */
	uint32_t dst_len;	/**< bytes of output before the digest */
	uint16_t digest_len;	/**< hash result bytes, after dst */
	uint8_t *digest;	/**< where the PMD writes the hash result */
	bool zero_copy;		/**< the mbufs are the guest's buffers */
	bool own_session;	/**< a stateless request's: freed with the op */
	void *aad_buf;		/**< from the AAD pool, or NULL: freed with the op */
	/*
	 * Zero-copy: the two mbufs (source, destination) that describe guest
	 * buffers, cache-line aligned inside this room (guest_mbuf()). They
	 * are the op's own, set up per request and never freed: no pool, no
	 * external-buffer bookkeeping for memory nobody frees.
	 */
	uint8_t guest_mbuf_room[2 * sizeof(struct rte_mbuf) + RTE_CACHE_LINE_SIZE];
	/* Last, so symmetric ops never touch its cache lines. */
	struct vc_rsa_scratch rsa;	/**< AKCIPHER ops: input and output */
};

/* An op's zero-copy mbuf `which` (0: source, 1: destination). */
static inline struct rte_mbuf *
vc_op_guest_mbuf(struct rte_crypto_op *op, unsigned int which)
{
	struct vc_op_priv *priv = (struct vc_op_priv *)((uint8_t *)op + VC_OP_IV_OFFSET);

	return (struct rte_mbuf *)RTE_PTR_ALIGN_CEIL(&priv->guest_mbuf_room[0],
						    RTE_CACHE_LINE_SIZE) + which;
}

/* The session relay in front of librte_vhost (vhost_crypto_relay.c). */
struct vc_relay {
	bool running;
	bool stop;
	/*
	 * Set by the relay while it connects to librte_vhost's socket and
	 * waits for new_connection: a connection librte_vhost reports at any
	 * other time did not come through the relay and is refused.
	 */
	bool connecting;
	int listen_fd;
	/*
	 * Live upgrade: `park` asks the relay to stop between two messages,
	 * `parked` says it has (it reads nothing until park clears);
	 * front_fd is the frontend connection it serves, or -1.
	 */
	bool park;
	bool parked;
	int front_fd;
	/* Inherited from the daemon before an upgrade: adopted, replayed, freed. */
	struct vc_adopt *adopt;
	vc_ctrl_thread_t thread;
};

/*
 * A live upgrade (vhost_crypto_upgrade.c): the latest message of each kind
 * the frontend sent that a new librte_vhost must see again to reach the
 * same state, with its files (the relay's own copies: librte_vhost got
 * others). Kept by the relay as librte_vhost accepts each one.
 */
struct vc_rec_msg {
	bool set;
	struct vhost_user_msg_hdr hdr;
	uint8_t payload[sizeof(struct vhost_user_memory)] __rte_aligned(8);
	int fds[VHOST_USER_MEMORY_MAX_NREGIONS];
	uint32_t nb_fds;
};

/* Replayed in this order: the device first, then ring by ring. */
enum { VC_REC_OWNER, VC_REC_PROTOCOL_FEATURES, VC_REC_FEATURES, VC_REC_MEM_TABLE,
       VC_REC_NB_DEV };
enum { VC_REC_NUM, VC_REC_BASE, VC_REC_ADDR, VC_REC_KICK, VC_REC_CALL, VC_REC_ERR,
       VC_REC_ENABLE, VC_REC_NB_RING };

struct vc_record {
	struct vc_rec_msg dev[VC_REC_NB_DEV];
	struct vc_rec_msg ring[VC_MAX_DATAQUEUES + 1][VC_REC_NB_RING];
};

/*
 * What the control plane was told about a ring, by messages librte_vhost
 * accepted; the checks of later messages compare against it.
 */
struct vc_ring_ctrl {
	uint32_t num;			/**< SET_VRING_NUM, or 0 */
	bool addr_set;
	struct vhost_user_vring_addr addr;	/**< SET_VRING_ADDR */
};

struct vhost_crypto {
	char path[PATH_MAX];		/**< the socket frontends connect to */
	/** path + ".lib": a directory only this process's user may enter */
	char lib_dir[PATH_MAX + 8];
	char lib_path[PATH_MAX + 16];	/**< librte_vhost's socket, in lib_dir */
	char bind_path[PATH_MAX + 16];	/**< the public socket until it is ready */
	struct vc_relay relay;
	struct vhost_crypto_conf conf;
	int vid;			/**< connected frontend, or -1 */
	bool started;

	struct virtio_crypto_config config;
	struct vc_session_table sessions;
	struct rte_mempool *op_pool;
	struct rte_mempool *mbuf_pool;
	struct rte_mempool *aad_pool;	/**< AADs too long for an mbuf */

	/*
	 * The control plane's state. Owner: the holder of ctrl_lock
	 * (vhost_crypto_control.c); the worker reads rings[] and mem only
	 * while not paused, and the control plane changes them only while
	 * it is.
	 */
	pthread_mutex_t ctrl_lock;
	struct rte_vhost_memory *mem;	/**< our copy, freed on refresh */
	bool mem_table_set;		/**< librte_vhost holds a table */
	uint64_t features;		/**< negotiated, as far as we are told */
	uint64_t offered_features;	/**< what GET_FEATURES may answer */
	uint64_t offered_protocol_features;
	struct vc_ring_ctrl ring_ctrl[VC_MAX_DATAQUEUES + 1];
	struct vc_record rec;		/**< for a live upgrade; the relay's */
	bool suspended;			/**< by a live upgrade, holding ctrl_lock */
	/* Data rings 0 .. nb_rings - 1, then the control ring (full-device mode). */
	struct vc_ring rings[VC_MAX_DATAQUEUES + 1];
	uint16_t nb_rings;

	/* The crypto devices: the main one, and the fallback if any. */
	struct vc_cdev cdevs[VC_NB_DEVS];
	uint8_t nb_cdevs;
	uint32_t quirks;		/**< VC_QUIRK_* of the main device */
	bool zero_copy;			/**< VHOST_CRYPTO_F_ZERO_COPY, and allowed */

	/*
	 * Pause handshake. The control thread sets `paused` then waits for
	 * `polling` to clear; the worker sets `polling` then checks `paused`.
	 * Both sides use sequentially consistent accesses, so either the
	 * worker sees the pause or the control thread sees it polling.
	 */
	bool paused;
	bool polling;

	struct vhost_crypto_stats stats;
};

/*
 * Instance setup without the vhost-user socket (vhost_crypto.c); the unit
 * tests drive the data path through these on rings they build themselves.
 */
int vc_instance_init(struct vhost_crypto *vc, const struct vhost_crypto_conf *conf);
void vc_instance_fini(struct vhost_crypto *vc);
/* Make ring idx live on these addresses (vc->mem must be set). */
int vc_ring_attach(struct vhost_crypto *vc, uint16_t idx,
		   const struct rte_vhost_vring *vring, uint16_t last_avail,
		   uint16_t last_used);

/* Data path (vhost_crypto_datapath.c). */
unsigned int vc_datapath_poll(struct vhost_crypto *vc, unsigned int burst);
/* Complete every op inside the cryptodev; caller holds the data path paused. */
void vc_datapath_drain(struct vhost_crypto *vc);

/* The instance registry (vhost_crypto.c), for telemetry. */
struct vhost_crypto *vc_registry_find(const char *path);
void vc_registry_foreach(void (*fn)(struct vhost_crypto *vc, void *arg), void *arg);
/*
 * The instances now, up to max, for work that must not hold the registry
 * lock (librte_vhost's callbacks take it): only the application creates
 * and destroys instances, so they stay while it uses the list.
 */
#define VC_MAX_INSTANCES	64
unsigned int vc_registry_list(struct vhost_crypto **list, unsigned int max);
void vc_telemetry_add_path(struct vhost_crypto *vc, void *arg);

/*
 * The control plane (vhost_crypto_control.c). Every function here is
 * called with vc->ctrl_lock held.
 */

/* How the relay treats a frontend message. */
enum vc_ctrl_route {
	VC_CTRL_LOCAL,		/**< answered by vc_ctrl_answer(), not librte_vhost */
	VC_CTRL_FORWARD,	/**< checked, then handed to librte_vhost */
};

enum vc_ctrl_route vc_ctrl_route(uint32_t request);
/* Requests answered with a reply of their own, not an acknowledgement. */
bool vc_ctrl_has_reply(uint32_t request);
/*
 * Check a message against the state it would change: 0, or -errno with
 * *why saying what is wrong (the caller refuses the message).
 */
int vc_ctrl_check(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
		  const uint8_t *payload, const int *fds, unsigned int nb_fds,
		  const char **why);
/* Count and log a refused message. */
void vc_ctrl_refused(struct vhost_crypto *vc, uint32_t request, const char *why);
/*
 * Before a checked message goes to librte_vhost: quiesce the worker and
 * complete what is in flight when the message changes rings or memory.
 */
void vc_ctrl_before(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
		    const uint8_t *payload);
/* After librte_vhost answered it (ok: it applied the message). */
void vc_ctrl_after(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
		   const uint8_t *payload, bool ok);
/*
 * A message the control plane answers itself (VC_CTRL_LOCAL): 0 with the
 * reply (or the acknowledgement) in place of the message, or -errno with
 * *why set (the caller refuses the message).
 */
int vc_ctrl_answer(struct vhost_crypto *vc, struct vhost_user_msg_hdr *hdr,
		   uint8_t *payload, const char **why);
/* The frontend is gone: complete what is in flight, free its sessions. */
void vc_ctrl_disconnect(struct vhost_crypto *vc);
/* Forget a ring's setup; its counter lives as long as the instance. */
void vc_ring_reset(struct vc_ring *r);

/* The session relay (vhost_crypto_relay.c). */
/* Remove path if it is a socket: never a file, directory or link. */
void vc_unlink_socket(const char *path);
int vc_relay_start(struct vhost_crypto *vc);
void vc_relay_stop(struct vhost_crypto *vc);

/* Live upgrade (vhost_crypto_upgrade.c). */
/* Note a message librte_vhost accepted; takes the files (kept or closed). */
void vc_rec_note(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
		 const uint8_t *payload, int *fds, unsigned int nb_fds);
/* Forget every noted message (the frontend left), closing their files. */
void vc_rec_clear(struct vhost_crypto *vc);
/* Inherited state for vc's path, taken out of what the daemon loaded; NULL if none. */
struct vc_adopt *vc_adopt_take(const char *path);
/*
 * The relay's first steps on an adopted connection, once librte_vhost is
 * reached: the sessions again with their ids (ctrl_lock held), then each
 * noted message in turn, its files handed to the caller (false: no more).
 */
void vc_adopt_sessions(struct vhost_crypto *vc, struct vc_adopt *a);
bool vc_adopt_next_msg(struct vc_adopt *a, struct vhost_user_msg_hdr *hdr,
		       uint8_t *payload, size_t room, int *fds, unsigned int *nb_fds);
/* The inherited frontend connection (-1 if none), now the caller's. */
int vc_adopt_take_front(struct vc_adopt *a);
int vc_adopt_listen_fd(const struct vc_adopt *a);
bool vc_adopt_client(const struct vc_adopt *a);
/* Wipe and free; closes the files not handed over. */
void vc_adopt_free(struct vc_adopt *a);

/* Pause handshake (vhost_crypto.c); only the holder of ctrl_lock pauses. */
void vc_pause(struct vhost_crypto *vc);
void vc_resume(struct vhost_crypto *vc);

#endif /* VHOST_CRYPTO_DEV_H */
