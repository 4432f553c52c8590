// English schools' academic year runs from September to August: "2026/27".
export function academicYearOf(date: Date): string {
	const year = date.getUTCFullYear();
	const start = date.getUTCMonth() >= 8 ? year : year - 1;
	return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

export const ACADEMIC_YEAR_PATTERN = /^(\d{4})\/(\d{2})$/;

export function isAcademicYear(value: string): boolean {
	const match = ACADEMIC_YEAR_PATTERN.exec(value);
	return !!match && (Number(match[1]) + 1) % 100 === Number(match[2]);
}
