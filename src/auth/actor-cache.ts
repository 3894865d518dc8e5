import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';

/**
 * How long a request's Actor (user, roles, session epoch) is reused before it is read again. Logout on this API
 * instance takes effect at once (it forgets the user); logout on another instance, a deactivated account or a
 * revoked role take effect here within this many milliseconds.
 */
export const ACTOR_CACHE_MS = 10_000;
/** Users remembered per API process (the least recently read are forgotten first). */
export const ACTOR_CACHE_MAX = 50_000;

/**
 * A per-process cache of authenticated Actors by user id, so a marker's next and submit do not read the user and
 * its roles on every request. An entry only answers a token of the same session epoch. The clock is a method so a
 * test can move it.
 */
@Injectable()
export class ActorCache {
  private readonly entries = new Map<number, { actor: Actor; epoch: number; at: number }>();

  protected clock(): number {
    return Date.now();
  }

  get(userId: number, epoch: number): Actor | undefined {
    const e = this.entries.get(userId);
    if (!e || e.epoch !== epoch) return undefined;
    if (this.clock() - e.at >= ACTOR_CACHE_MS) {
      this.entries.delete(userId);
      return undefined;
    }
    return e.actor;
  }

  set(actor: Actor, epoch: number): void {
    this.entries.delete(actor.userId);
    if (this.entries.size >= ACTOR_CACHE_MAX) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(actor.userId, { actor, epoch, at: this.clock() });
  }

  /** After a logout, or anything else that changes who the user is or may do. */
  forget(userId: number): void {
    this.entries.delete(userId);
  }
}
