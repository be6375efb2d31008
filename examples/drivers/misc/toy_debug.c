// SPDX-License-Identifier: GPL-2.0
/*
 * toy_debug: debugger-style access to another process's memory, like ptrace and uprobes do.
 * FOLL_FORCE is meant for exactly this: no finding here.
 */
#include <linux/mm.h>
#include <linux/sched.h>

int toy_peek(struct task_struct *child, unsigned long addr, unsigned long *val)
{
	int copied;

	copied = access_process_vm(child, addr, val, sizeof(*val), FOLL_FORCE);
	return copied == sizeof(*val) ? 0 : -EIO;
}

int toy_poke(struct task_struct *child, unsigned long addr, unsigned long val)
{
	int copied;

	copied = access_process_vm(child, addr, &val, sizeof(val),
				   FOLL_FORCE | FOLL_WRITE);
	return copied == sizeof(val) ? 0 : -EIO;
}

/* Read the original instruction at a breakpoint, uprobes-style: a short-term reference. */
int toy_read_insn(struct mm_struct *mm, unsigned long vaddr, struct page **page)
{
	unsigned int gup_flags = FOLL_FORCE;
	long got;

	got = get_user_pages_remote(mm, vaddr, 1, gup_flags, page, NULL, NULL);
	if (got <= 0)
		return got ? got : -EFAULT;
	return 0;
}
