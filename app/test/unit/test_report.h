/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef TEST_REPORT_H
#define TEST_REPORT_H

/*
 * Every test program ends with one "N passed, N failed" line, whatever its
 * framework prints before it, so that a log reader and CI see one format.
 */

#include <stdio.h>

#include <cmocka.h>

#define RUN_TEST_GROUP(tests, setup, teardown) ({ \
	int _total = (int)(sizeof(tests) / sizeof((tests)[0])); \
	int _failed = cmocka_run_group_tests(tests, setup, teardown); \
	printf("%d passed, %d failed\n", _total - _failed, _failed); \
	_failed ? 1 : 0; \
})

#endif /* TEST_REPORT_H */
