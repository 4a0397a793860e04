/**
 * The blank-page check of the image script: PNG decoding (all five row filters, RGB and RGBA)
 * and the share of drawn pixels.
 */
import * as zlib from "node:zlib";
import { decodePng, inkFraction } from "../../scripts/images/png";

/** A PNG with the given rows (already filtered, filter byte first); CRCs are not checked. */
function png(width: number, height: number, colorType: number, rows: number[][]): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, "latin1");
    return Buffer.concat([head, body, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(Buffer.from(rows.flat()))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("decodePng", () => {
  it("undoes the None, Sub, Up, Average and Paeth filters", () => {
    // 2x5 RGB; every row decodes to [10,20,30, 40,50,60] except where noted.
    const decoded = decodePng(
      png(2, 5, 2, [
        [0, 10, 20, 30, 40, 50, 60], // None
        [1, 10, 20, 30, 30, 30, 30], // Sub: second pixel = first + 30
        [2, 0, 0, 0, 0, 0, 0], // Up: same as the row above
        [3, 5, 10, 15, 15, 15, 15], // Average: floor((left + up) / 2) + x
        [4, 0, 0, 0, 0, 0, 0], // Paeth: predicts the row above here
      ]),
    );
    expect(decoded).toMatchObject({ width: 2, height: 5, channels: 3 });
    const rows = Array.from({ length: 5 }, (_, y) =>
      Array.from(decoded.pixels.subarray(y * 6, y * 6 + 6)),
    );
    expect(rows).toEqual(Array(5).fill([10, 20, 30, 40, 50, 60]));
  });

  it("rejects what it cannot read", () => {
    expect(() => decodePng(Buffer.from("GIF89a........"))).toThrow(/not a PNG/);
    const bad = png(1, 1, 3, [[0, 0]]); // palette images are not Chromium's output
    expect(() => decodePng(bad)).toThrow(/unsupported PNG .*colour type 3/);
  });
});

describe("inkFraction", () => {
  const white = [255, 255, 255, 255];
  const faint = [240, 240, 240, 255]; // anti-aliasing shade: not ink
  const blue = [31, 119, 180, 255];

  it("is 0 for a blank page and counts drawn pixels otherwise", () => {
    const blank = png(2, 2, 6, [
      [0, ...white, ...faint],
      [0, ...white, ...white],
    ]);
    expect(inkFraction(decodePng(blank))).toBe(0);
    const drawn = png(2, 2, 6, [
      [0, ...white, ...blue],
      [0, ...blue, ...white],
    ]);
    expect(inkFraction(decodePng(drawn))).toBe(0.5);
  });
});
