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
 * private one next to it ("<path>.lib/sock", in a directory only this
 * process's user may enter); this thread passes every message
 * through, both ways, with its file descriptors, except the two session
 * messages and the config space, which the control plane answers itself.
 * Memory, rings, kicks and calls stay librte_vhost's; the data path never
 * sees the relay.
 *
 * The relay is also where the control plane (vhost_crypto_control.c)
 * meets every message: it checks each one before librte_vhost sees it,
 * and hands it over synchronously, asking librte_vhost for an
 * acknowledgement (REPLY_ACK, whatever the frontend negotiated) and
 * reading the frontend's next message only once it arrived, so that the
 * worker stays quiesced exactly while librte_vhost applies the message.
 * The acknowledgement goes on to the frontend only if it asked for one.
 * A refused message gets a failure acknowledgement when the frontend
 * asked for one; otherwise the connection ends, which is what
 * librte_vhost does with a message it cannot apply. A frontend never
 * holds the relay: the rest of a message it started must arrive within
 * RELAY_PEER_TIMEOUT_MS, and so must room for a reply to it.
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
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
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
/* How long a frontend may take to finish a message it started, or to read a reply. */
#define RELAY_PEER_TIMEOUT_MS	5000
/*
 * How long librte_vhost may take to accept the relay's connection or to
 * answer a message: it answers at once unless the machine is starved, so
 * this only bounds a librte_vhost that stopped answering.
 */
#define RELAY_LIB_TIMEOUT_MS	30000

struct relay_msg {
	struct vhost_user_msg_hdr hdr;
	/* Decoded in place as the wire structs: aligned as they are. */
	uint8_t payload[RELAY_MAX_PAYLOAD] __rte_aligned(8);
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

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
relay_stopping(struct vhost_crypto *vc)
{
	return __atomic_load_n(&vc->relay.stop, __ATOMIC_ACQUIRE);
}

/*
 * Wait until fd is ready for `events`: 0, or -1 when the relay is told to
 * stop or the deadline passes first.
 */
static int
wait_fd(struct vhost_crypto *vc, int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		uint64_t now = now_ms();
		int rc;

		if (relay_stopping(vc) || now >= deadline)
			return -1;
		rc = poll(&p, 1, (int)RTE_MIN(deadline - now, (uint64_t)100));
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc > 0)
			return 0;	/* ready, or an error the next call reports */
	}
}

static int
read_full(struct vhost_crypto *vc, int fd, void *buf, size_t len, uint64_t deadline)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n;

		if (wait_fd(vc, fd, POLLIN, deadline) != 0)
			return -1;
		n = recv(fd, p, len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* One message: the header (with any fds), then the payload, by the deadline. */
static int
recv_msg(struct vhost_crypto *vc, int fd, struct relay_msg *m, uint64_t deadline)
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
		if (wait_fd(vc, fd, POLLIN, deadline) != 0)
			return -1;
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n < 0 && (errno == EINTR || errno == EAGAIN));
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
	    ((size_t)n < sizeof(m->hdr) &&
	     read_full(vc, fd, (uint8_t *)&m->hdr + n, sizeof(m->hdr) - n, deadline) != 0) ||
	    m->hdr.size > sizeof(m->payload) ||
	    read_full(vc, fd, m->payload, m->hdr.size, deadline) != 0) {
		close_fds(m);
		return -1;
	}
	return 0;
}

static int
send_msg(struct vhost_crypto *vc, int fd, const struct relay_msg *m, uint64_t deadline)
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
	/* Messages are small: all of one fits once the socket has room. */
	do {
		if (wait_fd(vc, fd, POLLOUT, deadline) != 0)
			return -1;
		n = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (n < 0 && (errno == EINTR || errno == EAGAIN));
	return n == (ssize_t)want ? 0 : -1;
}

/* The reply to the frontend's message, in place of it. */
static int
reply(struct vhost_crypto *vc, int front, struct relay_msg *m)
{
	m->hdr.flags = (m->hdr.flags & VHOST_USER_FLAG_VERSION_MASK) | VHOST_USER_FLAG_REPLY;
	m->nb_fds = 0;
	return send_msg(vc, front, m, now_ms() + RELAY_PEER_TIMEOUT_MS);
}

/*
 * A refused message: a failure acknowledgement if the frontend asked for
 * one and waits for nothing else; otherwise the connection ends (-1).
 */
static int
refuse(struct vhost_crypto *vc, int front, struct relay_msg *m, const char *why)
{
	uint64_t failed = 1;

	vc_ctrl_refused(vc, m->hdr.request, why);
	close_fds(m);
	if (!(m->hdr.flags & VHOST_USER_FLAG_NEED_REPLY) || vc_ctrl_has_reply(m->hdr.request))
		return -1;
	m->hdr.size = sizeof(failed);
	memcpy(m->payload, &failed, sizeof(failed));
	return reply(vc, front, m);
}

/* A message the control plane answers itself; -1 ends the connection. */
static int
answer_locally(struct vhost_crypto *vc, int front, struct relay_msg *m)
{
	bool asked = m->hdr.flags & VHOST_USER_FLAG_NEED_REPLY;
	const char *why = NULL;
	int rc = 0;

	if (m->nb_fds > 0)
		rc = refuse(vc, front, m, "files with a message that takes none");
	else if (vc_ctrl_answer(vc, &m->hdr, m->payload, &why) != 0)
		rc = refuse(vc, front, m, why);
	else if (asked || vc_ctrl_has_reply(m->hdr.request))
		rc = reply(vc, front, m);
	/* A session's keys travel in this buffer. */
	explicit_bzero(m->payload, sizeof(m->payload));
	return rc;
}

/*
 * A message for librte_vhost: checked, handed over with the worker
 * quiesced where it changes rings or memory, answered. -1 ends the
 * connection (with the worker still paused if librte_vhost went away in
 * the middle: vc_ctrl_disconnect() lets it go).
 */
static int
forward(struct vhost_crypto *vc, int front, int lib, struct relay_msg *m)
{
	struct vhost_user_msg_hdr hdr = m->hdr;
	/*
	 * Enough of the payload for the control plane once it is answered,
	 * and for the upgrade record (a memory table is the largest).
	 */
	uint8_t head[sizeof(struct vhost_user_memory)] __rte_aligned(8);
	/* The relay's copies of the files: the upgrade record may keep them. */
	int fds[RELAY_MAX_FDS];
	unsigned int nb_fds;
	bool asked = hdr.flags & VHOST_USER_FLAG_NEED_REPLY;
	bool has_reply = vc_ctrl_has_reply(hdr.request);
	const char *why = NULL;
	uint64_t ack = 1;
	int rc;

	if (vc_ctrl_check(vc, &m->hdr, m->payload, m->fds, m->nb_fds, &why) != 0)
		return refuse(vc, front, m, why);
	memset(head, 0, sizeof(head));
	memcpy(head, m->payload, RTE_MIN(sizeof(head), (size_t)hdr.size));

	vc_ctrl_before(vc, &hdr, head);
	if (!has_reply)
		m->hdr.flags |= VHOST_USER_FLAG_NEED_REPLY;
	rc = send_msg(vc, lib, m, now_ms() + RELAY_LIB_TIMEOUT_MS);
	/* librte_vhost has its own copies now; ours go to the record or away. */
	nb_fds = m->nb_fds;
	memcpy(fds, m->fds, nb_fds * sizeof(int));
	m->nb_fds = 0;
	if (rc != 0 || recv_msg(vc, lib, m, now_ms() + RELAY_LIB_TIMEOUT_MS) != 0) {
		VC_LOG(ERR, "%s: librte_vhost did not answer request %u", vc->path,
		       hdr.request);
		vc_rec_note(vc, &hdr, NULL, fds, nb_fds);
		return -1;
	}
	close_fds(m);	/* no reply of librte_vhost's carries any */
	if (m->hdr.request != hdr.request || !(m->hdr.flags & VHOST_USER_FLAG_REPLY)) {
		VC_LOG(ERR, "%s: librte_vhost answered request %u with %u", vc->path,
		       hdr.request, m->hdr.request);
		vc_rec_note(vc, &hdr, NULL, fds, nb_fds);
		return -1;
	}
	if (!has_reply && m->hdr.size == sizeof(ack))
		memcpy(&ack, m->payload, sizeof(ack));
	/* Only what librte_vhost applied is its state to replay. */
	vc_rec_note(vc, &hdr, has_reply || ack == 0 ? head : NULL, fds, nb_fds);
	vc_ctrl_after(vc, &hdr, head, has_reply || ack == 0);
	if (has_reply || asked)
		return reply(vc, front, m);
	if (ack != 0) {
		/* As librte_vhost would, had the frontend not relied on acks. */
		VC_LOG(WARNING, "%s: librte_vhost failed request %u: connection ends",
		       vc->path, hdr.request);
		return -1;
	}
	return 0;
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
	for (; ms > 0 && !relay_stopping(vc); ms -= RTE_MIN(ms, 10u))
		usleep(10 * 1000);
}

/*
 * Connect to librte_vhost and wait until its new_connection made the
 * instance this frontend's: the socket, or -1.
 */
static int
connect_lib(struct vhost_crypto *vc)
{
	uint64_t deadline = now_ms() + RELAY_LIB_TIMEOUT_MS;
	int lib;

	__atomic_store_n(&vc->relay.connecting, true, __ATOMIC_RELEASE);
	lib = connect_unix(vc->lib_path);
	while (lib >= 0 && __atomic_load_n(&vc->vid, __ATOMIC_ACQUIRE) < 0) {
		struct pollfd p = { .fd = lib, .events = POLLIN };

		/*
		 * librte_vhost closes a connection it refuses. Its thread
		 * accepts within microseconds: look every millisecond, as
		 * every frontend connection waits for this.
		 */
		if (relay_stopping(vc) || now_ms() >= deadline ||
		    (poll(&p, 1, 1) > 0 && (p.revents & (POLLHUP | POLLERR | POLLIN)))) {
			close(lib);
			lib = -1;
		}
	}
	__atomic_store_n(&vc->relay.connecting, false, __ATOMIC_RELEASE);
	if (lib < 0)
		VC_LOG(ERR, "%s: relay cannot reach librte_vhost at %s", vc->path,
		       vc->lib_path);
	return lib;
}

/*
 * A live upgrade asked the relay to hold still: it stops here, between two
 * messages, until the daemon either re-executes (and the new one carries
 * on from the same connection) or gives up and lets it go on.
 */
static bool
relay_parking(struct vhost_crypto *vc)
{
	if (!__atomic_load_n(&vc->relay.park, __ATOMIC_ACQUIRE))
		return false;
	__atomic_store_n(&vc->relay.parked, true, __ATOMIC_RELEASE);
	while (__atomic_load_n(&vc->relay.park, __ATOMIC_ACQUIRE) && !relay_stopping(vc))
		usleep(1000);
	__atomic_store_n(&vc->relay.parked, false, __ATOMIC_RELEASE);
	return true;
}

/*
 * An inherited connection: librte_vhost is new and knows nothing; the
 * sessions come back with their ids, then the noted messages bring
 * librte_vhost and the control plane where the old daemon was. None of
 * them is answered to the frontend, which sent them long ago. -1: the
 * connection ends (the frontend sees a restart).
 */
static int
relay_replay(struct vhost_crypto *vc, int lib, struct relay_msg *m)
{
	struct vc_adopt *a = vc->relay.adopt;
	unsigned int nb = 0;
	int rc = 0;

	vc->relay.adopt = NULL;
	pthread_mutex_lock(&vc->ctrl_lock);
	vc_adopt_sessions(vc, a);
	pthread_mutex_unlock(&vc->ctrl_lock);
	while (rc == 0 && vc_adopt_next_msg(a, &m->hdr, m->payload, sizeof(m->payload),
					    m->fds, &m->nb_fds)) {
		m->hdr.flags &= ~VHOST_USER_FLAG_NEED_REPLY;
		pthread_mutex_lock(&vc->ctrl_lock);
		rc = forward(vc, -1, lib, m);
		pthread_mutex_unlock(&vc->ctrl_lock);
		if (rc != 0)
			VC_LOG(ERR, "%s: upgrade: the new librte_vhost refused request %u: "
			       "the frontend must connect again", vc->path, m->hdr.request);
		nb++;
	}
	vc_adopt_free(a);
	if (rc == 0)
		VC_LOG(INFO, "%s: upgrade: connection adopted, %u messages replayed, "
		       "%u sessions", vc->path, nb, vc->sessions.nb_live);
	return rc;
}

/* Serve one frontend connection until either side goes away. */
static void
relay_connection(struct vhost_crypto *vc, int front)
{
	struct relay_msg *m = malloc(sizeof(*m));
	int lib = m != NULL ? connect_lib(vc) : -1;

	__atomic_store_n(&vc->relay.front_fd, front, __ATOMIC_RELEASE);
	if (lib >= 0 && vc->relay.adopt != NULL && relay_replay(vc, lib, m) != 0) {
		close(lib);
		lib = -1;
	}
	while (lib >= 0 && !relay_stopping(vc)) {
		struct pollfd p[2] = {
			{ .fd = front, .events = POLLIN },
			/* Nothing comes from librte_vhost unasked: only its going away. */
			{ .fd = lib, .events = POLLIN },
		};
		int rc;

		if (relay_parking(vc))
			continue;
		rc = poll(p, 2, 100);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc <= 0)
			continue;
		if (p[1].revents)
			break;
		if (recv_msg(vc, front, m, now_ms() + RELAY_PEER_TIMEOUT_MS) != 0) {
			if (!relay_stopping(vc))
				VC_LOG(INFO, "%s: frontend closed or stopped mid-message",
				       vc->path);
			break;
		}
		pthread_mutex_lock(&vc->ctrl_lock);
		if (vc_ctrl_route(m->hdr.request) == VC_CTRL_LOCAL)
			rc = answer_locally(vc, front, m);
		else
			rc = forward(vc, front, lib, m);
		pthread_mutex_unlock(&vc->ctrl_lock);
		if (rc != 0)
			break;
	}
	/*
	 * Complete what is in flight and free the frontend's sessions while
	 * its memory is mapped; then closing our end of librte_vhost's
	 * socket makes it end the connection and unmap.
	 */
	pthread_mutex_lock(&vc->ctrl_lock);
	vc_ctrl_disconnect(vc);
	vc_rec_clear(vc);
	pthread_mutex_unlock(&vc->ctrl_lock);
	__atomic_store_n(&vc->relay.front_fd, -1, __ATOMIC_RELEASE);
	if (lib >= 0)
		close(lib);
	if (m != NULL) {
		explicit_bzero(m, sizeof(*m));
		free(m);
	}
}

/* Client mode: connect to the frontend, and again each time it leaves. */
static void
relay_connecting(struct vhost_crypto *vc)
{
	int last_err = 0;

	while (!relay_stopping(vc)) {
		int front;

		if (relay_parking(vc))
			continue;
		front = vc->relay.adopt != NULL ? vc_adopt_take_front(vc->relay.adopt) : -1;
		if (front < 0) {
			/* Nothing inherited to replay on a connection of our own. */
			vc_adopt_free(vc->relay.adopt);
			vc->relay.adopt = NULL;
			front = connect_unix(vc->path);
		}
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
		/* Do not hammer a frontend that drops every connection. */
		relay_sleep(vc, RELAY_RETRY_MS);
	}
}

static vc_ctrl_thread_ret_t
relay_main(void *arg)
{
	struct vhost_crypto *vc = arg;

	if (vc->conf.flags & VHOST_CRYPTO_F_CLIENT) {
		relay_connecting(vc);
		return VC_CTRL_THREAD_RET;
	}
	if (vc->relay.adopt != NULL) {
		int front = vc_adopt_take_front(vc->relay.adopt);

		if (front >= 0) {
			relay_connection(vc, front);
			close(front);
			VC_LOG(INFO, "%s: frontend left the relay", vc->path);
		}
		vc_adopt_free(vc->relay.adopt);
		vc->relay.adopt = NULL;
	}
	while (!relay_stopping(vc)) {
		struct pollfd p = { .fd = vc->relay.listen_fd, .events = POLLIN };
		int front;

		if (relay_parking(vc) || poll(&p, 1, 100) <= 0)
			continue;
		front = accept4(vc->relay.listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (front < 0)
			continue;
		VC_LOG(INFO, "%s: frontend connected to the relay", vc->path);
		relay_connection(vc, front);
		close(front);
		VC_LOG(INFO, "%s: frontend left the relay", vc->path);
	}
	return VC_CTRL_THREAD_RET;
}

/*
 * The relay is a control thread, on the CPUs DPDK gives its own (see
 * vc_ctrl_thread_create). Created from an lcore it would inherit that
 * lcore's CPU and, when it pauses the worker polling there, wait for the
 * scheduler to take the CPU from the worker.
 */
static int
relay_thread_create(struct vhost_crypto *vc)
{
	return vc_ctrl_thread_create(&vc->relay.thread, "vc-relay", relay_main, vc) == 0 ?
		0 : -EAGAIN;
}

/*
 * The public socket, with its permissions and owner before anyone can
 * reach it: bound in the private directory, given them there, listening,
 * and only then renamed into place (which also replaces a stale socket in
 * one step). A frontend never meets a socket whose permissions are still
 * the umask's. Returns the listening fd or a negative errno.
 */
static int
listen_public(struct vhost_crypto *vc)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const struct vhost_crypto_conf *c = &vc->conf;
	struct stat st;
	int fd, rc = 0;

	if (strlen(vc->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	/* rename() would replace anything: only ever a socket. */
	if (lstat(vc->path, &st) == 0 && !S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, vc->bind_path, strlen(vc->bind_path) + 1);
	vc_unlink_socket(vc->bind_path);
	/* One frontend at a time: a second one waits in the backlog. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    ((c->flags & (VHOST_CRYPTO_F_SOCKET_OWNER | VHOST_CRYPTO_F_SOCKET_GROUP)) &&
	     lchown(vc->bind_path,
		    c->flags & VHOST_CRYPTO_F_SOCKET_OWNER ? (uid_t)c->socket_uid : (uid_t)-1,
		    c->flags & VHOST_CRYPTO_F_SOCKET_GROUP ? (gid_t)c->socket_gid : (gid_t)-1)
		    != 0) ||
	    chmod(vc->bind_path, c->socket_mode) != 0 || listen(fd, 1) != 0 ||
	    rename(vc->bind_path, vc->path) != 0)
		rc = -errno;
	if (rc != 0) {
		close(fd);
		vc_unlink_socket(vc->bind_path);
		return rc;
	}
	return fd;
}

int
vc_relay_start(struct vhost_crypto *vc)
{
	int fd;

	vc->relay.stop = false;
	if (vc->conf.flags & VHOST_CRYPTO_F_CLIENT) {
		/* The frontend's socket is its own: nothing to bind. */
		if (relay_thread_create(vc) != 0)
			return -EAGAIN;
		vc->relay.running = true;
		return 0;
	}
	if (vc->relay.adopt != NULL) {
		/*
		 * A live upgrade: the socket is the old daemon's, still bound
		 * and listening, its owner and mode as they were; a frontend
		 * connecting meanwhile waits in its backlog.
		 */
		fd = vc_adopt_listen_fd(vc->relay.adopt);
	} else {
		fd = listen_public(vc);
		if (fd < 0)
			return fd;
	}
	vc->relay.listen_fd = fd;
	if (relay_thread_create(vc) != 0) {
		close(fd);
		vc_unlink_socket(vc->path);
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
	vc_ctrl_thread_join(vc->relay.thread);
	if (vc->relay.listen_fd >= 0) {
		close(vc->relay.listen_fd);
		vc_unlink_socket(vc->path);
	}
	vc->relay.listen_fd = -1;
	vc->relay.running = false;
}
