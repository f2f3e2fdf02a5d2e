/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The virtio-user transport: the device is a vhost-user backend on a unix
 * socket, and this process plays the part a VMM plays for a guest. Virtio
 * status changes become vhost-user messages (DRIVER_OK hands the rings and
 * our memory over; reset takes them back), the configuration comes from
 * GET_CONFIG, kicks are eventfd writes, and sessions go through the control
 * queue or, for backends made for QEMU's cryptodev-vhost-user, through the
 * vhost-user session messages in the payload layout that backend parses.
 *
 * vdev crypto_virtio_user<N>, devargs:
 *   path=SOCK          vhost-user socket (required)
 *   server=0|1         1: listen on path and wait for the backend (default 0)
 *   queues=N           queue pairs to offer at most (default: the device's)
 *   queue_size=N       ring size, a power of two (default 256)
 *   packed=0|1         use the packed ring when the backend offers it
 *   in_order=0|1       use VIRTIO_F_IN_ORDER when the backend offers it
 *                      (default 1)
 *   session=ctrlq|qemu-7.0|qemu-7.1|qemu-8.1
 *                      control queue (default), or session messages in the
 *                      payload layout of that QEMU release
 *   config=device|qemu device: the backend's configuration (GET_CONFIG)
 *                      when it offers one (default); qemu: play QEMU and its
 *                      guests, as backends made for them expect: never ask,
 *                      take the configuration QEMU's cryptodev-vhost-user
 *                      shows, and give each request field a descriptor of
 *                      its own (DPDK 22.11's vhost_crypto example drops a
 *                      frontend that asks, and parses field by descriptor)
 *   timeout=MS         wait this long for the backend to connect and for a
 *                      control queue request (default 10000); a vhost-user
 *                      reply that takes over 10 s means the backend is gone
 *
 * A backend that hangs up is waited for, connected to again (or accepted
 * again, server=1) and given the device as it was (the features negotiated
 * and at least the configuration shown, or it is left alone until it goes
 * in turn), rings from their start, every live session made again.
 * Meanwhile ops fail back and sessions cannot be made (virtio_crypto_hw.h,
 * enum vc_link). One that hangs up while the device is being probed (there
 * is no device yet to take down) has the probe start again on the next
 * backend, waited for as the first was.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "dpdk_driver_abi.h"
#include "vhost_user_crypto_wire.h"
#include "vhost_user_frontend.h"
#include "virtio_crypto_hw.h"
#include "virtio_crypto_log.h"
#include "virtio_crypto_qp.h"

#define VU_MAX_VRINGS		65	/* 64 data queues and the control queue */
#define VU_MAX_RING_SIZE	32768
#define VU_DEFAULT_RING_SIZE	256
#define VU_DEFAULT_TIMEOUT_MS	10000
#define VU_MONITOR_PERIOD_US	100000
/* Backends a probe may lose, each hanging up before the device was up, before it gives up. */
#define VU_PROBE_TRIES		5

#define VU_WANTED_PROTOCOL_FEATURES ((1ULL << VHOST_USER_PROTOCOL_F_MQ) | \
				     (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK) | \
				     (1ULL << VHOST_USER_PROTOCOL_F_CONFIG) | \
				     (1ULL << VHOST_USER_PROTOCOL_F_CRYPTO_SESSION))

enum session_layout {
	SESSIONS_CTRLQ,
	SESSIONS_QEMU_70,
	SESSIONS_QEMU_71,
	SESSIONS_QEMU_81,
};

struct virtio_user_dev {
	struct vhost_user_conn conn;
	uint64_t device_features;	/**< GET_FEATURES, with bit 30 */
	uint8_t status;
	bool rings_live;
	enum session_layout sessions;
	struct virtio_crypto_vq *vqs[VU_MAX_VRINGS];
	int kickfd[VU_MAX_VRINGS];
	int callfd[VU_MAX_VRINGS];
	struct virtio_crypto_hw *hw;	/**< the device's, once created */
	bool qemu_config;		/**< config=qemu */
	pthread_t monitor;
	bool monitor_running;
	volatile bool monitor_stop;
	char name[RTE_CRYPTODEV_NAME_MAX_LEN];
};

static struct virtio_user_dev *
vu(struct virtio_crypto_hw *hw)
{
	return hw->transport;
}

static bool
has_protocol_feature(const struct virtio_user_dev *d, unsigned int bit)
{
	return (d->conn.protocol_features >> bit) & 1;
}

/* ------------------------------------------------------------------ */
/* Transport operations                                                */
/* ------------------------------------------------------------------ */

static uint64_t
vu_get_features(struct virtio_crypto_hw *hw)
{
	return vu(hw)->device_features & ~(1ULL << VHOST_USER_F_PROTOCOL_FEATURES);
}

static int
vu_set_features(struct virtio_crypto_hw *hw, uint64_t features)
{
	struct virtio_user_dev *d = vu(hw);

	features |= d->device_features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES);
	return vhost_user_set_u64(&d->conn, VHOST_USER_SET_FEATURES, features);
}

/*
 * What a backend without the CONFIG protocol feature gets: the
 * configuration QEMU's cryptodev-vhost-user shows its guests.
 */
static void
qemu_vhost_user_config(struct virtio_crypto_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->status = rte_cpu_to_le_32(VIRTIO_CRYPTO_S_HW_READY);
	cfg->max_dataqueues = rte_cpu_to_le_32(1);
	cfg->crypto_services = rte_cpu_to_le_32((1u << VIRTIO_CRYPTO_SERVICE_CIPHER) |
						(1u << VIRTIO_CRYPTO_SERVICE_HASH) |
						(1u << VIRTIO_CRYPTO_SERVICE_MAC));
	cfg->cipher_algo_l = rte_cpu_to_le_32(1u << VIRTIO_CRYPTO_CIPHER_AES_CBC);
	cfg->hash_algo = rte_cpu_to_le_32(1u << VIRTIO_CRYPTO_HASH_SHA1);
	cfg->mac_algo_l = rte_cpu_to_le_32(1u << VIRTIO_CRYPTO_MAC_HMAC_SHA1);
	cfg->max_cipher_key_len = rte_cpu_to_le_32(VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN);
	cfg->max_auth_key_len = rte_cpu_to_le_32(VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN);
	cfg->max_size = rte_cpu_to_le_64(UINT32_MAX);
}

static int
vu_read_config(struct virtio_crypto_hw *hw, uint32_t offset, void *buf, uint32_t len)
{
	struct virtio_user_dev *d = vu(hw);
	struct vhost_user_config_payload req, reply;
	uint32_t hdr = offsetof(struct vhost_user_config_payload, region);
	struct virtio_crypto_config cfg;
	int rc;

	if (!has_protocol_feature(d, VHOST_USER_PROTOCOL_F_CONFIG)) {
		if (offset + len > sizeof(cfg))
			return -EINVAL;
		qemu_vhost_user_config(&cfg);
		memcpy(buf, (uint8_t *)&cfg + offset, len);
		return 0;
	}
	if (len > sizeof(req.region))
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.offset = offset;
	req.size = len;
	rc = vhost_user_request(&d->conn, VHOST_USER_GET_CONFIG, &req, hdr + len, NULL, 0,
				&reply, hdr + len, false);
	if (rc != 0)
		return rc;
	if (reply.size != len)
		return -EPROTO;
	memcpy(buf, reply.region, len);
	return 0;
}

static uint8_t
vu_get_status(struct virtio_crypto_hw *hw)
{
	return vu(hw)->status;
}

/* Take every ring back: GET_VRING_BASE stops the backend using it. */
static void
stop_rings(struct virtio_user_dev *d)
{
	struct vhost_user_vring_state st;
	unsigned int i;

	if (!d->rings_live)
		return;
	for (i = 0; i < VU_MAX_VRINGS; i++) {
		if (d->vqs[i] == NULL)
			continue;
		st.index = i;
		st.num = 0;
		vhost_user_request(&d->conn, VHOST_USER_GET_VRING_BASE, &st, sizeof(st),
				   NULL, 0, &st, sizeof(st), false);
	}
	d->rings_live = false;
}

static int
start_ring(struct virtio_user_dev *d, struct virtio_crypto_vq *vq)
{
	struct vhost_user_vring_state st = { .index = vq->index };
	struct vhost_user_vring_addr addr = {
		.index = vq->index,
		.desc = vq->desc_addr,
		.avail = vq->driver_area_addr,
		.used = vq->device_area_addr,
	};
	struct vhost_user_conn *c = &d->conn;
	int rc;

	st.num = vq->size;
	rc = vhost_user_request(c, VHOST_USER_SET_VRING_NUM, &st, sizeof(st), NULL, 0,
				NULL, 0, true);
	/* Packed rings start with both wrap counters at 1 (bit 15 of the base). */
	st.num = vq->packed_ring ? 1u << 15 : 0;
	if (rc == 0)
		rc = vhost_user_request(c, VHOST_USER_SET_VRING_BASE, &st, sizeof(st), NULL, 0,
					NULL, 0, true);
	if (rc == 0)
		rc = vhost_user_request(c, VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), NULL,
					0, NULL, 0, true);
	if (rc == 0)
		rc = vhost_user_request(c, VHOST_USER_SET_VRING_KICK, &(uint64_t){ vq->index },
					sizeof(uint64_t), &d->kickfd[vq->index], 1, NULL, 0,
					true);
	if (rc == 0)
		rc = vhost_user_request(c, VHOST_USER_SET_VRING_CALL, &(uint64_t){ vq->index },
					sizeof(uint64_t), &d->callfd[vq->index], 1, NULL, 0,
					true);
	if (rc == 0 && (d->device_features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES))) {
		st.num = 1;
		rc = vhost_user_request(c, VHOST_USER_SET_VRING_ENABLE, &st, sizeof(st), NULL,
					0, NULL, 0, true);
	}
	return rc;
}

static int
start_rings(struct virtio_user_dev *d)
{
	unsigned int i;
	int rc;

	rc = vhost_user_set_mem_table(&d->conn, false);
	for (i = 0; i < VU_MAX_VRINGS && rc == 0; i++)
		if (d->vqs[i] != NULL)
			rc = start_ring(d, d->vqs[i]);
	d->rings_live = true;	/* whatever started must be stopped */
	return rc;
}

static int
vu_set_status(struct virtio_crypto_hw *hw, uint8_t status)
{
	struct virtio_user_dev *d = vu(hw);
	int rc = 0;

	if (status == 0 || (status & VIRTIO_STATUS_FAILED))
		stop_rings(d);
	if ((status & VIRTIO_STATUS_DRIVER_OK) && !(d->status & VIRTIO_STATUS_DRIVER_OK)) {
		rc = start_rings(d);
		if (rc != 0)
			status = (status & ~VIRTIO_STATUS_DRIVER_OK) | VIRTIO_STATUS_FAILED;
	}
	d->status = status;
	return rc;
}

static uint16_t
vu_queue_size_max(struct virtio_crypto_hw *hw, uint16_t index)
{
	return index < VU_MAX_VRINGS ? VU_MAX_RING_SIZE : 0;
}

static void
vu_del_queue(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq)
{
	struct virtio_user_dev *d = vu(hw);

	if (vq->index >= VU_MAX_VRINGS || d->vqs[vq->index] != vq)
		return;
	close(d->kickfd[vq->index]);
	close(d->callfd[vq->index]);
	d->kickfd[vq->index] = -1;
	d->callfd[vq->index] = -1;
	d->vqs[vq->index] = NULL;
}

static int
vu_setup_queue(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq)
{
	struct virtio_user_dev *d = vu(hw);
	unsigned int i = vq->index;

	if (i >= VU_MAX_VRINGS || d->vqs[i] != NULL)
		return -EINVAL;
	/*
	 * We never wait on the call fd (we poll), but backends want one; it is
	 * non-blocking so a backend that signals anyway never stalls on it.
	 */
	d->kickfd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->callfd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->kickfd[i] < 0 || d->callfd[i] < 0) {
		if (d->kickfd[i] >= 0)
			close(d->kickfd[i]);
		if (d->callfd[i] >= 0)
			close(d->callfd[i]);
		return -errno;
	}
	d->vqs[i] = vq;
	vq->notify = (void *)(intptr_t)d->kickfd[i];
	return 0;
}

static void
vu_notify_queue(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is saturated: the backend has been told. */
	if (write((int)(intptr_t)vq->notify, &one, sizeof(one)) < 0 && errno != EAGAIN)
		VIRTIO_CRYPTO_LOG(driver, ERR, "%s: kick of queue %u failed", hw->name, vq->index);
}

/* ------------------------------------------------------------------ */
/* Session messages (QEMU cryptodev-vhost-user compatible backends)    */
/* ------------------------------------------------------------------ */

/* The symmetric fields every layout carries, from a control request. */
static int
sym_info_from_request(const struct vc_session_request *s, struct vhost_user_crypto_sym_info *i)
{
	const struct virtio_crypto_sym_create_session_req *sym = &s->req.u.sym_create_session;
	const struct virtio_crypto_cipher_session_para *cp;
	uint32_t op_type = rte_le_to_cpu_32(sym->op_type);

	memset(i, 0, sizeof(*i));
	if (rte_le_to_cpu_32(s->req.header.opcode) != VIRTIO_CRYPTO_CIPHER_CREATE_SESSION)
		return -ENOTSUP;	/* QEMU's messages carry cipher sessions and chains */
	if (s->cipher_key_len > VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN ||
	    s->auth_key_len > VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN)
		return -ENOTSUP;
	i->op_type = op_type;
	if (op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		cp = &sym->u.cipher.para;
	} else {
		const struct virtio_crypto_alg_chain_session_para *ch = &sym->u.chain.para;

		cp = &ch->cipher_param;
		i->hash_mode = rte_le_to_cpu_32(ch->hash_mode);
		i->alg_chain_order = rte_le_to_cpu_32(ch->alg_chain_order);
		i->hash_alg = rte_le_to_cpu_32(ch->u.hash_param.algo);
		i->hash_result_len = rte_le_to_cpu_32(ch->u.hash_param.hash_result_len);
		i->auth_key_len = s->auth_key_len;
		i->aad_len = rte_le_to_cpu_32(ch->aad_len);
	}
	i->cipher_alg = rte_le_to_cpu_32(cp->algo);
	i->key_len = s->cipher_key_len;
	i->direction = rte_le_to_cpu_32(cp->op);
	return 0;
}

union session_payload {
	struct vhost_user_crypto_session_v70 v70;
	struct vhost_user_crypto_session_v71 v71;
	struct vhost_user_crypto_session_v81 v81;
};

static int
encode_session(enum session_layout layout, const struct vc_session_request *s,
	       union session_payload *m, uint32_t *size, int64_t **id)
{
	struct vhost_user_crypto_sym_info i;
	uint32_t opcode = rte_le_to_cpu_32(s->req.header.opcode);
	int rc;

	memset(m, 0, sizeof(*m));
	if (layout == SESSIONS_QEMU_81 && opcode == VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION) {
		const struct virtio_crypto_akcipher_session_para *p =
			&s->req.u.akcipher_create_session.para;

		if (s->cipher_key_len > VHOST_USER_CRYPTO_MAX_ASYM_KEY_LEN)
			return -ENOTSUP;
		m->v81.op_code = opcode;
		m->v81.u.asym.info.algo = rte_le_to_cpu_32(p->algo);
		m->v81.u.asym.info.keytype = rte_le_to_cpu_32(p->keytype);
		m->v81.u.asym.info.keylen = s->cipher_key_len;
		m->v81.u.asym.info.u.rsa.padding_algo = rte_le_to_cpu_32(p->u.rsa.padding_algo);
		m->v81.u.asym.info.u.rsa.hash_algo = rte_le_to_cpu_32(p->u.rsa.hash_algo);
		memcpy(m->v81.u.asym.key, s->cipher_key, s->cipher_key_len);
		*size = sizeof(m->v81);
		*id = &m->v81.session_id;
		return 0;
	}
	rc = sym_info_from_request(s, &i);
	if (rc != 0)
		return rc;
	switch (layout) {
	case SESSIONS_QEMU_70:
		m->v70.info.op_code = opcode;
		m->v70.info.cipher_alg = i.cipher_alg;
		m->v70.info.key_len = i.key_len;
		m->v70.info.hash_alg = i.hash_alg;
		m->v70.info.hash_result_len = i.hash_result_len;
		m->v70.info.auth_key_len = i.auth_key_len;
		m->v70.info.aad_len = i.aad_len;
		m->v70.info.op_type = i.op_type;
		m->v70.info.direction = i.direction;
		m->v70.info.hash_mode = i.hash_mode;
		m->v70.info.alg_chain_order = i.alg_chain_order;
		memcpy(m->v70.key, s->cipher_key, s->cipher_key_len);
		memcpy(m->v70.auth_key, s->auth_key, s->auth_key_len);
		*size = sizeof(m->v70);
		*id = &m->v70.session_id;
		return 0;
	case SESSIONS_QEMU_71:
		m->v71.info = i;
		memcpy(m->v71.key, s->cipher_key, s->cipher_key_len);
		memcpy(m->v71.auth_key, s->auth_key, s->auth_key_len);
		*size = sizeof(m->v71);
		*id = &m->v71.session_id;
		return 0;
	case SESSIONS_QEMU_81:
		m->v81.op_code = opcode;
		m->v81.u.sym.info = i;
		memcpy(m->v81.u.sym.key, s->cipher_key, s->cipher_key_len);
		memcpy(m->v81.u.sym.auth_key, s->auth_key, s->auth_key_len);
		*size = sizeof(m->v81);
		*id = &m->v81.session_id;
		return 0;
	default:
		return -ENOTSUP;
	}
}

static int
vu_create_session(struct virtio_crypto_hw *hw, const struct vc_session_request *s,
		  uint64_t *session_id)
{
	struct virtio_user_dev *d = vu(hw);
	union session_payload m;
	uint32_t size;
	int64_t *id;
	int rc;

	rc = encode_session(d->sessions, s, &m, &size, &id);
	if (rc == 0)
		rc = vhost_user_request(&d->conn, VHOST_USER_CREATE_CRYPTO_SESSION, &m, size,
					NULL, 0, &m, size, false);
	if (rc == 0 && *id < 0) {
		VIRTIO_CRYPTO_LOG(session, ERR, "%s: backend refused the session (%" PRId64 ")",
				  hw->name, *id);
		rc = -EIO;
	}
	if (rc == 0)
		*session_id = *id;
	explicit_bzero(&m, sizeof(m));
	return rc;
}

static int
vu_destroy_session(struct virtio_crypto_hw *hw, uint64_t session_id)
{
	struct vhost_user_crypto_close m = { .session_id = session_id };

	return vhost_user_request(&vu(hw)->conn, VHOST_USER_CLOSE_CRYPTO_SESSION, &m,
				  sizeof(m), NULL, 0, NULL, 0, true);
}

static void
vu_stop(struct virtio_crypto_hw *hw)
{
	struct virtio_user_dev *d = vu(hw);

	if (d->monitor_running) {
		d->monitor_stop = true;
		pthread_join(d->monitor, NULL);
		d->monitor_running = false;
	}
}

static void
vu_close(struct virtio_crypto_hw *hw)
{
	struct virtio_user_dev *d = vu(hw);

	vu_stop(hw);
	rte_mem_event_callback_unregister(d->name, d);
	vhost_user_disconnect(&d->conn);
	pthread_mutex_destroy(&d->conn.lock);
	rte_free(d);
	hw->transport = NULL;
}

static const struct virtio_crypto_transport_ops virtio_user_ops = {
	.name = "virtio-user",
	.get_features = vu_get_features,
	.set_features = vu_set_features,
	.read_config = vu_read_config,
	.get_status = vu_get_status,
	.set_status = vu_set_status,
	.queue_size_max = vu_queue_size_max,
	.setup_queue = vu_setup_queue,
	.del_queue = vu_del_queue,
	.notify_queue = vu_notify_queue,
	.create_session = vu_create_session,
	.destroy_session = vu_destroy_session,
	.stop = vu_stop,
	.close = vu_close,
};

/* ------------------------------------------------------------------ */
/* Backend watch and memory hotplug                                    */
/* ------------------------------------------------------------------ */

static int vhost_user_hello(struct virtio_user_dev *d, bool qemu_config);

/*
 * One try at a backend again, waiting VU_MONITOR_PERIOD_US for one to be
 * there: 0 once the device is up on it.
 */
static int
backend_again(struct virtio_user_dev *d)
{
	int rc = vhost_user_reconnect(&d->conn, VU_MONITOR_PERIOD_US / 1000);

	if (rc != 0)
		return rc;
	rc = vhost_user_hello(d, d->qemu_config);
	if (rc == 0 && d->sessions != SESSIONS_CTRLQ &&
	    !has_protocol_feature(d, VHOST_USER_PROTOCOL_F_CRYPTO_SESSION)) {
		VIRTIO_CRYPTO_LOG(driver, ERR, "%s: the backend reached again has no crypto "
				  "session messages", d->name);
		rc = -ENOTSUP;
	}
	if (rc == 0)
		rc = virtio_crypto_hw_reconnected(d->hw);
	return rc;
}

/*
 * A backend that hangs up fails back what it holds, nothing lost, and the
 * device waits for the next one. A backend that cannot take the device (not
 * the device it was) is left alone until it hangs up in turn.
 */
static void *
monitor_backend(void *arg)
{
	struct virtio_user_dev *d = arg;
	enum { WATCHING, RECONNECTING, REFUSED } state = WATCHING;

	while (!d->monitor_stop) {
		switch (state) {
		case WATCHING:
		case REFUSED:
			if (!vhost_user_hung_up(&d->conn))
				break;
			if (state == WATCHING) {
				d->rings_live = false;	/* nothing to take back from it */
				virtio_crypto_hw_link_down(d->hw);
			}
			state = RECONNECTING;
			continue;
		case RECONNECTING:
			if (backend_again(d) == 0)
				state = WATCHING;
			else if (!vhost_user_hung_up(&d->conn))
				state = REFUSED;
			break;
		}
		usleep(VU_MONITOR_PERIOD_US);
	}
	return NULL;
}

/* Memory DPDK adds later (a new mempool) must be mapped by the backend too. */
static void
memory_changed(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	struct virtio_user_dev *d = arg;

	if (!d->rings_live || d->hw == NULL || d->hw->broken)
		return;
	if (vhost_user_set_mem_table(&d->conn, true) != 0)
		virtio_crypto_hw_set_broken(d->hw, "memory table update failed");
}

/* ------------------------------------------------------------------ */
/* vdev probe and remove                                               */
/* ------------------------------------------------------------------ */

struct devargs {
	char path[108];
	bool server;
	bool packed;
	bool in_order;
	uint16_t queues;
	uint16_t queue_size;
	unsigned int timeout_ms;
	enum session_layout sessions;
	bool qemu_config;
};

static const char *const valid_args[] = {
	"path", "server", "queues", "queue_size", "packed", "in_order", "session", "config",
	"timeout", NULL,
};

static int
parse_uint_arg(const char *key, const char *value, void *out)
{
	unsigned long *v = out;
	char *end;

	errno = 0;
	*v = strtoul(value, &end, 0);
	if (errno != 0 || end == value || *end != '\0' || value[0] == '-') {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s=%s: not a number", key, value);
		return -EINVAL;
	}
	return 0;
}

static int
parse_string_arg(const char *key, const char *value, void *out)
{
	snprintf(out, 108, "%s", value);
	return 0;
}

static int
uint_arg(struct rte_kvargs *kv, const char *key, unsigned long min, unsigned long max,
	 unsigned long *v)
{
	if (rte_kvargs_count(kv, key) == 0)
		return 0;
	if (rte_kvargs_count(kv, key) > 1 || rte_kvargs_process(kv, key, parse_uint_arg, v) != 0)
		return -EINVAL;
	if (*v < min || *v > max) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s=%lu: must be %lu to %lu", key, *v, min, max);
		return -EINVAL;
	}
	return 0;
}

/*
 * A key whose value is one of names[]: its index in *idx (left as it is if
 * the key is absent).
 */
static int
choice_arg(struct rte_kvargs *kv, const char *key, const char *const *names,
	   unsigned int nb, unsigned int *idx)
{
	char value[108], allowed[128] = "";
	unsigned int i;

	if (rte_kvargs_count(kv, key) == 0)
		return 0;
	if (rte_kvargs_count(kv, key) > 1)
		return -EINVAL;
	rte_kvargs_process(kv, key, parse_string_arg, value);
	for (i = 0; i < nb; i++) {
		if (strcmp(value, names[i]) == 0) {
			*idx = i;
			return 0;
		}
		snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed), "%s%s",
			 i == 0 ? "" : i + 1 < nb ? ", " : " or ", names[i]);
	}
	VIRTIO_CRYPTO_LOG(init, ERR, "%s=%s: must be %s", key, value, allowed);
	return -EINVAL;
}

static int
parse_devargs(const char *args, struct devargs *a)
{
	static const char *const layouts[] = {
		[SESSIONS_CTRLQ] = "ctrlq",
		[SESSIONS_QEMU_70] = "qemu-7.0",
		[SESSIONS_QEMU_71] = "qemu-7.1",
		[SESSIONS_QEMU_81] = "qemu-8.1",
	};
	enum { CONFIG_DEVICE, CONFIG_QEMU };
	static const char *const configs[] = {
		[CONFIG_DEVICE] = "device",
		[CONFIG_QEMU] = "qemu",
	};
	struct rte_kvargs *kv = rte_kvargs_parse(args ? args : "", valid_args);
	unsigned long server = 0, packed = 0, in_order = 1, queues = 0;
	unsigned long size = VU_DEFAULT_RING_SIZE;
	unsigned long timeout = VU_DEFAULT_TIMEOUT_MS;
	unsigned int session = SESSIONS_CTRLQ, config = CONFIG_DEVICE;
	int rc = -EINVAL;

	if (kv == NULL) {
		VIRTIO_CRYPTO_LOG(init, ERR, "bad arguments '%s' (known: path, server, queues, "
				  "queue_size, packed, in_order, session, config, timeout)", args);
		return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	if (rte_kvargs_count(kv, "path") != 1) {
		VIRTIO_CRYPTO_LOG(init, ERR, "path=SOCKET is required, once");
		goto out;
	}
	rte_kvargs_process(kv, "path", parse_string_arg, a->path);
	if (choice_arg(kv, "session", layouts, RTE_DIM(layouts), &session) ||
	    choice_arg(kv, "config", configs, RTE_DIM(configs), &config))
		goto out;
	if (uint_arg(kv, "server", 0, 1, &server) || uint_arg(kv, "packed", 0, 1, &packed) ||
	    uint_arg(kv, "in_order", 0, 1, &in_order) ||
	    uint_arg(kv, "queues", 1, VU_MAX_VRINGS - 1, &queues) ||
	    uint_arg(kv, "queue_size", 2, VU_MAX_RING_SIZE, &size) ||
	    uint_arg(kv, "timeout", 1, 3600 * 1000, &timeout))
		goto out;
	if (!rte_is_power_of_2(size)) {
		VIRTIO_CRYPTO_LOG(init, ERR, "queue_size=%lu: must be a power of two", size);
		goto out;
	}
	a->sessions = session;
	a->qemu_config = config == CONFIG_QEMU;
	a->server = server;
	a->packed = packed;
	a->in_order = in_order;
	a->queues = queues;
	a->queue_size = size;
	a->timeout_ms = timeout;
	rc = 0;
out:
	rte_kvargs_free(kv);
	return rc;
}

/* SET_OWNER, features and protocol features: what the device is. */
static int
vhost_user_hello(struct virtio_user_dev *d, bool qemu_config)
{
	uint64_t pf;
	int rc;

	rc = vhost_user_request(&d->conn, VHOST_USER_SET_OWNER, NULL, 0, NULL, 0, NULL, 0,
				false);
	if (rc == 0)
		rc = vhost_user_get_u64(&d->conn, VHOST_USER_GET_FEATURES, &d->device_features);
	if (rc != 0)
		return rc;
	if (!(d->device_features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)))
		return 0;
	rc = vhost_user_get_u64(&d->conn, VHOST_USER_GET_PROTOCOL_FEATURES, &pf);
	if (rc != 0)
		return rc;
	pf &= VU_WANTED_PROTOCOL_FEATURES;
	/* Without CONFIG the configuration is QEMU's (vu_read_config). */
	if (qemu_config)
		pf &= ~(1ULL << VHOST_USER_PROTOCOL_F_CONFIG);
	rc = vhost_user_request(&d->conn, VHOST_USER_SET_PROTOCOL_FEATURES, &pf, sizeof(pf),
				NULL, 0, NULL, 0, false);
	if (rc == 0)
		d->conn.protocol_features = pf;
	return rc;
}

/*
 * Reach a backend and create the device on it. *had_backend: a backend
 * was reached (a failure after that may be its going away).
 */
static int
probe_on_backend(struct virtio_user_dev *d, struct rte_vdev_device *vdev,
		 const struct devargs *a, bool *had_backend)
{
	const char *name = d->name;
	struct virtio_crypto_hw tmpl;
	int rc;

	rc = vhost_user_connect(&d->conn, a->path, a->server, a->timeout_ms);
	if (rc != 0) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: no vhost-user backend %s %s: %s", name,
				  a->server ? "connected to" : "at", a->path, strerror(-rc));
		return rc;
	}
	*had_backend = true;
	rc = vhost_user_hello(d, a->qemu_config);
	if (rc == 0 && a->sessions != SESSIONS_CTRLQ &&
	    !has_protocol_feature(d, VHOST_USER_PROTOCOL_F_CRYPTO_SESSION)) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: session=%s needs a backend with crypto "
				  "session messages; this one has none", name,
				  a->sessions == SESSIONS_QEMU_70 ? "qemu-7.0" :
				  a->sessions == SESSIONS_QEMU_71 ? "qemu-7.1" : "qemu-8.1");
		rc = -ENOTSUP;
	}
	if (rc != 0)
		return rc;

	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.ops = &virtio_user_ops;
	tmpl.transport = d;
	tmpl.use_va = true;
	tmpl.sessions_by_transport = a->sessions != SESSIONS_CTRLQ;
	tmpl.desc_per_field = a->qemu_config;
	/*
	 * QEMU's messages carry cipher sessions and chains (HASH and MAC stay
	 * offered for the chains' auth part), and RSA from the 8.1 layout on.
	 */
	if (tmpl.sessions_by_transport)
		tmpl.session_services = (1u << VIRTIO_CRYPTO_SERVICE_CIPHER) |
			(1u << VIRTIO_CRYPTO_SERVICE_HASH) | (1u << VIRTIO_CRYPTO_SERVICE_MAC) |
			(a->sessions == SESSIONS_QEMU_81 ? 1u << VIRTIO_CRYPTO_SERVICE_AKCIPHER : 0);
	tmpl.want_packed = a->packed;
	tmpl.want_in_order = a->in_order;
	tmpl.queue_size = a->queue_size;
	tmpl.queues_limit = a->queues;
	tmpl.ctrl_timeout_ms = a->timeout_ms;
	tmpl.keep_sessions = true;	/* made again on the backend after a reconnect */
	if (vc_bursts_barrier_register() != 0) {
		VIRTIO_CRYPTO_LOG(init, INFO, "%s: no membarrier (%s): bursts fence themselves",
				  name, strerror(errno));
		tmpl.burst_fence = true;
	}
	return virtio_crypto_dev_create(name, &vdev->device, &tmpl, rte_socket_id(), &d->hw);
}

static int
virtio_user_probe(struct rte_vdev_device *vdev)
{
	const char *name;
	const struct rte_devargs *da;
	struct virtio_user_dev *d;
	unsigned int i, tries;
	struct devargs a;
	bool lost;
	int rc;

	/* Before reading the device through our declaration of it. */
	if (!virtio_crypto_release_checked("crypto_virtio_user"))
		return -ENOTSUP;
	name = rte_dev_name(&vdev->device);
	da = rte_dev_devargs(&vdev->device);
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: only a primary process can drive a vhost-user "
				  "device", name);
		return -ENOTSUP;
	}
	/*
	 * The backend maps our memory through the files behind it, at most
	 * VHOST_USER_MEMORY_MAX_NREGIONS of them. With a file per hugepage
	 * (EAL's default, --in-memory too) that is 16 MB: the probe would
	 * pass and the first larger allocation (an mbuf pool) could not be
	 * shared, failing every request after it. Say so now.
	 */
	if (rte_eal_has_hugepages() && !rte_mcfg_get_single_file_segments()) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: EAL keeps each hugepage in a file of its own, "
				  "more files than a vhost-user backend maps (%u); run with "
				  "--single-file-segments", name, VHOST_USER_MEMORY_MAX_NREGIONS);
		return -EINVAL;
	}
	rc = parse_devargs(da ? da->args : NULL, &a);
	if (rc != 0)
		return rc;
	d = rte_zmalloc("virtio_user_dev", sizeof(*d), RTE_CACHE_LINE_SIZE);
	if (d == NULL)
		return -ENOMEM;
	for (i = 0; i < VU_MAX_VRINGS; i++)
		d->kickfd[i] = d->callfd[i] = -1;
	d->sessions = a.sessions;
	d->qemu_config = a.qemu_config;
	snprintf(d->name, sizeof(d->name), "%s", name);

	/*
	 * The monitor that reconnects starts with the device: a backend lost
	 * before that (a restart under a slow probe) fails the probe's
	 * requests, and the probe starts again on the next one.
	 */
	for (tries = 1;; tries++) {
		bool had_backend = false;

		rc = probe_on_backend(d, vdev, &a, &had_backend);
		if (rc == 0)
			break;
		lost = had_backend && vhost_user_hung_up(&d->conn);
		vhost_user_disconnect(&d->conn);
		pthread_mutex_destroy(&d->conn.lock);
		if (!lost || tries == VU_PROBE_TRIES) {
			rte_free(d);
			return rc;
		}
		VIRTIO_CRYPTO_LOG(init, WARNING, "%s: the backend went away during the probe; "
				  "waiting for the next one", name);
	}

	rte_mem_event_callback_register(d->name, memory_changed, d);
	if (pthread_create(&d->monitor, NULL, monitor_backend, d) == 0)
		d->monitor_running = true;
	return 0;
}

static int
virtio_user_remove(struct rte_vdev_device *vdev)
{
	return virtio_crypto_dev_destroy(rte_dev_name(&vdev->device));
}

/*
 * Named crypto_virtio, like the PCI driver, so that tools selecting devices
 * by driver name (dpdk-test-crypto-perf --devtype crypto_virtio) find ours;
 * the alias is the vdev name users write.
 */
static struct rte_vdev_driver virtio_user_driver = {
	.driver = {
		.name = "crypto_virtio",
		.alias = "crypto_virtio_user",
	},
	.probe = virtio_user_probe,
	.remove = virtio_user_remove,
};

RTE_INIT(virtio_user_register)
{
	rte_vdev_register(&virtio_user_driver);
}
