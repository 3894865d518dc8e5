import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { ACTOR_CACHE_MS, ActorCache } from './actor-cache.js';

class TestCache extends ActorCache {
  now = 1_000_000;
  protected override clock(): number {
    return this.now;
  }
}

describe('ActorCache', () => {
  const actor = new Actor(7, 'm7', '阅卷教师', [{ role: Role.Marker, allianceId: 1, schoolId: null, subject: '数学' }]);
  const other = new Actor(8, 'm8', '阅卷教师', []);

  it('answers the same token for ACTOR_CACHE_MS after its Actor was read, then reads again', () => {
    const c = new TestCache();
    c.set('tok-a', actor, Number.POSITIVE_INFINITY);
    expect(c.get('tok-a')).toBe(actor);
    c.now += ACTOR_CACHE_MS - 1;
    expect(c.get('tok-a')).toBe(actor);
    c.now += 1;
    expect(c.get('tok-a')).toBeUndefined();
  });

  it('never answers a token once it has expired, nor a token it did not see', () => {
    const c = new TestCache();
    c.set('tok-a', actor, c.now + 500);
    expect(c.get('tok-b')).toBeUndefined();
    c.now += 500;
    expect(c.get('tok-a')).toBeUndefined();
  });

  it('forgets every token of a user, and only that user', () => {
    const c = new TestCache();
    c.set('tok-a', actor, Number.POSITIVE_INFINITY);
    c.set('tok-a2', actor, Number.POSITIVE_INFINITY);
    c.set('tok-b', other, Number.POSITIVE_INFINITY);
    c.forget(7);
    expect(c.get('tok-a')).toBeUndefined();
    expect(c.get('tok-a2')).toBeUndefined();
    expect(c.get('tok-b')).toBe(other);
  });
});
