/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The device core, shared by every transport: the virtio handshake
 * (reset, features, configuration, queues, DRIVER_OK), capabilities from
 * what the device accepts (virtio_crypto_offer.c), and the cryptodev
 * device and queue-pair operations.
 *
 * The device is brought up when the application configures the cryptodev,
 * not when it starts it, so that sessions (control queue) work between
 * configure and start, as applications expect. Configuring again with the
 * same queue count keeps the device as it is; another count resets it.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_pause.h>
#include <rte_version.h>

#include "dpdk_driver_abi.h"
#include "virtio_crypto_algs.h"
#include "virtio_crypto_capabilities.h"
#include "virtio_crypto_hw.h"
#include "virtio_crypto_log.h"
#include "virtio_crypto_qp.h"
#include "virtio_crypto_session.h"

#define VC_DEFAULT_QUEUE_SIZE	256
#define VC_CTRLQ_SIZE		16

/* The one cryptodev driver every transport's devices belong to. */
static struct rte_driver crypto_virtio_driver_name = { .name = "crypto_virtio" };
static struct cryptodev_driver crypto_virtio_cryptodev_driver;
static uint8_t crypto_virtio_driver_id;

RTE_INIT(crypto_virtio_register_cryptodev_driver)
{
	crypto_virtio_driver_id = rte_cryptodev_allocate_driver(
		&crypto_virtio_cryptodev_driver, &crypto_virtio_driver_name);
}

static struct virtio_crypto_hw *
dev_hw(struct rte_cryptodev *dev)
{
	return dev->data->dev_private;
}

void
virtio_crypto_hw_set_broken(struct virtio_crypto_hw *hw, const char *why)
{
	/* Queue pairs on several lcores may find it at once: one line. */
	if (!__atomic_exchange_n(&hw->broken, true, __ATOMIC_SEQ_CST))
		VIRTIO_CRYPTO_LOG(driver, ERR, "%s: device unusable: %s", hw->name, why);
}

/* ------------------------------------------------------------------ */
/* Queues                                                              */
/* ------------------------------------------------------------------ */

static void
vq_free(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq)
{
	if (vq == NULL)
		return;
	if (hw->ops->del_queue != NULL)
		hw->ops->del_queue(hw, vq);
	rte_memzone_free(vq->mz);
	rte_free(vq->slots);
	rte_free(vq);
}

static struct virtio_crypto_vq *
vq_alloc(struct virtio_crypto_hw *hw, uint16_t index, uint16_t want, int socket_id)
{
	uint16_t max = hw->ops->queue_size_max(hw, index);
	bool packed = vc_hw_has_feature(hw, VIRTIO_F_RING_PACKED);
	char name[RTE_MEMZONE_NAMESIZE];
	struct virtio_crypto_vq *vq;
	uint16_t size;

	if (max == 0) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: device has no queue %u", hw->name, index);
		return NULL;
	}
	size = want == 0 || want > max ? max : want;
	/* Split rings must be a power of two; we keep both layouts so. */
	size = rte_align32prevpow2(size);
	vq = rte_zmalloc_socket("virtio_crypto_vq", sizeof(*vq), RTE_CACHE_LINE_SIZE, socket_id);
	if (vq == NULL)
		return NULL;
	vq->slots = rte_zmalloc_socket("virtio_crypto_slots", sizeof(*vq->slots) * size,
				       RTE_CACHE_LINE_SIZE, socket_id);
	snprintf(name, sizeof(name), "vc_%u_q%u", hw->dev_id, index);
	vq->mz = rte_memzone_reserve_aligned(name, vc_vq_ring_bytes(size, packed), socket_id,
					     RTE_MEMZONE_IOVA_CONTIG, 4096);
	if (vq->slots == NULL || vq->mz == NULL) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: no memory for queue %u", hw->name, index);
		goto fail;
	}
	vc_vq_init(vq, index, size, packed, vc_hw_has_feature(hw, VIRTIO_F_INDIRECT_DESC),
		   vc_hw_has_feature(hw, VIRTIO_F_EVENT_IDX), vq->mz->addr,
		   vc_hw_addr(hw, vq->mz->addr, vq->mz->iova), vq->slots);
	vc_vq_set_in_order(vq, vc_hw_has_feature(hw, VIRTIO_F_IN_ORDER));
	if (hw->ops->setup_queue(hw, vq) != 0) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: device refused queue %u", hw->name, index);
		goto fail;
	}
	return vq;
fail:
	rte_memzone_free(vq->mz);
	rte_free(vq->slots);
	rte_free(vq);
	return NULL;
}

/* Reset the device and forget every queue. */
static void
hw_reset(struct virtio_crypto_hw *hw)
{
	uint16_t i;

	if (hw->transport_closed)
		return;		/* nothing left to reset: queues went with it */
	hw->ops->set_status(hw, 0);
	for (i = 0; i < hw->nb_queues; i++)
		vq_free(hw, hw->dataq[i]);
	rte_free(hw->dataq);
	hw->dataq = NULL;
	hw->nb_queues = 0;
	vq_free(hw, hw->ctrlq);
	hw->ctrlq = NULL;
}

/*
 * Reset under live queue pairs: the device lets go of the rings first,
 * then what it held is failed back to the application (nothing lost), and
 * the queue pairs forget the freed rings until the next configure.
 */
static void
dev_reset(struct rte_cryptodev *dev, const char *why)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	uint16_t i;

	if (!hw->transport_closed)
		hw->ops->set_status(hw, 0);
	for (i = 0; i < dev->data->nb_queue_pairs; i++) {
		struct virtio_crypto_qp *qp = dev->data->queue_pairs[i];

		if (qp != NULL && qp->vq != NULL) {
			vc_qp_fail_inflight(qp);
			qp->vq = NULL;
		}
	}
	hw_reset(hw);
	if (why != NULL)
		virtio_crypto_hw_set_broken(hw, why);
}

/* After a bring-up, queue pairs that survive it use the new rings. */
static void
dev_attach_queue_pairs(struct rte_cryptodev *dev)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	uint16_t i;

	for (i = 0; i < dev->data->nb_queue_pairs; i++) {
		struct virtio_crypto_qp *qp = dev->data->queue_pairs[i];

		if (qp != NULL)
			qp->vq = i < hw->nb_queues ? hw->dataq[i] : NULL;
	}
}

/* ------------------------------------------------------------------ */
/* Handshake                                                           */
/* ------------------------------------------------------------------ */

static uint64_t
wanted_features(const struct virtio_crypto_hw *hw)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) |
		     (1ULL << VIRTIO_F_INDIRECT_DESC) |
		     (1ULL << VIRTIO_F_EVENT_IDX) |
		     (1ULL << VIRTIO_CRYPTO_F_REVISION_1) |
		     (1ULL << VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE) |
		     (1ULL << VIRTIO_CRYPTO_F_HASH_STATELESS_MODE) |
		     (1ULL << VIRTIO_CRYPTO_F_MAC_STATELESS_MODE) |
		     (1ULL << VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE);

	if (hw->want_packed)
		f |= 1ULL << VIRTIO_F_RING_PACKED;
	if (hw->want_in_order)
		f |= 1ULL << VIRTIO_F_IN_ORDER;
	if (!hw->use_va)
		f |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	return f;
}

/*
 * Queue pairs to offer: the device's data queues, within the transport's
 * limit and the ones that answered right at probe (vc_offer_queues()).
 */
static void
hw_set_queue_pairs(struct virtio_crypto_hw *hw)
{
	hw->max_queue_pairs = hw->max_dataqueues;
	if (hw->queues_limit != 0)
		hw->max_queue_pairs = RTE_MIN(hw->max_queue_pairs, hw->queues_limit);
	if (hw->queues_answering != 0)
		hw->max_queue_pairs = RTE_MIN(hw->max_queue_pairs, hw->queues_answering);
}

/*
 * Reset, acknowledge, negotiate the features wanted that the device offers
 * and read the configuration.
 */
static int
hw_negotiate(struct virtio_crypto_hw *hw, uint64_t want)
{
	uint64_t offered;
	uint8_t status;
	int rc;

	hw->ops->set_status(hw, 0);
	hw->ops->set_status(hw, VIRTIO_STATUS_ACK);
	hw->ops->set_status(hw, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
	offered = hw->ops->get_features(hw);
	hw->features = offered & want;
	/* Stateless requests have the REVISION_1 layouts only. */
	if (!vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_REVISION_1))
		hw->features &= ~((1ULL << VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE) |
				  (1ULL << VIRTIO_CRYPTO_F_HASH_STATELESS_MODE) |
				  (1ULL << VIRTIO_CRYPTO_F_MAC_STATELESS_MODE) |
				  (1ULL << VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE));
	rc = hw->ops->set_features(hw, hw->features);
	if (rc != 0)
		return rc;
	status = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
	hw->ops->set_status(hw, status);
	if (!(hw->ops->get_status(hw) & VIRTIO_STATUS_FEATURES_OK)) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: device refused features 0x%" PRIx64,
				  hw->name, hw->features);
		return -EPROTO;
	}
	rc = hw->ops->read_config(hw, 0, &hw->config, sizeof(hw->config));
	if (rc != 0)
		return rc;
	if (hw->session_services != 0)
		hw->config.crypto_services = rte_cpu_to_le_32(
			rte_le_to_cpu_32(hw->config.crypto_services) & hw->session_services);
	hw->max_dataqueues = rte_le_to_cpu_32(hw->config.max_dataqueues);
	hw_set_queue_pairs(hw);
	if (hw->max_dataqueues == 0) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: device has no data queue", hw->name);
		return -EPROTO;
	}
	VIRTIO_CRYPTO_LOG(init, INFO, "%s: features offered 0x%" PRIx64 " negotiated 0x%" PRIx64
			  ", %u data queues, services 0x%x, max request %" PRIu64 " bytes",
			  hw->name, offered, hw->features, hw->max_dataqueues,
			  rte_le_to_cpu_32(hw->config.crypto_services),
			  rte_le_to_cpu_64(hw->config.max_size));
	return 0;
}

static void
hw_fail(struct virtio_crypto_hw *hw)
{
	hw->ops->set_status(hw, VIRTIO_STATUS_FAILED);
}

/* Negotiate, set up the control queue and nb data queues, go live. */
static int
hw_bring_up(struct virtio_crypto_hw *hw, uint16_t nb, int socket_id)
{
	uint16_t i;
	int rc;

	hw_reset(hw);
	hw->broken = false;
	rc = hw_negotiate(hw, wanted_features(hw));
	if (rc != 0)
		goto fail;
	rc = -ENOMEM;
	hw->dataq = rte_zmalloc_socket("virtio_crypto_dataq", sizeof(*hw->dataq) * nb,
				       RTE_CACHE_LINE_SIZE, socket_id);
	if (hw->dataq == NULL)
		goto fail;
	for (i = 0; i < nb; i++) {
		hw->dataq[i] = vq_alloc(hw, i, hw->queue_size, socket_id);
		if (hw->dataq[i] == NULL)
			goto fail;
		hw->nb_queues++;
	}
	if (!hw->sessions_by_transport) {
		/* The control queue follows the last data queue the device has. */
		hw->ctrlq = vq_alloc(hw, hw->max_dataqueues, VC_CTRLQ_SIZE, socket_id);
		if (hw->ctrlq == NULL)
			goto fail;
	}
	hw->ops->set_status(hw, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER |
			    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	if (!(hw->ops->get_status(hw) & VIRTIO_STATUS_DRIVER_OK) ||
	    (hw->ops->get_status(hw) & VIRTIO_STATUS_NEEDS_RESET)) {
		rc = -EIO;
		goto fail;
	}
	return 0;
fail:
	VIRTIO_CRYPTO_LOG(init, ERR, "%s: bring-up failed: %s", hw->name, strerror(-rc));
	hw_fail(hw);
	hw_reset(hw);
	return rc;
}

/* Capabilities and feature flags from what the device accepted. */
static int
hw_describe(struct virtio_crypto_hw *hw)
{
	uint32_t services = rte_le_to_cpu_32(hw->offered.crypto_services);
	int n = virtio_crypto_capabilities_from_config(&hw->offered, hw->caps, RTE_DIM(hw->caps));
	bool stateless = false;
	unsigned int s;

	if (n < 0)
		return n;
	hw->feature_flags = RTE_CRYPTODEV_FF_SYMMETRIC_CRYPTO |
			    RTE_CRYPTODEV_FF_SYM_OPERATION_CHAINING |
			    RTE_CRYPTODEV_FF_IN_PLACE_SGL |
			    RTE_CRYPTODEV_FF_OOP_SGL_IN_SGL_OUT |
			    RTE_CRYPTODEV_FF_OOP_SGL_IN_LB_OUT |
			    RTE_CRYPTODEV_FF_OOP_LB_IN_SGL_OUT |
			    RTE_CRYPTODEV_FF_OOP_LB_IN_LB_OUT;
	for (s = VIRTIO_CRYPTO_SERVICE_CIPHER; s <= VIRTIO_CRYPTO_SERVICE_AEAD; s++)
		if ((services & (1u << s)) &&
		    vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE + s))
			stateless = true;
	if (stateless)
		hw->feature_flags |= RTE_CRYPTODEV_FF_SYM_SESSIONLESS;
	if (virtio_crypto_config_has_alg(&hw->offered, virtio_crypto_alg_find(
			VIRTIO_CRYPTO_SERVICE_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA)))
		hw->feature_flags |= RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO |
				     RTE_CRYPTODEV_FF_RSA_PRIV_OP_KEY_QT |
				     (hw->rsa_hash_named ? 0 : RTE_CRYPTODEV_FF_RSA_PRIV_OP_KEY_EXP);
	return 0;
}

/* ------------------------------------------------------------------ */
/* A transport that reconnects                                         */
/* ------------------------------------------------------------------ */

void
virtio_crypto_hw_link_down(struct virtio_crypto_hw *hw)
{
	unsigned int failed = 0;
	uint16_t i;

	/*
	 * QUIESCE first, without dev_lock: a session request waiting on the
	 * lost backend with dev_lock held sees it and gives up.
	 */
	hw->link = VC_LINK_QUIESCE;
	vc_bursts_barrier(hw);
	pthread_mutex_lock(&hw->dev_lock);
	/* not dev->data's array: the application may be reconfiguring it */
	for (i = 0; i < hw->nb_qps; i++) {
		struct virtio_crypto_qp *qp = hw->qps[i];

		if (qp == NULL)
			continue;
		while (__atomic_load_n(&qp->in_burst, __ATOMIC_ACQUIRE))
			rte_pause();
		if (qp->vq != NULL) {
			failed += qp->vq->size - qp->vq->nb_free;
			vc_qp_fail_inflight(qp);
		}
	}
	__atomic_store_n(&hw->link, VC_LINK_DOWN, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&hw->dev_lock);
	VIRTIO_CRYPTO_LOG(driver, WARNING, "%s: backend lost; ops it held failed back "
			  "(%u descriptors); waiting for it to come back", hw->name, failed);
}

/*
 * A configuration that offers at least what another did: every service
 * and algorithm, keys and requests as large, and the same data queues.
 */
static bool
config_covers(const struct virtio_crypto_config *now, const struct virtio_crypto_config *was)
{
	const rte_le32_t *masks[][2] = {
		{ &now->crypto_services, &was->crypto_services },
		{ &now->cipher_algo_l, &was->cipher_algo_l },
		{ &now->cipher_algo_h, &was->cipher_algo_h },
		{ &now->hash_algo, &was->hash_algo },
		{ &now->mac_algo_l, &was->mac_algo_l },
		{ &now->mac_algo_h, &was->mac_algo_h },
		{ &now->aead_algo, &was->aead_algo },
		{ &now->akcipher_algo, &was->akcipher_algo },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(masks); i++)
		if ((*masks[i][0] & *masks[i][1]) != *masks[i][1])
			return false;
	return (rte_le_to_cpu_32(now->status) & VIRTIO_CRYPTO_S_HW_READY) &&
	       /* the control queue's index is the data queue count */
	       now->max_dataqueues == was->max_dataqueues &&
	       rte_le_to_cpu_32(now->max_cipher_key_len) >=
			rte_le_to_cpu_32(was->max_cipher_key_len) &&
	       rte_le_to_cpu_32(now->max_auth_key_len) >= rte_le_to_cpu_32(was->max_auth_key_len) &&
	       rte_le_to_cpu_64(now->max_size) >= rte_le_to_cpu_64(was->max_size);
}

/*
 * The backend reached again must still be the device the application was
 * shown: the features negotiated before, and a configuration offering at
 * least as much. The device keeps being what it was shown as.
 */
static int
hw_renegotiate(struct virtio_crypto_hw *hw)
{
	struct virtio_crypto_config was = hw->config;
	uint64_t features = hw->features;
	int rc = hw_negotiate(hw, features);

	if (rc != 0)
		return rc;
	if (hw->features != features || !config_covers(&hw->config, &was)) {
		VIRTIO_CRYPTO_LOG(driver, ERR, "%s: the backend reached again is another device "
				  "(%s); the device stays down until that backend goes, or "
				  "the application creates the device anew", hw->name,
				  hw->features != features ? "features missing" :
							     "a configuration offering less");
		rc = -EPROTO;
	}
	hw->features = features;
	hw->config = was;
	hw->max_dataqueues = rte_le_to_cpu_32(was.max_dataqueues);
	hw_set_queue_pairs(hw);
	return rc;
}

/* Every ring from its start, as a new backend takes it (SET_VRING_BASE 0). */
static void
vq_restart(struct virtio_crypto_vq *vq)
{
	bool in_order = vq->in_order;

	vc_vq_init(vq, vq->index, vq->size, vq->packed_ring, vq->indirect, vq->event_idx,
		   vq->mz->addr, vq->desc_addr, vq->slots);
	vc_vq_set_in_order(vq, in_order);
}

int
virtio_crypto_hw_reconnected(struct virtio_crypto_hw *hw)
{
	uint16_t i;
	int rc;

	pthread_mutex_lock(&hw->dev_lock);
	hw->link = VC_LINK_REBUILD;
	rc = hw_renegotiate(hw);
	if (rc == 0 && hw->nb_queues > 0) {
		for (i = 0; i < hw->nb_queues; i++)
			vq_restart(hw->dataq[i]);
		if (hw->ctrlq != NULL)
			vq_restart(hw->ctrlq);
		hw->ops->set_status(hw, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER |
				    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
		if (!(hw->ops->get_status(hw) & VIRTIO_STATUS_DRIVER_OK))
			rc = -EIO;
	}
	if (rc == 0) {
		hw->broken = false;
		/* a device never configured has no way to make them, nor use them */
		if (hw->nb_queues > 0 || hw->sessions_by_transport)
			rc = vc_sessions_remake(hw);
	}
	if (rc == 0) {
		__atomic_store_n(&hw->link, VC_LINK_UP, __ATOMIC_RELEASE);
		VIRTIO_CRYPTO_LOG(driver, WARNING, "%s: backend back; device up again",
				  hw->name);
	} else {
		hw->ops->set_status(hw, VIRTIO_STATUS_FAILED);
		hw->link = VC_LINK_DOWN;
		VIRTIO_CRYPTO_LOG(driver, ERR, "%s: the backend reached again could not take "
				  "the device: %s", hw->name, strerror(-rc));
	}
	pthread_mutex_unlock(&hw->dev_lock);
	return rc;
}

/* ------------------------------------------------------------------ */
/* cryptodev operations                                                */
/* ------------------------------------------------------------------ */

static int
vc_dev_configure(struct rte_cryptodev *dev, struct rte_cryptodev_config *config)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	int rc;

	if (config->nb_queue_pairs == 0 || config->nb_queue_pairs > hw->max_queue_pairs) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: %u queue pairs asked, device offers %u",
				  hw->name, config->nb_queue_pairs, hw->max_queue_pairs);
		return -EINVAL;
	}
	pthread_mutex_lock(&hw->dev_lock);
	if (hw->nb_queues == config->nb_queue_pairs && !hw->broken) {
		rc = 0;
	} else if (hw->link != VC_LINK_UP) {
		rc = -ENOTCONN;		/* the transport is reconnecting */
	} else {
		dev_reset(dev, NULL);
		rc = hw_bring_up(hw, config->nb_queue_pairs, config->socket_id);
		if (rc == 0)
			dev_attach_queue_pairs(dev);
	}
	pthread_mutex_unlock(&hw->dev_lock);
	return rc;
}

static int
vc_dev_start(struct rte_cryptodev *dev)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	uint16_t i;

	if (hw->broken || hw->nb_queues == 0)
		return -EIO;
	for (i = 0; i < dev->data->nb_queue_pairs; i++)
		if (dev->data->queue_pairs[i] == NULL)
			return -EINVAL;
	return 0;
}

static void
vc_dev_stop(struct rte_cryptodev *dev)
{
	/* The device keeps running: ops it holds are still dequeued. */
}

static void qp_release(struct rte_cryptodev *dev, uint16_t qp_id);

static int
vc_dev_close(struct rte_cryptodev *dev)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	uint16_t i;

	pthread_mutex_lock(&hw->dev_lock);
	dev_reset(dev, NULL);
	for (i = 0; i < dev->data->nb_queue_pairs; i++)
		qp_release(dev, i);
	hw->broken = false;
	pthread_mutex_unlock(&hw->dev_lock);
	return 0;
}

static void
vc_dev_infos_get(struct rte_cryptodev *dev, struct rte_cryptodev_info *info)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);

	info->driver_id = crypto_virtio_driver_id;
	info->feature_flags = hw->feature_flags;
	info->capabilities = hw->caps;
	info->max_nb_queue_pairs = hw->max_queue_pairs;
	info->sym.max_nb_sessions = 0;		/* the device's table decides */
	info->min_mbuf_headroom_req = 0;
	info->min_mbuf_tailroom_req = 0;
}

static void
vc_stats_get(struct rte_cryptodev *dev, struct rte_cryptodev_stats *stats)
{
	uint16_t i;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < dev->data->nb_queue_pairs; i++) {
		const struct virtio_crypto_qp *qp = dev->data->queue_pairs[i];

		if (qp == NULL)
			continue;
		stats->enqueued_count += qp->stats.enqueued_count;
		stats->dequeued_count += qp->stats.dequeued_count;
		stats->enqueue_err_count += qp->stats.enqueue_err_count;
		stats->dequeue_err_count += qp->stats.dequeue_err_count;
	}
}

static void
vc_stats_reset(struct rte_cryptodev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_queue_pairs; i++) {
		struct virtio_crypto_qp *qp = dev->data->queue_pairs[i];

		if (qp != NULL)
			memset(&qp->stats, 0, sizeof(qp->stats));
	}
}

struct area_init_arg {
	bool use_va;
};

static void
area_init(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	const struct area_init_arg *a = arg;
	struct vc_request_area *area = obj;

	memset(area, 0, sizeof(*area));
	area->addr = a->use_va ? (uint64_t)(uintptr_t)obj : rte_mempool_virt2iova(obj);
}

static void
qp_release(struct rte_cryptodev *dev, uint16_t qp_id)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	struct virtio_crypto_qp *qp = dev->data->queue_pairs[qp_id];

	if (qp == NULL)
		return;
	/*
	 * Areas the device still holds must not return to a freed pool: a
	 * reset takes them back first.
	 */
	if (qp->vq != NULL && qp->vq->nb_free != qp->vq->size)
		dev_reset(dev, "queue pair released with ops in flight; configure it again");
	rte_ring_free(qp->done);
	rte_mempool_free(qp->areas);
	rte_free(qp);
	dev->data->queue_pairs[qp_id] = NULL;
	if (qp_id < hw->nb_qps)
		hw->qps[qp_id] = NULL;
}

static int
vc_qp_release(struct rte_cryptodev *dev, uint16_t qp_id)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);

	pthread_mutex_lock(&hw->dev_lock);
	qp_release(dev, qp_id);
	pthread_mutex_unlock(&hw->dev_lock);
	return 0;
}

static int
qp_setup(struct rte_cryptodev *dev, uint16_t qp_id,
	 const struct rte_cryptodev_qp_conf *conf, int socket_id)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	struct area_init_arg arg = { .use_va = hw->use_va };
	char name[RTE_MEMPOOL_NAMESIZE];
	struct virtio_crypto_qp *qp;
	uint32_t nb;

	if (qp_id >= hw->nb_queues)
		return -EINVAL;
	qp_release(dev, qp_id);
	if (qp_id >= hw->nb_queues)	/* a release with ops in flight reset it */
		return -EIO;

	qp = rte_zmalloc_socket("virtio_crypto_qp", sizeof(*qp), RTE_CACHE_LINE_SIZE,
				socket_id);
	if (qp == NULL)
		return -ENOMEM;
	qp->hw = hw;
	qp->vq = hw->dataq[qp_id];
	qp->qp_id = qp_id;
	/* As many ops in flight as the application asked, and the ring holds. */
	nb = RTE_MAX(conf->nb_descriptors, (uint32_t)qp->vq->size);
	nb = rte_align32pow2(nb + 1);
	snprintf(name, sizeof(name), "vc_%u_qp%u_req", hw->dev_id, qp_id);
	qp->areas = rte_mempool_create(name, nb - 1, sizeof(struct vc_request_area),
				       RTE_MIN(256u, (nb - 1) / 2), 0, NULL, NULL,
				       area_init, &arg, socket_id, 0);
	qp->nb_areas = nb - 1;
	snprintf(name, sizeof(name), "vc_%u_qp%u_done", hw->dev_id, qp_id);
	/*
	 * Ops finished without the device: the whole pool's worth (a device
	 * that fails what it holds) and as much again of ops rejected before
	 * reaching it, which only ever take the second half.
	 */
	qp->done = rte_ring_create(name, rte_align32pow2(2 * nb + VC_MAX_BURST), socket_id,
				   RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (qp->areas == NULL || qp->done == NULL) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: queue pair %u: %s", hw->name, qp_id,
				  rte_strerror(rte_errno));
		rte_mempool_free(qp->areas);
		rte_ring_free(qp->done);
		rte_free(qp);
		return -ENOMEM;
	}
	dev->data->queue_pairs[qp_id] = qp;
	if (qp_id < hw->nb_qps)
		hw->qps[qp_id] = qp;
	return 0;
}

static int
vc_qp_setup(struct rte_cryptodev *dev, uint16_t qp_id,
	    const struct rte_cryptodev_qp_conf *conf, int socket_id)
{
	struct virtio_crypto_hw *hw = dev_hw(dev);
	int rc;

	pthread_mutex_lock(&hw->dev_lock);
	rc = qp_setup(dev, qp_id, conf, socket_id);
	pthread_mutex_unlock(&hw->dev_lock);
	return rc;
}

static struct rte_cryptodev_ops virtio_crypto_dev_ops = {
	.dev_configure = vc_dev_configure,
	.dev_start = vc_dev_start,
	.dev_stop = vc_dev_stop,
	.dev_close = vc_dev_close,
	.dev_infos_get = vc_dev_infos_get,
	.stats_get = vc_stats_get,
	.stats_reset = vc_stats_reset,
	.queue_pair_setup = vc_qp_setup,
	.queue_pair_release = vc_qp_release,
	.sym_session_get_size = vc_sym_session_get_size,
	.asym_session_get_size = vc_asym_session_get_size,
	.sym_session_configure = vc_sym_session_configure,
	.asym_session_configure = vc_asym_session_configure,
	.sym_session_clear = vc_sym_session_clear,
	.asym_session_clear = vc_asym_session_clear,
};

/* ------------------------------------------------------------------ */
/* Create and destroy                                                  */
/* ------------------------------------------------------------------ */

/*
 * Whether the running DPDK is a release (YEAR.MONTH) whose driver headers
 * dpdk_driver_abi.h was checked against, and the one the PMD was built
 * with (our declarations follow RTE_VERSION). Point releases keep the
 * layouts, so 22.11.1 and 22.11.11 are the same release here.
 */
bool
virtio_crypto_release_checked(const char *name)
{
	int year = 0, month = 0;

	if (sscanf(rte_version(), "%*s %d.%d", &year, &month) != 2) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: cannot read the DPDK release from \"%s\"; "
				  "refusing the device", name, rte_version());
		return false;
	}
	if (!VC_DRIVER_ABI_CHECKED(year, month)) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: %s (release %d.%02d): the PMD's layouts of "
				  "DPDK's driver structures have not been checked against this "
				  "release; refusing the device", name, rte_version(), year, month);
		return false;
	}
	if (year != RTE_VER_YEAR || month != RTE_VER_MONTH) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: %s runs a PMD built for DPDK %d.%02d; "
				  "refusing the device", name, rte_version(),
				  RTE_VER_YEAR, RTE_VER_MONTH);
		return false;
	}
	return true;
}

/* Our declarations of DPDK's internal structures against the library's. */
static bool
abi_agrees(const struct rte_cryptodev *dev, const char *name, const struct rte_device *device)
{
	uint8_t id;

	return rte_cryptodev_get_dev_id(name) == (int)dev->data->dev_id &&
	       (id = dev->data->dev_id, strcmp(rte_cryptodev_name_get(id), name) == 0) &&
	       dev->device == device &&
	       rte_cryptodev_pmd_get_named_dev(name) == dev &&
	       rte_cryptodev_asym_get_header_session_size() == VC_ASYM_SESSION_PRIV_OFFSET;
}

int
virtio_crypto_dev_create(const char *name, struct rte_device *device,
			 const struct virtio_crypto_hw *tmpl, int socket_id,
			 struct virtio_crypto_hw **hw_out)
{
	struct rte_cryptodev_pmd_init_params params = {
		.private_data_size = sizeof(struct virtio_crypto_hw),
		.socket_id = socket_id,
		.max_nb_queue_pairs = 1,
	};
	struct virtio_crypto_hw *hw;
	struct rte_cryptodev *dev;
	int rc;

	/* Before handing DPDK any structure of ours. */
	if (!virtio_crypto_release_checked(name))
		return -ENOTSUP;
	snprintf(params.name, sizeof(params.name), "%s", name);
	dev = rte_cryptodev_pmd_create(name, device, &params);
	if (dev == NULL)
		return -ENODEV;
	if (!abi_agrees(dev, name, device)) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: this DPDK's driver structures differ from "
				  "the ones the PMD was built for; refusing the device", name);
		rte_cryptodev_pmd_destroy(dev);
		return -ENOTSUP;
	}
	hw = dev->data->dev_private;
	*hw = *tmpl;
	hw->dev_id = dev->data->dev_id;
	snprintf(hw->name, sizeof(hw->name), "%s", name);
	if (hw->ctrl_timeout_ms == 0)
		hw->ctrl_timeout_ms = 10000;
	pthread_mutex_init(&hw->ctrl_lock, NULL);
	pthread_mutex_init(&hw->dev_lock, NULL);
	TAILQ_INIT(&hw->session_copies);
	hw->link = VC_LINK_UP;
	hw->qps = NULL;
	hw->nb_qps = 0;

	rc = -ENOMEM;
	snprintf(params.name, sizeof(params.name), "vc_%u_ctrl", hw->dev_id);
	hw->ctrl_mz = rte_memzone_reserve_aligned(params.name, VIRTIO_CRYPTO_CTRL_BUF_SIZE,
						  socket_id, RTE_MEMZONE_IOVA_CONTIG, 4096);
	if (hw->ctrl_mz == NULL)
		goto fail;
	hw->ctrl_buf = hw->ctrl_mz->addr;
	hw->ctrl_buf_addr = vc_hw_addr(hw, hw->ctrl_mz->addr, hw->ctrl_mz->iova);

	/* Live once with every queue, to try sessions and queues; configure starts anew. */
	rc = hw_negotiate(hw, wanted_features(hw));
	if (rc == 0)
		rc = hw_bring_up(hw, hw->max_queue_pairs, socket_id);
	if (rc == 0) {
		rc = vc_offer_discover(hw);
		if (rc == 0)
			rc = vc_offer_queues(hw);
		hw_reset(hw);
		hw_set_queue_pairs(hw);
	}
	if (rc == 0)
		rc = hw_describe(hw);
	if (rc == 0) {
		hw->qps = rte_zmalloc_socket("virtio_crypto_qps",
					     sizeof(*hw->qps) * hw->max_queue_pairs,
					     RTE_CACHE_LINE_SIZE, socket_id);
		hw->nb_qps = hw->max_queue_pairs;
		rc = hw->qps != NULL ? 0 : -ENOMEM;
	}
	if (rc != 0)
		goto fail;

	dev->driver_id = crypto_virtio_driver_id;
	dev->dev_ops = &virtio_crypto_dev_ops;
	dev->enqueue_burst = vc_enqueue_burst;
	dev->dequeue_burst = vc_dequeue_burst;
	dev->feature_flags = hw->feature_flags;
	rte_cryptodev_pmd_probing_finish(dev);
	*hw_out = hw;
	VIRTIO_CRYPTO_LOG(init, INFO, "%s: %s transport, %u data queues", name,
			  hw->ops->name, hw->max_dataqueues);
	return 0;
fail:
	VIRTIO_CRYPTO_LOG(init, ERR, "%s: %s", name, strerror(-rc));
	hw->ops->set_status(hw, VIRTIO_STATUS_FAILED);
	rte_memzone_free(hw->ctrl_mz);
	hw->ctrl_mz = NULL;
	rte_free(hw->qps);
	hw->qps = NULL;
	hw->nb_qps = 0;
	pthread_mutex_destroy(&hw->dev_lock);
	pthread_mutex_destroy(&hw->ctrl_lock);
	rte_cryptodev_pmd_destroy(dev);
	return rc;
}

int
virtio_crypto_dev_destroy(const char *name)
{
	struct rte_cryptodev *dev = rte_cryptodev_pmd_get_named_dev(name);
	struct virtio_crypto_hw *hw;
	uint16_t i;

	if (dev == NULL)
		return -ENODEV;
	hw = dev->data->dev_private;
	/* Nothing of the transport's own may reconnect under what follows. */
	if (hw->ops->stop != NULL)
		hw->ops->stop(hw);
	/*
	 * The device first, while the transport is there to reset it; the
	 * close DPDK does on destroy then finds nothing left to undo.
	 */
	dev_reset(dev, NULL);
	for (i = 0; i < dev->data->nb_queue_pairs; i++)
		qp_release(dev, i);
	hw->nb_qps = 0;
	rte_free(hw->qps);
	hw->qps = NULL;
	vc_sessions_forget(hw);
	rte_memzone_free(hw->ctrl_mz);
	hw->ctrl_mz = NULL;
	if (hw->ops->close != NULL)
		hw->ops->close(hw);
	hw->transport_closed = true;
	/* dev_lock stays: DPDK's destroy closes the device (vc_dev_close) */
	pthread_mutex_destroy(&hw->ctrl_lock);
	return rte_cryptodev_pmd_destroy(dev);
}
