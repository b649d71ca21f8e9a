#!/usr/bin/env node
// Runs node's test runner over test files found under the given folders (Node 20 does not
// expand globs itself). Usage: node tools/run-tests.mjs <folder>... [-- extra node --test flags]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

const split = process.argv.indexOf('--');
const roots = split === -1 ? process.argv.slice(2) : process.argv.slice(2, split);
const extra = split === -1 ? [] : process.argv.slice(split + 1);
const excluded = new Set(['integration', 'browser']);

function collect(dir, top) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!(excluded.has(name) && !top.endsWith(name))) files.push(...collect(path, top));
    } else if (name.endsWith('.test.ts')) {
      files.push(path);
    }
  }
  return files;
}

const files = roots.flatMap((root) => collect(root, root));
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
