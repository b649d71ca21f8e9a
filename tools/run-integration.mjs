#!/usr/bin/env node
// Runs the integration tests (test/integration/**/*.test.ts) against real engines, one file at a
// time. Usage: node tools/run-integration.mjs [filter...] [-- extra node --test flags]
// A filter keeps the files whose path contains it (`node tools/run-integration.mjs kafka`).
//
// Kafka: KAFKA_BROKERS is used when set; otherwise, if a selected file needs it, a broker is
// started here (tools/kafka/broker.mjs) for the run and stopped at the end, also on failure and
// on Ctrl-C. UPTIME_TEST_RUN_ID is unique per run, for per-run database, key and topic prefixes.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker } from './kafka/broker.mjs';

const ROOT = 'test/integration';
const split = process.argv.indexOf('--');
const filters = split === -1 ? process.argv.slice(2) : process.argv.slice(2, split);
const extra = split === -1 ? [] : process.argv.slice(split + 1);

function collect(dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...collect(path));
    else if (name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

const files = collect(ROOT).filter(
  (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
);
if (files.length === 0) {
  console.error(`no test files under ${ROOT} match ${filters.join(', ') || '(all)'}`);
  process.exit(1);
}

const runId = `it_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const env = { ...process.env, UPTIME_TEST_RUN_ID: process.env.UPTIME_TEST_RUN_ID ?? runId };

let broker;
let child;
let stopping;

/** Stops the broker (if this run started it) once, whatever ended the run. */
function cleanUp() {
  stopping ??= (async () => {
    if (broker === undefined) return;
    const { pid, dir } = broker;
    try {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      console.error(`could not stop the Kafka broker (pid ${pid}, dir ${dir}): ${error.message}`);
    }
  })();
  return stopping;
}

async function finish(code) {
  await cleanUp();
  process.exit(code);
}

for (const name of ['SIGINT', 'SIGTERM']) {
  process.on(name, () => {
    child?.kill(name);
    void finish(130);
  });
}

const needsKafka = files.some((file) => readFileSync(file, 'utf8').includes('KAFKA_BROKERS'));
if (needsKafka && !env.KAFKA_BROKERS) {
  const started = Date.now();
  try {
    broker = await startBroker();
  } catch (error) {
    console.error(`could not start a Kafka broker for the integration tests:\n${error.message}`);
    await finish(1);
  }
  env.KAFKA_BROKERS = broker.brokers;
  console.log(
    `Kafka broker ${broker.brokers} (pid ${broker.pid}) started in ${Date.now() - started} ms`,
  );
}

child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...extra, ...files],
  { stdio: 'inherit', env },
);
child.on('exit', (code, signal) => void finish(signal ? 1 : (code ?? 1)));
