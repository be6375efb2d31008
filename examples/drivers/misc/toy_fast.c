// SPDX-License-Identifier: GPL-2.0
/* toy_fast: flags the entry points refuse. */
#include <linux/mm.h>

int toy_fast_prefault(unsigned long start, int n, struct page **pages)
{
	/* GUP-fast cannot wait: FOLL_NOWAIT is not on its allow-list. */
	return get_user_pages_fast(start, n, FOLL_WRITE | FOLL_NOWAIT, pages);
}

long toy_unlocked_longterm(unsigned long start, unsigned long n, struct page **pages)
{
	/* On 6.1, *_unlocked() refuses FOLL_LONGTERM (it accepts it from 6.3 on). */
	return pin_user_pages_unlocked(start, n, pages, FOLL_LONGTERM | FOLL_WRITE);
}

int toy_legacy_write(unsigned long start, int direction, struct page **page)
{
	/* Written for the pre-4.9 `int write` argument: FOLL_WRITE only because FOLL_WRITE is 1. */
	return get_user_pages_fast(start, 1, direction != DMA_TO_DEVICE, page);
}
