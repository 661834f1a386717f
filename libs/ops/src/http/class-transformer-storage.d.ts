// class-transformer keeps the metadata its decorators (@Type, @Transform, @Expose, @Exclude) write
// in this module, which its package publishes without a declaration.
declare module 'class-transformer/cjs/storage.js' {
  import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';
  export const defaultMetadataStorage: MetadataStorage;
}
