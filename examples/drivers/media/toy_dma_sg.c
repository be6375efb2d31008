// SPDX-License-Identifier: GPL-2.0
/* toy_dma_sg: scatter-gather DMA from/to a user buffer, videobuf-style. */
#include <linux/mm.h>
#include <linux/dma-direction.h>

struct toy_dmabuf {
	struct page **pages;
	unsigned long nr_pages;
	int direction;
};

int toy_dma_init_user(struct toy_dmabuf *dma, unsigned long data)
{
	unsigned int flags = FOLL_FORCE;
	long err;

	switch (dma->direction) {
	case DMA_FROM_DEVICE:
		/* the device writes into the buffer */
		flags |= FOLL_WRITE;
		break;
	case DMA_TO_DEVICE:
		break;
	default:
		return -EINVAL;
	}

	err = pin_user_pages(data & PAGE_MASK, dma->nr_pages,
			     flags | FOLL_LONGTERM, dma->pages, NULL);
	if (err != dma->nr_pages)
		return err < 0 ? err : -EINVAL;
	return 0;
}

void toy_dma_free(struct toy_dmabuf *dma)
{
	unpin_user_pages_dirty_lock(dma->pages, dma->nr_pages,
				    dma->direction == DMA_FROM_DEVICE);
}
