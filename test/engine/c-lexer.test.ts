// The C lexer shared by the comment-run guard, the slicer and the project index: where comments,
// literals and preprocessor directives are. Its comments must be tree-sitter's (the slicer drops
// what it takes for a comment), so the tricky cases are checked against the parser itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCParser, type SyntaxNode } from '../../server/engine/parser.js';
import { commentRuns, inCommentOrLiteral, lexC, preprocessorLines, spanKind, forEachCommentOrLiteral } from '../../server/engine/c-lexer.js';

function spans(text: string): [string, string][] {
  const found: [string, string][] = [];
  forEachCommentOrLiteral(text, (start, end) => found.push([spanKind(text, start), text.slice(start, end)]));
  return found;
}

test('comments and literals, with their kinds; a // inside a string is no comment', () => {
  const text = 'int a = 1; /* b\n c */ char *s = "x // y \\" z"; char c = \'"\'; // end\n';
  assert.deepEqual(spans(text), [
    ['block-comment', '/* b\n c */'],
    ['string', '"x // y \\" z"'],
    ['char', "'\"'"],
    ['line-comment', '// end'],
  ]);
  const lexed = lexC(text);
  assert.ok(inCommentOrLiteral(lexed, text.indexOf(' c */')));
  assert.ok(!inCommentOrLiteral(lexed, text.indexOf('char')));
  assert.deepEqual(lexed.multiLine, [[0, 1]]);
  assert.deepEqual([...lexed.startsInSpan], [0, 1, 0]);
});

test('a // comment ends where tree-sitter ends it: a backslash before the line break continues it, after another backslash too', async () => {
  const parser = await loadCParser();
  for (const text of [
    'int f(void)\n{\n\t// one \\\n\tg(1);\n\th(2);\n}\n',
    'int f(void)\n{\n\t// two \\\\\n\tg(1);\n\th(2);\n}\n',
    'int f(void)\r\n{\r\n\t// crlf \\\\\r\n\tg(1);\r\n\th(2);\r\n}\r\n',
    'int f(void)\n{\n\t// none \\ x\n\tg(1);\n}\n',
    'int f(void)\n{\n\tg("// \\"", \'/\'); /* a */ /**/ h(); //\n}\n',
  ]) {
    const tree = parser.parse(text);
    const comments: string[] = [];
    const walk = (n: SyntaxNode) => {
      if (n.type === 'comment') comments.push(n.text);
      for (const c of n.children) if (c) walk(c);
    };
    walk(tree.rootNode);
    tree.delete();
    assert.deepEqual(spans(text).filter(([kind]) => kind.endsWith('comment')).map(([, t]) => t), comments, JSON.stringify(text));
  }
});

test('comment runs: comments with only blanks and backslash-newlines between; code or a literal ends a run', () => {
  const text = '/* a */ // b\n\t/* c */ \\\n/* d */ x; /* e */ "s" /* f */\n';
  assert.deepEqual(
    commentRuns(text).map((r) => r.comments.map((c) => text.slice(c.start, c.end))),
    [['/* a */', '// b', '/* c */', '/* d */'], ['/* e */'], ['/* f */']],
  );
  const [first] = commentRuns(text);
  assert.equal(text.slice(first!.start, first!.end), '/* a */ // b\n\t/* c */ \\\n/* d */');
});

test('preprocessor lines: directive, name, offsets and lines, past continuations and comments they open', () => {
  const text = [
    '#include <linux/mm.h>',
    '  #  include "internal.h"',
    '#define FOLL_X \\',
    '\t(FOLL_WRITE | \\',
    '\t FOLL_FORCE)',
    '#ifdef CONFIG_MMU /* a comment',
    '   that goes on */',
    'int x; # not a directive',
    '#endif',
    '/*',
    '#define IN_A_COMMENT 1',
    '*/',
    '#undef FOLL_X',
    '#',
    '#if defined(A) && B',
  ].join('\n');
  const found = preprocessorLines(text);
  assert.deepEqual(
    found.map(({ directive, name, firstLine, lastLine }) => ({ directive, name, firstLine, lastLine })),
    [
      { directive: 'include', name: '<linux/mm.h>', firstLine: 0, lastLine: 0 },
      { directive: 'include', name: '"internal.h"', firstLine: 1, lastLine: 1 },
      { directive: 'define', name: 'FOLL_X', firstLine: 2, lastLine: 4 },
      { directive: 'ifdef', name: 'CONFIG_MMU', firstLine: 5, lastLine: 6 },
      { directive: 'endif', name: undefined, firstLine: 8, lastLine: 8 },
      { directive: 'undef', name: 'FOLL_X', firstLine: 12, lastLine: 12 },
      { directive: '', name: undefined, firstLine: 13, lastLine: 13 },
      { directive: 'if', name: undefined, firstLine: 14, lastLine: 14 },
    ],
  );
  for (const line of found) assert.equal(line.text, text.slice(line.start, line.end));
  assert.equal(found[2]!.text, '#define FOLL_X \\\n\t(FOLL_WRITE | \\\n\t FOLL_FORCE)');
  assert.equal(found[1]!.start, text.indexOf('#  include'));
  assert.equal(found.at(-1)!.end, text.length);
  // The same answer from text and from a lexed file; CRLF line ends are not part of a line.
  assert.deepEqual(preprocessorLines(lexC(text)), found);
  assert.deepEqual(preprocessorLines('#define A 1\r\n#define B 2\r\n').map((l) => l.text), ['#define A 1', '#define B 2']);
});
