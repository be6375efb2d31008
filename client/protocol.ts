// The shapes of pinsight's own requests as the client reads them. The server defines them
// (server/lsp/custom-requests.ts, server/lsp/pin-outcomes.ts, sim-core's Snapshot); the client may
// not import server code (ARCHITECTURE.md), so it states the fields it uses, and
// test/lsp/client-protocol.test.ts checks that the server's types fit these.

export const TARGET_KERNEL_REQUEST = 'pinsight/targetKernel';
export const SIMULATE_REQUEST = 'pinsight/simulate';

export interface TargetKernelResult {
  kernel: string;
  source: 'setting' | 'project' | 'detected' | 'fallback';
  setting: string;
  note: string;
}

export interface PageView {
  id: string;
  kind: string;
  anon: boolean;
  exclusive: boolean | null;
  refcount: number;
  pincount: number;
}

export interface MappingView {
  process: string;
  va: string;
  level: 'pte' | 'pmd' | 'pud';
  state: 'present' | 'swap' | 'none';
  writable: boolean;
  /** PROT_NONE for NUMA hinting: the next access faults */
  protnone?: boolean;
  page: string | null;
}

export interface PinView {
  page: string;
  kind: 'FOLL_PIN' | 'FOLL_GET';
  va: string;
  stillMapped: boolean;
}

export interface Snapshot {
  after: string;
  mappings: MappingView[];
  pages: PageView[];
  pins: PinView[];
}

export type Verdict = 'coherent' | 'incoherent' | 'refused' | 'error';

export interface PathOutcome {
  verdict: Verdict;
  errno?: string;
  summary: string;
  trace: { fn: string; detail: string }[];
  drawing?: { snapshots: Snapshot[]; pinnedPage?: string };
}

export interface MemoryOutcome {
  memory: string;
  label: string;
  slow: PathOutcome;
  fast?: PathOutcome;
}

export interface SimulatedFlagSet {
  flags: string[];
  path?: string;
  outcomes: MemoryOutcome[];
  ignoredFlags: string[];
}

export interface SimulateResult {
  kernel: string;
  note: string;
  callee: string;
  fast: boolean;
  flagSets: SimulatedFlagSet[];
  /** The steps simulated after the pin (older servers: absent, one write). */
  then?: string[];
  /** The steps the view may ask for (`then` of the request), with what each does. */
  steps?: { name: string; description: string }[];
}
