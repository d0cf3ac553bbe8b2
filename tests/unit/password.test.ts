import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from '../../server/auth/password.ts';
import { newSessionToken, parseSessionToken, secretMatches } from '../../server/auth/session-token.ts';

describe('password policy', () => {
	it('accepts 8 to 128 characters and refuses common passwords', () => {
		expect(passwordProblem('1234567')).toBe('too_short');
		expect(passwordProblem('x'.repeat(129))).toBe('too_long');
		expect(passwordProblem('MotDePasse')).toBe('too_common');
		expect(passwordProblem('azerty123')).toBe('too_common');
		expect(passwordProblem('la case de ma grand-mère')).toBeNull();
		expect(passwordProblem('é'.repeat(8))).toBeNull();
	});

	it('hashes with argon2id at the OWASP minimum and verifies', async () => {
		const hash = await hashPassword('la case de ma grand-mère');
		expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(await verifyPassword(hash, 'la case de ma grand-mère')).toBe(true);
		expect(await verifyPassword(hash, 'La case de ma grand-mère')).toBe(false);
		expect(await verifyPassword('not a hash', 'x')).toBe(false);
	});
});

describe('session tokens', () => {
	it('are <id>.<secret> with 160 random bits each, and only the hash matches', () => {
		const a = newSessionToken();
		const b = newSessionToken();
		expect(a.token).toMatch(/^[a-z2-7]{32}\.[a-z2-7]{32}$/);
		expect(a.id).not.toBe(b.id);
		const parsed = parseSessionToken(a.token)!;
		expect(parsed.id).toBe(a.id);
		expect(secretMatches(parsed.secret, a.secretHash)).toBe(true);
		expect(secretMatches(parsed.secret, b.secretHash)).toBe(false);
	});

	it('rejects malformed tokens before any lookup', () => {
		for (const token of [
			'',
			'abc',
			'a.b',
			`${'a'.repeat(32)}.${'A'.repeat(32)}`,
			`${'a'.repeat(32)}.${'a'.repeat(32)}.x`,
			undefined,
			null
		]) {
			expect(parseSessionToken(token)).toBeNull();
		}
	});
});
