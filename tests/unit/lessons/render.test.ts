import { describe, expect, it } from 'vitest';
import { renderInline, renderMarkdown, sanitize } from '../../../src/lib/server/lessons/render';
import { FACTS } from './helpers';

const context = { file: 'unit/lesson.md', facts: FACTS.facts };
const md = (source: string) => renderMarkdown(source, context);
const inline = (source: string) => renderInline(source, context);

describe('renderer', () => {
	it('renders GFM markdown', () => {
		expect(md('# Heading\n\nSome **bold** and ~~struck~~ text.')).toBe(
			'Heading\n<p>Some <strong>bold</strong> and <del>struck</del> text.</p>\n'
		);
		expect(md('| a |\n| - |\n| b |')).toContain('<td>b</td>');
	});

	it('escapes raw HTML so it shows as text', () => {
		expect(md('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
		expect(md('Hi <img src=x onerror=alert(1)> there')).toBe(
			'<p>Hi &lt;img src=x onerror=alert(1)&gt; there</p>\n'
		);
		expect(inline('<b>bold</b>')).toBe('&lt;b&gt;bold&lt;/b&gt;');
		expect(md('<pre>\n<b>x</b>\n</pre>')).not.toMatch(/<b>/);
	});

	it('escapes text after an inline <script> tag as well', () => {
		expect(md('a <script>alert(1)</script> b')).not.toContain('<script');
	});

	it('keeps only http, https, mailto and tel links', () => {
		expect(md('[x](javascript:alert(1))')).toBe('<p><a>x</a></p>\n');
		expect(md('[x](JaVaScRiPt:alert(1))')).not.toMatch(/javascript/i);
		expect(md('[x](data:text/html,hi)')).not.toContain('data:');
		expect(md('[x](vbscript:msgbox)')).not.toContain('vbscript:');
		expect(md('[x](https://example.org)')).toContain('href="https://example.org"');
		expect(md('[x](mailto:help@example.org)')).toContain('href="mailto:help@example.org"');
		expect(md('[x](tel:08001111)')).toContain('href="tel:08001111"');
	});

	it('opens external links in a new tab without opener or referrer, and relative ones in place', () => {
		expect(md('[Childline](https://www.childline.org.uk)')).toBe(
			'<p><a href="https://www.childline.org.uk" target="_blank" rel="noopener noreferrer">Childline</a></p>\n'
		);
		expect(md('<https://www.childline.org.uk>')).toContain(
			'target="_blank" rel="noopener noreferrer"'
		);
		expect(md('www.childline.org.uk')).toContain('rel="noopener noreferrer"');
		expect(md('[Next](other-page)')).toBe('<p><a href="other-page">Next</a></p>\n');
	});

	it('points relative images at /lesson-assets/ and drops remote ones, keeping their alt text', () => {
		expect(md('![A phone](phone.png)')).toBe(
			'<p><img src="/lesson-assets/unit/phone.png" alt="A phone" /></p>\n'
		);
		expect(md('![A phone](https://evil.example/p.png)')).toBe('<p>A phone</p>\n');
		expect(md('![A phone](//evil.example/p.png)')).toBe('<p>A phone</p>\n');
	});

	it('renders task lists without form inputs', () => {
		const html = md('- [x] done\n- [ ] to do');
		expect(html).not.toContain('<input');
		expect(html).toContain('☑ done');
		expect(html).toContain('☐ to do');
	});

	it('never renders teacher, quiz or home blocks nested in a list or quote', () => {
		const html = md('- item\n\n  ```teacher\n  SECRET NOTE\n  ```\n\n> ```quiz\n> id: q\n> ```');
		expect(html).not.toContain('SECRET');
		expect(html).not.toContain('id: q');
	});

	it('substitutes facts as plain text and leaves unknown references visible', () => {
		expect(md('Call {{childline-phone}} or {{nope}}.')).toBe(
			'<p>Call 0800 1111 or {{nope}}.</p>\n'
		);
		expect(inline('**{{childline-phone}}**')).toBe('<strong>0800 1111</strong>');
	});

	it('renders inline markdown for prompts and options without paragraphs', () => {
		expect(inline('Is *this* [safe](https://example.org)?')).toBe(
			'Is <em>this</em> <a href="https://example.org" target="_blank" rel="noopener noreferrer">safe</a>?'
		);
	});

	describe('sanitize', () => {
		it('removes dangerous elements and attributes that reach it', () => {
			const dirty =
				'<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style><iframe src="https://x"></iframe><object></object><embed><form><input></form><a href="javascript:alert(1)" onmouseover="x()">b</a><img src="https://evil/x.png" onerror="x()"><img src="/lesson-assets/ok.png" alt="ok">';
			const clean = sanitize(dirty);
			expect(clean).toBe('<p>a</p><a>b</a><img src="/lesson-assets/ok.png" alt="ok" />');
		});

		it('overrides any target or rel on a relative link', () => {
			expect(sanitize('<a href="/x" target="_top" rel="opener">x</a>')).toBe('<a href="/x">x</a>');
		});
	});
});
