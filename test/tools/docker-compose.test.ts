// docker-compose.yml, checked without a container engine:
// 1. Debian's docker-compose (v1.29) `config -q` validates it against the compose schema and resolves anchors and
//    variables (installed by .ci/run; when it is missing here the test says so, and fails under CI=true);
// 2. the deployment the README promises, read from the parsed file: MySQL, Redis with AOF on a volume, the object
//    store and its bucket, migrations as a one-shot step before every API and worker, two APIs behind the proxy,
//    two workers, a health check on every long-running service, every app process on the object store.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';

const FILE = resolve('docker-compose.yml');
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  JWT_SECRET: 'test-secret-0123456789',
  OPS_TOKEN: 'test-ops-token-0123456789',
  S3_SECRET_ACCESS_KEY: 'test-object-store-secret',
  REDIS_PASSWORD: 'test-redis-password-0123',
};

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const compose = yaml.load(readFileSync(FILE, 'utf8')) as Compose;
const services = compose.services;
const ONE_SHOT = ['migrate', 'bucket'];
const apis = Object.keys(services).filter((n) => services[n].command?.join(' ') === 'node dist/src/main.js');
const workers = Object.keys(services).filter((n) => services[n].command?.join(' ') === 'node dist/workers/main.js');

describe('docker-compose.yml', () => {
  const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

  it('passes `docker-compose config -q` (schema, anchors, variables; no engine needed)', () => {
    if (!hasCompose) {
      if (process.env.CI === 'true') throw new Error('docker-compose is missing under CI: .ci/run installs it');
      console.warn(
        'docker-compose.yml: `docker-compose` is not installed here (apt-get install docker-compose); skipped',
      );
      return;
    }
    const r = spawnSync('docker-compose', ['-f', FILE, 'config', '-q'], { env: ENV, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses to start without the secrets, naming each', () => {
    if (!hasCompose) return;
    for (const name of ['JWT_SECRET', 'OPS_TOKEN', 'S3_SECRET_ACCESS_KEY', 'REDIS_PASSWORD']) {
      const env = { ...ENV };
      delete env[name];
      const r = spawnSync('docker-compose', ['-f', FILE, 'config', '-q'], { env, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`set ${name}`);
    }
  });

  it('resolves two APIs and two workers with the same environment (anchors expanded)', () => {
    if (!hasCompose) return;
    const out = execFileSync('docker-compose', ['-f', FILE, 'config'], { env: ENV, encoding: 'utf8' });
    const resolved = yaml.load(out) as Compose;
    for (const name of [...apis, ...workers]) {
      expect(resolved.services[name].environment).toMatchObject({ BLOB_STORE: 's3', JWT_SECRET: ENV.JWT_SECRET });
    }
  });

  it('puts Redis behind REDIS_PASSWORD, given to every app process and to the health check', () => {
    if (!hasCompose) return;
    const out = execFileSync('docker-compose', ['-f', FILE, 'config'], { env: ENV, encoding: 'utf8' });
    const resolved = yaml.load(out) as Compose;
    const redis = resolved.services.redis;
    expect(redis.command?.join(' ')).toContain(`--requirepass ${ENV.REDIS_PASSWORD}`);
    expect(redis.environment?.REDISCLI_AUTH).toBe(ENV.REDIS_PASSWORD);
    expect(redis.healthcheck?.test.join(' ')).toMatch(/redis-cli ping \| grep -q PONG/);
    for (const name of [...apis, ...workers, 'migrate'])
      expect({ name, password: resolved.services[name].environment?.REDIS_PASSWORD }).toEqual({
        name,
        password: ENV.REDIS_PASSWORD,
      });
    // No password is written in the file itself: it only names the variable.
    expect(readFileSync(FILE, 'utf8')).not.toMatch(/requirepass['",\s]+[A-Za-z0-9]/);
  });

  it('runs MySQL, Redis with AOF on a volume, and the object store on a volume', () => {
    expect(services.mysql.image).toMatch(/^mysql:8/);
    expect(services.mysql.volumes).toContain('mysql-data:/var/lib/mysql');
    expect(services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(services.redis.volumes).toContain('redis-data:/data');
    expect(services.objectstore.volumes).toContain('object-data:/data');
    expect(Object.keys(compose.volumes).sort()).toEqual(['mysql-data', 'object-data', 'redis-data']);
  });

  it('has two APIs behind the proxy (the only published port) and two workers', () => {
    expect(apis).toHaveLength(2);
    expect(workers).toHaveLength(2);
    const published = Object.keys(services).filter((n) => services[n].ports?.length);
    expect(published).toEqual(['proxy']);
    const nginx = readFileSync(resolve('deploy/nginx.conf'), 'utf8');
    for (const api of apis) expect(nginx).toContain(`server ${api}:3000`);
    expect(services.proxy.volumes).toContain('./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    for (const api of apis) expect(services.proxy.depends_on?.[api]).toEqual({ condition: 'service_healthy' });
  });

  it('runs the migrations (and makes the bucket) as one-shot steps before any API or worker', () => {
    expect(services.migrate.command).toEqual(['node', 'dist/src/database/migrate.js']);
    expect(services.migrate.depends_on?.mysql).toEqual({ condition: 'service_healthy' });
    for (const name of [...apis, ...workers]) {
      for (const step of ONE_SHOT)
        expect(services[name].depends_on?.[step]).toEqual({ condition: 'service_completed_successfully' });
      expect(services[name].depends_on?.redis).toEqual({ condition: 'service_healthy' });
    }
  });

  it('has a health check on every long-running service; APIs check /ready', () => {
    for (const [name, s] of Object.entries(services)) {
      if (ONE_SHOT.includes(name)) continue;
      expect({ name, test: s.healthcheck?.test?.length ?? 0 }).toEqual({ name, test: expect.any(Number) });
      expect(s.healthcheck?.test?.[0]).toBe('CMD');
    }
    for (const api of apis) expect(services[api].healthcheck?.test.join(' ')).toContain('/ready');
  });

  it('puts every API, worker and the migration step on the object store, not a local folder', () => {
    for (const name of [...apis, ...workers, 'migrate']) {
      const env = services[name].environment ?? {};
      expect({ name, store: env.BLOB_STORE, endpoint: env.S3_ENDPOINT }).toEqual({
        name,
        store: 's3',
        endpoint: 'http://objectstore:9000',
      });
      expect(services[name].volumes ?? []).toEqual([]);
    }
  });
});
