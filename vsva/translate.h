/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Translation through the caches of a remapping unit (spec 6.2): IOTLB,
 * then the paging-structure caches to skip upper levels, then the walk
 * (vsva/walk.h), filling the IOTLB and the paging-structure caches from a
 * successful walk only.  Memory references are counted as in the walker:
 * an IOTLB hit makes none, a paging-structure-cache hit saves the reads of
 * the levels it covers.
 */
#ifndef _VSVA_TRANSLATE_H
#define _VSVA_TRANSLATE_H

#include "cache.h"
#include "walk.h"

/*
 * Translate @req for (@did, @pasid) under @cfg.  An IOTLB entry is used
 * only when it grants the access (R/W/X), the privilege (a user request
 * needs VSVA_TLB_USER) and, for writes, is already dirty; otherwise the
 * walk runs again (and sets D).  Returns as vsva_walk(): 0, -EFAULT with
 * the fault in @res, or -EINVAL.
 */
int vsva_translate(struct vsva_caches *c, const struct vsva_walk_cfg *cfg,
		   u16 did, u32 pasid, const struct vsva_walk_req *req,
		   struct vsva_walk_result *res);

#endif /* _VSVA_TRANSLATE_H */
