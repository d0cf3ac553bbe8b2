import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where uploaded bytes live, behind one small interface. Keys are made by `newStorageKey`
 * (never from user input); the database keeps the key, the name and the detected type.
 *
 * The filesystem backend below is the default (a folder under DATA_DIR, also with
 * DATABASE_URL). An S3-compatible backend would implement the same four methods with
 * PutObject (`Body` = the Buffer or stream, via `@aws-sdk/lib-storage` Upload for streams),
 * GetObject (`Body` as a Readable), DeleteObject and HeadObject (404 → false), using the key
 * as the object key under a configured bucket and prefix.
 */
export interface BlobStorage {
	put(key: string, data: Buffer | Readable): Promise<void>;
	/** The bytes as a stream; rejects when the key holds nothing. */
	get(key: string): Promise<Readable>;
	/** Deleting a missing key is not an error. */
	delete(key: string): Promise<void>;
	exists(key: string): Promise<boolean>;
}

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A fresh random key, sharded `ab/cd/<uuid>` so that no folder grows too large. */
export function newStorageKey(): string {
	const id = randomUUID();
	return `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;
}

/** Files under `rootDir`, one per key; writes land in a temporary file renamed into place. */
export class FileSystemStorage implements BlobStorage {
	readonly rootDir: string;

	constructor(rootDir: string) {
		this.rootDir = resolve(rootDir);
	}

	/** Only keys of our own shape map to a path: nothing can climb out of the root. */
	private path(key: string): string {
		if (!KEY.test(key)) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
		return join(this.rootDir, ...key.split('/'));
	}

	async put(key: string, data: Buffer | Readable): Promise<void> {
		const target = this.path(key);
		await mkdir(dirname(target), { recursive: true });
		const temporary = `${target}.${randomUUID()}.tmp`;
		try {
			await pipeline(Buffer.isBuffer(data) ? Readable.from([data]) : data, createWriteStream(temporary, { flags: 'wx' }));
			await rename(temporary, target);
		} catch (error) {
			await unlink(temporary).catch(() => {});
			throw error;
		}
	}

	async get(key: string): Promise<Readable> {
		const path = this.path(key);
		await stat(path);
		return createReadStream(path);
	}

	async delete(key: string): Promise<void> {
		try {
			await unlink(this.path(key));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}

	async exists(key: string): Promise<boolean> {
		try {
			return (await stat(this.path(key))).isFile();
		} catch {
			return false;
		}
	}
}

/** The default store of fiche attachments: `<DATA_DIR>/attachments/`. */
export function attachmentStorage(dataDir: string): FileSystemStorage {
	return new FileSystemStorage(join(dataDir, 'attachments'));
}
