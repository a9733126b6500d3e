/** The operations of issue 11 (item 1) that kept the gateway busy for seconds, for the e2e test and the benchmark. */

/** `levels` levels of fragments, each spreading the next two: 2^levels copies of `me { id }` once expanded. */
export function fragmentBomb(levels: number): string {
  const parts = ['query { ...F0 ...G0 }'];
  for (let i = 0; i < levels; i++) {
    parts.push(`fragment F${i} on Query { ...F${i + 1} ...G${i + 1} }`, `fragment G${i} on Query { ...F${i + 1} ...G${i + 1} }`);
  }
  parts.push(`fragment F${levels} on Query { me { id } }`, `fragment G${levels} on Query { me { id } }`);
  return parts.join('\n');
}

/** `count` aliases of one field in one operation. */
export const aliases = (count: number, field: string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

/** A hundred posts with a hundred comments each. */
export const POSTS_WITH_COMMENTS = 'posts(first: 100) { nodes { id title comments(first: 100) { nodes { id body } } } }';
