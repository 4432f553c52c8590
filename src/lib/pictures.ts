// The twelve pictures a pupil's picture password is made of. Each has a name that is
// spoken by screen readers and shown under the picture; files live in static/pictures.
export const PICTURES = [
	'cat',
	'dog',
	'rocket',
	'star',
	'tree',
	'fish',
	'apple',
	'boat',
	'sun',
	'moon',
	'house',
	'bike'
] as const;

export type PictureName = (typeof PICTURES)[number];

export const PICTURE_PASSWORD_LENGTH = 3;

export function pictureName(index: number): PictureName {
	return PICTURES[index] as PictureName;
}

/** "3-7-1" ⇄ [3, 7, 1] */
export function encodePicturePassword(indexes: readonly number[]): string {
	return indexes.join('-');
}

export function decodePicturePassword(value: string): number[] {
	return value.split('-').map(Number);
}
