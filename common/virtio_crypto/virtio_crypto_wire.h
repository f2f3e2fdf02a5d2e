/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VIRTIO_CRYPTO_WIRE_H
#define VIRTIO_CRYPTO_WIRE_H

/**
 * @file
 * The virtio-crypto device as the virtio specification defines it (v1.4,
 * "Crypto Device"): feature bits, configuration space, control and data
 * requests, and status codes. This header is the only place the wire format
 * is spelled out; the guest PMD and the host backend both include it.
 *
 * Every multi-byte field is little-endian on the wire (rte_le*_t). Every
 * structure that crosses the ring has its size asserted below, so a layout
 * mistake is a build failure, not a guest-visible bug.
 *
 * Where the specification text and the headers of every deployed peer
 * (Linux, QEMU, DPDK) disagree, the deployed value is used and the
 * difference is noted next to it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>

#ifdef __cplusplus
extern "C" {
#endif

/** PCI identity of a modern virtio-crypto device (virtio device id 20). */
#define VIRTIO_CRYPTO_DEVICE_ID		20
#define VIRTIO_CRYPTO_PCI_VENDOR_ID	0x1af4
#define VIRTIO_CRYPTO_PCI_DEVICE_ID	(0x1040 + VIRTIO_CRYPTO_DEVICE_ID)

/*
 * Feature bits. Each stateless-mode bit is only meaningful together with
 * REVISION_1, which also makes the NOSPC status available.
 */
#define VIRTIO_CRYPTO_F_REVISION_1			0
#define VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE		1
#define VIRTIO_CRYPTO_F_HASH_STATELESS_MODE		2
#define VIRTIO_CRYPTO_F_MAC_STATELESS_MODE		3
#define VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE		4
#define VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE		5

/*
 * Services. The numbers are also bit positions in config.crypto_services
 * and the service part (bits 15..8) of every opcode.
 */
#define VIRTIO_CRYPTO_SERVICE_CIPHER	0
#define VIRTIO_CRYPTO_SERVICE_HASH	1
#define VIRTIO_CRYPTO_SERVICE_MAC	2
#define VIRTIO_CRYPTO_SERVICE_AEAD	3
#define VIRTIO_CRYPTO_SERVICE_AKCIPHER	4
#define VIRTIO_CRYPTO_SERVICE_MAX	5

#define VIRTIO_CRYPTO_OPCODE(service, op)	(((service) << 8) | (op))
#define VIRTIO_CRYPTO_OPCODE_SERVICE(opcode)	((opcode) >> 8)

/*
 * Algorithms. Each number is also the bit position of that algorithm in the
 * matching configuration mask; cipher and MAC masks span two 32-bit words
 * (algo_l for 0..31, algo_h for 32..63).
 */
#define VIRTIO_CRYPTO_NO_CIPHER			0
#define VIRTIO_CRYPTO_CIPHER_ARC4		1
#define VIRTIO_CRYPTO_CIPHER_AES_ECB		2
#define VIRTIO_CRYPTO_CIPHER_AES_CBC		3
#define VIRTIO_CRYPTO_CIPHER_AES_CTR		4
#define VIRTIO_CRYPTO_CIPHER_DES_ECB		5
#define VIRTIO_CRYPTO_CIPHER_DES_CBC		6
#define VIRTIO_CRYPTO_CIPHER_3DES_ECB		7
#define VIRTIO_CRYPTO_CIPHER_3DES_CBC		8
#define VIRTIO_CRYPTO_CIPHER_3DES_CTR		9
#define VIRTIO_CRYPTO_CIPHER_KASUMI_F8		10
#define VIRTIO_CRYPTO_CIPHER_SNOW3G_UEA2	11
#define VIRTIO_CRYPTO_CIPHER_AES_F8		12
#define VIRTIO_CRYPTO_CIPHER_AES_XTS		13
#define VIRTIO_CRYPTO_CIPHER_ZUC_EEA3		14

#define VIRTIO_CRYPTO_NO_HASH			0
#define VIRTIO_CRYPTO_HASH_MD5			1
#define VIRTIO_CRYPTO_HASH_SHA1			2
#define VIRTIO_CRYPTO_HASH_SHA_224		3
#define VIRTIO_CRYPTO_HASH_SHA_256		4
#define VIRTIO_CRYPTO_HASH_SHA_384		5
#define VIRTIO_CRYPTO_HASH_SHA_512		6
#define VIRTIO_CRYPTO_HASH_SHA3_224		7
#define VIRTIO_CRYPTO_HASH_SHA3_256		8
#define VIRTIO_CRYPTO_HASH_SHA3_384		9
#define VIRTIO_CRYPTO_HASH_SHA3_512		10
#define VIRTIO_CRYPTO_HASH_SHA3_SHAKE128	11
#define VIRTIO_CRYPTO_HASH_SHA3_SHAKE256	12

#define VIRTIO_CRYPTO_NO_MAC			0
#define VIRTIO_CRYPTO_MAC_HMAC_MD5		1
#define VIRTIO_CRYPTO_MAC_HMAC_SHA1		2
#define VIRTIO_CRYPTO_MAC_HMAC_SHA_224		3
#define VIRTIO_CRYPTO_MAC_HMAC_SHA_256		4
#define VIRTIO_CRYPTO_MAC_HMAC_SHA_384		5
#define VIRTIO_CRYPTO_MAC_HMAC_SHA_512		6
#define VIRTIO_CRYPTO_MAC_CMAC_3DES		25
#define VIRTIO_CRYPTO_MAC_CMAC_AES		26
#define VIRTIO_CRYPTO_MAC_KASUMI_F9		27
#define VIRTIO_CRYPTO_MAC_SNOW3G_UIA2		28
#define VIRTIO_CRYPTO_MAC_GMAC_AES		41
#define VIRTIO_CRYPTO_MAC_GMAC_TWOFISH		42
#define VIRTIO_CRYPTO_MAC_CBCMAC_AES		49
#define VIRTIO_CRYPTO_MAC_CBCMAC_KASUMI_F9	50
#define VIRTIO_CRYPTO_MAC_XCBC_AES		53
#define VIRTIO_CRYPTO_MAC_ZUC_EIA3		54

#define VIRTIO_CRYPTO_NO_AEAD			0
#define VIRTIO_CRYPTO_AEAD_GCM			1
#define VIRTIO_CRYPTO_AEAD_CCM			2
#define VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305	3

/*
 * The specification text numbers ECDSA 2; Linux, QEMU and DPDK all put DSA
 * at 2 and ECDSA at 3, and those are the peers that exist.
 */
#define VIRTIO_CRYPTO_NO_AKCIPHER		0
#define VIRTIO_CRYPTO_AKCIPHER_RSA		1
#define VIRTIO_CRYPTO_AKCIPHER_DSA		2
#define VIRTIO_CRYPTO_AKCIPHER_ECDSA		3

/* Request status, written by the device into the last byte of a request. */
#define VIRTIO_CRYPTO_OK		0
#define VIRTIO_CRYPTO_ERR		1
#define VIRTIO_CRYPTO_BADMSG		2
#define VIRTIO_CRYPTO_NOTSUPP		3
#define VIRTIO_CRYPTO_INVSESS		4	/**< unknown session id */
#define VIRTIO_CRYPTO_NOSPC		5	/**< no free session (REVISION_1) */
#define VIRTIO_CRYPTO_KEY_REJECTED	6	/**< signature verification failed */
#define VIRTIO_CRYPTO_STATUS_MAX	7

/* ------------------------------------------------------------------ */
/* Configuration space                                                 */
/* ------------------------------------------------------------------ */

/** config.status: the device is ready to take requests. */
#define VIRTIO_CRYPTO_S_HW_READY	(1u << 0)

/** Device configuration layout (read-only for the driver). */
struct virtio_crypto_config {
	rte_le32_t status;
	rte_le32_t max_dataqueues;
	rte_le32_t crypto_services;	/**< bit per VIRTIO_CRYPTO_SERVICE_* */
	rte_le32_t cipher_algo_l;
	rte_le32_t cipher_algo_h;
	rte_le32_t hash_algo;
	rte_le32_t mac_algo_l;
	rte_le32_t mac_algo_h;
	rte_le32_t aead_algo;
	rte_le32_t max_cipher_key_len;
	rte_le32_t max_auth_key_len;
	rte_le32_t akcipher_algo;
	rte_le64_t max_size;		/**< largest request, in bytes */
};

/* ------------------------------------------------------------------ */
/* Control queue: session create and destroy                           */
/* ------------------------------------------------------------------ */

#define VIRTIO_CRYPTO_CIPHER_CREATE_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_CIPHER, 0x02)
#define VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_CIPHER, 0x03)
#define VIRTIO_CRYPTO_HASH_CREATE_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_HASH, 0x02)
#define VIRTIO_CRYPTO_HASH_DESTROY_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_HASH, 0x03)
#define VIRTIO_CRYPTO_MAC_CREATE_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_MAC, 0x02)
#define VIRTIO_CRYPTO_MAC_DESTROY_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_MAC, 0x03)
#define VIRTIO_CRYPTO_AEAD_CREATE_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AEAD, 0x02)
#define VIRTIO_CRYPTO_AEAD_DESTROY_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AEAD, 0x03)
#define VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 0x04)
#define VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 0x05)

/** Header of every control request. */
struct virtio_crypto_ctrl_header {
	rte_le32_t opcode;	/**< VIRTIO_CRYPTO_*_{CREATE,DESTROY}_SESSION */
	rte_le32_t algo;	/**< service-specific algorithm number */
	rte_le32_t flag;
	rte_le32_t queue_id;	/**< data queue the session is for; 0 in practice */
};

/* Direction of a cipher or AEAD session. */
#define VIRTIO_CRYPTO_OP_ENCRYPT	1
#define VIRTIO_CRYPTO_OP_DECRYPT	2

struct virtio_crypto_cipher_session_para {
	rte_le32_t algo;
	rte_le32_t keylen;	/**< bytes of cipher key in the variable part */
	rte_le32_t op;		/**< VIRTIO_CRYPTO_OP_* */
	rte_le32_t padding;
};

struct virtio_crypto_cipher_session_req {
	struct virtio_crypto_cipher_session_para para;
	uint8_t padding[32];
};

struct virtio_crypto_hash_session_para {
	rte_le32_t algo;
	rte_le32_t hash_result_len;
};

struct virtio_crypto_hash_create_session_req {
	struct virtio_crypto_hash_session_para para;
	uint8_t padding[40];
};

struct virtio_crypto_mac_session_para {
	rte_le32_t algo;
	rte_le32_t hash_result_len;
	rte_le32_t auth_key_len;	/**< bytes of MAC key in the variable part */
	rte_le32_t padding;
};

struct virtio_crypto_mac_create_session_req {
	struct virtio_crypto_mac_session_para para;
	uint8_t padding[40];
};

struct virtio_crypto_aead_session_para {
	rte_le32_t algo;
	rte_le32_t key_len;
	rte_le32_t hash_result_len;	/**< tag length */
	rte_le32_t aad_len;
	rte_le32_t op;			/**< VIRTIO_CRYPTO_OP_* */
	rte_le32_t padding;
};

struct virtio_crypto_aead_create_session_req {
	struct virtio_crypto_aead_session_para para;
	uint8_t padding[32];
};

/* Order of the two halves of a chained (cipher + hash/MAC) session. */
#define VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER	1
#define VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH	2

/* What the hash half of a chain is. */
#define VIRTIO_CRYPTO_SYM_HASH_MODE_PLAIN	1
#define VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH	2	/**< MAC, keyed */
#define VIRTIO_CRYPTO_SYM_HASH_MODE_NESTED	3

struct virtio_crypto_alg_chain_session_para {
	rte_le32_t alg_chain_order;	/**< VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_* */
	rte_le32_t hash_mode;		/**< VIRTIO_CRYPTO_SYM_HASH_MODE_* */
	struct virtio_crypto_cipher_session_para cipher_param;
	union {
		struct virtio_crypto_hash_session_para hash_param;
		struct virtio_crypto_mac_session_para mac_param;
		uint8_t padding[16];
	} u;
	rte_le32_t aad_len;
	rte_le32_t padding;
};

struct virtio_crypto_alg_chain_session_req {
	struct virtio_crypto_alg_chain_session_para para;
};

/* Symmetric session kinds (op_type of sym_create_session and sym data). */
#define VIRTIO_CRYPTO_SYM_OP_NONE		0
#define VIRTIO_CRYPTO_SYM_OP_CIPHER		1
#define VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING	2

struct virtio_crypto_sym_create_session_req {
	union {
		struct virtio_crypto_cipher_session_req cipher;
		struct virtio_crypto_alg_chain_session_req chain;
		uint8_t padding[48];
	} u;
	rte_le32_t op_type;	/**< VIRTIO_CRYPTO_SYM_OP_* */
	rte_le32_t padding;
};

/* RSA padding and the hash a PKCS#1 signature is over. */
#define VIRTIO_CRYPTO_RSA_RAW_PADDING	0
#define VIRTIO_CRYPTO_RSA_PKCS1_PADDING	1

#define VIRTIO_CRYPTO_RSA_NO_HASH	0
#define VIRTIO_CRYPTO_RSA_MD2		1
#define VIRTIO_CRYPTO_RSA_MD3		2
#define VIRTIO_CRYPTO_RSA_MD4		3
#define VIRTIO_CRYPTO_RSA_MD5		4
#define VIRTIO_CRYPTO_RSA_SHA1		5
#define VIRTIO_CRYPTO_RSA_SHA256	6
#define VIRTIO_CRYPTO_RSA_SHA384	7
#define VIRTIO_CRYPTO_RSA_SHA512	8
#define VIRTIO_CRYPTO_RSA_SHA224	9

struct virtio_crypto_rsa_session_para {
	rte_le32_t padding_algo;	/**< VIRTIO_CRYPTO_RSA_*_PADDING */
	rte_le32_t hash_algo;		/**< VIRTIO_CRYPTO_RSA_<hash> */
};

#define VIRTIO_CRYPTO_CURVE_UNKNOWN	0
#define VIRTIO_CRYPTO_CURVE_NIST_P192	1
#define VIRTIO_CRYPTO_CURVE_NIST_P224	2
#define VIRTIO_CRYPTO_CURVE_NIST_P256	3
#define VIRTIO_CRYPTO_CURVE_NIST_P384	4
#define VIRTIO_CRYPTO_CURVE_NIST_P521	5

struct virtio_crypto_ecdsa_session_para {
	rte_le32_t curve_id;	/**< VIRTIO_CRYPTO_CURVE_* */
	rte_le32_t padding;
};

/* Which key of the pair the variable part carries (DER encoded). */
#define VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC	1
#define VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE	2

struct virtio_crypto_akcipher_session_para {
	rte_le32_t algo;	/**< VIRTIO_CRYPTO_AKCIPHER_* */
	rte_le32_t keytype;	/**< VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_* */
	rte_le32_t keylen;	/**< bytes of DER key in the variable part */
	union {
		struct virtio_crypto_rsa_session_para rsa;
		struct virtio_crypto_ecdsa_session_para ecdsa;
	} u;
};

struct virtio_crypto_akcipher_create_session_req {
	struct virtio_crypto_akcipher_session_para para;
	uint8_t padding[36];
};

struct virtio_crypto_destroy_session_req {
	rte_le64_t session_id;
	uint8_t padding[48];
};

/**
 * A control request: the fixed 72 bytes. The key material follows in
 * further readable descriptors (cipher key, then MAC key for a chain), then
 * the writable result: struct virtio_crypto_session_input for a create,
 * struct virtio_crypto_inhdr for a destroy.
 */
struct virtio_crypto_op_ctrl_req {
	struct virtio_crypto_ctrl_header header;
	union {
		struct virtio_crypto_sym_create_session_req sym_create_session;
		struct virtio_crypto_hash_create_session_req hash_create_session;
		struct virtio_crypto_mac_create_session_req mac_create_session;
		struct virtio_crypto_aead_create_session_req aead_create_session;
		struct virtio_crypto_akcipher_create_session_req
			akcipher_create_session;
		struct virtio_crypto_destroy_session_req destroy_session;
		uint8_t padding[56];
	} u;
};

/** Result of a session create; session_id is valid only when status is OK. */
struct virtio_crypto_session_input {
	rte_le64_t session_id;
	rte_le32_t status;
	rte_le32_t padding;
};

/** Result of a data request or a session destroy. */
struct virtio_crypto_inhdr {
	uint8_t status;
};

/* ------------------------------------------------------------------ */
/* Data queues: session-mode requests                                  */
/* ------------------------------------------------------------------ */

#define VIRTIO_CRYPTO_CIPHER_ENCRYPT \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_CIPHER, 0x00)
#define VIRTIO_CRYPTO_CIPHER_DECRYPT \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_CIPHER, 0x01)
#define VIRTIO_CRYPTO_HASH \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_HASH, 0x00)
#define VIRTIO_CRYPTO_MAC \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_MAC, 0x00)
#define VIRTIO_CRYPTO_AEAD_ENCRYPT \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AEAD, 0x00)
#define VIRTIO_CRYPTO_AEAD_DECRYPT \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AEAD, 0x01)
#define VIRTIO_CRYPTO_AKCIPHER_ENCRYPT \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 0x00)
#define VIRTIO_CRYPTO_AKCIPHER_DECRYPT \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 0x01)
#define VIRTIO_CRYPTO_AKCIPHER_SIGN \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 0x02)
#define VIRTIO_CRYPTO_AKCIPHER_VERIFY \
	VIRTIO_CRYPTO_OPCODE(VIRTIO_CRYPTO_SERVICE_AKCIPHER, 0x03)

/** Header of every data request. */
struct virtio_crypto_op_header {
	rte_le32_t opcode;	/**< VIRTIO_CRYPTO_<service>[_<op>] */
	rte_le32_t algo;
	rte_le64_t session_id;	/**< ignored for stateless requests */
	rte_le32_t flag;	/**< VIRTIO_CRYPTO_FLAG_*_MODE */
	rte_le32_t padding;
};

struct virtio_crypto_cipher_para {
	rte_le32_t iv_len;
	rte_le32_t src_data_len;
	rte_le32_t dst_data_len;
	rte_le32_t padding;
};

struct virtio_crypto_cipher_data_req {
	struct virtio_crypto_cipher_para para;
	uint8_t padding[24];
};

struct virtio_crypto_hash_para {
	rte_le32_t src_data_len;
	rte_le32_t hash_result_len;
};

struct virtio_crypto_hash_data_req {
	struct virtio_crypto_hash_para para;
	uint8_t padding[40];
};

struct virtio_crypto_mac_para {
	struct virtio_crypto_hash_para hash;
};

struct virtio_crypto_mac_data_req {
	struct virtio_crypto_mac_para para;
	uint8_t padding[40];
};

struct virtio_crypto_alg_chain_data_para {
	rte_le32_t iv_len;
	rte_le32_t src_data_len;
	rte_le32_t dst_data_len;
	rte_le32_t cipher_start_src_offset;
	rte_le32_t len_to_cipher;
	rte_le32_t hash_start_src_offset;
	rte_le32_t len_to_hash;
	rte_le32_t aad_len;
	rte_le32_t hash_result_len;
	rte_le32_t reserved;
};

struct virtio_crypto_alg_chain_data_req {
	struct virtio_crypto_alg_chain_data_para para;
};

struct virtio_crypto_sym_data_req {
	union {
		struct virtio_crypto_cipher_data_req cipher;
		struct virtio_crypto_alg_chain_data_req chain;
		uint8_t padding[40];
	} u;
	rte_le32_t op_type;	/**< VIRTIO_CRYPTO_SYM_OP_* */
	rte_le32_t padding;
};

struct virtio_crypto_aead_para {
	rte_le32_t iv_len;
	rte_le32_t aad_len;
	rte_le32_t src_data_len;
	rte_le32_t dst_data_len;	/**< ciphertext + tag on encrypt */
	/*
	 * The specification adds these two; Linux's header leaves them in
	 * the padding (zero), so a device must not rely on tag_len.
	 */
	rte_le32_t tag_len;
	rte_le32_t reserved;
};

struct virtio_crypto_aead_data_req {
	struct virtio_crypto_aead_para para;
	uint8_t padding[24];
};

struct virtio_crypto_akcipher_para {
	rte_le32_t src_data_len;
	rte_le32_t dst_data_len;
};

struct virtio_crypto_akcipher_data_req {
	struct virtio_crypto_akcipher_para para;
	uint8_t padding[40];
};

/**
 * A session-mode data request: the fixed 72 bytes. The variable part
 * follows, device-readable buffers first, then device-writable ones, the
 * status byte (struct virtio_crypto_inhdr) always last:
 *   cipher:   iv, src            | dst
 *   chain:    iv, src, aad       | dst, hash_result
 *   hash/mac: src                | hash_result
 *   aead:     iv, src, aad       | dst (ciphertext then tag on encrypt)
 *   akcipher: src                | dst
 */
struct virtio_crypto_op_data_req {
	struct virtio_crypto_op_header header;
	union {
		struct virtio_crypto_sym_data_req sym_req;
		struct virtio_crypto_hash_data_req hash_req;
		struct virtio_crypto_mac_data_req mac_req;
		struct virtio_crypto_aead_data_req aead_req;
		struct virtio_crypto_akcipher_data_req akcipher_req;
		uint8_t padding[48];
	} u;
};

/* ------------------------------------------------------------------ */
/* Data queues: stateless requests (VIRTIO_CRYPTO_F_*_STATELESS_MODE)  */
/* ------------------------------------------------------------------ */

/*
 * op_header.flag: with REVISION_1 negotiated, a session-mode request sets
 * SESSION_MODE and a stateless one sets 0. Without REVISION_1 the flag is
 * ignored and every request is session mode.
 */
#define VIRTIO_CRYPTO_FLAG_SESSION_MODE		1
#define VIRTIO_CRYPTO_FLAG_STATELESS_MODE	0

/*
 * Without REVISION_1 the session-mode fixed part after the header is always
 * padded to this size (the 72-byte struct virtio_crypto_op_data_req).
 */
#define VIRTIO_CRYPTO_DATAQ_OP_SPEC_HDR_LEGACY	48

/*
 * A stateless request is the 24-byte op header followed by the fixed part
 * of its service below, with no padding to a common size; the keys travel
 * in the variable part, device-readable items first, status byte last:
 *   cipher:   cipher_key, iv, src                 | dst
 *   chain:    cipher_key, auth_key, iv, aad, src  | dst, hash_result
 *   hash:     src                                 | hash_result
 *   mac:      auth_key, src                       | hash_result
 *   aead:     key, iv, src, aad                   | dst
 *   akcipher: key, src                            | dst
 * Note that a stateless chain carries aad before src, a session-mode chain
 * after it.
 */
struct virtio_crypto_cipher_data_flf_stateless {
	struct {
		rte_le32_t algo;
		rte_le32_t key_len;
		rte_le32_t op;		/**< VIRTIO_CRYPTO_OP_* */
	} sess_para;
	rte_le32_t iv_len;
	rte_le32_t src_data_len;
	rte_le32_t dst_data_len;
};

struct virtio_crypto_alg_chain_data_flf_stateless {
	struct {
		rte_le32_t alg_chain_order;
		rte_le32_t aad_len;
		struct {
			rte_le32_t algo;
			rte_le32_t key_len;
			rte_le32_t op;
		} cipher;
		struct {
			rte_le32_t algo;	/**< HASH_* or MAC_* by hash_mode */
			rte_le32_t auth_key_len;
			rte_le32_t hash_mode;
		} hash;
	} sess_para;
	/* the session-mode chain's fields, in the same order */
	struct virtio_crypto_alg_chain_data_para para;
};

/** Size of the op_type_flf area of a stateless symmetric request. */
#define VIRTIO_CRYPTO_SYM_DATA_REQ_HDR_STATELESS_SIZE	72

struct virtio_crypto_sym_data_flf_stateless {
	union {
		struct virtio_crypto_cipher_data_flf_stateless cipher;
		struct virtio_crypto_alg_chain_data_flf_stateless chain;
		uint8_t op_type_flf[VIRTIO_CRYPTO_SYM_DATA_REQ_HDR_STATELESS_SIZE];
	} u;
	rte_le32_t op_type;	/**< VIRTIO_CRYPTO_SYM_OP_* */
};

struct virtio_crypto_hash_data_flf_stateless {
	struct {
		rte_le32_t algo;
	} sess_para;
	rte_le32_t src_data_len;
	rte_le32_t hash_result_len;
	rte_le32_t reserved;
};

struct virtio_crypto_mac_data_flf_stateless {
	struct {
		rte_le32_t algo;
		rte_le32_t auth_key_len;
	} sess_para;
	rte_le32_t src_data_len;
	rte_le32_t hash_result_len;
};

struct virtio_crypto_aead_data_flf_stateless {
	struct {
		rte_le32_t algo;
		rte_le32_t key_len;
		rte_le32_t op;
	} sess_para;
	rte_le32_t iv_len;
	rte_le32_t tag_len;
	rte_le32_t aad_len;
	rte_le32_t src_data_len;
	rte_le32_t dst_data_len;
};

struct virtio_crypto_akcipher_data_flf_stateless {
	struct {
		rte_le32_t algo;
		rte_le32_t key_type;
		rte_le32_t key_len;
		union {
			struct virtio_crypto_rsa_session_para rsa;
			struct virtio_crypto_ecdsa_session_para ecdsa;
		} u;
	} sess_para;
	rte_le32_t src_data_len;
	rte_le32_t dst_data_len;
};

/** Largest stateless request fixed part: header + symmetric chain. */
#define VIRTIO_CRYPTO_STATELESS_REQ_MAX \
	(sizeof(struct virtio_crypto_op_header) + \
	 sizeof(struct virtio_crypto_sym_data_flf_stateless))

/**
 * Bytes of a data request's fixed part after the 24-byte op header, the one
 * place both halves take request sizes from.
 *
 * @param service
 *   VIRTIO_CRYPTO_SERVICE_*, below VIRTIO_CRYPTO_SERVICE_MAX.
 * @param rev1
 *   VIRTIO_CRYPTO_F_REVISION_1 negotiated: session-mode fixed parts are
 *   the opcode's own size, not padded to the legacy 48 bytes.
 * @param stateless
 *   A stateless request (needs rev1): the service's stateless fixed part.
 */
static inline uint32_t
virtio_crypto_dataq_flf_len(uint32_t service, bool rev1, bool stateless)
{
	static const struct {
		uint8_t session;
		uint8_t stateless;
	} len[VIRTIO_CRYPTO_SERVICE_MAX] = {
		[VIRTIO_CRYPTO_SERVICE_CIPHER] = {
			sizeof(struct virtio_crypto_sym_data_req),
			sizeof(struct virtio_crypto_sym_data_flf_stateless) },
		[VIRTIO_CRYPTO_SERVICE_HASH] = {
			sizeof(struct virtio_crypto_hash_para),
			sizeof(struct virtio_crypto_hash_data_flf_stateless) },
		[VIRTIO_CRYPTO_SERVICE_MAC] = {
			sizeof(struct virtio_crypto_hash_para),
			sizeof(struct virtio_crypto_mac_data_flf_stateless) },
		[VIRTIO_CRYPTO_SERVICE_AEAD] = {
			sizeof(struct virtio_crypto_aead_para),
			sizeof(struct virtio_crypto_aead_data_flf_stateless) },
		[VIRTIO_CRYPTO_SERVICE_AKCIPHER] = {
			sizeof(struct virtio_crypto_akcipher_para),
			sizeof(struct virtio_crypto_akcipher_data_flf_stateless) },
	};

	if (stateless)
		return len[service].stateless;
	return rev1 ? len[service].session : VIRTIO_CRYPTO_DATAQ_OP_SPEC_HDR_LEGACY;
}

/**
 * Bytes of a control request, header included, for this opcode: the
 * padded 72 without REVISION_1, the opcode's own size with it; 0 for an
 * opcode that is not a control request.
 */
static inline uint32_t
virtio_crypto_ctrlq_req_len(uint32_t opcode, bool rev1)
{
	uint32_t flf;

	switch (opcode) {
	case VIRTIO_CRYPTO_CIPHER_CREATE_SESSION:
		flf = sizeof(struct virtio_crypto_sym_create_session_req);
		break;
	case VIRTIO_CRYPTO_HASH_CREATE_SESSION:
		flf = sizeof(struct virtio_crypto_hash_session_para);
		break;
	case VIRTIO_CRYPTO_MAC_CREATE_SESSION:
		flf = sizeof(struct virtio_crypto_mac_session_para);
		break;
	case VIRTIO_CRYPTO_AEAD_CREATE_SESSION:
		flf = sizeof(struct virtio_crypto_aead_session_para);
		break;
	case VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION:
		/* 12 bytes and the 44-byte algorithm part: 56 either way */
		flf = sizeof(struct virtio_crypto_akcipher_create_session_req);
		break;
	case VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION:
	case VIRTIO_CRYPTO_HASH_DESTROY_SESSION:
	case VIRTIO_CRYPTO_MAC_DESTROY_SESSION:
	case VIRTIO_CRYPTO_AEAD_DESTROY_SESSION:
	case VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION:
		flf = sizeof(rte_le64_t);
		break;
	default:
		return 0;
	}
	if (!rev1)
		return sizeof(struct virtio_crypto_op_ctrl_req);
	return sizeof(struct virtio_crypto_ctrl_header) + flf;
}

/* ------------------------------------------------------------------ */
/* Sizes: a layout change is a build failure                           */
/* ------------------------------------------------------------------ */

#define VIRTIO_CRYPTO_WIRE_SIZE(type, size) \
	_Static_assert(sizeof(struct type) == (size), \
		"struct " #type " must be " #size " bytes on the wire")

VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_config, 56);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_ctrl_header, 16);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_cipher_session_para, 16);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_cipher_session_req, 48);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_hash_session_para, 8);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_hash_create_session_req, 48);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_mac_session_para, 16);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_mac_create_session_req, 56);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_aead_session_para, 24);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_aead_create_session_req, 56);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_alg_chain_session_para, 48);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_sym_create_session_req, 56);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_rsa_session_para, 8);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_ecdsa_session_para, 8);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_akcipher_session_para, 20);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_akcipher_create_session_req, 56);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_destroy_session_req, 56);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_op_ctrl_req, 72);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_session_input, 16);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_inhdr, 1);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_op_header, 24);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_cipher_para, 16);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_cipher_data_req, 40);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_hash_para, 8);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_hash_data_req, 48);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_mac_data_req, 48);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_alg_chain_data_para, 40);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_sym_data_req, 48);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_aead_para, 24);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_aead_data_req, 48);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_akcipher_para, 8);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_akcipher_data_req, 48);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_op_data_req, 72);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_cipher_data_flf_stateless, 24);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_alg_chain_data_flf_stateless, 72);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_sym_data_flf_stateless, 76);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_hash_data_flf_stateless, 16);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_mac_data_flf_stateless, 16);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_aead_data_flf_stateless, 32);
VIRTIO_CRYPTO_WIRE_SIZE(virtio_crypto_akcipher_data_flf_stateless, 28);
_Static_assert(VIRTIO_CRYPTO_STATELESS_REQ_MAX == 100,
	"largest stateless request fixed part is 100 bytes");

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_CRYPTO_WIRE_H */
