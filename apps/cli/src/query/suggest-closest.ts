/**
 * The candidate closest to a mistyped value (`shiped` → `shipped`), for "did you mean" hints, or
 * undefined when nothing is close enough to be a plausible typo.
 */
export function suggestClosest(value: string, candidates: readonly string[]): string | undefined {
  const needle = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = needle.length <= 3 ? 1 : Math.max(2, Math.floor(needle.length / 3));
  if (best !== undefined && bestDistance <= tolerance) return best;
  // A prefix ("compl") is a plausible abbreviation even when the distance is large.
  return candidates.find((candidate) => needle.length >= 3 && candidate.startsWith(needle));
}

/** Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment). */
function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table: number[][] = Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
  for (let row = 0; row < rows; row++) table[row]![0] = row;
  for (let column = 0; column < columns; column++) table[0]![column] = column;
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let distance = Math.min(
        table[row - 1]![column]! + 1,
        table[row]![column - 1]! + 1,
        table[row - 1]![column - 1]! + cost,
      );
      if (
        row > 1 &&
        column > 1 &&
        left[row - 1] === right[column - 2] &&
        left[row - 2] === right[column - 1]
      ) {
        distance = Math.min(distance, table[row - 2]![column - 2]! + 1);
      }
      table[row]![column] = distance;
    }
  }
  return table[rows - 1]![columns - 1]!;
}
