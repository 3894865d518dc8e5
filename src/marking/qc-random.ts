import { Injectable } from '@nestjs/common';

/** The draw that mixes seeds and self re-marking into live marking; a class so a test can make it deterministic. */
@Injectable()
export class QcRandom {
  next(): number {
    return Math.random();
  }
}
