// Small SVG builders with escaping: the simulation view draws with these and nothing else.

export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v!)}"`)
    .join('');
}

export function el(name: string, a: Attrs, ...children: string[]): string {
  return children.length === 0 ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children.join('')}</${name}>`;
}

export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, esc(content));
}

/** A box with up to three lines of text. */
export function box(x: number, y: number, w: number, h: number, lines: string[], cls: string): string {
  return el(
    'g',
    { class: cls },
    el('rect', { x, y, width: w, height: h, rx: 4 }),
    ...lines.slice(0, 3).map((l, i) => text(x + 6, y + 15 + i * 14, l, { class: i === 0 ? 'title' : 'detail' })),
  );
}

/** A curved arrow from (x1,y1) to (x2,y2) ending in the marker with id `markerId`. */
export function arrow(x1: number, y1: number, x2: number, y2: number, cls: string, markerId: string): string {
  return el('path', { d: `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`, class: cls, 'marker-end': `url(#${markerId})` });
}
