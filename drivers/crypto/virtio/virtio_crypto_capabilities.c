/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "virtio_crypto_algs.h"
#include "virtio_crypto_capabilities.h"

/*
 * Narrow an algorithm's key range to a device limit. Returns false if no
 * size the algorithm allows fits.
 */
static bool
key_range_clamp(struct rte_crypto_param_range *r, uint32_t limit)
{
	if (r->max == 0)
		return true;		/* unkeyed */
	if (r->min > limit)
		return false;
	if (r->max > limit) {
		uint16_t steps = r->increment ? (limit - r->min) / r->increment : 0;

		r->max = r->min + steps * r->increment;
		if (r->max == r->min)
			r->increment = 0;
	}
	return true;
}

/* The RSA modulus sizes a guest may use: 512 to 4096 bits. */
static const struct rte_crypto_param_range rsa_modlen = {
	.min = 64, .max = 512, .increment = 64,
};

static bool
fill_capability(const struct virtio_crypto_alg *alg,
		const struct virtio_crypto_config *cfg,
		struct rte_cryptodev_capabilities *cap)
{
	uint32_t cipher_key = rte_le_to_cpu_32(cfg->max_cipher_key_len);
	uint32_t auth_key = rte_le_to_cpu_32(cfg->max_auth_key_len);
	struct rte_crypto_param_range key = alg->key_size;

	memset(cap, 0, sizeof(*cap));
	/* The PMD's sessions speak RSA only (virtio_crypto_session.c). */
	if (alg->service == VIRTIO_CRYPTO_SERVICE_AKCIPHER &&
	    alg->rte_algo != RTE_CRYPTO_ASYM_XFORM_RSA)
		return false;
	if (alg->service == VIRTIO_CRYPTO_SERVICE_AKCIPHER) {
		cap->op = RTE_CRYPTO_OP_TYPE_ASYMMETRIC;
		cap->asym.xform_capa.xform_type = alg->rte_algo;
		cap->asym.xform_capa.op_types =
			(1 << RTE_CRYPTO_ASYM_OP_ENCRYPT) |
			(1 << RTE_CRYPTO_ASYM_OP_DECRYPT) |
			(1 << RTE_CRYPTO_ASYM_OP_SIGN) |
			(1 << RTE_CRYPTO_ASYM_OP_VERIFY);
		if (alg->rte_algo == RTE_CRYPTO_ASYM_XFORM_RSA)
			cap->asym.xform_capa.modlen = rsa_modlen;
		else
			cap->asym.xform_capa.op_types =
				(1 << RTE_CRYPTO_ASYM_OP_SIGN) |
				(1 << RTE_CRYPTO_ASYM_OP_VERIFY);
		return true;
	}

	cap->op = RTE_CRYPTO_OP_TYPE_SYMMETRIC;
	cap->sym.xform_type = virtio_crypto_service_xform_type(alg->service);
	switch (alg->service) {
	case VIRTIO_CRYPTO_SERVICE_CIPHER:
		if (!key_range_clamp(&key, cipher_key))
			return false;
		cap->sym.cipher.algo = alg->rte_algo;
		cap->sym.cipher.block_size = alg->block_size;
		cap->sym.cipher.key_size = key;
		/*
		 * A cipher session has no IV length, so a device creates its
		 * session for the algorithm's largest (as an AEAD one does).
		 */
		cap->sym.cipher.iv_size.min = alg->iv_size.max;
		cap->sym.cipher.iv_size.max = alg->iv_size.max;
		cap->sym.cipher.iv_size.increment = 0;
		return true;
	case VIRTIO_CRYPTO_SERVICE_HASH:
	case VIRTIO_CRYPTO_SERVICE_MAC:
		/* A virtio hash or MAC request has no IV: GMAC and the like cannot travel. */
		if (alg->iv_size.max > 0 || !key_range_clamp(&key, auth_key))
			return false;
		cap->sym.auth.algo = alg->rte_algo;
		cap->sym.auth.block_size = alg->block_size;
		cap->sym.auth.key_size = key;
		cap->sym.auth.digest_size = alg->digest_size;
		cap->sym.auth.aad_size = alg->aad_size;
		cap->sym.auth.iv_size = alg->iv_size;
		return true;
	case VIRTIO_CRYPTO_SERVICE_AEAD:
		if (!key_range_clamp(&key, cipher_key))
			return false;
		cap->sym.aead.algo = alg->rte_algo;
		cap->sym.aead.block_size = alg->block_size;
		cap->sym.aead.key_size = key;
		cap->sym.aead.digest_size = alg->digest_size;
		cap->sym.aead.aad_size = alg->aad_size;
		/* An AEAD session has no IV length: devices take the algorithm's largest. */
		cap->sym.aead.iv_size.min = alg->iv_size.max;
		cap->sym.aead.iv_size.max = alg->iv_size.max;
		cap->sym.aead.iv_size.increment = 0;
		return true;
	default:
		return false;
	}
}

int
virtio_crypto_capabilities_from_config(const struct virtio_crypto_config *cfg,
				       struct rte_cryptodev_capabilities *caps,
				       unsigned int max_caps)
{
	const struct virtio_crypto_alg *alg;
	unsigned int n = 0;

	if (max_caps == 0)
		return -ENOSPC;
	VIRTIO_CRYPTO_ALG_FOREACH(alg) {
		if (alg->rte_algo < 0 || !virtio_crypto_config_has_alg(cfg, alg))
			continue;
		if (n + 1 >= max_caps)
			return -ENOSPC;
		if (fill_capability(alg, cfg, &caps[n]))
			n++;
	}
	memset(&caps[n], 0, sizeof(caps[n]));
	caps[n].op = RTE_CRYPTO_OP_TYPE_UNDEFINED;
	return n;
}
