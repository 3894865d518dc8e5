// A MariaDB server of a test's own (a fresh data directory, a free port), for tests that kill or restart it. Root
// has no password, as on the shared server; the shared server on 3306 is never touched.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';

export interface OwnMariaDb {
  port: number;
  process: ChildProcess;
  /** SIGKILL: the server dies as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same data directory and port (after kill). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const answers = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const c = createConnection({ port, host });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });

/** `host`: the address it listens on (default loopback; the several-hosts test gives a bridge's address). */
export async function startOwnMariaDb(opts: { host?: string } = {}): Promise<OwnMariaDb> {
  const host = opts.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'tk-mariadb-'));
  const data = join(dir, 'data');
  execFileSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root'],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const spawnIt = () =>
    spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--port=${port}`,
        `--bind-address=${host}`,
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        '--user=root',
        '--innodb-buffer-pool-size=64M',
        '--skip-log-bin',
      ],
      { stdio: 'ignore' },
    );
  const waitUp = async () => {
    for (let i = 0; i < 300; i++) {
      if (await answers(port, host)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('mariadbd did not start');
  };
  const own: OwnMariaDb = {
    port,
    process: spawnIt(),
    async kill() {
      const p = own.process;
      if (p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGKILL');
      });
    },
    async start() {
      own.process = spawnIt();
      await waitUp();
    },
    async stop() {
      await own.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await waitUp();
  // Root may connect from the bridge's other hosts too (root@localhost alone is made by mariadb-install-db).
  if (host !== '127.0.0.1')
    execFileSync(
      'mariadb',
      [
        '--no-defaults',
        `--socket=${join(dir, 'mysqld.sock')}`,
        '-uroot',
        '-e',
        "CREATE USER IF NOT EXISTS root@'%'; GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION",
      ],
      { stdio: 'ignore' },
    );
  return own;
}
