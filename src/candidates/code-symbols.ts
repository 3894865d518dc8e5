// The one place 考务 meets the barcode libraries: bwip-js encodes Code 128 (its raw() gives the bar and space widths,
// drawn as vector rectangles, sharp at any print resolution), qrcode the QR symbol.
import bwipjs from 'bwip-js';
import QRCode from 'qrcode';

/** Code 128 of the text: module widths alternating bar, space, bar, … (starting with a bar). */
export function code128Widths(text: string): number[] {
  const [symbol] = bwipjs.raw({ bcid: 'code128', text }) as unknown as { sbs: number[] }[];
  return symbol.sbs;
}

/** QR (error correction M) of the text: size × size modules, row-major, 1 = dark. */
export function qrMatrix(text: string): { size: number; data: Uint8Array } {
  const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = code.modules.size;
  const data = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) data[r * size + c] = code.modules.get(r, c) ? 1 : 0;
  return { size, data };
}
