// Character codes for the loops that read C text with charCodeAt() (c-lexer.ts, the scan's slicer).
export const TAB = 9;
export const NL = 10;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const APOSTROPHE = 39;
export const LPAREN = 40;
export const STAR = 42;
export const MINUS = 45;
export const DOT = 46;
export const SLASH = 47;
export const GT = 62;
export const BACKSLASH = 92;
export const RBRACE = 125;
