// The order the Files tab lists a run's files in.

/**
 * Paths in tree order, part by part, with hidden names (`.looplab/`, Looplab's job logs) after the
 * others, so the files a run wrote come first.
 */
export function comparePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index]!;
    const y = right[index]!;
    if (x === y) continue;
    const hidden = Number(x.startsWith('.')) - Number(y.startsWith('.'));
    return hidden !== 0 ? hidden : x.localeCompare(y);
  }
  return left.length - right.length;
}
