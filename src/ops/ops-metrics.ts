// The Prometheus metrics of one process (prom-client). Each process (API, worker) has its own registry, served on
// its operators' port (src/ops/ops-server.ts); Prometheus scrapes every instance and sums. What is measured:
//   tongkao_http_request_duration_seconds{method,route,status}  every API request, by route pattern (not by URL)
//   tongkao_queue_jobs{queue,state}                              queue depth, read from Redis at each scrape
//   tongkao_job_duration_seconds{queue,job,outcome}              every job a worker ran (results and reports too)
//   tongkao_pages_ingested_total{outcome}                        pages the reader finished: read or exception
//   tongkao_marks_total{kind}                                    marks recorded (rate(...[1m]) = marks per minute)
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type QueueCounts = { queue: string; counts: Record<string, number> }[];

export class OpsMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'tongkao_http_request_duration_seconds',
    help: 'API request latency by route pattern',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'tongkao_job_duration_seconds',
    help: 'Duration of the jobs this worker ran, by queue, job and outcome',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600],
    registers: [this.registry],
  });
  readonly pagesIngested = new Counter({
    name: 'tongkao_pages_ingested_total',
    help: 'Scanned pages the reader finished, by outcome (read, exception)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly marks = new Counter({
    name: 'tongkao_marks_total',
    help: 'Marks recorded (marking, arbitration); rate over 1m is marks per minute',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** `role` labels every series (api or worker); `queueCounts`, when given, is read at each scrape. */
  constructor(role: 'api' | 'worker', queueCounts?: () => Promise<QueueCounts>) {
    this.registry.setDefaultLabels({ process_role: role });
    collectDefaultMetrics({ register: this.registry, prefix: 'tongkao_' });
    if (queueCounts) this.queueGauge(queueCounts);
  }

  private queueGauge(read: () => Promise<QueueCounts>) {
    new Gauge({
      name: 'tongkao_queue_jobs',
      help: 'Jobs per queue and state (waiting, delayed, active, failed, completed, prioritized)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { queue, counts } of await read())
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
      },
    });
  }

  /** The exposition text and its content type, for GET /metrics. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
