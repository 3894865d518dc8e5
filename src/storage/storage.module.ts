import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { BlobStore } from './blob-store.js';
import { createBlobStore } from './create-blob-store.js';

@Global()
@Module({
  providers: [{ provide: BlobStore, inject: [APP_CONFIG], useFactory: (c: AppConfig) => createBlobStore(c) }],
  exports: [BlobStore],
})
export class StorageModule {}
