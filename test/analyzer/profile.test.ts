import {
  Profile,
  formatStatistics,
  mergeProfiles,
  profileCsv,
  readStatistics,
  toStatistics,
} from "../../helpers/analyzer";
import {
  ValueClass,
  classifyBytes,
  field,
  parsed,
  scanField,
} from "../../helpers/analyzer/profile/dataType";
import { CsvScanner } from "../../helpers/analyzer/input/csvScanner";
import { DistinctValues } from "../../helpers/analyzer/profile/distinct";

const quiet = { log: null } as const;
const csv = (text: string | Buffer) => ({ content: text });

describe("value classes (Deequ StatefulDataType regexes, spec §3.2)", () => {
  const FRACTIONAL = /^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$/;
  const INTEGRAL = /^(-|\+)? ?\d+$/;
  const BOOLEAN = /^(true|false)$/;
  const reference = (s: string): ValueClass =>
    s === ""
      ? ValueClass.Null
      : FRACTIONAL.test(s)
        ? ValueClass.Fractional
        : INTEGRAL.test(s)
          ? ValueClass.Integral
          : BOOLEAN.test(s)
            ? ValueClass.Boolean
            : ValueClass.String;

  it.each([
    ["12", ValueClass.Integral],
    ["-12", ValueClass.Integral],
    ["+ 12", ValueClass.Integral],
    ["1.5", ValueClass.Fractional],
    ["1e5", ValueClass.Fractional],
    ["5.00E+05", ValueClass.Fractional],
    [".5", ValueClass.String],
    ["5.", ValueClass.String],
    ["NaN", ValueClass.String],
    [" 5", ValueClass.Integral],
    ["  5", ValueClass.String],
    ["- 1e3", ValueClass.Fractional],
    ["true", ValueClass.Boolean],
    ["True", ValueClass.String],
    ["", ValueClass.Null],
  ])("%p", (text, expected) => {
    const b = Buffer.from(text);
    expect(classifyBytes(b, 0, b.length)).toBe(expected);
    expect(reference(text)).toBe(expected);
  });

  it("agrees with the regexes on generated strings", () => {
    const alphabet = ["0", "1", "9", ".", "-", "+", " ", "e", "E", "t", "x"];
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 5000; i++) {
      const len = 1 + (next() % 7);
      let s = "";
      for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
      const b = Buffer.from(s);
      expect([s, classifyBytes(b, 0, b.length)]).toEqual([s, reference(s)]);
    }
  });
});

describe("scanField (one-pass CSV field classification)", () => {
  it("agrees with classifyBytes on the isolated field, for every delimiter", () => {
    const alphabet = ["0", "7", "9", ".", "-", "+", " ", "e", "E", "t", "\r", "x"];
    const delimiters = [",", "\n", "\r\n", ""];
    let seed = 11;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      const len = next() % 8;
      for (let j = 0; j < len; j++) text += alphabet[next() % alphabet.length];
      if (next() % 5 === 0) text = String(next() % 100_000) + "." + String(next() % 1000);
      if (next() % 7 === 0) {
        text = (next() % 2 ? "-" : "") + String((next() % 100_000) / 10 ** (next() % 9));
      }
      const full = Buffer.from(text + delimiters[next() % delimiters.length] + "tail");
      const end = full.length;
      let j = 0;
      while (j < end && full[j] !== 0x2c && full[j] !== 0x0a) j++;
      let fieldEnd = j;
      if (fieldEnd > 0 && full[fieldEnd - 1] === 0x0d && (j === end || full[j] === 0x0a))
        fieldEnd--;
      const expectedClass = classifyBytes(full, 0, fieldEnd);
      const expectedValue = parsed.value;
      const expectedCanonical = parsed.canonical;
      const actualClass = scanField(full, 0, end);
      expect([text, actualClass, field.end, field.next]).toEqual([
        text,
        expectedClass,
        fieldEnd,
        j,
      ]);
      if (actualClass === ValueClass.Integral || actualClass === ValueClass.Fractional) {
        expect([text, parsed.value, parsed.canonical]).toEqual([
          text,
          expectedValue,
          expectedCanonical,
        ]);
        // Canonical means the value alone gives back the text (the distinct table relies on it).
        const fieldText = full.toString("latin1", 0, fieldEnd);
        if (parsed.canonical) expect(String(parsed.value)).toBe(fieldText);
      }
    }
  });
});

describe("profileCsv statistics (spec §3)", () => {
  it("matches the spec's AGE example", async () => {
    const p = await profileCsv(csv("AGE\n23\n35\n41\n35\n52\n"), { header: true, ...quiet });
    const s = toStatistics(p);
    expect(s.dataset.item_count).toBe(5);
    const n = s.features[0].numerical_statistics!;
    expect(s.features[0].inferred_type).toBe("Integral");
    expect(n.mean).toBe(37.2);
    expect(n.sum).toBe(186);
    expect(n.std_dev).toBe(9.431860898041277);
    expect([n.min, n.max]).toEqual([23, 52]);
    expect(n.distribution!.kll.sketch.data).toEqual([[23, 35, 41, 35, 52]]);
    expect(n.distribution!.kll.buckets[0]).toEqual({
      lower_bound: 23,
      upper_bound: 25.9,
      count: 1,
    });
    const text = formatStatistics(s);
    expect(text).toContain('"item_count" : 5,'.replace(",", ""));
    expect(text).toContain('"std_dev" : 9.431860898041277,');
    expect(text).toContain('"data" : [ [ 23.0, 35.0, 41.0, 35.0, 52.0 ] ]');
    expect(readStatistics(text)).toEqual(s);
  });

  it("std_dev is the population value (uniform 1..5 -> sqrt 2)", async () => {
    const s = toStatistics(await profileCsv(csv("1\n2\n3\n4\n5"), { header: false, ...quiet }));
    expect(s.features[0].name).toBe("_c0");
    expect(s.features[0].numerical_statistics!.std_dev).toBeCloseTo(Math.SQRT2, 14);
  });

  it("infers column types and string statistics with a categorical histogram", async () => {
    const p = await profileCsv(
      csv("i,f,s,b,mixed,empty\n1,1.5,x,true,1,\n2,2,y,false,true,\n3,3,x,true,2,\n"),
      { header: true, ...quiet },
    );
    const s = toStatistics(p);
    expect(s.features.map((f) => f.inferred_type)).toEqual([
      "Integral",
      "Fractional",
      "String",
      "String", // Boolean-only is written as String [P]
      "String", // Boolean mixed with numbers
      "Unknown",
    ]);
    const str = s.features[2].string_statistics!;
    expect(str.common).toEqual({ num_present: 3, num_missing: 0 });
    expect(str.distinct_count).toBe(2);
    expect(str.distribution!.categorical.buckets).toEqual([
      { value: "x", count: 2 },
      { value: "y", count: 1 },
    ]);
    expect(s.features[5].string_statistics!.common).toEqual({ num_present: 0, num_missing: 3 });
    expect(formatStatistics(s)).toContain('"count" : 2\n');
  });

  it("drops the categorical histogram above 120 distinct values", async () => {
    const rows = Array.from({ length: 121 }, (_, i) => `v${i}`).join("\n");
    const s = toStatistics(await profileCsv(csv(rows), { header: false, ...quiet }));
    expect(s.features[0].string_statistics!.distinct_count).toBe(121);
    expect(s.features[0].string_statistics!.distribution).toBeUndefined();
  });

  it("estimates distinct counts past the exact limit with HyperLogLog", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `id-${i}`).join("\n");
    const s = toStatistics(await profileCsv(csv(rows), { header: false, ...quiet }));
    const d = s.features[0].string_statistics!.distinct_count;
    // 2^12 registers: 1.6 % standard error; 5 % is three of them.
    expect(Math.abs(d - 20_000) / 20_000).toBeLessThan(0.05);
  });

  it("keeps numeric texts that differ only in notation apart", async () => {
    const s = toStatistics(
      await profileCsv(csv('1\n1.0\n1\n+1\n01\n1e0\n-0\n0\n0.10\n0.1\n"1"\nx'), {
        header: false,
        ...quiet,
      }),
    );
    expect(s.features[0].string_statistics!.distribution!.categorical.buckets).toEqual([
      { value: "1", count: 3 },
      { value: "+1", count: 1 },
      { value: "-0", count: 1 },
      { value: "0", count: 1 },
      { value: "0.1", count: 1 },
      { value: "0.10", count: 1 },
      { value: "01", count: 1 },
      { value: "1.0", count: 1 },
      { value: "1e0", count: 1 },
      { value: "x", count: 1 },
    ]);
  });

  it("counts numeric values of a column that turns String at the end", async () => {
    const rows =
      Array.from({ length: 30_000 }, (_, i) => String(i * 3)).join("\n") + "\nlate-string";
    const s = toStatistics(await profileCsv(csv(rows), { header: false, ...quiet }));
    expect(s.features[0].inferred_type).toBe("String");
    const d = s.features[0].string_statistics!.distinct_count;
    expect(Math.abs(d - 30_001) / 30_001).toBeLessThan(0.05);
  });

  it("reads quoted fields, CRLF, a BOM and a missing final newline", async () => {
    const text = '\uFEFFname,"n"\r\n"a, ""quoted"" b",1\r\n"multi\nline",2\r\nplain,3';
    const p = await profileCsv(csv(text), { header: true, ...quiet });
    const s = toStatistics(p);
    expect(p.names).toEqual(["name", "n"]);
    expect(s.dataset.item_count).toBe(3);
    expect(
      s.features[0].string_statistics!.distribution!.categorical.buckets.map((b) => b.value),
    ).toEqual(['a, "quoted" b', "multi\nline", "plain"]);
    expect(s.features[1].numerical_statistics!.sum).toBe(6);
  });

  it("is independent of how the input is chunked", async () => {
    const lines = ["a,b,c"];
    for (let i = 0; i < 3000; i++) lines.push(`${i},"q${i % 7}",${(i * 0.25).toFixed(2)}`);
    const text = Buffer.from(lines.join("\n") + "\n");
    const whole = formatStatistics(
      toStatistics(await profileCsv(csv(text), { header: true, ...quiet })),
    );
    const { Readable } = await import("node:stream");
    const pieces: Buffer[] = [];
    for (let o = 0; o < text.length; o += 7) pieces.push(text.subarray(o, o + 7));
    const chunked = await profileCsv(Readable.from(pieces), { header: true, ...quiet });
    expect(formatStatistics(toStatistics(chunked))).toBe(whole);
  });
});

describe("mergeable state (issue 9 §6)", () => {
  it("profile(chunk1) merged with profile(chunk2) equals profile(union) for exact statistics", async () => {
    const rows: string[] = [];
    for (let i = 0; i < 5000; i++)
      rows.push(
        `${(i * 37) % 1001},${((i * 13) % 400) * 0.25},${i % 3 ? "a" : "b"},${i % 11 ? i : ""}`,
      );
    const header = "x,y,s,m\n";
    const all = await profileCsv(csv(header + rows.join("\n")), { header: true, ...quiet });
    const a = await profileCsv(csv(header + rows.slice(0, 1700).join("\n")), {
      header: true,
      ...quiet,
    });
    const b = await profileCsv(csv(header + rows.slice(1700).join("\n")), {
      header: true,
      ...quiet,
    });
    const merged = toStatistics(mergeProfiles(a, b));
    const union = toStatistics(all);
    expect(merged.dataset).toEqual(union.dataset);
    merged.features.forEach((f, i) => {
      const u = union.features[i];
      expect(f.inferred_type).toBe(u.inferred_type);
      if (f.numerical_statistics) {
        const m = f.numerical_statistics;
        const n = u.numerical_statistics!;
        expect(m.common).toEqual(n.common);
        expect([m.sum, m.min, m.max, m.mean]).toEqual([n.sum, n.min, n.max, n.mean]);
        expect(m.std_dev).toBeCloseTo(n.std_dev, 10);
        const weight = (d: number[][]) => d.reduce((s, l, h) => s + l.length * 2 ** h, 0);
        expect(weight(m.distribution!.kll.sketch.data)).toBe(m.common.num_present);
        expect(m.distribution!.kll.buckets.reduce((s, x) => s + x.count, 0)).toBe(
          m.common.num_present,
        );
      } else {
        expect(f.string_statistics).toEqual(u.string_statistics);
      }
    });
    // Inputs are untouched.
    expect(a.itemCount).toBe(1700);
  });

  it("merges distinct values exactly below the limit and by HyperLogLog above it", () => {
    const fill = (from: number, to: number): DistinctValues => {
      const d = new DistinctValues();
      for (let i = from; i < to; i++) d.addBytes(Buffer.from(`v${i}`), 0, `v${i}`.length);
      return d;
    };
    const small = fill(0, 100).merge(fill(50, 150));
    expect(small.isExact).toBe(true);
    expect(small.count()).toBe(150);
    expect(small.entries()!.find((e) => e.value === "v60")!.count).toBe(2);
    // 3000 + 3000 distinct values overflow the exact limit (4096) during the merge.
    const big = fill(0, 3000).merge(fill(3000, 6000));
    expect(big.isExact).toBe(false);
    expect(Math.abs(big.count() - 6000) / 6000).toBeLessThan(0.05);
    // Estimate + exact, and estimate + estimate.
    const mixed = fill(0, 5000).merge(fill(4000, 4100)).merge(fill(5000, 10_000));
    expect(Math.abs(mixed.count() - 10_000) / 10_000).toBeLessThan(0.05);
    expect(mixed.entries()).toBeUndefined();
  });

  it("estimates numbers by the same hash of their two words whichever way they arrive", () => {
    // Integers, negative fractions and large fractions: past the exact limit, one at a time
    // (hashDouble) and as a block (the estimate's own loop, which skips mixing a zero low word).
    // The estimate is pinned: any change to the hash moves it.
    const n = 20_000;
    const values = Float64Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? i * 7 : i % 3 === 1 ? -i * 0.25 : i / 1024 + 1e6,
    );
    const one = new DistinctValues();
    for (const v of values) one.addNumber(v, true, new Uint8Array(0), 0, 0);
    const block = new DistinctValues();
    const kinds = new Uint8Array(n).fill(1 | 4); // Fractional | canonical
    block.addNumbers(values, kinds, new Int32Array(n), new Int32Array(n), 0, n, new Uint8Array(0));
    expect(one.isExact).toBe(false);
    expect(one.count()).toBe(19_717);
    expect(block.count()).toBe(19_717);
  });

  it("refuses to merge profiles with different columns", () => {
    const a = new Profile({ names: ["x"] });
    const b = new Profile({ names: ["y"] });
    expect(() => mergeProfiles(a, b)).toThrow(/column 0 is "x".*"y"/);
  });
});

describe("bad data never crashes the profiler (issue 9 §7)", () => {
  it("empty input", async () => {
    const p = await profileCsv(csv(""), { header: true, ...quiet });
    expect(toStatistics(p)).toEqual({ version: 0, dataset: { item_count: 0 }, features: [] });
    const h = toStatistics(await profileCsv(csv("a,b\n"), { header: true, ...quiet }));
    expect(h.dataset.item_count).toBe(0);
    expect(h.features.map((f) => f.inferred_type)).toEqual(["Unknown", "Unknown"]);
  });

  it("all-null column", async () => {
    const s = toStatistics(await profileCsv(csv("a,b\n1,\n2,\n"), { header: true, ...quiet }));
    expect(s.features[1]).toEqual({
      name: "b",
      inferred_type: "Unknown",
      string_statistics: { common: { num_present: 0, num_missing: 2 }, distinct_count: 0 },
    });
  });

  it("rows with too few and too many fields are padded/cut and reported", async () => {
    const lines: string[] = [];
    const p = await profileCsv(csv("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12"), {
      header: true,
      log: (l) => lines.push(l),
    });
    const s = toStatistics(p);
    expect(s.dataset.item_count).toBe(4);
    expect(s.features.length).toBe(3);
    expect(s.features[2].numerical_statistics!.common).toEqual({ num_present: 3, num_missing: 1 });
    expect(p.report.shortRows).toBe(1);
    expect(p.report.longRows).toBe(1);
    expect(p.report.examples[0]).toMatch(/line 3: row has 2 fields, expected 3/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/1 row\(s\) with too few fields; 1 row\(s\) with too many fields/);
  });

  it("without a header, wider rows add columns backfilled as missing", async () => {
    const s = toStatistics(await profileCsv(csv("1,2\n3,4,5\n"), { header: false, ...quiet }));
    expect(s.features.map((f) => f.name)).toEqual(["_c0", "_c1", "_c2"]);
    expect(s.features[2].numerical_statistics!.common).toEqual({ num_present: 1, num_missing: 1 });
  });

  it("invalid UTF-8 is kept with replacement characters and counted", async () => {
    const bytes = Buffer.concat([Buffer.from("s\nok\n"), Buffer.from([0x62, 0xff, 0x61, 0x0a])]);
    const p = await profileCsv(csv(bytes), { header: true, ...quiet });
    const s = toStatistics(p);
    expect(s.dataset.item_count).toBe(2);
    expect(p.columns[0].invalidUtf8).toBe(1);
    const quoted = await profileCsv(
      csv(Buffer.concat([Buffer.from('s\n"b'), Buffer.from([0xfe]), Buffer.from('"\n')])),
      {
        header: true,
        ...quiet,
      },
    );
    expect(quoted.columns[0].invalidUtf8).toBe(1);
    expect(
      s.features[0].string_statistics!.distribution!.categorical.buckets.map((b) => b.value),
    ).toContain("b\uFFFDa");
  });

  it("an unterminated quote at the end skips only that row, reported", async () => {
    const p = await profileCsv(csv('a\n1\n"open'), { header: true, ...quiet });
    expect(p.itemCount).toBe(1);
    expect(p.report.skippedRecords).toBe(1);
    expect(p.report.skipReasons).toEqual({ "unterminated quoted field": 1 });
  });

  it("very wide rows are profiled (and capped at MAX_COLUMNS without header)", async () => {
    const wide = Array.from({ length: 5000 }, (_, i) => String(i)).join(",");
    const p = await profileCsv(csv(`${wide}\n${wide}\n`), { header: false, ...quiet });
    expect(p.columns.length).toBe(5000);
    expect(toStatistics(p).features[4999].numerical_statistics!.mean).toBe(4999);
    const tooWide = Array.from({ length: 10_005 }, () => "1").join(",");
    const q = await profileCsv(csv(tooWide), { header: false, ...quiet });
    expect(q.columns.length).toBe(10_000);
    expect(q.report.examples[0]).toMatch(/10005 fields; only the first 10000/);
  });

  it("an oversized row is skipped and reported; the rows after it are profiled", () => {
    const profile = new Profile();
    const scanner = new CsvScanner(profile, { header: true, maxRowBytes: 50, source: "big.csv" });
    scanner.push(Buffer.from("a\n1\n" + "x".repeat(100)));
    scanner.push(Buffer.from("y".repeat(30) + "\n2\n3\n"));
    scanner.end();
    expect(profile.itemCount).toBe(3);
    expect(toStatistics(profile).features[0].numerical_statistics!.sum).toBe(6);
    expect(profile.report.skipReasons).toEqual({ "row too large": 1 });
    expect(profile.report.examples[0]).toMatch(
      /^big.csv line 3: row too large \(a single row exceeds 50 bytes/,
    );
  });

  it("blank lines are skipped and counted", async () => {
    const p = await profileCsv(csv("a\n1\n\n2\r\n\r\n"), { header: true, ...quiet });
    expect(p.itemCount).toBe(2);
    expect(p.report.blankLines).toBe(2);
  });

  it("a missing input path fails with the path in the message", async () => {
    await expect(profileCsv("/nonexistent/file.csv", { header: true, ...quiet })).rejects.toThrow(
      /input not found: \/nonexistent\/file.csv/,
    );
  });
});
