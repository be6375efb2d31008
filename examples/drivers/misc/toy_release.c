// SPDX-License-Identifier: GPL-2.0
/* toy_release: the two classic ways to release pages with the wrong call. */
#include <linux/mm.h>

struct toy_ring {
	struct page **pages;
	int nr;
};

int toy_ring_map(struct toy_ring *ring, unsigned long uaddr)
{
	int got = pin_user_pages_fast(uaddr, ring->nr, FOLL_WRITE | FOLL_LONGTERM, ring->pages);

	return got == ring->nr ? 0 : -EFAULT;
}

void toy_ring_unmap(struct toy_ring *ring)
{
	int i;

	for (i = 0; i < ring->nr; i++)
		put_page(ring->pages[i]);
}

int toy_peek_page(unsigned long uaddr, u8 *out)
{
	struct page *page;
	void *kaddr;

	if (get_user_pages_fast(uaddr, 1, 0, &page) != 1)
		return -EFAULT;
	kaddr = kmap_local_page(page);
	*out = *(u8 *)(kaddr + offset_in_page(uaddr));
	kunmap_local(kaddr);
	unpin_user_page(page);
	return 0;
}
