/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated S-IOV PF (host/sim/siov_pf.h) as an lk PCI device backend,
 * for the lk suites: @ctx is the struct siov_pf.  Config space, BAR0 and
 * BAR2 portal stores go straight to the device model (no VMM filtering, as
 * guest/sim/l1.c has).
 */
#ifndef _TESTS_LK_TEST_PF_H
#define _TESTS_LK_TEST_PF_H

#include "siov_pf.h"
#include "lk.h"

static inline u32 lk_test_pf_cfg_read(void *ctx, u32 off, unsigned int size)
{
	return siov_pf_cfg_read(ctx, off, size);
}

static inline void lk_test_pf_cfg_write(void *ctx, u32 off, unsigned int size,
					u32 val)
{
	siov_pf_cfg_write(ctx, off, size, val);
}

static inline u64 lk_test_pf_mmio_read(void *ctx, unsigned int bar, u64 off,
				       unsigned int size)
{
	return siov_pf_mmio_read(ctx, bar, off, size);
}

static inline void lk_test_pf_mmio_write(void *ctx, unsigned int bar, u64 off,
					 unsigned int size, u64 val)
{
	siov_pf_mmio_write(ctx, bar, off, size, val);
}

static inline int lk_test_pf_portal_write(void *ctx, unsigned int bar,
					  u64 off, const void *data,
					  unsigned int len)
{
	return bar == SIOV_BAR2 ? siov_pf_portal_write(ctx, off, data, len) :
				  -EINVAL;
}

static const struct lk_pci_ops lk_test_pf_ops __maybe_unused = {
	.cfg_read = lk_test_pf_cfg_read,
	.cfg_write = lk_test_pf_cfg_write,
	.mmio_read = lk_test_pf_mmio_read,
	.mmio_write = lk_test_pf_mmio_write,
	.portal_write = lk_test_pf_portal_write,
};

#endif /* _TESTS_LK_TEST_PF_H */
