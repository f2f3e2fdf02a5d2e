/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * RSA results as devices report them (vc_rsa_result_in_place): the whole
 * modulus, a number without its leading zeros, QEMU's nettle backend's
 * result counted one byte short, and a device that says nothing.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <rte_crypto.h>

#include "test_report.h"
#include "virtio_crypto_rsa_key.h"

#define MOD	256

static uint8_t want[MOD], buf[MOD + 16];

/* A result whose first `zeros` bytes are zero, the rest never zero. */
static void
make_result(unsigned int zeros)
{
	unsigned int i;

	memset(want, 0, zeros);
	for (i = zeros; i < MOD; i++)
		want[i] = (uint8_t)(i * 7 + 1) | 0x01;
}

static rte_crypto_param
out_param(void)
{
	rte_crypto_param p = { .data = buf, .length = sizeof(buf) };

	return p;
}

static void
whole_modulus(void **state)
{
	rte_crypto_param p = out_param();

	(void)state;
	make_result(1);
	memcpy(buf, want, MOD);
	/* as the device wrote it, status byte included; and a device that says 0 */
	assert_int_equal(vc_rsa_result_in_place(&p, MOD + 1, MOD), RTE_CRYPTO_OP_STATUS_SUCCESS);
	assert_int_equal(p.length, MOD);
	assert_memory_equal(buf, want, MOD);
	p = out_param();
	assert_int_equal(vc_rsa_result_in_place(&p, 0, MOD), RTE_CRYPTO_OP_STATUS_SUCCESS);
	assert_int_equal(p.length, MOD);
	assert_memory_equal(buf, want, MOD);
}

static void
number_without_leading_zeros(void **state)
{
	unsigned int zeros;

	(void)state;
	for (zeros = 1; zeros <= 3; zeros++) {
		rte_crypto_param p = out_param();

		make_result(zeros);
		memset(buf, 0xee, sizeof(buf));
		memcpy(buf, want + zeros, MOD - zeros);
		assert_int_equal(vc_rsa_result_in_place(&p, MOD - zeros + 1, MOD),
				 RTE_CRYPTO_OP_STATUS_SUCCESS);
		assert_int_equal(p.length, MOD);
		assert_memory_equal(buf, want, MOD);
	}
}

/* QEMU: the leading zero written, the count one short, the last byte lost. */
static void
qemu_nettle_short_count(void **state)
{
	rte_crypto_param p = out_param();

	(void)state;
	make_result(1);
	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, want, MOD - 1);
	assert_int_equal(vc_rsa_result_in_place(&p, MOD, MOD), RTE_CRYPTO_OP_STATUS_ERROR);
	assert_int_equal(p.length, sizeof(buf));
	/* nothing written over: the caller sees what the device left */
	assert_memory_equal(buf, want, MOD - 1);
	/* only the status byte */
	p = out_param();
	assert_int_equal(vc_rsa_result_in_place(&p, 1, MOD), RTE_CRYPTO_OP_STATUS_ERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_modulus),
		cmocka_unit_test(number_without_leading_zeros),
		cmocka_unit_test(qemu_nettle_short_count),
	};

	return RUN_TEST_GROUP(tests, NULL, NULL);
}
