// The shape of the "Add pupils" steps as the server sends them to the page: first
// the pasted text or file with its problems, then a list to review before saving.
export interface ImportProblemView {
	row: number | null;
	message: string;
}

export interface ReviewRow {
	firstName: string;
	lastInitial: string;
	/** 'class': a pupil of the class has this name; 'list': another row has it. */
	clash: 'class' | 'list' | null;
	/** What is wrong with the name as edited, if anything. */
	problem: string | null;
}

export type ImportState =
	| {
			action: 'import';
			step: 'fix';
			message: string;
			problems: ImportProblemView[];
			text: string;
			fields: Record<string, string>;
	  }
	| { action: 'import'; step: 'review'; message: string | null; rows: ReviewRow[]; clean: boolean };
