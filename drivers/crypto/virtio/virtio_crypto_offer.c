/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * What the PMD offers: the device's configuration, checked by trial
 * sessions before any application sees a capability.
 *
 * Devices do not always do what their configuration says. QEMU's builtin
 * backend names HASH and MAC algorithms and refuses every such session;
 * QEMU's vhost-user device names the MAC service with no MAC algorithm at
 * all, while its backend does chains with HMACs. An application that
 * believed the capabilities would fail at session creation, or never try
 * what works. So each symmetric algorithm is tried once, at the key size a
 * caller is most likely to use, and offered only if the device created the
 * session. A hash or MAC the device refuses alone is tried once more behind
 * a cipher it accepted: a device may do it in chains only (QEMU's control
 * queue takes chains and no MAC session), and a chain is how DPDK's
 * applications use it. RSA is tried on a public key, as DPDK signs (no
 * hash named: the DigestInfo is in the message) and else with a hash named,
 * which QEMU's builtin backend insists on (hw->rsa_hash_named).
 *
 * Queues too: each data queue gets one AES-128-CBC known answer, and only
 * the queues before the first wrong one are offered. QEMU's vhost-user
 * device (7.2 and 10) hands its backend the first queue only and fails the
 * requests of the others itself.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "virtio_crypto_algs.h"
#include "virtio_crypto_capabilities.h"
#include "virtio_crypto_hw.h"
#include "virtio_crypto_log.h"
#include "virtio_crypto_session.h"

/* A key no library takes for weak or degenerate (DES, 3DES and XTS halves differ). */
static const uint8_t trial_key[64] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88,
	0x09, 0xcf, 0x4f, 0x3c, 0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe,
	0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81, 0x1f, 0x35, 0x2c, 0x07,
	0x3b, 0x61, 0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11,
	0x73, 0x93, 0x17, 0x2a,
};

/*
 * Key length to try: a cipher's largest (3DES is three keys, XTS two),
 * a MAC's 16 bytes when allowed (HMACs take any length, CMAC 16 up).
 */
static uint16_t
trial_key_len(const struct rte_crypto_param_range *r, bool largest)
{
	uint16_t len = largest ? r->max : RTE_MIN(RTE_MAX(r->min, 16), r->max);

	if (r->increment != 0 && (len - r->min) % r->increment != 0)
		len = r->min;
	return RTE_MIN(len, sizeof(trial_key));
}

/* The transform a capability entry stands for, as an application would ask. */
static void
trial_xform(const struct rte_cryptodev_capabilities *cap, struct rte_crypto_sym_xform *x)
{
	memset(x, 0, sizeof(*x));
	x->type = cap->sym.xform_type;
	switch (x->type) {
	case RTE_CRYPTO_SYM_XFORM_CIPHER:
		x->cipher.algo = cap->sym.cipher.algo;
		x->cipher.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT;
		x->cipher.key.data = trial_key;
		x->cipher.key.length = trial_key_len(&cap->sym.cipher.key_size, true);
		x->cipher.iv.length = cap->sym.cipher.iv_size.max;
		break;
	case RTE_CRYPTO_SYM_XFORM_AUTH:
		x->auth.algo = cap->sym.auth.algo;
		x->auth.op = RTE_CRYPTO_AUTH_OP_GENERATE;
		x->auth.key.data = trial_key;
		x->auth.key.length = trial_key_len(&cap->sym.auth.key_size, false);
		x->auth.digest_length = cap->sym.auth.digest_size.max;
		break;
	case RTE_CRYPTO_SYM_XFORM_AEAD:
		x->aead.algo = cap->sym.aead.algo;
		x->aead.op = RTE_CRYPTO_AEAD_OP_ENCRYPT;
		x->aead.key.data = trial_key;
		x->aead.key.length = trial_key_len(&cap->sym.aead.key_size, true);
		x->aead.iv.length = cap->sym.aead.iv_size.max;
		x->aead.digest_length = cap->sym.aead.digest_size.max;
		x->aead.aad_length = RTE_MIN(16, cap->sym.aead.aad_size.max);
		break;
	default:
		break;
	}
}

static bool
config_names_service_alg(const struct virtio_crypto_config *cfg, uint32_t service)
{
	const struct virtio_crypto_alg *a;

	VIRTIO_CRYPTO_ALG_FOREACH(a)
		if (a->service == service && virtio_crypto_config_has_alg(cfg, a))
			return true;
	return false;
}

/* Every algorithm we know for a service the device names without algorithms. */
static void
widen_empty_services(struct virtio_crypto_config *cfg)
{
	uint32_t services = rte_le_to_cpu_32(cfg->crypto_services);
	const struct virtio_crypto_alg *a;
	uint32_t s;

	for (s = VIRTIO_CRYPTO_SERVICE_CIPHER; s <= VIRTIO_CRYPTO_SERVICE_AEAD; s++) {
		if (!(services & (1u << s)) || config_names_service_alg(cfg, s))
			continue;
		VIRTIO_CRYPTO_ALG_FOREACH(a)
			if (a->service == s && a->rte_algo >= 0)
				virtio_crypto_config_add_alg(cfg, a);
	}
}

static const struct virtio_crypto_alg *
cap_alg(const struct rte_cryptodev_capabilities *cap)
{
	int algo;

	switch (cap->sym.xform_type) {
	case RTE_CRYPTO_SYM_XFORM_CIPHER:
		algo = cap->sym.cipher.algo;
		break;
	case RTE_CRYPTO_SYM_XFORM_AUTH:
		algo = cap->sym.auth.algo;
		break;
	case RTE_CRYPTO_SYM_XFORM_AEAD:
		algo = cap->sym.aead.algo;
		break;
	default:
		return NULL;
	}
	return virtio_crypto_alg_find_sym(cap->sym.xform_type, algo);
}

/* A device that stops answering fails the probe; a refusal is an answer. */
static bool
device_lost(const struct virtio_crypto_hw *hw, int rc)
{
	return hw->broken || rc == -ETIMEDOUT || rc == -ENOTCONN || rc == -EPIPE ||
	       rc == -ECONNRESET;
}

static void
note_alg(char *list, size_t size, const char *name)
{
	size_t len = strlen(list);

	if (len < size)
		snprintf(list + len, size - len, "%s%s", len ? " " : "", name);
}

int
vc_offer_discover(struct virtio_crypto_hw *hw)
{
	struct rte_cryptodev_capabilities caps[VIRTIO_CRYPTO_MAX_CAPS];
	struct rte_crypto_sym_xform chain_cipher, x;
	char refused[512] = "", found[512] = "";
	const struct virtio_crypto_alg *a;
	bool have_cipher = false;
	unsigned int pass;
	int n, i, rc;

	hw->offered = hw->config;
	widen_empty_services(&hw->offered);
	n = virtio_crypto_capabilities_from_config(&hw->offered, caps, RTE_DIM(caps));
	if (n < 0)
		return n;

	/* Ciphers and AEADs first: a refused hash or MAC is retried behind a cipher. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			bool auth;

			if (caps[i].op != RTE_CRYPTO_OP_TYPE_SYMMETRIC)
				continue;
			auth = caps[i].sym.xform_type == RTE_CRYPTO_SYM_XFORM_AUTH;
			if (auth != (pass == 1))
				continue;
			a = cap_alg(&caps[i]);
			if (a == NULL)
				continue;
			trial_xform(&caps[i], &x);
			rc = vc_sym_session_trial(hw, &x, NULL);
			if (rc != 0 && auth && have_cipher && !device_lost(hw, rc)) {
				chain_cipher.next = &x;
				rc = vc_sym_session_trial(hw, &chain_cipher, NULL);
				chain_cipher.next = NULL;
			}
			if (device_lost(hw, rc)) {
				VIRTIO_CRYPTO_LOG(init, ERR, "%s: device stopped answering "
						  "session requests: %s", hw->name, strerror(-rc));
				return -EIO;
			}
			if (rc != 0) {
				virtio_crypto_config_del_alg(&hw->offered, a);
				if (virtio_crypto_config_has_alg(&hw->config, a))
					note_alg(refused, sizeof(refused), a->name);
				continue;
			}
			if (!virtio_crypto_config_has_alg(&hw->config, a))
				note_alg(found, sizeof(found), a->name);
			if (!have_cipher && x.type == RTE_CRYPTO_SYM_XFORM_CIPHER) {
				chain_cipher = x;
				have_cipher = true;
			}
		}
	}
	a = virtio_crypto_alg_find(VIRTIO_CRYPTO_SERVICE_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA);
	if (a != NULL && virtio_crypto_config_has_alg(&hw->offered, a)) {
		rc = vc_asym_session_trial(hw, &hw->rsa_hash_named);
		if (device_lost(hw, rc))
			return -EIO;
		if (rc != 0) {
			virtio_crypto_config_del_alg(&hw->offered, a);
			note_alg(refused, sizeof(refused), a->name);
		} else if (hw->rsa_hash_named) {
			VIRTIO_CRYPTO_LOG(init, INFO, "%s: RSA as PKCS#1 with a named hash only: "
					  "signatures of a DigestInfo, no raw padding, private "
					  "keys in CRT form", hw->name);
		}
	}
	if (refused[0] != '\0')
		VIRTIO_CRYPTO_LOG(init, INFO, "%s: named by the device but refused, not offered: %s",
				  hw->name, refused);
	if (found[0] != '\0')
		VIRTIO_CRYPTO_LOG(init, INFO, "%s: not named by the device but accepted, offered: %s",
				  hw->name, found);
	return 0;
}

/* SP 800-38A F.2.1, CBC-AES128.Encrypt, first block (trial_key's first 16 bytes). */
static const uint8_t cbc_iv_plain[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
	0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
};
static const uint8_t cbc_cipher[16] = {
	0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46, 0xce, 0xe9, 0x8e, 0x9b,
	0x12, 0xe9, 0x19, 0x7d,
};

/* The trial op in the control buffer, after its indirect table. */
#define TRIAL_REQ_OFF		VC_CTRL_SCRATCH_OFF
#define TRIAL_IN_OFF		(VC_CTRL_SCRATCH_OFF + 128)	/* IV, plain text */
#define TRIAL_OUT_OFF		(VC_CTRL_SCRATCH_OFF + 160)
#define TRIAL_STATUS_OFF	(VC_CTRL_SCRATCH_OFF + 192)

/* The known answer on one queue: 0, -EBADMSG (wrong) or as submission fails. */
static int
queue_answers(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq, uint64_t session_id,
	      uint8_t *status)
{
	bool rev1 = vc_hw_has_feature(hw, VIRTIO_CRYPTO_F_REVISION_1);
	uint8_t *buf = hw->ctrl_buf;
	struct virtio_crypto_op_header *h = (void *)(buf + TRIAL_REQ_OFF);
	struct virtio_crypto_sym_data_req *sym = (void *)(h + 1);
	uint32_t req_len = sizeof(*h) +
		virtio_crypto_dataq_flf_len(VIRTIO_CRYPTO_SERVICE_CIPHER, rev1, false);
	uint64_t at = hw->ctrl_buf_addr;
	const struct vc_vq_buf bufs[] = {
		{ at + TRIAL_REQ_OFF, req_len },
		{ at + TRIAL_IN_OFF, sizeof(cbc_iv_plain) },
		{ at + TRIAL_OUT_OFF, sizeof(cbc_cipher) },
		{ at + TRIAL_STATUS_OFF, 1 },
	};
	int rc;

	RTE_BUILD_BUG_ON(TRIAL_STATUS_OFF + 1 > VIRTIO_CRYPTO_CTRL_BUF_SIZE);
	memset(h, 0, req_len);
	h->opcode = rte_cpu_to_le_32(VIRTIO_CRYPTO_CIPHER_ENCRYPT);
	h->algo = rte_cpu_to_le_32(VIRTIO_CRYPTO_CIPHER_AES_CBC);
	h->session_id = rte_cpu_to_le_64(session_id);
	h->flag = rte_cpu_to_le_32(rev1 ? VIRTIO_CRYPTO_FLAG_SESSION_MODE : 0);
	sym->op_type = rte_cpu_to_le_32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
	sym->u.cipher.para.iv_len = rte_cpu_to_le_32(16);
	sym->u.cipher.para.src_data_len = rte_cpu_to_le_32(sizeof(cbc_cipher));
	sym->u.cipher.para.dst_data_len = rte_cpu_to_le_32(sizeof(cbc_cipher));
	memcpy(buf + TRIAL_IN_OFF, cbc_iv_plain, sizeof(cbc_iv_plain));
	memset(buf + TRIAL_OUT_OFF, 0, sizeof(cbc_cipher));
	buf[TRIAL_STATUS_OFF] = VIRTIO_CRYPTO_ERR;

	rc = vc_ctrl_buf_submit(hw, vq, bufs, 2, 2, RTE_MIN(hw->ctrl_timeout_ms, 2000u));
	*status = buf[TRIAL_STATUS_OFF];
	if (rc != 0)
		return rc;
	return *status == VIRTIO_CRYPTO_OK &&
	       memcmp(buf + TRIAL_OUT_OFF, cbc_cipher, sizeof(cbc_cipher)) == 0 ? 0 : -EBADMSG;
}

int
vc_offer_queues(struct virtio_crypto_hw *hw)
{
	struct rte_crypto_sym_xform x = {
		.type = RTE_CRYPTO_SYM_XFORM_CIPHER,
		.cipher = {
			.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT,
			.algo = RTE_CRYPTO_CIPHER_AES_CBC,
			.key = { .data = trial_key, .length = 16 },
			.iv = { .length = 16 },
		},
	};
	uint8_t status = VIRTIO_CRYPTO_ERR;
	uint64_t id;
	uint16_t q;
	int rc;

	/* One queue: nothing to choose. Without AES-CBC: nothing to ask. */
	if (hw->nb_queues < 2)
		return 0;
	rc = vc_sym_session_trial(hw, &x, &id);
	if (rc != 0)
		return device_lost(hw, rc) ? -EIO : 0;
	pthread_mutex_lock(&hw->ctrl_lock);
	for (q = 0; q < hw->nb_queues; q++) {
		rc = queue_answers(hw, hw->dataq[q], id, &status);
		if (rc != 0)
			break;
	}
	pthread_mutex_unlock(&hw->ctrl_lock);
	vc_sym_session_trial_close(hw, VIRTIO_CRYPTO_SERVICE_CIPHER, id);
	hw->queues_answering = q;
	if (q == 0) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: data queue 0 got a known answer wrong "
				  "(%s, status %u)", hw->name, strerror(-rc), status);
		return -EIO;
	}
	if (q < hw->nb_queues) {
		VIRTIO_CRYPTO_LOG(init, WARNING, "%s: data queue %u got a known answer wrong "
				  "(%s, status %u), as QEMU's cryptodev-vhost-user does past its "
				  "first queue: offering %u queue pair%s of %u", hw->name, q,
				  strerror(-rc), status, q, q > 1 ? "s" : "", hw->nb_queues);
	}
	return 0;
}
