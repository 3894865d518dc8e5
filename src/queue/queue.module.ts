import { Global, Module } from '@nestjs/common';
import { JobProducer } from './job-producer.js';
import { Pipeline } from './pipeline.js';

/** The pipeline for every feature; the JobProducer stays exported for tests and operators' tools (queue views). */
@Global()
@Module({ providers: [JobProducer, Pipeline], exports: [Pipeline, JobProducer] })
export class QueueModule {}
