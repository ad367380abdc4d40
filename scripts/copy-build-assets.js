/* global __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node after tsc in `npm run build` */
/**
 * The files lib/ needs beside what tsc emits: the emulator's guest tool stand-ins (plain JavaScript, which tsc
 * does not copy) and the guest scripts the activities send over TAT. Without them the published package's
 * `cvm-image emulator` failed at start ("guest-tools.js not found"): it looked only in lib/ and src/.
 */
const { cpSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const ASSETS = ['emulator/tat/guest-tools.js', 'emulator/tat/guest-lib.js', 'activities/guest-scripts'];

for (const asset of ASSETS) {
  cpSync(path.join(ROOT, 'src', asset), path.join(ROOT, 'lib', asset), { recursive: true });
}
