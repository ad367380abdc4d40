/**
 * The state store: one JSON document, settled lazily against the clock and saved (atomically) after
 * every change when a state file is configured.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyState, type EmulatorState, type Pending, type SettledEvent } from './types';

const MAX_SETTLED_EVENTS = 50_000;

type Kind = SettledEvent['kind'];

/** Hooks run when a resource reaches its pending state (e.g. an image going NORMAL frees its instance). */
export type SettleHook = (kind: Kind, id: string, to: string, at: number) => void;

export class Store {
  state: EmulatorState;
  private hooks: SettleHook[] = [];
  private saveFailing = false;

  constructor(
    private readonly stateFile?: string,
    readonly now: () => number = Date.now,
  ) {
    this.state = stateFile && existsSync(stateFile) ? load(stateFile) : emptyState();
  }

  onSettle(hook: SettleHook): void {
    this.hooks.push(hook);
  }

  /** Applies every transition whose time has come, in time order. */
  settle(now = this.now()): void {
    const due: { kind: Kind; id: string; rec: { pending?: Pending; state?: string } }[] = [];
    const s = this.state;
    for (const rec of Object.values(s.instances))
      if (rec.pending && rec.pending.at <= now) due.push({ kind: 'instance', id: rec.id, rec });
    for (const rec of Object.values(s.images))
      if (rec.pending && rec.pending.at <= now) due.push({ kind: 'image', id: rec.id, rec });
    for (const rec of Object.values(s.snapshots))
      if (rec.pending && rec.pending.at <= now) due.push({ kind: 'snapshot', id: rec.id, rec });
    for (const rec of Object.values(s.disks)) {
      if (rec.pending && rec.pending.at <= now) due.push({ kind: 'disk', id: rec.id, rec });
      if (rec.creating && rec.creating.at <= now) {
        s.settled.push({ kind: 'disk', id: rec.id, state: 'CREATED', at: rec.creating.at });
        delete rec.creating;
      }
    }
    due.sort((a, b) => a.rec.pending!.at - b.rec.pending!.at);
    for (const { kind, id, rec } of due) {
      const { to, at } = rec.pending!;
      delete rec.pending;
      rec.state = to;
      this.recordSettled({ kind, id, state: to, at });
      for (const hook of this.hooks) hook(kind, id, to, at);
    }
  }

  recordSettled(event: SettledEvent): void {
    this.state.settled.push(event);
    if (this.state.settled.length > MAX_SETTLED_EVENTS)
      this.state.settled.splice(0, this.state.settled.length - MAX_SETTLED_EVENTS);
  }

  /** Earliest pending transition still to come, so callers can tell when the next change happens. */
  nextChangeAt(): number | undefined {
    let next: number | undefined;
    const s = this.state;
    for (const rec of [
      ...Object.values(s.instances),
      ...Object.values(s.images),
      ...Object.values(s.snapshots),
      ...Object.values(s.disks),
    ]) {
      if (rec.pending && (next === undefined || rec.pending.at < next)) next = rec.pending.at;
    }
    return next;
  }

  reset(): void {
    const config = this.state.config;
    this.state = emptyState();
    this.state.config = config;
    this.save();
  }

  /**
   * Never throws: a state file that cannot be written (disk full, permissions, a directory in its place) is
   * said once on stderr, and the emulator serves on from memory, trying again at every change.
   */
  save(): void {
    if (!this.stateFile) return;
    const tmp = `${this.stateFile}.tmp-${process.pid}`;
    try {
      mkdirSync(dirname(this.stateFile), { recursive: true });
      writeFileSync(tmp, JSON.stringify(this.state));
      renameSync(tmp, this.stateFile);
      if (this.saveFailing) console.error(`[emulator] the state is saved to ${this.stateFile} again`);
      this.saveFailing = false;
    } catch (err) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // not ours to clean (a directory in its place): the next save tries again
      }
      if (!this.saveFailing) {
        console.error(
          `[emulator] cannot save the state to ${this.stateFile}: ${(err as Error).message}; ` +
            'serving on from memory (a restart would lose the changes since)',
        );
      }
      this.saveFailing = true;
    }
  }
}

function load(file: string): EmulatorState {
  let parsed: EmulatorState;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as EmulatorState;
  } catch (err) {
    throw new Error(`state file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed.version !== 1) throw new Error(`state file ${file} has unsupported version ${String(parsed.version)}`);
  return { ...emptyState(), ...parsed };
}
