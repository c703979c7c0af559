//! The message catalog: every text a person reads, in Russian and English, in Project Fluent
//! files (`locales/ru/*.ftl`, `locales/en/*.ftl`) compiled into the binary.
//!
//! The domain never writes prose. It returns a [`Text`]: a message id with typed arguments. The
//! web, the API and the CLI render it in the reader's [`Lang`] with [`render`]. Fluent picks the
//! Russian plural forms (`one`/`few`/`many`) from the number it is given; money and dates arrive
//! already formatted by the edge that knows the company's conventions.
//! How to add a text: `docs/catalog.md`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{OnceLock, RwLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

mod lang;
pub use lang::Lang;

/// The catalog's files, one list per language; both lists hold the same files.
const RU: &[&str] = &[
    include_str!("../locales/ru/terms.ftl"),
    include_str!("../locales/ru/errors.ftl"),
    include_str!("../locales/ru/pay.ftl"),
    include_str!("../locales/ru/pages.ftl"),
];
const EN: &[&str] = &[
    include_str!("../locales/en/terms.ftl"),
    include_str!("../locales/en/errors.ftl"),
    include_str!("../locales/en/pay.ftl"),
    include_str!("../locales/en/pages.ftl"),
];

/// A text to be rendered: a message id and its arguments. This is what the domain returns
/// instead of a sentence, and what a frozen statement keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Text {
    /// The message id in the catalog (`err-inn-check-digit`, `pay-capped`).
    pub id: String,
    /// Named arguments.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub args: BTreeMap<String, Arg>,
}

/// One argument of a [`Text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    /// Shown as it is: a name, an ИНН, a number already formatted.
    Str(String),
    /// A whole number: shown as it is, and it chooses the plural form.
    Num(i64),
    /// A value of one of the catalog's lists: rendered as `{kind}-{code}` (a metric, a status,
    /// a stage), or as the code itself when the catalog does not know it.
    Term { kind: String, code: String },
    /// A text inside a text (a formula that wraps another).
    Text(Box<Text>),
    /// Texts shown one after another with a separator (`, ` or `; `).
    List { items: Vec<Text>, sep: String },
}

impl Text {
    pub fn new(id: impl Into<String>) -> Text {
        Text {
            id: id.into(),
            args: BTreeMap::new(),
        }
    }
    /// Adds a shown-as-is argument.
    pub fn arg(mut self, key: &str, value: impl Into<String>) -> Text {
        self.args.insert(key.into(), Arg::Str(value.into()));
        self
    }
    /// Adds a number (plural forms follow it).
    pub fn num(mut self, key: &str, n: i64) -> Text {
        self.args.insert(key.into(), Arg::Num(n));
        self
    }
    /// Adds a value of a catalog list (`metric`, `status`, `stage`, …).
    pub fn term(mut self, key: &str, kind: &str, code: &str) -> Text {
        self.args.insert(
            key.into(),
            Arg::Term {
                kind: kind.into(),
                code: code.into(),
            },
        );
        self
    }
    /// Adds a nested text.
    pub fn text(mut self, key: &str, t: Text) -> Text {
        self.args.insert(key.into(), Arg::Text(Box::new(t)));
        self
    }
    /// Adds a list of texts shown with a separator.
    pub fn list(mut self, key: &str, items: Vec<Text>, sep: &str) -> Text {
        self.args.insert(
            key.into(),
            Arg::List {
                items,
                sep: sep.into(),
            },
        );
        self
    }
    /// This text in a language.
    pub fn render(&self, lang: Lang) -> String {
        render(lang, self)
    }
}

/// An English sentence that is not in the catalog yet (some of the web crate's own refusals):
/// shown as it is in every language, under an id a test can look for.
impl From<String> for Text {
    fn from(message: String) -> Text {
        Text::new("err-untranslated").arg("message", message)
    }
}

impl From<&str> for Text {
    fn from(message: &str) -> Text {
        Text::from(message.to_string())
    }
}

struct Bundles {
    ru: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: unic_langid::LanguageIdentifier, files: &[&str]) -> FluentBundle<FluentResource> {
    let mut b = FluentBundle::new_concurrent(vec![lang]);
    // Pages are HTML and cells are CSV: no invisible direction marks around arguments.
    b.set_use_isolating(false);
    for f in files {
        // The files are part of the binary and a test parses them; a broken one is a build bug.
        let res = match FluentResource::try_new((*f).to_string()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        let _ = b.add_resource(res);
    }
    b
}

fn bundles() -> &'static Bundles {
    static B: OnceLock<Bundles> = OnceLock::new();
    B.get_or_init(|| Bundles {
        ru: bundle(unic_langid::langid!("ru"), RU),
        en: bundle(unic_langid::langid!("en"), EN),
    })
}

fn of(lang: Lang) -> &'static FluentBundle<FluentResource> {
    match lang {
        Lang::Ru => &bundles().ru,
        Lang::En => &bundles().en,
    }
}

/// Whether the catalog has this message in this language.
pub fn has(lang: Lang, id: &str) -> bool {
    of(lang).has_message(id)
}

fn format(lang: Lang, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let b = of(lang);
    let pattern = b.get_message(id)?.value()?;
    let mut errors = Vec::new();
    Some(b.format_pattern(pattern, args, &mut errors).into_owned())
}

fn value(lang: Lang, a: &Arg) -> FluentValue<'static> {
    match a {
        Arg::Str(s) => FluentValue::from(s.clone()),
        Arg::Num(n) => FluentValue::from(*n),
        Arg::Term { kind, code } => FluentValue::from(term(lang, kind, code)),
        Arg::Text(t) => FluentValue::from(render(lang, t)),
        Arg::List { items, sep } => FluentValue::from(
            items
                .iter()
                .map(|t| render(lang, t))
                .collect::<Vec<_>>()
                .join(sep),
        ),
    }
}

/// A text in a language. A message missing in the language falls back to English, then to the
/// id itself (a test checks that both languages hold the same ids).
pub fn render(lang: Lang, t: &Text) -> String {
    let args = (!t.args.is_empty()).then(|| {
        let mut a = FluentArgs::new();
        for (k, v) in &t.args {
            a.set(k.clone(), value(lang, v));
        }
        a
    });
    format(lang, &t.id, args.as_ref())
        .or_else(|| format(Lang::En, &t.id, args.as_ref()))
        .unwrap_or_else(|| t.id.clone())
}

/// The name of a list value: `term(Ru, "outcome", "dm_interested")` is «ЛПР заинтересован».
/// A value the catalog does not know (a source a company added itself) is shown as it is.
pub fn term(lang: Lang, kind: &str, code: &str) -> String {
    // A metric with an argument: `attainment(x)` is the plan attainment of x;
    // `qualified_new_clients(min=…)` keeps its argument as written.
    if kind == "metric"
        && let Some((head, rest)) = code.split_once(['(', '{'])
    {
        let inner = rest.strip_suffix([')', '}']).unwrap_or(rest);
        if head == "attainment" {
            let m = term(lang, "metric", inner);
            return render(lang, &Text::new("metric-attainment-of").arg("metric", m));
        }
        // `key=value` parameters, each in words (`within_days=90` is "за 90 дн.").
        let params: Vec<String> = inner
            .split(',')
            .map(|p| match p.split_once('=') {
                Some((k, v)) => format(
                    lang,
                    &format!("metric-param-{}", k.trim()),
                    Some(&one("v", v.trim())),
                )
                .unwrap_or_else(|| p.to_string()),
                None => p.to_string(),
            })
            .collect();
        return format!("{} ({})", term(lang, kind, head), params.join(", "));
    }
    let id = format!("{kind}-{code}");
    format(lang, &id, None).unwrap_or_else(|| code.to_string())
}

fn one(key: &str, v: &str) -> FluentArgs<'static> {
    let mut a = FluentArgs::new();
    a.set(key.to_string(), FluentValue::from(v.to_string()));
    a
}

/// A message without arguments, for page labels: rendered once per language and kept.
pub fn t(lang: Lang, id: &'static str) -> &'static str {
    static CACHE: OnceLock<RwLock<HashMap<(Lang, &'static str), &'static str>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| RwLock::new(HashMap::new()));
    if let Ok(m) = cache.read()
        && let Some(s) = m.get(&(lang, id))
    {
        return s;
    }
    let text: &'static str = Box::leak(render(lang, &Text::new(id)).into_boxed_str());
    if let Ok(mut m) = cache.write() {
        m.insert((lang, id), text);
    }
    text
}

/// Every message id in one language, for the tests that keep the two languages in step.
pub fn ids(lang: Lang) -> Vec<String> {
    let files = match lang {
        Lang::Ru => RU,
        Lang::En => EN,
    };
    let mut out = Vec::new();
    for f in files {
        let res = match FluentResource::try_new((*f).to_string()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        for e in res.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = e {
                out.push(m.id.name.to_string());
            }
        }
    }
    out
}

/// Parse errors of every catalog file (empty when the catalog is sound).
pub fn problems() -> Vec<String> {
    let mut out = Vec::new();
    for (lang, files) in [("ru", RU), ("en", EN)] {
        for (i, f) in files.iter().enumerate() {
            if let Err((_, errs)) = FluentResource::try_new((*f).to_string()) {
                for e in errs {
                    out.push(format!("{lang} file {i}: {e:?}"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
