/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The session relay: a thin vhost-user relay in front of librte_vhost.
 *
 * QEMU 8.1 and later send VHOST_USER_CREATE_CRYPTO_SESSION with a
 * 1072-byte payload, and every librte_vhost before DPDK 25.03 drops the
 * connection on a payload over 632 bytes before any hook runs. So the
 * instance listens on the public socket itself and librte_vhost on a
 * private one next to it ("<path>.lib"); this thread passes every message
 * through, both ways, with its file descriptors, except the two session
 * messages, which it answers from the instance's session table. Memory,
 * rings, kicks and calls stay librte_vhost's; the data path never sees the
 * relay.
 *
 * In client mode (VHOST_CRYPTO_F_CLIENT) the relay connects to the
 * frontend's socket instead of listening, and connects again whenever the
 * frontend goes away or is not there yet; librte_vhost stays a server on
 * the private socket either way, so both modes share everything past the
 * first connect().
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>

#include "vhost_crypto_dev.h"
#include "vhost_crypto_log.h"
#include "vhost_user_crypto_wire.h"

/* More than any vhost-user message carries (the largest is 1072 bytes). */
#define RELAY_MAX_PAYLOAD	4096
#define RELAY_MAX_FDS		32
/* Client mode: how often to try the frontend's socket, as librte_vhost does. */
#define RELAY_RETRY_MS		1000

struct relay_msg {
	struct vhost_user_msg_hdr hdr;
	uint8_t payload[RELAY_MAX_PAYLOAD];
	int fds[RELAY_MAX_FDS];
	unsigned int nb_fds;
};

static void
close_fds(struct relay_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->nb_fds; i++)
		close(m->fds[i]);
	m->nb_fds = 0;
}

static int
read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* One message: the header (with any fds), then the payload. */
static int
recv_msg(int fd, struct relay_msg *m)
{
	char control[CMSG_SPACE(RELAY_MAX_FDS * sizeof(int))];
	struct iovec iov = { .iov_base = &m->hdr, .iov_len = sizeof(m->hdr) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *c;
	ssize_t n;

	m->nb_fds = 0;
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			unsigned int nb = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			nb = RTE_MIN(nb, (unsigned int)RELAY_MAX_FDS - m->nb_fds);
			memcpy(&m->fds[m->nb_fds], CMSG_DATA(c), nb * sizeof(int));
			m->nb_fds += nb;
		}
	}
	if ((mh.msg_flags & MSG_CTRUNC) ||
	    ((size_t)n < sizeof(m->hdr) && read_full(fd, (uint8_t *)&m->hdr + n,
						     sizeof(m->hdr) - n) != 0) ||
	    m->hdr.size > sizeof(m->payload) ||
	    read_full(fd, m->payload, m->hdr.size) != 0) {
		close_fds(m);
		return -1;
	}
	return 0;
}

static int
send_msg(int fd, const struct relay_msg *m)
{
	char control[CMSG_SPACE(RELAY_MAX_FDS * sizeof(int))];
	struct iovec iov[2] = {
		{ .iov_base = (void *)(uintptr_t)&m->hdr, .iov_len = sizeof(m->hdr) },
		{ .iov_base = (void *)(uintptr_t)m->payload, .iov_len = m->hdr.size },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t want = sizeof(m->hdr) + m->hdr.size;
	ssize_t n;

	if (m->nb_fds > 0) {
		struct cmsghdr *c;

		memset(control, 0, sizeof(control));
		mh.msg_control = control;
		mh.msg_controllen = CMSG_SPACE(m->nb_fds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(m->nb_fds * sizeof(int));
		memcpy(CMSG_DATA(c), m->fds, m->nb_fds * sizeof(int));
	}
	do {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)want ? 0 : -1;
}

/* Answer a session message from the frontend; -1 ends the connection. */
static int
answer_session_msg(struct vhost_crypto *vc, int front, struct relay_msg *m)
{
	enum rte_vhost_msg_result res;
	bool need_ack = m->hdr.flags & VHOST_USER_FLAG_NEED_REPLY;

	close_fds(m);	/* session messages carry none */
	if (m->hdr.request == VHOST_USER_CREATE_CRYPTO_SESSION)
		res = vc_session_msg_create(vc, &m->hdr, m->payload);
	else
		res = vc_session_msg_close(vc, &m->hdr, m->payload);

	if (res == RTE_VHOST_MSG_RESULT_REPLY) {
		m->hdr.flags = (m->hdr.flags & VHOST_USER_FLAG_VERSION_MASK) |
			       VHOST_USER_FLAG_REPLY;
		return send_msg(front, m);
	}
	if (need_ack) {
		uint64_t failed = res == RTE_VHOST_MSG_RESULT_ERR;

		m->hdr.flags = (m->hdr.flags & VHOST_USER_FLAG_VERSION_MASK) |
			       VHOST_USER_FLAG_REPLY;
		m->hdr.size = sizeof(failed);
		memcpy(m->payload, &failed, sizeof(failed));
		return send_msg(front, m);
	}
	return res == RTE_VHOST_MSG_RESULT_ERR ? -1 : 0;
}

/* A connected socket, or -errno. */
static int
connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* Sleep up to ms, waking early when the relay is told to stop. */
static void
relay_sleep(struct vhost_crypto *vc, unsigned int ms)
{
	for (; ms > 0 && !__atomic_load_n(&vc->relay.stop, __ATOMIC_ACQUIRE);
	     ms -= RTE_MIN(ms, 10u))
		usleep(10 * 1000);
}

/* Serve one frontend connection until either side goes away. */
static void
relay_connection(struct vhost_crypto *vc, int front)
{
	struct relay_msg *m = malloc(sizeof(*m));
	int lib = connect_unix(vc->lib_path);

	if (m == NULL || lib < 0) {
		VC_LOG(ERR, "%s: relay cannot reach librte_vhost at %s", vc->path,
		       vc->lib_path);
		goto out;
	}
	while (!__atomic_load_n(&vc->relay.stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p[2] = {
			{ .fd = front, .events = POLLIN },
			{ .fd = lib, .events = POLLIN },
		};
		int rc = poll(p, 2, 100);

		if (rc < 0 && errno != EINTR)
			break;
		if (rc <= 0)
			continue;
		if (p[0].revents) {
			if (recv_msg(front, m) != 0)
				break;
			if (m->hdr.request == VHOST_USER_CREATE_CRYPTO_SESSION ||
			    m->hdr.request == VHOST_USER_CLOSE_CRYPTO_SESSION) {
				if (answer_session_msg(vc, front, m) != 0)
					break;
			} else {
				rc = send_msg(lib, m);
				close_fds(m);
				if (rc != 0)
					break;
			}
		}
		if (p[1].revents) {
			if (recv_msg(lib, m) != 0)
				break;
			rc = send_msg(front, m);
			close_fds(m);
			if (rc != 0)
				break;
		}
	}
out:
	/* Closing our end of librte_vhost's socket runs destroy_connection. */
	if (lib >= 0)
		close(lib);
	free(m);
}

/* Client mode: connect to the frontend, and again each time it leaves. */
static void
relay_connecting(struct vhost_crypto *vc)
{
	int last_err = 0;

	while (!__atomic_load_n(&vc->relay.stop, __ATOMIC_ACQUIRE)) {
		int front = connect_unix(vc->path);

		if (front < 0) {
			/* Once per outage: a frontend may be away for hours. */
			if (front != last_err)
				VC_LOG(INFO, "%s: no frontend to connect to (%s); "
				       "trying every %u ms", vc->path, strerror(-front),
				       RELAY_RETRY_MS);
			last_err = front;
			relay_sleep(vc, RELAY_RETRY_MS);
			continue;
		}
		last_err = 0;
		VC_LOG(INFO, "%s: relay connected to the frontend", vc->path);
		relay_connection(vc, front);
		close(front);
		VC_LOG(INFO, "%s: frontend left the relay", vc->path);
		/*
		 * librte_vhost ends the old connection on its own thread: let
		 * it finish before the next one (the instance takes one
		 * frontend at a time), and do not hammer a frontend that
		 * drops every connection.
		 */
		relay_sleep(vc, RELAY_RETRY_MS);
	}
}

static void *
relay_main(void *arg)
{
	struct vhost_crypto *vc = arg;

	if (vc->conf.flags & VHOST_CRYPTO_F_CLIENT) {
		relay_connecting(vc);
		return NULL;
	}
	while (!__atomic_load_n(&vc->relay.stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { .fd = vc->relay.listen_fd, .events = POLLIN };
		int front;

		if (poll(&p, 1, 100) <= 0)
			continue;
		front = accept4(vc->relay.listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (front < 0)
			continue;
		VC_LOG(INFO, "%s: frontend connected to the relay", vc->path);
		relay_connection(vc, front);
		close(front);
		VC_LOG(INFO, "%s: frontend left the relay", vc->path);
	}
	return NULL;
}

int
vc_relay_start(struct vhost_crypto *vc)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(vc->lib_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	vc->relay.stop = false;
	if (vc->conf.flags & VHOST_CRYPTO_F_CLIENT) {
		/* The frontend's socket is its own: nothing to bind. */
		if (pthread_create(&vc->relay.thread, NULL, relay_main, vc) != 0)
			return -EAGAIN;
		vc->relay.running = true;
		return 0;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, vc->path, strlen(vc->path) + 1);
	unlink(vc->path);
	/* One frontend at a time: a second one waits in the backlog. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	vc->relay.listen_fd = fd;
	if (pthread_create(&vc->relay.thread, NULL, relay_main, vc) != 0) {
		close(fd);
		unlink(vc->path);
		vc->relay.listen_fd = -1;
		return -EAGAIN;
	}
	vc->relay.running = true;
	return 0;
}

void
vc_relay_stop(struct vhost_crypto *vc)
{
	if (!vc->relay.running)
		return;
	__atomic_store_n(&vc->relay.stop, true, __ATOMIC_RELEASE);
	pthread_join(vc->relay.thread, NULL);
	if (vc->relay.listen_fd >= 0) {
		close(vc->relay.listen_fd);
		unlink(vc->path);
	}
	vc->relay.listen_fd = -1;
	vc->relay.running = false;
}
