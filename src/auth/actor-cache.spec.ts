import { Role } from './entities/user-role.entity.js';
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

  it('answers a token of the same session epoch for ACTOR_CACHE_MS, then reads again', () => {
    const c = new TestCache();
    c.set(actor, 3);
    expect(c.get(7, 3)).toBe(actor);
    c.now += ACTOR_CACHE_MS - 1;
    expect(c.get(7, 3)).toBe(actor);
    c.now += 1;
    expect(c.get(7, 3)).toBeUndefined();
  });

  it('never answers a token of another epoch, nor another user, nor a forgotten user', () => {
    const c = new TestCache();
    c.set(actor, 3);
    expect(c.get(7, 2)).toBeUndefined();
    expect(c.get(7, 4)).toBeUndefined();
    expect(c.get(8, 3)).toBeUndefined();
    c.forget(7);
    expect(c.get(7, 3)).toBeUndefined();
  });
});
