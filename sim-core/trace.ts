// The trace: each decision the model takes, named after the kernel function it models, with
// gVisor-style state lines (VMA / PTE / PIN) where the state changed.

export interface TraceStep {
  /** the kernel function, e.g. 'gup_must_unshare()' */
  fn: string;
  /** what it decided, e.g. '-> true: non-anon page in a COW mapping, R/O FOLL_LONGTERM' */
  detail: string;
  /** where it lives, e.g. 'mm/internal.h gup_must_unshare() (6.12)' */
  kernelRef?: string;
  /** state lines after the step, e.g. 'PTE:     VA:0x7f0000000000 -> PA:0x5000 anon, exclusive (read-only)' */
  state?: string[];
}

/** Collects trace steps; a muted tracer counts what it drops (used for the 2nd..Nth page of a range). */
export class Tracer {
  readonly steps: TraceStep[] = [];
  private muted = 0;
  dropped = 0;
  constructor(readonly enabled = true) {}

  /** Records a step; `state` may be a function so that muted or disabled tracers never render it. */
  add(fn: string, detail: string, kernelRef?: string, state?: string[] | (() => string[])): void {
    if (!this.enabled) return;
    if (this.muted > 0) {
      this.dropped++;
      return;
    }
    const step: TraceStep = { fn, detail };
    if (kernelRef) step.kernelRef = kernelRef;
    const lines = typeof state === 'function' ? state() : state;
    if (lines && lines.length) step.state = lines;
    this.steps.push(step);
  }

  /** attaches state lines to the last step (if tracing and not muted) */
  state(lines: () => string[]): void {
    if (!this.enabled || this.muted > 0 || this.steps.length === 0) return;
    this.steps[this.steps.length - 1]!.state = lines();
  }

  get active(): boolean {
    return this.enabled && this.muted === 0;
  }

  mute<T>(f: () => T): T {
    this.muted++;
    try {
      return f();
    } finally {
      this.muted--;
    }
  }
}

/** Formats a trace for a terminal: one line per step, state lines indented under it. */
export function formatTrace(steps: readonly TraceStep[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    out.push(`${s.fn} ${s.detail}${s.kernelRef ? `   [${s.kernelRef}]` : ''}`);
    for (const l of s.state ?? []) out.push(`    ${l}`);
  }
  return out;
}
