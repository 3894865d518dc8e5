import { REDACTED, requestLogFields, responseLogFields } from './log-fields.js';

describe('requestLogFields', () => {
  const base = { id: 'r-1', method: 'POST', url: '/api/marking/next', remoteAddress: '127.0.0.1', remotePort: 5000 };
  it.each([
    ['no headers', undefined, {}],
    [
      'kept headers as they came',
      { 'user-agent': 'ua', 'x-forwarded-for': '10.0.0.1' },
      { 'user-agent': 'ua', 'x-forwarded-for': '10.0.0.1' },
    ],
    ['a bearer token only named', { authorization: 'Bearer secret' }, { authorization: REDACTED }],
    ['a session cookie only named', { cookie: 'tk_session=secret' }, { cookie: REDACTED }],
    ['other headers left out', { accept: '*/*', 'content-type': 'application/json', host: 'x' }, {}],
  ])('%s', (_name, headers, expected) => {
    const fields = requestLogFields({ ...base, headers });
    expect(fields).toEqual({ ...base, headers: expected });
    expect(JSON.stringify(fields)).not.toContain('secret');
  });
});

describe('responseLogFields', () => {
  it.each([
    ['no headers', null, {}],
    ['a session cookie set only named', { 'set-cookie': ['tk_session=secret; HttpOnly'] }, { 'set-cookie': REDACTED }],
    [
      'length and redirect kept',
      { 'content-length': '12', location: '/login' },
      { 'content-length': '12', location: '/login' },
    ],
    ['security headers left out', { 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'self'" }, {}],
  ])('%s', (_name, headers, expected) => {
    const fields = responseLogFields({ statusCode: 200, headers });
    expect(fields).toEqual({ statusCode: 200, headers: expected });
    expect(JSON.stringify(fields)).not.toContain('secret');
  });
});
