// Path globs for `.pinsight.json`'s `ignore`, gitignore-like: `*` and `?` within a path segment,
// `**` across segments; a pattern without `/` matches a name at any depth; a pattern matches a
// directory's whole contents too ("drivers/staging" ignores everything below it).
export function globToRegExp(glob: string): RegExp {
  let pattern = glob.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  const anchored = pattern.includes('/');
  pattern = pattern.replace(/^\//, '');
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${out}(?:/.*)?$`);
}

/** Whether `relativePath` ('/'-separated, relative to the project's root) matches any glob. */
export function matchesAny(relativePath: string, globs: readonly RegExp[]): boolean {
  return globs.some((g) => g.test(relativePath));
}
