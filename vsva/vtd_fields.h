/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSVA_VTD_FIELDS_H
#define _VSVA_VTD_FIELDS_H

#include <nestmed/vtd.h>

#include "describe.h"

/* Paging-entry field tables (generated from uapi/nestmed/vtd_pte.h). */
extern const struct vtd_field vtd_fspte_fields[], vtd_sspte_fields[];
extern const unsigned int vtd_fspte_nfields, vtd_sspte_nfields;

/* Describe every field of @f (a generated field table) found in @qw. */
void vtd_describe_fields(const u64 *qw, const struct vtd_field *f,
			 unsigned int n, struct vsva_describe *d);

#endif /* _VSVA_VTD_FIELDS_H */
