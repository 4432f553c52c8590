import type { ParamMatcher } from '@sveltejs/kit';

// Database ids in URLs: positive integers only, so /classes/abc is a 404, not an error.
export const match: ParamMatcher = (param) => /^[1-9]\d{0,14}$/.test(param);
