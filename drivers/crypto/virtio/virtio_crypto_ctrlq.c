/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The control queue: one session request at a time, from whatever thread
 * creates or frees a session, waited for with a deadline. A request the
 * device never answers stays the device's (its buffer may still be
 * written), so a timeout marks the device broken rather than reusing it.
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "virtio_crypto_hw.h"
#include "virtio_crypto_log.h"

/* Layout of the control buffer: request, reply, indirect table, keys. */
#define CTRL_REQ_OFF		0
#define CTRL_REPLY_OFF		128
#define CTRL_KEYS_OFF		VC_CTRL_SCRATCH_OFF
#define CTRL_KEYS_MAX		(VIRTIO_CRYPTO_CTRL_BUF_SIZE - CTRL_KEYS_OFF)

int
vc_status_to_errno(uint32_t status)
{
	switch (status) {
	case VIRTIO_CRYPTO_OK:
		return 0;
	case VIRTIO_CRYPTO_ERR:
		return -EIO;
	case VIRTIO_CRYPTO_BADMSG:
		return -EBADMSG;
	case VIRTIO_CRYPTO_NOTSUPP:
		return -ENOTSUP;
	case VIRTIO_CRYPTO_INVSESS:
		return -ENOENT;
	case VIRTIO_CRYPTO_NOSPC:
		return -ENOSPC;
	case VIRTIO_CRYPTO_KEY_REJECTED:
		return -EKEYREJECTED;
	default:
		return -EPROTO;
	}
}

int
vc_ctrl_buf_submit(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq,
		   const struct vc_vq_buf *bufs, uint16_t nb_out, uint16_t nb_in,
		   uint32_t timeout_ms)
{
	uint64_t deadline;
	uint32_t len;
	void *done;
	int rc;

	if (!vc_hw_ctrl_usable(hw))
		return -EIO;
	if (vq->indirect && nb_out + nb_in > VC_CTRL_TABLE_ENTRIES)
		return -EINVAL;	/* the table would run into the scratch area */
	/* One request at a time: the buffer's table serves every one. */
	rc = vc_vq_add(vq, bufs, nb_out, nb_in, hw->ctrl_buf,
		       RTE_PTR_ADD(hw->ctrl_buf, VC_CTRL_TABLE_OFF),
		       hw->ctrl_buf_addr + VC_CTRL_TABLE_OFF);
	if (rc < 0)
		return rc;
	if (vc_vq_publish(vq))
		hw->ops->notify_queue(hw, vq);

	deadline = rte_get_timer_cycles() + rte_get_timer_hz() / 1000 * timeout_ms;
	while ((done = vc_vq_get_used(vq, &len)) == NULL) {
		/* a device that broke the ring answers nothing we can trust */
		if (vc_vq_broken(vq)) {
			virtio_crypto_hw_set_broken(hw, vq->broken_why);
			return -EIO;
		}
		/* a backend lost meanwhile never answers; its successor starts anew */
		if (!vc_hw_ctrl_usable(hw))
			return -EIO;
		if (rte_get_timer_cycles() > deadline)
			return -ETIMEDOUT;
		rte_pause();
	}
	return 0;
}

/*
 * Hand the request in the control buffer to the control queue and wait for
 * it. Called with ctrl_lock held.
 */
static int
ctrlq_submit(struct virtio_crypto_hw *hw, const struct vc_vq_buf *bufs,
	     uint16_t nb_out, uint16_t nb_in)
{
	int rc = vc_ctrl_buf_submit(hw, hw->ctrlq, bufs, nb_out, nb_in, hw->ctrl_timeout_ms);

	if (rc == -ETIMEDOUT)
		virtio_crypto_hw_set_broken(hw, "control queue request timed out");
	return rc;
}

int
vc_ctrlq_create_session(struct virtio_crypto_hw *hw,
			const struct vc_session_request *s, uint64_t *session_id)
{
	uint32_t opcode = rte_le_to_cpu_32(s->req.header.opcode);
	uint32_t req_len = virtio_crypto_ctrlq_req_len(opcode,
			vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_REVISION_1));
	uint8_t *buf = hw->ctrl_buf;
	struct virtio_crypto_session_input *in;
	struct vc_vq_buf bufs[4];
	uint16_t n = 0;
	uint32_t status;
	int rc;

	if (req_len == 0 || s->cipher_key_len + s->auth_key_len > CTRL_KEYS_MAX)
		return -EINVAL;

	pthread_mutex_lock(&hw->ctrl_lock);
	memcpy(buf + CTRL_REQ_OFF, &s->req, sizeof(s->req));
	bufs[n++] = (struct vc_vq_buf){ hw->ctrl_buf_addr + CTRL_REQ_OFF, req_len };
	if (s->cipher_key_len > 0) {
		memcpy(buf + CTRL_KEYS_OFF, s->cipher_key, s->cipher_key_len);
		bufs[n++] = (struct vc_vq_buf){ hw->ctrl_buf_addr + CTRL_KEYS_OFF,
						s->cipher_key_len };
	}
	if (s->auth_key_len > 0) {
		memcpy(buf + CTRL_KEYS_OFF + s->cipher_key_len, s->auth_key, s->auth_key_len);
		bufs[n++] = (struct vc_vq_buf){
			hw->ctrl_buf_addr + CTRL_KEYS_OFF + s->cipher_key_len,
			s->auth_key_len };
	}
	in = (struct virtio_crypto_session_input *)(buf + CTRL_REPLY_OFF);
	memset(in, 0, sizeof(*in));
	in->status = rte_cpu_to_le_32(VIRTIO_CRYPTO_ERR);
	bufs[n] = (struct vc_vq_buf){ hw->ctrl_buf_addr + CTRL_REPLY_OFF, sizeof(*in) };

	rc = ctrlq_submit(hw, bufs, n, 1);
	if (rc == 0) {
		status = rte_le_to_cpu_32(__atomic_load_n(&in->status, __ATOMIC_RELAXED));
		rc = vc_status_to_errno(status);
		*session_id = rte_le_to_cpu_64(in->session_id);
	}
	/* Keys do not outlive the request in our memory. */
	explicit_bzero(buf + CTRL_KEYS_OFF, s->cipher_key_len + s->auth_key_len);
	pthread_mutex_unlock(&hw->ctrl_lock);
	return rc;
}

int
vc_ctrlq_destroy_session(struct virtio_crypto_hw *hw, uint32_t service,
			 uint64_t session_id)
{
	static const uint32_t destroy_opcode[VIRTIO_CRYPTO_SERVICE_MAX] = {
		[VIRTIO_CRYPTO_SERVICE_CIPHER] = VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION,
		[VIRTIO_CRYPTO_SERVICE_HASH] = VIRTIO_CRYPTO_HASH_DESTROY_SESSION,
		[VIRTIO_CRYPTO_SERVICE_MAC] = VIRTIO_CRYPTO_MAC_DESTROY_SESSION,
		[VIRTIO_CRYPTO_SERVICE_AEAD] = VIRTIO_CRYPTO_AEAD_DESTROY_SESSION,
		[VIRTIO_CRYPTO_SERVICE_AKCIPHER] = VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION,
	};
	struct virtio_crypto_op_ctrl_req *req;
	struct virtio_crypto_inhdr *in;
	struct vc_vq_buf bufs[2];
	uint32_t opcode;
	int rc;

	if (service >= VIRTIO_CRYPTO_SERVICE_MAX)
		return -EINVAL;
	opcode = destroy_opcode[service];

	pthread_mutex_lock(&hw->ctrl_lock);
	req = (struct virtio_crypto_op_ctrl_req *)((uint8_t *)hw->ctrl_buf + CTRL_REQ_OFF);
	memset(req, 0, sizeof(*req));
	req->header.opcode = rte_cpu_to_le_32(opcode);
	req->u.destroy_session.session_id = rte_cpu_to_le_64(session_id);
	in = (struct virtio_crypto_inhdr *)((uint8_t *)hw->ctrl_buf + CTRL_REPLY_OFF);
	in->status = VIRTIO_CRYPTO_ERR;
	bufs[0] = (struct vc_vq_buf){ hw->ctrl_buf_addr + CTRL_REQ_OFF,
		virtio_crypto_ctrlq_req_len(opcode,
			vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_REVISION_1)) };
	bufs[1] = (struct vc_vq_buf){ hw->ctrl_buf_addr + CTRL_REPLY_OFF, sizeof(*in) };
	rc = ctrlq_submit(hw, bufs, 1, 1);
	if (rc == 0)
		rc = vc_status_to_errno(__atomic_load_n(&in->status, __ATOMIC_RELAXED));
	pthread_mutex_unlock(&hw->ctrl_lock);
	return rc;
}
