/**
 * The import boundaries between the rooms of src/ are lint rules (eslint.config.js). A rule that stops
 * matching would let a violation through silently, so each room's rule is run here on a violating file
 * (and on an allowed one, so a rule that refuses everything fails too).
 */
import { ESLint } from 'eslint';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../../eslint.config.js');

const ROOT = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config });

/** The boundary messages ESLint reports for `source` as if it were the file at `file` (relative to the root). */
async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports' && m.severity === 2)
    .map((m) => m.message);
}

const use = (names: string) => `\nexport const used = [${names}];\n`;

describe('import boundaries (eslint.config.js)', () => {
  it.each([
    [
      'a workflow importing activity code',
      'src/workflows/x.ts',
      "import { createActivities } from '../activities/image';" + use('createActivities'),
    ],
    [
      'a workflow importing a Node built-in',
      'src/workflows/x.ts',
      "import { readFileSync } from 'node:fs';" + use('readFileSync'),
    ],
    ['a workflow importing a bare Node built-in', 'src/workflows/x.ts', "import fs from 'fs';" + use('fs')],
    [
      'a workflow importing the Tencent SDK',
      'src/workflows/x.ts',
      "import * as sdk from 'tencentcloud-sdk-nodejs';" + use('sdk'),
    ],
    [
      'a workflow importing the client',
      'src/workflows/x.ts',
      "import { createPipelineClient } from '../client';" + use('createPipelineClient'),
    ],
    [
      'an activity importing a workflow',
      'src/activities/x.ts',
      "import { createCustomImage } from '../workflows/create-custom-image';" + use('createCustomImage'),
    ],
    [
      'an activity importing workflow APIs',
      'src/activities/x.ts',
      "import { sleep } from '@temporalio/workflow';" + use('sleep'),
    ],
    [
      'an activity importing the emulator',
      'src/activities/x.ts',
      "import { startEmulator } from '../emulator';" + use('startEmulator'),
    ],
    [
      'the client importing the emulator',
      'src/client/x.ts',
      "import { startEmulator } from '../emulator';" + use('startEmulator'),
    ],
    [
      'the client importing activities',
      'src/client/x.ts',
      "import { createActivities } from '../activities';" + use('createActivities'),
    ],
    [
      'a CLI command importing the emulator',
      'src/cli/commands/status.ts',
      "import { startEmulator } from '../../emulator';" + use('startEmulator'),
    ],
    [
      'the CLI importing workflow code',
      'src/cli/x.ts',
      "import { validateInput } from '../workflows/validation';" + use('validateInput'),
    ],
    [
      'the worker importing the emulator',
      'src/worker.ts',
      "import { startEmulator } from './emulator';" + use('startEmulator'),
    ],
    [
      'src/cloud importing the emulator',
      'src/cloud/x.ts',
      "import { startEmulator } from '../emulator';" + use('startEmulator'),
    ],
    [
      'the codec importing the emulator',
      'src/codec/x.ts',
      "import { startEmulator } from '../emulator';" + use('startEmulator'),
    ],
    [
      'the contract importing a workflow',
      'src/contract/x.ts',
      "import { createCustomImage } from '../workflows';" + use('createCustomImage'),
    ],
    ['the contract importing Node', 'src/contract/x.ts', "import path from 'node:path';" + use('path')],
    [
      'the contract importing the Temporal client',
      'src/contract/x.ts',
      "import { Client } from '@temporalio/client';" + use('Client'),
    ],
    [
      'the emulator importing the contract',
      'src/emulator/cvm/x.ts',
      "import { TAG_RUN_ID } from '../../contract';" + use('TAG_RUN_ID'),
    ],
    [
      'the emulator importing activities',
      'src/emulator/x.ts',
      "import { createActivities } from '../activities';" + use('createActivities'),
    ],
  ])('refuses %s', async (_what, file, source) => {
    const errors = await boundaryErrors(file, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/import is restricted/);
  });

  it.each([
    [
      'a workflow importing activities as types',
      'src/workflows/x.ts',
      "import type { PipelineActivities } from '../activities';\nexport type A = PipelineActivities;\n",
    ],
    [
      'a workflow importing the contract and Temporal',
      'src/workflows/x.ts',
      "import { proxyActivities } from '@temporalio/workflow';\nimport { WORKFLOW_TYPE } from '../contract';" +
        use('proxyActivities, WORKFLOW_TYPE'),
    ],
    [
      'a workflow reading Tencent facts as data',
      'src/workflows/x.ts',
      "import published from '../tencent/regions.json';" + use('published'),
    ],
    [
      'an activity importing the contract',
      'src/activities/x.ts',
      "import { TAG_RUN_ID } from '../contract';" + use('TAG_RUN_ID'),
    ],
    [
      'the emulator command importing the emulator',
      'src/cli/commands/emulator.ts',
      "import { startEmulator } from '../../emulator';" + use('startEmulator'),
    ],
    [
      'the CLI importing its own command named emulator',
      'src/cli/program.ts',
      "import { emulatorCommand } from './commands/emulator';" + use('emulatorCommand'),
    ],
    [
      'the contract importing Temporal definitions',
      'src/contract/x.ts',
      "import { defineQuery } from '@temporalio/workflow';\nimport { X } from './y';" + use('defineQuery, X'),
    ],
    [
      'tests importing anything',
      'test/unit/x.test.ts',
      "import { startEmulator } from '../../src/emulator';" + use('startEmulator'),
    ],
  ])('allows %s', async (_what, file, source) => {
    expect(await boundaryErrors(file, source)).toEqual([]);
  });
});
