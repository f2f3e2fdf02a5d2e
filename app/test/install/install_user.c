/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/* A user of the installed library: only <vhost_crypto.h> and pkg-config. */

#include <stdio.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <vhost_crypto.h>

int
main(int argc, char **argv)
{
	char *eal_args[] = {
		argv[0], "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--file-prefix", "vc_install_user", "--log-level", "lib.eal:warning",
		"--vdev", "crypto_aesni_mb0", "-d", argc > 1 ? argv[1] : "",
	};
	struct virtio_crypto_config cfg;
	uint8_t id;
	int rc;

	if (rte_eal_init(RTE_DIM(eal_args) - (argc > 1 ? 0 : 2), eal_args) < 0)
		return 1;
	id = rte_cryptodev_get_dev_id("crypto_aesni_mb0");
	rc = vhost_crypto_config_build(&id, 1, 1, 4096, &cfg);
	printf("config: rc %d, services 0x%x, cipher 0x%x\n", rc,
	       cfg.crypto_services, cfg.cipher_algo_l);
	rte_eal_cleanup();
	return rc == 0 && cfg.crypto_services != 0 ? 0 : 1;
}
