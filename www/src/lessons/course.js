// The course: the list of lessons in course.json (www/lessons/), read and checked. A lesson's
// number is its place in the list, so adding a lesson is one HTML file and one entry here.
// Pure module: no DOM access.

/**
 * One lesson as course.json describes it.
 * @typedef {Object} LessonEntry
 * @property {string} id       the lesson's name in progress records and links: lowercase words with hyphens
 * @property {string} file     its page, relative to the course list (`weighted-average.html`)
 * @property {string} title
 * @property {string} goal     one sentence: what the reader can do or explain afterwards
 * @property {number} minutes  how long it takes, 5 to 10
 * @property {string} uses     what computes its numbers, in words (a model, or the toy)
 */

/** @typedef {{ title: string, lessons: LessonEntry[] }} Course */

/** Where the course list sits, relative to the course page and every lesson. */
export const COURSE_FILE = 'course.json';

/** The shortest and longest a lesson may take, in minutes. */
export const MINUTES = { min: 5, max: 10 };

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FILE = /^[a-z0-9]+(?:-[a-z0-9]+)*\.html$/;

/**
 * The course from course.json's text; every problem is one sentence naming the entry and field.
 * @param {string} text
 * @returns {Course}
 */
export function parseCourse(text) {
  /** @type {unknown} */
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${COURSE_FILE} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!isRecord(raw) || typeof raw.title !== 'string' || !Array.isArray(raw.lessons)) {
    throw new Error(`${COURSE_FILE} must be an object with a "title" and a list of "lessons"`);
  }
  const seen = new Set();
  const lessons = raw.lessons.map((entry, index) => {
    const where = `${COURSE_FILE}, lesson ${index + 1}`;
    if (!isRecord(entry)) throw new Error(`${where} is not an object`);
    const textOf = (/** @type {string} */ field) => {
      const value = entry[field];
      if (typeof value !== 'string' || value.trim() === '') throw new Error(`${where}: "${field}" must be a non-empty text`);
      return value.trim();
    };
    const lesson = {
      id: textOf('id'),
      file: textOf('file'),
      title: textOf('title'),
      goal: textOf('goal'),
      minutes: Number(entry.minutes),
      uses: textOf('uses'),
    };
    if (!ID.test(lesson.id)) throw new Error(`${where}: "id" must be lowercase words joined by hyphens, not "${lesson.id}"`);
    if (!FILE.test(lesson.file)) throw new Error(`${where}: "file" must name an .html file beside ${COURSE_FILE}, not "${lesson.file}"`);
    if (seen.has(lesson.id)) throw new Error(`${where}: the id "${lesson.id}" is used twice`);
    seen.add(lesson.id);
    if (!Number.isInteger(lesson.minutes) || lesson.minutes < MINUTES.min || lesson.minutes > MINUTES.max) {
      throw new Error(`${where}: "minutes" must be a whole number from ${MINUTES.min} to ${MINUTES.max}`);
    }
    return lesson;
  });
  if (lessons.length === 0) throw new Error(`${COURSE_FILE} lists no lessons`);
  return { title: raw.title.trim(), lessons };
}

/**
 * A lesson's place in the course and its neighbours (null at either end; the lesson itself null
 * when the course does not list it).
 * @param {Course} course
 * @param {string} id
 */
export function placeOf(course, id) {
  const index = course.lessons.findIndex((lesson) => lesson.id === id);
  return {
    index,
    lesson: index >= 0 ? course.lessons[index] : null,
    previous: index > 0 ? course.lessons[index - 1] : null,
    next: index >= 0 && index < course.lessons.length - 1 ? course.lessons[index + 1] : null,
  };
}

/** The whole course's duration in minutes. */
export function totalMinutes(/** @type {Course} */ course) {
  return course.lessons.reduce((sum, lesson) => sum + lesson.minutes, 0);
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isRecord(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
