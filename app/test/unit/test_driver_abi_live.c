/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * drivers/crypto/virtio/dpdk_driver_abi.h against the running DPDK, on every
 * platform, with nothing but our declarations and the library's exported
 * functions: every declared field is written through our declaration and
 * read back through the library, or written by the library and read through
 * ours, and must agree. A field at another offset or of another size in the
 * library makes it read or write something else, and a check fails.
 *
 * The test is a driver of its own, like the PMD: a vdev driver the vdev bus
 * probes (rte_vdev_init), which makes a cryptodev with
 * rte_cryptodev_pmd_create() whose ops each record that the library called
 * them; and a PCI driver the PCI bus probes for two devices of a made-up
 * sysfs tree (SYSFS_PCI_DEVICES, which EAL's PCI bus scans instead of
 * /sys/bus/pci/devices; the devices are bound to no kernel driver we know,
 * so the bus maps nothing).
 *
 * Every field, enumerator and macro the header declares (the list is
 * generated from it, gen_driver_abi_check.py --names) must end up either
 * checked here or listed in `unreachable` with the reason; the last test
 * fails on any other, so a field added to the header is not forgotten.
 * driver_abi compares the same header with DPDK's own driver headers where
 * Debian serves them; this test needs none.
 */

/* rte_intr_nb_intr_get(), to tell a live interrupt instance. */
#define ALLOW_INTERNAL_API
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_bus_pci.h>
#include <rte_bus_vdev.h>
#include <rte_cryptodev.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include <cmocka.h>

#include "dpdk_driver_abi.h"
#include "driver_abi_names.h"
#include "test_report.h"

/*
 * Exported by librte_cryptodev (version INTERNAL) like the functions our
 * header declares; the PMD does not use it, so only this test declares it:
 * it parses a driver's devargs into struct rte_cryptodev_pmd_init_params,
 * the library writing those fields for us to read.
 */
int rte_cryptodev_pmd_parse_input_args(struct rte_cryptodev_pmd_init_params *params,
				       const char *args);

/* ---- what was checked, and what cannot be ------------------------------ */

struct account {
	const char *name;	/* TAG.FIELD, enumerator or macro */
	const char *how;
};

static struct account checked_list[RTE_DIM(vc_abi_declared)];
static unsigned int n_checked;

/* Only after the check passed: a failed assertion never gets here. */
static void
checked(const char *name, const char *how)
{
	unsigned int i;

	for (i = 0; i < n_checked; i++)
		if (strcmp(checked_list[i].name, name) == 0)
			return;
	assert_true(n_checked < RTE_DIM(checked_list));
	checked_list[n_checked].name = name;
	checked_list[n_checked].how = how;
	n_checked++;
}

static bool
was_checked(const char *name)
{
	unsigned int i;

	for (i = 0; i < n_checked; i++)
		if (strcmp(checked_list[i].name, name) == 0)
			return true;
	return false;
}

/*
 * What no library function reads or writes on the way this test can go;
 * the guest tests (app/test/vm) drive the PMD's PCI driver on real devices.
 */
static const struct account unreachable[] = {
	{ "rte_vdev_driver.drv_flags", "the vdev bus reads it only to refuse a driver "
	  "needing IOVA as VA when EAL runs with physical addresses, which needs hugepages "
	  "with physical addresses (unit tests run --no-huge, always VA)" },
	{ "RTE_PCI_DRV_NEED_MAPPING", "without a device: mapping BARs needs a real device "
	  "bound to vfio-pci or a UIO driver" },
	{ "RTE_PCI_DRV_WC_ACTIVATE", "without a device: read only while mapping BARs "
	  "(vfio-pci or UIO)" },
	{ "RTE_PCI_DRV_KEEP_MAPPED_RES", "without a device: read only when unmapping BARs "
	  "after a failed probe (vfio-pci or UIO)" },
	{ "RTE_PCI_DRV_INTR_LSC", "read by ethdev only (link state interrupts), never on a "
	  "cryptodev's way" },
	{ "RTE_PCI_DRV_INTR_RMV", "read by ethdev only (removal interrupts), never on a "
	  "cryptodev's way" },
	{ "RTE_PCI_DRV_NEED_IOVA_AS_VA", "changes the outcome only when EAL runs with "
	  "physical addresses (hugepages; unit tests run --no-huge, always VA)" },
};

static bool
is_unreachable(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(unreachable); i++)
		if (strcmp(unreachable[i].name, name) == 0)
			return true;
	return false;
}

/*
 * A field no library function touches but which fills exactly the gap
 * between two fields the library was seen to agree on: it can be nowhere
 * else, nor of another size.
 */
#define CHECK_BETWEEN(type, before, field, after, name, how) do { \
	assert_true(was_checked(#type "." #before)); \
	assert_true(was_checked(#type "." #after)); \
	assert_int_equal(offsetof(struct type, before) + \
			 sizeof(((struct type *)0)->before), offsetof(struct type, field)); \
	assert_int_equal(offsetof(struct type, field) + \
			 sizeof(((struct type *)0)->field), offsetof(struct type, after)); \
	checked(name, how); \
} while (0)

/* The same for a field that starts a structure. */
#define CHECK_FIRST(type, field, after, name, how) do { \
	assert_true(was_checked(#type "." #after)); \
	assert_int_equal(offsetof(struct type, field), 0); \
	assert_int_equal(sizeof(((struct type *)0)->field), offsetof(struct type, after)); \
	checked(name, how); \
} while (0)

/* ---- the cryptodev's ops, each recording its calls --------------------- */

enum live_op {
	OP_CONFIGURE, OP_START, OP_STOP, OP_CLOSE, OP_INFOS_GET, OP_STATS_GET,
	OP_STATS_RESET, OP_QP_SETUP, OP_QP_RELEASE, OP_QP_RESET, OP_SYM_SIZE,
	OP_ASYM_SIZE, OP_SYM_CONFIGURE, OP_ASYM_CONFIGURE, OP_SYM_CLEAR,
	OP_ASYM_CLEAR, OP_ENQUEUE, OP_DEQUEUE, OP_COUNT
};

static unsigned int calls[OP_COUNT];
/* The device, queue pair and object the last op was called with. */
static struct rte_cryptodev *last_dev;
static unsigned int last_qp_id;
static const void *last_arg;
static int last_socket_id;

#define LIVE_SYM_PRIV	200	/* what our sym_session_get_size says */
#define LIVE_ASYM_PRIV	72
#define LIVE_PRIV_SIZE	4160	/* the cryptodev's private data we ask for */
#define LIVE_MAX_QPS	3
#define LIVE_FEATURES	(RTE_CRYPTODEV_FF_SYMMETRIC_CRYPTO | RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO | \
			 RTE_CRYPTODEV_FF_HW_ACCELERATED)

/* A queue pair: what the library must hand our burst functions back. */
struct live_qp {
	unsigned int id;
};
static struct live_qp live_qps[LIVE_MAX_QPS];

static void
record(enum live_op op, struct rte_cryptodev *dev, const void *arg)
{
	calls[op]++;
	last_dev = dev;
	last_arg = arg;
}

static int
live_configure(struct rte_cryptodev *dev, struct rte_cryptodev_config *config)
{
	record(OP_CONFIGURE, dev, config);
	return 0;
}

static int
live_start(struct rte_cryptodev *dev)
{
	record(OP_START, dev, NULL);
	return 0;
}

static void
live_stop(struct rte_cryptodev *dev)
{
	record(OP_STOP, dev, NULL);
}

static int
live_close(struct rte_cryptodev *dev)
{
	record(OP_CLOSE, dev, NULL);
	return 0;
}

static void
live_infos_get(struct rte_cryptodev *dev, struct rte_cryptodev_info *info)
{
	record(OP_INFOS_GET, dev, info);
	info->feature_flags = dev->feature_flags;
	info->driver_id = dev->driver_id;
	info->max_nb_queue_pairs = LIVE_MAX_QPS;
}

static void
live_stats_get(struct rte_cryptodev *dev, struct rte_cryptodev_stats *stats)
{
	record(OP_STATS_GET, dev, stats);
	stats->enqueued_count = 1111;
	stats->dequeued_count = 2222;
}

static void
live_stats_reset(struct rte_cryptodev *dev)
{
	record(OP_STATS_RESET, dev, NULL);
}

static int
live_qp_setup(struct rte_cryptodev *dev, uint16_t qp_id,
	      const struct rte_cryptodev_qp_conf *conf, int socket_id)
{
	record(OP_QP_SETUP, dev, conf);
	last_qp_id = qp_id;
	last_socket_id = socket_id;
	if (qp_id >= LIVE_MAX_QPS)
		return -EINVAL;
	live_qps[qp_id].id = qp_id;
	dev->data->queue_pairs[qp_id] = &live_qps[qp_id];
	return 0;
}

static int
live_qp_release(struct rte_cryptodev *dev, uint16_t qp_id)
{
	record(OP_QP_RELEASE, dev, NULL);
	last_qp_id = qp_id;
	dev->data->queue_pairs[qp_id] = NULL;
	return 0;
}

/* Where the header declares the slot (24.11 on), not where we think it is. */
#ifdef VC_ABI_HAS_rte_cryptodev_ops_queue_pair_reset
static int
live_qp_reset(struct rte_cryptodev *dev, uint16_t qp_id,
	      const struct rte_cryptodev_qp_conf *conf, int socket_id)
{
	record(OP_QP_RESET, dev, conf);
	last_qp_id = qp_id;
	last_socket_id = socket_id;
	return 0;
}
#endif

static unsigned int
live_sym_size(struct rte_cryptodev *dev)
{
	record(OP_SYM_SIZE, dev, NULL);
	return LIVE_SYM_PRIV;
}

static unsigned int
live_asym_size(struct rte_cryptodev *dev)
{
	record(OP_ASYM_SIZE, dev, NULL);
	return LIVE_ASYM_PRIV;
}

static int
live_sym_configure(struct rte_cryptodev *dev, struct rte_crypto_sym_xform *xform,
		   struct rte_cryptodev_sym_session *sess)
{
	record(OP_SYM_CONFIGURE, dev, sess);
	/* All of what we said we need is ours: the library keeps nothing there. */
	memset(vc_sym_session_priv(sess), 0xa5, LIVE_SYM_PRIV);
	return xform != NULL ? 0 : -EINVAL;
}

static int
live_asym_configure(struct rte_cryptodev *dev, struct rte_crypto_asym_xform *xform,
		    struct rte_cryptodev_asym_session *sess)
{
	record(OP_ASYM_CONFIGURE, dev, sess);
	memset(vc_asym_session_priv(sess), 0x5a, LIVE_ASYM_PRIV);
	return xform != NULL ? 0 : -EINVAL;
}

static void
live_sym_clear(struct rte_cryptodev *dev, struct rte_cryptodev_sym_session *sess)
{
	record(OP_SYM_CLEAR, dev, sess);
}

static void
live_asym_clear(struct rte_cryptodev *dev, struct rte_cryptodev_asym_session *sess)
{
	record(OP_ASYM_CLEAR, dev, sess);
}

static uint16_t
live_enqueue(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	calls[OP_ENQUEUE]++;
	last_arg = qp;
	(void)ops;
	return nb_ops;
}

static uint16_t
live_dequeue(void *qp, struct rte_crypto_op **ops, uint16_t nb_ops)
{
	calls[OP_DEQUEUE]++;
	last_arg = qp;
	(void)ops;
	return nb_ops - 1;
}

static struct rte_cryptodev_ops live_ops = {
	.dev_configure = live_configure,
	.dev_start = live_start,
	.dev_stop = live_stop,
	.dev_close = live_close,
	.dev_infos_get = live_infos_get,
	.stats_get = live_stats_get,
	.stats_reset = live_stats_reset,
	.queue_pair_setup = live_qp_setup,
	.queue_pair_release = live_qp_release,
#ifdef VC_ABI_HAS_rte_cryptodev_ops_queue_pair_reset
	.queue_pair_reset = live_qp_reset,
#endif
	.sym_session_get_size = live_sym_size,
	.asym_session_get_size = live_asym_size,
	.sym_session_configure = live_sym_configure,
	.asym_session_configure = live_asym_configure,
	.sym_session_clear = live_sym_clear,
	.asym_session_clear = live_asym_clear,
};

/* ---- the vdev driver ---------------------------------------------------- */

#define LIVE_DRIVER	"vc_abi_live"
#define LIVE_ALIAS	"vc_abi_alias"

struct probed {
	struct rte_vdev_device *vdev;
	const struct rte_driver *driver_at_probe;
	struct rte_cryptodev_pmd_init_params params;
	struct rte_cryptodev *cdev;
	bool removed;
};
static struct probed probed[4];
static unsigned int n_probed;

static struct cryptodev_driver live_cdrv, other_cdrv;
static uint8_t live_cdrv_id;

static void *dma_dev;
static void *dma_addr;
static uint64_t dma_iova;
static size_t dma_len;
static unsigned int dma_maps, dma_unmaps;

static int
live_probe(struct rte_vdev_device *vdev)
{
	const struct rte_devargs *da = rte_dev_devargs(&vdev->device);
	struct probed *p = &probed[n_probed];
	struct rte_cryptodev *dev;

	if (n_probed >= RTE_DIM(probed) || da == NULL)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->vdev = vdev;
	/* The bus sets the device's driver once we return 0. */
	p->driver_at_probe = rte_dev_driver(&vdev->device);
	/* Garbage the devargs (socket_id=0, ...) must replace. */
	p->params.socket_id = 77;
	p->params.max_nb_queue_pairs = 99;
	p->params.private_data_size = LIVE_PRIV_SIZE;
	if (rte_cryptodev_pmd_parse_input_args(&p->params, da->args) != 0)
		return -EINVAL;
	dev = rte_cryptodev_pmd_create(rte_dev_name(&vdev->device), &vdev->device, &p->params);
	if (dev == NULL)
		return -ENOMEM;
	dev->dev_ops = &live_ops;
	dev->feature_flags = LIVE_FEATURES;
	dev->enqueue_burst = live_enqueue;
	dev->dequeue_burst = live_dequeue;
	dev->driver_id = live_cdrv_id;
	p->cdev = dev;
	n_probed++;
	rte_cryptodev_pmd_probing_finish(dev);
	return 0;
}

static int
live_remove(struct rte_vdev_device *vdev)
{
	unsigned int i;

	for (i = 0; i < n_probed; i++) {
		if (probed[i].vdev == vdev && !probed[i].removed) {
			probed[i].removed = true;
			return rte_cryptodev_pmd_destroy(probed[i].cdev);
		}
	}
	return -ENODEV;
}

static int
live_dma_map(struct rte_vdev_device *vdev, void *addr, uint64_t iova, size_t len)
{
	dma_maps++;
	dma_dev = vdev;
	dma_addr = addr;
	dma_iova = iova;
	dma_len = len;
	return 0;
}

static int
live_dma_unmap(struct rte_vdev_device *vdev, void *addr, uint64_t iova, size_t len)
{
	dma_unmaps++;
	dma_dev = vdev;
	dma_addr = addr;
	dma_iova = iova;
	dma_len = len;
	return 0;
}

static struct rte_vdev_driver live_vdrv = {
	.driver = { .name = LIVE_DRIVER, .alias = LIVE_ALIAS },
	.probe = live_probe,
	.remove = live_remove,
	.dma_map = (void *)live_dma_map,
	.dma_unmap = (void *)live_dma_unmap,
};

static int
other_probe(struct rte_vdev_device *vdev)
{
	(void)vdev;
	return -ENODEV;
}

/* Registered after ours, to see where the bus links it. */
static struct rte_vdev_driver other_vdrv = {
	.driver = { .name = "vc_abi_other" },
	.probe = other_probe,
};

static struct probed *
probed_named(const char *vdev_name)
{
	unsigned int i;

	for (i = 0; i < n_probed; i++)
		if (strcmp(rte_dev_name(&probed[i].vdev->device), vdev_name) == 0)
			return &probed[i];
	fail_msg("%s was not probed", vdev_name);
	return NULL;
}

/* ---- tests --------------------------------------------------------------- */

/* cryptodev_driver: what rte_cryptodev_allocate_driver() writes in it. */
static void
cryptodev_driver_allocated(void **state)
{
	uint8_t other_id;

	(void)state;
	live_cdrv_id = rte_cryptodev_allocate_driver(&live_cdrv, &live_vdrv.driver);
	other_id = rte_cryptodev_allocate_driver(&other_cdrv, &other_vdrv.driver);
	assert_int_equal(live_cdrv.id, live_cdrv_id);
	assert_int_equal(other_cdrv.id, other_id);
	assert_int_equal(other_id, live_cdrv_id + 1);
	checked("cryptodev_driver.id", "rte_cryptodev_allocate_driver() writes the id it returns");
	assert_ptr_equal(live_cdrv.driver, &live_vdrv.driver);
	/* The library finds it by the name behind the pointer it wrote. */
	assert_int_equal(rte_cryptodev_driver_id_get(LIVE_DRIVER), live_cdrv_id);
	assert_string_equal(rte_cryptodev_driver_name_get(live_cdrv_id), LIVE_DRIVER);
	checked("cryptodev_driver.driver", "written by rte_cryptodev_allocate_driver(); "
		"rte_cryptodev_driver_id_get/name_get() find our driver's name through it");
	assert_ptr_equal(live_cdrv.next.tqe_next, &other_cdrv);
	checked("cryptodev_driver.next", "the library links the driver allocated next there");
}

static void
vdev_probed(void **state)
{
	struct rte_bus *vdev_bus = rte_bus_find_by_name("vdev");
	struct rte_dev_iterator it;
	struct rte_device *d;
	struct probed *p0, *p1;
	unsigned int seen = 0;

	(void)state;
	assert_non_null(vdev_bus);
	rte_vdev_register(&live_vdrv);
	rte_vdev_register(&other_vdrv);
	assert_ptr_equal(live_vdrv.next.tqe_next, &other_vdrv);
	checked("rte_vdev_driver.next", "rte_vdev_register() links the driver registered next there");

	assert_int_equal(rte_vdev_init(LIVE_DRIVER "0",
				       "name=vc_abi_cdev0,max_nb_queue_pairs=3,socket_id=0"), 0);
	assert_int_equal(rte_vdev_init(LIVE_DRIVER "1",
				       "name=vc_abi_cdev1,max_nb_queue_pairs=2,socket_id=0"), 0);
	assert_int_equal(n_probed, 2);
	checked("rte_vdev_driver.probe", "rte_vdev_init() calls it");
	checked("rte_driver.name", "the vdev bus picks our driver for \"" LIVE_DRIVER "0\" by it");
	checked("rte_vdev_driver.driver", "the vdev bus reads our driver's name inside it");
	p0 = probed_named(LIVE_DRIVER "0");
	p1 = probed_named(LIVE_DRIVER "1");
	assert_ptr_equal(p0->vdev->next.tqe_next, p1->vdev);
	checked("rte_vdev_device.next", "the vdev bus links the device made next there");

	/* The bus's own idea of its devices: ours, where we found them. */
	RTE_DEV_FOREACH(d, "bus=vdev", &it) {
		if (d == &p0->vdev->device || d == &p1->vdev->device)
			seen++;
	}
	assert_int_equal(seen, 2);
	assert_string_equal(rte_dev_name(&p0->vdev->device), LIVE_DRIVER "0");
	checked("rte_vdev_device.device", "the bus's device iterator yields &vdev->device");

	/* rte_device: what the library says of it, and what we read. */
	assert_ptr_equal(p0->vdev->device.name, rte_dev_name(&p0->vdev->device));
	assert_string_equal(p0->vdev->device.name, LIVE_DRIVER "0");
	checked("rte_device.name", "rte_dev_name() returns what we read");
	assert_null(p0->driver_at_probe);
	assert_ptr_equal(rte_dev_driver(&p0->vdev->device), &live_vdrv.driver);
	assert_ptr_equal(p0->vdev->device.driver, &live_vdrv.driver);
	assert_string_equal(rte_driver_name(rte_dev_driver(&p0->vdev->device)), LIVE_DRIVER);
	checked("rte_device.driver", "the bus sets it after our probe: rte_dev_driver() and "
		"we read our driver");
	assert_ptr_equal(p0->vdev->device.bus, vdev_bus);
	assert_ptr_equal(rte_dev_bus(&p0->vdev->device), vdev_bus);
	checked("rte_device.bus", "rte_dev_bus() and we read the vdev bus");
	assert_int_equal(p0->vdev->device.numa_node, rte_dev_numa_node(&p0->vdev->device));
	assert_ptr_equal(p0->vdev->device.devargs, rte_dev_devargs(&p0->vdev->device));
	assert_non_null(p0->vdev->device.devargs);
	assert_string_equal(p0->vdev->device.devargs->name, LIVE_DRIVER "0");
	checked("rte_device.devargs", "rte_dev_devargs() returns what we read, "
		"holding the name we made the device with");
	/* vdevs have none; the PCI test checks it for real. */
	assert_ptr_equal(p0->vdev->device.bus_info, rte_dev_bus_info(&p0->vdev->device));

	/* The same driver under its alias. */
	assert_int_equal(rte_vdev_init(LIVE_ALIAS "2",
				       "name=vc_abi_cdev2,max_nb_queue_pairs=1,socket_id=0"), 0);
	assert_int_equal(n_probed, 3);
	assert_string_equal(rte_dev_name(&probed[2].vdev->device), LIVE_ALIAS "2");
	checked("rte_driver.alias", "the vdev bus picks our driver for \"" LIVE_ALIAS "2\" by it");
}

static const struct rte_memzone *data_mz;

static void
find_data_mz(const struct rte_memzone *mz, void *arg)
{
	if (mz->addr == arg)
		data_mz = mz;
}

/* What rte_cryptodev_pmd_parse_input_args() and _pmd_create() did with it. */
static void
cryptodev_created(void **state)
{
	struct probed *p0 = probed_named(LIVE_DRIVER "0");
	struct probed *p1 = probed_named(LIVE_DRIVER "1");
	struct rte_cryptodev *dev = p0->cdev;
	struct rte_cryptodev_info info;
	size_t priv_size = 0;
	int id, id1;

	(void)state;
	assert_string_equal(p0->params.name, "vc_abi_cdev0");
	assert_int_equal(p0->params.max_nb_queue_pairs, 3);
	assert_int_equal(p1->params.max_nb_queue_pairs, 2);
	assert_int_equal(p0->params.socket_id, 0);
	assert_int_equal(p0->params.private_data_size, LIVE_PRIV_SIZE);
	checked("rte_cryptodev_pmd_init_params.max_nb_queue_pairs",
		"rte_cryptodev_pmd_parse_input_args() writes max_nb_queue_pairs=N there");

	id = rte_cryptodev_get_dev_id("vc_abi_cdev0");
	assert_true(id >= 0);
	assert_ptr_equal(rte_cryptodev_pmd_get_named_dev("vc_abi_cdev0"), dev);
	/* The name given by the devargs, not the vdev's: read by pmd_create. */
	checked("rte_cryptodev_pmd_init_params.name", "written by "
		"rte_cryptodev_pmd_parse_input_args(), read by rte_cryptodev_pmd_create() "
		"(the cryptodev is named after it)");

	assert_int_equal(dev->data->dev_id, id);
	checked("rte_cryptodev_data.dev_id", "is what rte_cryptodev_get_dev_id() returns");
	assert_ptr_equal(rte_cryptodev_name_get(id), dev->data->name);
	assert_string_equal(dev->data->name, "vc_abi_cdev0");
	checked("rte_cryptodev_data.name", "rte_cryptodev_name_get() returns its address");
	checked("rte_cryptodev.data", "the library's data: its name, id, queue pairs are "
		"the ones we read through it");
	assert_int_equal(dev->data->socket_id, 0);
	assert_int_equal(rte_cryptodev_socket_id(id), 0);
	checked("rte_cryptodev_pmd_init_params.socket_id", "written by "
		"rte_cryptodev_pmd_parse_input_args() (replacing 77), read by pmd_create");
	checked("rte_cryptodev_data.socket_id", "pmd_create writes the params' socket_id; "
		"rte_cryptodev_socket_id() and we read it");
	assert_int_equal(rte_malloc_validate(dev->data->dev_private, &priv_size), 0);
	assert_true(priv_size >= LIVE_PRIV_SIZE && priv_size < LIVE_PRIV_SIZE + RTE_CACHE_LINE_SIZE);
	checked("rte_cryptodev_pmd_init_params.private_data_size", "pmd_create allocates "
		"that much for dev_private (rte_malloc_validate)");
	checked("rte_cryptodev_data.dev_private", "a live rte_malloc block of the size we asked");
	assert_ptr_equal(dev->device, &p0->vdev->device);
	checked("rte_cryptodev.device", "pmd_create writes the device we gave it");

	/*
	 * The library's cryptodevs are an array: its element is no smaller
	 * than the part we declare. The data it reserves a memzone for is
	 * exactly one of ours (declared whole).
	 */
	id1 = rte_cryptodev_get_dev_id("vc_abi_cdev1");
	assert_true(id1 > id);
	assert_int_equal(((char *)p1->cdev - (char *)dev) % (id1 - id), 0);
	assert_true((size_t)((char *)p1->cdev - (char *)dev) / (id1 - id) >= sizeof(*dev));
	checked("sizeof(struct rte_cryptodev)", "no larger than the stride of the "
		"library's device array");
	data_mz = NULL;
	rte_memzone_walk(find_data_mz, dev->data);
	assert_non_null(data_mz);
	assert_int_equal(data_mz->len, sizeof(struct rte_cryptodev_data));
	checked("sizeof(struct rte_cryptodev_data)", "the size of the memzone the library "
		"reserved for it");

	memset(&info, 0, sizeof(info));
	calls[OP_INFOS_GET] = 0;
	rte_cryptodev_info_get(id, &info);
	assert_int_equal(calls[OP_INFOS_GET], 1);
	assert_ptr_equal(last_dev, dev);
	checked("rte_cryptodev_ops.dev_infos_get", "rte_cryptodev_info_get() calls it");
	checked("rte_cryptodev.dev_ops", "the library calls our ops through it");
	assert_string_equal(info.driver_name, LIVE_DRIVER);
	assert_ptr_equal(info.device, &p0->vdev->device);
	assert_int_equal(info.feature_flags, LIVE_FEATURES);
	assert_int_equal(info.driver_id, live_cdrv_id);
	assert_int_equal(info.max_nb_queue_pairs, LIVE_MAX_QPS);

	/* Both devices carry our driver id where the library counts them. */
	assert_int_equal(rte_cryptodev_device_count_by_driver(live_cdrv_id), 3);
	assert_int_equal(rte_cryptodev_device_count_by_driver(live_cdrv_id + 1), 0);
	checked("rte_cryptodev.driver_id", "rte_cryptodev_device_count_by_driver() counts "
		"our three devices under the id we wrote");
	CHECK_BETWEEN(rte_cryptodev, dev_ops, feature_flags, device,
		      "rte_cryptodev.feature_flags", "no library function on our way reads it "
		      "(only cpu-crypto and raw data path ones, which our ops do not offer); it "
		      "fills exactly the gap between dev_ops and device, both checked");
}

/* The control path: each op once, called by the library through our table. */
static void
cryptodev_ops_called(void **state)
{
	struct probed *p0 = probed_named(LIVE_DRIVER "0");
	struct rte_cryptodev *dev = p0->cdev;
	struct rte_cryptodev_config conf = { .socket_id = 0, .nb_queue_pairs = 2 };
	struct rte_cryptodev_qp_conf qp_conf = { .nb_descriptors = 16 };
	struct rte_cryptodev_stats stats;
	struct rte_crypto_op *ops[4] = { NULL };
	struct rte_mempool *busy;
	void *busy_obj;
	int id = rte_cryptodev_get_dev_id("vc_abi_cdev0");

	(void)state;
	memset(calls, 0, sizeof(calls));
	assert_int_equal(rte_cryptodev_configure(id, &conf), 0);
	assert_int_equal(calls[OP_CONFIGURE], 1);
	assert_ptr_equal(last_dev, dev);
	assert_ptr_equal(last_arg, &conf);
	checked("rte_cryptodev_ops.dev_configure", "rte_cryptodev_configure() calls it");
	assert_int_equal(rte_cryptodev_queue_pair_count(id), 2);
	assert_int_equal(dev->data->nb_queue_pairs, 2);
	checked("rte_cryptodev_data.nb_queue_pairs", "the library writes the configured "
		"count; rte_cryptodev_queue_pair_count() and we read it");
	assert_non_null(dev->data->queue_pairs);

	assert_int_equal(rte_cryptodev_queue_pair_setup(id, 0, &qp_conf, 0), 0);
	assert_int_equal(rte_cryptodev_queue_pair_setup(id, 1, &qp_conf, 0), 0);
	assert_int_equal(calls[OP_QP_SETUP], 2);
	assert_int_equal(last_qp_id, 1);
	assert_ptr_equal(last_arg, &qp_conf);
	checked("rte_cryptodev_ops.queue_pair_setup", "rte_cryptodev_queue_pair_setup() "
		"calls it");
	/* The function exists from 24.11 on; the slot, where the header says. */
#if defined(VC_ABI_HAS_rte_cryptodev_ops_queue_pair_reset) && \
	RTE_VERSION >= RTE_VERSION_NUM(24, 11, 0, 0)
	assert_int_equal(rte_cryptodev_queue_pair_reset(id, 1, &qp_conf, 0), 0);
	assert_int_equal(calls[OP_QP_RESET], 1);
	assert_int_equal(last_qp_id, 1);
	assert_ptr_equal(last_dev, dev);
	checked("rte_cryptodev_ops.queue_pair_reset", "rte_cryptodev_queue_pair_reset() "
		"calls it");
#endif

	assert_int_equal(rte_cryptodev_start(id), 0);
	assert_int_equal(calls[OP_START], 1);
	checked("rte_cryptodev_ops.dev_start", "rte_cryptodev_start() calls it");
	assert_int_equal(dev->data->dev_started, 1);

	/* The fast path the library set up at start, from our two pointers. */
	assert_int_equal(rte_cryptodev_enqueue_burst(id, 1, ops, 4), 4);
	assert_int_equal(calls[OP_ENQUEUE], 1);
	assert_ptr_equal(last_arg, &live_qps[1]);
	checked("rte_cryptodev.enqueue_burst", "rte_cryptodev_enqueue_burst() calls it "
		"after start");
	checked("rte_cryptodev_data.queue_pairs", "the library hands our burst functions "
		"the queue pair we stored in it");
	assert_int_equal(rte_cryptodev_dequeue_burst(id, 0, ops, 4), 3);
	assert_int_equal(calls[OP_DEQUEUE], 1);
	assert_ptr_equal(last_arg, &live_qps[0]);
	checked("rte_cryptodev.dequeue_burst", "rte_cryptodev_dequeue_burst() calls it "
		"after start");

	memset(&stats, 0, sizeof(stats));
	assert_int_equal(rte_cryptodev_stats_get(id, &stats), 0);
	assert_int_equal(calls[OP_STATS_GET], 1);
	assert_int_equal(stats.enqueued_count, 1111);
	assert_int_equal(stats.dequeued_count, 2222);
	checked("rte_cryptodev_ops.stats_get", "rte_cryptodev_stats_get() calls it");
	rte_cryptodev_stats_reset(id);
	assert_int_equal(calls[OP_STATS_RESET], 1);
	assert_ptr_equal(last_dev, dev);
	checked("rte_cryptodev_ops.stats_reset", "rte_cryptodev_stats_reset() calls it");

	rte_cryptodev_stop(id);
	assert_int_equal(calls[OP_STOP], 1);
	checked("rte_cryptodev_ops.dev_stop", "rte_cryptodev_stop() calls it");
	assert_int_equal(dev->data->dev_started, 0);
	checked("rte_cryptodev_data.dev_started", "the library sets the bit at start and "
		"clears it at stop; we read 1, then 0");

	/* A session pool with an object out: the library refuses to close. */
	busy = rte_mempool_create("vc_abi_live_busy", 4, 64, 0, 0, NULL, NULL, NULL, NULL,
				  SOCKET_ID_ANY, 0);
	assert_non_null(busy);
	assert_int_equal(rte_mempool_get(busy, &busy_obj), 0);
	dev->data->session_pool = busy;
	assert_int_equal(rte_cryptodev_close(id), -EBUSY);
	assert_int_equal(calls[OP_CLOSE], 0);
	rte_mempool_put(busy, busy_obj);
	dev->data->session_pool = NULL;
	rte_mempool_free(busy);
	checked("rte_cryptodev_data.session_pool", "rte_cryptodev_close() refuses with "
		"-EBUSY while the pool we put there has an object out");

	/* One queue pair fewer: the library releases the last one. */
	conf.nb_queue_pairs = 1;
	assert_int_equal(rte_cryptodev_configure(id, &conf), 0);
	assert_true(calls[OP_QP_RELEASE] >= 1);
	assert_int_equal(last_qp_id, 1);
	assert_int_equal(rte_cryptodev_queue_pair_count(id), 1);
	checked("rte_cryptodev_ops.queue_pair_release", "rte_cryptodev_configure() with "
		"fewer queue pairs calls it for the dropped one");

	assert_int_equal(rte_cryptodev_close(id), 0);
	assert_int_equal(calls[OP_CLOSE], 1);
	assert_ptr_equal(last_dev, dev);
	checked("rte_cryptodev_ops.dev_close", "rte_cryptodev_close() calls it");
}

/* Sessions: the sizes we report, where our part and the user data start. */
static void
cryptodev_sessions(void **state)
{
	struct probed *p1 = probed_named(LIVE_DRIVER "1");
	struct rte_cryptodev *dev = p1->cdev;
	int id = rte_cryptodev_get_dev_id("vc_abi_cdev1");
	uint8_t key[16] = { 0 }, mod[8] = { 0xc3 }, exp[1] = { 3 };
	struct rte_crypto_sym_xform xform = {
		.type = RTE_CRYPTO_SYM_XFORM_CIPHER,
		.cipher = {
			.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT,
			.algo = RTE_CRYPTO_CIPHER_AES_CBC,
			.key = { .data = key, .length = sizeof(key) },
			.iv = { .offset = 128, .length = 16 },
		},
	};
	struct rte_crypto_asym_xform axform = {
		.xform_type = RTE_CRYPTO_ASYM_XFORM_MODEX,
		.modex = {
			.modulus = { .data = mod, .length = sizeof(mod) },
			.exponent = { .data = exp, .length = sizeof(exp) },
		},
	};
	struct rte_mempool *small, *pool, *apool;
	void *sess, *asess = NULL;

	(void)state;
	memset(calls, 0, sizeof(calls));
	assert_int_equal(rte_cryptodev_sym_get_private_session_size(id), LIVE_SYM_PRIV);
	assert_true(calls[OP_SYM_SIZE] >= 1);
	assert_ptr_equal(last_dev, dev);
	checked("rte_cryptodev_ops.sym_session_get_size",
		"rte_cryptodev_sym_get_private_session_size() returns what it says");

	/* A pool one byte short of what we said is refused... */
	small = rte_cryptodev_sym_session_pool_create("vc_abi_live_small", 4,
						      LIVE_SYM_PRIV - 1, 0, 16, SOCKET_ID_ANY);
	assert_non_null(small);
	assert_null(rte_cryptodev_sym_session_create(id, &xform, small));
	assert_int_equal(calls[OP_SYM_CONFIGURE], 0);
	rte_mempool_free(small);
	/* ...one of that size is not, and our part starts where we think. */
	pool = rte_cryptodev_sym_session_pool_create("vc_abi_live_sym", 4, LIVE_SYM_PRIV,
						     0, 16, SOCKET_ID_ANY);
	assert_non_null(pool);
	sess = rte_cryptodev_sym_session_create(id, &xform, pool);
	assert_non_null(sess);
	assert_int_equal(calls[OP_SYM_CONFIGURE], 1);
	assert_ptr_equal(last_arg, sess);
	checked("rte_cryptodev_ops.sym_session_configure",
		"rte_cryptodev_sym_session_create() calls it");
	/* The library puts the user data right after the driver's part. */
	assert_ptr_equal(rte_cryptodev_sym_session_get_user_data(sess),
			 (char *)vc_sym_session_priv(sess) + LIVE_SYM_PRIV);
	checked("VC_SYM_SESSION_PRIV_OFFSET", "the user data the library places after our "
		"part (of the size we said) is at that offset plus that size");
	assert_int_equal(rte_cryptodev_sym_session_free(id, sess), 0);
	assert_int_equal(calls[OP_SYM_CLEAR], 1);
	assert_ptr_equal(last_arg, sess);
	checked("rte_cryptodev_ops.sym_session_clear", "rte_cryptodev_sym_session_free() "
		"calls it");
	rte_mempool_free(pool);

	assert_int_equal(rte_cryptodev_asym_get_private_session_size(id), LIVE_ASYM_PRIV);
	assert_true(calls[OP_ASYM_SIZE] >= 1);
	checked("rte_cryptodev_ops.asym_session_get_size",
		"rte_cryptodev_asym_get_private_session_size() returns what it says");
	/* The pool takes the largest size any device asks: ours. */
	apool = rte_cryptodev_asym_session_pool_create("vc_abi_live_asym", 4, 0, 16,
						       SOCKET_ID_ANY);
	assert_non_null(apool);
	assert_int_equal(rte_cryptodev_asym_session_create(id, &axform, apool, &asess), 0);
	assert_int_equal(calls[OP_ASYM_CONFIGURE], 1);
	assert_ptr_equal(last_arg, asess);
	checked("rte_cryptodev_ops.asym_session_configure",
		"rte_cryptodev_asym_session_create() calls it");
	assert_int_equal(rte_cryptodev_asym_get_header_session_size(),
			 VC_ASYM_SESSION_PRIV_OFFSET);
	assert_ptr_equal(rte_cryptodev_asym_session_get_user_data(asess),
			 (char *)vc_asym_session_priv(asess) + LIVE_ASYM_PRIV);
	checked("VC_ASYM_SESSION_PRIV_OFFSET", "rte_cryptodev_asym_get_header_session_size(),"
		" and the user data the library places after our part");
	assert_int_equal(rte_cryptodev_asym_session_free(id, asess), 0);
	assert_int_equal(calls[OP_ASYM_CLEAR], 1);
	assert_ptr_equal(last_arg, asess);
	checked("rte_cryptodev_ops.asym_session_clear", "rte_cryptodev_asym_session_free() "
		"calls it");
	rte_mempool_free(apool);
}

/* DMA mapping and removal through the vdev bus; the cryptodev goes with it. */
static void
vdev_dma_and_remove(void **state)
{
	struct probed *p1 = probed_named(LIVE_DRIVER "1");
	size_t pgsz = (size_t)sysconf(_SC_PAGESIZE), len = 4 * pgsz;
	void *mem;

	(void)state;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(rte_extmem_register(mem, len, NULL, 0, pgsz), 0);
	assert_int_equal(rte_dev_dma_map(&p1->vdev->device, mem, 0x1230000, len), 0);
	assert_int_equal(dma_maps, 1);
	assert_ptr_equal(dma_dev, p1->vdev);
	assert_ptr_equal(dma_addr, mem);
	assert_int_equal(dma_iova, 0x1230000);
	assert_int_equal(dma_len, len);
	checked("rte_vdev_driver.dma_map", "rte_dev_dma_map() calls it with its arguments");
	assert_int_equal(rte_dev_dma_unmap(&p1->vdev->device, mem, 0x1230000, len), 0);
	assert_int_equal(dma_unmaps, 1);
	assert_ptr_equal(dma_dev, p1->vdev);
	checked("rte_vdev_driver.dma_unmap", "rte_dev_dma_unmap() calls it");
	assert_int_equal(rte_extmem_unregister(mem, len), 0);
	munmap(mem, len);

	calls[OP_CLOSE] = 0;
	assert_int_equal(rte_vdev_uninit(LIVE_DRIVER "1"), 0);
	assert_true(p1->removed);
	checked("rte_vdev_driver.remove", "rte_vdev_uninit() calls it");
	/* rte_cryptodev_pmd_destroy() closes through our ops and frees it. */
	assert_int_equal(calls[OP_CLOSE], 1);
	assert_null(rte_cryptodev_pmd_get_named_dev("vc_abi_cdev1"));
	assert_true(rte_cryptodev_get_dev_id("vc_abi_cdev1") < 0);
	assert_int_equal(rte_vdev_uninit(LIVE_ALIAS "2"), 0);
	assert_int_equal(rte_vdev_uninit(LIVE_DRIVER "0"), 0);
	assert_int_equal(rte_cryptodev_device_count_by_driver(live_cdrv_id), 0);

	CHECK_FIRST(rte_driver, next, name, "rte_driver.next", "no library function "
		    "follows it (drivers are linked through their bus's structure); it fills "
		    "exactly the room before name, checked");
	CHECK_FIRST(rte_device, next, name, "rte_device.next", "no library function "
		    "follows it (devices are linked through their bus's structure); it fills "
		    "exactly the room before name, checked");
}

/* ---- the PCI driver, on a made-up sysfs tree ----------------------------- */

/* Sorted as the bus keeps them; ids no distribution driver claims. */
#define PCI_A		"0000:ff:1f.6"
#define PCI_B		"0000:ff:1f.7"
#define PCI_VENDOR	0x1234
#define PCI_DEVICE_A	0xabcd
#define PCI_DEVICE_B	0xabce
#define PCI_SUBVENDOR	0x5678
#define PCI_SUBDEVICE	0x9abc
#define PCI_CLASS	0x0b4000	/* co-processor */
#define PCI_NUMA_A	1
#define PCI_MAX_VFS_A	5

static char sysfs_dir[] = "/tmp/vc_abi_live.XXXXXX";

/* BARs 0 and 2 memory, 4 I/O (which the bus leaves out), the rest unused. */
static const struct {
	uint64_t start, end, flags;
} bars[] = {
	{ 0xfe000000, 0xfe003fff, 0x40200 },
	{ 0, 0, 0 },
	{ 0xfd000000, 0xfd0fffff, 0x14220c },
	{ 0, 0, 0 },
	{ 0xc000, 0xc01f, 0x40101 },
	{ 0, 0, 0 },
	{ 0, 0, 0 },	/* the ROM, which the bus does not read */
};

static int
sysfs_write(const char *dev, const char *file, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s/%s", sysfs_dir, dev, file);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	va_start(ap, fmt);
	rc = vfprintf(f, fmt, ap);
	va_end(ap);
	return fclose(f) == 0 && rc > 0 ? 0 : -1;
}

static int
make_pci_device(const char *addr, unsigned int device_id, int numa, int max_vfs)
{
	char path[512];
	unsigned int i;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", sysfs_dir, addr);
	if (mkdir(path, 0755) != 0)
		return -1;
	rc |= sysfs_write(addr, "vendor", "0x%04x\n", PCI_VENDOR);
	rc |= sysfs_write(addr, "device", "0x%04x\n", device_id);
	rc |= sysfs_write(addr, "subsystem_vendor", "0x%04x\n", PCI_SUBVENDOR);
	rc |= sysfs_write(addr, "subsystem_device", "0x%04x\n", PCI_SUBDEVICE);
	rc |= sysfs_write(addr, "class", "0x%06x\n", PCI_CLASS);
	if (numa >= 0)
		rc |= sysfs_write(addr, "numa_node", "%d\n", numa);
	if (max_vfs >= 0)
		rc |= sysfs_write(addr, "max_vfs", "%d\n", max_vfs);
	snprintf(path, sizeof(path), "%s/%s/resource", sysfs_dir, addr);
	{
		FILE *f = fopen(path, "w");

		if (f == NULL)
			return -1;
		for (i = 0; i < RTE_DIM(bars); i++)
			fprintf(f, "0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64 "\n",
				bars[i].start, bars[i].end, bars[i].flags);
		rc |= fclose(f);
	}
	/* Bound to a kernel driver the bus does not know: it maps nothing. */
	snprintf(path, sizeof(path), "%s/%s/driver", sysfs_dir, addr);
	rc |= symlink("../../../bus/pci/drivers/vc_abi_stub", path);
	return rc;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct pci_probed {
	struct rte_pci_device *dev;
	struct rte_pci_driver *drv;
	struct rte_pci_driver *driver_at_probe;
	struct rte_intr_handle *intr_handle;
	struct rte_intr_handle *vfio_req_intr_handle;
	unsigned int probes;
	bool removed;
};
static struct pci_probed pci_probed[2];
static unsigned int pci_dma_maps, pci_dma_unmaps;
static void *pci_dma_dev;

static struct pci_probed *
pci_slot(const struct rte_pci_device *dev)
{
	return &pci_probed[strcmp(rte_dev_name(&dev->device), PCI_A) == 0 ? 0 : 1];
}

static int
live_pci_probe(struct rte_pci_driver *drv, struct rte_pci_device *dev)
{
	struct pci_probed *p = pci_slot(dev);

	p->dev = dev;
	p->drv = drv;
	p->driver_at_probe = dev->driver;
	/* The bus makes them for the probe (and frees them on remove). */
	p->intr_handle = dev->intr_handle;
	p->vfio_req_intr_handle = dev->vfio_req_intr_handle;
	p->probes++;
	return 0;
}

static int
live_pci_remove(struct rte_pci_device *dev)
{
	pci_slot(dev)->removed = true;
	return 0;
}

static int
live_pci_dma_map(struct rte_pci_device *dev, void *addr, uint64_t iova, size_t len)
{
	(void)addr;
	(void)iova;
	(void)len;
	pci_dma_maps++;
	pci_dma_dev = dev;
	return 0;
}

static int
live_pci_dma_unmap(struct rte_pci_device *dev, void *addr, uint64_t iova, size_t len)
{
	(void)addr;
	(void)iova;
	(void)len;
	pci_dma_unmaps++;
	pci_dma_dev = dev;
	return 0;
}

/* The first entry matches neither device: the bus must walk the table. */
static const struct rte_pci_id live_pci_ids[] = {
	{ .class_id = RTE_CLASS_ANY_ID, .vendor_id = PCI_VENDOR, .device_id = 0xabc0,
	  .subsystem_vendor_id = RTE_PCI_ANY_ID, .subsystem_device_id = RTE_PCI_ANY_ID },
	{ .class_id = RTE_CLASS_ANY_ID, .vendor_id = PCI_VENDOR, .device_id = PCI_DEVICE_A,
	  .subsystem_vendor_id = RTE_PCI_ANY_ID, .subsystem_device_id = RTE_PCI_ANY_ID },
	{ .class_id = PCI_CLASS, .vendor_id = PCI_VENDOR, .device_id = PCI_DEVICE_B,
	  .subsystem_vendor_id = PCI_SUBVENDOR, .subsystem_device_id = PCI_SUBDEVICE },
	{ .vendor_id = 0 },
};

static struct rte_pci_driver live_pci = {
	.driver = { .name = "vc_abi_live_pci" },
	.probe = live_pci_probe,
	.remove = live_pci_remove,
	.dma_map = (void *)live_pci_dma_map,
	.dma_unmap = (void *)live_pci_dma_unmap,
	.id_table = live_pci_ids,
	.drv_flags = 0,
};

static const struct rte_pci_id no_pci_ids[] = { { .vendor_id = 0 } };

static struct rte_pci_driver other_pci = {
	.driver = { .name = "vc_abi_other_pci" },
	.probe = live_pci_probe,
	.id_table = no_pci_ids,
};

/* What rte_pci_dump() prints of a device: the bus's own reading of it. */
static void
assert_dumped(const struct rte_pci_device *dev, const char *addr, unsigned int device_id)
{
	char *buf = NULL, *at, head[64], line[64];
	size_t len = 0;
	unsigned int i;
	FILE *f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	rte_pci_dump(f);
	fclose(f);
	snprintf(head, sizeof(head), "%s - vendor:%x device:%x\n", addr, PCI_VENDOR, device_id);
	at = strstr(buf, head);
	if (at == NULL)
		fail_msg("rte_pci_dump() lacks \"%s\":\n%s", head, buf);
	at += strlen(head);
	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		snprintf(line, sizeof(line), "   %16.16" PRIx64 " %16.16" PRIx64 "\n",
			 dev->mem_resource[i].phys_addr, dev->mem_resource[i].len);
		if (strncmp(at, line, strlen(line)) != 0)
			fail_msg("BAR %u: we read \"%s\", rte_pci_dump() says:\n%s", i, line, buf);
		at += strlen(line);
	}
	free(buf);
}

static void
pci_probed_devices(void **state)
{
	struct rte_bus *pci_bus = rte_bus_find_by_name("pci");
	struct pci_probed *a = &pci_probed[0], *b = &pci_probed[1];
	struct rte_pci_device *dev;
	struct rte_dev_iterator it;
	struct rte_device *d;
	unsigned int i, seen = 0;
	char bus_info[64];

	(void)state;
	assert_non_null(pci_bus);
	rte_pci_register(&live_pci);
	rte_pci_register(&other_pci);
	assert_ptr_equal(live_pci.next.tqe_next, &other_pci);
	checked("rte_pci_driver.next", "rte_pci_register() links the driver registered "
		"next there");

	assert_int_equal(rte_dev_probe(PCI_A), 0);
	assert_int_equal(rte_dev_probe(PCI_B), 0);
	assert_int_equal(a->probes, 1);
	assert_int_equal(b->probes, 1);
	assert_ptr_equal(a->drv, &live_pci);
	checked("rte_pci_driver.probe", "rte_dev_probe() calls it for both devices");
	checked("rte_pci_driver.id_table", "the bus matches each device by a later entry of "
		"our table (by ids, then by class and subsystem)");
	dev = a->dev;

	RTE_DEV_FOREACH(d, "bus=pci", &it) {
		if (d == &a->dev->device || d == &b->dev->device)
			seen++;
	}
	assert_int_equal(seen, 2);
	assert_string_equal(rte_dev_name(&dev->device), PCI_A);
	assert_ptr_equal(rte_dev_bus(&dev->device), pci_bus);
	checked("rte_pci_device.device", "the bus's device iterator yields &dev->device, "
		"named after the device's address");
	assert_ptr_equal(a->dev->next.tqe_next, b->dev);
	checked("rte_pci_device.next", "the bus links the next device (by address) there");

	assert_int_equal(dev->addr.domain, 0);
	assert_int_equal(dev->addr.bus, 0xff);
	assert_int_equal(dev->addr.devid, 0x1f);
	assert_int_equal(dev->addr.function, 6);
	assert_int_equal(dev->id.vendor_id, PCI_VENDOR);
	assert_int_equal(dev->id.device_id, PCI_DEVICE_A);
	assert_int_equal(dev->id.subsystem_vendor_id, PCI_SUBVENDOR);
	assert_int_equal(dev->id.subsystem_device_id, PCI_SUBDEVICE);
	assert_int_equal(dev->id.class_id, PCI_CLASS);
	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		uint64_t len = bars[i].flags & 0x200 ? bars[i].end - bars[i].start + 1 : 0;

		assert_int_equal(dev->mem_resource[i].phys_addr, len ? bars[i].start : 0);
		assert_int_equal(dev->mem_resource[i].len, len);
		assert_null(dev->mem_resource[i].addr);
	}
	assert_dumped(dev, PCI_A, PCI_DEVICE_A);
	assert_dumped(b->dev, PCI_B, PCI_DEVICE_B);
	checked("rte_pci_device.addr", "the bus parses the sysfs name into it; "
		"rte_pci_dump() and we read it");
	checked("rte_pci_device.id", "the bus reads the sysfs ids into it; rte_pci_dump() "
		"and we read them");
	checked("rte_pci_device.mem_resource", "the bus reads the sysfs resource file into it;"
		" rte_pci_dump() and we read every BAR");

	assert_int_equal(dev->device.numa_node, PCI_NUMA_A);
	assert_int_equal(rte_dev_numa_node(&dev->device), PCI_NUMA_A);
	checked("rte_device.numa_node", "the bus writes the sysfs numa_node; "
		"rte_dev_numa_node() and we read it");
	assert_non_null(dev->bus_info);
	assert_ptr_equal(dev->bus_info, rte_dev_bus_info(&dev->device));
	assert_ptr_equal(dev->device.bus_info, dev->bus_info);
	snprintf(bus_info, sizeof(bus_info), "vendor_id=%x, device_id=%x",
		 PCI_VENDOR, PCI_DEVICE_A);
	assert_string_equal(dev->bus_info, bus_info);
	checked("rte_device.bus_info", "the PCI bus points it at its own bus_info; "
		"rte_dev_bus_info() and we read it");
	checked("rte_pci_device.bus_info", "the bus writes it (\"vendor_id=..., device_id=...\")"
		" and rte_dev_bus_info() returns the same pointer");
	assert_string_equal(dev->name, PCI_A);
	assert_string_equal(b->dev->name, PCI_B);
	checked("rte_pci_device.name", "the bus writes the address there");

	assert_ptr_equal(a->driver_at_probe, &live_pci);
	assert_ptr_equal(dev->driver, &live_pci);
	assert_ptr_equal(rte_dev_driver(&dev->device), &live_pci.driver);
	checked("rte_pci_device.driver", "the bus sets it before our probe");
	checked("rte_pci_driver.driver", "the bus links the device to &drv->driver "
		"(rte_dev_driver())");
	assert_int_equal(dev->max_vfs, PCI_MAX_VFS_A);
	assert_int_equal(b->dev->max_vfs, 0);
	checked("rte_pci_device.max_vfs", "the bus reads the sysfs max_vfs into it");

	/* Value 0 (UNKNOWN), so its position is checked too: next to max_vfs. */
	assert_int_equal(dev->kdrv, RTE_PCI_KDRV_UNKNOWN);
	assert_int_equal(b->dev->kdrv, RTE_PCI_KDRV_UNKNOWN);
	assert_int_equal(offsetof(struct rte_pci_device, kdrv),
			 RTE_ALIGN(offsetof(struct rte_pci_device, max_vfs) + sizeof(uint16_t),
				   _Alignof(enum rte_pci_kernel_driver)));
	assert_int_equal(offsetof(struct rte_pci_device, kdrv) + sizeof(dev->kdrv),
			 offsetof(struct rte_pci_device, name));
	checked("rte_pci_device.kdrv", "the bus writes UNKNOWN for a kernel driver it does "
		"not know; between max_vfs and name, both checked");
	checked("RTE_PCI_KDRV_UNKNOWN", "what the bus writes for a kernel driver it does "
		"not know");

	for (i = 0; i < RTE_DIM(pci_probed); i++) {
		struct pci_probed *p = &pci_probed[i];

		assert_non_null(p->intr_handle);
		assert_non_null(p->vfio_req_intr_handle);
		assert_ptr_not_equal(p->intr_handle, p->vfio_req_intr_handle);
		/* Live instances, as rte_intr_instance_alloc() makes them. */
		assert_int_equal(rte_intr_type_get(p->intr_handle), RTE_INTR_HANDLE_UNKNOWN);
		assert_int_equal(rte_intr_nb_intr_get(p->intr_handle), RTE_MAX_RXTX_INTR_VEC_ID);
		assert_int_equal(rte_intr_type_get(p->vfio_req_intr_handle),
				 RTE_INTR_HANDLE_UNKNOWN);
		assert_int_equal(rte_intr_nb_intr_get(p->vfio_req_intr_handle),
				 RTE_MAX_RXTX_INTR_VEC_ID);
	}
	assert_ptr_not_equal(a->intr_handle, b->intr_handle);
	checked("rte_pci_device.intr_handle", "the bus allocates an interrupt instance "
		"there for the probe; the interrupt API reads it as one");
	checked("rte_pci_device.vfio_req_intr_handle", "the bus allocates a second "
		"interrupt instance there for the probe");

	/*
	 * Probed again only if our flags say so (rte_dev_probe() succeeds
	 * either way: the device is attached).
	 */
	assert_int_equal(rte_dev_probe(PCI_A), 0);
	assert_int_equal(a->probes, 1);
	live_pci.drv_flags = RTE_PCI_DRV_PROBE_AGAIN;
	assert_int_equal(rte_dev_probe(PCI_A), 0);
	assert_int_equal(a->probes, 2);
	live_pci.drv_flags = 0;
	checked("rte_pci_driver.drv_flags", "the bus probes a probed device again only "
		"after we set RTE_PCI_DRV_PROBE_AGAIN there");
	checked("RTE_PCI_DRV_PROBE_AGAIN", "the value the bus tests for that");
}

static void
pci_dma_and_remove(void **state)
{
	struct pci_probed *a = &pci_probed[0], *b = &pci_probed[1];
	size_t pgsz = (size_t)sysconf(_SC_PAGESIZE), len = 2 * pgsz;
	void *mem;

	(void)state;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(rte_extmem_register(mem, len, NULL, 0, pgsz), 0);
	assert_int_equal(rte_dev_dma_map(&a->dev->device, mem, 0x4560000, len), 0);
	assert_int_equal(pci_dma_maps, 1);
	assert_ptr_equal(pci_dma_dev, a->dev);
	checked("rte_pci_driver.dma_map", "rte_dev_dma_map() calls it");
	assert_int_equal(rte_dev_dma_unmap(&a->dev->device, mem, 0x4560000, len), 0);
	assert_int_equal(pci_dma_unmaps, 1);
	checked("rte_pci_driver.dma_unmap", "rte_dev_dma_unmap() calls it");
	assert_int_equal(rte_extmem_unregister(mem, len), 0);
	munmap(mem, len);

	assert_int_equal(rte_dev_remove(&b->dev->device), 0);
	assert_true(b->removed);
	assert_int_equal(rte_dev_remove(&a->dev->device), 0);
	assert_true(a->removed);
	checked("rte_pci_driver.remove", "rte_dev_remove() calls it");
	rte_pci_unregister(&other_pci);
	rte_pci_unregister(&live_pci);
}

/* Nothing the header declares may escape both lists. */
static void
every_declared_name_accounted(void **state)
{
	unsigned int i, missing = 0, live = 0;

	(void)state;
	fflush(stderr);
	printf("checked live against %s:\n", rte_version());
	for (i = 0; i < n_checked; i++)
		printf("  checked  %s: %s\n", checked_list[i].name, checked_list[i].how);
	for (i = 0; i < RTE_DIM(unreachable); i++)
		printf("  not reachable  %s: %s\n", unreachable[i].name,
		       unreachable[i].how);
	for (i = 0; i < RTE_DIM(unreachable); i++) {
		unsigned int j;
		bool declared = false;

		for (j = 0; j < RTE_DIM(vc_abi_declared); j++)
			declared |= strcmp(vc_abi_declared[j], unreachable[i].name) == 0;
		if (!declared) {
			printf("  %s is listed as unreachable but not declared\n",
			       unreachable[i].name);
			missing++;
		}
	}
	for (i = 0; i < RTE_DIM(vc_abi_declared); i++) {
		live += was_checked(vc_abi_declared[i]);
		if (was_checked(vc_abi_declared[i]) || is_unreachable(vc_abi_declared[i]))
			continue;
		printf("  NOT ACCOUNTED FOR  %s: neither checked nor listed as unreachable\n",
		       vc_abi_declared[i]);
		missing++;
	}
	printf("%u declared: %u checked live, %u not reachable, %u unaccounted\n",
	       (unsigned int)RTE_DIM(vc_abi_declared), live, (unsigned int)RTE_DIM(unreachable),
	       missing);
	assert_int_equal(missing, 0);
	/* A release that passes is one the probe may accept: it must be listed. */
	if (!VC_DRIVER_ABI_CHECKED(RTE_VER_YEAR, RTE_VER_MONTH))
		fail_msg("DPDK %d.%02d passes the live check but is not in "
			 "VC_DRIVER_ABI_CHECKED (dpdk_driver_abi.h)", RTE_VER_YEAR, RTE_VER_MONTH);
}

int
main(int argc, char **argv)
{
	/* No --no-pci: the PCI bus is part of what is checked. */
	char *eal_args[] = {
		argv[0], "--no-huge", "-m", "64", "-l", "0",
		"--file-prefix", "vc_unit_driver_abi_live", "--log-level", "lib.eal:warning",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cryptodev_driver_allocated),
		cmocka_unit_test(vdev_probed),
		cmocka_unit_test(cryptodev_created),
		cmocka_unit_test(cryptodev_ops_called),
		cmocka_unit_test(cryptodev_sessions),
		cmocka_unit_test(vdev_dma_and_remove),
		cmocka_unit_test(pci_probed_devices),
		cmocka_unit_test(pci_dma_and_remove),
		cmocka_unit_test(every_declared_name_accounted),
	};
	int rc;

	(void)argc;
	/* The PCI bus scans our tree instead of the machine's devices. */
	if (mkdtemp(sysfs_dir) == NULL ||
	    make_pci_device(PCI_A, PCI_DEVICE_A, PCI_NUMA_A, PCI_MAX_VFS_A) != 0 ||
	    make_pci_device(PCI_B, PCI_DEVICE_B, -1, -1) != 0) {
		printf("cannot make the sysfs tree in %s: %s\n", sysfs_dir, strerror(errno));
		return 1;
	}
	setenv("SYSFS_PCI_DEVICES", sysfs_dir, 1);
	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0) {
		printf("EAL init failed\n");
		nftw(sysfs_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
		return 1;
	}
	rc = RUN_TEST_GROUP(tests, NULL, NULL);
	rte_eal_cleanup();
	nftw(sysfs_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	return rc;
}
