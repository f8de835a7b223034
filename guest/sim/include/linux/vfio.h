/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest/sim: <linux/vfio.h> = the uapi structures and constants from the
 * system's uapi header (Debian's linux-libc-dev), then the kernel side of
 * VFIO as the simulated kernel implements it (lk/linux.h).
 */
#ifndef _LK_LINUX_VFIO_WRAP_H
#define _LK_LINUX_VFIO_WRAP_H
#include_next <linux/vfio.h>
#endif
#include <lk/linux.h>
