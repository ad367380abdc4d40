#!/usr/bin/env node
/* global __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS launcher, run by node as is */
// Runs the compiled CLI from lib/ (npm run build); in a source checkout without a build, the TypeScript
// through tsx, so `npx cvm-image` works right after `npm ci`.
const { existsSync } = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'lib', 'cli', 'main.js');
if (existsSync(built)) {
  require(built).main();
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'src', 'cli', 'main.ts')).main();
}
