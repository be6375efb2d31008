// SPDX-License-Identifier: GPL-2.0
/*
 * toy_umem: registers a user buffer for a toy RDMA device. The buffer is pinned for as long as
 * the memory region lives; read-only regions used FOLL_FORCE to get a coherent pin.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

struct toy_umem {
	struct page **page_list;
	unsigned long npages;
	bool writable;
};

int toy_umem_pin(struct toy_umem *umem, unsigned long addr)
{
	unsigned int gup_flags = FOLL_WRITE;
	unsigned long done = 0;
	int pinned;

	if (!umem->writable)
		gup_flags |= FOLL_FORCE;

	while (done < umem->npages) {
		pinned = pin_user_pages_fast(addr + done * PAGE_SIZE,
					     umem->npages - done,
					     gup_flags | FOLL_LONGTERM,
					     umem->page_list + done);
		if (pinned < 0) {
			unpin_user_pages(umem->page_list, done);
			return pinned;
		}
		done += pinned;
	}
	return 0;
}

void toy_umem_release(struct toy_umem *umem)
{
	unpin_user_pages_dirty_lock(umem->page_list, umem->npages, umem->writable);
}
