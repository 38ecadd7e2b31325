// lessons.js: the script of the course and of every lesson page. It defines the question
// elements (<lesson-question>, <lesson-value>, <lesson-qkv>, <lesson-sweep>, <lesson-data>,
// <lesson-accuracy>, <lesson-occlusion>, <lesson-cost>), the
// <attention-playground> element (whose workers run attention-playground.js, beside this
// bundle), and the page around a lesson or the course list.

import { defineElement } from '../element.js';
import { LessonQuestion } from './question.js';
import { LessonValue } from './value.js';
import { LessonQkv } from './qkv.js';
import { LessonSweep } from './sweep.js';
import { LessonData } from './data.js';
import { LessonAccuracy } from './accuracy.js';
import { LessonOcclusion } from './occlusion.js';
import { LessonCost } from './cost.js';
import { mountCourse, mountLesson } from './shell.js';

/** @type {Array<[string, CustomElementConstructor]>} */
const ELEMENTS = [
  ['lesson-value', LessonValue],
  ['lesson-qkv', LessonQkv],
  ['lesson-sweep', LessonSweep],
  ['lesson-data', LessonData],
  ['lesson-accuracy', LessonAccuracy],
  ['lesson-occlusion', LessonOcclusion],
  ['lesson-cost', LessonCost],
  ['lesson-question', LessonQuestion],
];

// The shell first: it counts the questions before they are built.
const lesson = document.querySelector('main[data-lesson]');
const course = document.querySelector('main[data-course]');
if (lesson) void mountLesson(/** @type {HTMLElement} */ (lesson));
else if (course) void mountCourse(/** @type {HTMLElement} */ (course));
// Questions wrap their playgrounds before the playgrounds start.
for (const [name, element] of ELEMENTS) if (!customElements.get(name)) customElements.define(name, element);
defineElement(new URL('./attention-playground.js', import.meta.url));
