/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_memory.h>

#include "virtio_crypto_log.h"
#include "vhost_user_frontend.h"

/* A backend that takes longer than this to answer one message is gone. */
#define REPLY_TIMEOUT_S		10
#define RETRY_MS		100

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
set_reply_timeout(int fd)
{
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_S };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int
fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

static int
connect_client(const struct sockaddr_un *sa, unsigned int timeout_ms, int *out)
{
	uint64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
			*out = fd;
			return 0;
		}
		close(fd);
		if ((errno != ENOENT && errno != ECONNREFUSED) || now_ms() >= deadline)
			return -errno;
		usleep(RETRY_MS * 1000);
	}
}

/* The next backend to connect to our listening socket. */
static int
accept_next(int listen_fd, unsigned int timeout_ms, int *out)
{
	struct pollfd p = { .fd = listen_fd, .events = POLLIN };
	int rc = poll(&p, 1, timeout_ms);

	if (rc <= 0)
		return rc == 0 ? -ETIMEDOUT : -errno;
	*out = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	return *out < 0 ? -errno : 0;
}

static int
listen_and_accept(struct vhost_user_conn *c, const struct sockaddr_un *sa,
		  unsigned int timeout_ms, int *out)
{
	struct stat st;
	int fd, rc;

	/* A socket left by an earlier run is ours to replace; any other file is not. */
	if (lstat(sa->sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(sa->sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0 || listen(fd, 1) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	c->listen_fd = fd;
	return accept_next(fd, timeout_ms, out);
}

int
vhost_user_connect(struct vhost_user_conn *c, const char *path, bool server,
		   unsigned int timeout_ms)
{
	struct sockaddr_un sa;
	int rc;

	c->fd = -1;
	c->listen_fd = -1;
	c->server = server;
	c->protocol_features = 0;
	pthread_mutex_init(&c->lock, NULL);
	rc = fill_addr(&sa, path);
	if (rc != 0)
		return rc;
	snprintf(c->path, sizeof(c->path), "%s", path);
	rc = server ? listen_and_accept(c, &sa, timeout_ms, &c->fd) :
		      connect_client(&sa, timeout_ms, &c->fd);
	if (rc == 0 && set_reply_timeout(c->fd) != 0)
		rc = -errno;
	if (rc != 0)
		vhost_user_disconnect(c);
	return rc;
}

int
vhost_user_reconnect(struct vhost_user_conn *c, unsigned int timeout_ms)
{
	struct sockaddr_un sa;
	int fd = -1, rc;

	pthread_mutex_lock(&c->lock);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->protocol_features = 0;
	pthread_mutex_unlock(&c->lock);
	rc = fill_addr(&sa, c->path);
	if (rc == 0)
		rc = c->server ? accept_next(c->listen_fd, timeout_ms, &fd) :
				 connect_client(&sa, timeout_ms, &fd);
	if (rc == 0 && set_reply_timeout(fd) != 0)
		rc = -errno;
	if (rc != 0) {
		if (fd >= 0)
			close(fd);
		return rc;
	}
	pthread_mutex_lock(&c->lock);
	c->fd = fd;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

void
vhost_user_disconnect(struct vhost_user_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		unlink(c->path);
	}
	c->fd = -1;
	c->listen_fd = -1;
}

static int
send_msg(int fd, const struct vhost_user_msg_hdr *hdr, const void *payload,
	 const int *fds, unsigned int nb_fds)
{
	char control[CMSG_SPACE(sizeof(int) * VHOST_USER_MEMORY_MAX_NREGIONS)];
	struct iovec iov[2] = {
		{ .iov_base = (void *)(uintptr_t)hdr, .iov_len = sizeof(*hdr) },
		{ .iov_base = (void *)(uintptr_t)payload, .iov_len = hdr->size },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = hdr->size ? 2 : 1 };
	size_t total = sizeof(*hdr) + hdr->size;
	ssize_t n;

	if (nb_fds > VHOST_USER_MEMORY_MAX_NREGIONS)
		return -EINVAL;
	if (nb_fds > 0) {
		struct cmsghdr *cm;

		memset(control, 0, sizeof(control));
		msg.msg_control = control;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nb_fds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nb_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nb_fds);
	}
	do {
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EPIPE || errno == ECONNRESET ? -EPIPE : -errno;
	return (size_t)n == total ? 0 : -EPIPE;
}

static int
recv_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = recv(fd, p, len, MSG_WAITALL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -ETIMEDOUT;
		if (n <= 0)
			return -EPIPE;
		p += n;
		len -= n;
	}
	return 0;
}

static int
recv_reply(int fd, uint32_t request, void *payload, uint32_t size)
{
	struct vhost_user_msg_hdr hdr;
	uint8_t sink[64];
	int rc;

	rc = recv_full(fd, &hdr, sizeof(hdr));
	if (rc != 0)
		return rc;
	if (hdr.request != request || !(hdr.flags & VHOST_USER_FLAG_REPLY) ||
	    hdr.size != size) {
		VIRTIO_CRYPTO_LOG(init, ERR, "vhost-user: reply to %u is %u, %u bytes (want %u)",
				  request, hdr.request, hdr.size, size);
		/* drain what we can so the stream stays framed */
		while (hdr.size > 0 && recv_full(fd, sink, RTE_MIN(hdr.size, sizeof(sink))) == 0)
			hdr.size -= RTE_MIN(hdr.size, sizeof(sink));
		return -EPROTO;
	}
	return size ? recv_full(fd, payload, size) : 0;
}

int
vhost_user_request(struct vhost_user_conn *c, uint32_t request,
		   const void *payload, uint32_t size, const int *fds, unsigned int nb_fds,
		   void *reply, uint32_t reply_size, bool need_ack)
{
	struct vhost_user_msg_hdr hdr = {
		.request = request,
		.flags = VHOST_USER_VERSION,
		.size = size,
	};
	uint64_t ack;
	int rc;

	/* Only a backend that negotiated REPLY_ACK answers an ack. */
	need_ack = need_ack && reply == NULL &&
		   (c->protocol_features & (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK));
	if (need_ack)
		hdr.flags |= VHOST_USER_FLAG_NEED_REPLY;
	pthread_mutex_lock(&c->lock);
	if (c->fd < 0) {
		rc = -EPIPE;
		goto out;
	}
	rc = send_msg(c->fd, &hdr, payload, fds, nb_fds);
	if (rc == 0 && reply != NULL)
		rc = recv_reply(c->fd, request, reply, reply_size);
	else if (rc == 0 && need_ack) {
		rc = recv_reply(c->fd, request, &ack, sizeof(ack));
		if (rc == 0 && ack != 0)
			rc = -EIO;
	}
out:
	pthread_mutex_unlock(&c->lock);
	if (rc != 0)
		VIRTIO_CRYPTO_LOG(init, ERR, "vhost-user %s: request %u failed: %s",
				  c->path, request, strerror(-rc));
	return rc;
}

int
vhost_user_get_u64(struct vhost_user_conn *c, uint32_t request, uint64_t *v)
{
	return vhost_user_request(c, request, NULL, 0, NULL, 0, v, sizeof(*v), false);
}

int
vhost_user_set_u64(struct vhost_user_conn *c, uint32_t request, uint64_t v)
{
	return vhost_user_request(c, request, &v, sizeof(v), NULL, 0, NULL, 0, true);
}

struct mem_walk {
	struct vhost_user_memory mem;
	int fds[VHOST_USER_MEMORY_MAX_NREGIONS];
	int rc;
};

/* Merge a segment into the last region when file, address and offset follow on. */
static int
add_segment(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct mem_walk *w = arg;
	struct vhost_user_mem_region *r;
	uint64_t va = (uintptr_t)ms->addr;
	size_t off;
	int fd;

	if (msl->external)
		return 0;	/* not ours to share: no file behind it */
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd < 0 || rte_memseg_get_fd_offset_thread_unsafe(ms, &off) != 0) {
		w->rc = -ENOTSUP;	/* memory without a file (--no-huge) cannot be shared */
		return -1;
	}
	if (w->mem.nregions > 0) {
		r = &w->mem.regions[w->mem.nregions - 1];
		if (w->fds[w->mem.nregions - 1] == fd &&
		    r->userspace_addr + r->memory_size == va &&
		    r->mmap_offset + r->memory_size == off) {
			r->memory_size += ms->len;
			return 0;
		}
	}
	if (w->mem.nregions == VHOST_USER_MEMORY_MAX_NREGIONS) {
		w->rc = -E2BIG;
		return -1;
	}
	r = &w->mem.regions[w->mem.nregions];
	r->guest_phys_addr = va;
	r->userspace_addr = va;
	r->memory_size = ms->len;
	r->mmap_offset = off;
	w->fds[w->mem.nregions++] = fd;
	return 0;
}

int
vhost_user_set_mem_table(struct vhost_user_conn *c, bool thread_unsafe)
{
	struct mem_walk w;
	uint32_t size;

	memset(&w, 0, sizeof(w));
	if (thread_unsafe)
		rte_memseg_walk_thread_unsafe(add_segment, &w);
	else
		rte_memseg_walk(add_segment, &w);
	if (w.rc == -E2BIG)
		VIRTIO_CRYPTO_LOG(init, ERR, "vhost-user %s: DPDK memory is in more than %u "
				  "files; run with --single-file-segments", c->path,
				  VHOST_USER_MEMORY_MAX_NREGIONS);
	else if (w.rc != 0)
		VIRTIO_CRYPTO_LOG(init, ERR, "vhost-user %s: DPDK memory has no file to share "
				  "(hugepages are needed)", c->path);
	if (w.rc != 0)
		return w.rc;
	size = offsetof(struct vhost_user_memory, regions) +
	       w.mem.nregions * sizeof(w.mem.regions[0]);
	return vhost_user_request(c, VHOST_USER_SET_MEM_TABLE, &w.mem, size, w.fds,
				  w.mem.nregions, NULL, 0, true);
}

bool
vhost_user_hung_up(struct vhost_user_conn *c)
{
	struct pollfd p = { .fd = c->fd, .events = POLLRDHUP };

	if (c->fd < 0)
		return true;
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}
