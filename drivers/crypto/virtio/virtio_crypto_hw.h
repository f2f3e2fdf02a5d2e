/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_HW_H
#define VIRTIO_CRYPTO_HW_H

/**
 * @file
 * One virtio-crypto device as the driver core sees it, and the small
 * table of operations a transport (virtio-user over vhost-user, virtio-pci)
 * provides for it. The core does the virtio handshake, the queues and the
 * crypto; a transport only moves status, features, config, queue
 * addresses and kicks, and may carry sessions itself (vhost-user session
 * messages) instead of the control queue.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_cryptodev.h>

#include "virtio_crypto_vq.h"
#include "virtio_crypto_wire.h"

/* Device status bits (virtio 1.x, 2.1). */
#define VIRTIO_STATUS_ACK		1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64
#define VIRTIO_STATUS_FAILED		128

/* Transport-level feature bits the core negotiates. */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34
#define VIRTIO_F_IN_ORDER		35

/** Control buffer: a request, its reply and keys up to an RSA-4096 DER key. */
#define VIRTIO_CRYPTO_CTRL_BUF_SIZE	8192
/** Its indirect table (4 descriptors), and what follows it: keys, or a trial op. */
#define VC_CTRL_TABLE_OFF		192
#define VC_CTRL_SCRATCH_OFF		256
/* Indirect entries that fit between the two: a control-buffer request's limit. */
#define VC_CTRL_TABLE_ENTRIES		((VC_CTRL_SCRATCH_OFF - VC_CTRL_TABLE_OFF) / 16)

/** Capabilities room: every table entry and the terminator. */
#define VIRTIO_CRYPTO_MAX_CAPS		64

/**
 * A session as the device is asked to create it: the control request
 * (REVISION_1-independent, always the padded 72-byte form) and its keys.
 * Transports that carry sessions in their own messages translate this.
 */
struct vc_session_request {
	struct virtio_crypto_op_ctrl_req req;
	const uint8_t *cipher_key;	/**< or AEAD key, or DER key */
	uint32_t cipher_key_len;
	const uint8_t *auth_key;
	uint32_t auth_key_len;
};

struct virtio_crypto_hw;

struct virtio_crypto_transport_ops {
	const char *name;
	/** Device features offered. */
	uint64_t (*get_features)(struct virtio_crypto_hw *hw);
	/** Driver features accepted (before FEATURES_OK). */
	int (*set_features)(struct virtio_crypto_hw *hw, uint64_t features);
	/** Read the device-specific configuration. */
	int (*read_config)(struct virtio_crypto_hw *hw, uint32_t offset,
			   void *buf, uint32_t len);
	uint8_t (*get_status)(struct virtio_crypto_hw *hw);
	/** Set status; 0 resets the device (and stops every queue). */
	int (*set_status)(struct virtio_crypto_hw *hw, uint8_t status);
	/** Largest ring the device allows for this queue; 0 if none. */
	uint16_t (*queue_size_max)(struct virtio_crypto_hw *hw, uint16_t index);
	/** Give the device a laid-out queue (before DRIVER_OK). */
	int (*setup_queue)(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq);
	/** Forget a queue (after reset). */
	void (*del_queue)(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq);
	/** Kick: the data path calls this only when the device asked for it. */
	void (*notify_queue)(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq);
	/**
	 * Optional: create and destroy sessions through the transport's own
	 * messages instead of the control queue. 0 or a negative errno.
	 */
	int (*create_session)(struct virtio_crypto_hw *hw,
			      const struct vc_session_request *s, uint64_t *session_id);
	int (*destroy_session)(struct virtio_crypto_hw *hw, uint64_t session_id);
	/**
	 * Optional: stop whatever the transport runs by itself (a thread that
	 * watches the backend and reconnects), before the device goes.
	 */
	void (*stop)(struct virtio_crypto_hw *hw);
	/** Release the transport (after the last reset). */
	void (*close)(struct virtio_crypto_hw *hw);
};

/*
 * Whether the device's rings are usable, as the data path sees it at the
 * start of every burst. Only a transport that reconnects (virtio-user)
 * moves it away from UP: a lost backend takes it to QUIESCE while queue
 * pairs finish their bursts and what the rings held is failed back, DOWN
 * until a backend is back, REBUILD while the device is set up on it again.
 */
enum vc_link {
	VC_LINK_UP,
	VC_LINK_REBUILD,	/**< only the transport's thread uses the device */
	VC_LINK_QUIESCE,	/**< bursts touch nothing, not even the done ring */
	VC_LINK_DOWN,		/**< ops fail through the done ring; rings untouched */
};

struct vc_session_copy;
TAILQ_HEAD(vc_session_copies, vc_session_copy);

/** The control queue: session requests, one at a time, from any thread. */
struct virtio_crypto_ctrlq {
	struct virtio_crypto_vq vq;
	struct vc_vq_slot slots[1];	/**< resized at allocation */
};

struct virtio_crypto_hw {
	const struct virtio_crypto_transport_ops *ops;
	void *transport;		/**< the transport's own state */
	/*
	 * Buffers are given to the device by virtual address (virtio-user:
	 * the backend maps our memory at the same addresses) or by IOVA.
	 */
	bool use_va;
	/* Sessions: control queue, or the transport's session messages. */
	bool sessions_by_transport;
	/*
	 * Services the transport's session messages can carry (bit per
	 * VIRTIO_CRYPTO_SERVICE_*); the others are not offered. 0: all.
	 */
	uint32_t session_services;
	bool want_packed;		/**< use the packed ring if offered */
	bool want_in_order;		/**< use VIRTIO_F_IN_ORDER if offered */
	/*
	 * One descriptor per request field, never one for two adjacent ones:
	 * backends written against QEMU guests' layouts (DPDK 22.11's
	 * vhost_crypto example) parse field by descriptor.
	 */
	bool desc_per_field;
	uint16_t queue_size;		/**< requested ring size, 0: device max */
	uint16_t queues_limit;		/**< queue pairs to offer at most, 0: all */
	uint32_t ctrl_timeout_ms;

	uint64_t features;		/**< negotiated */
	struct virtio_crypto_config config;	/**< as read: little-endian */
	/*
	 * The configuration with the algorithm masks as trial sessions found
	 * them (virtio_crypto_offer.c): what the PMD offers and accepts.
	 */
	struct virtio_crypto_config offered;
	/*
	 * RSA only as PKCS#1 with a named hash (QEMU's builtin backend):
	 * signatures of a DigestInfo, no raw padding, private keys with their
	 * CRT parts (a key without them brings QEMU 7.2 down).
	 */
	bool rsa_hash_named;
	uint16_t max_dataqueues;	/**< the device's; the control queue follows */
	uint16_t max_queue_pairs;	/**< offered to the application */
	uint16_t queues_answering;	/**< right answers at probe on this many; 0: untried */
	struct rte_cryptodev_capabilities caps[VIRTIO_CRYPTO_MAX_CAPS];
	uint64_t feature_flags;		/**< RTE_CRYPTODEV_FF_* */

	/* Set on a fatal protocol error or a lost device; checked per burst. */
	volatile bool broken;
	bool transport_closed;		/**< device being destroyed */
	volatile uint8_t link;		/**< enum vc_link */
	/*
	 * Bursts fence before reading link: the kernel has no membarrier to
	 * do it for them (vc_bursts_barrier()).
	 */
	bool burst_fence;
	/*
	 * Serialises what changes the device's queues or sessions: cryptodev
	 * configure, close and queue pair set-up and release, session create
	 * and clear, destroy, and the transport's reconnect.
	 */
	pthread_mutex_t dev_lock;
	/*
	 * The queue pairs set up, by id, for the transport's thread to walk
	 * (virtio_crypto_hw_link_down()): DPDK's own array is reallocated by
	 * rte_cryptodev_configure() under no lock of ours. Room for
	 * max_queue_pairs as found at create; entries under dev_lock.
	 */
	struct virtio_crypto_qp **qps;
	uint16_t nb_qps;
	/*
	 * Sessions to make again on a backend the transport reconnected to
	 * (keep_sessions), under dev_lock.
	 */
	bool keep_sessions;
	struct vc_session_copies session_copies;

	/* Control path, serialised by ctrl_lock. */
	pthread_mutex_t ctrl_lock;
	struct virtio_crypto_vq *ctrlq;	/**< NULL with sessions_by_transport */
	void *ctrl_buf;			/**< request, keys and reply */
	uint64_t ctrl_buf_addr;
	const struct rte_memzone *ctrl_mz;

	/* Data queues, allocated at configure time. */
	uint16_t nb_queues;
	struct virtio_crypto_vq **dataq;
	uint8_t dev_id;
	char name[RTE_CRYPTODEV_NAME_MAX_LEN];
};

static inline bool
vc_hw_has_feature(const struct virtio_crypto_hw *hw, unsigned int bit)
{
	return (hw->features >> bit) & 1;
}

/** Device address of a buffer for this device. */
static inline uint64_t
vc_hw_addr(const struct virtio_crypto_hw *hw, const void *va, rte_iova_t iova)
{
	return hw->use_va ? (uint64_t)(uintptr_t)va : iova;
}

/**
 * Whether the running DPDK is a release (YEAR.MONTH) whose driver structures
 * dpdk_driver_abi.h was checked against, and the one the PMD was built for;
 * logs why not, naming @p name. The probes ask before they read any of
 * those structures; virtio_crypto_dev_create() asks again.
 */
bool virtio_crypto_release_checked(const char *name);

/**
 * Create the cryptodev for a device a transport has reached: handshake,
 * configuration, capabilities. The transport's state must be in hw.
 *
 * @param name
 *   cryptodev name.
 * @param device
 *   The bus device (rte_vdev_device's or rte_pci_device's rte_device).
 * @param tmpl
 *   Copied into the cryptodev's private data.
 * @param[out] hw
 *   The device's own copy, for the transport's later use.
 * @return 0 or a negative errno (nothing created).
 */
int virtio_crypto_dev_create(const char *name, struct rte_device *device,
			     const struct virtio_crypto_hw *tmpl, int socket_id,
			     struct virtio_crypto_hw **hw);

/** Destroy the cryptodev of this name (bus remove). */
int virtio_crypto_dev_destroy(const char *name);

/**
 * The device went away or broke the protocol (a ring, vc_vq_broken()):
 * fail what it holds, refuse new work. Logs why, once per breakage,
 * whichever thread finds it first; safe from any thread.
 */
void virtio_crypto_hw_set_broken(struct virtio_crypto_hw *hw, const char *why);

/**
 * The transport lost its backend and will reconnect: wait for every queue
 * pair to leave its burst, fail back what the rings held (nothing lost) and
 * leave the link DOWN, so that bursts and sessions touch nothing of the
 * device until virtio_crypto_hw_reconnected().
 */
void virtio_crypto_hw_link_down(struct virtio_crypto_hw *hw);

/**
 * The transport reached a backend again: set the device up on it as it
 * was (the same features and configuration, every ring from its start,
 * every live session made again with its new id in place) and bring the
 * link UP.
 *
 * @return 0; -EAGAIN if the backend went away again (call again on the
 *   next); another negative errno if it is not the device it was: the
 *   device stays down.
 */
int virtio_crypto_hw_reconnected(struct virtio_crypto_hw *hw);

/** Whether the control path may use the device (the link is UP or REBUILD). */
static inline bool
vc_hw_ctrl_usable(const struct virtio_crypto_hw *hw)
{
	return !hw->broken && hw->link <= VC_LINK_REBUILD;
}

/* Control queue (virtio_crypto_ctrlq.c). */
int vc_ctrlq_create_session(struct virtio_crypto_hw *hw,
			    const struct vc_session_request *s, uint64_t *session_id);
int vc_ctrlq_destroy_session(struct virtio_crypto_hw *hw, uint32_t service,
			     uint64_t session_id);

/**
 * Settle hw->offered: each algorithm the configuration names is tried with
 * a session, and kept only if the device creates it; a service named with
 * no algorithm (QEMU's vhost-user device) has each known algorithm tried.
 * Needs the session path live (control queue up, or session messages).
 *
 * @return 0, or a negative errno if the device stopped answering.
 */
int vc_offer_discover(struct virtio_crypto_hw *hw);

/**
 * Put a request laid out in the control buffer on a queue and wait for the
 * device to use it. Called with ctrl_lock held.
 *
 * @return 0; -ETIMEDOUT (the buffer is still the device's: reset it or
 *   mark it broken), -EIO if the device is broken or breaks the queue's
 *   ring meanwhile (then marked broken here), -EINVAL for more than
 *   VC_CTRL_TABLE_ENTRIES buffers on a queue with indirect descriptors.
 */
int vc_ctrl_buf_submit(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq,
		       const struct vc_vq_buf *bufs, uint16_t nb_out, uint16_t nb_in,
		       uint32_t timeout_ms);

/**
 * Send each data queue brought up one AES-128-CBC known answer (through a
 * session the device made) and count in hw->queues_answering the queues
 * before the first that gets it wrong, the only ones to offer (QEMU's
 * vhost-user device answers its queues past the first itself, with an
 * error). Call with the device up.
 *
 * @return 0, or -EIO if even the first queue gets it wrong.
 */
int vc_offer_queues(struct virtio_crypto_hw *hw);

/** The status a device returned, as a negative errno. */
int vc_status_to_errno(uint32_t status);

#endif /* VIRTIO_CRYPTO_HW_H */
