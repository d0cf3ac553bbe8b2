import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('mail configuration', () => {
	it('keeps e-mails local without SMTP_URL and derives MAIL_FROM from the public origin', () => {
		const config = loadConfig({ PUBLIC_ORIGIN: 'https://palabre.example.org:8443' });
		expect(config.smtpUrl).toBeUndefined();
		expect(config.mailFrom).toBe('Palabre <no-reply@palabre.example.org>');
		expect(config.jobsIntervalSeconds).toBe(30);
	});

	it('accepts smtp:// and smtps:// with credentials, and a named sender', () => {
		const config = loadConfig({
			SMTP_URL: 'smtps://relais:mot%20de%20passe@mail.example.org:465',
			MAIL_FROM: 'Réseau Palabre <annonces@example.org>'
		});
		expect(config.smtpUrl).toBe('smtps://relais:mot%20de%20passe@mail.example.org:465');
		expect(config.mailFrom).toBe('Réseau Palabre <annonces@example.org>');
		expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'annonces@example.org' }).mailFrom).toBe(
			'annonces@example.org'
		);
	});

	it('lists bad mail settings together, without printing the SMTP password', () => {
		let caught: unknown;
		try {
			loadConfig({
				SMTP_URL: 'http://relais:tres-secret@mail.example.org',
				MAIL_FROM: 'pas une adresse',
				JOBS_INTERVAL_SECONDS: '-1'
			});
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(ConfigError);
		const problems = (caught as ConfigError).problems;
		expect(problems.map((p) => p.split('=')[0])).toEqual(['SMTP_URL', 'MAIL_FROM', 'JOBS_INTERVAL_SECONDS']);
		expect(problems[0]).toContain('relais:***@');
		expect((caught as Error).message).not.toContain('tres-secret');
	});
});
