#!/usr/bin/env node
/* global __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS launcher, run by node as is */
// In a source checkout (src/ and tsx present) the TypeScript runs through tsx, so `npx cvm-image` works
// right after `npm ci` and never runs a stale build; an installed package runs the compiled lib/.
const { existsSync } = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
function tsxAvailable() {
  try {
    require.resolve('tsx/cjs');
    return true;
  } catch {
    return false;
  }
}
if (existsSync(source) && tsxAvailable()) {
  require('tsx/cjs');
  require(source).main();
} else {
  require(path.join(__dirname, '..', 'lib', 'cli', 'main.js')).main();
}
