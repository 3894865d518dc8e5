// A redis-server of a test's own, on a free port, for tests that kill it or need other settings than the shared one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OwnRedis {
  port: number;
  process: ChildProcess;
  stop(): void;
  /**
   * Kills it (SIGKILL: no persistence means everything it held is gone), if a test has not already, and starts a new one
   * on the same port.
   */
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const listening = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const c = createServer();
    c.once('error', () => resolve(true)); // the port is taken: Redis listens
    c.listen(port, host, () => c.close(() => resolve(false)));
  });

/**
 * Starts redis-server with the given extra arguments (default: no persistence) in a temporary directory, listening
 * on `host` (default loopback; another address, e.g. a test bridge's, also turns protected mode off).
 */
export async function startOwnRedis(
  args: string[] = ['--save', '', '--appendonly', 'no'],
  host = '127.0.0.1',
): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tk-redis-'));
  const spawnIt = () =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        host,
        ...(host === '127.0.0.1' ? [] : ['--protected-mode', 'no']),
        '--dir',
        dir,
        ...args,
      ],
      { stdio: 'ignore' },
    );
  const waitUp = async () => {
    for (let i = 0; i < 100; i++) {
      if (await listening(port, host)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not start');
  };
  const own: OwnRedis = {
    port,
    process: spawnIt(),
    stop() {
      own.process.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      const old = own.process;
      if (old.exitCode === null && old.signalCode === null)
        await new Promise<void>((resolve) => {
          old.once('exit', () => resolve());
          old.kill('SIGKILL');
        });
      own.process = spawnIt();
      await waitUp();
    },
  };
  try {
    await waitUp();
  } catch (err) {
    own.stop();
    throw err;
  }
  return own;
}

/**
 * A `redis-server --sentinel` on a free port watching the primary on `primaryPort` under `name` (quorum 1);
 * `auth.primary` is the primary's password (`sentinel auth-pass`), `auth.sentinel` the sentinel's own (`requirepass`).
 */
export async function startOwnSentinel(
  primaryPort: number,
  name = 'mymaster',
  auth: { primary?: string; sentinel?: string } = {},
): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tk-sentinel-'));
  const conf = join(dir, 'sentinel.conf'); // a sentinel rewrites its file, so it is its own, in a folder of its own
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 1`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 10000`,
      ...(auth.primary ? [`sentinel auth-pass ${name} ${auth.primary}`] : []),
      ...(auth.sentinel ? [`requirepass ${auth.sentinel}`] : []),
      '',
    ].join('\n'),
  );
  const own: OwnRedis = {
    port,
    process: spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }),
    stop() {
      own.process.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      throw new Error('a sentinel is not restarted here');
    },
  };
  for (let i = 0; i < 100 && !(await listening(port, '127.0.0.1')); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await listening(port, '127.0.0.1'))) {
    own.stop();
    throw new Error('redis-server --sentinel did not start');
  }
  return own;
}

/** Whether redis-server can be run here (tests that start their own skip without it, and fail under CI). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface OwnCluster {
  /** The nodes' ports (every node a primary: no replicas). */
  ports: number[];
  nodes: OwnRedis[];
  stop(): void;
}

/**
 * A Redis Cluster of `size` primaries on free ports (`--cluster-enabled yes`, no persistence), joined with
 * `redis-cli --cluster create`, and whole (every slot served, `cluster_state:ok` on every node) when this returns.
 * `auth` adds `--requirepass` (and `--masterauth`) on every node.
 */
export async function startOwnCluster(size = 3, auth: { password?: string } = {}): Promise<OwnCluster> {
  const pass = auth.password ? ['--requirepass', auth.password, '--masterauth', auth.password] : [];
  const nodes: OwnRedis[] = [];
  const cluster: OwnCluster = {
    ports: [],
    nodes,
    stop() {
      for (const n of nodes) n.stop();
    },
  };
  try {
    for (let i = 0; i < size; i++)
      nodes.push(
        await startOwnRedis([
          '--save',
          '',
          '--appendonly',
          'no',
          '--cluster-enabled',
          'yes',
          // Relative to the node's own --dir: each node keeps its nodes.conf in its own temporary folder.
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
          ...pass,
        ]),
      );
    cluster.ports = nodes.map((n) => n.port);
    const cli = (args: string[]) =>
      spawnSync('redis-cli', [...(auth.password ? ['--no-auth-warning', '-a', auth.password] : []), ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const made = cli([
      '--cluster',
      'create',
      ...cluster.ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    if (made.status !== 0) throw new Error(`redis-cli --cluster create failed: ${made.stdout}${made.stderr}`);
    for (let i = 0; i < 200; i++) {
      const ok = cluster.ports.every((p) =>
        /cluster_state:ok/.test(cli(['-p', String(p), 'cluster', 'info']).stdout ?? ''),
      );
      if (ok) return cluster;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the cluster did not reach cluster_state:ok');
  } catch (err) {
    cluster.stop();
    throw err;
  }
}
