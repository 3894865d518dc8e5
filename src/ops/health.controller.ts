import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../common/roles.decorator.js';
import { DatabaseHealth } from '../database/database-health.js';
import { QueueObserver } from '../queue/queue-observer.js';
import { BlobStore } from '../storage/blob-store.js';
import { DEPENDENCIES, dependencyDown, type Dependency } from './domain/readiness.js';

/** A dependency that has not answered within this long is down (a load balancer's probe waits ~5 s). */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * For a load balancer: GET /health says the process is alive (no dependency asked, so a database outage never
 * restarts every instance); GET /ready says it can serve now: MySQL, Redis and the blob store each answer within
 * 2 s. A dependency down answers 503 with the same Chinese message the API gives when that server is away.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(DatabaseHealth) private readonly database: DatabaseHealth,
    @Inject(QueueObserver) private readonly queues: QueueObserver,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  @Get('health')
  @Public()
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  ready() {
    const probes: Record<Dependency, () => Promise<void>> = {
      database: () => this.database.ping(),
      queue: () => this.queues.ping(),
      blobs: () => this.blobs.probe(),
    };
    return this.health.check(DEPENDENCIES.map((d) => () => this.probe(d, probes[d])));
  }

  private async probe(key: Dependency, run: () => Promise<void>) {
    const check = this.indicators.check(key);
    try {
      await withTimeout(run(), PROBE_TIMEOUT_MS);
      return check.up();
    } catch (err) {
      return check.down(dependencyDown(key, err));
    }
  }
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
