/**
 * `node --import tsx scripts/add-messages.ts <file.json>`: merges `{ "key": { "fr": "…", "en": "…" } }`
 * into messages/fr.json and messages/en.json (added or replaced), then formats them. One quick
 * read-modify-write, so that several people adding keys at once don't trample each other.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(process.argv[2] ?? '/dev/stdin', 'utf8')) as Record<string, Record<'fr' | 'en', unknown>>;
for (const locale of ['fr', 'en'] as const) {
	const path = `messages/${locale}.json`;
	const messages = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
	for (const [key, value] of Object.entries(input)) {
		if (value[locale] === undefined) throw new Error(`${key}: no ${locale} text`);
		messages[key] = value[locale];
	}
	writeFileSync(path, JSON.stringify(messages, null, '\t') + '\n');
}
execFileSync('npx', ['prettier', '--write', 'messages/fr.json', 'messages/en.json'], { stdio: 'ignore' });
console.log(`${Object.keys(input).length} messages added.`);
