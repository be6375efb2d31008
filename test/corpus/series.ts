// The calls the 6.2 series "mm/gup: remove FOLL_FORCE usage from drivers (reliable R/O long-term
// pinning)" changed, with the flag sets its own patches gave them (mainline commit ids; read in the
// series' patch mails). `file612` is where the 6.12 tree still shows those sets; it is absent where
// later commits changed the driver again: siw moved to ib_umem_get(), videobuf-dma-sg was removed
// with videobuf1, and frame_vector.c made FOLL_WRITE depend on a new `write` argument.
export interface SeriesCall {
  commit: string;
  file61: string;
  file612?: string;
  function: string;
  callee: string;
  seriesSets: string[][];
}

const RW = [['FOLL_LONGTERM', 'FOLL_WRITE'], ['FOLL_LONGTERM']];
const W = [['FOLL_LONGTERM', 'FOLL_WRITE']];

export const SERIES_CALLS: SeriesCall[] = [
  { commit: 'b40656aa7d55 RDMA/umem', file61: 'drivers/infiniband/core/umem.c', file612: 'drivers/infiniband/core/umem.c', function: 'ib_umem_get', callee: 'pin_user_pages_fast', seriesSets: RW },
  { commit: 'a9d0284033e9 RDMA/usnic', file61: 'drivers/infiniband/hw/usnic/usnic_uiom.c', file612: 'drivers/infiniband/hw/usnic/usnic_uiom.c', function: 'usnic_uiom_get_pages', callee: 'pin_user_pages', seriesSets: RW },
  { commit: '129e636fe983 RDMA/siw', file61: 'drivers/infiniband/sw/siw/siw_mem.c', function: 'siw_umem_get', callee: 'pin_user_pages', seriesSets: RW },
  { commit: '3298de2c66e0 media: videobuf-dma-sg', file61: 'drivers/media/v4l2-core/videobuf-dma-sg.c', function: 'videobuf_dma_init_user_locked', callee: 'pin_user_pages', seriesSets: RW },
  { commit: '7d96eb6a9164 drm/etnaviv', file61: 'drivers/gpu/drm/etnaviv/etnaviv_gem.c', file612: 'drivers/gpu/drm/etnaviv/etnaviv_gem.c', function: 'etnaviv_gem_userptr_get_pages', callee: 'pin_user_pages_fast', seriesSets: RW },
  { commit: '70b96f24a441 media: pci/ivtv', file61: 'drivers/media/pci/ivtv/ivtv-yuv.c', file612: 'drivers/media/pci/ivtv/ivtv-yuv.c', function: 'ivtv_yuv_prep_user_dma', callee: 'pin_user_pages_unlocked', seriesSets: [[]] },
  { commit: '70b96f24a441 media: pci/ivtv', file61: 'drivers/media/pci/ivtv/ivtv-yuv.c', file612: 'drivers/media/pci/ivtv/ivtv-yuv.c', function: 'ivtv_yuv_prep_user_dma', callee: 'pin_user_pages_unlocked', seriesSets: [[]] },
  { commit: '70b96f24a441 media: pci/ivtv', file61: 'drivers/media/pci/ivtv/ivtv-udma.c', file612: 'drivers/media/pci/ivtv/ivtv-udma.c', function: 'ivtv_udma_setup', callee: 'pin_user_pages_unlocked', seriesSets: [[]] },
  { commit: 'cb78a634f3f7 mm/frame-vector', file61: 'drivers/media/common/videobuf2/frame_vector.c', function: 'get_vaddr_frames', callee: 'pin_user_pages_fast', seriesSets: W },
  { commit: 'c098ce73c247 drm/exynos', file61: 'drivers/gpu/drm/exynos/exynos_drm_g2d.c', file612: 'drivers/gpu/drm/exynos/exynos_drm_g2d.c', function: 'g2d_userptr_get_dma_addr', callee: 'pin_user_pages_fast', seriesSets: W },
  { commit: '20ea7783236c RDMA/hw/qib', file61: 'drivers/infiniband/hw/qib/qib_user_pages.c', file612: 'drivers/infiniband/hw/qib/qib_user_pages.c', function: 'qib_get_user_pages', callee: 'pin_user_pages', seriesSets: W },
  { commit: '052d9b0f7ae1 habanalabs', file61: 'drivers/misc/habanalabs/common/memory.c', file612: 'drivers/accel/habanalabs/common/memory.c', function: 'get_user_memory', callee: 'pin_user_pages_fast', seriesSets: W },
];
