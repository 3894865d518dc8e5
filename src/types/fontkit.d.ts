// fontkit (pdfkit's font engine, https://github.com/foliojs/fontkit) ships no types: what this project uses of it.
declare module 'fontkit' {
  export interface Font {
    postscriptName: string;
    unitsPerEm: number;
    layout(text: string, features?: string[] | Record<string, boolean>): unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font | { fonts: Font[] };
}
