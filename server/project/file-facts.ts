// The one question the views (and the project index) ask of the build: what are this file's facts?
// `factsForFile(path)` answers from the compile_commands.json the file's `.pinsight.json` names
// (`compileCommands`), else the nearest one at or above the file; undefined when no database lists
// it. Each database is read once per lookup object (the CLI makes one per run; the language server
// makes a new one when a compile_commands.json or .pinsight.json changes).
import { dirname, sep } from 'node:path';
import type { BuildFacts } from './build-facts.js';
import { HeaderReader } from './build-facts.js';
import { CompileDatabase, findCompileCommands } from './compile-commands.js';
import type { ProjectConfig } from './project-file.js';

export class BuildFactsLookup {
  private readonly databases = new Map<string, CompileDatabase | undefined>();
  private readonly byDir = new Map<string, string | undefined>();
  private readonly reader: HeaderReader;

  constructor(
    /** The project file governing a path (ProjectFiles.forPath), for its `compileCommands`. */
    private readonly projectOf: (path: string, isDirectory: boolean) => ProjectConfig | undefined,
    private readonly warn: (line: string) => void = () => {},
  ) {
    this.reader = new HeaderReader(warn);
  }

  /** The database that governs a file or directory (absolute), if any; read on first use. */
  databaseFor(path: string, isDirectory = false): CompileDatabase | undefined {
    const named = this.projectOf(path, isDirectory)?.compileCommands;
    const found = named ?? this.nearest(isDirectory ? path : dirname(path));
    return found ? this.load(found) : undefined;
  }

  /** Every file a database governing `root` lists under it, with its facts. */
  *factsUnder(root: string, isDirectory: boolean): Generator<[string, BuildFacts]> {
    const db = this.databaseFor(root, isDirectory);
    if (!db) return;
    const prefix = root.endsWith(sep) ? root : root + sep;
    for (const file of db.files()) {
      if (file !== root && !file.startsWith(prefix)) continue;
      const facts = db.factsFor(file);
      if (facts) yield [file, facts];
    }
  }

  private load(path: string): CompileDatabase | undefined {
    if (!path) return undefined;
    if (!this.databases.has(path)) this.databases.set(path, CompileDatabase.load(path, this.warn, this.reader));
    return this.databases.get(path);
  }

  /** The build's facts about one file (absolute path): defines, undefines, include paths, forced headers, kernel. */
  factsForFile(file: string): BuildFacts | undefined {
    return this.databaseFor(file)?.factsFor(file);
  }

  private nearest(dir: string): string | undefined {
    if (!this.byDir.has(dir)) this.byDir.set(dir, findCompileCommands(dir));
    return this.byDir.get(dir);
  }
}
