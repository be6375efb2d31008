// The language server: wires the LSP features (each in its own module) to one connection over a
// shared document store. Transport from the command line: --stdio, --node-ipc or --socket=PORT.
import { basename, sep } from 'node:path';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import type { TargetKernelParams, TargetKernelResult } from '../../protocol/requests.js';
import { loadCParser, type CParser } from '../engine/parser.js';
import { PROJECT_FILE_NAME } from '../project/project-file.js';
import { COMPILE_COMMANDS } from '../project/compile-commands.js';
import { concernsText } from '../index/project-index.js';
import { Analyzer, kernelNote } from './analysis.js';
import { codeActionsFor } from './code-actions.js';
import { diagnosticsOf } from './diagnostics.js';
import { DocumentStore, pathOf, type OpenDocument } from './document-store.js';
import { hoverAt } from './hover.js';
import { requireDocument, requirePosition, requireRange, invalidParams } from './request-guards.js';
import { simulateAt, SIMULATE_REQUEST, TARGET_KERNEL_REQUEST } from './custom-requests.js';
import { checkSteps } from './simulation.js';
import { createScanHost } from './scan-host.js';
import { registerDocumentText } from './document-text.js';
import { WorkspaceScanner, type ScanProgress } from './workspace-scan.js';

export const SCAN_COMMAND = 'pinsight.scanWorkspace';

/** The longest a document's diagnostics wait for a stream of changes to it to pause. */
export const MAX_DEFER_MS = 250;
/** How long after the last change of a wrapper the files on disk that depend on it are analysed again. */
const INDEX_RESCAN_DELAY_MS = 300;

interface ClientSupport {
  configuration: boolean;
  dynamicConfiguration: boolean;
  workDoneProgress: boolean;
  documentChanges: boolean;
  workspaceFolders: boolean;
  watchedFiles: boolean;
}

/** Starts the language server on the transport given on the command line. */
export function startServer(): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const parserReady: Promise<CParser> = loadCParser();
  let store: DocumentStore | undefined;
  let roots: string[] = [];
  let support: ClientSupport = { configuration: false, dynamicConfiguration: false, workDoneProgress: false, documentChanges: false, workspaceFolders: false, watchedFiles: false };
  // A Makefile not read (a FIFO, a device, oversized) is a line in the log, never a wait.
  const analyzer = new Analyzer(() => roots, (line) => connection.console.warn(`pinsight: ${line}`));
  let scanner: WorkspaceScanner | undefined;
  let shownWarnings = new Set<string>();

  const docs = (): DocumentStore => {
    if (!store) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'pinsight: the server is not initialized');
    return store;
  };

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    store = new DocumentStore(await parserReady);
    roots = workspaceRoots(params);
    const caps = params.capabilities ?? {};
    support = {
      configuration: caps.workspace?.configuration === true,
      dynamicConfiguration: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      workDoneProgress: caps.window?.workDoneProgress === true,
      documentChanges: caps.workspace?.workspaceEdit?.documentChanges === true,
      workspaceFolders: caps.workspace?.workspaceFolders === true,
      watchedFiles: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    };
    // Settings passed at start-up (Neovim's init_options, for instance) count until the client sends others.
    applySettings((params.initializationOptions as { pinsight?: unknown } | undefined)?.pinsight);
    scanner = new WorkspaceScanner(createScanHost({ parser: await parserReady, analyzer, store, roots: () => roots, publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }) }));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        executeCommandProvider: { commands: [SCAN_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'pinsight', version: typeof __PINSIGHT_VERSION__ === 'string' ? __PINSIGHT_VERSION__ : undefined },
    };
  });

  connection.onInitialized(async () => {
    if (support.dynamicConfiguration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'pinsight' });
    }
    if (support.watchedFiles) {
      // A .pinsight.json written, changed or deleted changes what every file reports.
      // So does a compile_commands.json (the build's facts per file).
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${PROJECT_FILE_NAME}` }, { globPattern: `**/${COMPILE_COMMANDS}` }] });
    }
    if (support.workspaceFolders) {
      // Only callable after initialize, and only if the client sends these events.
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => pathOf(f.uri)));
        roots = [...roots.filter((r) => !removed.has(r)), ...event.added.map((f) => pathOf(f.uri)).filter((p): p is string => !!p)];
      });
    }
    if (support.configuration) applySettings(await fetchSettings());
    revalidateAll();
    // The project index first (calls through the project's wrappers), then the workspace scan with it.
    await buildIndex();
    if (analyzer.current.scanOnStartup) void runScan();
  });

  connection.onDidChangeWatchedFiles((params) => {
    if (!params.changes.some((c) => c.uri.endsWith(`/${PROJECT_FILE_NAME}`) || c.uri.endsWith(`/${COMPILE_COMMANDS}`))) return;
    analyzer.forgetProjectFiles();
    revalidateAll();
    if (analyzer.current.scanOnStartup && scanner) void runScan();
  });

  connection.onDidChangeConfiguration(async (params) => {
    const before = analyzer.current; // replaced whole by applySettings, never changed in place
    applySettings(support.configuration ? await fetchSettings() : (params.settings as { pinsight?: unknown } | null)?.pinsight);
    if (JSON.stringify(analyzer.current) === JSON.stringify(before)) return;
    revalidateAll();
    if (JSON.stringify(analyzer.current.includeDirs) !== JSON.stringify(before.includeDirs)) void buildIndex();
    if (analyzer.current.scanOnStartup && scanner) void runScan();
  });


  // --- documents -----------------------------------------------------------------------------
  // A document's diagnostics wait until the notifications already received have been read, so a
  // storm of didChange (a client replaying edits, a macro, a paste split in pieces) is one analysis
  // of the latest version, not one per change. vscode-jsonrpc handles one queued message per turn
  // of the event loop (setImmediate), so the document is published after a turn in which it did not
  // change: a lone edit waits one turn (microseconds). A stream that never pauses is still published
  // every MAX_DEFER_MS, or every few analyses' worth of time for a document that is slow to analyse.
  const pending = new Map<string, { handle: NodeJS.Immediate; changes: number; since: number }>();
  const analysisMs = new Map<string, number>();
  const schedule = (uri: string) => {
    const waiting = pending.get(uri);
    if (waiting) {
      waiting.changes++;
      return;
    }
    const entry = { handle: undefined as unknown as NodeJS.Immediate, changes: 0, since: performance.now() };
    let seen = -1;
    const turn = () => {
      const cap = Math.max(MAX_DEFER_MS, 4 * (analysisMs.get(uri) ?? 0));
      if (entry.changes !== seen && performance.now() - entry.since < cap) {
        seen = entry.changes;
        entry.handle = setImmediate(turn);
        return;
      }
      pending.delete(uri);
      const doc = store?.get(uri);
      if (doc) publish(doc);
    };
    entry.handle = setImmediate(turn);
    pending.set(uri, entry);
  };
  /** Documents told once that they are too large to analyse (until closed). */
  const toldTooLarge = new Set<string>();
  const publish = (doc: OpenDocument) => {
    try {
      const started = performance.now();
      const analysis = analyzer.analyze(doc);
      analysisMs.set(doc.uri, performance.now() - started);
      const diagnostics = diagnosticsOf(analysis.findings, doc.uri, analyzer.current);
      void connection.sendDiagnostics({ uri: doc.uri, version: doc.document.version, diagnostics });
      showProjectWarnings();
      const tooLarge = analyzer.tooLarge(doc.document.getText().length);
      if (tooLarge && !toldTooLarge.has(doc.uri)) {
        toldTooLarge.add(doc.uri);
        void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `pinsight: ${basename(doc.path ?? doc.uri)}: ${tooLarge}` });
      }
    } catch (e) {
      connection.console.error(`pinsight: analysing ${doc.uri} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  };
  const revalidateAll = () => {
    for (const doc of store?.all() ?? []) schedule(doc.uri);
  };
  // A wrapper that changed (a header edited) changes what its callers report, and new callers change
  // what a function wrapper's own call reports: the open documents concerned are analysed again at
  // once, the files on disk the workspace scan showed after a pause in the edits. Others keep theirs.
  let callerRescan: NodeJS.Timeout | undefined;
  const rescanLater = new Set<string>();
  analyzer.onIndexChange = (change) => {
    for (const doc of store?.all() ?? []) {
      if (doc.path !== change.origin && concernsText(change, doc.document.getText())) schedule(doc.uri);
    }
    if (!analyzer.current.scanOnStartup || !scanner) return;
    for (const path of analyzer.index.dependents(change)) rescanLater.add(path);
    clearTimeout(callerRescan);
    callerRescan = setTimeout(() => {
      const paths = [...rescanLater];
      rescanLater.clear();
      for (const path of paths) void scanner?.rescanFile(path);
    }, INDEX_RESCAN_DELAY_MS);
  };

  connection.onDidOpenTextDocument(({ textDocument: t }) => {
    docs().open(t.uri, t.languageId, t.version, t.text);
    schedule(t.uri);
  });
  connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) => {
    if (docs().change(t.uri, t.version ?? 0, contentChanges)) schedule(t.uri);
  });
  connection.onDidCloseTextDocument(({ textDocument: t }) => {
    docs().close(t.uri);
    toldTooLarge.delete(t.uri);
    analysisMs.delete(t.uri);
    const path = pathOf(t.uri);
    // With the workspace scan on, the file on disk is what the Problems panel shows once the
    // editor lets go of it; otherwise a closed file has no diagnostics.
    const scanned = path && analyzer.current.scanOnStartup && roots.some((r) => path.startsWith(r.endsWith(sep) ? r : r + sep));
    if (scanned && scanner) void scanner.rescanFile(path);
    else void connection.sendDiagnostics({ uri: t.uri, diagnostics: [] });
  });

  // --- requests --------------------------------------------------------------------------------
  connection.onHover((params) => {
    const doc = requireDocument(docs(), params);
    const position = requirePosition(doc.document, params.position);
    return hoverAt(doc, position, analyzer);
  });

  connection.onCodeAction((params) => {
    const doc = requireDocument(docs(), params);
    const range = requireRange(doc.document, params.range);
    return codeActionsFor(doc.uri, doc.document.version, analyzer.analyze(doc), { range, context: params.context }, { documentChanges: support.documentChanges, text: doc.document.getText() });
  });

  connection.onExecuteCommand(async (params) => {
    if (params.command !== SCAN_COMMAND) throw invalidParams(`unknown command ${params.command}`);
    return runScan();
  });

  connection.onRequest(TARGET_KERNEL_REQUEST, (params: TargetKernelParams | undefined): TargetKernelResult => {
    const uri: unknown = params?.textDocument?.uri;
    if (uri !== undefined && typeof uri !== 'string') throw invalidParams('textDocument.uri must be a string');
    const path = uri ? pathOf(uri) : undefined;
    const target = analyzer.targetKernel(path);
    return { ...target, setting: analyzer.current.kernel, note: kernelNote(target) };
  });

  connection.onRequest(SIMULATE_REQUEST, (params: unknown) => {
    const doc = requireDocument(docs(), params);
    const position = requirePosition(doc.document, (params as { position?: unknown }).position);
    const asked = (params as { then?: unknown }).then;
    const then = asked === undefined ? undefined : checkSteps(asked);
    if (typeof then === 'string') throw invalidParams(then);
    return simulateAt(doc, position, analyzer, then);
  });

  registerDocumentText(connection, docs, parserReady); // pinsight/documentText, for tests

  connection.onShutdown(() => {
    scanner?.cancel();
    clearTimeout(callerRescan);
    for (const { handle } of pending.values()) clearImmediate(handle);
    pending.clear();
    store?.dispose();
  });

  // --- settings and scan -----------------------------------------------------------------------
  async function fetchSettings(): Promise<unknown> {
    try {
      return await connection.workspace.getConfiguration('pinsight');
    } catch (e) {
      connection.console.warn(`pinsight: could not read settings: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** A `.pinsight.json` with bad content: one warning per file, as for a bad setting. */
  function showProjectWarnings(): void {
    for (const w of analyzer.takeProjectWarnings()) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `pinsight: ${w}` });
  }

  function applySettings(raw: unknown): void {
    const { warnings } = analyzer.updateSettings(raw);
    const next = new Set(warnings);
    // A notification, not showMessageRequest: nothing waits for the user to dismiss it.
    for (const w of warnings) if (!shownWarnings.has(w)) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: w });
    shownWarnings = next;
  }

  /** Builds the project index from the workspace; a failure leaves the editor working without it. */
  async function buildIndex(): Promise<void> {
    try {
      const built = await analyzer.buildIndex(await parserReady);
      connection.console.info(`pinsight: project index: ${built.wrappers} wrapper(s) of entry points, ${built.callers} file(s) calling them`);
    } catch (e) {
      connection.console.error(`pinsight: building the project index failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function runScan() {
    if (!scanner) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'pinsight: the server is not initialized');
    const reporter = support.workDoneProgress ? await connection.window.createWorkDoneProgress() : undefined;
    const progress: ScanProgress = {
      begin: (title, message) => reporter?.begin(title, 0, message, true),
      report: (percentage, message) => reporter?.report(percentage, message),
      done: () => reporter?.done(),
      get cancelled() {
        return reporter?.token.isCancellationRequested === true;
      },
    };
    const summary = await scanner.run(progress);
    showProjectWarnings();
    connection.console.info(`pinsight: scanned ${summary.files} C files (${summary.analysed} name an entry point, ${summary.withFindings} with findings)${summary.cancelled ? ', cancelled' : ''}`);
    return summary;
  }

  connection.listen();
  return connection;
}

declare const __PINSIGHT_VERSION__: string | undefined;

function workspaceRoots(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  return uris.map(pathOf).filter((p): p is string => !!p);
}
