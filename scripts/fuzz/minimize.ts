// Delta debugging (ddmin) of a failing input: drop chunks of lines, then of bytes, as long as the
// failure stays. The result is the minimal input a regression test starts from.

/** The smallest input found (within `budget` attempts) for which `fails` still holds. */
export async function minimize(input: Buffer, fails: (candidate: Buffer) => Promise<boolean>, budget = 1500): Promise<Buffer> {
  let attempts = 0;
  const tryIt = async (candidate: Buffer) => attempts++ < budget && (await fails(candidate));
  let current = input;
  for (const unit of ['line', 'byte'] as const) {
    let parts = split(current, unit);
    let n = 2;
    while (parts.length >= 2 && attempts < budget) {
      const size = Math.ceil(parts.length / n);
      let reduced = false;
      for (let start = 0; start < parts.length; start += size) {
        const rest = [...parts.slice(0, start), ...parts.slice(start + size)];
        if (rest.length > 0 && (await tryIt(Buffer.concat(rest)))) {
          parts = rest;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (n >= parts.length) break;
        n = Math.min(parts.length, n * 2);
      }
    }
    current = Buffer.concat(parts);
  }
  return current;
}

function split(bytes: Buffer, unit: 'line' | 'byte'): Buffer[] {
  if (unit === 'byte') return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      out.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}
