/**
 * Headless Chromium as a screenshot tool: find the binary, render one local HTML page to a PNG.
 * Only the image script needs it; nothing in the tests does.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

export const INSTALL_HINT =
  "Headless Chromium is needed to render the PNGs. Install it with\n" +
  "  sudo apt-get install -y chromium        (Debian; `chromium-browser` on Ubuntu)\n" +
  "or point CHROMIUM at an existing Chrome/Chromium binary: CHROMIUM=/path/to/chrome npm run images";

/** The Chromium binary: $CHROMIUM if set, else the first candidate on PATH; undefined if none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM) return fs.existsSync(env.CHROMIUM) ? env.CHROMIUM : undefined;
  for (const name of CANDIDATES) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    const where = found.stdout.trim();
    if (found.status === 0 && where) return where;
  }
  return undefined;
}

export interface ScreenshotOptions {
  width: number;
  height: number;
  /** Virtual time Chromium gives the page's scripts before the shot (Plotly draws async). */
  virtualTimeMs?: number;
}

/** Renders `htmlFile` and writes the viewport as `pngFile`. */
export function screenshot(
  chromium: string,
  htmlFile: string,
  pngFile: string,
  options: ScreenshotOptions,
): void {
  // A throwaway profile: no first-run state, nothing shared with a user's browser.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "images-chromium-"));
  try {
    execFileSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        `--user-data-dir=${profile}`,
        `--screenshot=${pngFile}`,
        `--window-size=${options.width},${options.height}`,
        `--virtual-time-budget=${options.virtualTimeMs ?? 5000}`,
        pathToFileURL(htmlFile).href,
      ],
      { stdio: ["ignore", "ignore", "pipe"], timeout: 120_000 },
    );
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (!fs.existsSync(pngFile)) {
    throw new Error(`Chromium did not write ${pngFile}`);
  }
}
