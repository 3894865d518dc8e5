// The server's answer types (src/**/api-types.ts, imported type-only) reach pure domain code that deals the anonymous
// letters with node:crypto's HMAC (src/results/domain/principal-view.ts). The pages never run that code; this declares
// the one function it uses so that vue-tsc can check those files without Node's types in the browser build.
declare module 'node:crypto' {
  export function createHmac(
    algorithm: string,
    key: string,
  ): { update(text: string): { digest(encoding: 'hex'): string } };
}
