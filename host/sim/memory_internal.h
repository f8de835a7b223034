/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the simulated platform's host memory (memory.c) and the VMs it
 * backs (vm.c): not for other users of memory.h.
 */
#ifndef _HOST_SIM_MEMORY_INTERNAL_H
#define _HOST_SIM_MEMORY_INTERNAL_H

#include "memory.h"

/* sim_mem_alloc_run() for RAM of the VM with id @owner (0: the host). */
int sim_mem_alloc_owned(struct sim_mem *m, u64 npages, u8 align_lg2,
			u32 owner, u64 *hpa);
/* The host memory @vm lives in. */
struct sim_mem *sim_vm_mem(const struct sim_vm *vm);

#endif /* _HOST_SIM_MEMORY_INTERNAL_H */
