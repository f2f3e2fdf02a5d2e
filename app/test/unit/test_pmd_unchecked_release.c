/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * The PMD refuses to create a device on a DPDK release its layouts of
 * DPDK's driver structures were not checked against (VC_DRIVER_ABI_CHECKED
 * in dpdk_driver_abi.h), and on a release other than the one it was built
 * for, saying so, before it hands DPDK any structure of its own.
 *
 * The running release is what rte_version() says; this program defines its
 * own rte_version(), which the statically linked PMD core calls instead of
 * EAL's, to play other releases. Accepting the build's own release is what
 * every virtio_user test does.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_version.h>

#include <cmocka.h>

#include "dpdk_driver_abi.h"
#include "virtio_crypto_hw.h"

/* NULL: the real release, for EAL's own use. */
static const char *played_version;
static char real_version[64];

const char *
rte_version(void)
{
	return played_version != NULL ? played_version : real_version;
}

static char *log_buf;
static size_t log_len;
static FILE *log_stream;

/* Create a device while playing `version`; return the error and the log. */
static int
create_as(const char *version)
{
	struct rte_device device;
	struct virtio_crypto_hw tmpl;
	struct virtio_crypto_hw *hw = NULL;
	int rc;

	memset(&device, 0, sizeof(device));
	memset(&tmpl, 0, sizeof(tmpl));
	log_stream = open_memstream(&log_buf, &log_len);
	assert_non_null(log_stream);
	assert_int_equal(rte_openlog_stream(log_stream), 0);
	played_version = version;
	rc = virtio_crypto_dev_create("crypto_virtio_user_t", &device, &tmpl, 0, &hw);
	played_version = NULL;
	rte_openlog_stream(NULL);
	fclose(log_stream);
	assert_null(hw);
	/* Nothing reached DPDK: no cryptodev exists. */
	assert_int_equal(rte_cryptodev_count(), 0);
	return rc;
}

static void
assert_logged(const char *what)
{
	if (log_buf == NULL || strstr(log_buf, what) == NULL)
		fail_msg("log lacks \"%s\":\n%s", what, log_buf != NULL ? log_buf : "");
}

static void
teardown_log(void)
{
	free(log_buf);
	log_buf = NULL;
	log_len = 0;
}

/* 23.03 never was a supported release: no check, no device. */
static void
unchecked_release_refused(void **state)
{
	(void)state;
	assert_false(VC_DRIVER_ABI_CHECKED(23, 3));
	assert_int_equal(create_as("DPDK 23.03.0"), -ENOTSUP);
	assert_logged("DPDK 23.03.0 (release 23.03)");
	assert_logged("have not been checked against this release");
	assert_logged("refusing the device");
	teardown_log();
}

/* A checked release, but not the one our declarations were compiled for. */
static void
other_checked_release_refused(void **state)
{
	char version[64];
	int year = RTE_VER_YEAR == 22 ? 24 : 22;

	(void)state;
	assert_true(VC_DRIVER_ABI_CHECKED(year, 11));
	snprintf(version, sizeof(version), "DPDK %d.11.1", year);
	assert_int_equal(create_as(version), -ENOTSUP);
	assert_logged("runs a PMD built for DPDK");
	teardown_log();
}

static void
unreadable_version_refused(void **state)
{
	(void)state;
	assert_int_equal(create_as("something else"), -ENOTSUP);
	assert_logged("cannot read the DPDK release");
	teardown_log();
}

int
main(int argc, char **argv)
{
	char *eal_args[] = {
		argv[0], "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--file-prefix", "vc_unit_pmd_unchecked_release", "--log-level", "lib.eal:warning",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unchecked_release_refused),
		cmocka_unit_test(other_checked_release_refused),
		cmocka_unit_test(unreadable_version_refused),
	};

	(void)argc;
	snprintf(real_version, sizeof(real_version), "DPDK %d.%02d.%d",
		 RTE_VER_YEAR, RTE_VER_MONTH, RTE_VER_MINOR);
	if (rte_eal_init(RTE_DIM(eal_args), eal_args) < 0) {
		printf("EAL init failed\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
