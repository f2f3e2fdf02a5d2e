/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_CRYPTO_H
#define VHOST_CRYPTO_H

/**
 * @file
 * vhost_crypto: a vhost-user virtio-crypto backend on DPDK cryptodevs.
 *
 * The library serves virtio-crypto frontends (QEMU's cryptodev-vhost-user,
 * the crypto_virtio_user PMD, QEMU's generic vhost-user device) over
 * vhost-user sockets, turning their requests into rte_crypto operations on
 * any DPDK crypto PMD. Its names all start with vhost_crypto_ (librte_vhost
 * already exports rte_vhost_crypto_*, a different backend).
 *
 * Functions return 0 or a negative errno unless they say otherwise.
 *
 * Installed as <includedir>/vhost_crypto/vhost_crypto.h next to the wire
 * format header it includes; `pkg-config --cflags libvhost_crypto` adds
 * that directory, so users write #include <vhost_crypto.h>.
 */

#include <stdint.h>

#include <virtio_crypto_wire.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Build the virtio-crypto configuration space a frontend should see for
 * the given crypto devices: the union of their capabilities, as services
 * and algorithm masks, with key limits and status HW_READY.
 *
 * Key limits are the largest key any device takes for a cipher or AEAD
 * (max_cipher_key_len) and for a MAC (max_auth_key_len), capped at what a
 * vhost-user session message can carry (64 and 512 bytes).
 *
 * @param cdev_ids
 *   Crypto device ids; symmetric and asymmetric devices may be mixed.
 * @param nb_cdevs
 *   Number of ids, at least 1.
 * @param max_dataqueues
 *   Data queues the frontend may use (at least 1).
 * @param max_size
 *   Largest request, in bytes, the backend accepts.
 * @param[out] cfg
 *   The configuration, little-endian as the frontend reads it.
 * @return
 *   0, or -EINVAL for a bad argument or an unknown device id.
 */
int
vhost_crypto_config_build(const uint8_t *cdev_ids, unsigned int nb_cdevs,
			  uint32_t max_dataqueues, uint64_t max_size,
			  struct virtio_crypto_config *cfg);

/**
 * Connect to the socket (the frontend listens) instead of listening: every
 * second until a frontend is there, and again each time it goes away.
 * librte_vhost's private socket is made either way (see socket_path).
 */
#define VHOST_CRYPTO_F_CLIENT		(1u << 0)
/** Never signal the frontend: it polls the used ring (a PMD does). */
#define VHOST_CRYPTO_F_NO_NOTIFY	(1u << 1)
/**
 * fallback_cdev_id is set: a software crypto device that takes the
 * requests the main device is known to get wrong.
 */
#define VHOST_CRYPTO_F_FALLBACK		(1u << 2)
/**
 * Zero-copy: let the crypto device work on the guest's own buffers, with no
 * copy either way, where a request allows it: each buffer it names is one
 * contiguous host range under 64 KiB. Then a plain cipher runs out of place
 * from the guest's source to its destination; a HASH or MAC reads the
 * message in place and writes the result where the guest asked; an AEAD
 * other than CCM reads text, AAD and tag in place and writes text and tag;
 * a cipher and hash chain runs in place in the guest's destination (the
 * source moved there first unless both are the same buffer), its digest
 * written where the guest asked. CCM and any request that does not fit
 * are copied through the instance's mbufs, as without the flag; RSA
 * operands are always copied (into the op's own area). Only for devices
 * that address memory by virtual address (software PMDs): if the main or
 * the fallback device is hardware, the instance copies everything and
 * logs why. The guest can change its source while
 * the device reads it; that only spoils its own result.
 *
 * Off unless set (the library copies by default); the vhost-crypto daemon
 * sets it unless given --copy.
 */
#define VHOST_CRYPTO_F_ZERO_COPY	(1u << 3)
/**
 * Offer the split ring only. The packed ring is offered by default; a
 * frontend that passes the backend's features through to its guest (QEMU's
 * generic vhost-user device) gives the guest no other way to pick the
 * split ring, which some guest drivers handle better or only.
 */
#define VHOST_CRYPTO_F_SPLIT_RING	(1u << 4)
/** socket_uid is set: the socket's owner (server mode). */
#define VHOST_CRYPTO_F_SOCKET_OWNER	(1u << 5)
/** socket_gid is set: the socket's group (server mode). */
#define VHOST_CRYPTO_F_SOCKET_GROUP	(1u << 6)

/** Layout of QEMU's create-session payload, when it cannot be told. */
enum vhost_crypto_session_layout {
	VHOST_CRYPTO_SESSION_LAYOUT_AUTO = 0,	/**< by size, then content */
	VHOST_CRYPTO_SESSION_LAYOUT_QEMU_7_0,
	VHOST_CRYPTO_SESSION_LAYOUT_QEMU_7_1,
	VHOST_CRYPTO_SESSION_LAYOUT_QEMU_8_1,
};

/** What one backend instance serves, and with what. */
struct vhost_crypto_conf {
	/**
	 * The vhost-user socket. Next to it the instance keeps a directory
	 * "<socket_path>.lib", mode 0700, for librte_vhost's own socket
	 * behind the session relay: no sun_path may exceed 107 bytes, so
	 * socket_path has 98 at most.
	 */
	const char *socket_path;
	uint32_t flags;			/**< VHOST_CRYPTO_F_* */
	uint8_t cdev_id;		/**< crypto device for symmetric requests */
	uint16_t cdev_qp;		/**< its queue pair this instance owns */
	uint8_t fallback_cdev_id;	/**< with VHOST_CRYPTO_F_FALLBACK */
	uint16_t fallback_qp;		/**< its queue pair this instance owns */
	uint32_t max_sessions;		/**< 0: 1024 */
	uint32_t max_dataqueues;	/**< 0: 1 */
	uint32_t max_size;		/**< largest request in bytes; 0: 1 MiB */
	uint32_t nb_ops;		/**< ops in flight at most; 0: 1024 */
	enum vhost_crypto_session_layout session_layout;
	int socket_id;			/**< NUMA node for memory */
	/**
	 * Server mode: the socket's permissions (0: 0600), and its owner and
	 * group with VHOST_CRYPTO_F_SOCKET_OWNER and _GROUP (else the
	 * process's). They are in place before the socket is: it is bound
	 * in the private directory, given them, and renamed to socket_path.
	 */
	uint32_t socket_mode;
	uint32_t socket_uid;
	uint32_t socket_gid;
};

/** Counters of one instance; read with vhost_crypto_stats_get(). */
struct vhost_crypto_stats {
	uint64_t requests;		/**< chains taken from the rings */
	uint64_t completed_ok;		/**< completed with VIRTIO_CRYPTO_OK */
	uint64_t completed_err;		/**< completed with any other status */
	uint64_t bad_requests;		/**< malformed chains or headers */
	uint64_t enqueue_retries;	/**< polls the cryptodev took less */
	uint64_t fallback_ops;		/**< routed around a known PMD defect */
	uint64_t zero_copy_ops;		/**< served without copying data */
	uint64_t stateless_ops;		/**< requests with their session inline */
	uint64_t sessions_created;
	uint64_t sessions_destroyed;	/**< by the frontend or its going away */
	uint64_t session_errors;
	uint64_t connections;
	/** Frontend messages refused: they contradicted the device's state. */
	uint64_t control_refused;
	/* Gauges, read when the counters are: zero when idle means no leak. */
	uint32_t sessions_live;		/**< sessions in the table */
	uint32_t ops_in_use;		/**< crypto ops out of the pool */
	uint32_t mbufs_in_use;		/**< mbufs out of the pool */
	uint32_t aad_bufs_in_use;	/**< long-AAD buffers out of their pool */
};

/** An instance. */
struct vhost_crypto;

/**
 * Create an instance: allocate its sessions and pools and register its
 * socket with librte_vhost (not yet accepting; see vhost_crypto_start()).
 * The crypto device must be configured, its queue pair set up and started.
 *
 * @return the instance, or NULL with rte_errno set (EINVAL, ENOMEM, EEXIST).
 */
struct vhost_crypto *vhost_crypto_create(const struct vhost_crypto_conf *conf);

/** Start listening (or connecting, with VHOST_CRYPTO_F_CLIENT). */
int vhost_crypto_start(struct vhost_crypto *vc);

/**
 * Serve the instance's rings once: take up to `burst` requests per ring,
 * hand them to the crypto device, complete what it finished. Call it in a
 * loop from one worker lcore; it never blocks.
 *
 * @return requests completed by this call.
 */
unsigned int vhost_crypto_poll(struct vhost_crypto *vc, unsigned int burst);

/** Copy the instance's counters. */
int vhost_crypto_stats_get(const struct vhost_crypto *vc,
			   struct vhost_crypto_stats *stats);

/**
 * Stop serving, complete what is in flight, unregister the socket and free
 * everything. The worker must have stopped calling vhost_crypto_poll().
 */
void vhost_crypto_destroy(struct vhost_crypto *vc);

/*
 * Live upgrade: a daemon hands its frontends' connections and their state
 * to a new build of itself, which it execs; the frontends notice a pause.
 * Old daemon: vhost_crypto_upgrade_suspend(), vhost_crypto_upgrade_save()
 * into a file, everything else close-on-exec, execve(); if anything fails,
 * vhost_crypto_upgrade_resume(). New daemon: vhost_crypto_upgrade_load()
 * after rte_eal_init(), the instances created and started as usual (each
 * takes its own part), then vhost_crypto_upgrade_done().
 */

/**
 * Every instance stops between two frontend messages and completes what
 * is in flight into the guest; then nothing moves until save and exec, or
 * resume.
 * @return 0, or -EBUSY (a relay or a ring did not stop in time; every
 *   instance is serving again).
 */
int vhost_crypto_upgrade_suspend(unsigned int timeout_ms);

/**
 * Write the suspended instances' state to fd (from its start; its file
 * offset is left at 0) and make the files it names inheritable
 * (FD_CLOEXEC cleared). @return 0 or -errno.
 */
int vhost_crypto_upgrade_save(int fd);

/** Give the upgrade up: files close-on-exec again, every instance serving. */
void vhost_crypto_upgrade_resume(void);

/**
 * Read and check the state an old daemon saved into fd, then empty and
 * close fd. @return 0; -EBADMSG (not a state, or a damaged one), -EPROTO
 *   (a version this build does not read), -EBADF, -ENOMEM: the error is
 *   logged, and the caller should exit rather than serve.
 */
int vhost_crypto_upgrade_load(int fd);

/**
 * Once every instance started: close what no instance took (a socket no
 * longer served), and wipe the loaded state (it holds session keys).
 */
void vhost_crypto_upgrade_done(void);

#ifdef __cplusplus
}
#endif

#endif /* VHOST_CRYPTO_H */
