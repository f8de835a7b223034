/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private state of the host IOMMU driver (hostdrv*.c), shared by its
 * files: hostdrv.c (probe, init sequence, interrupts, polling),
 * hostdrv_qi.c (queued invalidation), hostdrv_tables.c (root, context and
 * PASID tables), hostdrv_dev.c (devices, DIDs) and hostdrv_piommu.c.
 */
#ifndef NESTMED_HOSTDRV_INTERNAL_H
#define NESTMED_HOSTDRV_INTERNAL_H

#include "hostdrv.h"
#include "prq.h"
#include "qi.h"

#include <nestmed/vtd.h>

#define HD_MAX_DEVS		16
#define HD_MSI_ADDR		0xfee00000u
#define HD_VEC_FAULT		0x40
#define HD_VEC_INV		0x41
#define HD_VEC_PRQ		0x42
#define HD_DESC_SIZE		32	/* 256-bit descriptors (IQA.DW = 1) */
#define HD_REG_POLL		1000	/* GSTS polls before giving up */

struct hd_dev {
	bool used;
	u16 rid;
	const struct hostdrv_pci_ops *ops;
	void *dev;
	struct sim_vm *vm;
	u16 ats_off, pri_off, pasid_off;
	struct hostdrv_dev_info info;
	u64 dir_pages;
};

struct hd_vm {
	u16 did;
	u32 refs;
};

/* A drained page request or fault, waiting for poll(). */
struct hd_item {
	bool is_fault;
	struct piommu_page_req req;
	struct piommu_fault fault;
};

struct hostdrv {
	struct piommu pi;
	struct sim *s;
	struct sim_mem *m;
	struct sim_iommu *it;
	struct hostdrv_cfg cfg;
	u64 cap, ecap;
	u8 haw, pasid_bits, nfr;
	u32 fro;
	u32 gcmd;		/* persistent GCMD bits we have set */

	u64 rta;
	u64 iq, iq_size;	/* base, bytes */
	u32 iq_tail;
	u64 prq, prq_size;
	u64 status_hpa;
	volatile u32 *status;	/* the inv-wait status dword */
	u32 wait_seq;

	struct hd_dev devs[HD_MAX_DEVS];
	struct hd_vm vms[SIM_MAX_VMS + 1];
	u8 *did_used;		/* 1..host_dids */

	struct piommu_handlers h;
	struct hd_item *q;
	u32 q_head, q_n;
	bool irq_pending[3];
	u32 in_poll;

	struct hostdrv_stats st;
};

/* Registers: every access goes through sim_iommu_read/write. */
static inline u64 hd_rd(struct hostdrv *hd, u32 off, unsigned int size)
{
	hd->st.mmio_reads++;
	return sim_iommu_read(hd->it, off, size);
}

static inline void hd_wr(struct hostdrv *hd, u32 off, unsigned int size,
			 u64 val)
{
	hd->st.mmio_writes++;
	sim_iommu_write(hd->it, off, size, val);
}

/* Host memory. */
static inline int hd_mrd(struct hostdrv *hd, u64 a, void *buf, u64 len)
{
	return sim_mem_read(hd->m, VSVA_AS_HPA, a, buf, len);
}

static inline int hd_mwr(struct hostdrv *hd, u64 a, const void *buf, u64 len)
{
	return sim_mem_write(hd->m, VSVA_AS_HPA, a, buf, len);
}

/* Count a refused request in the stats; returns @ret. */
static inline int hd_refuse(struct hostdrv *hd, int ret)
{
	if (ret)
		hd->st.errors++;
	return ret;
}

/* hostdrv_qi.c */
int hd_iq_submit(struct hostdrv *hd, const struct vsva_inv_op *ops,
		 unsigned int n, bool pd);

/* hostdrv_tables.c */
struct hd_dev *hd_find_dev(struct hostdrv *hd, u16 rid);
void hd_pe_common(struct hostdrv *hd, struct vtd_pasid_entry *pe, u8 pgtt,
		  u16 did);
void hd_pe_set_pt(struct hostdrv *hd, struct vtd_pasid_entry *pe, u16 did);
int hd_pe_set_ss(struct hostdrv *hd, struct vtd_pasid_entry *pe,
		 const struct sim_vm *vm);
int hd_install(struct hostdrv *hd, u16 rid, u32 pasid,
	       struct vtd_pasid_entry *pe);
void hd_teardown_all(struct hostdrv *hd, struct hd_dev *d);
int hd_write_context(struct hostdrv *hd, u16 rid,
		     const struct vtd_sm_context_entry *ce);
void hd_free_pasid_tables(struct hostdrv *hd, struct hd_dev *d);
int hd_set_nested(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
		  const struct piommu_fs_cfg *fs, struct sim_vm *vm);
int hd_set_ss(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
	      struct sim_vm *vm);
int hd_set_fs(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
	      const struct piommu_fs_cfg *fs);
int hd_set_ss_table(struct hostdrv *hd, u16 rid, u32 pasid, u16 did,
		    u64 root, u8 levels);
int hd_clear(struct hostdrv *hd, u16 rid, u32 pasid);

/* hostdrv_piommu.c */
extern const struct piommu_ops hd_piommu_ops;

#endif /* NESTMED_HOSTDRV_INTERNAL_H */
