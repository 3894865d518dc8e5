import { checkWriteOrigin, originOf } from './origin-check.js';

const self = ['http://school.example:3000'];

describe('checkWriteOrigin', () => {
  // prettier-ignore
  const cases: [string, Parameters<typeof checkWriteOrigin>[0], boolean][] = [
    ['GET from anywhere',                  { method: 'GET', origin: 'http://evil.example', selfOrigins: self }, true],
    ['POST from the same origin',          { method: 'POST', origin: 'http://school.example:3000', selfOrigins: self }, true],
    ['POST from another port, same host',  { method: 'POST', origin: 'http://school.example:8080', selfOrigins: self }, false],
    ['POST from https of the same host',   { method: 'POST', origin: 'https://school.example:3000', selfOrigins: self }, false],
    ['DELETE from another site',           { method: 'DELETE', origin: 'http://evil.example', selfOrigins: self }, false],
    ['PATCH from an opaque origin',        { method: 'PATCH', origin: 'null', selfOrigins: self }, false],
    ['POST, no Origin, same-origin Referer', { method: 'POST', referer: 'http://school.example:3000/exams?x=1', selfOrigins: self }, true],
    ['POST, no Origin, foreign Referer',   { method: 'POST', referer: 'http://school.example:8080/attack.html', selfOrigins: self }, false],
    ['POST, no Origin, bad Referer',       { method: 'POST', referer: 'not a url', selfOrigins: self }, false],
    ['POST with neither (script, curl)',   { method: 'POST', selfOrigins: self }, true],
    ['default port written out',           { method: 'PUT', origin: 'https://school.example', selfOrigins: ['https://school.example:443'] }, true],
    ['lower-case method',                  { method: 'post', origin: 'http://evil.example', selfOrigins: self }, false],
  ];
  it.each(cases)('%s', (_name, facts, ok) => {
    const v = checkWriteOrigin(facts);
    expect(v.ok).toBe(ok);
    if (!v.ok) expect(v.reason).toMatch(/跨站请求伪造/);
  });

  it('reads origins of URLs and refuses other schemes', () => {
    expect(originOf('http://a.example:80/x')).toBe('http://a.example');
    expect(originOf('javascript:alert(1)')).toBeNull();
  });
});
