/**
 * Temporal's time-skipping test server for `TestWorkflowEnvironment.createTimeSkipping`, without the SDK's
 * run-time download (which fails offline): the Maven Central artifact `io.temporal:temporal-test-server`
 * (the Java SDK's test server, of which the SDK's download is a native build) run on the machine's JVM by
 * a wrapper the SDK starts as an `existing-path` executable. The SDK gives a server 5 s to listen, more than
 * a cold JVM takes on a loaded 2-core machine, so the install also records a class-data-sharing archive.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

export const TEST_SERVER_VERSION = '1.38.0';
/** JVM flags for a run of seconds: no optimizing JIT (the server's wrapper below uses it too), serial GC. */
const SHORT_LIVED_JVM = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, '.tools', 'temporal-test-server');
/** The executable to give `createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`. */
export const TEST_SERVER_PATH = path.join(DIR, 'temporal-test-server');
const MARKER = path.join(DIR, `.installed-${TEST_SERVER_VERSION}`);

export const testServerInstalled = (): boolean => existsSync(MARKER);

export async function ensureTestServer(log: (m: string) => void = console.log): Promise<void> {
  if (testServerInstalled()) return;
  log(`ensure-tools: installing Temporal's test server ${TEST_SERVER_VERSION} (Maven) into ${DIR}…`);
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  await promisify(execFile)(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      path.join(ROOT, 'scripts', 'temporal-test-server', 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${path.join(DIR, 'lib')}`,
    ],
    // A short-lived JVM spends most of its CPU in the optimizing JIT and G1's threads: C1 only and the serial
    // collector halve it (6.5 → 3.4 CPU-s here, and quicker too).
    {
      maxBuffer: 16 << 20,
      env: { ...process.env, MAVEN_OPTS: `${process.env.MAVEN_OPTS ?? ''} ${SHORT_LIVED_JVM}`.trim() },
    },
  );
  writeFileSync(
    TEST_SERVER_PATH,
    [
      '#!/bin/sh',
      '# Temporal test server on the JVM (see scripts/temporal-test-server.ts); args: <port> [options].',
      'dir=$(dirname "$0")',
      'share=""',
      '[ -f "$dir/classes.jsa" ] && share="-XX:SharedArchiveFile=$dir/classes.jsa"',
      'exec java $share -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@" 2>>"$dir/server.log"',
      '',
    ].join('\n'),
  );
  chmodSync(TEST_SERVER_PATH, 0o755);
  await recordClassArchive();
  writeFileSync(MARKER, '');
}

/** One start of the server with -XX:ArchiveClassesAtExit, stopped once it listens. */
async function recordClassArchive(): Promise<void> {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const child = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      `-XX:ArchiveClassesAtExit=${path.join(DIR, 'classes.jsa')}`,
      '-cp',
      `${path.join(DIR, 'lib')}/*`,
      'io.temporal.testserver.TestServer',
      String(port),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const up = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => (sock.end(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  await exited;
}
