/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_RSA_KEY_H
#define VIRTIO_CRYPTO_RSA_KEY_H

/*
 * RSA keys as a virtio-crypto device takes them: PKCS#1 DER (RFC 8017,
 * appendix A.1), RSAPublicKey or two-prime RSAPrivateKey, built from the
 * rte_crypto_rsa_xform an application gives.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_crypto_asym.h>

/** Room for a 4096-bit two-prime private key and its framing. */
#define VC_RSA_DER_MAX	4096

/**
 * Encode the key of an RSA transform.
 *
 * A transform with a private exponent or a CRT quintuple is a private
 * key; one with neither is a public key. Parts the transform cannot hold
 * at once (22.11 keeps d and the quintuple in one union) are encoded as 0,
 * which a device reads as "use the other form".
 *
 * @param[out] private_key
 *   Whether a private key was encoded.
 * @return DER length, or -EINVAL (a missing or oversized number) or
 *   -ENOSPC (cap too small).
 */
int vc_rsa_key_to_der(const struct rte_crypto_rsa_xform *rsa, bool *private_key,
		      uint8_t *der, size_t cap);

/**
 * Whether operations on this transform may ask for the padding
 * (VIRTIO_CRYPTO_RSA_RAW_PADDING or _PKCS1_PADDING): the transform's own
 * where the release puts it there, either otherwise.
 */
bool vc_rsa_xform_wants_padding(const struct rte_crypto_rsa_xform *rsa, unsigned int pad);

/** The virtio padding of a DPDK padding type; -1 if virtio has none. */
int vc_rsa_padding_to_virtio(enum rte_crypto_rsa_padding_type type);

/** Hashes a PKCS#1 v1.5 signature's DigestInfo may name (RFC 8017, 9.2). */
#define VC_RSA_NB_HASHES	6

/** One hash: its virtio number and the DER that precedes its digest. */
struct vc_rsa_digest_info {
	uint32_t virtio_hash;		/**< VIRTIO_CRYPTO_RSA_<hash> */
	uint8_t prefix_len;
	uint8_t digest_len;
	uint8_t prefix[19];
};

extern const struct vc_rsa_digest_info vc_rsa_digest_infos[VC_RSA_NB_HASHES];

/**
 * Which hash's DigestInfo a message is, exactly (prefix and digest length).
 *
 * @return index in vc_rsa_digest_infos, or -1.
 */
int vc_rsa_digest_info_match(const uint8_t *msg, uint32_t len);

/**
 * Put an RSA encryption or signature the device completed in place: it is
 * as long as the modulus, whatever the device says it wrote. A device may
 * give the number without its leading zero bytes (then it starts with a
 * non-zero byte): it is moved to the end and zero-padded. QEMU's nettle
 * backend (7.2, unchanged since) writes the whole result but counts it one
 * byte short whenever it starts with a zero byte, one result in 256: the
 * guest then gets that zero and not the last byte, which nothing can bring
 * back. That is an error, never a wrong answer.
 *
 * @param written
 *   What the device says it wrote, status byte included; 0 if it does not
 *   say (the whole modulus is then taken as written).
 * @return RTE_CRYPTO_OP_STATUS_SUCCESS with out->length = mod_len, or
 *   RTE_CRYPTO_OP_STATUS_ERROR (out->length untouched).
 */
uint8_t vc_rsa_result_in_place(rte_crypto_param *out, uint32_t written, uint16_t mod_len);

#endif /* VIRTIO_CRYPTO_RSA_KEY_H */
