/**
 * The emulator's clock: wall time plus an offset that only tests move forward (`POST /_emulator/clock`),
 * so a test that needs time to pass (creation times have one-second resolution) advances it instead of
 * sleeping. Everything the emulator dates or settles reads this one clock. The offset is not persisted.
 */
export class Clock {
  private offsetMs = 0;

  readonly now = (): number => Date.now() + this.offsetMs;

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}
