#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createPinoLogger } from '../adapters/pino-logger.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { ROLE_NAMES } from '../roles/role.js';
import { startService } from './compose.js';
import { VERSION } from './version.js';

const SHUTDOWN_DEADLINE_MS = 30_000;

async function start(options: { roles?: string; port?: string }): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = { ...process.env };
  if (options.roles !== undefined) env.UPTIME_ROLES = options.roles;
  if (options.port !== undefined) env.PORT = options.port;

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`uptime: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createPinoLogger(config.logLevel);
  let service;
  try {
    service = await startService(config, logger);
  } catch (error) {
    logger.fatal(
      { err: error },
      `could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
  logger.info(
    { url: service.url, roles: [...config.roles], dataDir: config.dataDir, version: VERSION },
    'uptime started',
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing running checks and writing what is held');
    const deadline = setTimeout(() => {
      logger.error({}, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    service.stop().then(
      () => {
        logger.info({}, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

const program = new Command()
  .name('uptime')
  .description('Website uptime monitoring: checks, history, status, incidents and alerts.')
  .version(VERSION);

program
  .command('start')
  .description('run the service (all roles on the embedded default unless configured otherwise)')
  .addOption(new Option('--roles <list>', `comma list of ${ROLE_NAMES.join(',')} (or all)`))
  .addOption(new Option('--port <port>', 'HTTP port'))
  .action(start);

await program.parseAsync(process.argv);
