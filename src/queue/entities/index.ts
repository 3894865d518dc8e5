// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { JobGeneration } from './job-generation.entity.js';

export const QUEUE_ENTITIES = [JobGeneration];
