// bench:request-logging — what an API request's log line costs: CPU per request of a plain node:http server answering
// with the API's headers, without logging, with pino-http and the API's options and destination (src/ops/logging.ts,
// to /dev/null), and with the options the API had before 2026-12-07's sixth session (pino's standard serializers with
// redaction, one write per line), in alternating rounds after one uncounted round (the JIT warming up). The client runs in the same process: the differences from
// "none" are the logging's cost. CPU time (process.cpuUsage), not wall time: the machine may be shared.
// Env: BENCH_REQUESTS (4000 per round), BENCH_ROUNDS (5). The last line is one JSON object.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { logDestination, requestLogging } from '../../src/ops/logging.js';

const N = Number(process.env.BENCH_REQUESTS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

const product = requestLogging({ logLevel: 'info' });
const variants: Record<string, Middleware | null> = {
  none: null,
  api: pinoHttp(product, logDestination({ logFile: '/dev/null' })) as Middleware,
  before: pinoHttp(
    {
      ...product,
      serializers: undefined,
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    pino.destination('/dev/null'),
  ) as Middleware,
};

/** The headers the API sets on a marking answer (security headers, no-store, JSON). */
const ANSWER_HEADERS: [string, string][] = [
  ['Content-Security-Policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'"],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cache-Control', 'no-store'],
  ['Content-Type', 'application/json; charset=utf-8'],
];
const BODY = JSON.stringify({ taskId: 123456, snippetUrl: '/api/marking/snippets/abcdefabcdefabcdef', itemId: 7 });

async function main() {
  let mw: Middleware | null = null;
  const server = http.createServer((req, res) => {
    const answer = () => {
      for (const [k, v] of ANSWER_HEADERS) res.setHeader(k, v);
      req.resume();
      req.on('end', () => res.end(BODY));
    };
    if (mw) mw(req, res, answer);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/marking/next',
          agent,
          headers: {
            'content-type': 'application/json',
            authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjEyM30.signature',
            'user-agent': 'Mozilla/5.0 bench',
            accept: 'application/json',
          },
        },
        (res) => res.resume().on('end', resolve),
      );
      req.on('error', reject);
      req.end('{"examId":1}');
    });
  const us: Record<string, number[]> = { none: [], api: [], before: [] };
  for (let round = -1; round < ROUNDS; round++)
    for (const name of Object.keys(variants)) {
      mw = variants[name];
      for (let i = 0; i < 300; i++) await one();
      const c0 = process.cpuUsage();
      for (let i = 0; i < N / 4; i++) await Promise.all([one(), one(), one(), one()]);
      const c = process.cpuUsage(c0);
      if (round >= 0) us[name].push((c.user + c.system) / N); // round -1 warms the JIT up
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name, xs] of Object.entries(us))
    console.log(
      `${name.padEnd(6)} µs CPU per request (server and client): ${xs.map((x) => x.toFixed(0)).join(' / ')}, median ${median(xs).toFixed(0)}`,
    );
  const api = median(us.api) - median(us.none);
  const before = median(us.before) - median(us.none);
  console.log(
    `a request's log line: ${api.toFixed(1)} µs with the API's options, ${before.toFixed(1)} µs with those before (load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')})`,
  );
  console.log(JSON.stringify({ bench: 'request-logging', value: api, unit: 'µs', baseline: before }));
  server.close();
  agent.destroy();
}

await main();
process.exit(0);
