/**
 * A block of rows whose fields are all plain numbers or empty, stored column by column, so that
 * each column's states take a whole block in one tight loop (ColumnProfile.addNumericBlock)
 * instead of one call chain per field.
 *
 * Why: profiling a 1M-row, 24-column CSV spends most of its time per field (issue 9 §8); the
 * CSV scanner's row fast path (input/csvScanner.ts) fills this block with nothing but typed-array
 * writes, and the per-column loops (moments, KLL bulk update, distinct values) are monomorphic.
 * Per column the values go in in row order, which is all the states depend on, so the result is
 * byte-identical to adding field by field (test/analyzer/numericFastPath.test.ts).
 */
import { ValueClass } from "./dataType";
import { addAllTwo } from "./moments";
import type { Profile } from "./profile";

/** Bit set in a kind byte when the field's text is exactly String(value) (dataType.isCanonical). */
export const CANONICAL = 4;
/** Mask of the ValueClass part of a kind byte (Null, Fractional or Integral). */
export const CLASS_MASK = 3;
/**
 * The kind every slot holds until the scanner says otherwise: a canonical integer, by far the
 * most common field of tabular data, then costs the scanner no store at all.
 */
export const CANONICAL_INTEGRAL = ValueClass.Integral | CANONICAL;

/** About 1 MiB of block per scanner (17 bytes a field) whatever the width, and at least a few rows. */
const BLOCK_FIELDS = 1 << 16;

export class NumericBlock {
  readonly rowCapacity: number;
  /** Rows filled so far. */
  rows = 0;
  /**
   * Per column, the filled rows' missing and Fractional fields (the rest are Integral): the
   * columns take their class counts from here instead of reading every kind, and a column
   * without a missing field takes its block as it is.
   */
  readonly missingCounts: Int32Array;
  readonly fractionalCounts: Int32Array;
  /** values[column * rowCapacity + row]: the parsed number (unused for a Null field). */
  readonly values: Float64Array;
  /**
   * ValueClass of the field, | CANONICAL when its text is canonical. Slots hold
   * CANONICAL_INTEGRAL until written: the scanner writes only other kinds (and clearRow undoes
   * a row it gave up on).
   */
  readonly kinds: Uint8Array;
  /** Byte range in the scanned chunk of a non-canonical field's text (unset for the others). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;

  constructor(readonly width: number) {
    this.rowCapacity = Math.max(8, Math.floor(BLOCK_FIELDS / Math.max(1, width)));
    const n = this.rowCapacity * width;
    this.values = new Float64Array(n);
    this.kinds = new Uint8Array(n).fill(CANONICAL_INTEGRAL);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.missingCounts = new Int32Array(width);
    this.fractionalCounts = new Int32Array(width);
  }

  /**
   * Give the slots of the next row (one the scanner did not finish) their default kind again,
   * so that a later row in the same slots reads as written.
   */
  clearRow(): void {
    for (let c = 0; c < this.width; c++) {
      const slot = c * this.rowCapacity + this.rows;
      const cls = this.kinds[slot] & CLASS_MASK;
      if (cls === ValueClass.Null) this.missingCounts[c]--;
      else if (cls === ValueClass.Fractional) this.fractionalCounts[c]--;
      this.kinds[slot] = CANONICAL_INTEGRAL;
    }
  }

  /**
   * Hand the filled rows to `profile` (whose columns 0..width-1 they fill exactly) and empty the
   * block. `buf` is the chunk the field ranges point into; it must still be the one scanned.
   */
  flushInto(profile: Profile, buf: Uint8Array): void {
    const rows = this.rows;
    if (rows === 0) return;
    const columns = profile.columns;
    const capacity = this.rowCapacity;
    const missing = this.missingCounts;
    const fractional = this.fractionalCounts;
    for (let c = 0; c < this.width; c++) {
      // Columns without missing fields take their moments two at a time: Spark's per-value
      // update is one serial chain of dependent operations (a division among them) per column,
      // and two independent chains overlap (~1.5x on this step).
      if (c + 1 < this.width && missing[c] === 0 && missing[c + 1] === 0) {
        addAllTwo(
          columns[c].moments,
          columns[c + 1].moments,
          this.values,
          c * capacity,
          (c + 1) * capacity,
          rows,
        );
        columns[c].addNumericBlock(this, c * capacity, rows, 0, fractional[c], buf, true);
        columns[c + 1].addNumericBlock(
          this,
          (c + 1) * capacity,
          rows,
          0,
          fractional[c + 1],
          buf,
          true,
        );
        c++;
        continue;
      }
      columns[c].addNumericBlock(this, c * capacity, rows, missing[c], fractional[c], buf);
    }
    profile.countRows(rows, this.width);
    this.kinds.fill(CANONICAL_INTEGRAL, 0, this.kinds.length); // ~64 KiB, once per block
    missing.fill(0);
    fractional.fill(0);
    this.rows = 0;
  }
}
