// JSON.stringify(value, null, indent), written in parts as it is made: a scan of a file with
// 330,000 calls prints 230 MB of JSON (issue 14), which whole is a string of that size, its copy
// with the unsafe characters escaped, and an object per call and finding besides. The objects and
// arrays of the top `depth` levels are written member by member (an array there may be any
// iterable, made as it is read); below that, each member is JSON.stringify's own text, indented
// where it sits. The bytes are JSON.stringify's (test/cli/json-stream.test.ts).

/** Writes `value` as JSON.stringify(value, null, indent) would give it, in parts of about `partSize` characters. */
export function writeJson(value: unknown, indent: number, write: (part: string) => void, options: { depth?: number; partSize?: number; escape?: (part: string) => string } = {}): void {
  const depth = options.depth ?? 2;
  // Parts small enough for V8's young generation: they die young, and cheaply.
  const partSize = options.partSize ?? 64 * 1024;
  const escape = options.escape ?? ((s: string) => s);
  const gap = ' '.repeat(indent);
  let pending: string[] = [];
  let pendingSize = 0;
  const emit = (text: string) => {
    pending.push(text);
    pendingSize += text.length;
    if (pendingSize >= partSize) flush();
  };
  const flush = () => {
    if (pending.length > 0) write(escape(pending.join('')));
    pending = [];
    pendingSize = 0;
  };

  const leaf = (v: unknown, at: string) => {
    const text = JSON.stringify(v, null, indent);
    emit(at.length > 0 && text.includes('\n') ? text.replace(/\n/g, `\n${at}`) : text);
  };
  const put = (v: unknown, level: number, at: string) => {
    if (level >= depth || v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return leaf(v, at);
    const inner = at + gap;
    // An array, or an iterator (a generator's): a Map or a Set is an object to JSON.stringify.
    const isList = Array.isArray(v) || (Symbol.iterator in v && typeof (v as { next?: unknown }).next === 'function');
    let first = true;
    const member = () => {
      emit(first ? (isList ? '[' : '{') + (gap ? `\n${inner}` : '') : gap ? `,\n${inner}` : ',');
      first = false;
    };
    if (isList) {
      for (const item of v as Iterable<unknown>) {
        member();
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') emit('null');
        else put(item, level + 1, inner);
      }
      emit(first ? '[]' : gap ? `\n${at}]` : ']');
    } else {
      for (const [key, item] of Object.entries(v)) {
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        member();
        emit(`${JSON.stringify(key)}:${gap ? ' ' : ''}`);
        put(item, level + 1, inner);
      }
      emit(first ? '{}' : gap ? `\n${at}}` : '}');
    }
  };
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return;
  put(value, 0, '');
  flush();
}
