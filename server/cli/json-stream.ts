// JSON.stringify(value, null, indent), made in parts as it is read: a scan of a file with 330,000
// calls prints 230 MB of JSON (issue 14), which whole is a string of that size, its copy with the
// unsafe characters escaped, and an object per call and finding besides. The objects and arrays
// of the top `depth` levels are made member by member (an array there may be any iterator, made
// as it is read); below that, each member is JSON.stringify's own text, indented where it sits.
// The bytes are JSON.stringify's (test/cli/json-stream.test.ts). The parts come from a generator,
// so that the writer can wait for a slow reader (a pipe) between them.

export interface JsonPartsOptions {
  /** Levels made member by member (default 2: the report's object and its arrays). */
  depth?: number;
  /** About how many characters a part holds (default 64 KB: V8's young generation takes them). */
  partSize?: number;
  /** Applied to each part (printable.ts's escapeRawInJson). */
  escape?: (part: string) => string;
}

const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** The text of JSON.stringify(value, null, indent), in parts of about `partSize` characters. */
export function* jsonParts(value: unknown, indent: number, options: JsonPartsOptions = {}): Generator<string> {
  const depth = options.depth ?? 2;
  const partSize = options.partSize ?? 64 * 1024;
  const escape = options.escape ?? ((s: string) => s);
  const gap = ' '.repeat(indent);
  let pending: string[] = [];
  let pendingSize = 0;

  // Yields a part once enough text is pending.
  function* emit(text: string): Generator<string> {
    pending.push(text);
    pendingSize += text.length;
    if (pendingSize >= partSize) yield* flush();
  }
  function* flush(): Generator<string> {
    if (pending.length > 0) yield escape(pending.join(''));
    pending = [];
    pendingSize = 0;
  }
  function* put(v: unknown, level: number, at: string): Generator<string> {
    if (level >= depth || v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      const text = JSON.stringify(v, null, indent);
      return yield* emit(at.length > 0 && text.includes('\n') ? text.replace(/\n/g, `\n${at}`) : text);
    }
    const inner = at + gap;
    // An array, or an iterator (a generator's): a Map or a Set is an object to JSON.stringify.
    const isList = Array.isArray(v) || (Symbol.iterator in v && typeof (v as { next?: unknown }).next === 'function');
    let first = true;
    const opening = () => {
      const text = first ? (isList ? '[' : '{') + (gap ? `\n${inner}` : '') : gap ? `,\n${inner}` : ',';
      first = false;
      return text;
    };
    if (isList) {
      for (const item of v as Iterable<unknown>) {
        yield* emit(opening());
        if (skipped(item)) yield* emit('null');
        else yield* put(item, level + 1, inner);
      }
      yield* emit(first ? '[]' : gap ? `\n${at}]` : ']');
    } else {
      for (const [key, item] of Object.entries(v)) {
        if (skipped(item)) continue;
        yield* emit(`${opening()}${JSON.stringify(key)}:${gap ? ' ' : ''}`);
        yield* put(item, level + 1, inner);
      }
      yield* emit(first ? '{}' : gap ? `\n${at}}` : '}');
    }
  }

  if (skipped(value)) return;
  yield* put(value, 0, '');
  yield* flush();
}

/** Writes jsonParts(value, indent, options) to `write`, one part at a time. */
export function writeJson(value: unknown, indent: number, write: (part: string) => void, options: JsonPartsOptions = {}): void {
  for (const part of jsonParts(value, indent, options)) write(part);
}
