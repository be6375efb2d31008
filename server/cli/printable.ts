// What the CLI prints comes partly from outside: file names, the text of a scanned file (in
// messages), a Makefile's path. A control character there (ESC starts a terminal escape sequence:
// it can rewrite the screen, set the window title, hide lines), a C1 control (U+009B is CSI to some
// terminals), a line or paragraph separator, or a bidirectional override (text shown in another
// order than it is) must not reach the terminal as itself. Text output shows them escaped; JSON
// escapes C0 controls already, and here the others too (the same string to a JSON reader).

// C0 and C1 controls, DEL, U+2028/U+2029, the bidirectional marks, embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string): string => {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
};

/** `text` with every control or direction-changing character written as \xNN or \u{NNNN}: one line, shown as it is. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** As printable(), but line breaks stay (lines that pinsight itself joined). */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escape);
}

// What JSON.stringify leaves raw: it escapes C0 controls in strings itself (a raw C0 in its output is
// the indentation's line break).
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with the characters JSON leaves raw (DEL, C1, U+2028/9, bidi controls) as \uNNNN. */
export function printableJson(value: unknown, indent?: number): string {
  return escapeRawInJson(JSON.stringify(value, null, indent));
}

/** JSON text (whole or any part of it) with the characters JSON leaves raw as \uNNNN. */
export function escapeRawInJson(json: string): string {
  // Outside strings JSON holds none of these characters, so the replacement only touches strings.
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
