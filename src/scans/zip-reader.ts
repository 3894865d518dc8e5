// Reading a ZIP of scans with yauzl: entries listed from the central directory, then streamed one at a time.
import { BadRequestException } from '@nestjs/common';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import { decodeZipName, naturalCompare } from './domain/upload-files.js';

export interface ZipEntryInfo {
  name: string;
  uncompressedSize: number;
  encrypted: boolean;
  entry: yauzl.Entry;
}

/** A hard cap on entries: a real batch is a few thousand pages; a million-entry ZIP is an attack. */
const MAX_ENTRIES = 20_000;

export class ZipReader {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: ZipEntryInfo[],
  ) {}

  /** Opens the ZIP and lists its entries in natural name order; a file that is not a readable ZIP → 400. */
  static async open(path: string, displayName: string): Promise<ZipReader> {
    let zip: yauzl.ZipFile;
    try {
      zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(path, {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: false,
        validateEntrySizes: true,
      });
    } catch {
      throw new BadRequestException(`压缩包「${displayName}」无法打开（文件可能已损坏）`);
    }
    if (zip.entryCount > MAX_ENTRIES) {
      zip.close();
      throw new BadRequestException(`压缩包「${displayName}」中的文件过多（最多 ${MAX_ENTRIES} 个），请分批上传`);
    }
    const entries: ZipEntryInfo[] = await new Promise((resolve, reject) => {
      const out: ZipEntryInfo[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer;
        out.push({
          name: decodeZipName(raw, (entry.generalPurposeBitFlag & 0x800) !== 0),
          uncompressedSize: entry.uncompressedSize,
          encrypted: entry.isEncrypted(),
          entry,
        });
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', () => {
        zip.close();
        reject(new BadRequestException(`压缩包「${displayName}」已损坏，无法读取其中的文件列表`));
      });
      zip.readEntry();
    });
    entries.sort((a, b) => naturalCompare(a.name, b.name));
    return new ZipReader(zip, entries);
  }

  openStream(e: ZipEntryInfo): Promise<NodeJS.ReadableStream> {
    return promisify<yauzl.Entry, NodeJS.ReadableStream>(this.zip.openReadStream.bind(this.zip))(e.entry);
  }

  close() {
    this.zip.close();
  }
}
