import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../ports/logger.js';

/**
 * The API's bearer token: UPTIME_ADMIN_TOKEN when set; otherwise the one kept in
 * DATA_DIR/admin-token, generated at first start, written with mode 0600 and printed once.
 */
export async function resolveAdminToken(
  configured: string | null,
  dataDir: string,
  logger: Logger,
): Promise<string> {
  if (configured !== null) return configured;
  const path = join(dataDir, 'admin-token');
  try {
    const saved = (await readFile(path, 'utf8')).trim();
    if (saved.length > 0) return saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process on the same DATA_DIR generated one first: use it.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return (await readFile(path, 'utf8')).trim();
    throw error;
  }
  logger.warn(
    { adminToken: token, path },
    'generated the API token; it is shown once here and kept in the file named by path',
  );
  return token;
}
