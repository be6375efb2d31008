// SPDX-License-Identifier: GPL-2.0
/* toy_userptr: GPU buffer objects backed by user memory. */
#include <linux/mm.h>
#include <linux/slab.h>

#define TOY_USERPTR_WRITE	0x1

struct toy_userptr {
	unsigned long ptr;
	bool ro;
};

struct toy_bo {
	struct toy_userptr userptr;
	struct page **pages;
	int npages;
};

int toy_bo_new_userptr(struct toy_bo *bo, unsigned long ptr, u32 flags)
{
	bo->userptr.ptr = ptr;
	bo->userptr.ro = !(flags & TOY_USERPTR_WRITE);
	return 0;
}

/* The user said whether the buffer is read-only, but the pin always asks for write access. */
static int toy_bo_get_pages(struct toy_bo *bo)
{
	struct toy_userptr *userptr = &bo->userptr;
	int ret;

	ret = pin_user_pages_fast(userptr->ptr, bo->npages,
				  FOLL_WRITE | FOLL_FORCE | FOLL_LONGTERM,
				  bo->pages);
	if (ret < 0)
		return ret;
	return ret == bo->npages ? 0 : -EFAULT;
}

/* A command buffer the GPU only reads; nothing says so to the pin. */
int toy_cmdbuf_pin(unsigned long start, int npages, struct page **pages)
{
	int ret;

	ret = pin_user_pages_fast(start, npages,
				  FOLL_FORCE | FOLL_WRITE | FOLL_LONGTERM,
				  pages);
	if (ret != npages) {
		if (ret > 0)
			unpin_user_pages(pages, ret);
		return -EFAULT;
	}
	return 0;
}

int toy_bo_populate(struct toy_bo *bo)
{
	return toy_bo_get_pages(bo);
}
