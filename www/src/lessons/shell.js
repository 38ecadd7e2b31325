// The page around a lesson (<main data-lesson="id">) and the course page (<main data-course>),
// both from course.json: the lesson's place in the course, its goal and duration, the reader's
// progress, previous and next, and a link and iframe to share it. `?embed=1` shows the lesson
// alone, for an iframe in a course platform.

import { COURSE_FILE, parseCourse, placeOf, totalMinutes } from './course.js';
import { forget, lessonProgress, progressSummary, readProgress, recordQuestions } from './progress.js';
import { ANSWER_EVENT } from './question.js';

/** @typedef {import('./course.js').Course} Course */
/** @typedef {import('./course.js').LessonEntry} LessonEntry */

/**
 * @param {Document} doc
 * @returns {Promise<Course>}
 */
export async function loadCourse(doc) {
  const address = new URL(COURSE_FILE, doc.baseURI);
  const response = await fetch(address);
  if (!response.ok) throw new Error(`${COURSE_FILE} could not be read (HTTP ${response.status})`);
  return parseCourse(await response.text());
}

/** Whether the page is shown inside another page's iframe (`?embed=1`). */
export function embedded(/** @type {Location} */ location) {
  return new URLSearchParams(location.search).get('embed') === '1';
}

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {number} minutes */
const duration = (minutes) => `${minutes} minutes`;

/**
 * @param {HTMLElement} main  <main data-lesson="id">
 */
export async function mountLesson(main) {
  const doc = main.ownerDocument;
  const id = main.dataset.lesson ?? '';
  const isEmbedded = embedded(doc.location);
  doc.documentElement.classList.toggle('lesson-embedded', isEmbedded);
  const questions = main.querySelectorAll('lesson-question').length;
  recordQuestions(id, questions);

  const title = main.querySelector('h1');
  const crumbs = make('nav', 'lesson-crumbs');
  crumbs.setAttribute('aria-label', 'Course');
  const meta = make('div', 'lesson-meta');
  const progress = make('p', 'lesson-progress');
  progress.setAttribute('aria-live', 'polite');
  title?.before(crumbs);
  title?.after(meta);

  const showProgress = () => {
    const summary = progressSummary(lessonProgress(id));
    progress.textContent = `Your progress: ${summary.answered} of ${questions} ${questions === 1 ? 'question' : 'questions'} answered${summary.answered ? `, ${summary.correct} predicted right` : ''}. Kept in this browser only.`;
  };
  main.addEventListener(ANSWER_EVENT, showProgress);

  const footer = make('footer', 'lesson-footer');
  main.append(footer);
  // A printed lesson shows the numbers behind its charts.
  doc.defaultView?.addEventListener('beforeprint', () => {
    for (const details of main.querySelectorAll('details.sweep-details')) /** @type {HTMLDetailsElement} */ (details).open = true;
  });

  let course;
  try {
    course = await loadCourse(doc);
  } catch (error) {
    meta.append(make('p', 'lesson-error', `The course list is missing: ${error instanceof Error ? error.message : String(error)}.`));
    return;
  }
  const place = placeOf(course, id);
  if (!place.lesson) {
    meta.append(make('p', 'lesson-error', `This lesson (data-lesson="${id}") is not listed in ${COURSE_FILE}: add an entry for it.`));
    return;
  }
  const lesson = place.lesson;
  const home = /** @type {HTMLAnchorElement} */ (make('a', '', course.title));
  home.href = './';
  crumbs.append(home, make('span', 'lesson-crumb-sep', ' › '), make('span', '', `Lesson ${place.index + 1} of ${course.lessons.length}`));

  const goal = make('p', 'lesson-goal');
  goal.append(make('strong', '', 'Goal: '), lesson.goal);
  const facts = make('p', 'lesson-facts');
  facts.append(make('span', 'lesson-chip', `${duration(lesson.minutes)}`), make('span', 'lesson-chip', `${questions} predictions`), make('span', 'lesson-uses', lesson.uses));
  meta.append(goal, facts, progress);
  showProgress();
  if (isEmbedded) {
    for (const link of main.querySelectorAll('a[href]')) link.setAttribute('target', '_blank');
  }

  const pager = make('nav', 'lesson-pager');
  pager.setAttribute('aria-label', 'Previous and next lesson');
  for (const [which, entry] of /** @type {Array<['previous' | 'next', LessonEntry | null]>} */ ([['previous', place.previous], ['next', place.next]])) {
    if (!entry) {
      const end = make('span', `lesson-pager-${which} lesson-pager-end`);
      if (which === 'next') end.append(make('span', 'lesson-pager-label', 'The end'), make('a', 'lesson-pager-title', `Back to all ${course.lessons.length} lessons`));
      end.querySelector('a')?.setAttribute('href', './');
      pager.append(end);
      continue;
    }
    const link = /** @type {HTMLAnchorElement} */ (make('a', `lesson-pager-${which}`));
    link.href = entry.file;
    link.rel = which === 'previous' ? 'prev' : 'next';
    const number = course.lessons.indexOf(entry) + 1;
    link.append(make('span', 'lesson-pager-label', which === 'previous' ? `← Lesson ${number}` : `Lesson ${number} →`), make('span', 'lesson-pager-title', entry.title));
    pager.append(link);
  }

  const share = make('details', 'lesson-share');
  share.append(make('summary', '', 'Link or embed this lesson'));
  const address = new URL(lesson.file, doc.baseURI);
  address.search = '';
  address.hash = '';
  const embedAddress = new URL(address);
  embedAddress.searchParams.set('embed', '1');
  const snippets = [
    ['Link', address.href],
    ['Iframe (the lesson alone, without the course around it)', `<iframe src="${embedAddress.href}" title="${lesson.title}" width="100%" height="1400" loading="lazy"></iframe>`],
  ];
  for (const [label, code] of snippets) {
    const field = make('label', 'lesson-share-field');
    const area = /** @type {HTMLTextAreaElement} */ (make('textarea', 'lesson-share-code'));
    area.readOnly = true;
    area.rows = label === 'Link' ? 1 : 3;
    area.value = code;
    field.append(make('span', '', label), area);
    share.append(field);
  }
  const again = /** @type {HTMLButtonElement} */ (make('button', 'lesson-forget', 'Forget my answers in this lesson'));
  again.type = 'button';
  again.addEventListener('click', () => {
    forget(id);
    doc.location.reload();
  });
  share.append(again);
  footer.append(pager, share);
}

/**
 * The course page: every lesson with its goal, duration, what computes it and the reader's progress.
 * @param {HTMLElement} main  <main data-course>
 */
export async function mountCourse(main) {
  const doc = main.ownerDocument;
  const list = make('ol', 'course-list');
  const total = make('p', 'course-total');
  main.querySelector('.course-lessons')?.append(total, list);
  let course;
  try {
    course = await loadCourse(doc);
  } catch (error) {
    total.className = 'lesson-error';
    total.textContent = `The course list cannot be shown: ${error instanceof Error ? error.message : String(error)}.`;
    return;
  }
  const progress = readProgress();
  const done = course.lessons.filter((l) => progressSummary(progress[l.id] ?? { questions: 0, answers: {} }).state === 'done').length;
  total.textContent = `${course.lessons.length} lessons, about ${totalMinutes(course)} minutes in all. ${done > 0 ? `You have finished ${done}.` : 'Your progress is kept in this browser only.'}`;
  course.lessons.forEach((lesson, index) => {
    const summary = progressSummary(progress[lesson.id] ?? { questions: 0, answers: {} });
    const item = make('li', `course-item course-${summary.state}`);
    const number = make('span', 'course-number', String(index + 1));
    number.setAttribute('aria-hidden', 'true');
    const body = make('div', 'course-body');
    const heading = make('h3', 'course-title');
    const link = /** @type {HTMLAnchorElement} */ (make('a', '', lesson.title));
    link.href = lesson.file;
    heading.append(link);
    const facts = make('p', 'course-facts');
    facts.append(make('span', 'lesson-chip', duration(lesson.minutes)), make('span', 'course-uses', lesson.uses));
    body.append(heading, make('p', 'course-goal', lesson.goal), facts);
    const state = make('span', `course-state course-state-${summary.state}`, summary.words);
    item.append(number, body, state);
    list.append(item);
  });
  if (Object.values(progress).some((entry) => Object.keys(entry.answers).length > 0)) {
    const again = /** @type {HTMLButtonElement} */ (make('button', 'lesson-forget', 'Forget all my answers'));
    again.type = 'button';
    again.addEventListener('click', () => {
      for (const id of Object.keys(progress)) forget(id);
      doc.location.reload();
    });
    list.after(again);
  }
}
