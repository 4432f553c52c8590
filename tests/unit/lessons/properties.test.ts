// Property-based tests: nothing a lesson file contains can crash the engine, and nothing it
// contains can put script into a page or answers onto a pupil's device.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildLesson, compileLesson } from '../../../src/lib/server/lessons/compile';
import { parseLesson } from '../../../src/lib/server/lessons/parse';
import { parseFacts } from '../../../src/lib/server/lessons/facts';
import { toPupilCheck, toPupilStep } from '../../../src/lib/server/lessons/pupil';
import {
	renderInline,
	renderInlineRaw,
	renderMarkdown,
	renderMarkdownRaw,
	sanitize,
	sanitizeAll
} from '../../../src/lib/server/lessons/render';
import type { Lesson } from '../../../src/lib/server/lessons/types';
import { FACTS, frontMatter, lesson } from './helpers';

const RUNS = { numRuns: 300 };

const INJECTIONS = [
	'<script>alert(1)</script>',
	'<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
	'<scr<script>ipt>alert(1)</script>',
	'<img src=x onerror=alert(1)>',
	'<svg onload=alert(1)>',
	'<iframe src="https://evil.example"></iframe>',
	'<style>body{display:none}</style>',
	'<div style="background:url(javascript:alert(1))" onclick="x()">',
	'<a href="javascript:alert(1)">x</a>',
	'<a href=x onmouseover=alert(1)>x</a>',
	'<form action=//evil><input name=a></form>',
	'<object data=x></object><embed src=x>',
	'<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
	'"><script>alert(1)</script>',
	"'><img src=x onerror=alert(1)>",
	'[x](javascript:alert(1))',
	'[x](JaVaScRiPt:alert(1))',
	'[x](&#106;avascript:alert(1))',
	'[x](java&#x09;script:alert(1))',
	'[x](<javascript:alert(1)>)',
	'[x](vbscript:msgbox(1))',
	'[x](data:text/html;base64,PHNjcmlwdD4=)',
	'![x](javascript:alert(1))',
	'![x](data:image/svg+xml,<svg onload=alert(1)>)',
	'![x](https://evil.example/track.png)',
	'![x](//evil.example/track.png)',
	'[y][ref]\n\n[ref]: javascript:alert(1)',
	'<javascript:alert(1)>',
	'`<script>`',
	'```\n<script>alert(1)</script>\n```',
	'```teacher\nSECRET\n```',
	'- item\n\n  ```teacher\n  SECRET\n  ```',
	'> ```quiz\n> id: x\n> ```',
	'<!-- <script>alert(1)</script> -->',
	'\\<script>alert(1)</script>',
	'&lt;script&gt;',
	'| a | b |\n| - | - |\n| <script> | [x](javascript:y) |',
	'- [ ] <input onfocus=alert(1) autofocus>',
	'**bold** *em* ~~del~~',
	'## heading',
	'# title',
	'> quote',
	'{{childline-phone}}',
	'{{unknown}}',
	'[ok](https://example.org "title \\" onmouseover=alert(1)")',
	'<a href="https://ok.example" target="_self" rel="opener">x</a>',
	'text'
];

const markdown = fc
	.array(
		fc.oneof(
			{ weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
			{ weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
			{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) }
		),
		{ maxLength: 12 }
	)
	.chain((parts) =>
		fc
			.array(fc.constantFrom(' ', '\n', '\n\n', ''), {
				minLength: parts.length,
				maxLength: parts.length
			})
			.map((seps) => parts.map((part, i) => part + seps[i]).join(''))
	);

const ALLOWED_TAGS = new Set(
	'p br hr h2 h3 h4 h5 h6 strong em del s code pre blockquote ul ol li a img table thead tbody tr th td'.split(
		' '
	)
);

function decodeEntities(text: string): string {
	return text
		.replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) =>
			String.fromCodePoint(parseInt(hex, 16) % 0x110000)
		)
		.replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec) % 0x110000))
		.replace(/&colon;/gi, ':')
		.replace(/&tab;|&newline;/gi, '');
}

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
	a: ['href', 'title', 'target', 'rel'],
	img: ['src', 'alt', 'title'],
	ol: ['start'],
	th: ['align'],
	td: ['align']
};

/** What a browser could execute: a script element, an event handler, a javascript: URL. */
function expectSafe(html: string): void {
	expect(html).not.toMatch(/<script/i);
	for (const tag of html.match(/<[^>]*>/g) ?? []) {
		const name = /^<\/?([a-z0-9]+)/i.exec(tag)?.[1]?.toLowerCase() ?? '';
		expect(ALLOWED_TAGS.has(name), `tag ${tag}`).toBe(true);
		const attributes = [
			...tag.matchAll(/\s([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)
		];
		for (const [, attribute, ...values] of attributes) {
			const attributeName = attribute.toLowerCase();
			expect(ALLOWED_ATTRIBUTES[name] ?? [], `attribute ${attributeName} in ${tag}`).toContain(
				attributeName
			);
			if (attributeName === 'href' || attributeName === 'src') {
				const value = decodeEntities(values.find((v) => v !== undefined) ?? '')
					// eslint-disable-next-line no-control-regex
					.replace(/[\s\0-\x1f]/g, '')
					.toLowerCase();
				expect(value).not.toMatch(/^(javascript|vbscript|data):/);
				expect(value).toMatch(/^(https?:|mailto:|tel:|[^:]*$)/);
			}
		}
		if (name === 'img') expect(tag).toMatch(/src="\/lesson-assets\//);
	}
}

function allHtml(lessonData: Lesson): string[] {
	return [
		lessonData.introHtml,
		lessonData.introTeacherHtml,
		lessonData.homeHtml,
		lessonData.safeguardingHtml ?? '',
		...lessonData.steps.flatMap((s) => s.blocks.map((b) => ('html' in b ? b.html : ''))),
		...lessonData.questions.flatMap((q) => [
			q.promptHtml,
			q.explainHtml ?? '',
			...q.options.flatMap((o) => [o.html, o.feedbackHtml ?? ''])
		])
	];
}

describe('never throws', () => {
	it('on any text as a lesson file', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
				const result = compileLesson(text, { file: 'x.md', facts: FACTS });
				expect(Array.isArray(result.problems)).toBe(true);
			}),
			RUNS
		);
	});

	it('on any bytes as a lesson file', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
				expect(Array.isArray(compileLesson(bytes, { file: 'x.md' }).problems)).toBe(true);
			}),
			RUNS
		);
	});

	it('on text stitched from lesson syntax', () => {
		const pieces = fc.constantFrom(
			'---\n',
			'id: a\n',
			'title: T\n',
			'## Step\n',
			'# H\n',
			'```quiz\n',
			'```teacher\n',
			'```home\n',
			'```\n',
			'~~~\n',
			'id: q\n',
			'options:\n',
			'  - text: A\n',
			'    correct: true\n',
			'type: truefalse\n',
			'answer: true\n',
			'prompt: P\n',
			'{{childline-phone}}\n',
			'![a](b.png)\n',
			'<b>\n',
			'\r\n',
			'\uFEFF',
			'\t',
			': ',
			'- ',
			'[',
			']',
			'{{'
		);
		fc.assert(
			fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
				const result = compileLesson(parts.join(''), {
					file: 'x.md',
					facts: FACTS,
					assetExists: () => false
				});
				for (const p of result.problems) {
					expect(p.line).toBeGreaterThanOrEqual(1);
					expect(p.column).toBeGreaterThanOrEqual(1);
				}
			}),
			RUNS
		);
	});

	it('on any front matter', () => {
		fc.assert(
			fc.property(
				fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 })),
				(data) => {
					const source = `---\n${stringify(data)}---\n\n## Step\n\nText.\n`;
					const result = compileLesson(source, { file: 'x.md', facts: FACTS });
					if (result.lesson) expect(typeof result.lesson.id).toBe('string');
				}
			),
			RUNS
		);
	});

	it('on any quiz block, reporting problems at lines inside the file', () => {
		const keys = fc.constantFrom(
			'id',
			'type',
			'prompt',
			'options',
			'answer',
			'explain',
			'check',
			'text',
			'correct',
			'feedback',
			'x'
		);
		const values = fc.oneof(
			fc.jsonValue({ maxDepth: 2 }),
			fc.constantFrom(
				'single',
				'multiple',
				'truefalse',
				'poll',
				'q-1',
				'{{childline-phone}}',
				'<script>'
			),
			fc.array(fc.dictionary(keys, fc.oneof(fc.boolean(), fc.string({ maxLength: 10 }))), {
				maxLength: 8
			})
		);
		fc.assert(
			fc.property(fc.dictionary(keys, values), (quiz) => {
				const source = lesson(`\n## Step\n\n\`\`\`quiz\n${stringify(quiz)}\`\`\`\n`);
				const lines = source.split('\n').length;
				const result = compileLesson(source, { file: 'x.md', facts: FACTS });
				for (const p of result.problems) expect(p.line).toBeLessThanOrEqual(lines);
				if (result.lesson) {
					for (const q of result.lesson.questions) {
						expect(q.options.length).toBeGreaterThanOrEqual(2);
						if (q.type === 'single' || q.type === 'truefalse') {
							expect(q.options.filter((o) => o.correct)).toHaveLength(1);
						}
					}
				}
			}),
			RUNS
		);
	});

	it('on any facts.yml', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string({ unit: 'binary', maxLength: 200 }),
					fc.jsonValue().map((v) => stringify(v))
				),
				(text) => {
					expect(Array.isArray(parseFacts(text, '2026-12-01').problems)).toBe(true);
				}
			),
			RUNS
		);
	});
});

describe('rendered HTML is safe', () => {
	const context = { file: 'unit/lesson.md', facts: FACTS.facts };

	it('for any markdown, including script injection attempts', () => {
		fc.assert(
			fc.property(markdown, (source) => {
				expectSafe(renderMarkdown(source, context));
				expectSafe(renderInline(source, context));
			}),
			{ numRuns: 500 }
		);
	});

	it('when a lesson is sanitised in one piece, each part comes back as if sanitised alone', () => {
		fc.assert(
			fc.property(fc.array(markdown, { maxLength: 8 }), fc.boolean(), (sources, inline) => {
				const raw = sources.map((source) =>
					inline ? renderInlineRaw(source, context) : renderMarkdownRaw(source, context)
				);
				const together = sanitizeAll(raw);
				expect(together).toEqual(raw.map(sanitize));
				for (const html of together) expectSafe(html);
			}),
			RUNS
		);
	});

	it('lesson text cannot forge the marker that splits a batch', () => {
		const hostile = [
			'<p>a</p>',
			'<p>\uE000fake\uE000</p>',
			'<p title="\uE000x\uE000">b</p>',
			'<em>open'
		];
		expect(sanitizeAll(hostile)).toEqual(hostile.map(sanitize));
	});

	it('for every part of a lesson built from hostile text', () => {
		fc.assert(
			fc.property(markdown, markdown, (intro, text) => {
				// Quoted YAML strings keep hostile text inside the quiz values.
				const q = JSON.stringify(text);
				const source = lesson(
					`\n${intro}\n\n## Step\n\n${text}\n\n\`\`\`teacher\n${text}\n\`\`\`\n\n\`\`\`quiz\nid: q\nprompt: ${q}\noptions:\n  - text: ${JSON.stringify(`A ${text}`)}\n    correct: true\n    feedback: ${q}\n  - text: B\nexplain: ${q}\n\`\`\`\n\n\`\`\`home\n${text}\n\`\`\`\n`,
					{ safeguarding: q }
				);
				// Hostile text is usually an error, which keeps the lesson out; render it anyway, so
				// every renderer path meets it.
				const parsed = parseLesson(source, 'x.md');
				const built = buildLesson(parsed, new TextEncoder().encode(source), FACTS, []);
				for (const html of allHtml(built)) expectSafe(html);
			}),
			RUNS
		);
	});
});

describe('pupil projections never carry answers', () => {
	it('for any valid lesson with marked feedback, explanations and notes', () => {
		const option = fc.record({ correct: fc.boolean(), withFeedback: fc.boolean() });
		const question = fc.record({
			type: fc.constantFrom('single', 'multiple', 'truefalse', 'poll'),
			options: fc.array(option, { minLength: 2, maxLength: 6 }),
			check: fc.boolean(),
			explain: fc.boolean()
		});
		fc.assert(
			fc.property(fc.array(question, { minLength: 1, maxLength: 6 }), (questions) => {
				const blocks = questions.map((q, i) => {
					const lines = [`id: q${i}`, `type: ${q.type}`, `prompt: Question ${i}`];
					if (q.type === 'truefalse') lines.push(`answer: ${q.options[0].correct}`);
					else {
						lines.push('options:');
						q.options.forEach((o, j) => {
							const correct =
								q.type === 'poll' ? false : q.type === 'single' ? j === 0 : o.correct || j === 0;
							lines.push(`  - text: Option ${j}`);
							if (correct) lines.push('    correct: true');
							if (o.withFeedback) lines.push(`    feedback: SECRETFEEDBACK ${j}`);
						});
					}
					if (q.explain) lines.push('explain: SECRETEXPLAIN');
					if (q.check && q.type !== 'poll') lines.push('check: true');
					return '```quiz\n' + lines.join('\n') + '\n```\n\n```teacher\nSECRETTEACHER\n```\n';
				});
				const source =
					frontMatter() +
					`\n## One\n\nText.\n\n${blocks.join('\n')}\n## Two\n\nMore.\n\n\`\`\`home\nSECRETHOME\n\`\`\`\n`;
				const result = compileLesson(source, { file: 'x.md', facts: FACTS });
				expect(result.problems).toEqual([]);
				const lessonData = result.lesson!;
				const pupil = JSON.stringify([
					toPupilCheck(lessonData),
					...lessonData.steps.map((_, i) => toPupilStep(lessonData, i))
				]);
				expect(pupil).not.toMatch(/SECRET|"correct"|"feedback|"explain|"answer"/);
			}),
			{ numRuns: 200 }
		);
	});
});
