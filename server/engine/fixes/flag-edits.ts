// Minimal edits on FOLL_* flag expressions: remove a flag token, replace it, invert an if's
// condition. Every function returns offset edits on the original text and never reformats.
import type { OffsetEdit } from '../edits.js';
import { field, named, unwrap, type SyntaxNode } from '../syntax.js';

/** Offsets of whitespace (spaces, tabs, newlines) around a position. */
function skipSpaceBack(text: string, at: number): number {
  while (at > 0 && /\s/.test(text[at - 1]!)) at--;
  return at;
}
function skipSpaceForward(text: string, at: number): number {
  while (at < text.length && /\s/.test(text[at]!)) at++;
  return at;
}

/** The whole lines a statement occupies (with its newline) when nothing else shares them. */
export function wholeLines(text: string, start: number, end: number): OffsetEdit | undefined {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (text.slice(lineStart, start).trim() !== '') return undefined;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = text.length;
  if (text.slice(end, lineEnd).trim() !== '') return undefined;
  let removeEnd = Math.min(lineEnd + 1, text.length);
  // Removing a block between two blank lines would leave two blank lines: take one with it.
  const prevBlank = lineStart >= 2 && text[lineStart - 1] === '\n' && text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1).trim() === '';
  const nextLineEnd = text.indexOf('\n', removeEnd);
  const nextBlank = nextLineEnd >= 0 && text.slice(removeEnd, nextLineEnd).trim() === '';
  if (prevBlank && nextBlank) removeEnd = nextLineEnd + 1;
  return { start: lineStart, end: removeEnd, newText: '' };
}

/** A statement, removed with its lines; if it is an if's only consequence, the if goes too. */
export function removeStatement(text: string, statement: SyntaxNode): OffsetEdit {
  let target = statement;
  for (;;) {
    const parent = target.parent;
    if (!parent) break;
    if (parent.type === 'compound_statement' && named(parent).filter((c) => c.type !== 'comment').length === 1 && parent.parent?.type === 'if_statement') {
      target = parent;
      continue;
    }
    if (parent.type === 'if_statement' && field(parent, 'consequence')?.id === target.id && !field(parent, 'alternative')) {
      target = parent;
      continue;
    }
    break;
  }
  return wholeLines(text, target.startIndex, target.endIndex) ?? { start: target.startIndex, end: target.endIndex, newText: ';' };
}

/**
 * Removes one FOLL_* token (given by offsets) from the expression it sits in:
 * `A | X | B` loses `X` and one `|`; `x |= X;` loses the statement; anything else (`= X`, an
 * argument, a ternary arm) becomes `0`. `node` is the token's node when it is in the file's tree;
 * without it (a token inside a macro's value) the same is done on the text alone.
 */
export function removeFlagToken(text: string, start: number, end: number, node?: SyntaxNode): OffsetEdit {
  if (node) {
    let n = node;
    while (n.parent?.type === 'parenthesized_expression' && named(n.parent).length === 1) n = n.parent;
    const parent = n.parent;
    if (parent?.type === 'binary_expression' && (field(parent, 'operator')?.text === '|' || field(parent, 'operator')?.text === '+')) {
      const left = field(parent, 'left')!;
      const right = field(parent, 'right')!;
      if (right.id === n.id) return { start: left.endIndex, end: n.endIndex, newText: '' };
      return { start: n.startIndex, end: right.startIndex, newText: '' };
    }
    if (parent?.type === 'assignment_expression' && field(parent, 'right')?.id === n.id && ['|=', '+='].includes(field(parent, 'operator')?.text ?? '')) {
      if (parent.parent?.type === 'expression_statement') return removeStatement(text, parent.parent);
    }
    return { start: n.startIndex, end: n.endIndex, newText: '0' };
  }
  // Text only: look for a `|` on either side.
  const before = skipSpaceBack(text, start);
  if (text[before - 1] === '|' && text[before - 2] !== '|') return { start: skipSpaceBack(text, before - 1), end, newText: '' };
  const after = skipSpaceForward(text, end);
  if (text[after] === '|' && text[after + 1] !== '|' && text[after + 1] !== '=') return { start, end: skipSpaceForward(text, after + 1), newText: '' };
  return { start, end, newText: '0' };
}

/** Edits that negate an if's parenthesized condition as simply as the text allows. */
export function invertCondition(condition: SyntaxNode): OffsetEdit[] {
  const inner = unwrap(condition);
  if (inner.type === 'unary_expression' && field(inner, 'operator')?.text === '!') {
    const operator = field(inner, 'operator')!;
    const argument = field(inner, 'argument')!;
    // `!x` -> `x`, `!(a && b)` -> `a && b` when the parentheses are the condition's own.
    if (argument.type === 'parenthesized_expression' && inner.parent?.id === condition.id && condition.type === 'parenthesized_expression')
      return [{ start: operator.startIndex, end: argument.startIndex + 1, newText: '' }, { start: argument.endIndex - 1, end: argument.endIndex, newText: '' }];
    return [{ start: operator.startIndex, end: argument.startIndex, newText: '' }];
  }
  if (inner.type === 'binary_expression') {
    const operator = field(inner, 'operator')!;
    const swap: Record<string, string> = { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };
    const to = swap[operator.text];
    if (to) return [{ start: operator.startIndex, end: operator.endIndex, newText: to }];
  }
  if (['identifier', 'field_expression', 'call_expression', 'subscript_expression'].includes(inner.type))
    return [{ start: inner.startIndex, end: inner.startIndex, newText: '!' }];
  return [
    { start: inner.startIndex, end: inner.startIndex, newText: '!(' },
    { start: inner.endIndex, end: inner.endIndex, newText: ')' },
  ];
}

/** The if statement whose only effect is `x |= TOKEN;`, when the token sits in one. */
export function guardingIf(token: SyntaxNode): { ifNode: SyntaxNode; condition: SyntaxNode } | undefined {
  let n = token;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const assignment = n.parent;
  if (assignment?.type !== 'assignment_expression' || field(assignment, 'right')?.id !== n.id) return undefined;
  if (field(assignment, 'operator')?.text !== '|=') return undefined;
  let statement: SyntaxNode | null = assignment.parent;
  if (statement?.type !== 'expression_statement') return undefined;
  if (statement.parent?.type === 'compound_statement' && named(statement.parent).filter((c) => c.type !== 'comment').length === 1) statement = statement.parent;
  const ifNode = statement?.parent;
  if (ifNode?.type !== 'if_statement' || field(ifNode, 'consequence')?.id !== statement!.id || field(ifNode, 'alternative')) return undefined;
  const condition = field(ifNode, 'condition');
  return condition ? { ifNode, condition } : undefined;
}

/** The ternary whose arm is the token (through parentheses), with the other arm. */
export function ternaryArm(token: SyntaxNode): { ternary: SyntaxNode; other: SyntaxNode } | undefined {
  let n = token;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const t = n.parent;
  if (t?.type !== 'conditional_expression') return undefined;
  const consequence = field(t, 'consequence');
  const alternative = field(t, 'alternative');
  if (consequence?.id === n.id && alternative) return { ternary: t, other: alternative };
  if (alternative?.id === n.id && consequence) return { ternary: t, other: consequence };
  return undefined;
}

function isOr(n: SyntaxNode | null | undefined): boolean {
  return !!n && n.type === 'binary_expression' && ['|', '+'].includes(field(n, 'operator')?.text ?? '');
}

/** Climbs from a token through its own parentheses. */
function outer(n: SyntaxNode): SyntaxNode {
  while (n.parent?.type === 'parenthesized_expression' && named(n.parent).length === 1) n = n.parent;
  return n;
}

/** The operands of an `a | b | c` chain, left to right (parenthesized operands stay whole). */
function operands(n: SyntaxNode): SyntaxNode[] {
  if (!isOr(n)) return [n];
  return [...operands(field(n, 'left')!), ...operands(field(n, 'right')!)];
}

/**
 * Removes several flag tokens at once without overlapping edits: tokens in one `a | b | c` chain
 * go together (a run of removed operands takes the operators around it once; a chain that loses
 * every operand is removed as a whole, as one token would be).
 */
export function removeFlagTokens(text: string, tokens: { loc: { start: number; end: number }; node?: SyntaxNode }[]): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  const removed = new Set<number>(); // node ids
  const chains = new Map<number, SyntaxNode>();
  for (const t of tokens) {
    if (!t.node) {
      edits.push(removeFlagToken(text, t.loc.start, t.loc.end));
      continue;
    }
    removed.add(t.node.id);
    let n = outer(t.node);
    while (n.parent && isOr(n.parent)) n = n.parent;
    chains.set(n.id, n);
  }
  const gone = (n: SyntaxNode): boolean => {
    const inner = unwrap(n);
    if (removed.has(inner.id)) return true;
    return isOr(inner) && operands(inner).every(gone);
  };
  const edit = (chain: SyntaxNode) => {
    if (!isOr(chain)) {
      if (gone(chain)) edits.push(removeFlagToken(text, chain.startIndex, chain.endIndex, chain));
      return;
    }
    const ops = operands(chain);
    if (ops.every(gone)) {
      edits.push(removeFlagToken(text, chain.startIndex, chain.endIndex, outer(chain)));
      return;
    }
    for (let i = 0; i < ops.length; ) {
      if (!gone(ops[i]!)) {
        // A kept operand may be a parenthesized chain that loses some of its own operands.
        const inner = unwrap(ops[i]!);
        if (isOr(inner) && operands(inner).some(gone)) edit(inner);
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < ops.length && gone(ops[j + 1]!)) j++;
      if (j + 1 < ops.length) edits.push({ start: ops[i]!.startIndex, end: ops[j + 1]!.startIndex, newText: '' });
      else edits.push({ start: ops[i - 1]!.endIndex, end: ops[j]!.endIndex, newText: '' });
      i = j + 1;
    }
  };
  for (const chain of chains.values()) edit(chain);
  return edits;
}
