// SPDX-License-Identifier: GPL-2.0
/*
 * pinsight's own scenario program for the kernel-truth runs: what a FOLL_LONGTERM pin holds after
 * the steps `pinsight simulate --then` models (madv-dontneed, mprotect-none, mremap, munmap,
 * swapin, munmap-page, munmap-neighbour), on a real kernel.
 *
 * Each case maps memory, writes 0x11 to it, pins one page through the GUP test harness
 * (/sys/kernel/debug/gup_test, PIN_LONGTERM_TEST_START with or without
 * PIN_LONGTERM_TEST_FLAG_USE_WRITE and _USE_FAST: pin_user_pages{,_fast}(FOLL_LONGTERM[|FOLL_WRITE])),
 * does the steps, lets the process write 0x22 to the page it now has at that place, and reads
 * the pinned page back through the pin (PIN_LONGTERM_TEST_READ).
 *
 *   ok      the pin reads what the process sees there (sim-core: verdict "coherent")
 *   not ok  it does not (sim-core: "incoherent")
 *   SKIP    the case could not be set up (no THP, no swap)
 *
 * `not ok` is an observation, not a failure of the program: it exits 0 and prints kselftest's
 * "# Totals:" line (fail = the `not ok` rows) without a bail-out.
 *
 * Output is TAP in the selftests' 6.x form: a "# [RUN] <test> ... with <memory>" line, then the
 * result line. <test> names the pin and the steps exactly as `simulate --then` takes them:
 * "R/W longterm GUP-fast pin, then madv-dontneed, write", memory "thp (private)".
 *
 * Built statically (build-scenarios.sh) against the 6.12 tree's mm/gup_test.h; 6.1 gets the
 * PIN_LONGTERM_TEST ioctls carried in at kernel build time (carry-harness.mjs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "mm/gup_test.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif

#define PAGE 4096UL
#define OLD 0x11
#define NEW 0x22

static size_t pmd_size;
static int gup_fd = -1;
static int test_nr, n_pass, n_fail, n_skip;
static bool swap_on;

enum memory { ANON, THP, MEMFD };
static const char *const memory_name[] = { "anon (private)", "thp (private)", "memfd (shared)" };

/* A step list, named as `simulate --then` takes it. */
enum steps { DONTNEED, MPROTECT_NONE, MREMAP, MUNMAP, SWAPIN, MUNMAP_PAGE, MUNMAP_NEIGHBOUR };
static const char *const steps_name[] = {
	"madv-dontneed, write",
	"mprotect-none, mprotect-rw, write",
	"mremap, write",
	"munmap",
	"swapin, write",
	"munmap-page",
	"munmap-neighbour, write",
};

struct area {
	char *reserved;		/* what to munmap at the end */
	size_t reserved_len;
	char *start;		/* the mapping the steps act on */
	size_t len;
	char *page;		/* the pinned page */
	int fd;
};

static void result(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++test_nr);
	if (ok)
		n_pass++;
	else
		n_fail++;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void skip(const char *why)
{
	printf("ok %d # SKIP %s\n", ++test_nr, why);
	n_skip++;
	fflush(stdout);
}

/* AnonHugePages of the VMA that starts at addr, in kB (/proc/self/smaps), or -1. */
static long anon_huge_kb(void *addr)
{
	char line[256];
	unsigned long from, to;
	long kb = -1;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &from, &to) == 2)
			in = from == (unsigned long)addr;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* pagemap entry of addr: bit 63 present, bit 62 swapped. */
static uint64_t pagemap(void *addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd >= 0) {
		if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)addr / PAGE) * sizeof(e)) != sizeof(e))
			e = 0;
		close(fd);
	}
	return e;
}

/* An address aligned to `align` with `len` bytes reserved (PROT_NONE) there. */
static char *reserve(size_t len, size_t align, char **base, size_t *base_len)
{
	char *p = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	*base_len = len + align;
	return (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
}

static const char *setup(enum memory m, struct area *a)
{
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	switch (m) {
	case ANON:
		a->start = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a->start == MAP_FAILED)
			return "mmap failed";
		a->reserved = a->start;
		a->reserved_len = a->len = PAGE;
		break;
	case THP:
		/* one PMD-aligned, PMD-sized MADV_HUGEPAGE mapping (as sim-core's "thp": a PMD-mapped THP) */
		a->start = reserve(pmd_size, pmd_size, &a->reserved, &a->reserved_len);
		if (!a->start)
			return "mmap failed";
		if (mmap(a->start, pmd_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			return "mmap failed";
		a->len = pmd_size;
		if (madvise(a->start, pmd_size, MADV_HUGEPAGE))
			return "MADV_HUGEPAGE failed";
		break;
	case MEMFD:
		a->fd = memfd_create("pinsight-scenario", 0);
		if (a->fd < 0 || ftruncate(a->fd, PAGE))
			return "memfd_create failed";
		a->start = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
		if (a->start == MAP_FAILED)
			return "mmap of the memfd failed";
		a->reserved = a->start;
		a->reserved_len = a->len = PAGE;
		break;
	}
	memset(a->start, OLD, a->len);
	if (m == THP && anon_huge_kb(a->start) < (long)(pmd_size / 1024))
		return "no PMD-mapped THP (AnonHugePages)";
	a->page = a->start;
	return NULL;
}

/* A control for the swapin rows: an unpinned anonymous page does go to swap here. */
static void swap_control(void)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t e;

	if (p == MAP_FAILED)
		return;
	memset(p, OLD, PAGE);
	madvise(p, PAGE, MADV_PAGEOUT);
	e = pagemap(p);
	printf("# [INFO] control: an unpinned anonymous page after MADV_PAGEOUT is %s\n",
	       e >> 63 ? "present" : (e >> 62) & 1 ? "swapped out" : "not mapped");
	munmap(p, PAGE);
}

static void teardown(struct area *a)
{
	if (a->reserved)
		munmap(a->reserved, a->reserved_len);
	if (a->fd >= 0)
		close(a->fd);
}

/* Maps a new anonymous page at addr (what the process gets after munmap). */
static bool remap_anon(char *addr, size_t len)
{
	return mmap(addr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED;
}

/* Runs the steps; returns where the pinned page's address is now, or NULL (the reason in *why). */
static char *do_steps(enum steps s, struct area *a, const char **why)
{
	volatile char sink;
	char *dest, *base;
	size_t base_len;
	uint64_t e;

	switch (s) {
	case DONTNEED:
		if (madvise(a->start, a->len, MADV_DONTNEED))
			return *why = "MADV_DONTNEED failed", NULL;
		sink = *a->page;	/* sim-core's madv-dontneed step reads the page again */
		break;
	case MPROTECT_NONE:
		if (mprotect(a->start, a->len, PROT_NONE) || mprotect(a->start, a->len, PROT_READ | PROT_WRITE))
			return *why = "mprotect failed", NULL;
		break;
	case MREMAP:
		dest = reserve(a->len, pmd_size, &base, &base_len);
		if (!dest)
			return *why = "mmap failed", NULL;
		if (mremap(a->start, a->len, a->len, MREMAP_MAYMOVE | MREMAP_FIXED, dest) == MAP_FAILED) {
			munmap(base, base_len);
			return *why = "mremap failed", NULL;
		}
		/* the old range is gone; free what is left of the new reservation at the end */
		if (a->reserved != a->start) {
			if (a->start > a->reserved)
				munmap(a->reserved, a->start - a->reserved);
			if (a->reserved + a->reserved_len > a->start + a->len)
				munmap(a->start + a->len, a->reserved + a->reserved_len - (a->start + a->len));
		}
		a->reserved = base;
		a->reserved_len = base_len;
		a->page = dest + (a->page - a->start);
		a->start = dest;
		break;
	case MUNMAP:
		/* the whole mapping; the process then maps new memory at the same address */
		if (munmap(a->start, a->len) || !remap_anon(a->start, a->len))
			return *why = "munmap/mmap failed", NULL;
		break;
	case SWAPIN:
		if (!swap_on)
			return *why = "no swap", NULL;
		if (madvise(a->start, a->len, MADV_PAGEOUT))
			return *why = "MADV_PAGEOUT failed", NULL;
		e = pagemap(a->page);
		printf("# pagemap after MADV_PAGEOUT: the pinned page is %s\n",
		       e >> 63 ? "present" : (e >> 62) & 1 ? "swapped out" : "not mapped");
		sink = *a->page;	/* fault it back in where it was swapped out */
		break;
	case MUNMAP_PAGE:
		/* one 4 KiB page of the PMD-mapped THP: the pinned one */
		if (munmap(a->page, PAGE) || !remap_anon(a->page, PAGE))
			return *why = "munmap/mmap failed", NULL;
		break;
	case MUNMAP_NEIGHBOUR:
		/* one 4 KiB page of the PMD-mapped THP next to the pinned one */
		if (a->page + PAGE >= a->start + a->len || munmap(a->page + PAGE, PAGE))
			return *why = "munmap failed", NULL;
		break;
	}
	(void)sink;
	return a->page;
}

static void run(enum memory m, enum steps s, bool rw, bool fast)
{
	char test[160];
	struct pin_longterm_test args;
	struct area a;
	const char *why;
	char *page;
	static char pinned[PAGE];
	uint64_t to = (uintptr_t)pinned;

	snprintf(test, sizeof(test), "%s longterm %s pin, then %s", rw ? "R/W" : "R/O", fast ? "GUP-fast" : "GUP", steps_name[s]);
	printf("# [RUN] %s ... with %s\n", test, memory_name[m]);
	fflush(stdout);
	why = setup(m, &a);
	if (why) {
		skip(why);
		teardown(&a);
		return;
	}
	args.addr = (uintptr_t)a.page;
	args.size = PAGE;
	args.flags = (rw ? PIN_LONGTERM_TEST_FLAG_USE_WRITE : 0) | (fast ? PIN_LONGTERM_TEST_FLAG_USE_FAST : 0);
	if (ioctl(gup_fd, PIN_LONGTERM_TEST_START, &args)) {
		result(false, "PIN_LONGTERM_TEST_START failed (%s)", strerror(errno));
		teardown(&a);
		return;
	}
	page = do_steps(s, &a, &why);
	if (!page) {
		if (!strcmp(why, "no swap"))
			skip(why);
		else
			result(false, "%s (%s)", why, strerror(errno));
	} else {
		memset(page, NEW, PAGE);
		if (ioctl(gup_fd, PIN_LONGTERM_TEST_READ, &to)) {
			result(false, "PIN_LONGTERM_TEST_READ failed (%s)", strerror(errno));
		} else {
			bool same = !memcmp(pinned, page, PAGE);

			result(same, "%s", same ? "the pin reads what the process sees" :
			       pinned[0] == OLD ? "the pin still holds the old page" : "the pin and the process see different data");
		}
	}
	if (ioctl(gup_fd, PIN_LONGTERM_TEST_STOP))
		printf("# PIN_LONGTERM_TEST_STOP failed (%s)\n", strerror(errno));
	teardown(&a);
}

int main(void)
{
	static const enum steps anon_steps[] = { DONTNEED, MPROTECT_NONE, MREMAP, MUNMAP, SWAPIN };
	static const enum steps thp_steps[] = { DONTNEED, MPROTECT_NONE, MREMAP, MUNMAP, SWAPIN, MUNMAP_PAGE, MUNMAP_NEIGHBOUR };
	static const enum steps memfd_steps[] = { DONTNEED, MPROTECT_NONE, MREMAP };
	static const struct { enum memory m; const enum steps *s; int n; } plan[] = {
		{ ANON, anon_steps, sizeof(anon_steps) / sizeof(anon_steps[0]) },
		{ THP, thp_steps, sizeof(thp_steps) / sizeof(thp_steps[0]) },
		{ MEMFD, memfd_steps, sizeof(memfd_steps) / sizeof(memfd_steps[0]) },
	};
	unsigned long v;
	int total = 0, i, j, k;
	FILE *f;
	char line[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	pmd_size = f && fscanf(f, "%lu", &v) == 1 ? v : 2UL << 20;
	if (f)
		fclose(f);
	printf("# [INFO] detected PMD size: %zu KiB\n", pmd_size / 1024);
	f = fopen("/proc/swaps", "r");
	while (f && fgets(line, sizeof(line), f))
		if (line[0] == '/')
			swap_on = true;
	if (f)
		fclose(f);
	printf("# [INFO] swap: %s\n", swap_on ? "on" : "off");
	if (swap_on)
		swap_control();
	gup_fd = open("/sys/kernel/debug/gup_test", O_RDWR);
	for (i = 0; i < 3; i++)
		total += plan[i].n * 4;
	printf("1..%d\n", total);
	if (gup_fd < 0) {
		printf("Bail out! /sys/kernel/debug/gup_test: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < 3; i++)
		for (j = 0; j < plan[i].n; j++)
			for (k = 0; k < 4; k++)
				run(plan[i].m, plan[i].s[j], k & 1, k & 2);
	/* kselftest's totals line; "not ok" rows are observations, not failures of the program: exit 0 */
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n", n_pass, n_fail, n_skip);
	return 0;
}
