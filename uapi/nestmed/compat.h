/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nestmed: the small type and bit-field vocabulary shared by the kernel and
 * user-space builds.  Inside the kernel it is the kernel's own; in user space
 * it is reimplemented here with the same names and semantics, so headers in
 * uapi/nestmed and sources in vsva/ compile unchanged in both worlds.
 */
#ifndef _UAPI_NESTMED_COMPAT_H
#define _UAPI_NESTMED_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <asm/barrier.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;

#ifndef BIT
#define BIT(n)			(1UL << (n))
#endif
#define BIT_ULL(n)		(1ULL << (n))
#define GENMASK(h, l)		((~0UL << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l)	((~0ULL << (l)) & (~0ULL >> (63 - (h))))

/* Same contract as <linux/bitfield.h>: @mask is a non-zero constant. */
#define __bf_shf(x)		(__builtin_ffsll(x) - 1)
#define FIELD_GET(mask, reg)	\
	((__typeof__(mask))(((reg) & (mask)) >> __bf_shf(mask)))
#define FIELD_PREP(mask, val)	\
	((((__typeof__(mask))(val)) << __bf_shf(mask)) & (mask))
#define FIELD_MAX(mask)		((__typeof__(mask))((mask) >> __bf_shf(mask)))
#define FIELD_FIT(mask, val)	\
	(!((((__typeof__(mask))(val)) << __bf_shf(mask)) & ~(mask)))

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
/* Device-visible ordering: a compiler barrier is enough for the models. */
#define dma_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define dma_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define __maybe_unused		__attribute__((__unused__))
#define fallthrough		__attribute__((__fallthrough__))
#ifndef min
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#endif
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)
#endif /* __KERNEL__ */

#endif /* _UAPI_NESTMED_COMPAT_H */
