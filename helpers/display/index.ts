/**
 * How the notebooks show things: tables, Plotly charts and progress bars, in tslab (and the
 * notebook runner) or, outside notebooks, in the terminal.
 */
export { escapeHtml, jsonForScript } from "./html";
export { formatNumber, formatCount, formatCell } from "./format";
export type { NumberFormatOptions, CellFormatOptions } from "./format";
export {
  inNotebook,
  displayBundle,
  UpdatableDisplay,
  newDisplayId,
  notebookWriter,
} from "./notebookOutput";
export type {
  MimeBundle,
  DisplayDataMessage,
  WriteDisplayData,
  TextOutput,
} from "./notebookOutput";
export { showTable, tableToHtml, tableToText, tableModel, hiddenRowsNote } from "./table";
export type {
  DataFrameLike,
  TableInput,
  TableOptions,
  TableModel,
  ShowTableOptions,
} from "./table";
export { plotlyDate, figureTitle } from "./figure";
export type {
  PlotlyFigure,
  PlotlyTrace,
  PlotlyLayout,
  PlotlyAxis,
  PlotlyConfig,
  PlotlyMarker,
  PlotlyLine,
  PlotlyAnnotation,
  PlotlyDatum,
  ScatterTrace,
  BarTrace,
  HeatmapTrace,
  SplomTrace,
  SplomDimension,
} from "./figure";
export {
  showFigure,
  figureToHtml,
  figureToJson,
  figureSummary,
  standaloneHtml,
  PlotlyPage,
  notebookPage,
  resetPlotlyPage,
  PLOTLY_MIME,
} from "./plot";
export type {
  FigureHtmlOptions,
  HtmlBlock,
  StandaloneHtmlOptions,
  ShowFigureOptions,
} from "./plot";
export {
  plotlyBundleScript,
  plotlyBundlePath,
  plotlyVersion,
  dedupePlotlyBundles,
  defaultBundleMode,
  BUNDLE_MARKER,
} from "./plotlyBundle";
export type { PlotlyBundleMode } from "./plotlyBundle";
export { correlationMatrix, numericColumns, sampleRows, quantile } from "./stats";
export type { CorrelationMatrix } from "./stats";
export {
  labelBalanceChart,
  correlationHeatmap,
  correlationChart,
  scatterMatrix,
  distributionChart,
} from "./charts/explore";
export type {
  LabelBalanceOptions,
  CorrelationHeatmapOptions,
  ScatterMatrixOptions,
  DistributionOptions,
} from "./charts/explore";
export {
  learningCurve,
  rocCurveChart,
  featureImportanceChart,
  shapSummaryBar,
  shapBeeswarm,
  trapezoidArea,
} from "./charts/model";
export type {
  EvalHistory,
  LearningCurveOptions,
  RocInput,
  FeatureImportanceOptions,
  Matrix,
  ShapInput,
  ShapOptions,
  BeeswarmOptions,
} from "./charts/model";
export { driftDistanceChart, baselineVsCurrentChart, violationsChart } from "./charts/monitoring";
export type {
  Hour,
  DriftPointLike,
  DriftChartOptions,
  MeanPointLike,
  BaselineVsCurrentOptions,
  ViolationCountsLike,
} from "./charts/monitoring";
export type { ChartOptions } from "./charts/common";
export { progressBar, progressText, progressHtml } from "./progress";
export type { ProgressBar, ProgressOptions, ProgressMode, ProgressState } from "./progress";
