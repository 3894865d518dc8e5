import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';

/**
 * How long a request's Actor (user, roles, session epoch) is reused before it is read again. Logout on this API
 * instance takes effect at once (it forgets the user); logout on another instance, a deactivated account or a
 * revoked role take effect here within this many milliseconds.
 */
export const ACTOR_CACHE_MS = 10_000;
/** Tokens remembered per API process (the least recently read are forgotten first). */
export const ACTOR_CACHE_MAX = 50_000;

interface Entry {
  actor: Actor;
  /** When the Actor was read from the database. */
  at: number;
  /** The token's own expiry (ms since the epoch). */
  expiresAt: number;
}

/**
 * A per-process cache of authenticated Actors by token, so a marker's next and submit neither verify the token's
 * signature again nor read the user and its roles on every request. Only a token this process verified and found
 * current (signature, expiry, session epoch) is in it, and only until ACTOR_CACHE_MS after its Actor was read or
 * the token expires, whichever is first. The clock is a method so a test can move it.
 */
@Injectable()
export class ActorCache {
  private readonly entries = new Map<string, Entry>();

  protected clock(): number {
    return Date.now();
  }

  get(token: string): Actor | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    const now = this.clock();
    if (now - e.at >= ACTOR_CACHE_MS || now >= e.expiresAt) {
      this.entries.delete(token);
      return undefined;
    }
    return e.actor;
  }

  /** A token just verified, with the Actor read for it; `expiresAt` from the token's exp (ms). */
  set(token: string, actor: Actor, expiresAt: number): void {
    this.entries.delete(token);
    if (this.entries.size >= ACTOR_CACHE_MAX) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { actor, at: this.clock(), expiresAt });
  }

  /** After a logout, or anything else that changes who the user is or may do: every token of the user. */
  forget(userId: number): void {
    for (const [token, e] of this.entries) if (e.actor.userId === userId) this.entries.delete(token);
  }
}
