/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOY_PIN_H
#define _TOY_PIN_H

#include <linux/mm.h>

/* Pin a user buffer the device only reads, for as long as the descriptor lives. */
static inline long toy_pin_readonly(unsigned long start, unsigned long n, struct page **pages)
{
#ifdef CONFIG_TOY_PIN_FAST
	return pin_user_pages_fast(start, n, FOLL_LONGTERM, pages);
#else
	return pin_user_pages_unlocked(start, n, pages, 0);
#endif
}

#endif /* _TOY_PIN_H */
