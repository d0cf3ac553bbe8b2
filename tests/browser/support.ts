import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server-process.ts';

/** Debian's Chromium (`apt-get install -y chromium`); a browser is never downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
	console.warn(`Browser tests skipped: ${CHROMIUM} not found (install it with \`apt-get install -y chromium\`).`);
}

export const DEMO_PASSWORD = 'palabre-demo';
export const demo = {
	admin: { email: 'admin@example.org', name: 'Aïssatou Diallo' },
	moderator: { email: 'animation@example.org', name: 'Koffi Mensah' },
	member: { email: 'membre@example.org', name: 'Mariam Traoré' }
} as const;

export const modes = [
	{ name: 'JavaScript on', js: true },
	{ name: 'JavaScript off', js: false }
] as const;

let counter = 0;
/** An address no other test (or earlier run on the same PostgreSQL) has used. */
export function uniqueEmail(tag: string): string {
	counter += 1;
	return `${tag}.${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}@example.net`;
}

/** What went wrong in the page: CSP refusals in the console, uncaught script errors. */
export interface Problems {
	list: string[];
}

export interface Harness {
	server: RunningServer;
	browser: Browser;
	/** A fresh context (own cookies), French browser by default, with problems recorded. */
	context(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page; problems: Problems }>;
	close(): Promise<void>;
}

/**
 * With JavaScript on, marks forms that received a `submit` listener (what `use:enhance`
 * adds at hydration), so a test can wait for the enhanced form instead of racing it.
 * Init scripts run through the DevTools protocol: the page's CSP does not apply to them.
 */
const markEnhancedForms = () => {
	const add = EventTarget.prototype.addEventListener;
	EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, ...rest: unknown[]) {
		if (type === 'submit' && this instanceof HTMLFormElement) (this as unknown as Record<string, boolean>).__enhanced = true;
		return (add as (...args: unknown[]) => void).call(this, type, ...rest);
	} as typeof EventTarget.prototype.addEventListener;
};

export async function startHarness(): Promise<Harness> {
	const server = await startServer();
	let browser: Browser;
	try {
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		});
	} catch (error) {
		await server.stop();
		throw error;
	}
	const contexts: BrowserContext[] = [];
	return {
		server,
		browser,
		async context(options = {}) {
			const context = await browser.newContext({ baseURL: server.origin, locale: 'fr-FR', ...options });
			contexts.push(context);
			context.setDefaultTimeout(10_000);
			if (options.javaScriptEnabled !== false) await context.addInitScript(markEnhancedForms);
			const problems: Problems = { list: [] };
			context.on('console', (message) => {
				if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) {
					problems.list.push(`CSP: ${message.text()}`);
				}
			});
			context.on('weberror', (error) => problems.list.push(`script error: ${error.error().message}`));
			const page = await context.newPage();
			return { context, page, problems };
		},
		async close() {
			await Promise.allSettled(contexts.map((c) => c.close()));
			await browser.close().catch(() => {});
			await server.stop();
		}
	};
}

/** With JavaScript on, waits until SvelteKit has enhanced the page's main form. */
export async function ready(page: Page, js: boolean, form = 'main form'): Promise<void> {
	if (!js) return;
	await page.waitForFunction(
		(selector) => Boolean((document.querySelector(selector) as unknown as Record<string, boolean> | null)?.__enhanced),
		form
	);
}

/** Marks the current document; `sameDocument` then says whether a submit stayed client-side. */
export async function markDocument(page: Page): Promise<void> {
	await page.evaluate(() => ((window as unknown as Record<string, boolean>).__marked = true));
}
export async function sameDocument(page: Page): Promise<boolean> {
	return page.evaluate(() => Boolean((window as unknown as Record<string, boolean>).__marked));
}

export async function login(page: Page, js: boolean, email: string, password = DEMO_PASSWORD, path = '/connexion') {
	await page.goto(path);
	await ready(page, js);
	// By id, so it serves in either language; the labels are checked where French is asserted.
	await page.locator('main #email').fill(email);
	await page.locator('main #password').fill(password);
	await page.locator('main form button[type="submit"]').click();
}

export async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
	return (await context.cookies()).find((c) => c.name === 'palabre_session')?.value;
}

export function expectNoProblems(problems: Problems): void {
	expect(problems.list, problems.list.join('\n')).toEqual([]);
}
