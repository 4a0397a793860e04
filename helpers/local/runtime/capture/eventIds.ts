/**
 * Capture records' event ids: random (version 4) UUIDs written straight into the record's bytes,
 * as `crypto.randomUUID` formats them, from random bytes drawn in batches as `randomUUID` draws
 * its own (node:crypto's CSPRNG, refilled once per 256 ids).
 *
 * Why not `randomUUID()`: its string is one more allocation per record on the flush worker, whose
 * garbage and CPU take time from the event loop on a small machine (bench/README.md, "The
 * endpoint", round 11). Written by hand: no npm package writes a UUID into a caller's buffer.
 */
import { randomFillSync } from "node:crypto";

const IDS_PER_FILL = 256;
const HEX = Buffer.from("0123456789abcdef");
/** The UUID text's length: 32 hex digits and 4 dashes. */
export const EVENT_ID_LENGTH = 36;

export class EventIdWriter {
  private readonly random = Buffer.allocUnsafe(16 * IDS_PER_FILL);
  private next = IDS_PER_FILL;

  /** Writes a fresh UUID's 36 characters at `at`; returns the offset after them. */
  write(out: Buffer, at: number): number {
    if (this.next === IDS_PER_FILL) {
      randomFillSync(this.random);
      this.next = 0;
    }
    const from = 16 * this.next++;
    const random = this.random;
    for (let i = 0; i < 16; i++) {
      let byte = random[from + i];
      if (i === 6)
        byte = (byte & 0x0f) | 0x40; // version 4
      else if (i === 8) byte = (byte & 0x3f) | 0x80; // variant 10xx (RFC 9562)
      if (i === 4 || i === 6 || i === 8 || i === 10) out[at++] = 0x2d; // -
      out[at++] = HEX[byte >>> 4];
      out[at++] = HEX[byte & 0x0f];
    }
    return at;
  }
}
