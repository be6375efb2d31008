// The simulation view's HTML: for the call at the cursor, per flag set and memory kind, SVG drawings
// of the process page table, the pinned page and what the later write does (after setup, after the
// pin, after the write), with sim-core's trace beside them. Pure: no VS Code API, so tests render
// it in node. Theme colours come from VS Code's CSS variables; the CSP allows no script at all and
// only the nonce'd style block.
import type { MemoryOutcome, PathOutcome, SimulatedFlagSet, SimulateResult, Snapshot } from '../../protocol/requests.js';
import { arrow, box, el, esc, text } from './svg.js';

export interface RenderOptions {
  /** A fresh random nonce per render, for the style block. */
  nonce: string;
}

const VERDICT: Record<PathOutcome['verdict'], string> = {
  coherent: 'coherent',
  incoherent: 'incoherent',
  refused: 'refused',
  error: 'model error',
};

export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'none'; script-src 'none'; font-src 'none'; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'`;
}

export function renderSimulation(result: SimulateResult, { nonce }: RenderOptions): string {
  const body = [
    el('h1', {}, esc(`${result.callee}() on Linux ${result.kernel}`)),
    el('p', { class: 'note' }, esc(`${result.note}. Each memory kind is mapped privately, pinned as this call pins it, then ${stepsText(result.then)}. Open a kind to see the page table and the pinned page after each step.`)),
    el('ul', { class: 'overview' }, ...result.flagSets.map((set) => el('li', {}, esc(overview(set))))),
    // Flag sets whose pin is not coherent somewhere come first; they keep their numbers.
    ...ordered(result.flagSets).map(([set, i]) =>
      el(
        'section',
        { class: 'flagset' },
        el('h2', {}, esc(`${result.flagSets.length > 1 ? `Flag set ${i + 1}: ` : ''}${set.flags.join(' | ') || '0'}${set.path ? `  (${set.path})` : ''}`)),
        set.ignoredFlags.length > 0 ? el('p', { class: 'note' }, esc(`Not modelled, left out: ${set.ignoredFlags.join(', ')}`)) : '',
        ...set.outcomes.map((o) => memorySection(o, result.fast, openByDefault(set.outcomes, o), `s${i}-${o.memory}`)),
      ),
    ),
  ];
  if (result.flagSets.length === 0) body.push(el('p', {}, 'No flag set could be resolved for this call.'));
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(nonce))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>pinsight: ${esc(result.callee)}</title>`,
    `<style nonce="${esc(nonce)}">${STYLE}</style>`,
    `</head><body>${body.join('')}</body></html>`,
  ].join('\n');
}

/** The steps after the pin, as the note says them ("written to by the process" for the default). */
function stepsText(then: readonly string[] | undefined): string {
  if (!then || (then.length === 1 && then[0] === 'write')) return 'written to by the process';
  return `the process does: ${then.join(' → ')}`;
}

function ordered(sets: readonly SimulatedFlagSet[]): [SimulatedFlagSet, number][] {
  const troubled = (set: SimulatedFlagSet) => set.outcomes.some((o) => o.slow.verdict !== 'coherent' || (o.fast && o.fast.verdict !== 'coherent'));
  const numbered = sets.map((set, i): [SimulatedFlagSet, number] => [set, i]);
  return [...numbered.filter(([s]) => troubled(s)), ...numbered.filter(([s]) => !troubled(s))];
}

/** One line per flag set: which memory kinds the pin does not stay coherent for. */
function overview(set: SimulatedFlagSet): string {
  const name = `${set.flags.join(' | ') || '0'}${set.path ? ` (${set.path})` : ''}`;
  const bad = set.outcomes.filter((o) => o.slow.verdict !== 'coherent' || (o.fast && o.fast.verdict !== 'coherent'));
  if (bad.length === 0) return `${name}: coherent for every memory kind`;
  return `${name}: not coherent for ${bad.map((o) => o.label).join(', ')}`;
}

/** The kinds whose drawing is open at first: the shared zeropage, and whatever is not coherent. */
function openByDefault(all: readonly MemoryOutcome[], o: MemoryOutcome): boolean {
  const bad = all.filter((x) => x.slow.verdict !== 'coherent');
  if (bad.length > 0) return (bad.find((x) => x.memory === 'shared-zeropage') ?? bad[0]) === o;
  return o.memory === 'shared-zeropage';
}

function memorySection(o: MemoryOutcome, fast: boolean, open: boolean, key: string): string {
  const paths: [string, PathOutcome][] = [['slow path', o.slow]];
  if (fast && o.fast) paths.push(['GUP-fast', o.fast]);
  const summary = el(
    'summary',
    {},
    el('span', { class: 'kind' }, esc(o.label)),
    ...paths.map(([name, p]) => el('span', { class: `verdict ${p.verdict}` }, esc(`${name}: ${VERDICT[p.verdict]}${p.errno ? ` ${p.errno}` : ''}`))),
  );
  const details = paths.map(([name, p], j) =>
    el(
      'div',
      { class: 'path' },
      el('h3', {}, esc(name)),
      el('p', {}, esc(p.summary)),
      el('div', { class: 'row' }, el('div', { class: 'drawing' }, drawing(p, `${key}-${j}`)), el('pre', { class: 'trace' }, esc(p.trace.map((s) => `${s.fn} ${s.detail}`).join('\n')))),
    ),
  );
  return el('details', { class: 'memory', ...(open ? { open: 'open' } : {}) }, summary, ...details);
}

const BOX_W = 140;
const BOX_H = 50;
/** Pages stand right of the mappings and pins that point at them. */
const PAGE_X = 8 + BOX_W + 40;
const PANEL_W = PAGE_X + BOX_W + 24;

/**
 * The snapshots one under the other (setup, pin, then each later step), so the drawing fits a
 * view beside the editor. `key` makes the SVG's ids unique.
 */
export function drawing(p: PathOutcome, key: string): string {
  const snapshots = p.drawing?.snapshots ?? [];
  if (snapshots.length === 0) return el('p', { class: 'note' }, 'No state to draw (the model stopped before mapping anything).');
  const heights = snapshots.map((s) => 30 + Math.max(s.mappings.length + s.pins.length, s.pages.length, 1) * (BOX_H + 14));
  const tops = heights.map((_, i) => heights.slice(0, i).reduce((a, b) => a + b, 0));
  const height = heights.reduce((a, b) => a + b, 0);
  const width = PANEL_W;
  return el(
    'svg',
    { class: 'state', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `page table and pins, ${snapshots.map((s) => s.after).join(', ')}` },
    el('defs', {}, marker(`arrow-${key}`, 'arrow'), marker(`arrow-bad-${key}`, 'arrow-bad')),
    ...snapshots.map((s, i) => el('g', { transform: `translate(0,${tops[i]})` }, panel(s, p.drawing?.pinnedPage, key))),
  );
}

function marker(id: string, cls: string): string {
  return el('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', class: cls }, el('path', { d: 'M0,0 L10,5 L0,10 z' }));
}

function panel(s: Snapshot, pinnedPage: string | undefined, key: string): string {
  const x0 = 0;
  const parts = [text(x0 + 8, 18, `after ${s.after}`, { class: 'heading' })];
  const pageY = new Map<string, number>();
  s.pages.forEach((pg, i) => {
    const y = 30 + i * (BOX_H + 14);
    pageY.set(pg.id, y + BOX_H / 2);
    const flags = [pg.anon ? (pg.exclusive ? 'anon, exclusive' : 'anon, shared') : pg.kind, `refs ${pg.refcount} pins ${pg.pincount}`];
    const pinned = pg.id === pinnedPage && s.pins.some((pin) => pin.page === pg.id);
    parts.push(box(x0 + PAGE_X, y, BOX_W, BOX_H, [pg.id, ...flags], `page${pinned ? ' pinned' : ''}`));
  });
  let row = 0;
  for (const m of s.mappings) {
    const y = 30 + row++ * (BOX_H + 14);
    const state = m.state === 'present' ? (m.protnone ? 'PROT_NONE (NUMA hint)' : m.writable ? 'writable' : 'read-only') : m.state;
    parts.push(box(x0 + 8, y, BOX_W, BOX_H, [`${m.process} ${m.level.toUpperCase()}`, m.va, state], `mapping ${m.state}`));
    const target = m.page ? pageY.get(m.page) : undefined;
    if (target !== undefined) parts.push(arrow(x0 + 8 + BOX_W, y + BOX_H / 2, x0 + PAGE_X - 2, target, 'map', `arrow-${key}`));
  }
  for (const pin of s.pins) {
    const y = 30 + row++ * (BOX_H + 14);
    parts.push(box(x0 + 8, y, BOX_W, BOX_H, [`driver ${pin.kind}`, pin.va, pin.stillMapped ? 'still mapped' : 'STALE: not mapped'], `pin${pin.stillMapped ? '' : ' bad'}`));
    const target = pageY.get(pin.page);
    if (target !== undefined) parts.push(arrow(x0 + 8 + BOX_W, y + BOX_H / 2, x0 + PAGE_X - 2, target, pin.stillMapped ? 'pinline' : 'pinline bad', pin.stillMapped ? `arrow-${key}` : `arrow-bad-${key}`));
  }
  return el('g', { class: 'panel' }, ...parts);
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.5em; } h3 { font-size: 1em; margin: 0.6em 0 0.2em; }
.note { color: var(--vscode-descriptionForeground); }
details.memory { border: 1px solid var(--vscode-panel-border); border-radius: 4px; margin: 4px 0; padding: 2px 8px; }
summary { cursor: pointer; }
summary .kind { display: inline-block; min-width: 12em; font-weight: 600; }
.verdict { margin-right: 1.5em; }
.verdict.coherent { color: var(--vscode-charts-green); }
.verdict.incoherent, .verdict.error { color: var(--vscode-charts-red); }
.verdict.refused { color: var(--vscode-charts-orange); }
.row { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.drawing { flex: 0 0 auto; }
pre.trace { flex: 1 1 30em; }
ul.overview li { margin: 2px 0; }
pre.trace { font-family: var(--vscode-editor-font-family); font-size: 0.9em; background: var(--vscode-textCodeBlock-background); padding: 6px; margin: 0; max-width: 60em; overflow-x: auto; white-space: pre-wrap; }
svg.state text { fill: var(--vscode-foreground); font-family: var(--vscode-editor-font-family); font-size: 11px; }
svg.state text.heading { font-weight: 600; }
svg.state text.detail { fill: var(--vscode-descriptionForeground); }
svg.state rect { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-panel-border); }
svg.state .page.pinned rect { stroke: var(--vscode-charts-blue); stroke-width: 2; }
svg.state .pin rect { stroke: var(--vscode-charts-blue); stroke-dasharray: 4 2; }
svg.state .pin.bad rect { stroke: var(--vscode-charts-red); }
svg.state path.map { stroke: var(--vscode-foreground); fill: none; }
svg.state path.pinline { stroke: var(--vscode-charts-blue); fill: none; stroke-dasharray: 4 2; }
svg.state path.pinline.bad { stroke: var(--vscode-charts-red); }
svg.state marker.arrow path { fill: var(--vscode-foreground); }
svg.state marker.arrow-bad path { fill: var(--vscode-charts-red); }
`;
