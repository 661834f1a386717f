import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `dir` exists or can be made, and this process may write in it. */
async function writableDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh scratch file name (hnswlib-node reads and writes only files), in `dir` when this process may
 * write there, else in the OS temporary directory. The callers pass INDEX_DIR, whose file cache is best
 * effort: a scratch file that needs it would fail every index (de)serialisation, and so every publish and
 * load of a library too large for the exact index, where INDEX_DIR cannot be written (the Docker image
 * before its /app/tmp belonged to the `node` user, a read-only volume).
 */
export async function scratchFile(dir = tmpdir()): Promise<string> {
  const usable = dir === tmpdir() || (await writableDir(dir)) ? dir : tmpdir();
  return join(usable, `index-${process.pid}-${randomUUID()}.tmp`);
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
