// SPDX-License-Identifier: GPL-2.0
/* toy_capture: a frame grabber that DMAs one user frame, ivtv-style. */
#include <linux/mm.h>

struct toy_frame {
	unsigned long uaddr;
	int page_count;
	struct page *map[64];
};

int toy_capture_prepare(struct toy_frame *frame)
{
	long got;

	/* Pin user pages for the DMA transfer */
	got = pin_user_pages_unlocked(frame->uaddr, frame->page_count,
				      frame->map, FOLL_FORCE);
	if (got != frame->page_count) {
		if (got > 0)
			unpin_user_pages(frame->map, got);
		return -EFAULT;
	}
	return 0;
}
