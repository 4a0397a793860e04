import {
  Constraints,
  Statistics,
  checkViolations,
  currentDataFromProfile,
  driftReport,
  formatViolations,
  profileCsv,
  suggestConstraints,
  toStatistics,
} from "../../helpers/analyzer";

const HEADER = "label,x,cat,n";

function rows(count: number, make: (i: number) => string): string {
  return [HEADER, ...Array.from({ length: count }, (_, i) => make(i))].join("\n");
}

async function profileOf(text: string) {
  return profileCsv({ content: text }, { header: true, log: null });
}

let baselineStats: Statistics;
let baselineConstraints: Constraints;

beforeAll(async () => {
  const p = await profileOf(
    rows(400, (i) => `${i % 2},${(i % 100) / 10},${i % 3 ? "a" : "b"},${i % 7}`),
  );
  baselineStats = toStatistics(p);
  baselineConstraints = suggestConstraints(baselineStats);
});

describe("suggested constraints (spec §4)", () => {
  it("suggests types, completeness, non-negativity, domains and the analyzer's monitoring_config", () => {
    expect(baselineConstraints.features).toEqual([
      {
        name: "label",
        inferred_type: "Integral",
        completeness: 1,
        num_constraints: { is_non_negative: true },
      },
      {
        name: "x",
        inferred_type: "Fractional",
        completeness: 1,
        num_constraints: { is_non_negative: true },
      },
      {
        name: "cat",
        inferred_type: "String",
        completeness: 1,
        string_constraints: { domains: ["a", "b"] },
      },
      {
        name: "n",
        inferred_type: "Integral",
        completeness: 1,
        num_constraints: { is_non_negative: true },
      },
    ]);
    expect(baselineConstraints.monitoring_config).toEqual({
      evaluate_constraints: "Enabled",
      emit_metrics: "Enabled",
      datatype_check_threshold: 1.0,
      domain_content_threshold: 1.0,
      distribution_constraints: {
        perform_comparison: "Enabled",
        comparison_threshold: 0.1,
        comparison_method: "Robust",
      },
    });
  });

  it("no domain when more than 10 % of the categories occur once; is_non_negative false below 0", async () => {
    const p = await profileOf("s,v\na,-1\nb,2\nc,3\na,4");
    const c = suggestConstraints(toStatistics(p));
    expect(c.features[0].string_constraints).toBeUndefined();
    expect(c.features[1].num_constraints).toEqual({ is_non_negative: false });
  });
});

describe("checks (spec §6)", () => {
  it("finds no violations on the baseline itself", async () => {
    const p = await profileOf(
      rows(400, (i) => `${i % 2},${(i % 100) / 10},${i % 3 ? "a" : "b"},${i % 7}`),
    );
    expect(checkViolations(baselineStats, baselineConstraints, currentDataFromProfile(p))).toEqual(
      [],
    );
  });

  it("reports data type, completeness, drift and categorical violations with the real messages", async () => {
    // label now holds probabilities (the spec §5 situation), x drifts up, cat has unseen values,
    // n is half missing.
    const p = await profileOf(
      rows(
        200,
        (i) => `0.${(i % 9) + 1},${5 + (i % 100) / 10},${i % 2 ? "a" : "z"},${i % 2 ? i % 7 : ""}`,
      ),
    );
    const v = checkViolations(baselineStats, baselineConstraints, currentDataFromProfile(p));
    expect(v).toEqual([
      {
        feature_name: "label",
        constraint_check_type: "data_type_check",
        description:
          "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 0.0% of data is Integral.",
      },
      {
        feature_name: "label",
        constraint_check_type: "baseline_drift_check",
        description: expect.stringMatching(
          /^Baseline drift distance: 0\.\d+ exceeds threshold: 0\.1$/,
        ),
      },
      {
        feature_name: "x",
        constraint_check_type: "baseline_drift_check",
        description: expect.stringMatching(
          /^Baseline drift distance: 0\.\d+ exceeds threshold: 0\.1$/,
        ),
      },
      {
        feature_name: "cat",
        constraint_check_type: "baseline_drift_check",
        description: expect.stringMatching(
          /^Baseline drift distance: 0\.\d+ exceeds threshold: 0\.1$/,
        ),
      },
      {
        feature_name: "cat",
        constraint_check_type: "categorical_values_check",
        description:
          "Categorical value requirement is not met. Expected match: 100.0%. Observed: Only 50.0% of data is within the baseline domain.",
      },
      {
        feature_name: "n",
        constraint_check_type: "completeness_check",
        description:
          "Data completeness requirement is not met. Expected completeness: 100.0%. Observed: Only 50.0% of data is present.",
      },
    ]);
    const text = formatViolations(v);
    expect(
      text.startsWith(
        '{\n  "violations" : [ {\n    "feature_name" : "label",\n    "constraint_check_type" : "data_type_check",',
      ),
    ).toBe(true);
  });

  it("writes raw double products in data type messages", async () => {
    const p = await profileOf(rows(3, (i) => `${i === 0 ? "0.5" : "1"},1,a,1`));
    const v = checkViolations(undefined, baselineConstraints, currentDataFromProfile(p));
    expect(v[0].description).toBe(
      "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 66.66666666666666% of data is Integral.",
    );
  });

  it("reports one missing_column_check per missing feature and one extra_column_check per extra column", async () => {
    const fewer = await profileCsv(
      { content: "1,2\n0,3\n" },
      { header: false, featureNames: ["label", "x"], log: null },
    );
    expect(checkViolations(undefined, baselineConstraints, currentDataFromProfile(fewer))).toEqual([
      {
        feature_name: "cat",
        constraint_check_type: "missing_column_check",
        description:
          "Missing column requirement is not met. Expected number of columns: 4. Observed: Only 2 columns.",
      },
      {
        feature_name: "n",
        constraint_check_type: "missing_column_check",
        description:
          "Missing column requirement is not met. Expected number of columns: 4. Observed: Only 2 columns.",
      },
    ]);
    const more = await profileCsv({ content: "1,2,a,3,9,9\n" }, { header: false, log: null });
    expect(
      checkViolations(undefined, baselineConstraints, currentDataFromProfile(more)).map((x) => [
        x.feature_name,
        x.description,
      ]),
    ).toEqual([
      [
        "_c4",
        "Extra column requirement is not met. Expected number of columns: 4. Observed: 6 columns.",
      ],
      [
        "_c5",
        "Extra column requirement is not met. Expected number of columns: 4. Observed: 6 columns.",
      ],
    ]);
  });

  it("honours evaluate_constraints, thresholds and per-feature overrides (both spellings)", async () => {
    const p = await profileOf(rows(10, (i) => `${i ? 1 : 0.5},1,${i ? "a" : "q"},1`));
    const current = currentDataFromProfile(p);
    const disabled: Constraints = {
      ...baselineConstraints,
      monitoring_config: {
        ...baselineConstraints.monitoring_config,
        evaluate_constraints: "Disabled",
      },
    };
    expect(checkViolations(undefined, disabled, current)).toEqual([]);
    const loose: Constraints = {
      ...baselineConstraints,
      monitoring_config: {
        ...baselineConstraints.monitoring_config,
        datatype_check_threshold: 0.9,
      },
    };
    expect(checkViolations(undefined, loose, current).map((v) => v.constraint_check_type)).toEqual([
      "categorical_values_check",
    ]);
    const overridden: Constraints = {
      ...baselineConstraints,
      features: baselineConstraints.features.map((f) =>
        f.name === "label"
          ? { ...f, monitoringConfigOverrides: { datatype_check_threshold: 0.5 } }
          : f.name === "cat"
            ? {
                ...f,
                string_constraints: {
                  ...f.string_constraints,
                  monitoring_config_overrides: { domain_content_threshold: 0.8 },
                },
              }
            : f,
      ),
    };
    expect(checkViolations(undefined, overridden, current)).toEqual([]);
  });

  it("works from a statistics.json alone (no profile), taking every value as its inferred type", async () => {
    const p = await profileOf(rows(50, (i) => `0.${(i % 9) + 1},1,a,1`));
    const v = checkViolations(undefined, baselineConstraints, toStatistics(p));
    expect(v[0].description).toMatch(/Observed: Only 0\.0% of data is Integral\.$/);
  });
});

describe("driftReport (spec §7, §9)", () => {
  it("covers every feature with distance, threshold, method, means, and CloudWatch metrics", async () => {
    const p = await profileOf(
      rows(200, (i) => `${i % 2},${5 + (i % 100) / 10},${i % 3 ? "a" : "b"},${i % 7}`),
    );
    const report = driftReport(baselineStats, currentDataFromProfile(p), baselineConstraints);
    expect(report.features.map((f) => [f.name, f.kind, f.method, f.threshold, f.violates])).toEqual(
      [
        ["label", "numerical", "Robust", 0.1, false],
        ["x", "numerical", "Robust", 0.1, true],
        ["cat", "categorical", "Robust", 0.1, false],
        ["n", "numerical", "Robust", 0.1, false],
      ],
    );
    const x = report.features[1];
    expect(x.baselineMean).toBeCloseTo(4.95, 12);
    expect(x.currentMean).toBeCloseTo(9.95, 12);
    expect(x.distance).toBeGreaterThan(0.3);
    expect(report.features[2].currentMean).toBeNull();
    const names = report.metrics.map((m) => m.MetricName);
    expect(names).toContain("feature_baseline_drift_x");
    expect(names).toContain("feature_non_null_cat");
    expect(names).toContain("feature_estimated_unique_values_cat");
    const data = report.metrics.find((m) => m.MetricName === "feature_data_n")!;
    expect(data.StatisticValues).toEqual({
      SampleCount: 200,
      Sum: p.columns[3].moments.sum,
      Minimum: 0,
      Maximum: 6,
    });
    expect(report.metrics.find((m) => m.MetricName === "feature_baseline_drift_x")!.Value).toBe(
      x.distance,
    );
  });

  it("uses ChiSquared p-values for strings when configured, and emits nothing when emit_metrics is Disabled", async () => {
    const p = await profileOf(rows(300, (i) => `0,1,${i % 2 ? "a" : "b"},1`));
    const constraints: Constraints = {
      ...baselineConstraints,
      monitoring_config: {
        ...baselineConstraints.monitoring_config,
        emit_metrics: "Disabled",
        distribution_constraints: {
          ...baselineConstraints.monitoring_config.distribution_constraints,
          categorical_drift_method: "ChiSquared",
          categorical_comparison_threshold: 0.05,
        },
      },
    };
    const report = driftReport(baselineStats, currentDataFromProfile(p), constraints);
    const cat = report.features[2];
    expect(cat.method).toBe("ChiSquared");
    expect(cat.threshold).toBe(0.05);
    expect(cat.distance).toBeLessThan(0.05);
    expect(cat.violates).toBe(true);
    expect(report.metrics).toEqual([]);
    const v = checkViolations(baselineStats, constraints, currentDataFromProfile(p));
    expect(
      v.find((x) => x.feature_name === "cat" && x.constraint_check_type === "baseline_drift_check")!
        .description,
    ).toMatch(/^Baseline drift p-value: .* is below threshold: 0\.05$/);
  });
});
