// deploy/nginx.conf (docker-compose.yml's proxy, in front of api1 and api2), checked by nginx itself:
// 1. `nginx -t` on the shipped file, included in an http block as the nginx image includes conf.d/default.conf. Only
//    the upstream addresses (api1:3000, api2:3000, names that resolve inside the compose network only) and the listen
//    port are replaced, each exactly once, and the test says so: every other line is the shipped one.
// 2. That nginx started, unprivileged (as `nobody` when the test runs as root), on a free port in front of two test
//    HTTP servers: requests spread over both; Host, X-Forwarded-For, X-Forwarded-Proto and X-Request-Id as the file
//    says; an upload past the default 1 MB limit passes whole, one declaring more than 2 GB is refused (413) and one
//    of 2 GB is streamed on before its body has arrived (proxy_request_buffering off); an instance that is down, or
//    answers 503, has its requests served by the other.
// nginx is installed by .ci/run (Debian's package); missing under CI=true, this test fails rather than skips.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/redis-server.js';

const SHIPPED = readFileSync(resolve('deploy/nginx.conf'), 'utf8');
const NGINX = ['/usr/sbin/nginx', 'nginx'].find((bin) => spawnSync(bin, ['-v']).status === 0) ?? null;
if (!NGINX && process.env.CI === 'true') throw new Error('nginx is missing under CI: .ci/run installs it (apt-get)');
if (!NGINX) console.warn('deploy/nginx.conf: nginx is not installed here (apt-get install nginx); skipped');

/** The shipped file with the upstream addresses and the listen port replaced, each exactly once. */
export function forTest(conf: string, listen: number, api1: number, api2: number): string {
  const swaps: [RegExp, string][] = [
    [/^(\s*server )api1:3000( .*)$/m, `$1127.0.0.1:${api1}$2`],
    [/^(\s*server )api2:3000( .*)$/m, `$1127.0.0.1:${api2}$2`],
    [/^(\s*listen )80;$/m, `$1127.0.0.1:${listen};`],
  ];
  let out = conf;
  for (const [pattern, by] of swaps) {
    const hits = out.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
    if (hits !== 1) throw new Error(`deploy/nginx.conf: expected one line matching ${pattern}, found ${hits}`);
    out = out.replace(pattern, by);
  }
  return out;
}

interface Seen {
  server: 'api1' | 'api2';
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
  sha256: string;
}

(NGINX ? describe : describe.skip)('deploy/nginx.conf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-nginx-'));
  const apis: Server[] = [];
  const seen: Seen[] = [];
  /** Per test server: 'ok', or '503' (answers every request 503, as an API whose /ready is false). */
  const mode: Record<'api1' | 'api2', 'ok' | '503'> = { api1: 'ok', api2: 'ok' };
  /** Resolved when a test server sees a request begin (before its body ends). */
  const began: ((s: Seen) => void)[] = [];
  let port = 0;
  let nginx: ChildProcess | null = null;
  const asRoot = process.getuid?.() === 0;
  const nobody = { uid: 65534, gid: 65534 };

  const runNginx = (args: string[]) =>
    spawnSync(NGINX!, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'main.conf'), ...args], {
      encoding: 'utf8',
      ...(asRoot ? nobody : {}),
    });

  beforeAll(async () => {
    for (const name of ['api1', 'api2'] as const) {
      const server = createServer((req, res) => {
        const hash = createHash('sha256');
        const s: Seen = {
          server: name,
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          bytes: 0,
          sha256: '',
        };
        for (const b of began.splice(0)) b(s);
        req.on('error', () => undefined); // a request whose client went away (the 2 GB one)
        req.on('data', (chunk: Buffer) => {
          s.bytes += chunk.length;
          hash.update(chunk);
        });
        req.on('end', () => {
          s.sha256 = hash.digest('hex');
          seen.push(s);
          res.statusCode = mode[name] === '503' ? 503 : 200;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ server: name, bytes: s.bytes, sha256: s.sha256 }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      apis.push(server);
    }
    const [a1, a2] = apis.map((s) => (s.address() as { port: number }).port);
    port = await freePort();
    for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'default.conf'), forTest(SHIPPED, port, a1, a2));
    // What the nginx image's /etc/nginx/nginx.conf wraps conf.d/*.conf in, with every path in this folder.
    writeFileSync(
      join(dir, 'main.conf'),
      [
        'worker_processes 1;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')} warn;`,
        'daemon off;',
        'events { worker_connections 256; }',
        'http {',
        `  access_log ${join(dir, 'access.log')};`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, 'tmp', t)};`),
        `  include ${join(dir, 'default.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    if (asRoot) {
      chmodSync(dir, 0o755);
      for (const p of [dir, join(dir, 'logs'), join(dir, 'tmp')]) chownSync(p, nobody.uid, nobody.gid);
    }
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGTERM');
      await exited;
    }
    await Promise.all(
      apis.map(
        (s) =>
          new Promise((r) => {
            s.close(r);
            s.closeAllConnections();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces only the upstream addresses and the port: the rest is the shipped file', () => {
    const changed = forTest(SHIPPED, 18080, 18081, 18082).split('\n');
    const shipped = SHIPPED.split('\n');
    expect(changed).toHaveLength(shipped.length);
    const differing = shipped.filter((line, i) => line !== changed[i]);
    expect(differing.map((l) => l.trim())).toEqual([
      'server api1:3000 max_fails=3 fail_timeout=10s;',
      'server api2:3000 max_fails=3 fail_timeout=10s;',
      'listen 80;',
    ]);
  });

  it('passes `nginx -t`', () => {
    const r = runNginx(['-t']);
    expect(r.stderr).toMatch(/syntax is ok/);
    expect(r.stderr).toMatch(/test is successful/);
    expect(r.status).toBe(0);
  });

  /** One request through nginx; the body is sent whole unless `partial` says how much of the declared length to send. */
  const send = (
    method: string,
    path: string,
    opts: { body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: string }> =>
    new Promise((resolveReq, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: opts.headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolveReq({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end(opts.body);
    });

  it('runs unprivileged in front of both APIs, spreading requests over them', async () => {
    nginx = spawn(NGINX!, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'main.conf')], {
      stdio: 'ignore',
      ...(asRoot ? nobody : {}),
    });
    for (let i = 0; i < 100; i++) {
      const up = await send('GET', '/health').then(
        () => true,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const owners = spawnSync('ps', ['-o', 'user=', '--ppid', String(nginx.pid), '-p', String(nginx.pid)], {
      encoding: 'utf8',
    }).stdout.trim();
    expect(owners.split(/\s+/).every((u) => u !== 'root')).toBe(true);
    const served = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const r = await send('GET', '/ready');
      expect(r.status).toBe(200);
      served.add(JSON.parse(r.body).server);
    }
    expect([...served].sort()).toEqual(['api1', 'api2']);
  });

  it("passes the browser's Host and says who asked, over what, under which request id", async () => {
    seen.length = 0;
    const r = await send('GET', '/api/exams?x=1', { headers: { Host: 'tongkao.example.edu.cn:8443' } });
    expect(r.status).toBe(200);
    const h = seen[0].headers;
    expect(seen[0].url).toBe('/api/exams?x=1');
    expect(h.host).toBe('tongkao.example.edu.cn:8443'); // the API compares Origin with it (CSRF)
    expect(h['x-forwarded-for']).toBe('127.0.0.1'); // TRUST_PROXY_HOPS=1 reads the client from here
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-request-id']).toMatch(/^[0-9a-f]{32}$/); // the API keeps a well-formed one for its logs
    expect(h.connection ?? '').not.toMatch(/close/i); // kept alive to the upstream (HTTP/1.1, Connection "")
    // A forwarded address the client already sent is kept, the client's appended (one proxy hop).
    seen.length = 0;
    await send('GET', '/health', { headers: { 'X-Forwarded-For': '10.1.2.3' } });
    expect(seen[0].headers['x-forwarded-for']).toBe('10.1.2.3, 127.0.0.1');
  });

  it("passes an upload past nginx's default 1 MB limit whole", async () => {
    seen.length = 0;
    const body = Buffer.alloc(5 * 1024 * 1024 + 17);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    const r = await send('POST', '/api/scans/upload', {
      body,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
  });

  /** Sends only the head of a request that declares `length` bytes; answers nginx's status line, if any, in `ms`. */
  const declare = (length: number, ms: number): Promise<string | null> =>
    new Promise((resolveHead) => {
      const socket = connect(port, '127.0.0.1');
      let got = '';
      const done = (v: string | null) => {
        clearTimeout(t);
        socket.destroy();
        resolveHead(v);
      };
      const t = setTimeout(() => done(null), ms);
      socket.on('data', (c) => {
        got += c.toString('latin1');
        const line = got.split('\r\n')[0];
        if (got.includes('\r\n')) done(line);
      });
      socket.on('error', () => done(null));
      socket.write(
        `POST /api/scans/upload HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n` +
          'x'.repeat(1024),
      );
    });

  it('refuses an upload declaring more than 2 GB (413) and streams one of 2 GB on before it has arrived', async () => {
    const twoGiB = 2 * 1024 ** 3;
    expect(await declare(twoGiB + 1, 5000)).toMatch(/^HTTP\/1\.1 413/);
    let timer: NodeJS.Timeout | undefined;
    const reached = new Promise<Seen | null>((r) => {
      began.push(r);
      timer = setTimeout(() => r(null), 5000);
    });
    const [answer, s] = await Promise.all([declare(twoGiB, 1500), reached]);
    clearTimeout(timer);
    expect(answer).toBeNull(); // no answer: nginx is still waiting for the rest of the body
    expect(s?.headers['content-length']).toBe(String(twoGiB)); // while the API has the request already
  });

  it("serves an instance's requests from the other while it answers 503, or is down", async () => {
    mode.api1 = '503';
    for (let i = 0; i < 6; i++) {
      const r = await send('GET', '/ready');
      expect({ i, status: r.status, server: JSON.parse(r.body).server }).toEqual({ i, status: 200, server: 'api2' });
    }
    mode.api1 = 'ok';
    await new Promise((r) => {
      apis[0].close(r);
      apis[0].closeAllConnections(); // nginx's idle keep-alive connections too: the instance is gone
    });
    for (let i = 0; i < 6; i++) {
      const r = await send('GET', '/health');
      expect({ i, status: r.status, server: JSON.parse(r.body).server }).toEqual({ i, status: 200, server: 'api2' });
    }
  });
});
