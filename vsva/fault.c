// SPDX-License-Identifier: GPL-2.0
/* Fault reason strings (VT-d 3.x 7.1.3), for traces, logs and the CLI. */
#include <nestmed/vtd_fault.h>

#include "vsva.h"

static const struct {
	u8 fr;
	const char *str;
} vtd_fault_strs[] = {
	{ VTD_FR_NONE, "no fault" },
	{ VTD_FR_ROOT_NOT_PRESENT, "root entry not present" },
	{ VTD_FR_CTX_NOT_PRESENT, "context entry not present" },
	{ VTD_FR_CTX_INVALID, "invalid context entry" },
	{ VTD_FR_ADDR_BEYOND_MGAW, "address beyond MGAW" },
	{ VTD_FR_WRITE, "no write permission" },
	{ VTD_FR_READ, "no read permission" },
	{ VTD_FR_PTE_PTR_INVALID, "invalid next page-table pointer" },
	{ VTD_FR_ROOT_TABLE_INVALID, "invalid root table address" },
	{ VTD_FR_CTX_TABLE_INVALID, "invalid context table pointer" },
	{ VTD_FR_ROOT_RSVD, "reserved bits in root entry" },
	{ VTD_FR_CTX_RSVD, "reserved bits in context entry" },
	{ VTD_FR_PTE_RSVD, "reserved bits in paging entry" },
	{ VTD_FR_CTX_TT_BLOCKED, "translation type blocks request" },
	{ VTD_FR_IR_REQ_RSVD, "IR: reserved fields in request" },
	{ VTD_FR_IR_INDEX_OVER, "IR: index beyond table" },
	{ VTD_FR_IR_ENTRY_NOT_PRESENT, "IR: IRTE not present" },
	{ VTD_FR_IR_ROOT_INVALID, "IR: table access error" },
	{ VTD_FR_IR_IRTE_RSVD, "IR: reserved fields in IRTE" },
	{ VTD_FR_IR_COMPAT_BLOCKED, "IR: compatibility format blocked" },
	{ VTD_FR_IR_SID_ERR, "IR: source-id verification failed" },
	{ VTD_FR_SM_RTADDR_INVALID, "SM: invalid root table address" },
	{ VTD_FR_SM_TTM0_PASID, "SM: TTM 0 for request with PASID" },
	{ VTD_FR_SM_TTM0_PGREQ, "SM: TTM 0 for page group request" },
	{ VTD_FR_SM_ROOT_ACCESS, "SM: error accessing root entry" },
	{ VTD_FR_SM_ROOT_NOT_PRESENT, "SM: root entry not present" },
	{ VTD_FR_SM_ROOT_RSVD, "SM: reserved bits in root entry" },
	{ VTD_FR_SM_CTX_ACCESS, "SM: error accessing context entry" },
	{ VTD_FR_SM_CTX_NOT_PRESENT, "SM: context entry not present" },
	{ VTD_FR_SM_CTX_RSVD, "SM: reserved bits in context entry" },
	{ VTD_FR_SM_CTX_INVALID, "SM: invalid context entry" },
	{ VTD_FR_SM_CTX_DTE, "SM: translation request with DTE clear" },
	{ VTD_FR_SM_CTX_PASIDE, "SM: request with PASID, PASIDE clear" },
	{ VTD_FR_SM_CTX_PASID_MAX, "SM: PASID beyond the directory size" },
	{ VTD_FR_SM_CTX_PRE, "SM: page request with PRE clear" },
	{ VTD_FR_SM_CTX_RID_PASID, "SM: RID_PASID field error" },
	{ VTD_FR_SM_PDIR_ACCESS, "SM: error accessing PASID directory entry" },
	{ VTD_FR_SM_PDIR_NOT_PRESENT, "SM: PASID directory entry not present" },
	{ VTD_FR_SM_PDIR_RSVD, "SM: reserved bits in PASID directory entry" },
	{ VTD_FR_SM_PASID_ACCESS, "SM: error accessing PASID entry" },
	{ VTD_FR_SM_PASID_NOT_PRESENT, "SM: PASID entry not present" },
	{ VTD_FR_SM_PASID_RSVD, "SM: reserved bits in PASID entry" },
	{ VTD_FR_SM_PASID_INVALID, "SM: invalid PASID entry" },
	{ VTD_FR_SM_PASID_ERE, "SM: execute request with ERE clear" },
	{ VTD_FR_SM_PASID_SRE, "SM: supervisor request with SRE clear" },
	{ VTD_FR_SM_FS_ACCESS, "SM: error accessing first-stage entry" },
	{ VTD_FR_SM_FS_NOT_PRESENT, "SM: first-stage entry not present" },
	{ VTD_FR_SM_FS_RSVD, "SM: reserved bits in first-stage entry" },
	{ VTD_FR_SM_FS_ROOT_ACCESS, "SM: error accessing first-stage root" },
	{ VTD_FR_SM_FS_NESTED_MGAW, "SM: nested first-stage entry beyond MGAW" },
	{ VTD_FR_SM_FS_NESTED_ROOT_READ, "SM: nested: no read of first-stage root" },
	{ VTD_FR_SM_FS_NESTED_READ, "SM: nested: no read of first-stage entry" },
	{ VTD_FR_SM_FS_NESTED_WRITE, "SM: nested: no write of first-stage A/D" },
	{ VTD_FR_SM_SS_ACCESS, "SM: error accessing second-stage entry" },
	{ VTD_FR_SM_SS_NOT_PRESENT, "SM: second-stage entry not present" },
	{ VTD_FR_SM_SS_RSVD, "SM: reserved bits in second-stage entry" },
	{ VTD_FR_SM_SS_PTR_INVALID, "SM: invalid second-stage table pointer" },
	{ VTD_FR_SM_SS_AD_NOSNOOP, "SM: second-stage A/D update without snoop" },
	{ VTD_FR_SM_NONCANONICAL, "SM: non-canonical first-stage address" },
	{ VTD_FR_SM_US, "SM: user request to supervisor page" },
	{ VTD_FR_SM_NO_EXEC, "SM: no execute permission" },
	{ VTD_FR_SM_ADDR_BEYOND_MAX, "SM: address beyond the address width" },
	{ VTD_FR_SM_SS_ADDR_BEYOND_MAX, "SM: second-stage address beyond HAW" },
	{ VTD_FR_SM_NO_WRITE, "SM: no write permission" },
	{ VTD_FR_SM_NO_READ, "SM: no read permission" },
	{ VTD_FR_SM_INTR_ADDR, "SM: translated to the interrupt range" },
	{ VTD_FR_SM_FS_AD_NOSNOOP, "SM: first-stage A/D update without snoop" },
};

const char *vtd_fault_reason_str(unsigned int fr)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(vtd_fault_strs); i++)
		if (vtd_fault_strs[i].fr == fr)
			return vtd_fault_strs[i].str;
	return "unknown";
}
