import { Global, Module } from '@nestjs/common';
import { JobProducer } from './job-producer.js';
import { Pipeline } from './pipeline.js';
import { QueueObserver } from './queue-observer.js';

/** The pipeline for every feature; the JobProducer stays exported for tests and operators' tools (queue views). */
@Global()
@Module({ providers: [JobProducer, Pipeline, QueueObserver], exports: [Pipeline, JobProducer, QueueObserver] })
export class QueueModule {}
