/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Live upgrade: a daemon hands its frontends to a new build of itself
 * (execve of the same path) without them noticing more than a pause.
 *
 * The relay sees every message a frontend sends librte_vhost, so it notes
 * the latest of each kind that shapes librte_vhost's state (features,
 * owner, memory table, each ring's size, base, addresses, notifiers and
 * enable), keeping its own copies of their files. On an upgrade every
 * relay stops between two messages, the worker completes what is in
 * flight into the guest and stops, and the daemon writes this file:
 *
 *   header: magic, version, its own size, the sizes of the records below,
 *           the total size, the number of records
 *   records, each a type and a size, then its body:
 *     INSTANCE  socket path, mode, the listening and the frontend's socket
 *     MSG       a noted message of the instance before it (header, file
 *               numbers, payload); a live ring's base is where it stopped
 *     SESSION   a session of that instance: its id and what it was made of
 *
 * The files it names are inherited as they are (same numbers) across
 * execve; every other file of the process is close-on-exec. The new
 * daemon reads the file before it creates its instances; each instance
 * then adopts its sockets, and its relay, once its own librte_vhost is
 * reached, creates the sessions again under their ids and replays the
 * messages, none of them answered to the frontend. Whatever the frontend
 * sent meanwhile waits in the socket.
 *
 * The new daemon refuses a file it does not understand: another magic,
 * another version, other record sizes, a record past the end, a file
 * number that is not open. It never guesses.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_pause.h>

#include "vhost_crypto_dev.h"
#include "vhost_crypto_log.h"
#include "vhost_user_crypto_wire.h"

#define VC_STATE_MAGIC		"VCSTATE\n"
#define VC_STATE_VERSION	1
/* Far more than 64 instances of 128 sessions with 4 KiB keys each. */
#define VC_STATE_MAX_SIZE	(64u << 20)
#define VC_STATE_PATH_MAX	108	/* sizeof(sockaddr_un.sun_path) */

enum vc_state_type {
	VC_STATE_INSTANCE = 1,
	VC_STATE_MSG = 2,
	VC_STATE_SESSION = 3,
};

struct vc_state_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size;		/**< sizeof(struct vc_state_hdr) */
	uint32_t instance_size;		/**< sizeof(struct vc_state_instance) */
	uint32_t msg_size;		/**< sizeof(struct vc_state_msg) */
	uint32_t session_size;		/**< sizeof(struct vc_state_session) */
	uint32_t nb_records;
	uint64_t total_size;		/**< the whole file */
};

struct vc_state_rec {
	uint32_t type;
	uint32_t size;			/**< of the body that follows */
};

struct vc_state_instance {
	char path[VC_STATE_PATH_MAX];
	uint32_t client;		/**< VHOST_CRYPTO_F_CLIENT */
	int32_t listen_fd;		/**< server mode, else -1 */
	int32_t front_fd;		/**< the frontend's connection, or -1 */
};

struct vc_state_msg {
	struct vhost_user_msg_hdr hdr;
	uint32_t nb_fds;
	int32_t fds[VHOST_USER_MEMORY_MAX_NREGIONS];
	/* hdr.size bytes of payload follow */
};

struct vc_state_session {
	uint64_t id;
	/* a struct vc_session_saved, keys included, follows */
};

/* What a new instance takes over: its records, copied out of the file. */
struct vc_adopt {
	bool client;
	int listen_fd;
	int front_fd;
	uint8_t *recs;			/**< MSG and SESSION records */
	size_t len;
	size_t next;			/**< offset of the next MSG to replay */
};

/* The file the daemon loaded and checked, until vhost_crypto_upgrade_done(). */
static uint8_t *loaded;
static size_t loaded_len;
static bool loaded_ok;

/* ------------------------------------------------------------------ */
/* Noting messages                                                     */
/* ------------------------------------------------------------------ */

static void
rec_drop(struct vc_rec_msg *r)
{
	uint32_t i;

	for (i = 0; i < r->nb_fds; i++)
		close(r->fds[i]);
	memset(r, 0, sizeof(*r));
}

void
vc_rec_clear(struct vhost_crypto *vc)
{
	unsigned int i, k;

	for (i = 0; i < VC_REC_NB_DEV; i++)
		rec_drop(&vc->rec.dev[i]);
	for (i = 0; i < RTE_DIM(vc->rec.ring); i++)
		for (k = 0; k < VC_REC_NB_RING; k++)
			rec_drop(&vc->rec.ring[i][k]);
}

/* Keep the message in r (replacing what was there), and its files. */
static void
rec_keep(struct vc_rec_msg *r, const struct vhost_user_msg_hdr *hdr,
	 const uint8_t *payload, int *fds, unsigned int nb_fds)
{
	rec_drop(r);
	r->set = true;
	r->hdr = *hdr;
	/* Replayed to librte_vhost alone: the relay asks for acks itself. */
	r->hdr.flags &= ~VHOST_USER_FLAG_NEED_REPLY;
	r->hdr.size = RTE_MIN(hdr->size, (uint32_t)sizeof(r->payload));
	memcpy(r->payload, payload, r->hdr.size);
	memcpy(r->fds, fds, nb_fds * sizeof(int));
	r->nb_fds = nb_fds;
}

void
vc_rec_note(struct vhost_crypto *vc, const struct vhost_user_msg_hdr *hdr,
	    const uint8_t *payload, int *fds, unsigned int nb_fds)
{
	struct vhost_user_vring_state st;
	struct vc_rec_msg *r = NULL;
	uint32_t idx = UINT32_MAX;
	uint64_t u64 = 0;
	unsigned int i;

	/* The checks let a message through only with the files it takes. */
	if (payload == NULL || nb_fds > VHOST_USER_MEMORY_MAX_NREGIONS ||
	    hdr->size > sizeof(r->payload))
		goto close;
	if (hdr->size >= sizeof(u64))
		memcpy(&u64, payload, sizeof(u64));
	memcpy(&st, &u64, sizeof(st));
	switch (hdr->request) {
	case VHOST_USER_SET_OWNER:
		r = &vc->rec.dev[VC_REC_OWNER];
		break;
	case VHOST_USER_RESET_OWNER:
		/* librte_vhost forgets the device: so does the record. */
		vc_rec_clear(vc);
		goto close;
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		r = &vc->rec.dev[VC_REC_PROTOCOL_FEATURES];
		break;
	case VHOST_USER_SET_FEATURES:
		r = &vc->rec.dev[VC_REC_FEATURES];
		break;
	case VHOST_USER_SET_MEM_TABLE:
		r = &vc->rec.dev[VC_REC_MEM_TABLE];
		break;
	case VHOST_USER_SET_VRING_NUM:
		idx = st.index;
		i = VC_REC_NUM;
		break;
	case VHOST_USER_SET_VRING_BASE:
		idx = st.index;
		i = VC_REC_BASE;
		break;
	case VHOST_USER_SET_VRING_ADDR:
		idx = st.index;		/* the index leads the payload here too */
		i = VC_REC_ADDR;
		break;
	case VHOST_USER_SET_VRING_ENABLE:
		idx = st.index;
		i = VC_REC_ENABLE;
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		idx = u64 & VHOST_USER_VRING_IDX_MASK;
		i = hdr->request == VHOST_USER_SET_VRING_KICK ? VC_REC_KICK :
		    hdr->request == VHOST_USER_SET_VRING_CALL ? VC_REC_CALL : VC_REC_ERR;
		break;
	case VHOST_USER_GET_VRING_BASE:
		/*
		 * The ring stopped: librte_vhost dropped its kick and base; a
		 * restart brings new ones.
		 */
		if (st.index < RTE_DIM(vc->rec.ring)) {
			rec_drop(&vc->rec.ring[st.index][VC_REC_KICK]);
			rec_drop(&vc->rec.ring[st.index][VC_REC_BASE]);
		}
		goto close;
	default:
		goto close;
	}
	if (r == NULL) {
		if (idx >= RTE_DIM(vc->rec.ring))
			goto close;
		r = &vc->rec.ring[idx][i];
	}
	rec_keep(r, hdr, payload, fds, nb_fds);
	return;
close:
	for (i = 0; i < nb_fds; i++)
		close(fds[i]);
}

/* ------------------------------------------------------------------ */
/* The old daemon: suspend, save, or resume                            */
/* ------------------------------------------------------------------ */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Every file the state names, close-on-exec or not. */
static void
files_inherit(struct vhost_crypto *vc, bool inherit)
{
	unsigned int i, k, f;
	int fds[2] = { vc->relay.listen_fd, vc->relay.front_fd };

	for (i = 0; i < RTE_DIM(fds); i++)
		if (fds[i] >= 0)
			fcntl(fds[i], F_SETFD, inherit ? 0 : FD_CLOEXEC);
	for (i = 0; i < VC_REC_NB_DEV; i++)
		for (f = 0; f < vc->rec.dev[i].nb_fds; f++)
			fcntl(vc->rec.dev[i].fds[f], F_SETFD, inherit ? 0 : FD_CLOEXEC);
	for (i = 0; i < RTE_DIM(vc->rec.ring); i++)
		for (k = 0; k < VC_REC_NB_RING; k++)
			for (f = 0; f < vc->rec.ring[i][k].nb_fds; f++)
				fcntl(vc->rec.ring[i][k].fds[f], F_SETFD,
				      inherit ? 0 : FD_CLOEXEC);
}

static void
instance_resume(struct vhost_crypto *vc)
{
	if (vc->suspended) {
		files_inherit(vc, false);
		if (vc->vid >= 0)
			vc_resume(vc);
		vc->suspended = false;
		pthread_mutex_unlock(&vc->ctrl_lock);
	}
	__atomic_store_n(&vc->relay.park, false, __ATOMIC_RELEASE);
}

/* Nothing of the guest's is in the backend's hands; else why not. */
static const char *
instance_idle(const struct vhost_crypto *vc)
{
	uint16_t i;

	for (i = 0; i < vc->nb_cdevs; i++)
		if (vc->cdevs[i].inflight > 0 || vc->cdevs[i].nb_backlog > 0)
			return "crypto ops still in the device";
	for (i = 0; i <= vc->nb_rings; i++) {
		const struct vc_ring *r = &vc->rings[i];

		if (!r->live)
			continue;
		if (r->nb_free != r->nb_slots)
			return "a ring has requests in flight";
		if (r->vr.in_order && r->vr.pop_seq != r->vr.pub_seq)
			return "a ring has completions not yet published in order";
		/* The new librte_vhost takes one base for both indices. */
		if (r->vr.last_avail_idx != r->vr.used_idx ||
		    (r->vr.packed && r->vr.avail_wrap != r->vr.used_wrap))
			return "a ring's used index is behind its avail index";
	}
	return NULL;
}

static int
instance_suspend(struct vhost_crypto *vc, uint64_t deadline)
{
	const char *why;

	if (!vc->relay.running)
		return 0;
	__atomic_store_n(&vc->relay.park, true, __ATOMIC_RELEASE);
	/* Between two messages: a message being read or applied finishes first. */
	while (!__atomic_load_n(&vc->relay.parked, __ATOMIC_ACQUIRE)) {
		if (now_ms() >= deadline) {
			VC_LOG(ERR, "%s: upgrade: the relay did not stop between two "
			       "messages in time", vc->path);
			instance_resume(vc);
			return -EBUSY;
		}
		usleep(1000);
	}
	pthread_mutex_lock(&vc->ctrl_lock);
	vc->suspended = true;
	if (vc->vid >= 0) {
		vc_pause(vc);
		/* Into the guest as usual: the new daemon starts with nothing in flight. */
		vc_datapath_drain(vc);
		why = instance_idle(vc);
		if (why != NULL) {
			VC_LOG(ERR, "%s: upgrade: %s", vc->path, why);
			instance_resume(vc);
			return -EBUSY;
		}
	}
	return 0;
}

/*
 * Not under the registry lock: a relay stops only between messages, and
 * one may be waiting for librte_vhost's new_connection, which takes it.
 */
int
vhost_crypto_upgrade_suspend(unsigned int timeout_ms)
{
	struct vhost_crypto *list[VC_MAX_INSTANCES];
	unsigned int i, n = vc_registry_list(list, RTE_DIM(list));
	uint64_t deadline = now_ms() + timeout_ms;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = instance_suspend(list[i], deadline);
	if (rc != 0)
		vhost_crypto_upgrade_resume();
	return rc;
}

void
vhost_crypto_upgrade_resume(void)
{
	struct vhost_crypto *list[VC_MAX_INSTANCES];
	unsigned int i, n = vc_registry_list(list, RTE_DIM(list));

	for (i = 0; i < n; i++)
		instance_resume(list[i]);
}

struct save_ctx {
	int fd;
	uint32_t nb_records;
	uint64_t size;
	int rc;
};

static void
put(struct save_ctx *c, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (c->rc == 0 && len > 0) {
		ssize_t n = write(c->fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->rc = n < 0 ? -errno : -EIO;
			return;
		}
		b += n;
		len -= n;
		c->size += n;
	}
}

static void
put_rec(struct save_ctx *c, uint32_t type, const void *a, size_t alen,
	const void *b, size_t blen)
{
	static const uint8_t pad[8];
	struct vc_state_rec r = { .type = type, .size = alen + blen };

	put(c, &r, sizeof(r));
	put(c, a, alen);
	if (blen)
		put(c, b, blen);
	/* Each body starts 8-byte aligned, to be read in place. */
	put(c, pad, RTE_ALIGN_CEIL(r.size, 8) - r.size);
	c->nb_records++;
}

static void
put_msg(struct save_ctx *c, const struct vc_rec_msg *r)
{
	struct vc_state_msg m;
	uint32_t i;

	memset(&m, 0, sizeof(m));
	m.hdr = r->hdr;
	m.nb_fds = r->nb_fds;
	for (i = 0; i < VHOST_USER_MEMORY_MAX_NREGIONS; i++)
		m.fds[i] = i < r->nb_fds ? r->fds[i] : -1;
	put_rec(c, VC_STATE_MSG, &m, sizeof(m), r->payload, r->hdr.size);
}

/*
 * A live ring's base is where the worker stopped, not what the frontend
 * said when it started the ring; packed rings carry the wrap counter in
 * bit 15.
 */
static void
put_base(struct save_ctx *c, const struct vc_ring *ring, uint32_t idx)
{
	struct vhost_user_vring_state st = { .index = idx };
	struct vc_rec_msg r;

	st.num = ring->vr.last_avail_idx;
	if (ring->vr.packed)
		st.num |= (uint32_t)ring->vr.avail_wrap << 15;
	memset(&r, 0, sizeof(r));
	r.hdr.request = VHOST_USER_SET_VRING_BASE;
	r.hdr.flags = 1;	/* vhost-user version 1 */
	r.hdr.size = sizeof(st);
	memcpy(r.payload, &st, sizeof(st));
	put_msg(c, &r);
}

static void
save_one(struct vhost_crypto *vc, void *arg)
{
	struct save_ctx *c = arg;
	struct vc_state_instance in;
	struct vc_state_session ss;
	uint32_t i, k;

	if (!vc->relay.running)
		return;
	memset(&in, 0, sizeof(in));
	if (strlen(vc->path) >= sizeof(in.path)) {
		c->rc = -ENAMETOOLONG;
		return;
	}
	strcpy(in.path, vc->path);
	in.client = !!(vc->conf.flags & VHOST_CRYPTO_F_CLIENT);
	in.listen_fd = vc->relay.listen_fd;
	in.front_fd = __atomic_load_n(&vc->relay.front_fd, __ATOMIC_ACQUIRE);
	put_rec(c, VC_STATE_INSTANCE, &in, sizeof(in), NULL, 0);
	if (in.front_fd >= 0 && vc->vid >= 0) {
		for (i = 0; i < VC_REC_NB_DEV; i++)
			if (vc->rec.dev[i].set)
				put_msg(c, &vc->rec.dev[i]);
		for (i = 0; i < RTE_DIM(vc->rec.ring); i++)
			for (k = 0; k < VC_REC_NB_RING; k++) {
				const struct vc_rec_msg *r = &vc->rec.ring[i][k];

				if (k == VC_REC_BASE && i <= vc->nb_rings && vc->rings[i].live)
					put_base(c, &vc->rings[i], i);
				else if (r->set)
					put_msg(c, r);
			}
		for (i = 0; i < vc->sessions.nb_slots; i++) {
			const struct vc_session *s = &vc->sessions.slots[i];

			if (!s->live || s->saved == NULL)
				continue;
			ss.id = i;
			put_rec(c, VC_STATE_SESSION, &ss, sizeof(ss), s->saved,
				vc_session_saved_size(s->saved));
		}
	}
	if (c->rc == 0)
		files_inherit(vc, true);
	VC_LOG(INFO, "%s: upgrade: state saved (%s, %u sessions)", vc->path,
	       in.front_fd >= 0 ? "a frontend connected" : "no frontend",
	       in.front_fd >= 0 ? vc->sessions.nb_live : 0);
}

int
vhost_crypto_upgrade_save(int fd)
{
	struct vhost_crypto *list[VC_MAX_INSTANCES];
	struct save_ctx c = { .fd = fd };
	struct vc_state_hdr h;
	unsigned int i, n;

	memset(&h, 0, sizeof(h));
	/* The header last, once its counts are known. */
	if (lseek(fd, sizeof(h), SEEK_SET) != (off_t)sizeof(h))
		return -errno;
	c.size = sizeof(h);
	n = vc_registry_list(list, RTE_DIM(list));
	for (i = 0; i < n; i++)
		save_one(list[i], &c);
	if (c.rc != 0)
		return c.rc;
	memcpy(h.magic, VC_STATE_MAGIC, sizeof(h.magic));
	h.version = VC_STATE_VERSION;
	h.hdr_size = sizeof(h);
	h.instance_size = sizeof(struct vc_state_instance);
	h.msg_size = sizeof(struct vc_state_msg);
	h.session_size = sizeof(struct vc_state_session) + sizeof(struct vc_session_saved);
	h.nb_records = c.nb_records;
	h.total_size = c.size;
	if (pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return errno ? -errno : -EIO;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The new daemon: load, check, adopt                                  */
/* ------------------------------------------------------------------ */

static int
bad_state(const char *why)
{
	VC_LOG(ERR, "upgrade state refused: %s", why);
	return -EBADMSG;
}

/* An inherited file: open and, for a socket, a socket. */
static bool
fd_inherited(int fd, bool socket)
{
	struct stat st;

	if (fd < 3 || fcntl(fd, F_GETFD) < 0 || fstat(fd, &st) != 0)
		return false;
	return !socket || S_ISSOCK(st.st_mode);
}

/* A MSG record, checked; NULL for one that is not sound. */
static const struct vc_state_msg *
msg_checked(const uint8_t *body, uint32_t size)
{
	const struct vc_state_msg *m = (const void *)body;
	uint32_t i;

	if (size < sizeof(*m) || m->hdr.size != size - sizeof(*m) ||
	    m->hdr.size > sizeof(struct vhost_user_memory) ||
	    m->nb_fds > VHOST_USER_MEMORY_MAX_NREGIONS)
		return NULL;
	for (i = 0; i < m->nb_fds; i++)
		if (!fd_inherited(m->fds[i], false))
			return NULL;
	return m;
}

/* Walk records: the body of the next one at *off, its type and size. */
static const uint8_t *
next_rec(const uint8_t *buf, size_t len, size_t *off, uint32_t *type, uint32_t *size)
{
	struct vc_state_rec r;
	const uint8_t *body;

	if (len - *off < sizeof(r))
		return NULL;
	memcpy(&r, buf + *off, sizeof(r));
	if (r.size > len - *off - sizeof(r))
		return NULL;
	body = buf + *off + sizeof(r);
	/* Bodies are read in place: each is padded to 8 bytes. */
	if (RTE_ALIGN_CEIL(r.size, 8) > len - *off - sizeof(r))
		return NULL;
	*off += sizeof(r) + RTE_ALIGN_CEIL(r.size, 8);
	*type = r.type;
	*size = r.size;
	return body;
}

static int
state_check(const uint8_t *buf, size_t len)
{
	struct vc_state_hdr h;
	size_t off;
	uint32_t type, size, n = 0;
	const uint8_t *body;
	bool in_instance = false;

	if (len < sizeof(h))
		return bad_state("shorter than its header");
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, VC_STATE_MAGIC, sizeof(h.magic)) != 0)
		return bad_state("not a vhost-crypto upgrade state (wrong magic)");
	if (h.version != VC_STATE_VERSION) {
		VC_LOG(ERR, "upgrade state refused: version %u, this build reads version %u "
		       "only: restart the daemon instead", h.version, VC_STATE_VERSION);
		return -EPROTO;
	}
	if (h.hdr_size != sizeof(h) || h.instance_size != sizeof(struct vc_state_instance) ||
	    h.msg_size != sizeof(struct vc_state_msg) ||
	    h.session_size != sizeof(struct vc_state_session) +
			      sizeof(struct vc_session_saved))
		return bad_state("record sizes differ from this build's");
	if (h.total_size != len)
		return bad_state("size differs from what its header says");
	off = sizeof(h);
	while (off < len) {
		body = next_rec(buf, len, &off, &type, &size);
		if (body == NULL)
			return bad_state("a record runs past the end");
		n++;
		switch (type) {
		case VC_STATE_INSTANCE: {
			const struct vc_state_instance *in = (const void *)body;

			if (size != sizeof(*in) || memchr(in->path, '\0', sizeof(in->path)) == NULL)
				return bad_state("a malformed instance record");
			if ((in->listen_fd >= 0 && !fd_inherited(in->listen_fd, true)) ||
			    (in->front_fd >= 0 && !fd_inherited(in->front_fd, true)) ||
			    (!in->client && in->listen_fd < 0))
				return bad_state("an instance's sockets were not inherited");
			in_instance = true;
			break;
		}
		case VC_STATE_MSG:
			if (!in_instance || msg_checked(body, size) == NULL)
				return bad_state("a malformed message record, or its files "
						 "were not inherited");
			break;
		case VC_STATE_SESSION: {
			struct vc_session_params p;

			if (!in_instance || size < sizeof(struct vc_state_session) ||
			    vc_session_params_from_saved((const void *)(body +
					sizeof(struct vc_state_session)),
					size - sizeof(struct vc_state_session), &p) != 0)
				return bad_state("a malformed session record");
			break;
		}
		default:
			return bad_state("a record of an unknown type");
		}
	}
	if (n != h.nb_records)
		return bad_state("fewer or more records than its header says");
	return 0;
}

int
vhost_crypto_upgrade_load(int fd)
{
	struct stat st;
	size_t got = 0;
	int rc;

	if (fstat(fd, &st) != 0) {
		VC_LOG(ERR, "upgrade state: file %d: %s", fd, strerror(errno));
		return -EBADF;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > VC_STATE_MAX_SIZE)
		return bad_state("not a file of a plausible size");
	free(loaded);
	loaded_len = st.st_size;
	loaded = malloc(loaded_len);
	if (loaded == NULL)
		return -ENOMEM;
	while (got < loaded_len) {
		ssize_t n = pread(fd, loaded + got, loaded_len - got, got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vhost_crypto_upgrade_done();
			return bad_state("cannot be read whole");
		}
		got += n;
	}
	/* The keys are in here: the file goes as soon as it is read. */
	if (ftruncate(fd, 0) != 0)
		VC_LOG(WARNING, "upgrade state: cannot empty file %d: %s", fd, strerror(errno));
	close(fd);
	rc = state_check(loaded, loaded_len);
	loaded_ok = rc == 0;
	if (rc != 0)
		vhost_crypto_upgrade_done();
	return rc;
}

/* An instance's first record, its records' end, or NULL. */
static struct vc_state_instance *
find_instance(const char *path, size_t *recs, size_t *end)
{
	struct vc_state_instance *found = NULL;
	size_t off = sizeof(struct vc_state_hdr);
	uint32_t type, size;
	uint8_t *body;

	if (loaded == NULL)
		return NULL;
	while ((body = (uint8_t *)(uintptr_t)next_rec(loaded, loaded_len, &off, &type,
						       &size)) != NULL) {
		if (type != VC_STATE_INSTANCE)
			continue;
		if (found != NULL) {
			*end = body - loaded - sizeof(struct vc_state_rec);
			return found;
		}
		if (strcmp(((struct vc_state_instance *)body)->path, path) == 0) {
			found = (struct vc_state_instance *)body;
			*recs = off;
		}
	}
	*end = loaded_len;
	return found;
}

/* The files of these MSG records belong to someone else now. */
static void
forget_files(uint8_t *buf, size_t len)
{
	size_t off = 0;
	uint32_t type, size, i;
	uint8_t *body;

	while ((body = (uint8_t *)(uintptr_t)next_rec(buf, len, &off, &type, &size)) != NULL)
		if (type == VC_STATE_MSG && size >= sizeof(struct vc_state_msg))
			for (i = 0; i < VHOST_USER_MEMORY_MAX_NREGIONS; i++)
				((struct vc_state_msg *)body)->fds[i] = -1;
}

struct vc_adopt *
vc_adopt_take(const char *path)
{
	struct vc_state_instance *in;
	struct vc_adopt *a;
	size_t recs = 0, end = 0;

	in = find_instance(path, &recs, &end);
	if (in == NULL)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->client = in->client;
	a->listen_fd = in->listen_fd;
	a->front_fd = in->front_fd;
	a->len = end - recs;
	a->recs = malloc(a->len ? a->len : 1);
	if (a->recs == NULL) {
		free(a);
		return NULL;
	}
	memcpy(a->recs, loaded + recs, a->len);
	/* Taken: vhost_crypto_upgrade_done() leaves its files alone. */
	in->path[0] = '\0';
	in->listen_fd = in->front_fd = -1;
	forget_files(loaded + recs, a->len);
	/* Ours from here: not for whatever this daemon runs one day. */
	if (a->listen_fd >= 0)
		fcntl(a->listen_fd, F_SETFD, FD_CLOEXEC);
	if (a->front_fd >= 0)
		fcntl(a->front_fd, F_SETFD, FD_CLOEXEC);
	return a;
}

int
vc_adopt_listen_fd(const struct vc_adopt *a)
{
	return a->listen_fd;
}

bool
vc_adopt_client(const struct vc_adopt *a)
{
	return a->client;
}

int
vc_adopt_take_front(struct vc_adopt *a)
{
	int fd = a->front_fd;

	a->front_fd = -1;
	return fd;
}

void
vc_adopt_sessions(struct vhost_crypto *vc, struct vc_adopt *a)
{
	size_t off = 0;
	uint32_t type, size, nb = 0, failed = 0;
	const uint8_t *body;

	while ((body = next_rec(a->recs, a->len, &off, &type, &size)) != NULL) {
		const struct vc_state_session *ss = (const void *)body;
		struct vc_session_params p;
		int rc;

		if (type != VC_STATE_SESSION)
			continue;
		rc = vc_session_params_from_saved((const void *)(body + sizeof(*ss)),
						  size - sizeof(*ss), &p);
		if (rc == 0)
			rc = vc_session_create_at(&vc->sessions, &p, ss->id);
		if (rc != 0) {
			/* Its requests fail as an unknown session's would. */
			failed++;
			VC_LOG(ERR, "%s: upgrade: session %" PRIu64 " not created again: %s",
			       vc->path, ss->id, strerror(-rc));
			continue;
		}
		nb++;
	}
	/*
	 * Counters start again in a new build: these count as created here,
	 * so that created and destroyed still match once the frontend leaves.
	 */
	vc->stats.sessions_created += nb;
	vc->stats.session_errors += failed;
	VC_LOG(INFO, "%s: upgrade: %u sessions created again with their ids%s",
	       vc->path, nb, failed ? ", some failed" : "");
}

bool
vc_adopt_next_msg(struct vc_adopt *a, struct vhost_user_msg_hdr *hdr, uint8_t *payload,
		  size_t room, int *fds, unsigned int *nb_fds)
{
	uint32_t type, size;
	const uint8_t *body;

	while ((body = next_rec(a->recs, a->len, &a->next, &type, &size)) != NULL) {
		const struct vc_state_msg *m = (const void *)body;
		uint32_t i;

		if (type != VC_STATE_MSG || m->hdr.size > room)
			continue;
		*hdr = m->hdr;
		memcpy(payload, body + sizeof(*m), m->hdr.size);
		for (i = 0; i < m->nb_fds; i++) {
			fds[i] = m->fds[i];
			/* The files are the caller's now: not closed again. */
			((struct vc_state_msg *)(uintptr_t)m)->fds[i] = -1;
			fcntl(fds[i], F_SETFD, FD_CLOEXEC);
		}
		*nb_fds = m->nb_fds;
		return true;
	}
	return false;
}

/* Close the files of what was not taken, and forget. */
static void
close_recs(uint8_t *buf, size_t len, size_t off)
{
	uint32_t type, size, i;
	uint8_t *body;

	while ((body = (uint8_t *)(uintptr_t)next_rec(buf, len, &off, &type, &size)) != NULL) {
		if (type == VC_STATE_INSTANCE) {
			struct vc_state_instance *in = (void *)body;

			if (in->path[0] != '\0')
				VC_LOG(WARNING, "upgrade: %s is not served any more: its "
				       "frontend is disconnected", in->path);
			if (in->listen_fd >= 0)
				close(in->listen_fd);
			if (in->front_fd >= 0)
				close(in->front_fd);
			in->listen_fd = in->front_fd = -1;
		} else if (type == VC_STATE_MSG && size >= sizeof(struct vc_state_msg)) {
			struct vc_state_msg *m = (void *)body;

			for (i = 0; i < m->nb_fds && i < VHOST_USER_MEMORY_MAX_NREGIONS; i++)
				if (m->fds[i] >= 0)
					close(m->fds[i]);
		}
	}
}

void
vc_adopt_free(struct vc_adopt *a)
{
	if (a == NULL)
		return;
	close_recs(a->recs, a->len, 0);
	if (a->front_fd >= 0)
		close(a->front_fd);
	explicit_bzero(a->recs, a->len);
	free(a->recs);
	free(a);
}

void
vhost_crypto_upgrade_done(void)
{
	if (loaded == NULL)
		return;
	/* Only a state that was checked names files known to be ours. */
	if (loaded_ok)
		close_recs(loaded, loaded_len, sizeof(struct vc_state_hdr));
	loaded_ok = false;
	explicit_bzero(loaded, loaded_len);
	free(loaded);
	loaded = NULL;
	loaded_len = 0;
}
