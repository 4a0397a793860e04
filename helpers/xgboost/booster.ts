/**
 * Booster: a trained (or loaded) gbtree model with XGBoost's Python API names — predict, save_model,
 * load_model, get_score. Margins are float32 as in XGBoost; SHAP values come from treeshap.ts.
 */
import * as fs from "fs";
import type { DMatrix } from "./dmatrix";
import { featureImportance, ImportanceType } from "./importance";
import { isLegacyBinary, readLegacyBinary } from "./modelBinary";
import { ModelContent, readModelJson, writeModelJson } from "./modelJson";
import { baseMargin, transform } from "./objective";
import type { Objective } from "./params";
import { predictMargins } from "./predictor";
import { RegTree } from "./tree";
import { predictContributions } from "./treeshap";

export interface PredictOptions {
  outputMargin?: boolean;
  /** SHAP values n x (features + 1), bias last, in margin space (Float32Array). */
  predContribs?: boolean;
  /**
   * XGBoost's `iteration_range`: use only the trees of boosting rounds begin..end-1 (the base
   * margin is always added). [0, 0], the default, means every round; end 0 means "to the last".
   */
  iterationRange?: [number, number];
}

export class Booster {
  readonly trees: RegTree[];
  readonly objective: Objective;
  /** base_score in output space (probability for logistic objectives). */
  readonly baseScore: number;
  readonly numFeatures: number;
  featureNames?: string[];
  featureTypes?: string[];
  attributes: Record<string, string>;
  private history: Record<string, Record<string, number[]>> = {};

  constructor(content: ModelContent) {
    this.trees = content.trees;
    this.objective = content.objective;
    this.baseScore = content.baseScore;
    this.numFeatures = content.numFeature;
    this.featureNames = content.featureNames;
    this.featureTypes = content.featureTypes;
    this.attributes = { ...content.attributes };
  }

  /** Margin added before the first tree: ProbToMargin(base_score) for logistic objectives. */
  get baseMargin(): number {
    return baseMargin(this.objective, this.baseScore);
  }

  numTrees(): number {
    return this.trees.length;
  }

  /** Probabilities (logistic) or values; margins with outputMargin; SHAP with predContribs. */
  predict(d: DMatrix, opts: PredictOptions = {}): Float32Array {
    if (d.numCol !== this.numFeatures) {
      throw new Error(
        `the data has ${d.numCol} columns but the model expects ${this.numFeatures} features; pass the feature columns only (no label, no ID)`,
      );
    }
    const trees = this.treesInRange(opts.iterationRange);
    if (opts.predContribs) {
      return predictContributions(trees, this.baseMargin, d.data, d.numRow, d.numCol);
    }
    const margins = predictMargins(
      trees,
      this.baseMargin,
      d.data,
      d.numRow,
      d.numCol,
      this.numFeatures,
    );
    return opts.outputMargin ? margins : transform(this.objective, margins);
  }

  /**
   * The trees of rounds [begin, end) as XGBoost's LayerToTree computes them. This engine grows one
   * tree per round (no multi-class, no random forests), so rounds and trees coincide.
   */
  private treesInRange(range: [number, number] | undefined): RegTree[] {
    if (range === undefined) return this.trees;
    const rounds = this.trees.length;
    if (!Array.isArray(range) || range.length !== 2) {
      throw new Error(
        `iterationRange must be a pair [begin, end] of round numbers, got ${JSON.stringify(range)}`,
      );
    }
    const [begin, end] = range;
    for (const [name, value] of [
      ["begin", begin],
      ["end", end],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) {
        throw new Error(
          `iterationRange ${name} must be a non-negative integer, got ${String(value)}; use [0, 0] for every round`,
        );
      }
    }
    const last = end === 0 ? rounds : end;
    if (last > rounds) {
      throw new Error(
        `iterationRange end ${end} is beyond the model's ${rounds} boosting rounds; use at most ${rounds} (or 0 for all)`,
      );
    }
    if (begin > last) {
      throw new Error(
        `iterationRange begin ${begin} is after end ${last}; pass [begin, end] with begin <= end`,
      );
    }
    return begin === 0 && last === rounds ? this.trees : this.trees.slice(begin, last);
  }

  /** XGBoost's importance map (see importance.ts); default type "weight" as in get_score. */
  getScore(opts: { importanceType?: ImportanceType } = {}): Record<string, number> {
    return featureImportance(
      this.trees,
      this.numFeatures,
      opts.importanceType ?? "weight",
      this.featureNames,
    );
  }

  /** Per-round metrics recorded by train(): eval name -> metric -> values. */
  evalsResult(): Record<string, Record<string, number[]>> {
    return this.history;
  }

  /** @internal used by train() */
  setEvalsResult(h: Record<string, Record<string, number[]>>): void {
    this.history = h;
  }

  /** XGBoost 1.7 JSON text of the model. */
  toJson(): string {
    return writeModelJson({
      trees: this.trees,
      objective: this.objective,
      baseScore: this.baseScore,
      numFeature: this.numFeatures,
      featureNames: this.featureNames,
      featureTypes: this.featureTypes,
      attributes: this.attributes,
    });
  }

  /** Returns the XGBoost JSON model as a Buffer, or writes it to `path`. */
  saveModel(): Buffer;
  saveModel(path: string): void;
  saveModel(path?: string): Buffer | void {
    const buf = Buffer.from(this.toJson(), "utf8");
    if (path === undefined) return buf;
    fs.writeFileSync(path, buf);
  }

  /**
   * Loads a model from a file path or a Buffer (e.g. `xgboost-model` from model.tar.gz): XGBoost
   * JSON, or the legacy binary format that SageMaker's 1.3-1 ... 1.7-1 containers write.
   */
  static loadModel(pathOrBuffer: string | Buffer): Booster {
    const buf = typeof pathOrBuffer === "string" ? fs.readFileSync(pathOrBuffer) : pathOrBuffer;
    if (isLegacyBinary(buf)) return new Booster(readLegacyBinary(buf));
    const head = buf.toString("latin1", 0, Math.min(buf.length, 64)).trimStart();
    if (head.startsWith("{") && !/^\{\s*["}]/.test(head)) {
      throw new Error(
        "the model is UBJSON (XGBoost >= 2.1's default binary format), which is not supported; " +
          "re-save it in XGBoost with booster.save_model('model.json')",
      );
    }
    return new Booster(readModelJson(buf.toString("utf8")));
  }
}
