/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The configuration space a frontend reads (GET_CONFIG), derived from what
 * the crypto devices behind the backend can do, through the shared
 * algorithm table: a guest is offered exactly what will work.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cryptodev.h>

#include "vhost_crypto.h"
#include "vhost_crypto_log.h"
#include "vhost_user_crypto_wire.h"
#include "virtio_crypto_algs.h"

RTE_LOG_REGISTER(vhost_crypto_logtype, lib.vhost_crypto, INFO);

static void
add_sym_capability(struct virtio_crypto_config *cfg,
		   const struct rte_cryptodev_symmetric_capability *sym,
		   uint32_t *cipher_key_max, uint32_t *auth_key_max)
{
	const struct virtio_crypto_alg *alg;
	int rte_algo;
	uint16_t key_max;

	switch (sym->xform_type) {
	case RTE_CRYPTO_SYM_XFORM_CIPHER:
		rte_algo = sym->cipher.algo;
		key_max = sym->cipher.key_size.max;
		break;
	case RTE_CRYPTO_SYM_XFORM_AUTH:
		rte_algo = sym->auth.algo;
		key_max = sym->auth.key_size.max;
		break;
	case RTE_CRYPTO_SYM_XFORM_AEAD:
		rte_algo = sym->aead.algo;
		key_max = sym->aead.key_size.max;
		break;
	default:
		return;
	}
	alg = virtio_crypto_alg_find_sym(sym->xform_type, rte_algo);
	if (alg == NULL)
		return;
	virtio_crypto_config_add_alg(cfg, alg);
	/*
	 * An HMAC key longer than the hash's block is folded to the hash's
	 * size before a device sees it (vhost_crypto_session.c), and shorter
	 * ones go as they are: a device that takes a block takes any.
	 */
	if (alg->hmac_hash != NULL && key_max >= alg->block_size)
		key_max = UINT16_MAX;
	if (alg->service == VIRTIO_CRYPTO_SERVICE_MAC)
		*auth_key_max = RTE_MAX(*auth_key_max, (uint32_t)key_max);
	else if (alg->service != VIRTIO_CRYPTO_SERVICE_HASH)
		*cipher_key_max = RTE_MAX(*cipher_key_max, (uint32_t)key_max);
}

int
vhost_crypto_config_build(const uint8_t *cdev_ids, unsigned int nb_cdevs,
			  uint32_t max_dataqueues, uint64_t max_size,
			  struct virtio_crypto_config *cfg)
{
	uint32_t cipher_key_max = 0, auth_key_max = 0;
	unsigned int i;

	if (cdev_ids == NULL || nb_cdevs == 0 || max_dataqueues == 0 ||
	    max_size == 0 || cfg == NULL)
		return -EINVAL;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < nb_cdevs; i++) {
		const struct rte_cryptodev_capabilities *cap;
		struct rte_cryptodev_info info;

		if (!rte_cryptodev_is_valid_dev(cdev_ids[i])) {
			VC_LOG(ERR, "no crypto device %u", cdev_ids[i]);
			return -EINVAL;
		}
		rte_cryptodev_info_get(cdev_ids[i], &info);
		for (cap = info.capabilities;
		     cap != NULL && cap->op != RTE_CRYPTO_OP_TYPE_UNDEFINED; cap++) {
			const struct virtio_crypto_alg *alg;

			if (cap->op == RTE_CRYPTO_OP_TYPE_SYMMETRIC) {
				add_sym_capability(cfg, &cap->sym,
						   &cipher_key_max, &auth_key_max);
			} else if (cap->op == RTE_CRYPTO_OP_TYPE_ASYMMETRIC) {
				alg = virtio_crypto_alg_find_asym(
					cap->asym.xform_capa.xform_type);
				if (alg != NULL)
					virtio_crypto_config_add_alg(cfg, alg);
			}
		}
	}

	/* A vhost-user session message cannot carry longer keys. */
	cipher_key_max = RTE_MIN(cipher_key_max,
				 (uint32_t)VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN);
	auth_key_max = RTE_MIN(auth_key_max,
			       (uint32_t)VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN);

	cfg->status = rte_cpu_to_le_32(VIRTIO_CRYPTO_S_HW_READY);
	cfg->max_dataqueues = rte_cpu_to_le_32(max_dataqueues);
	cfg->max_cipher_key_len = rte_cpu_to_le_32(cipher_key_max);
	cfg->max_auth_key_len = rte_cpu_to_le_32(auth_key_max);
	cfg->max_size = rte_cpu_to_le_64(max_size);
	return 0;
}
