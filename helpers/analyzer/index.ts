/**
 * Model Monitor compatible analyzer engine (issue 9; spec shared/specs/model-monitor-formats.md).
 * Deequ's split: profile/* holds mergeable analyzer states, statistics.ts turns them into
 * metrics, suggest.ts suggests constraints, checks/* evaluates constraints and drift.
 */
export * from "./types";
export { formatJackson, formatJavaDouble } from "./json/jackson";
export type { JacksonValue } from "./json/jackson";
export {
  formatConstraints,
  formatStatistics,
  formatViolations,
  parseAnalyzerJson,
  readConstraints,
  readStatistics,
  readViolations,
} from "./json/files";
export { Profile, mergeProfiles, describeReport, MAX_COLUMNS } from "./profile/profile";
export type { ProfileReport } from "./profile/profile";
export { KllSketch, kllBuckets, rankMap } from "./profile/kll";
export type { ClassCounts, ColumnType } from "./profile/dataType";
export { profileCsv, profileCapture } from "./profiling";
export type { CsvProfileOptions, CaptureProfileOptions } from "./profiling";
export type { InputSource } from "./input/sources";
export { parseCaptureLine, parseCsvText, jsonToRows } from "./input/capture";
export { toStatistics, CATEGORICAL_HISTOGRAM_MAX_DISTINCT } from "./statistics";
export { suggestConstraints, defaultMonitoringConfig } from "./suggest";
export { effectiveConfig } from "./checks/config";
export type { EffectiveConfig } from "./checks/config";
export { currentDataFromProfile } from "./checks/current";
export type { CurrentData } from "./checks/current";
export { checkViolations } from "./checks/violations";
export { driftReport, cloudWatchMetrics } from "./checks/drift";
export {
  numericalDistance,
  categoricalLInfinityDistance,
  categoricalChiSquare,
  DEFAULT_C_ALPHA,
} from "./drift/distance";
export {
  chiSquareGoodnessOfFit,
  regularizedGammaP,
  regularizedGammaQ,
  logGamma,
} from "./drift/chiSquare";
export {
  runBaseline,
  runMonitoring,
  exitMessage,
  parseDatasetFormat,
  STATISTICS_FILE,
  CONSTRAINTS_FILE,
  VIOLATIONS_FILE,
} from "./run";
export type {
  BaselineOptions,
  BaselineResult,
  MonitoringOptions,
  MonitoringResult,
  DatasetFormat,
  InputSummary,
} from "./run";
