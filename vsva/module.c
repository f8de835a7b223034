// SPDX-License-Identifier: GPL-2.0
/*
 * Module glue of nestmed_vsva.ko (make modules): the vsva engine as a
 * library module.  Kernel builds only; user space compiles this to nothing.
 */
#ifdef __KERNEL__
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nestmed vsva: VT-d 3.x translation and protocol engine");
#endif
