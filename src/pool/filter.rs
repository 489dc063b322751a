//! Message filters: jq expressions (the jaq implementation: `jaq-core`,
//! `jaq-std`, `jaq-json`) evaluated against each message's envelope. What
//! passes is documented on [`Filter`]; a cursor applies it after its tags.

use std::sync::Arc;

use std::cell::Cell;

use jaq_core::data::{DataT, HasLut};
use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::native::Fun;
use jaq_core::{Compiler, Ctx, Lut, Vars};
use jaq_json::Val;

use super::{Encoding, MessageRef};
use crate::error::{Error, Result};

type Compiled = jaq_core::Filter<Data>;

/// Evaluation steps one expression may take on one message: a step is a
/// term of the expression evaluated, or a value produced by `range`. Far
/// more than a test of a message takes (`.data.items | any(.p > 9)` over
/// 1,000 items: about 10,000), few enough to stop a loop within a second.
pub const FILTER_MAX_STEPS: u64 = 4_000_000;

/// Stack one evaluation may grow by: deep recursion stops here rather than
/// overflowing the thread's stack (which aborts the process). Enough for
/// `..`, `paths` or `walk` over data nested as deep as a message may be
/// (512 levels), or a recursive definition about 500 calls deep (in a
/// release build; a debug build's frames are larger). A thread
/// that runs filters needs this much stack free: Rust's spawned threads
/// have 2 MiB, a main thread 8 MiB, the server's connection threads 4 MiB.
pub const FILTER_MAX_STACK: usize = 1 << 20;

/// The jaq data of an evaluation: the compiled filter's table, and the
/// budget that every step is charged to.
struct Data;

impl DataT for Data {
    type V<'a> = Val;
    type Data<'a> = Run<'a>;
}

#[derive(Clone)]
struct Run<'a> {
    lut: &'a Lut<Data>,
    budget: &'a Budget,
}

impl<'a> HasLut<'a, Data> for Run<'a> {
    // jaq looks up the table for every term it evaluates: that is where a
    // step is charged.
    fn lut(&self) -> &'a Lut<Data> {
        self.budget.step();
        self.lut
    }
}

/// What an evaluation may still spend.
struct Budget {
    steps: Cell<u64>,
    /// An address in the frame that started the evaluation.
    stack_base: usize,
}

/// Why an evaluation was stopped (the unwind payload that carries it out
/// of jaq's frames to `Expr::matches`).
#[derive(Debug, Clone, Copy)]
enum OverBudget {
    Steps,
    Stack,
}

impl Budget {
    #[inline]
    fn step(&self) {
        let left = self.steps.get();
        let probe = 0u8;
        let depth = self.stack_base.abs_diff(std::ptr::addr_of!(probe) as usize);
        if left == 0 || depth > FILTER_MAX_STACK {
            let why = if left == 0 {
                OverBudget::Steps
            } else {
                OverBudget::Stack
            };
            // Unwinds without the panic hook (nothing is printed); caught
            // in `Expr::matches`. jaq holds no locks and no shared state
            // across a step, so dropping its half-run iterators is sound.
            std::panic::resume_unwind(Box::new(why));
        }
        self.steps.set(left - 1);
    }
}

/// Compiled jq expressions that decide which messages are delivered.
///
/// The expressions run on each message's envelope,
/// `{"seq","time","meta":{"tags"},"data"}`, with the jaq implementation of
/// jq and its standard library. A message passes when every expression
/// does (AND). One expression passes a message when it outputs `true`: its
/// outputs are taken in order, `false` and `null` go on to the next, the
/// first `true` decides; no output, or an evaluation error (such as
/// `.data.name | startswith("a")` on a number), is no match. Any other
/// output is a `Usage` error: an expression such as `.data.kind` is a
/// mistake for a comparison, not a test.
///
/// Each message is parsed once, straight into jaq's value type, and only
/// what the expressions can observe of it is built (an expression that only
/// reads `.data.n` gets an envelope holding just that member).
///
/// An expression is stopped, as a `Usage` error naming it (with the
/// message's seq), when on one message it takes more than [`FILTER_MAX_STEPS`]
/// evaluation steps (an endless loop, `[range(1e12)]`) or recursion grows
/// the stack by more than [`FILTER_MAX_STACK`] (`def f: 1 + f; f`): neither hangs
/// nor crashes the process. What an evaluation allocates is not bounded
/// (`"x" * 1e9` builds a gigabyte).
///
/// Expressions see no environment: `env` is an empty object (a server must
/// not show its environment to its clients), `debug`, `stderr` and `input`
/// print or read nothing, and `halt` is an evaluation error.
///
/// ```
/// use plasmite::{Client, CursorOptions, Durability, Filter};
/// let dir = tempfile::tempdir().unwrap();
/// let pool = Client::new(dir.path()).create_pool("p", 1 << 20).unwrap();
/// for kind in ["build", "deploy", "build"] {
///     let data = format!(r#"{{"kind":"{kind}"}}"#);
///     pool.append_json(data.as_bytes(), &["ci"], Durability::Fast).unwrap();
/// }
/// let filter = Filter::new(&[r#".data.kind == "deploy""#, ".seq > 1"]).unwrap();
/// let mut cursor = pool.cursor(CursorOptions { filter: Some(filter), ..Default::default() }).unwrap();
/// assert_eq!(cursor.try_next().unwrap().unwrap().seq, 2);
/// assert!(cursor.try_next().unwrap().is_none());
///
/// let err = Filter::new(&[".data.kind =="]).unwrap_err();
/// assert_eq!(err.kind(), plasmite::ErrorKind::Usage);
/// ```
#[derive(Clone)]
pub struct Filter {
    exprs: Arc<[Expr]>,
    /// What of the envelope the expressions can observe: only that is built.
    need: Arc<Need>,
}

struct Expr {
    text: String,
    compiled: Compiled,
}

// Cursors holding a filter move between threads.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Filter>();
};

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Filter")
            .field(&self.expressions().collect::<Vec<_>>())
            .finish()
    }
}

impl Filter {
    /// Compiles `exprs`, all of which a message must pass. A syntax error or
    /// an unknown function or variable is a `Usage` error that quotes the
    /// expression and says where in it the problem is.
    pub fn new<S: AsRef<str>>(exprs: &[S]) -> Result<Filter> {
        if exprs.is_empty() {
            return Err(Error::usage("a filter needs at least one expression"));
        }
        let exprs = exprs
            .iter()
            .map(|e| compile(e.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        let mut need = Need::Keys(Vec::new());
        for e in &exprs {
            need.merge(observed(&e.text));
        }
        Ok(Filter {
            exprs: exprs.into(),
            need: Arc::new(need),
        })
    }

    /// The expressions, as given.
    pub fn expressions(&self) -> impl Iterator<Item = &str> {
        self.exprs.iter().map(|e| e.text.as_str())
    }

    /// Whether the message passes every expression. An expression that
    /// outputs something other than a boolean or null is a `Usage` error
    /// (with the message's `seq`).
    pub fn matches(&self, m: &MessageRef<'_>) -> Result<bool> {
        // The envelope of the previous message is refilled in place when the
        // expressions see only members of `data` and jaq has let go of it
        // (its maps are then unique again): no allocation per message for
        // the maps and their keys.
        let id = Arc::as_ptr(&self.need) as usize;
        let input = LAST_ENVELOPE.with(|last| -> Result<Val> {
            let mut last = last.borrow_mut();
            if let Some((owner, env)) = last.as_mut() {
                if *owner == id {
                    if let Some(refilled) = refill(env, m, &self.need) {
                        refilled?;
                        return Ok(env.clone());
                    }
                }
            }
            let env = envelope(m, &self.need)?;
            *last = Some((id, env.clone()));
            Ok(env)
        })?;
        self.matches_value(input, m.seq)
    }

    /// Like [`matches`](Filter::matches), for an envelope given as JSON text
    /// (a message received from a server, say). Text that is not JSON is a
    /// `Usage` error.
    pub fn matches_json(&self, envelope: &[u8]) -> Result<bool> {
        let input = jaq_json::read::parse_single(envelope)
            .map_err(|e| Error::usage(format!("cannot filter a message that is not JSON: {e}")))?;
        self.matches_value(input, 0)
    }

    fn matches_value(&self, input: Val, seq: u64) -> Result<bool> {
        let (last, rest) = self.exprs.split_last().expect("at least one expression");
        for e in rest {
            if !e.matches(input.clone(), seq)? {
                return Ok(false);
            }
        }
        last.matches(input, seq)
    }
}

impl Expr {
    fn matches(&self, input: Val, seq: u64) -> Result<bool> {
        let probe = 0u8;
        let budget = Budget {
            steps: Cell::new(FILTER_MAX_STEPS),
            stack_base: std::ptr::addr_of!(probe) as usize,
        };
        let run = Run {
            lut: &self.compiled.lut,
            budget: &budget,
        };
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.first_verdict(run, input)));
        match outcome {
            Ok(verdict) => verdict.map_err(|e| if seq > 0 { e.with_seq(seq) } else { e }),
            Err(payload) => match payload.downcast_ref::<OverBudget>() {
                Some(why) => {
                    let (what, hint) = match why {
                        OverBudget::Steps => (
                            format!("took more than {FILTER_MAX_STEPS} evaluation steps"),
                            "a filter tests one message; a loop or a huge range never ends in time",
                        ),
                        OverBudget::Stack => (
                            "recursed too deep".to_string(),
                            "a recursive definition needs a base case (and stays shallow)",
                        ),
                    };
                    let e = Error::usage(format!("filter expression `{}` {what} on one message", self.text))
                        .with_hint(hint);
                    Err(if seq > 0 { e.with_seq(seq) } else { e })
                }
                None => std::panic::resume_unwind(payload),
            },
        }
    }

    /// The first decisive output of the expression: `true` passes, `false`
    /// and `null` go on, other values are a `Usage` error.
    fn first_verdict(&self, run: Run<'_>, input: Val) -> Result<bool> {
        let ctx = Ctx::<Data>::new(run, Vars::new([]));
        for out in self.compiled.id.run((ctx, input)) {
            match out {
                Ok(Val::Bool(true)) => return Ok(true),
                Ok(Val::Bool(false) | Val::Null) => {}
                Ok(other) => {
                    let mut shown = other.to_string();
                    if shown.len() > 80 {
                        let mut end = 77;
                        while !shown.is_char_boundary(end) {
                            end -= 1;
                        }
                        shown.truncate(end);
                        shown.push_str("...");
                    }
                    return Err(Error::usage(format!(
                        "filter expression `{}` output {shown}, not true, false or null",
                        self.text
                    ))
                    .with_hint("a filter must output true or false, e.g. `.data.kind == \"deploy\"`"));
                }
                // An evaluation error (a missing field used as a string, a
                // type mismatch, `error(...)`) is no match.
                Err(_) => return Ok(false),
            }
        }
        Ok(false)
    }
}

/// The native functions: jaq's core, standard and JSON ones, with those that
/// reach outside the value (environment, stderr, exit) made inert.
fn funs() -> impl Iterator<Item = Fun<Data>> {
    use jaq_core::box_iter::box_once;
    jaq_core::funs::<Data>()
        .chain(jaq_std::funs::<Data>())
        .chain(jaq_json::funs::<Data>())
        .map(|(name, args, native)| {
            let native = match name {
                "env" => jaq_core::Native::new(|_| box_once(Ok(Val::obj(Default::default())))),
                "debug_empty" | "stderr_empty" => jaq_core::Native::new(|_| Box::new(std::iter::empty())),
                // Charged per value: `[range(1e10)]` evaluates no term per
                // element, so the table lookups alone would not stop it.
                "range" => jaq_core::Native::<Data>::new(range),
                "halt" => jaq_core::Native::new(|_| {
                    box_once(Err(jaq_core::Exn::from(jaq_core::Error::str(
                        "halt is not allowed in a filter",
                    ))))
                }),
                _ => native,
            };
            (name, args, native)
        })
}

/// The `range/3` native (the other arities are defined by it), charged
/// one step per value.
fn range<'a>(mut cv: jaq_core::Cv<'a, Data>) -> jaq_core::ValXs<'a, Val> {
    let by = cv.0.pop_var();
    let to = cv.0.pop_var();
    let from = cv.0.pop_var();
    let budget = cv.0.data().budget;
    Box::new(Range::new(from, to, by).inspect(move |_| budget.step()))
}

/// `range($from; $upto; $by)`: from `$from`, stepping by `$by`, while
/// short of `$upto` (above it when `$by` is negative; never equal to it
/// when `$by` is 0); an error of `+` ends it after being output.
struct Range<'a> {
    next: Option<jaq_core::ValX<'a, Val>>,
    to: Val,
    by: Val,
    dir: std::cmp::Ordering,
}

impl Range<'_> {
    fn new(from: Val, to: Val, by: Val) -> Self {
        let dir = by
            .partial_cmp(&Val::from(0isize))
            .unwrap_or(std::cmp::Ordering::Equal);
        Range {
            next: Some(Ok(from)),
            to,
            by,
            dir,
        }
    }
}

impl<'a> Iterator for Range<'a> {
    type Item = jaq_core::ValX<'a, Val>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self.next.take()? {
            Ok(x) => {
                let more = match self.dir {
                    Greater => x < self.to,
                    Less => x > self.to,
                    Equal => x != self.to,
                };
                if !more {
                    return None;
                }
                self.next = Some((x.clone() + self.by.clone()).map_err(jaq_core::Exn::from));
                Some(Ok(x))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

fn compile(text: &str) -> Result<Expr> {
    let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let file = File { code: text, path: () };
    let modules = loader
        .load(&arena, file)
        .map_err(|errs| compile_error(text, load_problem(text, errs)))?;
    let compiled = Compiler::default()
        .with_funs(funs())
        .compile(modules)
        .map_err(|errs| {
            let problem = errs
                .into_iter()
                .flat_map(|(_, es)| es)
                .next()
                .map(|(name, undef)| {
                    let what = match undef {
                        jaq_core::compile::Undefined::Filter(arity) => format!("filter {name}/{arity}"),
                        other => format!("{} {name}", other.as_str()),
                    };
                    format!("undefined {what}{}", at(text, name))
                })
                .unwrap_or_else(|| "it does not compile".into());
            compile_error(text, problem)
        })?;
    Ok(Expr {
        text: text.to_owned(),
        compiled,
    })
}

fn load_problem(text: &str, errs: load::Errors<&str, ()>) -> String {
    let Some((_, err)) = errs.into_iter().next() else {
        return "it does not parse".into();
    };
    match err {
        load::Error::Io(es) => es
            .into_iter()
            .next()
            .map(|(path, e)| format!("cannot load {path}: {e}"))
            .unwrap_or_default(),
        load::Error::Lex(es) => es
            .into_iter()
            .next()
            .map(|(expect, found)| {
                let what = match expect {
                    load::lex::Expect::Delim(_) => "a closing delimiter",
                    other => other.as_str(),
                };
                format!("expected {what}{}", at(text, found))
            })
            .unwrap_or_default(),
        load::Error::Parse(es) => es
            .into_iter()
            .next()
            .map(|(expect, found)| format!("expected {}{}", expect.as_str(), at(text, found)))
            .unwrap_or_default(),
    }
}

/// ` at byte N` when `part` is a slice of `text`, ` at the end` when it is
/// its empty tail.
fn at(text: &str, part: &str) -> String {
    let start = text.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    if p < start || p > start + text.len() {
        return String::new();
    }
    let offset = p - start;
    if offset == text.len() {
        " at the end".into()
    } else {
        let shown: String = text[offset..].chars().take(20).collect();
        format!(" at byte {offset} ({shown:?})")
    }
}

fn compile_error(text: &str, problem: String) -> Error {
    Error::usage(format!("invalid filter expression `{text}`: {problem}"))
        .with_hint("filters are jq expressions on the envelope {seq, time, meta: {tags}, data}, e.g. `.data.kind == \"deploy\"`")
}

/// The message's envelope as a jaq value, parsing its data once and
/// building only the members `need` says can be observed.
fn envelope(m: &MessageRef<'_>, need: &Need) -> Result<Val> {
    let all = Need::All;
    let wanted = |name: &[u8]| -> Option<&Need> {
        match need {
            Need::All => Some(&all),
            Need::Keys(ms) => ms.iter().find(|k| k.raw == name).map(|k| &k.need),
        }
    };
    let members = match need {
        Need::All => 4,
        Need::Keys(ms) => ms.len(),
    };
    let mut env = jaq_json::Map::with_capacity_and_hasher(members, Default::default());
    if wanted(b"seq").is_some() {
        env.insert(key(b"seq"), Val::Num(jaq_json::Num::from_integral(m.seq)));
    }
    if wanted(b"time").is_some() {
        let mut time = Vec::with_capacity(32);
        super::write_rfc3339(&mut time, m.timestamp_ns);
        env.insert(key(b"time"), Val::utf8_str(time));
    }
    if wanted(b"meta").is_some() {
        let tags = if m.tags_json.is_empty() {
            Val::Arr(Default::default())
        } else {
            parse(m.tags_json, m.seq)?
        };
        let mut meta = jaq_json::Map::default();
        meta.insert(key(b"tags"), tags);
        if let Some(o) = &m.origin {
            // A replicated message's origin, as its envelope shows it.
            let mut text = Vec::with_capacity(100);
            text.extend_from_slice(b"{\"pool\":\"");
            text.extend_from_slice(super::marks::pool_id_hex(&o.pool).as_bytes());
            text.extend_from_slice(format!("\",\"seq\":{},\"time\":\"", o.seq).as_bytes());
            super::write_rfc3339(&mut text, o.timestamp_ns);
            text.extend_from_slice(b"\"}");
            meta.insert(key(b"origin"), parse(&text, m.seq)?);
        }
        env.insert(key(b"meta"), Val::obj(meta));
    }
    if let Some(need) = wanted(b"data") {
        let data = match m.encoding {
            Encoding::Json => build(m.payload, need, m.seq)?,
            Encoding::Lite3 => {
                let mut json = Vec::with_capacity(m.payload.len() * 2);
                m.write_data_json(&mut json)?;
                build(&json, need, m.seq)?
            }
        };
        env.insert(key(b"data"), data);
    }
    Ok(Val::obj(env))
}

thread_local! {
    /// The envelope last built on this thread, and the filter (its `need`)
    /// it was built for.
    static LAST_ENVELOPE: std::cell::RefCell<Option<(usize, Val)>> = const { std::cell::RefCell::new(None) };
}

/// Refills `env`, built by [`envelope`] for the same `need`, with message
/// `m`, in place. Only for the common shape: the expressions see only some
/// members of an object `data` of a JSON message, and `env` is not shared
/// any more. `None` when that does not hold (or when this message's members
/// differ, in order or number, from the previous one's): the caller builds
/// afresh, which is always correct.
fn refill(env: &mut Val, m: &MessageRef<'_>, need: &Need) -> Option<Result<()>> {
    let Need::Keys(top) = need else { return None };
    let [data_member] = top.as_slice() else {
        return None;
    };
    let Need::Keys(members) = &data_member.need else {
        return None;
    };
    if data_member.raw != b"data" || m.encoding != Encoding::Json {
        return None;
    }
    let Val::Obj(env_rc) = env else { return None };
    let (_, data) = std::rc::Rc::get_mut(env_rc)?.get_index_mut(0)?;
    let Val::Obj(data_rc) = data else { return None };
    let data_map = std::rc::Rc::get_mut(data_rc)?;
    let mut found = 0;
    let mut failed = None;
    let scanned = wanted_members(m.payload, members, |member, value| {
        // The previous message had this member at the same place.
        let (k, v) = data_map.get_index_mut(found)?;
        match k {
            Val::TStr(b) if b.as_ref() == member.raw.as_slice() => {}
            _ => return None,
        }
        match build(value, &member.need, m.seq) {
            Ok(value) => *v = value,
            Err(e) => {
                failed = Some(e);
                return None;
            }
        }
        found += 1;
        Some(())
    });
    if let Some(e) = failed {
        return Some(Err(e));
    }
    scanned?;
    (found == data_map.len()).then_some(Ok(()))
}

fn key(k: &'static [u8]) -> Val {
    Val::utf8_str(bytes::Bytes::from_static(k))
}

fn parse(json: &[u8], seq: u64) -> Result<Val> {
    jaq_json::read::parse_single(json)
        .map_err(|e| Error::corrupt(format!("message {seq} is not JSON: {e}")).with_seq(seq))
}

/// Parses `json`, keeping of an object only the members in `need` (and of
/// those, recursively, what their own need says). Whatever is unexpected
/// is parsed whole, which is always correct.
fn build(json: &[u8], need: &Need, seq: u64) -> Result<Val> {
    match need {
        Need::All => Ok(match scalar(json) {
            Some(v) => v,
            None => parse(json, seq)?,
        }),
        Need::Keys(members) => match pruned(json, members, seq) {
            Some(v) => v,
            None => parse(json, seq),
        },
    }
}

/// `true`, `false`, `null` and integers, as jaq's parser makes them (an
/// integer in JSON's plain form is `Num::from_str_radix`), without its
/// lexer; `None` for anything else.
fn scalar(json: &[u8]) -> Option<Val> {
    match json {
        b"true" => Some(Val::Bool(true)),
        b"false" => Some(Val::Bool(false)),
        b"null" => Some(Val::Null),
        _ => {
            let digits = json.strip_prefix(b"-").unwrap_or(json);
            if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let text = std::str::from_utf8(json).ok()?;
            jaq_json::Num::from_str_radix(text, 10).map(Val::Num)
        }
    }
}

/// The object `json` with only `members`; `None` when `json` is not an
/// object in the plain form [`wanted_members`] reads (the caller parses it
/// whole).
fn pruned(json: &[u8], members: &[Member], seq: u64) -> Option<Result<Val>> {
    let mut map = jaq_json::Map::with_capacity_and_hasher(members.len(), Default::default());
    let mut failed = None;
    let scanned = wanted_members(json, members, |member, value| {
        match build(value, &member.need, seq) {
            Ok(v) => {
                map.insert(Val::utf8_str(member.key.clone()), v);
                Some(())
            }
            Err(e) => {
                failed = Some(e);
                None
            }
        }
    });
    if let Some(e) = failed {
        return Some(Err(e));
    }
    scanned?;
    Some(Ok(Val::obj(map)))
}

/// Walks the object `json`, calling `each` with every member in `members`
/// and the bytes of its value, in the order they are written. `None` when
/// `json` is not an object in the plain form this scanner reads (an escaped
/// key, say) or when `each` says stop.
fn wanted_members<'m>(
    json: &[u8],
    members: &'m [Member],
    mut each: impl FnMut(&'m Member, &[u8]) -> Option<()>,
) -> Option<()> {
    let mut i = ws(json, 0);
    if json.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(json, i + 1);
    if json.get(i) == Some(&b'}') {
        return (ws(json, i + 1) == json.len()).then_some(());
    }
    loop {
        if json.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(json, i)?;
        let raw = &json[i + 1..key_end - 1];
        if raw.contains(&b'\\') {
            return None; // an escaped key: let the full parser decode it
        }
        i = ws(json, key_end);
        if json.get(i) != Some(&b':') {
            return None;
        }
        let start = ws(json, i + 1);
        let end = value_end(json, start)?;
        if let Some(member) = members.iter().find(|m| m.raw == raw) {
            each(member, &json[start..end])?;
        }
        i = ws(json, end);
        match json.get(i) {
            Some(b',') => i = ws(json, i + 1),
            Some(b'}') if ws(json, i + 1) == json.len() => return Some(()),
            _ => return None,
        }
    }
}

fn ws(s: &[u8], mut i: usize) -> usize {
    while matches!(s.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The end (exclusive) of the string starting at `s[i] == '"'`.
fn string_end(s: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = s.get(j..)?.iter().position(|&b| b == b'"' || b == b'\\')?;
        if s[j + k] == b'"' {
            return Some(j + k + 1);
        }
        j += k + 2;
    }
}

/// The end (exclusive) of the JSON value starting at `s[i]`.
fn value_end(s: &[u8], i: usize) -> Option<usize> {
    match *s.get(i)? {
        b'"' => string_end(s, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *s.get(j)? {
                    b'"' => {
                        j = string_end(s, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let n = s[i..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(s.len() - i);
            (n > 0).then_some(i + n)
        }
    }
}

/// What part of a value an expression can observe: all of it, or only
/// some members of an object (anything else about it stays unseen).
#[derive(Debug)]
enum Need {
    All,
    Keys(Vec<Member>),
}

#[derive(Debug)]
struct Member {
    /// The key as it is written between quotes in JSON (no escapes).
    raw: Vec<u8>,
    /// The same bytes, shared by the keys built from it.
    key: bytes::Bytes,
    need: Need,
}

impl Need {
    fn merge(&mut self, other: Need) {
        match (&mut *self, other) {
            (Need::All, _) => {}
            (_, Need::All) => *self = Need::All,
            (Need::Keys(mine), Need::Keys(theirs)) => {
                for t in theirs {
                    match mine.iter_mut().find(|m| m.raw == t.raw) {
                        Some(m) => m.need.merge(t.need),
                        None => mine.push(t),
                    }
                }
            }
        }
    }

    /// Records that the value at `path` (member names from here) is
    /// observed whole.
    fn add_path(&mut self, path: &[&str]) {
        let Need::Keys(members) = self else { return };
        let Some((first, rest)) = path.split_first() else {
            *self = Need::All;
            return;
        };
        let m = match members.iter().position(|m| m.raw == first.as_bytes()) {
            Some(p) => &mut members[p],
            None => {
                members.push(Member {
                    raw: first.as_bytes().to_vec(),
                    key: bytes::Bytes::copy_from_slice(first.as_bytes()),
                    need: Need::Keys(Vec::new()),
                });
                members.last_mut().expect("just pushed")
            }
        };
        m.need.add_path(rest);
    }
}

/// What of its input (the envelope) the expression `text` can observe.
/// Conservative: whatever this analysis does not understand observes all.
fn observed(text: &str) -> Need {
    let Some(term) = load::parse(text, |p| p.term()) else {
        return Need::All;
    };
    let mut need = Need::Keys(Vec::new());
    if visit(&term, &mut need) {
        need
    } else {
        Need::All
    }
}

/// Adds to `need` what `t`, run on the tracked input, observes of it or
/// passes on in its outputs. False when `t` does something this analysis
/// does not follow.
fn visit(t: &load::parse::Term<&str>, need: &mut Need) -> bool {
    use jaq_core::load::lex::StrPart;
    use jaq_core::load::parse::{BinaryOp, Pattern, Term};
    use jaq_core::path::Part;
    let parts_ok = |parts: &Vec<StrPart<&str, Term<&str>>>, need: &mut Need| {
        parts.iter().all(|p| match p {
            StrPart::Term(t) => visit(t, need),
            _ => true,
        })
    };
    match t {
        Term::Id | Term::Recurse => false,
        Term::Num(_) | Term::Var(_) => true,
        Term::Str(None, parts) => parts_ok(parts, need),
        // `@fmt` alone formats the input itself.
        Term::Str(Some(_), parts) => !parts.is_empty() && parts_ok(parts, need),
        Term::Arr(None) => true,
        Term::Arr(Some(t)) | Term::Neg(t) => visit(t, need),
        Term::Obj(pairs) => pairs
            .iter()
            .all(|(k, v)| v.as_ref().is_some_and(|v| visit(k, need) && visit(v, need))),
        Term::BinOp(l, op, r) => match op {
            // `r` reads what `l` outputs, which `visit(l)` keeps whole.
            BinaryOp::Pipe(None) => visit(l, need),
            // `l as $x | r`: `r` reads the input again.
            BinaryOp::Pipe(Some(Pattern::Var(_))) => visit(l, need) && visit(r, need),
            BinaryOp::Comma
            | BinaryOp::Alt
            | BinaryOp::Or
            | BinaryOp::And
            | BinaryOp::Math(_)
            | BinaryOp::Cmp(_) => visit(l, need) && visit(r, need),
            _ => false,
        },
        Term::TryCatch(t, _) => visit(t, need),
        Term::IfThenElse(branches, otherwise) => {
            branches.iter().all(|(c, b)| visit(c, need) && visit(b, need))
                && otherwise.as_ref().is_none_or(|o| visit(o, need))
        }
        // Filters that do not read their input.
        Term::Call(name, args) => match (*name, args.as_slice()) {
            ("true" | "false" | "null" | "empty" | "now", []) => true,
            ("error", [msg]) => visit(msg, need),
            _ => false,
        },
        Term::Path(head, path) => {
            // Index terms and range bounds are run on the input too.
            let indices_ok = path.0.iter().all(|(part, _)| match part {
                Part::Index(i) => visit(i, need),
                Part::Range(a, b) => {
                    a.as_ref().is_none_or(|a| visit(a, need)) && b.as_ref().is_none_or(|b| visit(b, need))
                }
            });
            if !indices_ok {
                return false;
            }
            if !matches!(**head, Term::Id) {
                return visit(head, need);
            }
            // `.a.b[..]...`: the leading literal member names are the path
            // observed; the value there is observed whole.
            let names: Vec<&str> = path
                .0
                .iter()
                .map_while(|(part, _)| match part {
                    Part::Index(Term::Str(None, parts)) => match parts.as_slice() {
                        [StrPart::Str(name)] => Some(*name),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            if names.is_empty() {
                return false;
            }
            need.add_path(&names);
            true
        }
        Term::Label(..) | Term::Break(_) | Term::Fold(..) | Term::Def(..) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_what_jaqs_parser_makes() {
        for text in [
            "0",
            "-0",
            "7",
            "-42",
            "123456789012345678",
            "-123456789012345678",
            "true",
            "false",
            "null",
        ] {
            let fast = scalar(text.as_bytes()).unwrap_or_else(|| panic!("{text}: no fast path"));
            let slow = parse(text.as_bytes(), 1).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text}");
        }
        // Everything else goes to the parser.
        for text in [
            "1.5",
            "1e3",
            "-",
            "",
            "1234567890123456789",
            "\"s\"",
            "[1]",
            "tru",
            "01x",
        ] {
            assert!(scalar(text.as_bytes()).is_none(), "{text}");
        }
    }
}
