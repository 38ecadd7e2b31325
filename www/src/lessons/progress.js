// The reader's progress, kept in the browser (localStorage) and nowhere else: per lesson, how
// many questions it has and each answered question's answer and whether it was right. A browser
// that refuses storage (private modes, blocked cookies) keeps progress for the visit only.

/** The storage key, versioned with the record's shape. */
export const PROGRESS_KEY = 'attention-playground.lessons.v1';

/**
 * @typedef {Object} Answer
 * @property {string} answer   what the reader chose (an option's text, a token, a number)
 * @property {boolean} correct
 * @property {string} at       when, as an ISO date
 */

/** @typedef {{ questions: number, answers: Record<string, Answer> }} LessonProgress */
/** @typedef {Record<string, LessonProgress>} Progress */

/** @type {Progress | null} kept here when storage is refused */
let memory = null;

/** @returns {Storage | null} */
function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Every lesson's progress; anything unreadable is left out.
 * @returns {Progress}
 */
export function readProgress() {
  if (memory) return memory;
  /** @type {any} */
  let raw;
  try {
    raw = JSON.parse(storage()?.getItem(PROGRESS_KEY) ?? '{}');
  } catch {
    raw = null;
  }
  /** @type {Progress} */
  const progress = {};
  if (typeof raw !== 'object' || raw === null) return progress;
  for (const [id, lesson] of Object.entries(raw)) {
    if (typeof lesson !== 'object' || lesson === null) continue;
    const questions = Number(lesson.questions);
    /** @type {Record<string, Answer>} */
    const answers = {};
    for (const [question, answer] of Object.entries(lesson.answers ?? {})) {
      if (answer && typeof answer.answer === 'string' && typeof answer.correct === 'boolean') {
        answers[question] = { answer: answer.answer, correct: answer.correct, at: String(answer.at ?? '') };
      }
    }
    progress[id] = { questions: Number.isInteger(questions) && questions >= 0 ? questions : 0, answers };
  }
  return progress;
}

/** @param {Progress} progress */
function write(progress) {
  try {
    const store = storage();
    if (!store) throw new Error('no storage');
    store.setItem(PROGRESS_KEY, JSON.stringify(progress));
    memory = null;
  } catch {
    memory = progress;
  }
}

/**
 * @param {string} lesson
 * @returns {LessonProgress}
 */
export function lessonProgress(lesson) {
  return readProgress()[lesson] ?? { questions: 0, answers: {} };
}

/**
 * Notes how many questions a lesson has (the course page shows "2 of 3 answered").
 * @param {string} lesson
 * @param {number} questions
 */
export function recordQuestions(lesson, questions) {
  const progress = readProgress();
  const entry = progress[lesson] ?? { questions: 0, answers: {} };
  if (entry.questions === questions && progress[lesson]) return;
  progress[lesson] = { ...entry, questions };
  write(progress);
}

/**
 * @param {string} lesson
 * @param {string} question
 * @param {{ answer: string, correct: boolean }} answer
 */
export function recordAnswer(lesson, question, answer) {
  const progress = readProgress();
  const entry = progress[lesson] ?? { questions: 0, answers: {} };
  progress[lesson] = { ...entry, answers: { ...entry.answers, [question]: { ...answer, at: new Date().toISOString() } } };
  write(progress);
}

/**
 * Forgets one answer (the reader tries the question again), or a whole lesson's.
 * @param {string} lesson
 * @param {string} [question]
 */
export function forget(lesson, question) {
  const progress = readProgress();
  const entry = progress[lesson];
  if (!entry) return;
  if (question === undefined) {
    progress[lesson] = { questions: entry.questions, answers: {} };
  } else {
    const answers = { ...entry.answers };
    delete answers[question];
    progress[lesson] = { ...entry, answers };
  }
  write(progress);
}

/**
 * A lesson's progress in words and numbers for the course page.
 * @param {LessonProgress} entry
 */
export function progressSummary(entry) {
  const answered = Object.keys(entry.answers).length;
  const total = Math.max(entry.questions, answered);
  const correct = Object.values(entry.answers).filter((a) => a.correct).length;
  const state = answered === 0 ? 'new' : answered >= total ? 'done' : 'started';
  const words = state === 'new' ? 'Not started' : state === 'done' ? `Done: ${correct} of ${total} predicted right` : `${answered} of ${total} questions answered`;
  return { answered, total, correct, state, words };
}
