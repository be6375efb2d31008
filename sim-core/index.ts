// sim-core's public API: an executed model of GUP, COW and pinning per kernel version.
export { SimError } from './errors.js';
export { type Behaviour, type BehaviourName, type KernelSpec, behaviours, behavioursFor, firstReleaseWith, kernelFor, ledgerNameOn } from './behaviours.js';
export { MEMORY_KINDS, type MemoryKindInfo, type Mapping } from './memory-kinds.js';
export { type TraceStep, formatTrace } from './trace.js';
export { type NameEra, type Rename, type SymbolName, nameLedger } from './kernel-names.js';
export {
  type ScenarioInput,
  type ScenarioResult,
  type Snapshot,
  type PageView,
  type MappingView,
  type PinView,
  THEN_STEPS,
  CHECKED_STEPS,
  SIM_APIS,
  simulate,
} from './scenario.js';
export { type CowRow, type CowResult, type CowTableOptions, cowTable, defaultThpSizesKb } from './cow-tests.js';
export { FOLL_FLAGS, GUP_APIS } from './gup.js';
export {
  type KnownTree,
  KNOWN_TREES,
  OLDEST_RELEASE,
  compareReleases,
  isVersion,
  newestRelease,
  outsideKnownRange,
  releaseOf,
} from './version.js';
