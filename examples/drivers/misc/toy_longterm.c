// SPDX-License-Identifier: GPL-2.0
/* toy_longterm: long-term access to user pages through the wrong entry point. */
#include <linux/mm.h>

struct toy_region {
	struct page **pages;
	unsigned long npages;
};

static long toy_region_grab(struct toy_region *r, unsigned long start, unsigned int gup_flags)
{
	return get_user_pages_fast(start, r->npages, gup_flags, r->pages);
}

int toy_region_register(struct toy_region *r, unsigned long start, bool write)
{
	unsigned int flags = FOLL_LONGTERM;

	if (write)
		flags |= FOLL_WRITE;
	return toy_region_grab(r, start, flags) == r->npages ? 0 : -EFAULT;
}

void toy_region_unregister(struct toy_region *r)
{
	release_pages(r->pages, r->npages);
}

/* FOLL_GET is what get_user_pages_unlocked() adds itself. */
long toy_region_touch(unsigned long start, struct page **page)
{
	return get_user_pages_unlocked(start, 1, page, FOLL_GET);
}
