/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#ifndef VHOST_USER_CRYPTO_WIRE_H
#define VHOST_USER_CRYPTO_WIRE_H

/**
 * @file
 * The vhost-user crypto session messages as QEMU's cryptodev-vhost-user
 * sends them: VHOST_USER_CREATE_CRYPTO_SESSION (26, a reply carrying the
 * session id is always read, though NEED_REPLY is not set) and
 * VHOST_USER_CLOSE_CRYPTO_SESSION (27, payload one le64 session id, no
 * reply). Both need protocol feature CRYPTO_SESSION.
 *
 * QEMU copies its in-memory session structure onto the wire, so the payload
 * has changed with QEMU's internals; only its size tells the versions apart:
 *
 *   QEMU <= 7.0   632 B  struct vhost_user_crypto_session_v70
 *   QEMU 7.1-8.0  632 B  struct vhost_user_crypto_session_v71
 *   QEMU >= 8.1  1072 B  struct vhost_user_crypto_session_v81
 *
 * The two 632-byte layouts differ only in a u32 op_code that 7.0 carries
 * at offset 8 and 7.1 dropped, shifting every later field by 4. A receiver
 * tells them apart by content: 7.1 has op_type (1 or 2) in byte 32, where
 * 7.0 has the low byte of aad_len (0 for every session QEMU creates), and
 * 7.0 has a *_CREATE_SESSION opcode in bytes 8..11 and op_type in byte 36.
 * The two host pointers QEMU leaves in the payload are meaningless
 * to any other process and must be ignored. Fields are host-endian in QEMU;
 * every peer that exists is little-endian x86_64 or arm64.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VHOST_USER_CREATE_CRYPTO_SESSION	26
#define VHOST_USER_CLOSE_CRYPTO_SESSION		27
#define VHOST_USER_PROTOCOL_F_CRYPTO_SESSION	7

#define VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN	64
#define VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN	512
#define VHOST_USER_CRYPTO_MAX_ASYM_KEY_LEN	1024

/*
 * Values of op_type, direction, hash_mode and alg_chain_order are the
 * virtio-crypto ones (VIRTIO_CRYPTO_SYM_OP_*, VIRTIO_CRYPTO_OP_*, ...).
 */

/** Symmetric session parameters, QEMU 7.1 and later (48 bytes). */
struct vhost_user_crypto_sym_info {
	uint32_t cipher_alg;
	uint32_t key_len;
	uint32_t hash_alg;		/**< VIRTIO_CRYPTO_HASH_* or _MAC_* */
	uint32_t hash_result_len;
	uint32_t auth_key_len;
	uint32_t aad_len;
	uint8_t op_type;
	uint8_t direction;
	uint8_t hash_mode;
	uint8_t alg_chain_order;
	uint32_t padding;
	uint64_t cipher_key_ptr;	/**< QEMU host pointer: ignore */
	uint64_t auth_key_ptr;		/**< QEMU host pointer: ignore */
};

/** Symmetric session parameters, QEMU 7.0 and earlier (48 bytes). */
struct vhost_user_crypto_sym_info_v70 {
	uint32_t op_code;		/**< VIRTIO_CRYPTO_*_CREATE_SESSION */
	uint32_t cipher_alg;
	uint32_t key_len;
	uint32_t hash_alg;
	uint32_t hash_result_len;
	uint32_t auth_key_len;
	uint32_t aad_len;
	uint8_t op_type;
	uint8_t direction;
	uint8_t hash_mode;
	uint8_t alg_chain_order;
	uint64_t cipher_key_ptr;
	uint64_t auth_key_ptr;
};

/** QEMU <= 7.0 create-session payload. */
struct vhost_user_crypto_session_v70 {
	int64_t session_id;	/**< reply: >= 0 the new session, < 0 failure */
	struct vhost_user_crypto_sym_info_v70 info;
	uint8_t key[VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN];
	uint8_t auth_key[VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN];
};

/** QEMU 7.1 to 8.0 create-session payload (symmetric sessions only). */
struct vhost_user_crypto_session_v71 {
	int64_t session_id;	/**< reply: >= 0 the new session, < 0 failure */
	struct vhost_user_crypto_sym_info info;
	uint8_t key[VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN];
	uint8_t auth_key[VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN];
};

/** Asymmetric session parameters, QEMU 8.1 and later (32 bytes). */
struct vhost_user_crypto_asym_info {
	uint32_t algo;			/**< VIRTIO_CRYPTO_AKCIPHER_* */
	uint32_t keytype;		/**< VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_* */
	uint32_t keylen;
	uint32_t padding;
	uint64_t key_ptr;		/**< QEMU host pointer: ignore */
	union {
		struct {
			uint32_t padding_algo;
			uint32_t hash_algo;
		} rsa;
	} u;
};

/** QEMU >= 8.1 create-session payload, symmetric or asymmetric. */
struct vhost_user_crypto_session_v81 {
	/** VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION selects u.asym, any other u.sym */
	uint64_t op_code;
	union {
		struct {
			struct vhost_user_crypto_sym_info info;
			uint8_t key[VHOST_USER_CRYPTO_MAX_CIPHER_KEY_LEN];
			uint8_t auth_key[VHOST_USER_CRYPTO_MAX_AUTH_KEY_LEN];
		} sym;
		struct {
			struct vhost_user_crypto_asym_info info;
			uint8_t key[VHOST_USER_CRYPTO_MAX_ASYM_KEY_LEN];
		} asym;
	} u;
	int64_t session_id;	/**< reply: >= 0 the new session, < 0 failure */
};

/*
 * The generic vhost-user framing: the messages the backend answers itself
 * from librte_vhost's message hooks, and those the guest PMD's vhost-user
 * transport sends as a frontend.
 */
#define VHOST_USER_GET_FEATURES		1
#define VHOST_USER_SET_FEATURES		2
#define VHOST_USER_SET_OWNER		3
#define VHOST_USER_RESET_OWNER		4
#define VHOST_USER_SET_MEM_TABLE	5
#define VHOST_USER_SET_VRING_NUM	8
#define VHOST_USER_SET_VRING_ADDR	9
#define VHOST_USER_SET_VRING_BASE	10
#define VHOST_USER_GET_VRING_BASE	11
#define VHOST_USER_SET_VRING_KICK	12
#define VHOST_USER_SET_VRING_CALL	13
#define VHOST_USER_SET_VRING_ERR	14
#define VHOST_USER_GET_PROTOCOL_FEATURES	15
#define VHOST_USER_SET_PROTOCOL_FEATURES	16
#define VHOST_USER_GET_QUEUE_NUM	17
#define VHOST_USER_SET_VRING_ENABLE	18
#define VHOST_USER_GET_CONFIG		24
#define VHOST_USER_SET_CONFIG		25
#define VHOST_USER_ADD_MEM_REG		37
#define VHOST_USER_REM_MEM_REG		38

#define VHOST_USER_PROTOCOL_F_MQ		0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK		3
#define VHOST_USER_PROTOCOL_F_CONFIG		9
#define VHOST_USER_F_PROTOCOL_FEATURES		30

/** The only protocol version there is, in the low bits of flags. */
#define VHOST_USER_VERSION		0x1u
#define VHOST_USER_FLAG_VERSION_MASK	0x3u
#define VHOST_USER_FLAG_REPLY		(1u << 2)
#define VHOST_USER_FLAG_NEED_REPLY	(1u << 3)

/** Header of every vhost-user message; the payload follows. */
struct vhost_user_msg_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;		/**< payload bytes */
} __attribute__((packed));

/** GET_CONFIG / SET_CONFIG payload. */
struct vhost_user_config_payload {
	uint32_t offset;	/**< into the device config space */
	uint32_t size;
	uint32_t flags;
	uint8_t region[256];
};

/** SET_VRING_NUM/BASE/ENABLE, GET_VRING_BASE payload. */
struct vhost_user_vring_state {
	uint32_t index;
	uint32_t num;
};

/** SET_VRING_ADDR payload: the frontend's own virtual addresses. */
struct vhost_user_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;
	uint64_t used;
	uint64_t avail;
	uint64_t log;
};

/* SET_VRING_KICK/CALL payload (u64): ring index, this bit if no fd is sent. */
#define VHOST_USER_VRING_IDX_MASK	0xffu
#define VHOST_USER_VRING_NOFD_MASK	(1u << 8)

/** Regions SET_MEM_TABLE carries at most, one fd each. */
#define VHOST_USER_MEMORY_MAX_NREGIONS	8

/** One region of SET_MEM_TABLE; guest_phys_addr is what descriptors hold. */
struct vhost_user_mem_region {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset;	/**< into the fd passed with the message */
};

struct vhost_user_memory {
	uint32_t nregions;
	uint32_t padding;
	struct vhost_user_mem_region regions[VHOST_USER_MEMORY_MAX_NREGIONS];
};

/** Close-session payload, every version. */
struct vhost_user_crypto_close {
	uint64_t session_id;
};

#define VHOST_USER_CRYPTO_WIRE_SIZE(type, size) \
	_Static_assert(sizeof(struct type) == (size), \
		"struct " #type " must be " #size " bytes on the wire")

VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_crypto_sym_info, 48);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_crypto_sym_info_v70, 48);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_crypto_session_v70, 632);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_crypto_session_v71, 632);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_crypto_asym_info, 32);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_crypto_session_v81, 1072);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_crypto_close, 8);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_msg_hdr, 12);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_config_payload, 268);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_vring_state, 8);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_vring_addr, 40);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_mem_region, 32);
VHOST_USER_CRYPTO_WIRE_SIZE(vhost_user_memory, 264);

/** Payload sizes as they arrive, the only version marker there is. */
#define VHOST_USER_CRYPTO_SESSION_SIZE_632	632
#define VHOST_USER_CRYPTO_SESSION_SIZE_1072	1072

#ifdef __cplusplus
}
#endif

#endif /* VHOST_USER_CRYPTO_WIRE_H */
