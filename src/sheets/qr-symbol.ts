// The one place sheets meet the qrcode library: the module matrix of a page's QR code, drawn by the PDF writer
// and by the synthetic-scan generator at the layout's QR box.
import QRCode from 'qrcode';
import { QR_MODULES, QR_VERSION } from './domain/layout.js';

/** Dark modules of a QR symbol, row-major, 1 = dark; size × size. */
export interface QrModules {
  size: number;
  data: Uint8Array;
}

/** Fixed version (so every page's symbol fills the same box) at error-correction level M (15 % of the symbol may be lost). */
export function qrModules(text: string): QrModules {
  const code = QRCode.create(text, { version: QR_VERSION, errorCorrectionLevel: 'M' });
  if (code.modules.size !== QR_MODULES) throw new Error(`QR of ${code.modules.size} modules, expected ${QR_MODULES}`);
  const size = code.modules.size;
  const data = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) data[r * size + c] = code.modules.get(r, c) ? 1 : 0;
  return { size, data };
}
