/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * drivers/crypto/virtio/dpdk_driver_abi.h against DPDK's own driver headers
 * of the installed version (devtools/fetch_dpdk_headers.sh puts them in
 * .cache/dpdk-src/VERSION/include). The checks are compile-time: this file
 * does not build when a layout differs. Our declarations are read under
 * other names (driver_abi_check.h, generated from our header, renames every
 * name it declares), DPDK's under their own, and every field is compared.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What our header includes, read first so the renames below miss them. */
#include <rte_bus_pci.h>
#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_dev.h>
#include <rte_pci.h>
#include <rte_version.h>

#define VC_ABI_PHASE 1
#include "driver_abi_check.h"
#include "dpdk_driver_abi.h"
#undef VC_ABI_PHASE
#define VC_ABI_PHASE 2
#include "driver_abi_check.h"

#include <dev_driver.h>
#include <bus_vdev_driver.h>
#include <bus_pci_driver.h>
#include <cryptodev_pmd.h>

/* A field: where it starts and how large it is, in both declarations. */
#define VC_ABI_FIELD(ours, theirs, field) \
	_Static_assert(offsetof(ours, field) == offsetof(theirs, field), \
		       #theirs "." #field ": offsets differ"); \
	_Static_assert(sizeof(((ours *)0)->field) == sizeof(((theirs *)0)->field), \
		       #theirs "." #field ": sizes differ")

#undef VC_ABI_PHASE
#define VC_ABI_PHASE 3
#include "driver_abi_check.h"

/* The probe accepts the release only if it is listed as checked. */
_Static_assert(VC_DRIVER_ABI_CHECKED(RTE_VER_YEAR, RTE_VER_MONTH),
	       "this DPDK release passes the layout check: add it to VC_DRIVER_ABI_CHECKED");

int
main(void)
{
	printf("dpdk_driver_abi.h matches the driver headers of DPDK %d.%02d.%d: "
	       "%d structures, %d fields, %d other names\n",
	       RTE_VER_YEAR, RTE_VER_MONTH, RTE_VER_MINOR,
	       VC_ABI_N_STRUCTS, VC_ABI_N_FIELDS, VC_ABI_N_NAMES);
	return 0;
}
