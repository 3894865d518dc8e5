import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob.store.js';

@Global()
@Module({
  providers: [
    { provide: BlobStore, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new LocalBlobStore(c.dataDir) },
  ],
  exports: [BlobStore],
})
export class StorageModule {}
