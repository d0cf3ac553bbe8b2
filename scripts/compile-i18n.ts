/**
 * Compiles the message catalogue with Paraglide. Paraglide only *warns* when its plugin
 * cannot be loaded and still says "compiled" — with an empty catalogue. Here that fails.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const outdir = './web/src/lib/paraglide';
const result = spawnSync(
	process.execPath,
	[
		'node_modules/@inlang/paraglide-js/bin/run.js',
		'compile',
		'--project',
		'./project.inlang',
		'--outdir',
		outdir,
		'--strategy',
		'baseLocale',
		'--emit-ts-declarations'
	],
	{ encoding: 'utf8' }
);
const output = `${result.stdout}${result.stderr}`;
const expected = Object.keys(JSON.parse(readFileSync('./messages/fr.json', 'utf8'))).filter((k) => !k.startsWith('$'));
const compiled = readdirSync(`${outdir}/messages`).filter((f) => f.endsWith('.js') && !f.startsWith('_'));
if (result.status !== 0 || /error|warn/i.test(output) || compiled.length < expected.length) {
	console.error(output);
	console.error(`i18n: compilation failed (${compiled.length}/${expected.length} messages).`);
	process.exit(1);
}
console.log(`i18n: ${compiled.length} messages compiled (fr, en).`);
