import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/lib/server/lessons/render';
import { compile, errors, lineOf, positionOf, theError, withStep } from './helpers';

const exists = (files: string[]) => (path: string) => files.includes(path);

function html(result: ReturnType<typeof compile>): string {
	return result.lesson!.steps[0].blocks.map((b) => ('html' in b ? b.html : '')).join('');
}

describe('images', () => {
	it('beside the lesson are served from /lesson-assets/, each path segment encoded', () => {
		const result = compile(withStep('![A chat on a tablet](images/my%20chat.png)'), {
			file: 'unit 1/online.md',
			assetExists: exists(['unit 1/images/my chat.png'])
		});
		expect(result.problems).toEqual([]);
		expect(html(result)).toBe(
			'<p><img src="/lesson-assets/unit%201/images/my%20chat.png" alt="A chat on a tablet" /></p>\n'
		);
	});

	it('accept png, jpg, jpeg, gif, webp and svg, in any letter case', () => {
		for (const ext of ['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'PNG']) {
			const result = compile(withStep(`![Picture](pic.${ext})`), {
				assetExists: exists([`pic.${ext}`])
			});
			expect(result.problems).toEqual([]);
		}
	});

	it('may go up a folder while staying inside the lessons folder', () => {
		const result = compile(withStep('![Shared picture](../shared/logo.png)'), {
			file: 'unit/lesson.md',
			assetExists: exists(['shared/logo.png'])
		});
		expect(result.problems).toEqual([]);
		expect(html(result)).toContain('src="/lesson-assets/shared/logo.png"');
	});

	it('need alt text', () => {
		const source = withStep('Look: ![](pic.png)');
		const problem = theError(
			compile(source, { assetExists: exists(['pic.png']) }),
			/has no alt text/
		);
		expect(positionOf(source, '![](pic.png)')).toEqual({
			line: problem.line,
			column: problem.column
		});
		expect(problem.message).toMatch(/describe the picture between the brackets/);
	});

	it.each([
		['https://example.org/cat.png', /remote image/],
		['http://example.org/cat.png', /remote image/],
		['//example.org/cat.png', /remote image/],
		['HTTPS://EXAMPLE.ORG/cat.png', /remote image/],
		['data:image/png;base64,iVBORw0KGgo=', /embedded data: images/],
		['javascript:alert(1)', /remote image/],
		['/static/cat.png', /starts with '\/'/],
		['../outside.png', /outside the lessons folder/],
		['notes.txt', /not a PNG, JPEG, GIF, WebP or SVG/],
		['picture', /not a PNG/],
		['_drafts/cat.png', /starts with '.' or '_'/],
		['.hidden.png', /starts with '.' or '_'/],
		['cat.png?v=2', /not a plain file path/],
		['images\\cat.png', /not a plain file path/]
	])('%s is an error', (href, message) => {
		const source = withStep(`Text.\n\n![A cat](<${href}>)`);
		const result = compile(source, { assetExists: () => true });
		const problem = theError(result, message);
		expect(problem.line).toBe(lineOf(source, '![A cat]'));
		// The renderer never emits such an image, even for a lesson that skipped the checker.
		expect(
			renderMarkdown(`![A cat](<${href}>)`, { file: 'test.md', facts: new Map() })
		).not.toContain('<img');
	});

	it('must exist beside the lesson', () => {
		const source = withStep('![A cat](cat.png)');
		const problem = theError(
			compile(source, { assetExists: exists(['Cat.png']) }),
			/image file 'cat.png' was not found/
		);
		expect(problem.message).toMatch(/case-sensitive/);
	});

	it('in quiz explanations are checked too', () => {
		const source = withStep(
			'```quiz\nid: q\ntype: truefalse\nprompt: P\nanswer: true\nexplain: "![Cat](https://example.org/c.png)"\n```'
		);
		expect(theError(compile(source), /remote image/).line).toBe(lineOf(source, 'explain:'));
	});

	it('written by reference are checked the same way', () => {
		const source = withStep('![A cat][cat]\n\n[cat]: https://example.org/cat.png');
		theError(compile(source), /remote image/);
	});

	it('all image problems in a file are reported', () => {
		const source = withStep('![](a.png)\n\n![B](https://x.org/b.png)\n\n![C](c.txt)');
		expect(errors(compile(source, { assetExists: () => true })).map((p) => p.line)).toEqual([
			lineOf(source, '![](a.png)'),
			lineOf(source, '![B]'),
			lineOf(source, '![C]')
		]);
	});
});
