/**
 * Just enough PNG decoding to tell a rendered chart from a blank page: 8-bit, non-interlaced
 * grey, grey+alpha, RGB and RGBA images (what Chromium's --screenshot writes), all five filters.
 */
import * as zlib from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export interface DecodedPng {
  width: number;
  height: number;
  /** Channels per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  /** Unfiltered pixel bytes, row-major, `channels` bytes per pixel. */
  pixels: Buffer;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(file: Buffer): DecodedPng {
  if (file.length < 8 || !file.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error("not a PNG file (bad signature)");
  }
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= file.length;) {
    const length = file.readUInt32BE(at);
    const type = file.toString("latin1", at + 4, at + 8);
    const body = file.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const bitDepth = body[8];
      const colorType = body[9];
      const interlace = body[12];
      channels = CHANNELS[colorType] ?? 0;
      if (bitDepth !== 8 || channels === 0 || interlace !== 0) {
        throw new Error(
          `unsupported PNG (bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}); expected 8-bit non-interlaced grey/RGB(A)`,
        );
      }
    } else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    at += 12 + length;
  }
  if (width === 0 || height === 0) throw new Error("PNG without an IHDR chunk or with zero size");
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error("PNG image data is truncated");
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[out + x - channels] : 0;
      const up = y > 0 ? pixels[out - stride + x] : 0;
      const upLeft = y > 0 && x >= channels ? pixels[out - stride + x - channels] : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = left;
          break;
        case 2:
          predictor = up;
          break;
        case 3:
          predictor = (left + up) >> 1;
          break;
        case 4:
          predictor = paeth(left, up, upLeft);
          break;
        default:
          throw new Error(`PNG row ${y} has unknown filter type ${filter}`);
      }
      pixels[out + x] = (line[x] + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/**
 * Share of pixels that differ from the top-left (background) pixel by more than a faint
 * anti-aliasing shade: about 0 for a blank page, a few per cent for any drawn chart.
 */
export function inkFraction(png: DecodedPng): number {
  const { pixels, channels, width, height } = png;
  const colourChannels = channels >= 3 ? 3 : 1;
  let ink = 0;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < colourChannels; c++) {
      if (Math.abs(pixels[p * channels + c] - pixels[c]) > 24) {
        ink++;
        break;
      }
    }
  }
  return ink / (width * height);
}
