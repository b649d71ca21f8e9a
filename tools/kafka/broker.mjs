#!/usr/bin/env node
// A real single-node Apache Kafka broker (KRaft) for integration tests, run from the jars that
// pom.xml fetches from Maven Central. No Docker needed: Java 17+ and Maven are enough.
//
//   import { startBroker } from './tools/kafka/broker.mjs';
//   const broker = await startBroker();          // { brokers: '127.0.0.1:PORT', pid, dir, stop() }
//
//   node tools/kafka/broker.mjs start [--dir DIR] [--port PORT]   prints KAFKA_BROKERS=...
//   node tools/kafka/broker.mjs stop [--dir DIR]
//
// Ports are picked free unless given, so parallel runs on one machine do not clash. A directory
// that held a broker before keeps its ports and cluster id: starting it again restarts the same
// broker with its data (what a broker-restart test needs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOME = dirname(fileURLToPath(import.meta.url));
const LIB = join(HOME, 'lib');
const POM = join(HOME, 'pom.xml');
const TEMPLATE = join(HOME, 'server.properties');
const LOG4J = join(HOME, 'log4j2.xml');
const HOST = '127.0.0.1';
const STARTED = 'Kafka Server started';
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const JVM_FLAGS = [
  '-Xms512m',
  '-Xmx1g',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];
/** The CLI's default directory, so that `stop` finds what `start` started. */
const CLI_DIR = join(tmpdir(), `uptime-kafka-${process.getuid?.() ?? 'user'}`);

/**
 * Starts a broker and resolves once it logged "Kafka Server started" and accepts connections.
 * @param {{ dir?: string, port?: number }} [options]
 * @returns {Promise<{ brokers: string, pid: number, dir: string, stop: () => Promise<void> }>}
 */
export async function startBroker(options = {}) {
  await ensureJava();
  await ensureJars();
  const dir = resolve(options.dir ?? mkdtempSync(join(tmpdir(), 'uptime-kafka-')));
  mkdirSync(dir, { recursive: true });
  const previous = readState(dir);
  if (previous !== undefined && isAlive(previous.pid) && isBroker(previous.pid)) {
    throw new Error(`a broker (pid ${previous.pid}) already runs in ${dir}`);
  }
  const fixedPorts = options.port !== undefined || previous !== undefined;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? previous?.port ?? (await freePort());
    const controllerPort = previous?.controllerPort ?? (await freePort(port));
    const clusterId = previous?.clusterId ?? clusterUuid();
    try {
      return await launch({ dir, port, controllerPort, clusterId });
    } catch (error) {
      // Another process may take a free port between our probe and the broker's bind.
      const clash = error instanceof BrokerStartError && error.portClash;
      if (!clash || fixedPorts || attempt >= 3) throw error;
    }
  }
}

/** Stops the broker with this pid: SIGTERM (controlled shutdown), SIGKILL after 30 s. */
export async function stopBroker(pid) {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  if (await exited(pid, STOP_TIMEOUT_MS)) return;
  signal(pid, 'SIGKILL');
  if (!(await exited(pid, 5_000))) throw new Error(`broker pid ${pid} did not exit after SIGKILL`);
}

class BrokerStartError extends Error {
  constructor(message, portClash) {
    super(message);
    this.name = 'BrokerStartError';
    this.portClash = portClash;
  }
}

async function launch({ dir, port, controllerPort, clusterId }) {
  const dataDir = join(dir, 'data');
  const properties = join(dir, 'server.properties');
  const logFile = join(dir, 'broker.log');
  writeFileSync(
    properties,
    readFileSync(TEMPLATE, 'utf8')
      .replaceAll('@PORT@', String(port))
      .replaceAll('@CONTROLLER_PORT@', String(controllerPort))
      .replaceAll('@DATA_DIR@', dataDir),
  );
  await run('java', [
    '-Xmx256m',
    `-Dlog4j2.configurationFile=${LOG4J}`,
    '-cp',
    `${LIB}/*`,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    properties,
    '--ignore-formatted',
  ]);

  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const out = openSync(logFile, 'a');
  const child = spawn(
    'java',
    [
      ...JVM_FLAGS,
      `-Dlog4j2.configurationFile=${LOG4J}`,
      '-cp',
      `${LIB}/*`,
      'kafka.Kafka',
      properties,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new BrokerStartError('java did not start', false);
  let exitCode = null;
  child.once('exit', (code, sig) => {
    exitCode = code ?? sig ?? 'exit';
  });
  child.unref();
  writeState(dir, { pid, port, controllerPort, clusterId });

  const brokers = `${HOST}:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const log = readFrom(logFile, logStart);
    if (exitCode !== null) {
      throw new BrokerStartError(
        `the broker exited (${exitCode}) while starting; log ${logFile}:\n${tail(log)}`,
        /Address already in use|BindException/.test(log),
      );
    }
    if (log.includes(STARTED) && (await accepts(HOST, port))) break;
    if (Date.now() > deadline) {
      await stopBroker(pid);
      throw new BrokerStartError(
        `the broker did not start within ${START_TIMEOUT_MS / 1000} s; log ${logFile}:\n${tail(log)}`,
        false,
      );
    }
    await delay(200);
  }
  return { brokers, pid, dir, stop: () => stopBroker(pid) };
}

/** Kafka 4 brokers need Java 17 or newer. */
async function ensureJava() {
  const output = await run('java', ['-version']);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match === null ? 0 : Number(match[1] === '1' ? match[2] : match[1]);
  if (major < 17)
    throw new Error(`the Kafka broker needs Java 17 or newer; java -version says:\n${output}`);
}

/** Fetches the broker's jars into lib/ unless they are there (Maven caches them in ~/.m2). */
async function ensureJars() {
  const present =
    existsSync(LIB) && readdirSync(LIB).some((name) => name.startsWith('kafka_2.13-'));
  if (present) return;
  await run('mvn', [
    '-q',
    '-B',
    '-f',
    POM,
    'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${LIB}`,
  ]);
}

/** Runs a command to completion; rejects with its output when it fails or cannot start. */
function run(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => {
      const hint = error.code === 'ENOENT' ? ` (is ${command} installed and on PATH?)` : '';
      reject(new Error(`cannot run ${command}${hint}: ${error.message}`));
    });
    child.once('exit', (code) => {
      if (code === 0) resolvePromise(output);
      else
        reject(
          new Error(`${command} ${args.slice(-3).join(' ')} failed (${code}):\n${tail(output)}`),
        );
    });
  });
}

/** A port that was free a moment ago (the kernel picks it), other than `not`. */
async function freePort(not) {
  for (;;) {
    const port = await new Promise((resolvePromise, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, HOST, () => {
        const address = server.address();
        server.close(() => resolvePromise(typeof address === 'object' ? address.port : 0));
      });
    });
    if (port !== not && port !== 0) return port;
  }
}

function accepts(host, port) {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-'. */
function clusterUuid() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function statePath(dir) {
  return join(dir, 'broker.json');
}

function readState(dir) {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeState(dir, state) {
  writeFileSync(statePath(dir), `${JSON.stringify(state, null, 2)}\n`);
}

function readFrom(file, offset) {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function tail(text, lines = 40) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Alive and not a zombie (a zombie answers kill(pid, 0) until its parent reaps it). */
function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** True when the process runs kafka.Kafka: a pid in a stale state file may belong to another. */
function isBroker(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('kafka.Kafka');
  } catch {
    return true;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

async function exited(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(100);
  }
  return true;
}

function delay(ms) {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

function option(args, name) {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

async function cli(args) {
  const [command] = args;
  const dir = resolve(option(args, '--dir') ?? process.env.UPTIME_KAFKA_DIR ?? CLI_DIR);
  if (command === 'start') {
    const portText = option(args, '--port');
    const started = Date.now();
    const broker = await startBroker({
      dir,
      ...(portText === undefined ? {} : { port: Number(portText) }),
    });
    console.log(`KAFKA_BROKERS=${broker.brokers}`);
    console.log(`# pid ${broker.pid}, dir ${dir}, started in ${Date.now() - started} ms`);
    return;
  }
  if (command === 'stop') {
    const state = readState(dir);
    if (state === undefined || !isAlive(state.pid) || !isBroker(state.pid)) {
      console.log(`no broker runs in ${dir}`);
      return;
    }
    await stopBroker(state.pid);
    console.log(`stopped broker pid ${state.pid}`);
    return;
  }
  console.error('usage: node tools/kafka/broker.mjs start|stop [--dir DIR] [--port PORT]');
  process.exitCode = 2;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
