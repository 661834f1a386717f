import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh scratch file name (hnswlib-node reads and writes only files). */
export async function scratchFile(dir = tmpdir()): Promise<string> {
  await mkdir(dir, { recursive: true });
  return join(dir, `index-${process.pid}-${randomUUID()}.tmp`);
}

/** The bytes a native index writes to a file (through a scratch file, removed afterwards). */
export async function writtenBytes(write: (file: string) => Promise<unknown>, scratchDir?: string): Promise<Buffer> {
  const file = await scratchFile(scratchDir);
  try {
    await write(file);
    return await readFile(file);
  } finally {
    await rm(file, { force: true });
  }
}

/** Hand `bytes` to a native index that loads only from files (through a scratch file, removed afterwards). */
export async function readThroughFile<T>(
  bytes: Buffer,
  read: (file: string) => Promise<T>,
  scratchDir?: string,
): Promise<T> {
  const file = await scratchFile(scratchDir);
  try {
    await writeFile(file, bytes);
    return await read(file);
  } finally {
    await rm(file, { force: true });
  }
}
