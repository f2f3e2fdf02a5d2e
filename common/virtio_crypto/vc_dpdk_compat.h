/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VC_DPDK_COMPAT_H
#define VC_DPDK_COMPAT_H

/**
 * @file
 * Every difference between the DPDK releases we build against (22.11 to
 * 24.11) that our code has to know about, and nothing else. Code elsewhere
 * uses the names defined here and never tests RTE_VERSION itself.
 */

#include <rte_version.h>
#include <rte_crypto_sym.h>

/*
 * Algorithms that not every supported release enumerates. A missing one is
 * VC_RTE_ALGO_NONE, which the algorithm table treats as "no DPDK
 * counterpart" (the virtio algorithm is then never offered or accepted).
 */
#define VC_RTE_ALGO_NONE	(-1)

#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define VC_RTE_AUTH_SHAKE_128	RTE_CRYPTO_AUTH_SHAKE_128
#define VC_RTE_AUTH_SHAKE_256	RTE_CRYPTO_AUTH_SHAKE_256
#else
#define VC_RTE_AUTH_SHAKE_128	VC_RTE_ALGO_NONE
#define VC_RTE_AUTH_SHAKE_256	VC_RTE_ALGO_NONE
#endif

/* Telemetry: 23.03 renamed the unsigned dict adder and deprecated the old. */
#include <rte_telemetry.h>
#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define vc_tel_dict_add_uint(d, name, v) rte_tel_data_add_dict_uint(d, name, v)
#else
#define vc_tel_dict_add_uint(d, name, v) rte_tel_data_add_dict_u64(d, name, v)
#endif

/*
 * RSA: 24.11 moved the padding from each operation (rsa.padding of struct
 * rte_crypto_rsa_op_param) into the session transform, and made d and the
 * CRT quintuple two fields of the transform where they were a union. So a
 * session serves one padding from 24.11 on, and only then can a private key
 * be given both ways at once.
 */
#include <rte_crypto_asym.h>
#if RTE_VERSION >= RTE_VERSION_NUM(24, 11, 0, 0)
#define VC_RSA_PAD_IN_XFORM		1
#define VC_RSA_XFORM_D_AND_QT		1
#define vc_rsa_xform_set_pad(xf, pad)	((xf)->rsa.padding.type = (pad))
#define vc_rsa_op_set_pad(aop, pad)	((void)(aop), (void)(pad))
#else
#define VC_RSA_PAD_IN_XFORM		0
#define VC_RSA_XFORM_D_AND_QT		0
#define vc_rsa_xform_set_pad(xf, pad)	((void)(xf), (void)(pad))
#define vc_rsa_op_set_pad(aop, pad)	((aop)->rsa.padding.type = (pad))
#endif

#endif /* VC_DPDK_COMPAT_H */
