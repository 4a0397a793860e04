/**
 * A small seeded generator (mulberry32) for the workshop's reproducible choices: the train/test
 * split and which rows the drifted traffic changes. Hand-written: reproducibility is all these
 * need, and a dependency for six lines would not make them clearer. (The XGBoost engine has its
 * own generators: it must reproduce libstdc++'s bit for bit.)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
