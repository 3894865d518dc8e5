// The simulated markers' HTTP client (bench:marking): JSON POSTs over a bounded pool of keep-alive sockets, as a
// load balancer in front of the API would hold them. Node's http.request with an Agent cost the bench thread about
// 0.3 ms of CPU per request (request and response objects, header validation, streams, a timer per socket), taken
// from the same two cores as the API and MariaDB; this writes one string per request and reads the status line,
// Content-Length and body. Enough for the API's answers (a body with Content-Length, or none for 204/304); anything
// else (chunked bodies, upgrades) is an error. Not product code.
import net from 'node:net';

export interface BenchResponse {
  status: number;
  text: string;
}

interface Pending {
  request: string;
  resolve: (r: BenchResponse) => void;
  reject: (e: Error) => void;
}

const HEAD_END = Buffer.from('\r\n\r\n');

class Connection {
  private readonly socket: net.Socket;
  private buf: Buffer | null = null;
  private current: Pending | null = null;
  private closed = false;

  constructor(
    private readonly client: BenchHttpClient,
    host: string,
    port: number,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => this.close(new Error('socket error')));
    this.socket.on('close', () => this.close(new Error('socket closed')));
  }

  send(p: Pending): void {
    this.current = p;
    this.socket.write(p.request);
  }

  private onData(chunk: Buffer): void {
    const buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    const headEnd = buf.indexOf(HEAD_END);
    if (headEnd < 0) {
      this.buf = buf;
      return;
    }
    const head = buf.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m && status !== 204 && status !== 304) {
      this.socket.destroy();
      this.close(new Error(`unsupported response framing (status ${status})`));
      return;
    }
    const end = headEnd + 4 + (m ? Number(m[1]) : 0);
    if (buf.length < end) {
      this.buf = buf;
      return;
    }
    this.buf = null;
    const p = this.current;
    this.current = null;
    const keep = !/\r\nconnection:\s*close/i.test(head);
    if (!keep) this.socket.end();
    p?.resolve({ status, text: buf.toString('utf8', headEnd + 4, end) });
    if (keep) this.client.release(this);
  }

  private close(e: Error): void {
    if (this.closed) return;
    this.closed = true;
    const p = this.current;
    this.current = null;
    this.client.forget(this);
    p?.reject(e);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** At most `maxSockets` connections to one API instance; requests beyond wait for a free one, in order. */
export class BenchHttpClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private queue: Pending[] = [];
  private head = 0;
  private readonly hostHeader: string;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
  ) {
    this.hostHeader = `${host}:${port}`;
  }

  post(path: string, token: string, body: object): Promise<BenchResponse> {
    const json = JSON.stringify(body);
    const request =
      `POST ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
    return new Promise((resolve, reject) => {
      const p = { request, resolve, reject };
      const c = this.idle.pop();
      if (c) c.send(p);
      else if (this.all.size < this.maxSockets) this.open().send(p);
      else this.queue.push(p);
    });
  }

  /** A connection whose answer has been read: the next waiting request, or idle. */
  release(c: Connection): void {
    const p = this.take();
    if (p) c.send(p);
    else this.idle.push(c);
  }

  /** A connection that closed: gone from the pool; a waiting request gets a new one. */
  forget(c: Connection): void {
    this.all.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    const p = this.take();
    if (p) this.open().send(p);
  }

  destroy(): void {
    for (const c of [...this.all]) c.destroy();
  }

  private open(): Connection {
    const c = new Connection(this, this.host, this.port);
    this.all.add(c);
    return c;
  }

  private take(): Pending | undefined {
    if (this.head >= this.queue.length) return undefined;
    const p = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return p;
  }
}
