/**
 * The request shape most SageMaker List operations share — NameContains, the CreationTime window,
 * SortBy, SortOrder, MaxResults/NextToken, and for resources with a status and a modification
 * time also StatusEquals, SortBy Status and the LastModifiedTime window — validated, filtered,
 * sorted and paged in one place, so every such operation (training and processing jobs, models,
 * endpoint configs, endpoints, monitoring schedules) behaves alike.
 */
import { inWindow, paginate, sortBy, type SortOrder } from "./paging";
import { PATTERNS, validatePaging, type Validator } from "./validation";
import { readTimestamp } from "./wire";

export interface CommonListing<T> {
  name: (item: T) => string | undefined;
  creationTime: (item: T) => number | undefined;
  /** Resources with a status (jobs, endpoints, schedules): StatusEquals and SortBy Status. */
  status?: {
    of: (item: T) => string | undefined;
    /** Valid StatusEquals values. */
    values: readonly string[];
  };
  /** Resources that record modifications: the LastModifiedTime window. */
  lastModifiedTime?: (item: T) => number | undefined;
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
  const status = listing.status;
  if (status) v.oneOf(raw.StatusEquals, "StatusEquals", status.values);
  v.oneOf(
    raw.SortBy,
    "SortBy",
    status ? ["Name", "CreationTime", "Status"] : ["Name", "CreationTime"],
  );
  v.oneOf(raw.SortOrder, "SortOrder", ["Ascending", "Descending"]);
  validatePaging(v, raw);
  v.done();
  const createdAfter = readTimestamp(raw.CreationTimeAfter, "creationTimeAfter");
  const createdBefore = readTimestamp(raw.CreationTimeBefore, "creationTimeBefore");
  const modified = listing.lastModifiedTime;
  const modifiedAfter =
    modified && readTimestamp(raw.LastModifiedTimeAfter, "lastModifiedTimeAfter");
  const modifiedBefore =
    modified && readTimestamp(raw.LastModifiedTimeBefore, "lastModifiedTimeBefore");
  const contains = (raw.NameContains as string | undefined)?.toLowerCase();
  const statusEquals = status && (raw.StatusEquals as string | undefined);
  const matching = items.filter(
    (item) =>
      inWindow(listing.creationTime(item), createdAfter, createdBefore) &&
      (!modified || inWindow(modified(item), modifiedAfter, modifiedBefore)) &&
      (!contains || (listing.name(item) ?? "").toLowerCase().includes(contains)) &&
      (!statusEquals || status.of(item) === statusEquals) &&
      (listing.matches?.(item) ?? true),
  );
  const sorted = sortBy(
    matching,
    (item) =>
      raw.SortBy === "Name"
        ? listing.name(item)
        : raw.SortBy === "Status" && status
          ? status.of(item)
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
