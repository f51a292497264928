import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from '../../src/lib/net.js';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL server: its superuser URL and how to stop and remove it. */
export interface Cluster {
  url: string;
  stop(): void;
}

/** Debian's server binaries (the newest installed), or PG_BIN. */
function serverBin(): string {
  const candidates = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  const bin = candidates.find((dir) => existsSync(join(dir, 'initdb')));
  if (!bin) throw new Error("PostgreSQL's server is not installed (no initdb under /usr/lib/postgresql/*/bin): apt-get install postgresql, or set PG_BIN");
  return bin;
}

/**
 * initdb in a temp folder, then a server on a free loopback port. PostgreSQL refuses to run as
 * root, so as root the folder is handed to the `postgres` user (or `nobody`) and the commands run
 * as that user. Durability is off (fsync, synchronous_commit): the data dies with the run anyway.
 */
export async function startCluster(): Promise<Cluster> {
  const bin = serverBin();
  const dir = mkdtempSync(join(tmpdir(), 'portal-pg-'));
  let as: string[] = [];
  if (userInfo().uid === 0) {
    const user = hasUser('postgres') ? 'postgres' : 'nobody';
    const id = (flag: string) => Number(execFileSync('id', [flag, user]).toString().trim());
    chownSync(dir, id('-u'), id('-g'));
    as = ['runuser', '-u', user, '--'];
  }
  const run = (cmd: string, args: string[]) => {
    const [file, ...rest] = [...as, join(bin, cmd), ...args];
    return execFileSync(file!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
    '-c shared_buffers=64MB',
  ].join(' ');
  try {
    run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function hasUser(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
