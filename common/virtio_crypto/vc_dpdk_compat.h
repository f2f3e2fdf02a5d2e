/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VC_DPDK_COMPAT_H
#define VC_DPDK_COMPAT_H

/**
 * @file
 * Every difference between the DPDK releases we build against (22.11 to
 * 25.11) that our code has to know about, and nothing else (25.11 needs
 * nothing 24.11 does not). Code elsewhere
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

/*
 * Control threads: 23.11 replaced rte_ctrl_thread_create() (a pthread) with
 * rte_thread_create_control() (an rte_thread_t, a function returning
 * uint32_t). Both put the thread on the CPUs the process was started on
 * less the lcores' (the main lcore's when that leaves none), so a thread
 * that must not wait behind a polling lcore stays off it when it can, and
 * never leaves the CPUs an operator gave the process.
 */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 11, 0, 0)
#include <rte_thread.h>
typedef rte_thread_t vc_ctrl_thread_t;
typedef uint32_t vc_ctrl_thread_ret_t;
#define VC_CTRL_THREAD_RET	0
#define vc_ctrl_thread_create(t, name, fn, arg) \
	rte_thread_create_control(t, name, fn, arg)
#define vc_ctrl_thread_join(t)	rte_thread_join(t, NULL)
#else
#include <pthread.h>
#include <rte_lcore.h>
typedef pthread_t vc_ctrl_thread_t;
typedef void *vc_ctrl_thread_ret_t;
#define VC_CTRL_THREAD_RET	NULL
#define vc_ctrl_thread_create(t, name, fn, arg) \
	rte_ctrl_thread_create(t, name, NULL, fn, arg)
#define vc_ctrl_thread_join(t)	pthread_join(t, NULL)
#endif

#endif /* VC_DPDK_COMPAT_H */
