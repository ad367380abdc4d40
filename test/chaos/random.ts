/** A seeded PRNG (mulberry32), so a chaos run's kill moments can be replayed with `--seed`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const between = (random: () => number, min: number, max: number): number =>
  Math.round(min + random() * (max - min));

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
