// The names of pinsight's own requests, as the client sends them. Their shapes are
// protocol/requests.ts, which the client imports with `import type` only (ARCHITECTURE.md: the
// client never imports server code), so its bundle carries nothing of the server; the literal
// types make a misspelt name a type error.
import type { SimulateMethod, TargetKernelMethod } from '../protocol/requests.js';

export const TARGET_KERNEL_REQUEST: TargetKernelMethod = 'pinsight/targetKernel';
export const SIMULATE_REQUEST: SimulateMethod = 'pinsight/simulate';
