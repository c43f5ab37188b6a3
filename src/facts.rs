//! Statements: what each sentence says about a quantity.
//!
//! A statement is one subject (a label) with its figures by role: values in one or more
//! columns (本年 / 年初预算 / 上年…), a change with its direction word, a growth rate, a share
//! (`占…X%`), a completion ratio (`完成年初预算的X%`). Sentences such as
//! `工资福利支出8,065,382.38元，年初预算7,972,225.24元，减少93,157.14元` make one statement;
//! lists (`其中：A a，占p%；B b，占q%`) make one statement per item. Lists themselves are
//! found here too (`List`), within a sentence, and across paragraphs when an opener such as
//! `其中：` or `主要用于以下方面：` ends its paragraph.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

// Labels are document text: a randomly seeded hasher (see `engine`).
use foldhash::HashMap;
use rust_decimal::Decimal;

use crate::extract::number::{Dimension, Number, Unit};
use crate::extract::words::{column_of, compare_column, direction_suffix, Column, Direction};
use crate::label::{self, Level, SharedLabel};
use crate::segment::{Block, BlockKind, Sentence};
use crate::text::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    Value,
    Change {
        dir: Direction,
        word: Span,
    },
    Rate {
        dir: Direction,
        word: Span,
    },
    /// `占…X%`; `denom` is the text naming the whole, `denom_value` a figure stated in the
    /// share's own clause (`占全部项目13个的100%`).
    Share {
        denom: String,
        denom_value: Option<usize>,
    },
    /// `完成年初预算的X%` / `为调整预算的X%`: this statement's 本年 value over `of`.
    Completion {
        of: Column,
    },
}

/// A figure in a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Fig {
    /// Index into `Doc::numbers`.
    pub num: usize,
    pub role: Role,
    /// For values, their column; for changes and rates, the column they compare against.
    pub column: Column,
    /// Effective unit: the written one, or for a bare number the one of its sentence.
    pub dim: Dimension,
    pub factor: Decimal,
    pub unit_inherited: bool,
    /// The column was named in the text (决算数, 年初预算), not assumed.
    pub column_named: bool,
}

#[derive(Debug, Clone)]
pub struct Statement {
    /// Shared with the relations and views that name it.
    pub label: Arc<str>,
    pub level: Option<Level>,
    pub block: usize,
    pub sentence: usize,
    pub figs: Vec<Fig>,
    /// A table cell rather than a sentence (row and column known).
    pub table: Option<(usize, usize, usize)>,
}

impl Statement {
    pub fn value(&self, column: Column, dim: Dimension) -> Option<&Fig> {
        self.figs
            .iter()
            .find(|f| f.role == Role::Value && f.column == column && f.dim == dim)
    }

    pub fn values(&self) -> impl Iterator<Item = &Fig> {
        self.figs.iter().filter(|f| f.role == Role::Value)
    }

    pub fn change(&self) -> Option<&Fig> {
        self.figs
            .iter()
            .find(|f| matches!(f.role, Role::Change { .. }))
    }

    pub fn rate(&self) -> Option<&Fig> {
        self.figs
            .iter()
            .find(|f| matches!(f.role, Role::Rate { .. }))
    }

    pub fn share(&self) -> Option<&Fig> {
        self.figs
            .iter()
            .find(|f| matches!(f.role, Role::Share { .. }))
    }

    /// The main dimension: that of its first value.
    pub fn dim(&self) -> Option<Dimension> {
        self.values().next().map(|f| f.dim)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opener {
    /// 其中 / 包括 / 主要用于 / 如下
    Qizhong,
    /// `X项：a、b` — a colon right after a figure.
    Colon,
    /// `公务用车运行维护费中，a，b` — the total is stated elsewhere.
    Reference,
}

#[derive(Debug, Clone)]
pub struct List {
    pub total: usize,
    pub parts: Vec<usize>,
    pub opener: Opener,
    /// Where the opener is written.
    pub at: Span,
    /// Items come from the paragraphs that follow.
    pub across_blocks: bool,
}

/// Result of reading the statements of a document.
#[derive(Debug, Default)]
pub struct Facts {
    pub statements: Vec<Statement>,
    pub lists: Vec<List>,
}

struct OpenList {
    list: List,
    /// `；` or `，` once known: what separates the items.
    sep: Option<char>,
    /// The last clause ended with `；` after the first item began.
    saw_semicolon: bool,
}

fn is_amount(n: &Number) -> bool {
    match n.dimension() {
        Dimension::Money | Dimension::Percent | Dimension::Count => true,
        // A bare number is an amount only if it looks like one: 2,601,483.98 or 1,148.00.
        Dimension::Bare => n.grouped || n.decimals > 0,
        Dimension::Points | Dimension::Other => false,
    }
}

fn trim_pre(s: &str) -> &str {
    // Most texts neither start nor end with a space: a look at the bytes at the two ends
    // tells, cheaper than a trim from both (or than decoding the end characters). A space is
    // ASCII or led by C2, E1, E2 or E3 (none is above U+3000).
    let b = s.as_bytes();
    let space_first = matches!(b.first(), Some(0x09..=0x0D | b' ' | 0xC2 | 0xE1..=0xE3));
    let space_last = matches!(
        b,
        [.., 0x09..=0x0D | b' '] | [.., 0xC2, _] | [.., 0xE1..=0xE3, _, _]
    );
    if !space_first && !space_last {
        return s;
    }
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
}

/// `s.trim_end_matches(word)`: the same, without a substring searcher (costly to build for
/// the short texts here).
fn trim_end_word<'a>(mut s: &'a str, word: &str) -> &'a str {
    if word.is_empty() {
        return s;
    }
    while let Some(rest) = s.strip_suffix(word) {
        s = rest;
    }
    s
}

const OPENER_ENDINGS: &[&str] = &[
    "其中",
    "主要包括",
    "具体包括",
    "包括",
    "主要用于以下方面",
    "主要用于",
    "具体如下",
    "如下",
    "明细如下",
    "构成如下",
    "具体情况如下",
];

fn opener_kind(clause_text: &str) -> Option<Opener> {
    let t = trim_pre(clause_text);
    let t = t.trim_end_matches(['（', '(', '）', ')']);
    // An ending is compared only where the last bytes agree (cheaper than a memcmp).
    let last = t.as_bytes().last();
    if t.starts_with("其中")
        || OPENER_ENDINGS
            .iter()
            .any(|w| w.as_bytes().last() == last && t.ends_with(w))
    {
        return Some(Opener::Qizhong);
    }
    None
}

/// What one paragraph says, read from it alone: the same text, numbers and heading give the
/// same `BlockFacts` (up to where the paragraph sits), which is what lets `memo` keep them.
#[derive(Debug, Clone, Default)]
pub struct BlockFacts {
    /// Labels looked up in the paragraphs above, and whether one was found: the paragraph reads
    /// the same only where the same ones are found.
    pub external: Vec<(String, bool)>,
    /// Statement indices in `lists` and `pending` count from the paragraph's first statement.
    pub statements: Vec<Statement>,
    pub lists: Vec<List>,
    /// Lists whose opener ends the paragraph: their items are the paragraphs below.
    pub pending: Vec<List>,
}

/// Where a paragraph's facts move to: deltas of byte offsets, number and sentence indices, and
/// the paragraph's new block index.
#[derive(Debug, Clone, Copy)]
pub struct Move {
    pub offset: isize,
    pub num: isize,
    pub sentence: isize,
    pub block: usize,
}

impl BlockFacts {
    /// Whether this paragraph, read below `prior`, would look up the same labels with the same
    /// results.
    pub fn fits(&self, prior: &Prior) -> bool {
        self.external
            .iter()
            .all(|(l, found)| prior.last_labelled(l).is_some() == *found)
    }

    pub fn moved(mut self, m: &Move) -> BlockFacts {
        for st in &mut self.statements {
            st.block = m.block;
            st.sentence = st.sentence.wrapping_add_signed(m.sentence);
            for f in &mut st.figs {
                f.num = f.num.wrapping_add_signed(m.num);
                match &mut f.role {
                    Role::Change { word, .. } | Role::Rate { word, .. } => {
                        *word = word.moved(m.offset)
                    }
                    Role::Share { denom_value, .. } => {
                        if let Some(n) = denom_value {
                            *n = n.wrapping_add_signed(m.num);
                        }
                    }
                    Role::Value | Role::Completion { .. } => {}
                }
            }
        }
        for l in self.lists.iter_mut().chain(&mut self.pending) {
            l.at = l.at.moved(m.offset);
        }
        self
    }
}

/// The figures that can be amounts, in text order: what statements are made of.
pub fn amount_numbers(numbers: &[Number]) -> Vec<usize> {
    // Sized once (a filter's collect regrows it), and the scanner's numbers come in order: the
    // sort is needed only where they do not.
    let mut nums: Vec<usize> = Vec::with_capacity(numbers.len());
    nums.extend((0..numbers.len()).filter(|&i| is_amount(&numbers[i])));
    if !nums.is_sorted_by_key(|&i| numbers[i].span.start) {
        nums.sort_by_key(|&i| numbers[i].span.start);
    }
    nums
}

/// A list total `EXTERNAL | k` is the statement found by the paragraph's `k`th lookup above.
const EXTERNAL: usize = 1 << (usize::BITS - 1);

/// The last statement of `statements` labelled `label` (outside tables), by a scan: for the
/// statements of the paragraph being read, which are few.
fn last_labelled(statements: &[Statement], label: &str) -> Option<usize> {
    statements
        .iter()
        .rposition(|st| *st.label == *label && st.table.is_none())
}

/// The statements of the paragraphs above one, as its lookups see them: the last statement
/// (outside tables) of each label. An index: scanning every statement above for each lookup
/// was quadratic in a long report (40,000 `项目N中，…` clauses below 40,000 statements: 6.8 s).
/// Made at the first lookup and brought up to date at each one after: most paragraphs look
/// nothing up, and indexing each statement as it came cost more than reading it.
#[derive(Default)]
pub struct Prior {
    /// Each statement's label, `None` for a table's.
    labels: Vec<Option<Arc<str>>>,
    /// The index of `labels[..indexed]`.
    last: RefCell<HashMap<Arc<str>, usize>>,
    indexed: Cell<usize>,
}

impl Prior {
    /// The last statement labelled `label`, as `BlockReader::stated_before` finds it.
    pub fn last_labelled(&self, label: &str) -> Option<usize> {
        let mut last = self.last.borrow_mut();
        let new = &self.labels[self.indexed.get()..];
        if !new.is_empty() {
            // Sized once for the statements not yet indexed: no regrowing on the way.
            last.reserve(new.len());
            for (i, l) in (self.indexed.get()..).zip(new) {
                if let Some(l) = l {
                    last.insert(Arc::clone(l), i);
                }
            }
            self.indexed.set(self.labels.len());
        }
        last.get(label).copied()
    }

    /// Take in the statements that follow (numbered on from those before).
    fn extend(&mut self, statements: &[Statement]) {
        self.labels.extend(
            statements
                .iter()
                .map(|st| st.table.is_none().then(|| Arc::clone(&st.label))),
        );
    }
}

/// Read the statements of paragraph `b` (not a table), whose sentences are `sentences`,
/// numbered from `first_sentence`, below the statements `prior`. `nums` is `amount_numbers`.
#[allow(clippy::too_many_arguments)]
pub fn read_block(
    text: &str,
    prior: &Prior,
    numbers: &[Number],
    nums: &[usize],
    b: usize,
    block: &Block,
    heading: Option<&str>,
    sentences: &[Sentence],
    first_sentence: usize,
) -> BlockFacts {
    // The paragraph's figures: a sentence's are looked for among these, not the document's. Its
    // last is found from its first (a paragraph has few; a search of the document's cost more).
    let a = nums.partition_point(|&i| numbers[i].span.start < block.span.start);
    let n = nums[a..]
        .iter()
        .take_while(|&&i| numbers[i].span.start < block.span.end)
        .count();
    let block_nums = &nums[a..a + n];
    // Each statement has a figure of its own: sized once rather than regrown.
    let mut facts = Facts {
        statements: Vec::with_capacity(block_nums.len()),
        lists: Vec::new(),
    };
    let mut reader = BlockReader {
        text,
        prior,
        external: Vec::new(),
        numbers,
        facts: &mut facts,
        block: b,
        cur: None,
        first_in_block: true,
        heading_text: heading,
        heading: std::cell::OnceCell::new(),
        open: Vec::new(),
        share_whole: None,
        block_span: block.span,
        money: Vec::new(),
        zhan: FirstZhan::at(block.span.start),
    };
    for (k, s) in sentences.iter().enumerate() {
        reader.sentence(first_sentence + k, s, nums, block_nums);
    }
    let external = std::mem::take(&mut reader.external);
    let mut pending = Vec::new();
    // Lists whose opener ends the paragraph take their items from the paragraphs below.
    for ol in reader.open.drain(..) {
        if ol.list.parts.is_empty() && ol.list.opener == Opener::Qizhong {
            pending.push(List {
                across_blocks: true,
                ..ol.list
            });
        } else if !ol.list.parts.is_empty() {
            facts.lists.push(ol.list);
        }
    }
    BlockFacts {
        external,
        statements: facts.statements,
        lists: facts.lists,
        pending,
    }
}

/// The facts of a document, put together paragraph by paragraph (`push`, in order).
#[derive(Default)]
pub struct Joiner {
    facts: Facts,
    prior: Prior,
    pending: Vec<List>,
    /// Each block's statements are one range.
    by_block: Vec<std::ops::Range<usize>>,
}

impl Joiner {
    /// The statements so far: the `prior` of the next paragraph.
    pub fn prior(&self) -> &Prior {
        &self.prior
    }

    /// Add the next paragraph's facts (read below `statements()`).
    pub fn push(&mut self, bf: BlockFacts) {
        let base = self.facts.statements.len();
        if let Some(first) = bf.statements.first() {
            if self.by_block.len() <= first.block {
                self.by_block.resize(first.block + 1, 0..0);
            }
            self.by_block[first.block] = base..base + bf.statements.len();
        }
        let prior = &self.prior;
        let external = &bf.external;
        // A total found above when the paragraph was read is found again: `memo` uses a
        // paragraph's facts only where its lookups find the same (`fits`).
        let shift = |mut l: List| {
            l.total = if l.total & EXTERNAL != 0 {
                let (label, _) = external.get(l.total & !EXTERNAL)?;
                prior.last_labelled(label)?
            } else {
                l.total + base
            };
            l.parts.iter_mut().for_each(|p| *p += base);
            Some(l)
        };
        // Pushed where they go: most paragraphs have no list, and collecting each into a vector
        // of its own cost more than the rest of `push`.
        for l in bf.lists {
            if let Some(l) = shift(l) {
                self.facts.lists.push(l);
            }
        }
        for l in bf.pending {
            if let Some(l) = shift(l) {
                self.pending.push(l);
            }
        }
        self.prior.extend(&bf.statements);
        self.facts.statements.extend(bf.statements);
    }

    /// The document's facts: with the lists whose items are paragraphs below their opener.
    pub fn finish(self, blocks: &[Block]) -> Facts {
        let Joiner {
            mut facts,
            pending,
            mut by_block,
            prior: _,
        } = self;
        by_block.resize(blocks.len().max(by_block.len()), 0..0);
        join_pending(blocks, &mut facts, pending, &by_block);
        facts
    }
}

fn join_pending(
    blocks: &[Block],
    facts: &mut Facts,
    pending: Vec<List>,
    by_block: &[std::ops::Range<usize>],
) {
    let ref_blocks: rustc_hash::FxHashSet<usize> = facts
        .lists
        .iter()
        .filter(|l| l.opener == Opener::Reference)
        .map(|l| {
            blocks
                .partition_point(|b| b.span.start <= l.at.start)
                .saturating_sub(1)
        })
        .collect();
    for list in pending {
        if let Some(parts) = items_below(blocks, by_block, &ref_blocks, list.at) {
            facts.lists.push(List { parts, ..list });
        }
    }
}

/// The text of a numbered heading directly above block `b`, if any: what `label_of_heading`
/// reads, and what a paragraph's reading depends on (`memo` keys on it).
pub fn heading_text<'t>(text: &'t str, blocks: &[Block], b: usize) -> Option<&'t str> {
    let prev = blocks[..b].last()?;
    if prev.kind != BlockKind::Heading || prev.marker.is_none() {
        return None;
    }
    Some(&text[prev.span.start..prev.span.end])
}

/// The label a heading's text gives the paragraph below it, if any.
fn label_of_heading(t: &str) -> Option<Arc<str>> {
    let l = label::normalize_shared(t);
    let s = ["情况", "说明", "决算"]
        .iter()
        .fold(&*l.text, |s, w| trim_end_word(s, w));
    (!label::is_generic(s)).then(|| Arc::from(s))
}

struct BlockReader<'a, 't> {
    text: &'t str,
    /// The statements of the paragraphs above.
    prior: &'a Prior,
    /// Labels looked up in `prior`, and whether they were found.
    external: Vec<(String, bool)>,
    numbers: &'a [Number],
    facts: &'a mut Facts,
    block: usize,
    cur: Option<usize>,
    first_in_block: bool,
    /// The text of the heading above the paragraph, and the label it gives, read only when a
    /// statement needs it (few do; most headings were normalised for nothing).
    heading_text: Option<&'t str>,
    heading: std::cell::OnceCell<Option<Arc<str>>>,
    open: Vec<OpenList>,
    /// A figure of the whole inside a share clause, and where its clause starts.
    share_whole: Option<(usize, usize)>,
    block_span: Span,
    /// The money units of the sentence being read (kept to be reused: one vector a paragraph).
    money: Vec<(usize, u32)>,
    /// The first `占` of the clause being read.
    zhan: FirstZhan,
}

/// Where `占` first stands in a clause, looked for once: each figure asks about the clause up
/// to itself, and only the part not yet looked at is searched (a search per figure of the
/// whole text before it cost more than the rest of the figure's reading).
struct FirstZhan {
    /// Searched up to here (a byte offset in the document).
    from: usize,
    found: Option<usize>,
}

impl FirstZhan {
    fn at(clause_start: usize) -> FirstZhan {
        FirstZhan {
            from: clause_start,
            found: None,
        }
    }

    /// The offset of the first `占` between the clause start and `end`, if any.
    fn before(&mut self, text: &str, end: usize) -> Option<usize> {
        if self.found.is_none() && self.from < end {
            self.found = find_zhan(&text[self.from..end]).map(|p| self.from + p);
            self.from = end;
        }
        self.found.filter(|&z| z + '占'.len_utf8() <= end)
    }
}

/// `s.find('占')`, by the character's middle byte: rarer than its first, and unlike its last
/// (0xA0) not that of every NBSP.
fn find_zhan(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let end = b.len().checked_sub(1)?;
    let mut from = 1;
    while from < end {
        let i = from + memchr::memchr(0x8D, &b[from..end])?;
        // `s` is valid UTF-8: E5 8D A0 is the whole of 占.
        if b[i - 1] == 0xE5 && b[i + 1] == 0xA0 {
            return Some(i - 1);
        }
        from = i + 1;
    }
    None
}

impl BlockReader<'_, '_> {
    /// The label the heading above the paragraph gives, read the first time it is asked for.
    fn heading_label(&self) -> Option<Arc<str>> {
        self.heading
            .get_or_init(|| self.heading_text.and_then(label_of_heading))
            .clone()
    }

    /// The last statement labelled `label` above: in this paragraph, else in those above (an
    /// `EXTERNAL` index, resolved by `join`, the lookup kept in `external`).
    fn stated_before(&mut self, label: &str) -> Option<usize> {
        if let Some(t) = last_labelled(&self.facts.statements, label) {
            return Some(t);
        }
        let found = self.prior.last_labelled(label).is_some();
        self.external.push((label.to_string(), found));
        found.then_some(EXTERNAL | (self.external.len() - 1))
    }

    /// `block_nums`: the part of `nums` (all amounts, by position) within the paragraph.
    fn sentence(&mut self, si: usize, s: &Sentence, nums: &[usize], block_nums: &[usize]) {
        let text = self.text;
        // The unit of bare numbers in this sentence: the nearest money unit written in it.
        let sentence_nums: &[usize] = {
            let bs = self.block_span;
            let pool = if bs.start <= s.span.start && s.span.end <= bs.end {
                block_nums
            } else {
                nums
            };
            let a = pool.partition_point(|&i| self.numbers[i].span.start < s.span.start);
            let b = pool.partition_point(|&i| self.numbers[i].span.start < s.span.end);
            &pool[a..b]
        };
        let numbers = self.numbers;
        let money_of = |idx: &[usize], out: &mut Vec<(usize, u32)>| {
            out.extend(idx.iter().filter_map(|&i| match numbers[i].unit {
                Unit::Money { factor, .. } => Some((numbers[i].span.start, factor)),
                _ => None,
            }))
        };
        let mut money_units = std::mem::take(&mut self.money);
        money_units.clear();
        // Bare figures take their unit from these: a sentence without figures needs none.
        if !sentence_nums.is_empty() {
            money_of(sentence_nums, &mut money_units);
            if money_units.is_empty() {
                // `…7,630.77万元，占…。较上年增加442.12，增长6.15%。`: the paragraph's unit.
                money_of(block_nums, &mut money_units);
            }
        }
        let mut head_label: Option<Arc<str>> = None;
        let start_of = |k: usize| numbers[sentence_nums[k]].span.start;
        // Where the last clause's figures ended.
        let mut next = 0;
        for (ci, clause) in s.clauses.iter().enumerate() {
            // Clauses come in order, so this one's figures start where the last one's ended:
            // that is checked (the figures are in order), and only otherwise searched for.
            let a = if (next == 0 || start_of(next - 1) < clause.span.start)
                && (next == sentence_nums.len() || start_of(next) >= clause.span.start)
            {
                next
            } else {
                sentence_nums.partition_point(|&i| numbers[i].span.start < clause.span.start)
            };
            let b = a + sentence_nums[a..]
                .iter()
                .take_while(|&&i| numbers[i].span.start < clause.span.end)
                .count();
            next = b;
            let in_clause = &sentence_nums[a..b];
            if in_clause.is_empty() {
                let ctext = &text[clause.span.start..clause.span.end];
                // Asked only where no opener word ends the clause (`其中：`), each search only
                // if the one before did not tell.
                let kind = opener_kind(ctext).or_else(|| {
                    let colon_end = matches!(clause.end, '：' | ':');
                    // `基本支出X万元，按经济分类：…`: a colon after a statement of this sentence.
                    let colon = colon_end
                        && !ctext.contains("原因")
                        && self
                            .cur
                            .is_some_and(|c| self.facts.statements[c].sentence == si);
                    // `主要用于下方面（按大类）：` opens a list; `主要用于接待检查；` does not.
                    (colon || (colon_end && names_uses(ctext))).then_some(Opener::Qizhong)
                });
                if let Some(kind) = kind {
                    self.open_list(kind, clause.span);
                } else if ctext.ends_with('中') && clause.end != '\0' {
                    // `公务用车运行维护费中，…`: a list whose total was stated before.
                    let l = label::normalize_shared(ctext.trim_end_matches('中'));
                    if !label::is_generic(&l.text) {
                        if let Some(t) = self.stated_before(&l.text) {
                            self.open.push(OpenList {
                                list: List {
                                    total: t,
                                    parts: Vec::new(),
                                    opener: Opener::Reference,
                                    at: clause.span,
                                    across_blocks: false,
                                },
                                sep: None,
                                saw_semicolon: false,
                            });
                        }
                    }
                } else if ci == 0 && !sentence_nums.is_empty() {
                    // The subject of the figures that follow: without figures, none is needed.
                    let l = label::normalize_shared(ctext);
                    if !label::is_generic(&l.text) {
                        head_label = Some(l.text);
                    }
                }
                self.after_clause(clause.end);
                continue;
            }
            let mut prev_end = clause.span.start;
            self.zhan = FirstZhan::at(clause.span.start);
            for &ni in in_clause {
                let n = &self.numbers[ni];
                let full = n.full_span();
                let pre = &text[prev_end.min(full.start)..full.start];
                let clause_pre = &text[clause.span.start..full.start];
                prev_end = full.end;
                // `其中论文类作品28项`: the opener shares the clause with the first item.
                let mut pre_for_label = pre;
                if let Some(rest) = after_qizhong(pre) {
                    self.open_list(Opener::Qizhong, clause.span);
                    pre_for_label = rest;
                }
                let (dim, factor, inherited) = effective_unit(n, &money_units);
                self.figure(
                    si,
                    ni,
                    pre_for_label,
                    clause_pre,
                    dim,
                    factor,
                    inherited,
                    head_label.as_ref(),
                );
            }
            // `一等奖3项：a、b`: a colon right after a figure opens a list.
            if matches!(clause.end, '：' | ':') && self.cur.is_some() && ci + 1 < s.clauses.len() {
                let total = self.cur.unwrap_or_default();
                self.open.push(OpenList {
                    list: List {
                        total,
                        parts: Vec::new(),
                        opener: Opener::Colon,
                        at: clause.span,
                        across_blocks: false,
                    },
                    sep: Some('，'),
                    saw_semicolon: false,
                });
            }
            self.after_clause(clause.end);
        }
        // A sentence ends every inline list but one whose items are still to come.
        let keep_pending = self
            .open
            .last()
            .is_some_and(|o| o.list.parts.is_empty() && o.list.opener == Opener::Qizhong);
        let n = self.open.len() - usize::from(keep_pending);
        for ol in self.open.drain(..n) {
            if !ol.list.parts.is_empty() {
                self.facts.lists.push(ol.list);
            }
        }
        self.money = money_units;
    }

    fn after_clause(&mut self, end: char) {
        if let Some(top) = self.open.last_mut() {
            if matches!(end, '；' | ';') {
                if top.sep == Some('，') {
                    let ol = self.open.pop().expect("top exists");
                    if !ol.list.parts.is_empty() {
                        self.facts.lists.push(ol.list);
                    }
                    // A nested list closed by `；` lets its parent go on.
                    return;
                }
                if !top.list.parts.is_empty() {
                    top.saw_semicolon = true;
                }
            }
        }
    }

    fn open_list(&mut self, kind: Opener, at: Span) {
        let total = (|| {
            // A nested opener: the total is the last item of the open list.
            if let Some(top) = self.open.last() {
                if let Some(&p) = top.list.parts.last() {
                    return Some(p);
                }
                return None;
            }
            // Only the paragraph's own statements are totals: a paragraph starting with 其中
            // too often lists something other than the one above (其中，…支出中的…).
            self.cur
        })();
        let Some(total) = total else { return };
        if self.open.last().is_some_and(|o| o.list.parts.is_empty()) {
            return;
        }
        self.open.push(OpenList {
            list: List {
                total,
                parts: Vec::new(),
                opener: kind,
                at,
                across_blocks: false,
            },
            sep: None,
            saw_semicolon: false,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn figure(
        &mut self,
        si: usize,
        ni: usize,
        pre: &str,
        clause_pre: &str,
        dim: Dimension,
        factor: Decimal,
        inherited: bool,
        head: Option<&Arc<str>>,
    ) {
        let n = &self.numbers[ni];
        let pre_t = trim_pre(pre);
        let clause_t = trim_pre(clause_pre);
        let pre_words = pre_words(pre_t);
        let column_named = pre_words.column.is_some();
        let fig = |role, column| Fig {
            num: ni,
            role,
            column,
            dim,
            factor,
            unit_inherited: inherited,
            column_named,
        };
        let cur_stmt = self.cur.map(|c| &self.facts.statements[c]);

        let figure_start = n.full_span().start;
        if dim == Dimension::Percent {
            // `clause_t.find('占')`: 占 is no space, so the clause's first one before the
            // figure is within `clause_t` (a part of `text`).
            let clause_t_at = clause_t.as_ptr() as usize - self.text.as_ptr() as usize;
            let zhan = self
                .zhan
                .before(self.text, figure_start)
                .map(|z| z - clause_t_at);
            let role = if let Some(p) = zhan.filter(|&p| !clause_t[p..].starts_with("占比")) {
                let denom = &clause_t[p + '占'.len_utf8()..];
                let denom = denom.trim_end_matches('的');
                let denom = trim_end_word(trim_end_word(denom, "比重"), "比例");
                let denom = trim_end_word(denom.trim_end_matches('为'), "的");
                // A figure of the whole written inside the share clause.
                let denom_value = self
                    .share_whole
                    .filter(|(_, at)| *at == n.full_span().start - clause_pre.len())
                    .map(|(w, _)| w);
                Some(Role::Share {
                    denom: strip_numbers(denom),
                    denom_value,
                })
            } else if zhan.is_some() || clause_t.contains("比重") {
                // = contains 占比, 比重 or 所占比例: a 占 here begins 占比, and without one
                // neither 占比 nor 所占比例 is there.
                Some(Role::Share {
                    denom: String::new(),
                    denom_value: None,
                })
            } else if (clause_t.contains("完成") || clause_t.ends_with('的'))
                && column_of(clause_t).is_some_and(|c| c != Column::Current && c != Column::Prior)
            {
                column_of(clause_t).map(|of| Role::Completion { of })
            } else {
                direction_before(self.text, pre_t, n).map(|(dir, word)| Role::Rate { dir, word })
            };
            let Some(role) = role else { return };
            let column = match role {
                Role::Rate { .. } => comparison_column(clause_t, cur_stmt),
                _ => Column::Current,
            };
            self.attach(si, fig(role, column), head);
            return;
        }
        if dim == Dimension::Points {
            return;
        }
        // A count or amount inside `占全部项目13个的…`: the whole of a share.
        // Not `find(char)`: std's char search stops at every byte like 占's last (0xA0, as in
        // every NBSP), which made a table padded with NBSPs quadratic (20×).
        if self.zhan.before(self.text, figure_start).is_some() {
            self.share_whole = Some((ni, n.full_span().start - clause_pre.len()));
            return;
        }
        if let Some((dir, word)) = direction_before(self.text, pre_t, n) {
            let column = comparison_column(clause_t, cur_stmt);
            // `与上年相比，公用经费减少1.54万元`: the change names its own subject, which may not
            // be the last statement (其中：办公费…).
            let clause_start = n.full_span().start - clause_pre.len();
            let subject =
                label::normalize_shared(&self.text[clause_start..word.start.max(clause_start)])
                    .text;
            let names_other = !subject.is_empty()
                && !label::is_generic(&subject)
                && !["比", "较", "与", "同比", "相比"]
                    .iter()
                    .any(|w| subject.starts_with(w))
                && self
                    .cur
                    .is_some_and(|c| *self.facts.statements[c].label != *subject);
            if names_other {
                let found = self.facts.statements.iter().rposition(|s| {
                    *s.label == *subject && s.block == self.block && s.table.is_none()
                });
                match found {
                    Some(k) => self.cur = Some(k),
                    None => {
                        self.new_statement(
                            si,
                            subject,
                            None,
                            fig(Role::Change { dir, word }, column),
                        );
                        return;
                    }
                }
            }
            self.attach(si, fig(Role::Change { dir, word }, column), head);
            return;
        }
        let l = pre_words.label.unwrap_or_else(|| pre_label(pre_t));
        // `比上年`, `较年初预算`, `比2023年的A`, `与上年决算数`: the value compared against.
        // Told by the first character: a search of the four words cost more.
        let is_base = match pre_t.chars().next() {
            Some('比') => !pre_t.starts_with("比重") && !pre_t.starts_with("比例"),
            Some('较' | '与') => true,
            Some('同') => pre_t.starts_with("同比"),
            _ => false,
        };
        let column_only = l.text.is_empty() && l.column.is_some_and(|c| c != Column::Current);
        if (is_base || column_only) && self.cur.is_some() {
            let column = if is_base {
                compare_column(pre_t)
            } else {
                l.column.unwrap_or(Column::Prior)
            };
            let c = self.cur.unwrap_or_default();
            if self.facts.statements[c].value(column, dim).is_none() {
                self.attach(si, fig(Role::Value, column), head);
            }
            return;
        }
        self.value(
            si,
            fig(Role::Value, l.column.unwrap_or(Column::Current)),
            l,
            head,
        );
    }

    fn value(&mut self, si: usize, f: Fig, l: SharedLabel, head: Option<&Arc<str>>) {
        let descriptive = l.text.starts_with("包括")
            || l.text.ends_with('等')
            || l.text.ends_with("等支出")
            || l.text.ends_with("等费用");
        let mut text = if descriptive { "".into() } else { l.text };
        if let Some(c) = self.cur {
            let st = &self.facts.statements[c];
            let same = text.is_empty() || label::is_generic(&text) || *text == *st.label;
            if same && st.value(f.column, f.dim).is_none() && st.sentence == si {
                self.facts.statements[c].figs.push(f);
                return;
            }
        }
        if text.is_empty() || label::is_generic(&text) {
            let fallback = if self.first_in_block {
                self.heading_label().or(head.cloned())
            } else {
                head.cloned()
            };
            if let Some(h) = fallback {
                text = h;
            }
        }
        self.new_statement(si, text, l.level, f);
    }

    /// Attach a figure to the current statement (or start an unlabeled one).
    fn attach(&mut self, si: usize, f: Fig, head: Option<&Arc<str>>) {
        match self.cur {
            Some(c)
                if !self.facts.statements[c].figs.iter().any(|g| {
                    std::mem::discriminant(&g.role) == std::mem::discriminant(&f.role)
                        && g.role != Role::Value
                }) =>
            {
                self.facts.statements[c].figs.push(f);
            }
            _ => {
                let label = if self.first_in_block {
                    self.heading_label()
                } else {
                    None
                }
                .or(head.cloned())
                .unwrap_or_else(|| "".into());
                self.new_statement(si, label, None, f);
            }
        }
    }

    fn new_statement(&mut self, si: usize, label: Arc<str>, level: Option<Level>, f: Fig) {
        let idx = self.facts.statements.len();
        // Room for the figures that usually follow (a base, a change, a rate): growing from one
        // cost more than making the statement.
        let mut figs = Vec::with_capacity(4);
        figs.push(f);
        self.facts.statements.push(Statement {
            label,
            level,
            block: self.block,
            sentence: si,
            figs,
            table: None,
        });
        self.cur = Some(idx);
        self.first_in_block = false;
        if let Some(top) = self.open.last_mut() {
            if top.list.total != idx {
                if top.sep.is_none() && !top.list.parts.is_empty() {
                    top.sep = Some(if top.saw_semicolon { '；' } else { '，' });
                }
                top.list.parts.push(idx);
            }
        }
    }
}

/// What the text before a figure says: its column words, and its label once asked for.
#[derive(Clone)]
struct PreWords {
    column: Option<Column>,
    label: Option<SharedLabel>,
}

thread_local! {
    static PRE_WORDS: label::TextCache<PreWords> = label::TextCache::default();
}

/// `column_of(pre)` and the label of `pre` if known, remembered per thread (bounded): the
/// texts before figures repeat (`，年初预算`, `，比上年`), and finding their column words costs
/// several hundred instructions. One lookup serves both (a value's label was a second one).
fn pre_words(pre: &str) -> PreWords {
    label::remembered(&PRE_WORDS, pre, |pre| PreWords {
        column: column_of(pre),
        label: None,
    })
}

/// `label::normalize_shared(pre)`, kept with `pre`'s column (`pre_words`).
fn pre_label(pre: &str) -> SharedLabel {
    let l = label::normalize_shared(pre);
    PRE_WORDS.with(|c| {
        if let Some(w) = c.borrow_mut().get_mut(pre) {
            w.label = Some(l.clone());
        }
    });
    l
}

/// What a change or rate in `clause` compares against: named in the clause (`比年初预算`,
/// `较上年`), else the column of a base the statement already has, else the prior year.
fn comparison_column(clause: &str, st: Option<&Statement>) -> Column {
    if names_comparison(clause) {
        return compare_column(clause);
    }
    st.and_then(|s| {
        s.values()
            .map(|f| f.column)
            .find(|c| *c != Column::Current && *c != Column::AnyBudget)
    })
    .unwrap_or(Column::Prior)
}

/// Whether `clause` holds 主要用于, 用于以下, 用于下 or 如下: the first three hold 用于, which
/// most clauses do not (one search rules them out).
fn names_uses(clause: &str) -> bool {
    clause.contains("如下")
        || (clause.contains("用于")
            && ["主要用于", "用于以下", "用于下"]
                .iter()
                .any(|w| clause.contains(w)))
}

/// Whether `clause` holds 比, 较, 与, 同比, 上年, 年初 or 预算: one pass over its characters
/// rather than a substring search per word (同比 holds 比).
fn names_comparison(clause: &str) -> bool {
    let mut prev = '\0';
    clause.chars().any(|c| {
        let named = matches!(c, '比' | '较' | '与')
            || matches!((prev, c), ('上', '年') | ('年', '初') | ('预', '算'));
        prev = c;
        named
    })
}

/// The effective unit of a figure: its own, or for a bare amount the nearest money unit of
/// its sentence.
fn effective_unit(n: &Number, money_units: &[(usize, u32)]) -> (Dimension, Decimal, bool) {
    if n.dimension() != Dimension::Bare {
        return (n.dimension(), n.unit.factor(), false);
    }
    match nearest_unit(money_units, n.span.start) {
        Some(&(_, f)) => (Dimension::Money, Decimal::from(f), true),
        None => (Dimension::Bare, Decimal::ONE, false),
    }
}

/// The money unit written nearest `at` (the earlier one on a tie), from units in order of
/// position: found by halving, not by a pass over the sentence's units for each bare figure
/// (quadratic in a sentence listing thousands of figures).
fn nearest_unit(units: &[(usize, u32)], at: usize) -> Option<&(usize, u32)> {
    let i = units.partition_point(|&(u, _)| u < at);
    let after = units.get(i);
    let before = i.checked_sub(1).map(|j| {
        // The first of the units written at that position, as a scan would find.
        let p = units[j].0;
        &units[units[..j].partition_point(|&(u, _)| u < p)]
    });
    match (before, after) {
        (Some(b), Some(a)) if at - b.0 <= a.0 - at => Some(b),
        (_, Some(a)) => Some(a),
        (b, None) => b,
    }
}

fn strip_numbers(s: &str) -> String {
    // Most denominators have no figure in them: copied whole.
    if !s.contains(|c: char| c.is_ascii_digit() || c == '.' || c == ',') {
        return s.to_string();
    }
    s.chars()
        .filter(|c| !c.is_ascii_digit() && *c != '.' && *c != ',')
        .collect()
}

/// The direction word right before a figure (`减少93,157.14`, `下降 16.9%`, `增幅为2%`,
/// `同比增长`), with its span.
fn direction_before(text: &str, pre: &str, n: &Number) -> Option<(Direction, Span)> {
    let t = direction_tail(pre)?;
    let (dir, len) = direction_suffix(t)?;
    // 增/减 alone is a direction (减0.04万元), but not inside 新增 or 净减.
    if len == '增'.len_utf8() && t[..t.len() - len].ends_with(['新', '净', '递']) {
        return None;
    }
    // Where `pre` ends in the document: before the spaces between it and the sign or digits.
    let before = &text[..n.full_span().start];
    let pre_end = before
        .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .len();
    let end = pre_end.checked_sub(pre.len() - t.len())?;
    let start = end.checked_sub(len)?;
    (text.is_char_boundary(start)
        && text.is_char_boundary(end)
        && text.get(start..end) == Some(&t[t.len() - len..]))
    .then_some((dir, Span::new(start, end)))
}

/// Words between a direction word and its figure (`增长了`, `增幅为`), in the order removed.
const AFTER_DIRECTION: [&str; 9] = [
    "了",
    "为",
    "幅度为",
    "幅度",
    "率为",
    "率",
    "达",
    "达到",
    "约",
];

/// `pre` without the words of `AFTER_DIRECTION`, if it then ends in a direction word's last
/// character (which rules most texts out before the direction words are tried).
fn direction_tail(pre: &str) -> Option<&str> {
    // Each word of `AFTER_DIRECTION` ends in one of these: a text ending in none is left as
    // it is, and the nine suffix tests are skipped.
    let last = pre.chars().next_back()?;
    let (t, last) = if matches!(last, '了' | '为' | '度' | '率' | '达' | '到' | '约') {
        let mut t = pre;
        for suffix in AFTER_DIRECTION {
            if let Some(s) = t.strip_suffix(suffix) {
                t = s.trim_end();
            }
        }
        (t, t.chars().next_back()?)
    } else {
        (pre, last)
    };
    is_direction_end(last).then_some(t)
}

/// Whether `c` ends a word of `DIRECTION_WORDS` (a test holds the two together): one match,
/// not a search of a list.
fn is_direction_end(c: char) -> bool {
    matches!(
        c,
        '长' | '了'
            | '加'
            | '升'
            | '涨'
            | '高'
            | '收'
            | '支'
            | '幅'
            | '少'
            | '降'
            | '低'
            | '滑'
            | '约'
            | '增'
            | '减'
    )
}

/// `pre` after a leading 其中 (spaces and an opening parenthesis allowed before it), if it
/// starts so.
fn after_qizhong(pre: &str) -> Option<&str> {
    // Only a space, a parenthesis or 其 can come first: their first bytes rule most texts out
    // before any trimming (其's, E5, leads too many characters to tell it).
    if !(pre.starts_with('其')
        || matches!(
            pre.as_bytes().first(),
            Some(0x09..=0x0D | b' ' | b'(' | 0xC2 | 0xE1..=0xE3 | 0xEF)
        ))
    {
        return None;
    }
    let pre_open = pre.trim_start().trim_start_matches(['（', '(']);
    pre_open
        .starts_with("其中")
        .then(|| pre_open.trim_start_matches("其中"))
}

/// Items of a list whose opener ends its paragraph: the paragraphs below, grouped by the
/// first marker level met, until a sibling or a higher heading.
fn items_below(
    blocks: &[Block],
    by_block: &[std::ops::Range<usize>],
    ref_blocks: &rustc_hash::FxHashSet<usize>,
    opener_at: Span,
) -> Option<Vec<usize>> {
    let ob = blocks
        .partition_point(|b| b.span.start <= opener_at.start)
        .checked_sub(1)?;
    // The level that ends the list: the opener's own marker, or its section heading's.
    let stop_level = blocks[ob].level.or_else(|| {
        blocks[..ob]
            .iter()
            .rev()
            .find(|b| b.kind == BlockKind::Heading && b.level.is_some())
            .and_then(|b| b.level)
    });
    let mut item_level: Option<Option<u8>> = None;
    let mut items: Vec<Vec<usize>> = Vec::new();
    // Items numbered like the section around them (`（二）…结构情况` / `（一）“公共安全（类）”
    // 支出…`) are paragraphs, not headings: they set the level themselves, and the list ends at
    // the next heading.
    let first = blocks.get(ob + 1);
    let own_level = blocks[ob].marker.is_none()
        && first.is_some_and(|f| f.kind == BlockKind::Paragraph && f.level.is_some());
    for (b, block) in blocks.iter().enumerate().skip(ob + 1) {
        if matches!(block.kind, BlockKind::Table(_)) {
            break;
        }
        if own_level {
            let il = first.and_then(|f| f.level);
            if block.kind == BlockKind::Heading
                || block.level.is_some_and(|l| il.is_some_and(|il| l < il))
            {
                break;
            }
        } else if let (Some(l), Some(stop)) = (block.level, stop_level) {
            if l <= stop {
                break;
            }
        }
        let stmts: Vec<usize> = by_block[b].clone().collect();
        if item_level.is_none() {
            item_level = Some(block.level);
        }
        match item_level {
            Some(Some(il)) => {
                if block.level == Some(il) || items.is_empty() {
                    items.push(Vec::new());
                }
            }
            _ => {
                // Unmarked items: each paragraph one item, ending at a marked block or at a
                // paragraph that is not a single statement (a list of its own, a remark).
                let starts_list = ref_blocks.contains(&b);
                if block.level.is_some()
                    || block.kind == BlockKind::Heading
                    || starts_list
                    || stmts.len() != 1
                {
                    break;
                }
                items.push(Vec::new());
            }
        }
        if let Some(cur) = items.last_mut() {
            cur.extend(stmts);
        }
    }
    let parts: Vec<usize> = items.iter().filter_map(|it| it.first().copied()).collect();
    if parts.is_empty() || parts.len() != items.len() {
        return None;
    }
    Some(parts)
}

/// Add one statement per table row, its figures by column.
pub fn add_tables(
    facts: &mut Facts,
    blocks: &[Block],
    tables: &[crate::table::Table],
    numbers: &[Number],
) {
    for (t, table) in tables.iter().enumerate() {
        let block = blocks
            .iter()
            .position(|b| b.kind == BlockKind::Table(t))
            .unwrap_or(0);
        for (r, row) in table.rows.iter().enumerate() {
            let mut figs = Vec::new();
            for (c, cell) in row.cells.iter().enumerate() {
                let (Some(col), Some(ni)) = (table.columns.get(c).copied().flatten(), cell.num)
                else {
                    continue;
                };
                let n = &numbers[ni];
                if n.excluded || table.percent.get(c) == Some(&true) {
                    continue;
                }
                let (dim, factor, inherited) = match n.unit {
                    Unit::Money { factor, .. } => (Dimension::Money, Decimal::from(factor), false),
                    Unit::None if table.unit_declared => (Dimension::Money, table.factor, true),
                    _ => continue,
                };
                if figs.iter().any(|f: &Fig| f.column == col) {
                    continue;
                }
                figs.push(Fig {
                    num: ni,
                    role: Role::Value,
                    column: col,
                    dim,
                    factor,
                    unit_inherited: inherited,
                    column_named: true,
                });
            }
            if !figs.is_empty() && !label::is_generic(&row.label) {
                facts.statements.push(Statement {
                    label: row.label.as_str().into(),
                    level: None,
                    block,
                    sentence: usize::MAX,
                    figs,
                    table: Some((t, r, 0)),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every space at either end (and a character sharing a space's first byte) is trimmed as
    /// by a plain trim: the look at the end bytes lets none through.
    #[test]
    fn trim_pre_is_a_trim_of_spaces() {
        let spaces = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace() || *c == '\u{3000}');
        fn trim(s: &str) -> &str {
            s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        }
        for c in spaces.chain(['\u{c0}', '\u{1600}', '\u{2010}', '\u{3001}', 'x']) {
            for body in ["", "a", "收入", "\u{3000}b"] {
                for s in [
                    format!("{c}{body}"),
                    format!("{body}{c}"),
                    format!("{c}{body}{c}"),
                ] {
                    assert_eq!(trim_pre(&s), trim(&s), "{s:?}");
                }
            }
        }
    }
    use crate::extract::words::DIRECTION_WORDS;

    /// The nearest unit by halving is the one the scan found: the first of the nearest, ties
    /// (one unit each side, or several at one position) included.
    #[test]
    fn nearest_unit_is_the_first_nearest() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for _ in 0..20_000 {
            let n = next(8) as usize;
            let mut units: Vec<(usize, u32)> =
                (0..n).map(|k| (next(40) as usize, k as u32)).collect();
            units.sort_by_key(|u| u.0);
            for at in 0..45 {
                let scan = units.iter().min_by_key(|(u, _)| u.abs_diff(at));
                assert_eq!(nearest_unit(&units, at), scan, "{units:?} at {at}");
            }
        }
    }

    #[test]
    fn direction_ends_are_the_words_last_characters() {
        for (w, _) in DIRECTION_WORDS {
            assert!(is_direction_end(w.chars().next_back().unwrap_or_default()));
        }
        let ends: Vec<char> = DIRECTION_WORDS
            .iter()
            .filter_map(|(w, _)| w.chars().next_back())
            .collect();
        assert!((char::MIN..=char::MAX).all(|c| is_direction_end(c) == ends.contains(&c)));
    }

    #[test]
    fn after_qizhong_reads_as_the_plain_trims() {
        fn reference(pre: &str) -> Option<&str> {
            let pre_open = pre.trim_start().trim_start_matches(['（', '(']);
            pre_open
                .starts_with("其中")
                .then(|| pre_open.trim_start_matches("其中"))
        }
        let mut pieces = vec![
            "其中", "其", "中", "（", "(", "）", "支出", "\u{85}", "\u{1680}", "\u{2000}",
            "\u{2028}", "\u{202f}", "\u{205f}", "\u{200b}", "\u{feff}",
        ];
        pieces.extend(HOSTILE);
        let mut rng = crate::testing::Lcg::new(29);
        for k in 0..40_000 {
            let s = rng.join(&pieces, k % 6);
            assert_eq!(after_qizhong(&s), reference(&s), "{s:?}");
        }
        // Every space's first byte is let through.
        for c in (char::MIN..=char::MAX).filter(|c| c.is_whitespace()) {
            let s = format!("{c}其中");
            assert_eq!(after_qizhong(&s), Some(""), "{c:?}");
        }
    }

    /// `direction_tail` as it was, every suffix tried.
    fn direction_tail_reference(pre: &str) -> Option<&str> {
        let mut t = pre;
        for suffix in AFTER_DIRECTION {
            if let Some(s) = t.strip_suffix(suffix) {
                t = s.trim_end();
            }
        }
        let ends: Vec<char> = DIRECTION_WORDS
            .iter()
            .filter_map(|(w, _)| w.chars().next_back())
            .collect();
        t.chars()
            .next_back()
            .is_some_and(|c| ends.contains(&c))
            .then_some(t)
    }

    const HOSTILE: [&str; 12] = [
        "",
        " ",
        "\u{a0}",
        "\u{3000}",
        "\r\n",
        "\r",
        "\t",
        "１２３",
        "12345678901234567890123456789012345678901234567890",
        "，",
        "。",
        "a",
    ];

    #[test]
    fn direction_tail_reads_as_every_suffix_tried() {
        let mut pieces: Vec<&str> = vec![
            "增长",
            "减少",
            "增加",
            "下降",
            "上升",
            "增",
            "减",
            "新增",
            "净减",
            "幅度为",
            "幅度",
            "率为",
            "率",
            "了",
            "为",
            "达",
            "达到",
            "约",
            "度",
            "到",
            "长",
            "少",
            "支出",
        ];
        pieces.extend(AFTER_DIRECTION);
        pieces.extend(HOSTILE);
        pieces.extend(DIRECTION_WORDS.iter().map(|(w, _)| *w));
        let mut rng = crate::testing::Lcg::new(13);
        for k in 0..40_000 {
            let s = rng.join(&pieces, k % 7);
            assert_eq!(direction_tail(&s), direction_tail_reference(&s), "{s:?}");
        }
    }

    #[test]
    fn first_zhan_is_the_first_zhan_before_each_figure() {
        let mut pieces = vec![
            "占",
            "占比",
            "十",
            "千",
            "南",
            "印",
            "原",
            "\u{a0}\u{a0}",
            "\u{534d}",
            "\u{6360}",
            "\u{5360}\u{5360}",
            "比重",
            "支出",
            "全部",
        ];
        pieces.extend(HOSTILE);
        let mut rng = crate::testing::Lcg::new(17);
        for k in 0..20_000 {
            let s = rng.join(&pieces, k % 11);
            assert_eq!(find_zhan(&s), s.find('占'), "{s:?}");
            // The share test of a percentage, where no 占 begins a denominator.
            let first = s.find('占');
            if first.filter(|&p| !s[p..].starts_with("占比")).is_none() {
                assert_eq!(
                    first.is_some() || s.contains("比重"),
                    s.contains("占比") || s.contains("比重") || s.contains("所占比例"),
                    "{s:?}"
                );
            }
            // Figures at each char boundary in turn, and in a random order.
            let start = s.char_indices().nth(k % 3).map_or(s.len(), |(i, _)| i);
            let ends: Vec<usize> = (start..=s.len())
                .filter(|&i| s.is_char_boundary(i))
                .collect();
            let mut z = FirstZhan::at(start);
            for j in 0..ends.len() {
                let end = if k % 2 == 0 {
                    ends[j]
                } else {
                    ends[(rng.next() >> 33) as usize % ends.len()]
                };
                assert_eq!(
                    z.before(&s, end),
                    s[start..end].find('占').map(|p| start + p),
                    "{s:?} {start} {end}"
                );
            }
        }
    }

    #[test]
    fn no_space_above_u3000() {
        // What `trim_pre`'s look at the two ends relies on.
        assert!(('\u{3001}'..=char::MAX).all(|c| !c.is_whitespace()));
    }

    #[test]
    fn shortcuts_read_as_the_plain_searches() {
        let pieces = [
            "比", "较", "与", "同", "上", "年", "初", "预", "算", "同比", "上年", "年初", "预算",
            "比重", "比例", "情况", "说明", "决算", "的", "为", "重", "例", "支出", " ",
            "\u{3000}", "\t", "\u{a0}", "\u{2003}", "a", "1", "，", "主要", "用于", "以下", "下",
            "如", "用", "于", "\r\n", "\r", "１２", "",
        ];
        let words = ["比", "较", "与", "同比", "上年", "年初", "预算"];
        let mut rng = crate::testing::Lcg::new(5);
        for k in 0..20_000 {
            let s = rng.join(&pieces, k % 8);
            assert_eq!(
                names_comparison(&s),
                words.iter().any(|w| s.contains(w)),
                "{s:?}"
            );
            assert_eq!(
                names_uses(&s),
                ["主要用于", "用于以下", "用于下", "如下"]
                    .iter()
                    .any(|w| s.contains(w)),
                "{s:?}"
            );
            assert_eq!(
                trim_pre(&s),
                s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}'),
                "{s:?}"
            );
            for w in ["比重", "比例", "情况", "说明", "决算", "的", ""] {
                assert_eq!(trim_end_word(&s, w), s.trim_end_matches(w), "{s:?} {w:?}");
            }
        }
    }
}
