// Coccinelle baseline for `npm run bench`: FOLL_FORCE reaching a GUP/PUP entry point, either
// written in the call's arguments or assigned to (or or-ed into) a variable that is then passed.
// Run: spatch --very-quiet --sp-file scripts/bench/foll-force-gup.cocci --dir TREE -j 2
// Prints one "file:line: callee" per match.

@direct@
identifier gup =~ "^(get|pin)_user_pages(_fast|_fast_only|_remote|_unlocked|_locked)?$";
position p;
@@
 gup@p(..., <+... FOLL_FORCE ...+>, ...)

@viavar@
identifier gup =~ "^(get|pin)_user_pages(_fast|_fast_only|_remote|_unlocked|_locked)?$";
expression flags, E;
position p;
@@
(
 flags = <+... FOLL_FORCE ...+>;
|
 flags |= <+... FOLL_FORCE ...+>;
)
 ... when != flags = E
 gup@p(..., <+... flags ...+>, ...)

@viadecl@
identifier gup =~ "^(get|pin)_user_pages(_fast|_fast_only|_remote|_unlocked|_locked)?$";
identifier flags;
type T;
expression E;
position p;
@@
 T flags = <+... FOLL_FORCE ...+>;
 ... when != flags = E
 gup@p(..., <+... flags ...+>, ...)

@script:python depends on direct@
p << direct.p;
gup << direct.gup;
@@
print("%s:%s: %s" % (p[0].file, p[0].line, gup))

@script:python depends on viavar@
p << viavar.p;
gup << viavar.gup;
@@
print("%s:%s: %s" % (p[0].file, p[0].line, gup))

@script:python depends on viadecl@
p << viadecl.p;
gup << viadecl.gup;
@@
print("%s:%s: %s" % (p[0].file, p[0].line, gup))
