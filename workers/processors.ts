import type { Processor } from './processor.js';

/** Every processor the worker runs. Start-up fails if a job name has no processor or two. */
export const PROCESSORS: Processor<any>[] = [];
