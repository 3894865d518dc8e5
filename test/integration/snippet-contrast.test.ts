// The snippet's contrast stretch done by the JPEG encoder (libvips) against the JS reference (cutBoxNormalised).
import sharp from 'sharp';
import { cutBoxNormalised, cutBoxWithContrast } from '../../src/scans/domain/cut-snippet.js';
import type { Affine, GrayImage } from '../../src/scans/domain/gray-image.js';
import { ScanImageCodec } from '../../src/scans/scan-image.codec.js';

it('encodeJpeg with cutBoxWithContrast’s line gives the JPEG of cutBoxNormalised', async () => {
  const codec = new ScanImageCodec();
  const k = 200 / 72;
  const th = (1.3 * Math.PI) / 180;
  const t: Affine = { a: k * Math.cos(th), b: -k * Math.sin(th), c: 20, d: k * Math.sin(th), e: k * Math.cos(th), f: 30 };
  const img: GrayImage = { width: 1000, height: 700, data: new Uint8Array(1000 * 700) };
  // grey paper, pencil strokes of several greys
  for (let n = 0; n < img.data.length; n++) img.data[n] = 196 + ((n * 2654435761) >>> 28);
  for (let j = 150; j < 550; j += 11) for (let i = 100; i < 900; i++) if ((i + 2 * j) % 53 < 25) img.data[j * 1000 + i] = 70 + ((i * 7) % 80);
  const box = { x: 20, y: 40, w: 300, h: 150 };
  const decode = (jpeg: Buffer) => sharp(jpeg).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const { cut, contrast } = cutBoxWithContrast(img, t, box, 4, 150 / 72);
  const viaEncoder = await decode(await codec.encodeJpeg(cut, 95, contrast));
  const ref = cutBoxNormalised(img, t, box, 4, 150 / 72);
  const viaJs = await decode(await codec.encodeJpeg(ref, 95));
  expect([viaEncoder.info.width, viaEncoder.info.height, viaEncoder.info.channels]).toEqual([ref.width, ref.height, 1]);
  let sum = 0;
  for (let n = 0; n < ref.data.length; n++) sum += Math.abs(viaEncoder.data[n] - viaJs.data[n]);
  expect(sum / ref.data.length).toBeLessThan(0.5);
  // and the stretch happened: paper white, ink near black
  expect(viaEncoder.data.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThanOrEqual(250);
  expect(viaEncoder.data.reduce((m, v) => Math.min(m, v), 255)).toBeLessThan(30);
});
