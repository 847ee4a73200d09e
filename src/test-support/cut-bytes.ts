/** The bytes cut at the given places (any order, repeats and ends allowed), as chunks of the same type. */
export function cut<T extends Uint8Array>(bytes: T, places: number[]): T[] {
  const ends = [...new Set(places.map((place) => place % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: T[] = [];
  let start = 0;
  for (const end of [...ends, bytes.length]) {
    chunks.push(bytes.subarray(start, end) as T);
    start = end;
  }
  return chunks;
}
