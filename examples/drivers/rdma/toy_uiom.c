// SPDX-License-Identifier: GPL-2.0
/* toy_uiom: a second toy RDMA driver, pinning with pin_user_pages() under mmap_lock. */
#include <linux/mm.h>

#define TOY_PIN_FLAGS	FOLL_LONGTERM

static int toy_uiom_get_pages(unsigned long addr, unsigned long npages, int writable,
			      struct page **pages)
{
	unsigned int gup_flags;
	long ret;

	gup_flags = FOLL_WRITE;
	gup_flags |= (writable) ? 0 : FOLL_FORCE;

	mmap_read_lock(current->mm);
	ret = pin_user_pages(addr, npages, gup_flags | TOY_PIN_FLAGS, pages, NULL);
	mmap_read_unlock(current->mm);
	return ret < 0 ? ret : 0;
}

int toy_uiom_reg(unsigned long addr, unsigned long npages, int writable, struct page **pages)
{
	return toy_uiom_get_pages(addr, npages, writable, pages);
}
