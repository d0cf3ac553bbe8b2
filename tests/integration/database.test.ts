import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, openDatabase } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import { DEMO_PASSWORD, demoUsers, seedIfEmpty } from '../../db/seed/demo.ts';
import { attachmentStorage } from '../../server/lib/storage.ts';
import { verifyPassword } from '../../server/auth/password.ts';

const dirs: string[] = [];
const tempDir = () => {
	const dir = mkdtempSync(join(tmpdir(), 'palabre-db-'));
	dirs.push(dir);
	return dir;
};
afterAll(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('embedded database (PGlite)', () => {
	it('refuses a second opener of the same data folder, with a clear message', async () => {
		const dir = tempDir();
		const first = await openDatabase({ dataDir: dir });
		try {
			// Another process holds the lock: simulate with a live pid that is not ours.
			await first.close();
			const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
			try {
				writeFileSync(join(dir, 'palabre.lock'), String(holder.pid));
				const error = await openDatabase({ dataDir: dir }).catch((e: unknown) => e);
				expect(error).toBeInstanceOf(DataDirLockedError);
				expect((error as Error).message).toContain(String(holder.pid));
				expect((error as Error).message).toMatch(/déjà ouvert/);
			} finally {
				holder.kill();
			}
		} finally {
			rmSync(join(dir, 'palabre.lock'), { force: true });
		}
	});

	it('refuses a second open within the same process too', async () => {
		const dir = tempDir();
		const first = await openDatabase({ dataDir: dir });
		try {
			await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
		} finally {
			await first.close();
		}
	});

	it('takes over a lock left by a dead process, and keeps data across restarts', async () => {
		const dir = tempDir();
		const first = await openDatabase({ dataDir: dir });
		expect(await seedIfEmpty(first.db, attachmentStorage(join(dir, 'files')))).toBe(true);
		await first.close();
		writeFileSync(join(dir, 'palabre.lock'), '999999');
		const second = await openDatabase({ dataDir: dir });
		try {
			expect(await seedIfEmpty(second.db, attachmentStorage(join(dir, 'files')))).toBe(false);
			const rows = await second.db.select().from(users);
			expect(rows.length).toBe(demoUsers.length);
		} finally {
			await second.close();
		}
	});

	it('seeds the demo accounts, one per role, with the documented password', async () => {
		const db = await openDatabase({ dataDir: null });
		try {
			await seedIfEmpty(db.db, attachmentStorage(tempDir()));
			for (const [email, role] of [
				['admin@example.org', 'admin'],
				['animation@example.org', 'moderator'],
				['membre@example.org', 'member']
			] as const) {
				const [row] = await db.db.select().from(users).where(eq(users.email, email));
				expect(row).toMatchObject({ role, isDemo: true, locale: 'fr' });
				expect(await verifyPassword(row!.passwordHash, DEMO_PASSWORD)).toBe(true);
			}
		} finally {
			await db.close();
		}
	});
});

describe.runIf(process.env.DATABASE_URL)('PostgreSQL server', () => {
	it('migrates concurrently from several processes without conflict, and never seeds by itself', async () => {
		const { default: postgres } = await import('postgres');
		const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
		const name = `palabre_t_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
		await admin.unsafe(`create database ${name}`);
		try {
			const url = new URL(process.env.DATABASE_URL!);
			url.pathname = `/${name}`;
			const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: url.toString(), max: 2 })));
			const rows = await handles[0]!.db.select().from(users);
			expect(rows).toHaveLength(0);
			await Promise.all(handles.map((h) => h.close()));
		} finally {
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	});
});
