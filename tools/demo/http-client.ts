// A small JSON/multipart client over fetch for the demo's simulated people (admin, scanners, markers).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class HttpClient {
  private token: string | null = null;
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<this> {
    const res = await this.json<{ token: string }>('POST', '/api/auth/login', { username, password });
    this.token = res.token;
    return this;
  }

  private headers(extra: Record<string, string> = {}) {
    return { ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  async raw(
    method: string,
    path: string,
    body?: RequestInit['body'],
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(this.base + path, { method, body, headers: this.headers(headers) });
  }

  async json<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? {} : { 'Content-Type': 'application/json' },
    );
    return this.parse<T>(res, `${method} ${path}`);
  }

  async upload<T = any>(
    path: string,
    files: { name: string; data: Buffer; type: string }[],
    fields: Record<string, string> = {},
    field = 'files',
  ): Promise<T> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append(field, new Blob([new Uint8Array(f.data)], { type: f.type }), f.name);
    const res = await this.raw('POST', path, form);
    return this.parse<T>(res, `POST ${path}`);
  }

  async bytes(path: string): Promise<Buffer> {
    const res = await this.raw('GET', path);
    if (!res.ok) throw new ApiError(res.status, `GET ${path}: ${res.status} ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }

  private async parse<T>(res: Response, what: string): Promise<T> {
    if (res.status === 204) return null as T;
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const detail = body?.errors ? `${body.message}: ${body.errors.join('; ')}` : (body?.message ?? text);
      throw new ApiError(res.status, `${what}: ${res.status} ${detail}`);
    }
    return body as T;
  }
}
