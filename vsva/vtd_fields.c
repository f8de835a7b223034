// SPDX-License-Identifier: GPL-2.0
/*
 * Field tables generated from the single field lists in uapi/nestmed/vtd.h
 * and vtd_tables.h, and the generic describe walker over them.
 */
#include <nestmed/vtd.h>
#include <nestmed/vtd_pte.h>

#include "describe.h"
#include "vtd_fields.h"

const struct vtd_field vtd_cap_fields[] = { VTD_CAP_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_cap_nfields = ARRAY_SIZE(vtd_cap_fields);
const struct vtd_field vtd_ecap_fields[] = { VTD_ECAP_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_ecap_nfields = ARRAY_SIZE(vtd_ecap_fields);
const struct vtd_field vtd_frcd_fields[] = { VTD_FRCD_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_frcd_nfields = ARRAY_SIZE(vtd_frcd_fields);
const struct vtd_field vtd_root_fields[] = { VTD_ROOT_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_root_nfields = ARRAY_SIZE(vtd_root_fields);
const struct vtd_field vtd_sm_root_fields[] = { VTD_SM_ROOT_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_sm_root_nfields = ARRAY_SIZE(vtd_sm_root_fields);
const struct vtd_field vtd_ctx_fields[] = { VTD_CTX_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_ctx_nfields = ARRAY_SIZE(vtd_ctx_fields);
const struct vtd_field vtd_sm_ctx_fields[] = { VTD_SM_CTX_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_sm_ctx_nfields = ARRAY_SIZE(vtd_sm_ctx_fields);
const struct vtd_field vtd_pde_fields[] = { VTD_PDE_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_pde_nfields = ARRAY_SIZE(vtd_pde_fields);
const struct vtd_field vtd_pasid_entry_fields[] = { VTD_PASID_ENTRY_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_pasid_entry_nfields = ARRAY_SIZE(vtd_pasid_entry_fields);

const struct vtd_field vtd_fspte_fields[] = { VTD_FSPTE_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_fspte_nfields = ARRAY_SIZE(vtd_fspte_fields);
const struct vtd_field vtd_sspte_fields[] = { VTD_SSPTE_FIELDS(VTD_FIELD_TABLE_ENTRY) };
const unsigned int vtd_sspte_nfields = ARRAY_SIZE(vtd_sspte_fields);

void vtd_describe_fields(const u64 *qw, const struct vtd_field *f,
			 unsigned int n, struct vsva_describe *d)
{
	for (unsigned int i = 0; i < n; i++) {
		u64 v = vtd_field_get(qw, &f[i]);

		if (f[i].kind == VTD_ADDR)
			vsva_desc_addr(d, f[i].name, v);
		else
			vsva_desc_num(d, f[i].name, v);
	}
}
