/**
 * `npm run images`: PNGs of the README's key charts from a real run. Reads the executed notebooks
 * that `npm run lab` writes to reports/, picks each chart's Plotly figure by title, draws it on a
 * standalone page with the local plotly.js bundle and screenshots it with headless Chromium.
 *
 *   WORKSHOP_WORKSPACE=$(mktemp -d) npm run lab && npm run images
 *   npm run images -- --reports <dir> --out <dir>
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { plotlyBundlePath } from "../../helpers/display/plotlyBundle";
import { labNotebooks } from "../../helpers/notebook/lab";
import { readNotebook } from "../../helpers/notebook/runner";
import { repoRoot } from "../../helpers/paths";
import { README_CHARTS } from "./charts";
import { INSTALL_HINT, findChromium, screenshot } from "./chromium";
import { figureByTitle, plotlyFigures } from "./figures";
import { figurePage } from "./page";
import { decodePng, inkFraction } from "./png";

const WIDTH = 1000;
const DEFAULT_HEIGHT = 600;
const MAX_BYTES = 200 * 1024;
/** Below this share of non-background pixels Plotly drew nothing (a real chart has over 1 %). */
const MIN_INK = 0.002;

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return path.resolve(value);
}

function main(args: string[]): number {
  const reportsDir = option(args, "--reports", path.join(repoRoot(), "reports"));
  const outDir = option(args, "--out", path.join(repoRoot(), "images"));
  const chromium = findChromium();
  if (!chromium) {
    process.stderr.write(`${INSTALL_HINT}\n`);
    return 1;
  }

  const notebooks = labNotebooks().map((file) => {
    const executed = path.join(reportsDir, path.basename(file));
    if (!fs.existsSync(executed)) {
      throw new Error(
        `${executed} does not exist: run the labs first (WORKSHOP_WORKSPACE=$(mktemp -d) npm run lab)`,
      );
    }
    return { name: path.basename(file), doc: readNotebook(executed) };
  });
  const figures = plotlyFigures(notebooks);
  const bundle = plotlyBundlePath();
  fs.mkdirSync(outDir, { recursive: true });
  const pages = fs.mkdtempSync(path.join(os.tmpdir(), "images-pages-"));
  const problems: string[] = [];
  try {
    for (const chart of README_CHARTS) {
      const { figure, title } = figureByTitle(figures, chart.titlePrefix);
      const height = figure.layout.height ?? DEFAULT_HEIGHT;
      const page = path.join(pages, chart.file.replace(/\.png$/, ".html"));
      fs.writeFileSync(page, figurePage(figure, { width: WIDTH, height }, bundle));
      const png = path.join(outDir, chart.file);
      fs.rmSync(png, { force: true });
      screenshot(chromium, page, png, { width: WIDTH, height });
      const bytes = fs.statSync(png).size;
      const ink = inkFraction(decodePng(fs.readFileSync(png)));
      const where = path.relative(process.cwd(), png);
      process.stdout.write(
        `${where}  ${WIDTH}x${height}  ${(bytes / 1024).toFixed(0)} KB  ink ${(ink * 100).toFixed(1)} %  "${title}"\n`,
      );
      if (ink < MIN_INK) problems.push(`${where} looks blank (Plotly did not draw in time?)`);
      if (bytes > MAX_BYTES) problems.push(`${where} is ${bytes} bytes, above ${MAX_BYTES}`);
    }
  } finally {
    fs.rmSync(pages, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    process.stderr.write(`\n${problems.join("\n")}\n`);
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
