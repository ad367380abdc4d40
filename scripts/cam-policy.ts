/**
 * `npm run cam-policy`: the least-privilege CAM policy for the worker's credentials, generated from the
 * Tencent actions the runtime code calls (every call goes through TencentApi: `api.cvm(region, 'Action',
 * (c) => c.Action(…))`). Writes policy/cam-policy.json; `--check` only compares and exits 1 on drift.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const POLICY_FILE = path.join(ROOT, 'policy', 'cam-policy.json');

export interface CallSite {
  file: string;
  line: number;
  /** CAM service prefix: cvm, cbs or tat. */
  service: string;
  action: string;
}

export interface Scan {
  calls: CallSite[];
  /** Call sites the scanner cannot vouch for (action name not a literal, or not the SDK method called). */
  problems: string[];
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Finds every Tencent call in one file's source. */
export function scanSource(file: string, text: string): Scan {
  const calls: CallSite[] = [];
  const problems: string[] = [];
  // api.<service>(<region>, '<Action>', (c) => c.<Method>(…)): the action names what the SDK method does.
  const viaApi = /\.(cvm|cbs|tat)\(\s*[\w.!?]+\s*,\s*(?:'(\w+)'|([^,]+?))\s*,/g;
  for (const m of text.matchAll(viaApi)) {
    const line = lineOf(text, m.index);
    if (!m[2]) {
      problems.push(`${file}:${line}: the action is not a string literal (${m[3].trim()}): cannot list it`);
      continue;
    }
    const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 200);
    const method = /^\s*\(?\s*(\w+)\s*\)?\s*=>\s*\(?\s*(?:await\s+)?(\w+)\.(\w+)\(/.exec(rest);
    if (!method || method[1] !== method[2]) {
      problems.push(`${file}:${line}: ${m[2]}: cannot see which SDK method the callback calls`);
    } else if (method[3] !== m[2]) {
      problems.push(`${file}:${line}: labelled ${m[2]} but calls ${method[3]}`);
    }
    calls.push({ file, line, service: m[1], action: m[2] });
  }
  // A client used directly, around TencentApi: still a call the policy must allow.
  const direct = /\.(cvm|cbs|tat)\([^(),]*\)\s*\.\s*([A-Z]\w+)\(/g;
  for (const m of text.matchAll(direct)) {
    calls.push({ file, line: lineOf(text, m.index), service: m[1], action: m[2] });
  }
  return { calls, problems };
}

/** The runtime: src/ except the emulator (which serves these actions rather than calling them). */
export function runtimeFiles(dir = path.join(ROOT, 'src')): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== path.join(ROOT, 'src', 'emulator')) out.push(...runtimeFiles(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

export function scanRuntime(files = runtimeFiles()): Scan {
  const all: Scan = { calls: [], problems: [] };
  for (const file of files) {
    const s = scanSource(path.relative(ROOT, file), readFileSync(file, 'utf8'));
    all.calls.push(...s.calls);
    all.problems.push(...s.problems);
  }
  return all;
}

export interface CamPolicy {
  version: '2.0';
  statement: { effect: 'allow'; action: string[]; resource: string[] }[];
}

export function policyFor(calls: CallSite[]): CamPolicy {
  const actions = [...new Set(calls.map((c) => `${c.service}:${c.action}`))].sort();
  return { version: '2.0', statement: [{ effect: 'allow', action: actions, resource: ['*'] }] };
}

/** As prettier writes it (the repository's style, checked by npm run lint). */
export async function policyText(p: CamPolicy): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(POLICY_FILE)) ?? {};
  return prettier.format(JSON.stringify(p), { ...options, parser: 'json' });
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const scan = scanRuntime();
  if (scan.problems.length) {
    console.error(`cam-policy: cannot derive the policy:\n${scan.problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  const policy = policyFor(scan.calls);
  const actions = policy.statement[0].action;
  if (check) {
    let current: unknown;
    try {
      current = JSON.parse(readFileSync(POLICY_FILE, 'utf8'));
    } catch {
      // missing or unreadable: drift
    }
    if (JSON.stringify(current) !== JSON.stringify(policy)) {
      console.error('cam-policy: policy/cam-policy.json is out of date; run npm run cam-policy');
      process.exit(1);
    }
    console.log(`cam-policy: policy/cam-policy.json grants exactly the ${actions.length} actions the code calls`);
    return;
  }
  writeFileSync(POLICY_FILE, await policyText(policy));
  console.log(`cam-policy: wrote policy/cam-policy.json (${actions.length} actions)`);
}

if (require.main === module) void main();
