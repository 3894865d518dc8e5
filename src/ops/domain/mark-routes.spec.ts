import { markKind } from './mark-routes.js';

describe('markKind', () => {
  it.each([
    ['POST', '/api/marking/tasks/:taskId/submit', 200, 'mark'],
    ['POST', '/api/marking/snippets/:token/arbitrate', 200, 'arbitration'],
    ['POST', '/api/marking/tasks/:taskId/submit', 409, null],
    ['POST', '/api/marking/tasks/:taskId/submit', 503, null],
    ['GET', '/api/marking/tasks/:taskId/submit', 200, null],
    ['POST', '/api/marking/next', 200, null],
  ])('%s %s %i → %s', (method, route, status, kind) => {
    expect(markKind(method as string, route as string, status as number)).toBe(kind);
  });
});
