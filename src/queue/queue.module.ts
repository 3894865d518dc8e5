import { Global, Module } from '@nestjs/common';
import { JobGenerationRepository } from './job-generation.repository.js';
import { JobProducer } from './job-producer.js';
import { Pipeline } from './pipeline.js';
import { QueueObserver } from './queue-observer.js';

/** The pipeline for every feature; the JobProducer stays exported for tests and operators' tools (queue views). */
@Global()
@Module({
  providers: [JobGenerationRepository, JobProducer, Pipeline, QueueObserver],
  exports: [Pipeline, JobProducer, QueueObserver],
})
export class QueueModule {}
