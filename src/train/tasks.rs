//! The tasks a model learns, with data generated from a seed and exact answers: reverse, sort,
//! copy with an offset, add two numbers, and induction (continue a repeated random sequence).
//! Each has its sequence length and vocabulary as settings.
//!
//! An example is a prompt and its answer, both strings of the task's alphabet (one character a
//! token): letters `a`, `b`, … for the symbol tasks, digits and `+` for addition. An
//! encoder–decoder reads the prompt and writes the answer; a decoder-only model reads
//! `prompt=answer` (`=` only where the prompt needs a separator) and is scored on the answer.

use serde::{Deserialize, Serialize};

use crate::error::{invalid, Result};
use crate::rng::SplitMix64;

/// Which task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TaskKind {
    /// `abcd` → `dcba`: attention forms the anti-diagonal.
    Reverse,
    /// `dbca` → `abcd`: each output looks for the next smallest symbol.
    Sort,
    /// `abcd` with offset 1 → `bcda`: the sequence rotated left by the offset; a shifted diagonal.
    CopyOffset,
    /// `123+456` → `9750`: two numbers of `length` digits (leading zeros), their sum in
    /// `length + 1` digits written from the ones up, as by hand (each digit needs only the digits
    /// of its column and the carry from the one written before).
    Add,
    /// A random sequence of `length` symbols, then its first symbol again: continue the repeat
    /// (`abcda` → `bcd`); the induction-head pattern (look at what followed the last occurrence).
    Induction,
}

impl TaskKind {
    pub const ALL: [TaskKind; 5] = [TaskKind::Reverse, TaskKind::Sort, TaskKind::CopyOffset, TaskKind::Add, TaskKind::Induction];

    /// The name on the command line and in `config.json` (`reverse`, `copy-offset`, …).
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Reverse => "reverse",
            TaskKind::Sort => "sort",
            TaskKind::CopyOffset => "copy-offset",
            TaskKind::Add => "add",
            TaskKind::Induction => "induction",
        }
    }

    pub fn from_name(name: &str) -> Result<TaskKind> {
        TaskKind::ALL.into_iter().find(|t| t.name() == name).ok_or_else(|| {
            let names: Vec<_> = TaskKind::ALL.iter().map(|t| t.name()).collect();
            invalid!(Field::Task, "task '{name}' is not one of {}", names.join(", "))
        })
    }
}

/// Longest prompt of a task, in symbols.
pub const MAX_TASK_LENGTH: usize = 32;

/// A task and its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub kind: TaskKind,
    /// Symbols in a prompt (digits of each number for `add`).
    pub length: usize,
    /// Distinct symbols (letters `a`…; fixed at the ten digits for `add`).
    pub vocabulary: usize,
    /// `copy-offset`'s rotation.
    pub offset: usize,
}

/// One prompt and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub prompt: String,
    pub answer: String,
}

impl Task {
    /// The task with its default settings: length 8 (3 digits for `add`), 10 symbols, offset 3.
    pub fn new(kind: TaskKind) -> Task {
        Task { kind, length: if kind == TaskKind::Add { 3 } else { 8 }, vocabulary: 10, offset: 3 }
    }

    /// Refuses settings outside the task's range, naming the setting.
    pub fn check(&self) -> Result<()> {
        let (min_length, max_length) = if self.kind == TaskKind::Add { (1, MAX_TASK_LENGTH / 2 - 1) } else { (2, MAX_TASK_LENGTH) };
        if !(min_length..=max_length).contains(&self.length) {
            return Err(invalid!(
                Field::SequenceLength,
                "the sequence length must be from {min_length} to {max_length} for {}, not {}",
                self.kind.name(),
                self.length
            ));
        }
        if self.kind != TaskKind::Add && !(2..=26).contains(&self.vocabulary) {
            return Err(invalid!(
                Field::Vocabulary,
                "the vocabulary must be from 2 to 26 symbols (letters a to z), not {}",
                self.vocabulary
            ));
        }
        if self.kind == TaskKind::CopyOffset && !(1..self.length).contains(&self.offset) {
            return Err(invalid!(
                Field::Offset,
                "the offset must be from 1 to {} (less than the length), not {}",
                self.length - 1,
                self.offset
            ));
        }
        Ok(())
    }

    /// The symbols prompts and answers are written in.
    pub fn alphabet(&self) -> Vec<char> {
        match self.kind {
            TaskKind::Add => "0123456789+".chars().collect(),
            _ => (0..self.vocabulary as u8).map(|i| char::from(b'a' + i)).collect(),
        }
    }

    /// The decoder-only model reads `prompt=answer`; induction's prompt runs straight on.
    pub fn separator(&self) -> Option<char> {
        (self.kind != TaskKind::Induction).then_some('=')
    }

    /// Characters of every prompt, and of every answer.
    pub fn prompt_len(&self) -> usize {
        match self.kind {
            TaskKind::Add => 2 * self.length + 1,
            TaskKind::Induction => self.length + 1,
            _ => self.length,
        }
    }

    pub fn answer_len(&self) -> usize {
        match self.kind {
            TaskKind::Add => self.length + 1,
            TaskKind::Induction => self.length - 1,
            _ => self.length,
        }
    }

    /// The answer to `prompt` (which must be a prompt of this task).
    pub fn answer(&self, prompt: &str) -> String {
        let symbols: Vec<char> = prompt.chars().collect();
        match self.kind {
            TaskKind::Reverse => symbols.iter().rev().collect(),
            TaskKind::Sort => {
                let mut sorted = symbols;
                sorted.sort_unstable();
                sorted.into_iter().collect()
            }
            TaskKind::CopyOffset => (0..symbols.len()).map(|i| symbols[(i + self.offset) % symbols.len()]).collect(),
            TaskKind::Add => {
                let (a, b) = prompt.split_once('+').expect("an add prompt has a +");
                let sum = a.parse::<u64>().expect("digits") + b.parse::<u64>().expect("digits");
                format!("{sum:0width$}", width = self.length + 1).chars().rev().collect()
            }
            TaskKind::Induction => symbols[1..symbols.len() - 1].iter().collect(),
        }
    }

    /// A random example.
    pub fn example(&self, rng: &mut SplitMix64) -> Example {
        let alphabet = self.alphabet();
        let mut draw = |n: usize, of: usize| -> String { (0..n).map(|_| alphabet[(rng.next_u64() % of as u64) as usize]).collect() };
        let prompt = match self.kind {
            TaskKind::Add => format!("{}+{}", draw(self.length, 10), draw(self.length, 10)),
            TaskKind::Induction => {
                let sequence = draw(self.length, self.vocabulary);
                let first = sequence.chars().next().expect("length ≥ 2");
                format!("{sequence}{first}")
            }
            _ => draw(self.length, self.vocabulary),
        };
        let answer = self.answer(&prompt);
        Example { prompt, answer }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Field;

    #[test]
    fn answers_are_exact() {
        let task = |kind| Task::new(kind);
        assert_eq!(task(TaskKind::Reverse).answer("abcd"), "dcba");
        assert_eq!(task(TaskKind::Sort).answer("dbca"), "abcd");
        assert_eq!(Task { offset: 1, ..task(TaskKind::CopyOffset) }.answer("abcd"), "bcda");
        assert_eq!(Task { length: 4, ..task(TaskKind::Add) }.answer("0123+0456"), "97500");
        assert_eq!(task(TaskKind::Add).answer("123+456"), "9750");
        assert_eq!(Task { length: 2, ..task(TaskKind::Add) }.answer("99+99"), "891");
        assert_eq!(task(TaskKind::Induction).answer("abcda"), "bcd");
    }

    #[test]
    fn examples_have_the_stated_lengths_and_alphabet() {
        let mut rng = SplitMix64::new(3);
        for kind in TaskKind::ALL {
            let task = Task::new(kind);
            task.check().unwrap();
            let alphabet = task.alphabet();
            for _ in 0..50 {
                let e = task.example(&mut rng);
                assert_eq!(e.prompt.chars().count(), task.prompt_len(), "{kind:?}");
                assert_eq!(e.answer.chars().count(), task.answer_len(), "{kind:?}");
                assert!(e.prompt.chars().chain(e.answer.chars()).all(|c| alphabet.contains(&c)), "{kind:?}: {e:?}");
            }
        }
    }

    #[test]
    fn bad_settings_name_the_setting() {
        let e = Task { length: 1, ..Task::new(TaskKind::Reverse) }.check().unwrap_err();
        assert_eq!(e.field(), Some(Field::SequenceLength));
        let e = Task { vocabulary: 27, ..Task::new(TaskKind::Sort) }.check().unwrap_err();
        assert_eq!(e.field(), Some(Field::Vocabulary));
        let e = Task { offset: 8, ..Task::new(TaskKind::CopyOffset) }.check().unwrap_err();
        assert_eq!(e.field(), Some(Field::Offset));
        assert_eq!(TaskKind::from_name("rot13").unwrap_err().field(), Some(Field::Task));
    }
}
