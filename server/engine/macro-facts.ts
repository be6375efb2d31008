// What the build knows about macros when it compiles a file: `-D`/`-U` on the command line, the
// CONFIG_* options of the build's include/generated/autoconf.h (forced in by Kbuild's
// `-include include/linux/kconfig.h`), LINUX_VERSION_CODE from include/generated/uapi/linux/version.h.
// The views read those files (server/project/build-facts.ts); the engine only gets the values, so an
// analysis stays a pure function of text and options. A name the facts do not cover stays unknown
// (both `#if` arms are kept), and so does a name the file itself #defines or #undefs: where in the
// file it changes is not followed.

/** Plain data, so a scan can hand it to worker threads. */
export interface MacroFacts {
  /** Macros defined on the command line, with their replacement text (`-DX` is "1"). */
  defined: Readonly<Record<string, string>>;
  /** Macros undefined on the command line (`-UX`). */
  undefined?: readonly string[];
  /**
   * The CONFIG_* macros of the build's autoconf.h. When present, a CONFIG_* name it does not define
   * is undefined (Kconfig writes every option that is set; `=m` as CONFIG_X_MODULE).
   */
  config?: Readonly<Record<string, string>>;
}

/** Known undefined, defined with a replacement text, or unknown (undefined). */
export type MacroState = { defined: false } | { defined: true; value: string } | undefined;

/** The node types namesTheFileChanges() reads. */
export const PREPROC_NAME_NODES = ['preproc_def', 'preproc_function_def', 'preproc_call'];

interface NodeLike {
  type: string;
  text: string;
  childForFieldName(name: string): NodeLike | null;
}

/**
 * The names a file #defines or #undefs itself (`descendants` lists the file's preprocessor
 * definitions and calls): the build's facts about them are not trusted for that file.
 */
export function namesTheFileChanges(descendants: readonly NodeLike[]): Set<string> {
  const names = new Set<string>();
  for (const node of descendants) {
    if (node.type === 'preproc_call') {
      const m = /^#\s*undef\s+(\w+)/.exec(node.text);
      if (m) names.add(m[1]!);
      continue;
    }
    const name = node.childForFieldName('name')?.text;
    if (name) names.add(name);
  }
  return names;
}

/** The preprocessor's view of one file on one build: the target kernel and the macros the build fixes. */
export class PreprocEnv {
  /** LINUX_VERSION_CODE as a range when only the release series ("6.1") is known. */
  readonly versionRange: [number, number] | undefined;

  constructor(
    readonly kernel: string,
    private readonly facts?: MacroFacts,
    private readonly fileChanges: ReadonlySet<string> = new Set(),
  ) {
    const m = /^(\d+)\.(\d+)$/.exec(kernel);
    const base = m ? (Number(m[1]) << 16) + (Number(m[2]) << 8) : undefined;
    this.versionRange = base === undefined ? undefined : [base, base + 255];
  }

  /** What the build says of `name`: defined (with its text), undefined, or unknown. */
  lookup(name: string): MacroState {
    const facts = this.facts;
    if (!facts || this.fileChanges.has(name)) return undefined;
    if (Object.hasOwn(facts.defined, name)) return { defined: true, value: facts.defined[name]! };
    if (facts.undefined?.includes(name)) return { defined: false };
    if (facts.config && name.startsWith('CONFIG_')) {
      return Object.hasOwn(facts.config, name) ? { defined: true, value: facts.config[name]! } : { defined: false };
    }
    return undefined;
  }

  /** Whether the build fixes anything besides the kernel version. */
  get hasFacts(): boolean {
    return this.facts !== undefined;
  }
}
