/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The virtio-pci transport, modern devices only (virtio 1.x, "Virtio Over
 * PCI Bus"): a virtio-crypto PCI function (1af4:1054) bound to
 * uio_pci_generic or vfio-pci, its BARs mapped by the PCI bus before probe.
 * Vendor-specific capabilities in the configuration space say where in
 * those BARs the common configuration, the notification area and the
 * device configuration sit; every transport operation is a register access
 * there. We poll the rings, so neither interrupts nor the ISR are used.
 *
 * Legacy and transitional devices are not driven: their device ID is not
 * in the table, and a device without a common configuration capability or
 * without VIRTIO_F_VERSION_1 is refused at probe.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_io.h>
#include <rte_malloc.h>

#include "dpdk_driver_abi.h"
#include "virtio_crypto_hw.h"
#include "virtio_crypto_log.h"

#define VPCI_VENDOR_ID		0x1af4
/* Modern devices are 0x1040 plus the device type; crypto is 20. */
#define VPCI_CRYPTO_DEVICE_ID	(0x1040 + 20)

/* Ring size asked for; the device's maximum if that is smaller. */
#define VPCI_RING_SIZE		256
/* A reset completes when device_status reads 0; give up after this. */
#define VPCI_RESET_TIMEOUT_MS	1000
/* "No MSI-X vector": the device never signals us (we poll). */
#define VPCI_NO_VECTOR		0xffff

/* PCI configuration space (PCI Local Bus 3.0, 6.7). */
#define PCI_STATUS_REG		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_CAP_PTR_REG		0x34
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_FIRST		0x40	/* capabilities live above the header */
#define PCI_CAP_MAX		((RTE_PCI_CFG_SPACE_SIZE - PCI_CAP_FIRST) / 4)

/* Virtio structure types of the vendor-specific capability (4.1.4). */
#define VPCI_CAP_COMMON_CFG	1
#define VPCI_CAP_NOTIFY_CFG	2
#define VPCI_CAP_ISR_CFG	3
#define VPCI_CAP_DEVICE_CFG	4

/* struct virtio_pci_cap, all little-endian. */
struct vpci_cap {
	uint8_t cap_vndr;
	uint8_t cap_next;
	uint8_t cap_len;
	uint8_t cfg_type;
	uint8_t bar;
	uint8_t id;
	uint8_t padding[2];
	uint32_t offset;	/**< within the BAR */
	uint32_t length;
};

/* struct virtio_pci_notify_cap: the above and the queue spacing. */
struct vpci_notify_cap {
	struct vpci_cap cap;
	uint32_t notify_off_multiplier;
};

/*
 * struct virtio_pci_common_cfg (4.1.4.3), as far as this driver uses it
 * (queue_notify_data and queue_reset follow). Each field is read and
 * written at its own width; the 64-bit addresses as two 32-bit halves,
 * which the spec allows.
 */
struct vpci_common_cfg {
	/* The device. */
	uint32_t device_feature_select;
	uint32_t device_feature;	/**< 32 bits of the selected half */
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t config_msix_vector;
	uint16_t num_queues;
	uint8_t device_status;
	uint8_t config_generation;	/**< changes when the config changes */
	/* The queue queue_select names. */
	uint16_t queue_select;
	uint16_t queue_size;		/**< maximum until written; 0: no queue */
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off;
	uint32_t queue_desc_lo;
	uint32_t queue_desc_hi;
	uint32_t queue_driver_lo;
	uint32_t queue_driver_hi;
	uint32_t queue_device_lo;
	uint32_t queue_device_hi;
};

_Static_assert(offsetof(struct vpci_common_cfg, num_queues) == 18, "num_queues");
_Static_assert(offsetof(struct vpci_common_cfg, device_status) == 20, "device_status");
_Static_assert(offsetof(struct vpci_common_cfg, queue_select) == 22, "queue_select");
_Static_assert(offsetof(struct vpci_common_cfg, queue_notify_off) == 30, "queue_notify_off");
_Static_assert(offsetof(struct vpci_common_cfg, queue_desc_lo) == 32, "queue_desc");
_Static_assert(offsetof(struct vpci_common_cfg, queue_driver_lo) == 40, "queue_driver");
_Static_assert(offsetof(struct vpci_common_cfg, queue_device_lo) == 48, "queue_device");
_Static_assert(sizeof(struct vpci_common_cfg) == 56, "common cfg size");

struct virtio_pci_dev {
	struct rte_pci_device *pci;
	struct vpci_common_cfg *common;
	uint8_t *notify_base;
	uint32_t notify_len;
	uint32_t notify_off_multiplier;
	uint8_t *device_cfg;
	uint32_t device_cfg_len;
	uint16_t num_queues;		/**< data queues and the control queue */
};

static struct virtio_pci_dev *
vpci(struct virtio_crypto_hw *hw)
{
	return hw->transport;
}

/* ------------------------------------------------------------------ */
/* Register access                                                     */
/* ------------------------------------------------------------------ */

/*
 * The device's registers are little-endian; rte_read/rte_write order each
 * access after the program's earlier stores (rte_io_wmb) and do not merge
 * or split it.
 */
static uint8_t
reg_read8(const volatile uint8_t *r)
{
	return rte_read8(r);
}

static uint16_t
reg_read16(const volatile uint16_t *r)
{
	return rte_le_to_cpu_16(rte_read16(r));
}

static uint32_t
reg_read32(const volatile uint32_t *r)
{
	return rte_le_to_cpu_32(rte_read32(r));
}

static void
reg_write8(volatile uint8_t *r, uint8_t v)
{
	rte_write8(v, r);
}

static void
reg_write16(volatile uint16_t *r, uint16_t v)
{
	rte_write16(rte_cpu_to_le_16(v), r);
}

static void
reg_write32(volatile uint32_t *r, uint32_t v)
{
	rte_write32(rte_cpu_to_le_32(v), r);
}

static void
reg_write64(volatile uint32_t *lo, volatile uint32_t *hi, uint64_t v)
{
	reg_write32(lo, (uint32_t)v);
	reg_write32(hi, (uint32_t)(v >> 32));
}

/* ------------------------------------------------------------------ */
/* Transport operations                                                */
/* ------------------------------------------------------------------ */

static uint64_t
vpci_get_features(struct virtio_crypto_hw *hw)
{
	struct vpci_common_cfg *c = vpci(hw)->common;
	uint64_t lo, hi;

	reg_write32(&c->device_feature_select, 0);
	lo = reg_read32(&c->device_feature);
	reg_write32(&c->device_feature_select, 1);
	hi = reg_read32(&c->device_feature);
	return lo | hi << 32;
}

static int
vpci_set_features(struct virtio_crypto_hw *hw, uint64_t features)
{
	struct vpci_common_cfg *c = vpci(hw)->common;

	/* The probe refused devices without it; the core always asks for it. */
	if (!(features & (1ULL << VIRTIO_F_VERSION_1))) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: VIRTIO_F_VERSION_1 not negotiated; only "
				  "modern virtio devices are driven", hw->name);
		return -ENOTSUP;
	}
	reg_write32(&c->driver_feature_select, 0);
	reg_write32(&c->driver_feature, (uint32_t)features);
	reg_write32(&c->driver_feature_select, 1);
	reg_write32(&c->driver_feature, (uint32_t)(features >> 32));
	return 0;
}

/*
 * One pass over the device configuration, each access as wide as the
 * alignment allows: the spec wants 32-bit fields read 32 bits at a time,
 * and every virtio-crypto field is 32 or 64 bits wide.
 */
static void
read_config_once(const uint8_t *cfg, uint32_t offset, uint8_t *out, uint32_t len)
{
	while (len > 0) {
		const uint8_t *r = cfg + offset;
		uint32_t n;

		if ((offset & 3) == 0 && len >= 4) {
			uint32_t v = rte_read32(r);

			n = 4;
			memcpy(out, &v, n);	/* bytes as the device laid them */
		} else if ((offset & 1) == 0 && len >= 2) {
			uint16_t v = rte_read16(r);

			n = 2;
			memcpy(out, &v, n);
		} else {
			n = 1;
			*out = rte_read8(r);
		}
		offset += n;
		out += n;
		len -= n;
	}
}

static int
vpci_read_config(struct virtio_crypto_hw *hw, uint32_t offset, void *buf, uint32_t len)
{
	struct virtio_pci_dev *d = vpci(hw);
	unsigned int tries;
	uint8_t gen;

	if (offset > d->device_cfg_len || len > d->device_cfg_len - offset)
		return -EINVAL;
	/*
	 * A read that spans a configuration change is torn; the generation
	 * counter tells, and the read is repeated until it stays the same.
	 */
	for (tries = 0; tries < 100; tries++) {
		gen = reg_read8(&d->common->config_generation);
		read_config_once(d->device_cfg, offset, buf, len);
		if (reg_read8(&d->common->config_generation) == gen)
			return 0;
	}
	VIRTIO_CRYPTO_LOG(init, ERR, "%s: configuration keeps changing", hw->name);
	return -EIO;
}

static uint8_t
vpci_get_status(struct virtio_crypto_hw *hw)
{
	return reg_read8(&vpci(hw)->common->device_status);
}

/*
 * Reset: the device may take its time, and until device_status reads 0 it
 * may still use rings we are about to free. 0 or -EIO.
 */
static int
reset_device(struct vpci_common_cfg *c)
{
	unsigned int ms;

	reg_write8(&c->device_status, 0);
	for (ms = 0; ms < VPCI_RESET_TIMEOUT_MS; ms++) {
		if (reg_read8(&c->device_status) == 0)
			return 0;
		rte_delay_us_sleep(1000);
	}
	return -EIO;
}

static int
vpci_set_status(struct virtio_crypto_hw *hw, uint8_t status)
{
	struct vpci_common_cfg *c = vpci(hw)->common;

	if (status != 0) {
		reg_write8(&c->device_status, status);
		return 0;
	}
	if (reset_device(c) != 0) {
		virtio_crypto_hw_set_broken(hw, "reset did not complete");
		return -EIO;
	}
	return 0;
}

static uint16_t
vpci_queue_size_max(struct virtio_crypto_hw *hw, uint16_t index)
{
	struct virtio_pci_dev *d = vpci(hw);

	if (index >= d->num_queues)
		return 0;
	reg_write16(&d->common->queue_select, index);
	return reg_read16(&d->common->queue_size);
}

static int
vpci_setup_queue(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq)
{
	struct virtio_pci_dev *d = vpci(hw);
	struct vpci_common_cfg *c = d->common;
	uint64_t notify_at;
	uint16_t max;

	if (vq->index >= d->num_queues)
		return -EINVAL;
	reg_write16(&c->queue_select, vq->index);
	max = reg_read16(&c->queue_size);
	if (max == 0 || vq->size > max)
		return -EINVAL;
	/* The notification address is checked before the queue is live. */
	notify_at = (uint64_t)reg_read16(&c->queue_notify_off) * d->notify_off_multiplier;
	if (notify_at + sizeof(uint16_t) > d->notify_len) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: queue %u notifies at %" PRIu64 ", outside "
				  "the %u-byte notification area", hw->name, vq->index,
				  notify_at, d->notify_len);
		return -EPROTO;
	}
	reg_write16(&c->queue_size, vq->size);
	reg_write16(&c->queue_msix_vector, VPCI_NO_VECTOR);
	/* Device addresses already: IOVAs, or VAs when IOVA is VA. */
	reg_write64(&c->queue_desc_lo, &c->queue_desc_hi, vq->desc_addr);
	reg_write64(&c->queue_driver_lo, &c->queue_driver_hi, vq->driver_area_addr);
	reg_write64(&c->queue_device_lo, &c->queue_device_hi, vq->device_area_addr);
	/* Enabled last: the device reads the fields above when it is. */
	reg_write16(&c->queue_enable, 1);
	vq->notify = d->notify_base + notify_at;
	return 0;
}

static void
vpci_del_queue(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq)
{
	/*
	 * The reset before this disabled the queue; a driver must not write
	 * 0 to queue_enable, so there is nothing to tell the device.
	 */
	vq->notify = NULL;
}

static void
vpci_notify_queue(struct virtio_crypto_hw *hw, struct virtio_crypto_vq *vq)
{
	/*
	 * Without VIRTIO_F_NOTIFICATION_DATA the kick is the queue index.
	 * vc_vq_publish() ordered the ring stores before the decision to
	 * kick; rte_write16's barrier keeps them before this store too.
	 */
	reg_write16(vq->notify, vq->index);
}

static void
vpci_close(struct virtio_crypto_hw *hw)
{
	rte_free(hw->transport);
	hw->transport = NULL;
}

static const struct virtio_crypto_transport_ops virtio_pci_ops = {
	.name = "virtio-pci",
	.get_features = vpci_get_features,
	.set_features = vpci_set_features,
	.read_config = vpci_read_config,
	.get_status = vpci_get_status,
	.set_status = vpci_set_status,
	.queue_size_max = vpci_queue_size_max,
	.setup_queue = vpci_setup_queue,
	.del_queue = vpci_del_queue,
	.notify_queue = vpci_notify_queue,
	.close = vpci_close,
};

/* ------------------------------------------------------------------ */
/* Capabilities                                                        */
/* ------------------------------------------------------------------ */

/*
 * Where a capability's structure is in our mapping of its BAR, or NULL if
 * the BAR is reserved, not mapped, or smaller than the capability says.
 */
static void *
cap_region(const struct rte_pci_device *pci, const struct vpci_cap *cap, uint32_t min_len)
{
	const struct rte_mem_resource *res;
	uint32_t offset = rte_le_to_cpu_32(cap->offset);
	uint32_t length = rte_le_to_cpu_32(cap->length);

	if (cap->bar >= PCI_MAX_RESOURCE || length < min_len)
		return NULL;
	res = &pci->mem_resource[cap->bar];
	if (res->addr == NULL || (uint64_t)offset + length > res->len)
		return NULL;
	return RTE_PTR_ADD(res->addr, offset);
}

/*
 * Walk the capability list for the virtio structures. The first usable
 * capability of each type wins, as the spec asks; others are ignored.
 * The walk is bounded by the number of capabilities the space can hold,
 * so a looping list ends it.
 */
static int
find_capabilities(struct virtio_pci_dev *d)
{
	const struct rte_pci_device *pci = d->pci;
	struct vpci_notify_cap nc;
	unsigned int hops;
	uint16_t status;
	uint8_t pos;
	void *at;

	if (rte_pci_read_config(pci, &status, sizeof(status), PCI_STATUS_REG) !=
	    sizeof(status))
		return -EIO;
	if (!(rte_le_to_cpu_16(status) & PCI_STATUS_CAP_LIST))
		return -ENODEV;
	if (rte_pci_read_config(pci, &pos, sizeof(pos), PCI_CAP_PTR_REG) != sizeof(pos))
		return -EIO;
	for (hops = 0; pos >= PCI_CAP_FIRST && hops < PCI_CAP_MAX; hops++) {
		pos &= ~3;	/* the low two bits are reserved */
		memset(&nc, 0, sizeof(nc));
		if (rte_pci_read_config(pci, &nc.cap, sizeof(nc.cap), pos) != sizeof(nc.cap))
			return -EIO;
		if (nc.cap.cap_vndr != PCI_CAP_ID_VNDR || nc.cap.cap_len < sizeof(nc.cap))
			goto next;
		switch (nc.cap.cfg_type) {
		case VPCI_CAP_COMMON_CFG:
			at = cap_region(pci, &nc.cap, sizeof(struct vpci_common_cfg));
			if (d->common == NULL)
				d->common = at;
			break;
		case VPCI_CAP_NOTIFY_CFG:
			if (d->notify_base != NULL || nc.cap.cap_len < sizeof(nc) ||
			    rte_pci_read_config(pci, &nc, sizeof(nc), pos) != sizeof(nc))
				break;
			at = cap_region(pci, &nc.cap, sizeof(uint16_t));
			if (at == NULL)
				break;
			d->notify_base = at;
			d->notify_len = rte_le_to_cpu_32(nc.cap.length);
			d->notify_off_multiplier = rte_le_to_cpu_32(nc.notify_off_multiplier);
			break;
		case VPCI_CAP_DEVICE_CFG:
			at = cap_region(pci, &nc.cap, 1);
			if (d->device_cfg == NULL && at != NULL) {
				d->device_cfg = at;
				d->device_cfg_len = rte_le_to_cpu_32(nc.cap.length);
			}
			break;
		case VPCI_CAP_ISR_CFG:	/* interrupt status: we poll */
		default:
			break;
		}
next:
		pos = nc.cap.cap_next;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* PCI probe and remove                                                */
/* ------------------------------------------------------------------ */

/* Reset and look: is this a device the core can drive? */
static int
check_device(struct virtio_pci_dev *d, const char *name)
{
	struct vpci_common_cfg *c = d->common;
	uint32_t hi;

	if (reset_device(c) != 0) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: device does not reset", name);
		return -EIO;
	}
	reg_write32(&c->device_feature_select, 1);
	hi = reg_read32(&c->device_feature);
	if (!(hi & (1u << (VIRTIO_F_VERSION_1 - 32)))) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: device does not offer VIRTIO_F_VERSION_1: "
				  "legacy virtio is not supported", name);
		return -ENOTSUP;
	}
	d->num_queues = reg_read16(&c->num_queues);
	if (d->num_queues < 2) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: %u queues; a data and a control queue "
				  "are needed", name, d->num_queues);
		return -EPROTO;
	}
	/* Polled: no vector for configuration changes either. */
	reg_write16(&c->config_msix_vector, VPCI_NO_VECTOR);
	return 0;
}

static int
virtio_pci_probe(struct rte_pci_driver *drv, struct rte_pci_device *pci)
{
	const char *name;
	int socket_id;
	struct virtio_crypto_hw tmpl;
	struct virtio_crypto_hw *hw;
	struct virtio_pci_dev *d;
	int rc;

	/* Before reading the device through our declaration of it. */
	if (!virtio_crypto_release_checked(drv->driver.name))
		return -ENOTSUP;
	name = pci->name;
	socket_id = pci->device.numa_node;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: only a primary process drives the device",
				  name);
		return -ENOTSUP;
	}
	if (socket_id < 0)
		socket_id = (int)rte_socket_id();
	d = rte_zmalloc_socket("virtio_pci_dev", sizeof(*d), RTE_CACHE_LINE_SIZE, socket_id);
	if (d == NULL)
		return -ENOMEM;
	d->pci = pci;
	rc = find_capabilities(d);
	if (rc != 0) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: cannot read the PCI capabilities: %s", name,
				  strerror(-rc));
		goto fail;
	}
	if (d->common == NULL) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: no virtio 1.x common configuration in a "
				  "mapped BAR: legacy virtio is not supported", name);
		rc = -ENOTSUP;
		goto fail;
	}
	if (d->notify_base == NULL || d->device_cfg == NULL) {
		VIRTIO_CRYPTO_LOG(init, ERR, "%s: no usable %s capability", name,
				  d->notify_base == NULL ? "notification" :
				  "device configuration");
		rc = -EPROTO;
		goto fail;
	}
	rc = check_device(d, name);
	if (rc != 0)
		goto fail;

	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.ops = &virtio_pci_ops;
	tmpl.transport = d;
	/*
	 * A PCI device is always given IOVAs (in IOVA-as-VA mode they are the
	 * virtual addresses, with an IOMMU translating). Not claiming VAs also
	 * makes the core accept VIRTIO_F_ACCESS_PLATFORM when the device
	 * offers it, which a device behind an IOMMU may insist on.
	 */
	tmpl.use_va = false;
	/* The VMM decides: a device that offers the packed ring gets it. */
	tmpl.want_packed = true;
	/* And one that offers in-order use gets it: fewer used-ring reads. */
	tmpl.want_in_order = true;
	tmpl.queue_size = VPCI_RING_SIZE;
	rc = virtio_crypto_dev_create(name, &pci->device, &tmpl, socket_id, &hw);
	if (rc != 0)
		goto fail;
	return 0;
fail:
	rte_free(d);
	return rc;
}

static int
virtio_pci_remove(struct rte_pci_device *pci)
{
	/* The bus unmaps the BARs after this; the destroy resets first. */
	return virtio_crypto_dev_destroy(pci->name);
}

static const struct rte_pci_id virtio_pci_ids[] = {
	{
		.class_id = RTE_CLASS_ANY_ID,
		.vendor_id = VPCI_VENDOR_ID,
		.device_id = VPCI_CRYPTO_DEVICE_ID,
		.subsystem_vendor_id = RTE_PCI_ANY_ID,
		.subsystem_device_id = RTE_PCI_ANY_ID,
	},
	{ .vendor_id = 0 },
};

/*
 * Named crypto_virtio like the distribution's PMD and our vdev, so that
 * tools selecting devices by driver name find it. Only one of the two
 * PMDs may be loaded: both claim the same device.
 */
static struct rte_pci_driver virtio_pci_driver = {
	.driver = {
		.name = "crypto_virtio",
	},
	.probe = virtio_pci_probe,
	.remove = virtio_pci_remove,
	.id_table = virtio_pci_ids,
	.drv_flags = RTE_PCI_DRV_NEED_MAPPING,
};

RTE_INIT(virtio_pci_register)
{
	rte_pci_register(&virtio_pci_driver);
}
