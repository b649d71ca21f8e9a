import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';

test('defaults follow the contract', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '0.0.0.0');
  assert.match(c.dataDir, /data$/);
  assert.equal(c.databaseUrl, null);
  assert.equal(c.redisUrl, null);
  assert.equal(c.kafkaBrokers, null);
  assert.deepEqual([...c.roles].sort(), ['alerter', 'api', 'recorder', 'scheduler', 'worker']);
  assert.equal(c.kafkaTopicPrefix, 'uptime');
  assert.equal(c.region, 'default');
  assert.equal(c.adminToken, null);
  assert.equal(c.retentionDays, 30);
  assert.equal(c.metricsPublic, false);
  assert.equal(c.logLevel, 'info');
  assert.ok(Object.isFrozen(c));
});

test('values are parsed', () => {
  const c = loadConfig({
    PORT: '8080',
    DATABASE_URL: 'postgres://u:p@localhost:5432/db',
    REDIS_URL: 'redis://localhost:6379',
    KAFKA_BROKERS: 'a:9092, b.example:19092',
    UPTIME_ROLES: 'api, worker',
    UPTIME_METRICS_PUBLIC: 'true',
    UPTIME_RETENTION_DAYS: '7',
    LOG_LEVEL: 'DEBUG',
  });
  assert.equal(c.port, 8080);
  assert.deepEqual(c.kafkaBrokers, ['a:9092', 'b.example:19092']);
  assert.deepEqual([...c.roles], ['api', 'worker']);
  assert.equal(c.metricsPublic, true);
  assert.equal(c.retentionDays, 7);
  assert.equal(c.logLevel, 'debug');
});

test('a bad value stops with one line naming the variable', () => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: 'http' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ UPTIME_ROLES: 'api,cook' }, 'UPTIME_ROLES'],
    [{ UPTIME_RETENTION_DAYS: '0' }, 'UPTIME_RETENTION_DAYS'],
    [{ UPTIME_METRICS_PUBLIC: 'maybe' }, 'UPTIME_METRICS_PUBLIC'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ UPTIME_ADMIN_TOKEN: 'short' }, 'UPTIME_ADMIN_TOKEN'],
    [{ UPTIME_KAFKA_TOPIC_PREFIX: 'a b' }, 'UPTIME_KAFKA_TOPIC_PREFIX'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variable === variable &&
        error.message.startsWith(`Invalid ${variable}:`) &&
        !error.message.includes('\n'),
      variable,
    );
  }
});

test('a password in a bad URL is not echoed', () => {
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'postgres://user:secret@' }),
    (error: unknown) => error instanceof ConfigError && !error.message.includes('secret'),
  );
});
