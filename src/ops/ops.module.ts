import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Server } from 'node:http';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { QueueObserver } from '../queue/queue-observer.js';
import { HealthController } from './health.controller.js';
import { OpsMetrics } from './ops-metrics.js';
import { startOpsServer } from './ops-server.js';

/** Operations of the API process: /health and /ready on the pages' port; /metrics and /queues on the operators'. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false })],
  controllers: [HealthController],
  providers: [
    {
      provide: OpsMetrics,
      inject: [QueueObserver],
      useFactory: (queues: QueueObserver) => new OpsMetrics('api', () => queues.counts()),
    },
  ],
  exports: [OpsMetrics],
})
export class OpsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;
  /** The operators' port actually listened on (OPS_PORT, or the one the system chose for 0 in tests); null when off. */
  port: number | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OpsMetrics) private readonly metrics: OpsMetrics,
    @Inject(QueueObserver) private readonly queues: QueueObserver,
  ) {}

  async onApplicationBootstrap() {
    if (!this.config.ops.port) return;
    const { server, port } = await startOpsServer({
      ...this.config.ops,
      metrics: this.metrics,
      board: (base) => this.queues.board(base),
    });
    this.server = server;
    this.port = port;
  }

  async onApplicationShutdown() {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
