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
   * Filled rows with a missing or fractional field: while 0, every field is Integral and the
   * columns need not look at the kinds to count classes (the usual all-integer tabular data).
   */
  rowsNotAllIntegral = 0;
  /** Filled rows with a missing field (while 0, each column's block is all numbers). */
  rowsWithMissing = 0;
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
  }

  /**
   * Give the slots of the next row (one the scanner did not finish) their default kind again,
   * so that a later row in the same slots reads as written.
   */
  clearRow(): void {
    for (let c = 0; c < this.width; c++) {
      this.kinds[c * this.rowCapacity + this.rows] = CANONICAL_INTEGRAL;
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
    // Without missing fields, every column's moments take all `rows` values, two columns per
    // loop: Spark's per-value update is one serial chain of dependent operations (a division
    // among them) per column, and two independent chains overlap (~1.5x on this step).
    const pairMoments = this.rowsWithMissing === 0;
    for (let c = 0; c < this.width; c++) {
      if (pairMoments && c + 1 < this.width) {
        addAllTwo(
          columns[c].moments,
          columns[c + 1].moments,
          this.values,
          c * capacity,
          (c + 1) * capacity,
          rows,
        );
        columns[c].addNumericBlock(this, c * capacity, rows, buf, true);
        columns[c + 1].addNumericBlock(this, (c + 1) * capacity, rows, buf, true);
        c++;
        continue;
      }
      columns[c].addNumericBlock(this, c * capacity, rows, buf);
    }
    profile.countRows(rows, this.width);
    this.kinds.fill(CANONICAL_INTEGRAL, 0, this.kinds.length); // ~64 KiB, once per block
    this.rows = 0;
    this.rowsNotAllIntegral = 0;
    this.rowsWithMissing = 0;
  }
}
