/**
 * The request shape most SageMaker List operations share — NameContains, StatusEquals, the
 * CreationTime/LastModifiedTime windows, SortBy Name | CreationTime | Status, SortOrder,
 * MaxResults/NextToken — validated, filtered, sorted and paged in one place, so every such
 * operation (training jobs, processing jobs, endpoints, monitoring schedules) behaves alike.
 */
import { inWindow, paginate, sortBy, type SortOrder } from "./paging";
import { PATTERNS, validatePaging, type Validator } from "./validation";
import { readTimestamp } from "./wire";

export interface CommonListing<T> {
  name: (item: T) => string | undefined;
  status: (item: T) => string | undefined;
  /** Valid StatusEquals values. */
  statuses: readonly string[];
  creationTime: (item: T) => number | undefined;
  lastModifiedTime: (item: T) => number | undefined;
  /** SageMaker's default differs per operation (jobs ascend, endpoints and schedules descend). */
  defaultSortOrder: SortOrder;
  /** The operation's own filters beyond the common ones (validated by the caller). */
  matches?: (item: T) => boolean;
}

/**
 * Validates the common members (adding to the caller's validator, then reporting everything at
 * once), and returns the requested page of `items` and the next token.
 */
export function listCommon<T>(
  v: Validator,
  raw: Record<string, unknown>,
  items: T[],
  listing: CommonListing<T>,
): { page: T[]; nextToken?: string } {
  v.string(raw.NameContains, "NameContains", { max: 63, pattern: PATTERNS.nameContains });
  v.oneOf(raw.StatusEquals, "StatusEquals", listing.statuses);
  v.oneOf(raw.SortBy, "SortBy", ["Name", "CreationTime", "Status"]);
  v.oneOf(raw.SortOrder, "SortOrder", ["Ascending", "Descending"]);
  validatePaging(v, raw);
  v.done();
  const createdAfter = readTimestamp(raw.CreationTimeAfter, "creationTimeAfter");
  const createdBefore = readTimestamp(raw.CreationTimeBefore, "creationTimeBefore");
  const modifiedAfter = readTimestamp(raw.LastModifiedTimeAfter, "lastModifiedTimeAfter");
  const modifiedBefore = readTimestamp(raw.LastModifiedTimeBefore, "lastModifiedTimeBefore");
  const contains = (raw.NameContains as string | undefined)?.toLowerCase();
  const status = raw.StatusEquals as string | undefined;
  const matching = items.filter(
    (item) =>
      inWindow(listing.creationTime(item), createdAfter, createdBefore) &&
      inWindow(listing.lastModifiedTime(item), modifiedAfter, modifiedBefore) &&
      (!contains || (listing.name(item) ?? "").toLowerCase().includes(contains)) &&
      (!status || listing.status(item) === status) &&
      (listing.matches?.(item) ?? true),
  );
  const sorted = sortBy(
    matching,
    (item) =>
      raw.SortBy === "Name"
        ? listing.name(item)
        : raw.SortBy === "Status"
          ? listing.status(item)
          : listing.creationTime(item),
    (raw.SortOrder as SortOrder | undefined) ?? listing.defaultSortOrder,
    (item) => listing.name(item) ?? "",
  );
  const { MaxResults, NextToken, ...query } = raw;
  return paginate(
    sorted,
    { MaxResults: MaxResults as number | undefined, NextToken: NextToken as string | undefined },
    query,
  );
}
