/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_USER_FRONTEND_H
#define VHOST_USER_FRONTEND_H

/*
 * The frontend ("master") side of the vhost-user protocol, as much of it
 * as a virtio-crypto driver needs: the socket, request/reply framing with
 * file descriptors, and the memory table built from DPDK's memory. All
 * calls are serialised by the connection's lock, so the control path, the
 * memory hotplug callback and session messages may come from any thread.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vhost_user_crypto_wire.h"

struct vhost_user_conn {
	int fd;			/**< connected socket, -1 if none */
	int listen_fd;		/**< server mode */
	bool server;
	char path[108];		/**< sun_path */
	uint64_t protocol_features;	/**< negotiated */
	pthread_mutex_t lock;
};

/**
 * Connect to a backend listening on path (client), or listen there and
 * accept one backend (server). Waits up to timeout_ms for the other side.
 * @return 0 or a negative errno.
 */
int vhost_user_connect(struct vhost_user_conn *c, const char *path, bool server,
		       unsigned int timeout_ms);

void vhost_user_disconnect(struct vhost_user_conn *c);

/**
 * Drop the connection and wait up to timeout_ms for a backend again:
 * connect anew (client), or accept the next backend on the socket still
 * listening (server). Protocol features are to be negotiated again.
 * @return 0 or a negative errno (no connection).
 */
int vhost_user_reconnect(struct vhost_user_conn *c, unsigned int timeout_ms);

/**
 * Send one message and, if reply is non-NULL, read the reply to it.
 *
 * @param payload, size
 *   The request payload.
 * @param fds, nb_fds
 *   File descriptors to pass along.
 * @param reply, reply_size
 *   Where the reply payload goes and how many bytes it must have; with
 *   need_ack instead, a REPLY_ACK u64 is read and its value returned.
 * @return 0 (or the acknowledged status, 0 = success), or a negative
 *   errno: -EPIPE when the backend is gone, -EPROTO for a malformed reply.
 */
int vhost_user_request(struct vhost_user_conn *c, uint32_t request,
		       const void *payload, uint32_t size, const int *fds, unsigned int nb_fds,
		       void *reply, uint32_t reply_size, bool need_ack);

/** A request whose payload, and reply if any, is one u64. */
int vhost_user_get_u64(struct vhost_user_conn *c, uint32_t request, uint64_t *v);
int vhost_user_set_u64(struct vhost_user_conn *c, uint32_t request, uint64_t v);

/**
 * Send SET_MEM_TABLE describing every DPDK memory segment, by virtual
 * address (the frontend's addresses are the device addresses).
 *
 * @param thread_unsafe
 *   Called from a memory event callback, which holds the memory lock.
 * @return 0, -E2BIG if DPDK's memory takes more regions than a message
 *   carries, or another negative errno.
 */
int vhost_user_set_mem_table(struct vhost_user_conn *c, bool thread_unsafe);

/** Whether the backend has hung up (checked without blocking). */
bool vhost_user_hung_up(struct vhost_user_conn *c);

#endif /* VHOST_USER_FRONTEND_H */
