/** Hyperparameters arrive as strings (SageMaker); bad ones are refused with name, value, range. */
import { DMatrix, parseParams, train } from "../../helpers/xgboost";

describe("parseParams", () => {
  it("parses SageMaker's string hyperparameters into float32 values", () => {
    const p = parseParams({
      objective: "binary:logistic",
      max_depth: "5",
      eta: "0.2",
      gamma: "4",
      min_child_weight: "6",
      subsample: "0.8",
      num_round: "100",
      seed: "0",
      tree_method: "hist",
      nthread: "1",
      eval_metric: "auc,logloss",
    });
    expect(p.maxDepth).toBe(5);
    expect(p.eta).toBe(0.20000000298023224);
    expect(p.subsample).toBe(Math.fround(0.8));
    expect(p.numRound).toBe(100);
    expect(p.evalMetrics).toEqual(["auc", "logloss"]);
  });

  it("accepts SageMaker pass-through parameters that do not change hist trees", () => {
    expect(() =>
      parseParams({
        verbosity: "1",
        nthread: "2",
        booster: "gbtree",
        grow_policy: "depthwise",
        single_precision_histogram: "false",
        sampling_method: "uniform",
        monotone_constraints: "()",
        sketch_eps: "0.03",
      }),
    ).not.toThrow();
  });

  it("accepts XGBoost's aliases and defaults", () => {
    const p = parseParams({ learning_rate: 0.1, reg_lambda: 2, min_split_loss: 1 });
    expect(p.eta).toBe(Math.fround(0.1));
    expect(p.lambda).toBe(2);
    expect(p.gamma).toBe(1);
    expect(p.objective).toBe("reg:squarederror");
    expect(p.evalMetrics).toEqual(["rmse"]);
    expect(parseParams({ objective: "binary:logistic" }).evalMetrics).toEqual(["logloss"]);
  });

  it.each([
    [{ tree_method: "exact" }, /implements XGBoost's 'hist'.*tree_method=hist/],
    [{ tree_method: "approx" }, /tree_method: approx is not supported/],
    [{ eta: "2" }, /Hyperparameter eta: 2 is not in \[0, 1\]/],
    [{ subsample: "0" }, /Hyperparameter subsample: 0 is not in \(0, 1\]/],
    [{ max_depth: "2.5" }, /max_depth: "2.5" is not an integer/],
    [{ max_depth: "0" }, /max_depth: 0 is not in \[1, inf\)/],
    [{ gamma: "abc" }, /gamma: "abc" is not a number/],
    [{ foo: "1" }, /Extraneous hyperparameter found: foo/],
    [{ objective: "multi:softmax" }, /objective: multi:softmax is not supported/],
    [{ colsample_bytree: "0.5" }, /colsample_bytree: 0.5 is not supported/],
    [{ eval_metric: "map" }, /eval_metric: map is not supported/],
    [{ sampling_method: "gradient_based" }, /sampling_method: gradient_based is not supported/],
    [{ monotone_constraints: "(1,0)" }, /monotone_constraints: \(1,0\) is not supported/],
    [{ objective: "binary:logistic", base_score: "1" }, /base_score: 1 is not in \(0, 1\)/],
  ])("rejects %j", (params, message) => {
    expect(() => parseParams(params as Record<string, string>)).toThrow(message);
  });

  it("train() validates labels and inputs", () => {
    const d = new DMatrix([[1], [2]], { label: [0, 2] });
    expect(() => train({ objective: "binary:logistic" }, d)).toThrow(/label must be in \[0,1\]/);
    expect(() => train({}, new DMatrix([[1]], {}))).toThrow(/no label/);
    const ok = new DMatrix([[1], [2]], { label: [0, 1] });
    expect(() => train({}, ok, { evals: [[new DMatrix([[1, 2]], { label: [1] }), "v"]] })).toThrow(
      /eval set v has 2 feature columns/,
    );
  });
});
