import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { z } from 'zod';

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. */
const argon2Options = {
	// Algorithm.Argon2id: a const enum, which isolated modules cannot read.
	algorithm: 2 as Algorithm.Argon2id,
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1
} as const;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/**
 * Passwords people pick first; refusing them costs nothing and stops the laziest guessing.
 * Compared case-insensitively.
 */
const commonPasswords = new Set([
	'password',
	'password1',
	'password123',
	'motdepasse',
	'motdepasse1',
	'12345678',
	'123456789',
	'1234567890',
	'87654321',
	'00000000',
	'11111111',
	'azertyuiop',
	'azerty123',
	'qwertyuiop',
	'qwerty123',
	'iloveyou',
	'sunshine',
	'princess',
	'football',
	'baseball',
	'welcome1',
	'bienvenue',
	'soleil123',
	'abc12345',
	'abcd1234',
	'letmein1',
	'admin123',
	'administrateur',
	'passw0rd',
	'palabre123',
	'mutuelle',
	'mutuelle123'
]);

export type PasswordProblem = 'too_short' | 'too_long' | 'too_common';

export function passwordProblem(password: string): PasswordProblem | null {
	const length = [...password].length;
	if (length < PASSWORD_MIN) return 'too_short';
	if (length > PASSWORD_MAX) return 'too_long';
	if (commonPasswords.has(password.toLowerCase())) return 'too_common';
	return null;
}

/** A new password as the contract sees it; the policy messages are catalogue keys. */
export const newPasswordSchema = z.string().superRefine((value, ctx) => {
	const problem = passwordProblem(value);
	if (problem) ctx.addIssue({ code: 'custom', message: `error_password_${problem}` });
});

export function hashPassword(password: string): Promise<string> {
	return hash(password, argon2Options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

/**
 * A real hash of a throwaway password: login verifies against it when the account does not
 * exist, so response time does not tell which e-mails are registered.
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
	decoyHash ??= hashPassword('decoy-password-for-timing');
	return decoyHash;
}
