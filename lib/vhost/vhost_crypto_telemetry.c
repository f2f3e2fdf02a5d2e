/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Counters through DPDK telemetry (dpdk-telemetry.py, or the socket):
 *   /vhost_crypto/list              the sockets served
 *   /vhost_crypto/stats,<socket>    one instance's counters, gauges and
 *                                   per-queue figures
 */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "vc_dpdk_compat.h"
#include "vhost_crypto_dev.h"

static int
telemetry_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	vc_registry_foreach(vc_telemetry_add_path, d);
	return 0;
}

void
vc_telemetry_add_path(struct vhost_crypto *vc, void *arg)
{
	rte_tel_data_add_array_string(arg, vc->path);
}

static int
telemetry_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct vhost_crypto_stats s;
	struct vhost_crypto *vc;
	uint16_t i;

	RTE_SET_USED(cmd);
	if (params == NULL || (vc = vc_registry_find(params)) == NULL)
		return -EINVAL;
	vhost_crypto_stats_get(vc, &s);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "socket", vc->path);
	rte_tel_data_add_dict_int(d, "connected", vc->vid >= 0);
	vc_tel_dict_add_uint(d, "requests", s.requests);
	vc_tel_dict_add_uint(d, "completed_ok", s.completed_ok);
	vc_tel_dict_add_uint(d, "completed_err", s.completed_err);
	vc_tel_dict_add_uint(d, "bad_requests", s.bad_requests);
	vc_tel_dict_add_uint(d, "enqueue_retries", s.enqueue_retries);
	vc_tel_dict_add_uint(d, "fallback_ops", s.fallback_ops);
	vc_tel_dict_add_uint(d, "zero_copy_ops", s.zero_copy_ops);
	vc_tel_dict_add_uint(d, "stateless_ops", s.stateless_ops);
	vc_tel_dict_add_uint(d, "sessions_created", s.sessions_created);
	vc_tel_dict_add_uint(d, "sessions_destroyed", s.sessions_destroyed);
	vc_tel_dict_add_uint(d, "session_errors", s.session_errors);
	vc_tel_dict_add_uint(d, "connections", s.connections);
	vc_tel_dict_add_uint(d, "control_refused", s.control_refused);
	vc_tel_dict_add_uint(d, "sessions_live", s.sessions_live);
	vc_tel_dict_add_uint(d, "ops_in_use", s.ops_in_use);
	vc_tel_dict_add_uint(d, "mbufs_in_use", s.mbufs_in_use);
	vc_tel_dict_add_uint(d, "aad_bufs_in_use", s.aad_bufs_in_use);
	for (i = 0; i <= vc->nb_rings; i++) {
		const struct vc_ring *r = &vc->rings[i];
		char name[32];

		snprintf(name, sizeof(name), "%s%u_requests",
			 i == vc->nb_rings ? "control" : "queue",
			 i == vc->nb_rings ? 0 : i);
		vc_tel_dict_add_uint(d, name, r->requests);
		snprintf(name, sizeof(name), "%s%u_inflight",
			 i == vc->nb_rings ? "control" : "queue",
			 i == vc->nb_rings ? 0 : i);
		vc_tel_dict_add_uint(d, name, r->nb_slots - r->nb_free);
	}
	return 0;
}

RTE_INIT(vc_telemetry_register)
{
	rte_telemetry_register_cmd("/vhost_crypto/list", telemetry_list,
		"Sockets served by vhost_crypto instances. Takes no parameters");
	rte_telemetry_register_cmd("/vhost_crypto/stats", telemetry_stats,
		"Counters of one vhost_crypto instance. Parameter: its socket path");
}
