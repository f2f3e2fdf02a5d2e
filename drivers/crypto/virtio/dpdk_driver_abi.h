/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef DPDK_DRIVER_ABI_H
#define DPDK_DRIVER_ABI_H

/**
 * @file
 * The part of DPDK's driver interface a cryptodev PMD needs, declared here
 * because no distribution installs it: cryptodev_pmd.h, dev_driver.h and
 * bus_vdev_driver.h are "driver SDK" headers that Debian's libdpdk-dev
 * (22.11 and 24.11) leaves out, while the functions are exported from the
 * shared libraries with version INTERNAL.
 *
 * The PCI bus's driver structures (bus_pci_driver.h) are absent too; its
 * public header declares the functions on mapped devices, and rte_pci.h
 * and rte_dev.h the ids, addresses and resources those structures hold.
 *
 * Only what this PMD touches is declared. The unit test driver_abi (built
 * from this file by app/test/unit/gen_driver_abi_check.py) compares every
 * structure, field, enumerator and macro here with DPDK's own driver
 * headers of the installed version, taken from Debian's source package by
 * devtools/fetch_dpdk_headers.sh: offsets, sizes and structure sizes must
 * agree. Conventions the generator reads: a field named `unused` is zeroed
 * room for fields later releases append to a structure we hand to DPDK; a
 * comment saying "more fields follow" marks a structure of which we declare
 * the beginning only; any other structure is declared whole.
 *
 * The unit test driver_abi_live checks the same declarations against the
 * running library instead, on every platform (see VC_DRIVER_ABI_CHECKED).
 * The probe refuses a DPDK release not checked (VC_DRIVER_ABI_CHECKED), and
 * checks at run time that the library agrees with us
 * (virtio_crypto_dev_create()).
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_bus_pci.h>
#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_dev.h>
#include <rte_pci.h>
#include <rte_version.h>

/*
 * The DPDK releases, as YEAR.MONTH, this file was checked against; the
 * probe refuses any other. Two unit tests check it, and each fails on a
 * release that passes it but is missing here, so an entry is added only
 * with a platform whose checks pass:
 *  - driver_abi compares every declaration with DPDK's own driver headers
 *    of the installed version (Debian's source package), at compile time;
 *  - driver_abi_live, on every platform, writes each declared field through
 *    this file and reads it back through the running library's functions,
 *    or the reverse (a vdev and a cryptodev of its own, a PCI driver on a
 *    made-up sysfs tree), listing the few the library never reaches
 *    without a real device.
 * The key is the release (YEAR.MONTH), not the point release: DPDK's
 * stable point releases (22.11.1 .. 22.11.x) take only fixes that keep
 * their release's ABI, these structures included, so one check holds for
 * a whole series; layouts change only at a new YEAR.MONTH. A point release
 * breaking that would still be caught, by the tests when a platform moves
 * to it and by abi_agrees() at probe.
 *
 * 22.11: both tests, on Debian 12 (22.11.11: headers and library).
 * 24.11: driver_abi_live on Debian 13 (24.11.8); driver_abi skips there, as
 * Debian's archive answers 404 for the source package dpdk 24.11.8-0+deb13u1.
 * 25.11: driver_abi_live on Debian forky (25.11.4); driver_abi skips there,
 * the archive answering 404 for dpdk 25.11.4-1 likewise.
 */
#define VC_DRIVER_ABI_CHECKED(year, month) \
	(((year) == 22 && (month) == 11) || \
	 ((year) == 24 && (month) == 11) || \
	 ((year) == 25 && (month) == 11))

/* ---- EAL: dev_driver.h ------------------------------------------------ */

struct rte_driver {
	RTE_TAILQ_ENTRY(rte_driver) next;
	const char *name;
	const char *alias;
};

struct rte_device {
	RTE_TAILQ_ENTRY(rte_device) next;
	const char *name;
	const char *bus_info;
	const struct rte_driver *driver;
	const struct rte_bus *bus;
	int numa_node;
	struct rte_devargs *devargs;
};

/* ---- bus/vdev: bus_vdev_driver.h --------------------------------------- */

struct rte_vdev_device {
	RTE_TAILQ_ENTRY(rte_vdev_device) next;
	struct rte_device device;
};

typedef int (rte_vdev_probe_t)(struct rte_vdev_device *dev);
typedef int (rte_vdev_remove_t)(struct rte_vdev_device *dev);

struct rte_vdev_driver {
	RTE_TAILQ_ENTRY(rte_vdev_driver) next;
	struct rte_driver driver;
	rte_vdev_probe_t *probe;
	rte_vdev_remove_t *remove;
	void *dma_map;
	void *dma_unmap;
	uint32_t drv_flags;
};

void rte_vdev_register(struct rte_vdev_driver *driver);
void rte_vdev_unregister(struct rte_vdev_driver *driver);

/* ---- bus/pci: bus_pci_driver.h ---------------------------------------- */

/** How the kernel hands the device over (values unused here). */
enum rte_pci_kernel_driver {
	RTE_PCI_KDRV_UNKNOWN = 0,
};

struct rte_pci_driver;

struct rte_pci_device {
	RTE_TAILQ_ENTRY(rte_pci_device) next;
	struct rte_device device;
	struct rte_pci_addr addr;
	struct rte_pci_id id;
	/* BARs; addr is where the bus mapped them (RTE_PCI_DRV_NEED_MAPPING). */
	struct rte_mem_resource mem_resource[PCI_MAX_RESOURCE];
	struct rte_intr_handle *intr_handle;
	struct rte_pci_driver *driver;
	uint16_t max_vfs;
	enum rte_pci_kernel_driver kdrv;
	char name[PCI_PRI_STR_SIZE + 1];	/**< the address, DDDD:BB:DD.F */
	const char *bus_info;
	struct rte_intr_handle *vfio_req_intr_handle;
};

typedef int (rte_pci_probe_t)(struct rte_pci_driver *drv, struct rte_pci_device *dev);
typedef int (rte_pci_remove_t)(struct rte_pci_device *dev);

struct rte_pci_driver {
	RTE_TAILQ_ENTRY(rte_pci_driver) next;
	struct rte_driver driver;
	rte_pci_probe_t *probe;
	rte_pci_remove_t *remove;
	void *dma_map;
	void *dma_unmap;
	const struct rte_pci_id *id_table;	/**< ends with a zero vendor_id */
	uint32_t drv_flags;			/**< RTE_PCI_DRV_* */
};

/** The bus maps the BARs before probe and unmaps them after remove. */
#define RTE_PCI_DRV_NEED_MAPPING	0x0001
#define RTE_PCI_DRV_WC_ACTIVATE		0x0002
#define RTE_PCI_DRV_PROBE_AGAIN		0x0004
#define RTE_PCI_DRV_INTR_LSC		0x0008
#define RTE_PCI_DRV_INTR_RMV		0x0010
#define RTE_PCI_DRV_KEEP_MAPPED_RES	0x0020
#define RTE_PCI_DRV_NEED_IOVA_AS_VA	0x0040

void rte_pci_register(struct rte_pci_driver *driver);
void rte_pci_unregister(struct rte_pci_driver *driver);

/* ---- cryptodev: cryptodev_pmd.h ---------------------------------------- */

struct rte_cryptodev_pmd_init_params {
	char name[RTE_CRYPTODEV_NAME_MAX_LEN];
	size_t private_data_size;
	int socket_id;
	unsigned int max_nb_queue_pairs;
};

struct rte_cryptodev_data {
	uint8_t dev_id;
	int socket_id;
	char name[RTE_CRYPTODEV_NAME_MAX_LEN];
	__extension__ uint8_t dev_started : 1;
	struct rte_mempool *session_pool;
	void **queue_pairs;
	uint16_t nb_queue_pairs;
	void *dev_private;
} __rte_cache_aligned;

struct rte_cryptodev_ops;

/* The library allocates these; we only write the fields up to driver_id. */
struct rte_cryptodev {
	dequeue_pkt_burst_t dequeue_burst;
	enqueue_pkt_burst_t enqueue_burst;
	struct rte_cryptodev_data *data;
	struct rte_cryptodev_ops *dev_ops;
	uint64_t feature_flags;
	struct rte_device *device;
	uint8_t driver_id;
	/* more fields follow that drivers do not touch */
};

struct rte_cryptodev_sym_session;
struct rte_cryptodev_asym_session;

struct rte_cryptodev_ops {
	int (*dev_configure)(struct rte_cryptodev *dev, struct rte_cryptodev_config *config);
	int (*dev_start)(struct rte_cryptodev *dev);
	void (*dev_stop)(struct rte_cryptodev *dev);
	int (*dev_close)(struct rte_cryptodev *dev);
	void (*dev_infos_get)(struct rte_cryptodev *dev, struct rte_cryptodev_info *info);
	void (*stats_get)(struct rte_cryptodev *dev, struct rte_cryptodev_stats *stats);
	void (*stats_reset)(struct rte_cryptodev *dev);
	int (*queue_pair_setup)(struct rte_cryptodev *dev, uint16_t qp_id,
				const struct rte_cryptodev_qp_conf *conf, int socket_id);
	int (*queue_pair_release)(struct rte_cryptodev *dev, uint16_t qp_id);
#if RTE_VERSION >= RTE_VERSION_NUM(24, 11, 0, 0)
	/* added by "cryptodev: add queue pair reset API" (24.11) */
	int (*queue_pair_reset)(struct rte_cryptodev *dev, uint16_t qp_id,
				const struct rte_cryptodev_qp_conf *conf, int socket_id);
#endif
	unsigned int (*sym_session_get_size)(struct rte_cryptodev *dev);
	unsigned int (*asym_session_get_size)(struct rte_cryptodev *dev);
	int (*sym_session_configure)(struct rte_cryptodev *dev,
				     struct rte_crypto_sym_xform *xform,
				     struct rte_cryptodev_sym_session *sess);
	int (*asym_session_configure)(struct rte_cryptodev *dev,
				      struct rte_crypto_asym_xform *xform,
				      struct rte_cryptodev_asym_session *sess);
	void (*sym_session_clear)(struct rte_cryptodev *dev,
				  struct rte_cryptodev_sym_session *sess);
	void (*asym_session_clear)(struct rte_cryptodev *dev,
				   struct rte_cryptodev_asym_session *sess);
	/*
	 * cpu-crypto / raw data path, event metadata, and whatever later
	 * releases append: all NULL ("not supported") for this PMD.
	 */
	void *unused[16];
};

struct cryptodev_driver {
	RTE_TAILQ_ENTRY(cryptodev_driver) next;
	const struct rte_driver *driver;
	uint8_t id;
};

struct rte_cryptodev *
rte_cryptodev_pmd_create(const char *name, struct rte_device *device,
			 struct rte_cryptodev_pmd_init_params *params);
int rte_cryptodev_pmd_destroy(struct rte_cryptodev *cryptodev);
void rte_cryptodev_pmd_probing_finish(struct rte_cryptodev *dev);
struct rte_cryptodev *rte_cryptodev_pmd_get_named_dev(const char *name);
uint8_t rte_cryptodev_allocate_driver(struct cryptodev_driver *crypto_drv,
				      const struct rte_driver *drv);

/*
 * A driver's session data starts at the session's second cache line
 * (symmetric: after opaque data, sizes, driver id and the data's IOVA) or
 * after a 24-byte header (asymmetric: driver id, sizes, padding, event
 * metadata; rte_cryptodev_asym_get_header_session_size() says so at run
 * time, and the probe checks it).
 */
#define VC_SYM_SESSION_PRIV_OFFSET	64
#define VC_ASYM_SESSION_PRIV_OFFSET	24

static inline void *
vc_sym_session_priv(struct rte_cryptodev_sym_session *sess)
{
	return RTE_PTR_ADD(sess, VC_SYM_SESSION_PRIV_OFFSET);
}

static inline void *
vc_asym_session_priv(struct rte_cryptodev_asym_session *sess)
{
	return RTE_PTR_ADD(sess, VC_ASYM_SESSION_PRIV_OFFSET);
}

#endif /* DPDK_DRIVER_ABI_H */
