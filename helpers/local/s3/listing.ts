/**
 * S3's listing semantics, shared by ListObjectsV2 and ListObjects (v1): keys in UTF-8 binary
 * order after a start key, filtered by prefix, rolled up into CommonPrefixes at the delimiter,
 * each Contents entry and each CommonPrefix counting once toward MaxKeys
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 */
export interface ListingPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  last?: string;
}

export function listPage(
  sortedKeys: string[],
  options: { prefix: string; delimiter?: string; startAfter?: string; maxKeys: number },
): ListingPage {
  const { prefix, delimiter, startAfter, maxKeys } = options;
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let count = 0;
  const after = startAfter ?? "";
  // Binary search to the first key greater than the start key and not before the prefix.
  const from = compare(prefix, after) > 0 ? prefix : after;
  let index = lowerBound(sortedKeys, from);
  for (; index < sortedKeys.length; index++) {
    const key = sortedKeys[index];
    if (startAfter !== undefined && compare(key, startAfter) <= 0) continue;
    if (!key.startsWith(prefix)) {
      if (compare(key, prefix) > 0) break; // sorted: no later key can have the prefix
      continue;
    }
    let entry = key;
    let isPrefix = false;
    if (delimiter) {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) {
        entry = key.slice(0, at + delimiter.length);
        isPrefix = true;
        // A page that ended on this common prefix already returned it.
        if (startAfter !== undefined && compare(entry, startAfter) <= 0) continue;
        if (entry === commonPrefixes[commonPrefixes.length - 1]) continue;
      }
    }
    if (count === maxKeys) {
      return { keys, commonPrefixes, isTruncated: true, last };
    }
    if (isPrefix) commonPrefixes.push(entry);
    else keys.push(entry);
    last = entry;
    count++;
  }
  return { keys, commonPrefixes, isTruncated: false, last };
}

function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid], value) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
