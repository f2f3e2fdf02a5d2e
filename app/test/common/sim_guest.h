/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef SIM_GUEST_H
#define SIM_GUEST_H

/*
 * A simulated guest for the backend's tests and fuzz targets: a buffer
 * registered as one guest memory region, a backend instance with no
 * socket, and rings placed in that memory, so that the data path runs on
 * requests built the way a driver builds them.
 */

#include <stdint.h>

#include "vhost_crypto_dev.h"

struct sim_guest {
	uint8_t *mem;
	uint64_t base;		/**< guest physical address of mem[0] */
	uint64_t size;
	struct vhost_crypto *vc;
};

/*
 * Configure and start crypto_aesni_mb0 and crypto_openssl0 (created with
 * --vdev) with one queue pair each. Returns 0 and their ids, or -1.
 */
int sim_crypto_devices_start(int *aesni_mb, int *openssl);

/* Allocate guest memory and an instance on it; `conf` as for the library. */
int sim_guest_init(struct sim_guest *g, uint64_t base, uint64_t size,
		   const struct vhost_crypto_conf *conf);

/*
 * sim_crypto_devices_start(), then sim_guest_init() on crypto_aesni_mb0 as
 * the main device and crypto_openssl0 as the fallback (conf's ids are set
 * here; its flags say whether the fallback is used). 0, or -1.
 */
int sim_guest_start(struct sim_guest *g, uint64_t base, uint64_t size,
		    struct vhost_crypto_conf *conf);

/* Make ring `idx` (a data ring, or nb_rings for control) live at these GPAs. */
int sim_guest_ring(struct sim_guest *g, uint16_t idx, uint64_t desc_gpa,
		   uint64_t avail_gpa, uint64_t used_gpa, uint16_t size);

/*
 * An AES-CBC session with a 16-byte key, made the way QEMU 7.2 asks for
 * one (a 632-byte vhost-user session message). Returns 0 and its id.
 */
int sim_cbc_session(struct sim_guest *g, const uint8_t key[16], uint32_t direction,
		    uint64_t *id);

/* The fixed part of a session-mode cipher request, as a driver writes it. */
void sim_cipher_req(struct virtio_crypto_op_data_req *req, uint32_t opcode,
		    uint64_t session, uint32_t iv_len, uint32_t src_len, uint32_t dst_len);

/*
 * The fixed part of a session-mode chain request: `len` bytes ciphered
 * from offset 0, [hash_off, hash_off + hash_len) hashed, a result of
 * result_len bytes.
 */
void sim_chain_req(struct virtio_crypto_op_data_req *req, uint32_t opcode, uint64_t session,
		   uint32_t len, uint32_t hash_off, uint32_t hash_len, uint32_t result_len);

/*
 * The fixed part (after the header) of a stateless AES-128-CBC +
 * HMAC-SHA1 chain request over `len` bytes, cipher and hash over all of
 * them, a 20-byte result: the session travels in the request.
 */
void sim_stateless_cbc_sha1(struct virtio_crypto_sym_data_flf_stateless *f, uint32_t op,
			    uint32_t order, uint32_t auth_key_len, uint32_t len);

/*
 * A control request creating an AES-128-CBC + HMAC-SHA1 chain session
 * with a 20-byte result; its keys (cipher, then auth) go in a buffer of
 * their own.
 */
void sim_cbc_sha1_session_req(struct virtio_crypto_op_ctrl_req *r, uint32_t op,
			      uint32_t order, uint32_t auth_key_len);

static inline void *
sim_gpa(const struct sim_guest *g, uint64_t gpa)
{
	return g->mem + (gpa - g->base);
}

#endif /* SIM_GUEST_H */
