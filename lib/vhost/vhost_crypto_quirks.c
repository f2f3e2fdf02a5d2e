/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <string.h>

#include <rte_common.h>
#include <rte_cryptodev.h>

#include "vhost_crypto_quirks.h"

static const struct {
	const char *driver;
	uint32_t quirks;
} known_defects[] = {
	{ "crypto_aesni_mb", VC_QUIRK_SGL_OUTPUT_LOST_FROM_64K |
			     VC_QUIRK_EMPTY_HASH_CORRUPTS |
			     VC_QUIRK_DES_BURST_GARBLED },
};

uint32_t
vc_quirks_of(uint8_t cdev_id)
{
	struct rte_cryptodev_info info;
	unsigned int i;

	rte_cryptodev_info_get(cdev_id, &info);
	for (i = 0; i < RTE_DIM(known_defects); i++)
		if (info.driver_name && strcmp(info.driver_name, known_defects[i].driver) == 0)
			return known_defects[i].quirks;
	return 0;
}
