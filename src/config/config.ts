import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ROLE_NAMES, type RoleName } from '../roles/role.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the service reads from its environment, validated once. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly redisUrl: string | null;
  readonly kafkaBrokers: readonly string[] | null;
  readonly roles: ReadonlySet<RoleName>;
  readonly kafkaTopicPrefix: string;
  /** Partitions of each topic the service creates; every process of a deployment must agree. */
  readonly kafkaPartitions: number;
  /** Connections in the PostgreSQL pool of each process. */
  readonly databasePoolSize: number;
  readonly region: string;
  readonly adminToken: string | null;
  readonly retentionDays: number;
  readonly metricsPublic: boolean;
  readonly logLevel: LogLevel;
  /** Worker threads that run checks. */
  readonly checkerThreads: number;
  /** Checks in flight per checker thread. */
  readonly checkerConcurrency: number;
}

/** A bad configuration value: the message is one line naming the variable. */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`Invalid ${variable}: ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the configuration from `env` (normally `process.env`, after a `.env` file in the working
 * directory has been merged under it). Throws ConfigError on the first bad value.
 */
export function loadConfig(env: Env): Config {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const config: Config = {
    port: integer(text('PORT'), 'PORT', 3000, 0, 65_535),
    host: text('HOST') ?? '0.0.0.0',
    dataDir: resolve(text('DATA_DIR') ?? './data'),
    databaseUrl: url(text('DATABASE_URL'), 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(text('REDIS_URL'), 'REDIS_URL', ['redis:', 'rediss:']),
    kafkaBrokers: brokers(text('KAFKA_BROKERS')),
    roles: roles(text('UPTIME_ROLES')),
    kafkaTopicPrefix: name(
      text('UPTIME_KAFKA_TOPIC_PREFIX'),
      'UPTIME_KAFKA_TOPIC_PREFIX',
      'uptime',
    ),
    kafkaPartitions: integer(
      text('UPTIME_KAFKA_PARTITIONS'),
      'UPTIME_KAFKA_PARTITIONS',
      12,
      1,
      1000,
    ),
    databasePoolSize: integer(
      text('UPTIME_DATABASE_POOL_SIZE'),
      'UPTIME_DATABASE_POOL_SIZE',
      10,
      1,
      200,
    ),
    region: name(text('UPTIME_REGION'), 'UPTIME_REGION', 'default'),
    adminToken: token(text('UPTIME_ADMIN_TOKEN')),
    retentionDays: integer(text('UPTIME_RETENTION_DAYS'), 'UPTIME_RETENTION_DAYS', 30, 1, 3650),
    metricsPublic: boolean(text('UPTIME_METRICS_PUBLIC'), 'UPTIME_METRICS_PUBLIC', false),
    logLevel: logLevel(text('LOG_LEVEL')),
    checkerThreads: integer(
      text('UPTIME_CHECKER_THREADS'),
      'UPTIME_CHECKER_THREADS',
      availableParallelism(),
      1,
      64,
    ),
    checkerConcurrency: integer(
      text('UPTIME_CHECKER_CONCURRENCY'),
      'UPTIME_CHECKER_CONCURRENCY',
      64,
      1,
      4096,
    ),
  };
  return Object.freeze(config);
}

function integer(
  value: string | undefined,
  variable: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(variable, `"${value}" is not a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(variable, `${value} is outside ${min}-${max}`);
  return n;
}

function url(
  value: string | undefined,
  variable: string,
  protocols: readonly string[],
): string | null {
  if (value === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(variable, `"${redact(value)}" is not a URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(
      variable,
      `expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL`,
    );
  }
  return value;
}

/** Hides a password in a URL before it goes into an error message. */
function redact(value: string): string {
  return value.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

function brokers(value: string | undefined): readonly string[] | null {
  if (value === undefined) return null;
  const list = value.split(',').map((b) => b.trim());
  for (const broker of list) {
    const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(broker);
    const port = Number(match?.[2]);
    if (match === null || port < 1 || port > 65_535) {
      throw new ConfigError('KAFKA_BROKERS', `"${broker}" is not host:port`);
    }
  }
  return Object.freeze(list);
}

function roles(value: string | undefined): ReadonlySet<RoleName> {
  if (value === undefined || value === 'all') return new Set(ROLE_NAMES);
  const chosen = new Set<RoleName>();
  for (const raw of value.split(',')) {
    const role = raw.trim();
    if (role === 'all') {
      ROLE_NAMES.forEach((r) => chosen.add(r));
    } else if ((ROLE_NAMES as readonly string[]).includes(role)) {
      chosen.add(role as RoleName);
    } else {
      throw new ConfigError(
        'UPTIME_ROLES',
        `unknown role "${role}" (roles: all, ${ROLE_NAMES.join(', ')})`,
      );
    }
  }
  return chosen;
}

function name(value: string | undefined, variable: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value)) {
    throw new ConfigError(variable, `"${value}" may hold only letters, digits, '.', '_' and '-'`);
  }
  return value;
}

function token(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value.length < 16)
    throw new ConfigError('UPTIME_ADMIN_TOKEN', 'must be at least 16 characters');
  if (/\s/.test(value)) throw new ConfigError('UPTIME_ADMIN_TOKEN', 'must not contain white space');
  return value;
}

function boolean(value: string | undefined, variable: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(variable, `"${value}" is not true or false`);
}

function logLevel(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  const v = value.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new ConfigError('LOG_LEVEL', `"${value}" is not one of ${LOG_LEVELS.join(', ')}`);
}
