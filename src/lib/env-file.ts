import { statSync } from 'node:fs';
import { resolve } from 'node:path';

export class EnvFileError extends Error {}

/**
 * Reads `.env` (or the file ENV_FILE names) into process.env with Node's own parser. Variables
 * already in the environment win: Node never overwrites them. Without ENV_FILE a missing `.env`
 * is normal (configuration may come from the environment alone); a file the operator named
 * explicitly must exist. Throws one line naming the file when it cannot be used.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const named = env.ENV_FILE?.trim();
  const path = resolve(cwd, named || '.env');
  const label = named ? 'ENV_FILE' : '.env';
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile() || path === '/dev/null';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return undefined;
    throw new EnvFileError(`${label}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code})`);
  }
  if (!isFile) throw new EnvFileError(`${label}: ${path} is not a file`);
  try {
    process.loadEnvFile(path);
  } catch (error) {
    throw new EnvFileError(`${label}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return path;
}
