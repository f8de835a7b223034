/* SPDX-License-Identifier: GPL-2.0 */
/* guest/sim: <linux/dma-mapping.h> is the simulated kernel's API (lk/linux.h). */
#include <lk/linux.h>
