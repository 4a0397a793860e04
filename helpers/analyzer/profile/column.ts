/**
 * Mergeable analyzer state of one column, the union of the Deequ analyzers the SageMaker
 * analyzer runs per column (spec §3): Completeness (null count), DataType histogram, Sum/Mean/
 * StandardDeviation/Minimum/Maximum (Moments), KLLSketch, and distinct values / Histogram.
 *
 * One pass feeds every state, because the column type is only known at the end: numeric states
 * see the numeric-class values, the distinct/histogram state sees every present value.
 */
import {
  ClassCounts,
  ValueClass,
  classifyBytes,
  determineType,
  ColumnType,
  parsed,
} from "./dataType";
import { isUtf8 } from "node:buffer";
import { DistinctValues } from "./distinct";
import { KllSketch } from "./kll";
import { Moments } from "./moments";
import { CLASS_MASK, type NumericBlock } from "./numericBlock";

/**
 * Scratch for a block column with missing fields: its numeric fields packed together (one per
 * process; a block column is consumed before the next one is packed). Constants, not growable
 * bindings (see compactionSort's scratch arrays); a longer block column gets its own arrays.
 */
const PACKED_SCRATCH_ITEMS = 1 << 14;
const packedValuesScratch = new Float64Array(PACKED_SCRATCH_ITEMS);
const packedKindsScratch = new Uint8Array(PACKED_SCRATCH_ITEMS);
const packedStartsScratch = new Int32Array(PACKED_SCRATCH_ITEMS);
const packedEndsScratch = new Int32Array(PACKED_SCRATCH_ITEMS);

export class ColumnProfile {
  readonly classes: ClassCounts = { null: 0, fractional: 0, integral: 0, boolean: 0, string: 0 };
  readonly moments = new Moments();
  kll = new KllSketch();
  readonly distinct = new DistinctValues();
  /** String values whose bytes were not valid UTF-8 (kept, decoded with U+FFFD). */
  invalidUtf8 = 0;

  addMissing(): void {
    this.classes.null++;
  }

  /** Add one field given as raw UTF-8 bytes [start, end); empty means missing (spec §3.2). */
  addBytes(buf: Uint8Array, start: number, end: number): void {
    this.addClassified(classifyBytes(buf, start, end), buf, start, end);
  }

  /**
   * Add a field already classified (by classifyBytes or scanField), with a numeric value still
   * in `parsed.value`.
   */
  addClassified(cls: ValueClass, buf: Uint8Array, start: number, end: number): void {
    if (cls === ValueClass.Null) {
      this.classes.null++;
      return;
    }
    switch (cls) {
      case ValueClass.Integral: {
        const v = parsed.value; // read before the distinct state reuses the scratch slot
        this.classes.integral++;
        this.distinct.addNumber(v, parsed.canonical, buf, start, end);
        this.moments.add(v);
        this.kll.update(v);
        break;
      }
      case ValueClass.Fractional: {
        const v = parsed.value;
        this.classes.fractional++;
        this.distinct.addNumber(v, parsed.canonical, buf, start, end);
        this.moments.add(v);
        this.kll.update(v);
        break;
      }
      case ValueClass.Boolean:
        this.classes.boolean++;
        this.distinct.addBytes(buf, start, end);
        break;
      default:
        this.classes.string++;
        this.distinct.addBytes(buf, start, end);
        if (!isAscii(buf, start, end) && !isUtf8(buf.subarray(start, end))) this.invalidUtf8++;
    }
  }

  /**
   * Add `rows` fields of a NumericBlock column (from `base`), `missing` of them missing and
   * `fractional` Fractional (the block counts them as it fills): the same result as
   * addClassified on each in turn, with every state fed in one loop (moments, KLL and distinct
   * values only depend on the order of this column's own values, which is kept).
   * `momentsDone`: the caller already added this column's values to the moments (NumericBlock
   * pairs columns for that).
   */
  addNumericBlock(
    block: NumericBlock,
    base: number,
    rows: number,
    missing: number,
    fractional: number,
    buf: Uint8Array,
    momentsDone = false,
  ): void {
    const kinds = block.kinds;
    const present = rows - missing;
    this.classes.integral += present - fractional;
    this.classes.fractional += fractional;
    this.classes.null += missing;
    if (present === 0) return;
    if (present === rows) {
      if (!momentsDone) this.moments.addAll(block.values, base, rows);
      this.kll.updateAll(block.values, base, rows);
      this.distinct.addNumbers(block.values, kinds, block.starts, block.ends, base, rows, buf);
      return;
    }
    const fits = present <= PACKED_SCRATCH_ITEMS;
    const packedValues = fits ? packedValuesScratch : new Float64Array(present);
    const packedKinds = fits ? packedKindsScratch : new Uint8Array(present);
    const packedStarts = fits ? packedStartsScratch : new Int32Array(present);
    const packedEnds = fits ? packedEndsScratch : new Int32Array(present);
    let n = 0;
    for (let i = base; i < base + rows; i++) {
      if ((kinds[i] & CLASS_MASK) === ValueClass.Null) continue;
      packedValues[n] = block.values[i];
      packedKinds[n] = kinds[i];
      packedStarts[n] = block.starts[i];
      packedEnds[n] = block.ends[i];
      n++;
    }
    this.moments.addAll(packedValues, 0, n);
    this.kll.updateAll(packedValues, 0, n);
    this.distinct.addNumbers(packedValues, packedKinds, packedStarts, packedEnds, 0, n, buf);
  }

  /** Add one decoded value; null (or "") is missing. */
  addText(value: string | null): void {
    if (value === null || value.length === 0) {
      this.classes.null++;
      return;
    }
    const bytes = Buffer.from(value, "utf8");
    this.addBytes(bytes, 0, bytes.length);
  }

  get type(): ColumnType {
    return determineType(this.classes);
  }

  get present(): number {
    const c = this.classes;
    return c.fractional + c.integral + c.boolean + c.string;
  }

  /** Deep copy; merging into a copy keeps Deequ's merge order (this.merge(that)). */
  clone(): ColumnProfile {
    const copy = new ColumnProfile();
    Object.assign(copy.classes, this.classes);
    copy.invalidUtf8 = this.invalidUtf8;
    copy.moments.merge(this.moments);
    copy.kll = this.kll.clone();
    copy.distinct.merge(this.distinct);
    return copy;
  }

  merge(other: ColumnProfile): this {
    const a = this.classes;
    const b = other.classes;
    a.null += b.null;
    a.fractional += b.fractional;
    a.integral += b.integral;
    a.boolean += b.boolean;
    a.string += b.string;
    this.invalidUtf8 += other.invalidUtf8;
    this.moments.merge(other.moments);
    this.kll.merge(other.kll);
    this.distinct.merge(other.distinct);
    return this;
  }
}

function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return false;
  return true;
}
