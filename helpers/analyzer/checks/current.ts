/**
 * What the checks know about the analysed window: its statistics.json plus, when it was profiled
 * here, facts statistics.json does not carry (per-value type classes, exact value counts).
 */
import { ClassCounts } from "../profile/dataType";
import { Profile } from "../profile/profile";
import { toStatistics } from "../statistics";
import { CategoricalBucket, FeatureStatistics, Statistics } from "../types";

export interface CurrentData {
  statistics: Statistics;
  /** Per column (by position): how many present values fell in each type class. */
  classCounts?: ClassCounts[];
  /** Per column: every value with its count, when known exactly. */
  valueCounts?: Array<CategoricalBucket[] | undefined>;
}

export function currentDataFromProfile(
  profile: Profile,
  statistics = toStatistics(profile),
): CurrentData {
  return {
    statistics,
    classCounts: profile.columns.map((c) => ({ ...c.classes })),
    valueCounts: profile.columns.map((c) => c.distinct.entries()),
  };
}

/**
 * Class counts of a column when only its statistics are known (e.g. a statistics.json written by
 * SageMaker): every present value is taken to be of the column's inferred type.
 */
export function classCountsFromStatistics(f: FeatureStatistics): ClassCounts {
  const common = f.numerical_statistics?.common ?? f.string_statistics?.common;
  const present = common?.num_present ?? 0;
  const c: ClassCounts = {
    null: common?.num_missing ?? 0,
    fractional: 0,
    integral: 0,
    boolean: 0,
    string: 0,
  };
  if (f.inferred_type === "Integral") c.integral = present;
  else if (f.inferred_type === "Fractional") c.fractional = present;
  else if (f.inferred_type === "String") c.string = present;
  return c;
}

export function normalizeCurrent(current: CurrentData | Statistics): CurrentData {
  return "statistics" in current ? current : { statistics: current };
}
