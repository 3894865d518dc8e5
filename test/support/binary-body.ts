import type request from 'supertest';

/** supertest buffers only text by default: `.buffer(true).parse(binaryBody)` collects a PDF's or XLSX's bytes. */
export const binaryBody = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};
