/**
 * Listing helpers shared by the List* operations and Search: sort, time-window filters and
 * NextToken pagination.
 *
 * NextToken is opaque to clients; here it is base64 JSON `{ offset, query }` where `query` is a
 * fingerprint of the request's filters, so a token replayed with different filters is refused
 * the way AWS refuses it (ValidationException) instead of silently skipping results.
 */
import { createHash } from "node:crypto";
import { AwsError } from "../context";

export type SortOrder = "Ascending" | "Descending";

export interface PageRequest {
  MaxResults?: number;
  NextToken?: string;
}

function fingerprint(query: unknown): string {
  return createHash("sha256").update(JSON.stringify(query)).digest("hex").slice(0, 16);
}

/**
 * Returns one page of `items` (already filtered and sorted) and the token for the next one.
 * `query` is everything in the request except MaxResults/NextToken.
 */
export function paginate<T>(
  items: T[],
  request: PageRequest,
  query: unknown,
  defaultMaxResults = 10,
): { page: T[]; nextToken?: string } {
  const max = request.MaxResults ?? defaultMaxResults;
  const fp = fingerprint(query);
  let offset = 0;
  if (request.NextToken) {
    let decoded: { offset?: unknown; query?: unknown } | undefined;
    try {
      decoded = JSON.parse(Buffer.from(request.NextToken, "base64").toString("utf8"));
    } catch {
      decoded = undefined;
    }
    if (
      !decoded ||
      typeof decoded.offset !== "number" ||
      !Number.isInteger(decoded.offset) ||
      decoded.offset < 0 ||
      decoded.query !== fp
    ) {
      throw new AwsError(
        "ValidationException",
        "Invalid pagination token: pass the NextToken from the previous response of the same request unchanged.",
      );
    }
    offset = decoded.offset;
  }
  const page = items.slice(offset, offset + max);
  const next = offset + max;
  return {
    page,
    nextToken:
      next < items.length
        ? Buffer.from(JSON.stringify({ offset: next, query: fp })).toString("base64")
        : undefined,
  };
}

/** Orders by a key; undefined keys last; ties broken by `tieBreak` so pages are stable. */
export function sortBy<T>(
  items: T[],
  key: (item: T) => string | number | undefined,
  order: SortOrder,
  tieBreak: (item: T) => string,
): T[] {
  const sign = order === "Descending" ? -1 : 1;
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === undefined && kb !== undefined) return 1;
    if (kb === undefined && ka !== undefined) return -1;
    if (ka !== undefined && kb !== undefined && ka !== kb) {
      return (ka < kb ? -1 : 1) * sign;
    }
    const ta = tieBreak(a);
    const tb = tieBreak(b);
    return ta === tb ? 0 : (ta < tb ? -1 : 1) * sign;
  });
}

/** `CreationTimeAfter`-style window: after is exclusive and before is exclusive, as AWS documents. */
export function inWindow(time: number | undefined, after?: number, before?: number): boolean {
  if (time === undefined) return after === undefined && before === undefined;
  if (after !== undefined && !(time > after)) return false;
  if (before !== undefined && !(time < before)) return false;
  return true;
}
