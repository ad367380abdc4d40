/**
 * Fault injection like LocalStack's chaos API: rules matched by action (and region), each firing with a
 * probability drawn from a seeded PRNG so a run is reproducible.
 */
import { z } from 'zod';

export const faultRuleSchema = z.object({
  action: z.string().min(1),
  region: z.string().optional(),
  probability: z.number().min(0).max(1).default(1),
  /** Answer this Tencent error code without applying the action. */
  error: z.string().optional(),
  message: z.string().optional(),
  /** HTTP status of the answer (an error code with status ≠ 200, or a bare 5xx when no code). */
  httpStatus: z.number().int().min(100).max(599).optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  /** Apply the action, then answer 5xx (`httpStatus`, default 502) or, with `dropConnection`, close the socket. */
  commitThenDrop: z.boolean().optional(),
  dropConnection: z.boolean().optional(),
  /**
   * A call the cloud applies after the client gave up: no answer (the connection closes at once, as a client
   * timeout ends it), and the action is applied `lateMs` later (default 2000), whatever happened meanwhile.
   */
  commitAfterTimeout: z.boolean().optional(),
  lateMs: z.number().int().min(0).max(600_000).optional(),
  /** The created resource ends in this state (image CREATEFAILED, instance LAUNCH_FAILED, task FAILED). */
  resultState: z.string().optional(),
  /** Fire at most this many times. */
  count: z.number().int().positive().optional(),
});

export const faultsBodySchema = z.object({
  seed: z.number().int().optional(),
  rules: z.array(faultRuleSchema),
});

export type FaultRule = z.infer<typeof faultRuleSchema>;

/** mulberry32: tiny, fast, good enough for reproducible fault draws; its whole state is one uint32. */
class Prng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** What the state file keeps of the faults, so a chaos run's rules outlive an emulator restart. */
export interface PersistedFaults {
  rules: (FaultRule & { fired: number })[];
  fired: number;
  random: number;
}

/** The part of the store the faults use (state/store.ts). */
export interface FaultsStore {
  state: { faults?: PersistedFaults };
  save(): void;
}

export interface FiredFaults {
  latencyMs: number;
  error?: { code: string; message: string; httpStatus: number };
  bareStatus?: number;
  commitThenDrop?: { httpStatus?: number; dropConnection: boolean };
  commitAfterTimeout?: { lateMs: number };
  resultState?: string;
}

export class Faults {
  private rules: (FaultRule & { fired: number })[] = [];
  private random = new Prng(1);
  private fired = 0;

  /** With a store: rules, counts and the PRNG come from its state and are saved back when they change. */
  constructor(private readonly store?: FaultsStore) {
    const saved = store?.state.faults;
    if (saved) {
      this.rules = saved.rules.map((r) => ({ ...faultRuleSchema.parse(r), fired: r.fired }));
      this.fired = saved.fired;
      this.random = new Prng(saved.random);
    }
  }

  set(body: z.infer<typeof faultsBodySchema>): void {
    this.rules = body.rules.map((r) => ({ ...r, fired: 0 }));
    this.random = new Prng(body.seed ?? Date.now());
    this.persist();
  }

  clear(): void {
    this.rules = [];
    this.persist();
  }

  private persist(): void {
    if (!this.store) return;
    this.store.state.faults = { rules: this.rules, fired: this.fired, random: this.random.state };
    this.store.save();
  }

  list(): { rules: FaultRule[]; fired: number } {
    return { rules: this.rules.map(({ fired: _f, ...r }) => r), fired: this.fired };
  }

  /** Draws every matching rule once and merges what fired. */
  draw(action: string, region: string): FiredFaults {
    const out: FiredFaults = { latencyMs: 0 };
    const firedBefore = this.fired;
    for (const rule of this.rules) {
      if (rule.action !== action && rule.action !== '*') continue;
      if (rule.region && rule.region !== region) continue;
      if (rule.count !== undefined && rule.fired >= rule.count) continue;
      if (this.random.next() >= rule.probability) continue;
      rule.fired++;
      this.fired++;
      out.latencyMs += rule.latencyMs ?? 0;
      if (rule.error && !out.error) {
        out.error = {
          code: rule.error,
          message: rule.message ?? `Injected fault: ${rule.error}.`,
          httpStatus: rule.httpStatus ?? 200,
        };
      } else if (rule.httpStatus && !rule.error && !rule.commitThenDrop && !out.bareStatus) {
        out.bareStatus = rule.httpStatus;
      }
      if (rule.commitThenDrop) {
        out.commitThenDrop = { httpStatus: rule.httpStatus, dropConnection: rule.dropConnection ?? !rule.httpStatus };
      }
      if (rule.commitAfterTimeout && !out.commitAfterTimeout) out.commitAfterTimeout = { lateMs: rule.lateMs ?? 2000 };
      if (rule.resultState) out.resultState = rule.resultState;
    }
    if (this.fired !== firedBefore) this.persist(); // a `count` spent before a restart stays spent
    return out;
  }
}
