/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * QEMU's vhost-user create-session payloads (three layouts, see
 * vhost_user_crypto_wire.h) decoded into struct vc_session_params. The
 * payload is copied into a local, aligned structure once; nothing is read
 * from the message buffer after it has been checked.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "vhost_crypto_session.h"
#include "vhost_user_crypto_wire.h"

static bool
is_create_opcode(uint32_t op)
{
	return op == VIRTIO_CRYPTO_CIPHER_CREATE_SESSION ||
	       op == VIRTIO_CRYPTO_HASH_CREATE_SESSION ||
	       op == VIRTIO_CRYPTO_MAC_CREATE_SESSION ||
	       op == VIRTIO_CRYPTO_AEAD_CREATE_SESSION;
}

static bool
is_sym_op_type(uint8_t op_type)
{
	return op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER ||
	       op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
}

/*
 * The two 632-byte layouts carry no version. QEMU <= 7.0 has a create
 * opcode in bytes 8..11 and op_type in byte 36; 7.1+ has the cipher
 * algorithm (< 32) in bytes 8..11 and op_type in byte 32, with zero padding
 * in 36..39. An opcode value of 2 is also AES-ECB, so the op_type position
 * decides.
 */
static enum vc_session_msg_layout
guess_632_layout(const uint8_t *p)
{
	uint32_t word8, aad_v70;

	memcpy(&word8, p + 8, sizeof(word8));
	memcpy(&aad_v70, p + 32, sizeof(aad_v70));
	if (is_create_opcode(word8) && is_sym_op_type(p[36]) &&
	    aad_v70 <= VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN)
		return VC_SESSION_MSG_QEMU_7_0;
	if (word8 < 32 && is_sym_op_type(p[32]))
		return VC_SESSION_MSG_QEMU_7_1;
	return VC_SESSION_MSG_AUTO;	/* neither */
}

/* The symmetric fields every layout has, in host order, widened. */
struct sym_fields {
	uint32_t op_code;	/* 0 where the layout has none */
	uint32_t cipher_alg, key_len, hash_alg, hash_result_len;
	uint32_t auth_key_len, aad_len;
	uint8_t op_type, direction, hash_mode, chain_order;
	const uint8_t *key, *auth_key;
};

static int
sym_fields_to_params(const struct sym_fields *f, struct vc_session_params *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if (f->key_len > VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN)
		return -EBADMSG;

	/*
	 * QEMU only forwards CIPHER sessions (plain or chained); a 7.0 op
	 * code of another service is a request we cannot map.
	 */
	if (f->op_code != 0 && f->op_code != VIRTIO_CRYPTO_CIPHER_CREATE_SESSION)
		return -ENOTSUP;
	if (!is_sym_op_type(f->op_type))
		return -EBADMSG;
	rc = vc_session_params_set_cipher(p, VIRTIO_CRYPTO_SERVICE_CIPHER, f->cipher_alg,
					  f->key_len, f->direction);
	if (rc)
		return rc;
	p->op_type = f->op_type;
	p->cipher_key = f->key;
	if (f->op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER)
		return 0;

	p->auth_key = f->auth_key;
	return vc_session_params_set_chain(p, f->chain_order, f->hash_mode,
					   f->hash_alg, f->hash_result_len,
					   f->auth_key_len, f->aad_len);
}

static void
sym_info_fields(const struct vhost_user_crypto_sym_info *i, struct sym_fields *f)
{
	f->cipher_alg = i->cipher_alg;
	f->key_len = i->key_len;
	f->hash_alg = i->hash_alg;
	f->hash_result_len = i->hash_result_len;
	f->auth_key_len = i->auth_key_len;
	f->aad_len = i->aad_len;
	f->op_type = i->op_type;
	f->direction = i->direction;
	f->hash_mode = i->hash_mode;
	f->chain_order = i->alg_chain_order;
}

int
vc_session_msg_decode(const void *payload, uint32_t size,
		      enum vc_session_msg_layout layout,
		      struct vc_session_params *params,
		      enum vc_session_msg_layout *used_layout)
{
	const uint8_t *p = payload;
	struct sym_fields f = { 0 };

	if (payload == NULL || params == NULL)
		return -EINVAL;
	memset(params, 0, sizeof(*params));

	if (layout == VC_SESSION_MSG_AUTO) {
		if (size == VHOST_USER_CRYPTO_SESSION_SIZE_1072)
			layout = VC_SESSION_MSG_QEMU_8_1;
		else if (size == VHOST_USER_CRYPTO_SESSION_SIZE_632)
			layout = guess_632_layout(p);
		if (layout == VC_SESSION_MSG_AUTO)
			return -EBADMSG;
	}
	if (used_layout != NULL)
		*used_layout = layout;

	switch (layout) {
	case VC_SESSION_MSG_QEMU_7_0: {
		const struct vhost_user_crypto_session_v70 *m = payload;

		if (size != sizeof(*m))
			return -EBADMSG;
		f.op_code = m->info.op_code;
		f.cipher_alg = m->info.cipher_alg;
		f.key_len = m->info.key_len;
		f.hash_alg = m->info.hash_alg;
		f.hash_result_len = m->info.hash_result_len;
		f.auth_key_len = m->info.auth_key_len;
		f.aad_len = m->info.aad_len;
		f.op_type = m->info.op_type;
		f.direction = m->info.direction;
		f.hash_mode = m->info.hash_mode;
		f.chain_order = m->info.alg_chain_order;
		f.key = m->key;
		f.auth_key = m->auth_key;
		break;
	}
	case VC_SESSION_MSG_QEMU_7_1: {
		const struct vhost_user_crypto_session_v71 *m = payload;

		if (size != sizeof(*m))
			return -EBADMSG;
		sym_info_fields(&m->info, &f);
		f.key = m->key;
		f.auth_key = m->auth_key;
		break;
	}
	case VC_SESSION_MSG_QEMU_8_1: {
		const struct vhost_user_crypto_session_v81 *m = payload;

		if (size != sizeof(*m))
			return -EBADMSG;
		if (m->op_code == VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION) {
			const struct vhost_user_crypto_asym_info *a = &m->u.asym.info;

			if (a->keylen > sizeof(m->u.asym.key))
				return -EBADMSG;
			params->asym_key = m->u.asym.key;
			return vc_session_params_set_akcipher(params, a->algo, a->keytype,
					a->keylen, a->u.rsa.padding_algo, a->u.rsa.hash_algo);
		}
		if (m->op_code > UINT32_MAX || !is_create_opcode(m->op_code))
			return -EBADMSG;
		f.op_code = m->op_code;
		sym_info_fields(&m->u.sym.info, &f);
		f.key = m->u.sym.key;
		f.auth_key = m->u.sym.auth_key;
		break;
	}
	default:
		return -EINVAL;
	}
	return sym_fields_to_params(&f, params);
}

void
vc_session_msg_set_reply(void *payload, enum vc_session_msg_layout layout,
			 int64_t session_id)
{
	size_t off = layout == VC_SESSION_MSG_QEMU_8_1 ?
		offsetof(struct vhost_user_crypto_session_v81, session_id) :
		offsetof(struct vhost_user_crypto_session_v71, session_id);

	memcpy((uint8_t *)payload + off, &session_id, sizeof(session_id));
}
