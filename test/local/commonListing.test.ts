/** The List request shape SageMaker's list operations share, on plain items. */
import { listCommon, type CommonListing } from "../../helpers/local/sagemaker/commonListing";
import { Validator } from "../../helpers/local/sagemaker/validation";

interface Item {
  name: string;
  created: number;
  modified: number;
  status: string;
}

const items: Item[] = [
  { name: "b-job", created: 100, modified: 400, status: "Completed" },
  { name: "a-job", created: 200, modified: 300, status: "Failed" },
  { name: "c-other", created: 300, modified: 200, status: "Completed" },
];

const withStatus: CommonListing<Item> = {
  name: (i) => i.name,
  creationTime: (i) => i.created,
  lastModifiedTime: (i) => i.modified,
  status: { of: (i) => i.status, values: ["Completed", "Failed"] },
  defaultSortOrder: "Ascending",
};
const nameAndTimeOnly: CommonListing<Item> = {
  name: (i) => i.name,
  creationTime: (i) => i.created,
  defaultSortOrder: "Descending",
};

const names = (raw: Record<string, unknown>, listing: CommonListing<Item>) =>
  listCommon(new Validator(), raw, items, listing).page.map((i) => i.name);

test("filters by name, status and both time windows, sorts by the requested key", () => {
  expect(names({}, withStatus)).toEqual(["b-job", "a-job", "c-other"]);
  expect(names({ NameContains: "JOB" }, withStatus)).toEqual(["b-job", "a-job"]);
  expect(names({ StatusEquals: "Completed", SortBy: "Name" }, withStatus)).toEqual([
    "b-job",
    "c-other",
  ]);
  expect(names({ CreationTimeAfter: 100, LastModifiedTimeBefore: 400 }, withStatus)).toEqual([
    "a-job",
    "c-other",
  ]);
  expect(names({ SortBy: "Status", SortOrder: "Descending" }, withStatus)).toEqual([
    "a-job",
    "c-other",
    "b-job",
  ]);
});

test("resources without a status or modification time: default order, no Status sort", () => {
  expect(names({}, nameAndTimeOnly)).toEqual(["c-other", "a-job", "b-job"]);
  expect(() => names({ SortBy: "Status" }, nameAndTimeOnly)).toThrow(
    /sortBy.*\[Name, CreationTime\]/,
  );
  expect(() => names({ StatusEquals: "Bogus" }, withStatus)).toThrow(/statusEquals/);
});

test("pages with a token bound to the same filters", () => {
  const first = listCommon(new Validator(), { MaxResults: 2 }, items, withStatus);
  expect(first.page.map((i) => i.name)).toEqual(["b-job", "a-job"]);
  const second = listCommon(
    new Validator(),
    { MaxResults: 2, NextToken: first.nextToken },
    items,
    withStatus,
  );
  expect(second.page.map((i) => i.name)).toEqual(["c-other"]);
  expect(second.nextToken).toBeUndefined();
  expect(() =>
    listCommon(
      new Validator(),
      { MaxResults: 2, NextToken: first.nextToken, NameContains: "job" },
      items,
      withStatus,
    ),
  ).toThrow(/pagination token/);
});
