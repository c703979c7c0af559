//! Formula components of compensation plans: small, safe expressions with
//! exact decimal arithmetic.
//!
//! This crate is the only place that knows about [rhai]; callers see
//! [`Formula`], [`FormulaError`] and [`rust_decimal::Decimal`] only.
//!
//! # The language
//!
//! A formula is **one expression**. It cannot loop, do I/O or run for long,
//! and every error points to a 1-based line and column inside the formula.
//!
//! * **Numbers** are exact decimals (money, never floats): `0.1 + 0.2` is
//!   exactly `0.3`. Whole numbers and decimals mix freely: `2 * 0.5`,
//!   `base * 3`, `100000 * 0.07`. Results of division keep at most 28
//!   decimal places (`1 / 3` is `0.3333333333333333333333333333`).
//! * **Names** such as `base` or `new_client_collections` read a value
//!   supplied by the caller. Names that are not identifiers (they contain
//!   `(`, `{`, `=`, …) are written `m("attainment(new_client_collections)")`.
//! * **Operators**: `+ - * /`, comparisons `== != < <= > >=`, and on
//!   true/false values `&&`, `||`, `!`; parentheses group.
//! * **Conditions** are expressions and need an `else`:
//!   `if attainment >= 1 { base * 0.1 } else { 0 }`, also `else if`.
//! * **Functions**: `min(a, b)`, `max(a, b)`, `abs(x)`,
//!   `round(x, dp)` (half away from zero: `round(2.675, 2)` is `2.68`),
//!   `clamp(x, lo, hi)`, and `m("full metric name")`.
//!
//! Not allowed: loops, `let`/`const`, function definitions, text other than
//! the name given to `m("...")`, lists, maps, properties, `%`, `**`, and any
//! function not listed above (so no `print`, `eval` or I/O). Division by zero
//! and overflow are errors, never panics. The result must be a number.
//!
//! ```
//! use std::collections::BTreeMap;
//! use rust_decimal::Decimal;
//! use baton_formula::Formula;
//!
//! let f = Formula::compile(
//!     r#"if m("attainment(new_client_collections)") >= 1
//!        { round(new_client_collections * 0.07, 2) } else { 0 }"#,
//! )?;
//! assert_eq!(
//!     f.references().iter().collect::<Vec<_>>(),
//!     ["attainment(new_client_collections)", "new_client_collections"],
//! );
//!
//! let values = BTreeMap::from([
//!     ("attainment(new_client_collections)".to_string(), Decimal::new(12, 1)),
//!     ("new_client_collections".to_string(), Decimal::new(100_000, 0)),
//! ]);
//! assert_eq!(f.eval(&values)?, Decimal::new(7000, 0));
//!
//! let err = Formula::compile("base *\n  foo(2)").unwrap_err();
//! assert_eq!((err.line, err.column), (2, 3));
//! assert_eq!(err.message, "unknown function «foo»: use min, max, abs, round, clamp, m");
//! # Ok::<(), baton_formula::FormulaError>(())
//! ```
//!
//! # Limits
//!
//! A formula has at most [`MAX_SOURCE_CHARS`] characters and at most
//! [`MAX_DEPTH`] levels of nesting: about 30 parentheses or calls inside one
//! another, or about 60 operators in a row (`a + b + c + …`); `if`s count
//! too. Longer or deeper formulas are refused with a clear error, never a
//! crash, and should be split into components. Evaluation is stopped after
//! [`MAX_OPERATIONS`] operations. Without loops or user-defined functions the
//! first two limits already bound the running time; the operation budget is
//! a second line of defence.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, LazyLock, Mutex};

use rhai::{
    AST, ASTNode, Dynamic, Engine, EvalAltResult, Expr, ImmutableString, LexError,
    OptimizationLevel, ParseErrorType, Position, Scope, Stmt,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// Longest accepted formula, in characters.
pub const MAX_SOURCE_CHARS: usize = 4_000;
/// Deepest accepted nesting, in rhai's parser levels (a pair of parentheses
/// takes two, each operator of a chain like `a + b + c` one). rhai's parser,
/// evaluator and AST drop are recursive, so this is what protects the stack;
/// formulas at this limit run on a 2 MiB thread stack in debug builds
/// (checked by the tests). It is rhai's own default for release builds.
pub const MAX_DEPTH: usize = 64;
/// Operation budget of one evaluation. rhai counts about one operation per
/// AST node, and every node takes at least one character, so a formula within
/// [`MAX_SOURCE_CHARS`] needs at most about 4 000: the budget leaves a margin
/// and still caps one evaluation at well under a millisecond.
pub const MAX_OPERATIONS: u64 = 10_000;

/// The functions a formula may call, with their arity and how to call them.
const FUNCTIONS: &[(&str, usize, &str)] = &[
    ("min", 2, "min(a, b)"),
    ("max", 2, "max(a, b)"),
    ("abs", 1, "abs(x)"),
    ("round", 2, "round(x, dp)"),
    ("clamp", 3, "clamp(x, lo, hi)"),
    ("m", 1, "m(\"metric name\")"),
];
const FUNCTION_LIST: &str = "min, max, abs, round, clamp, m";
/// rhai's built-in functions that its tokenizer reports as reserved words.
const KEYWORD_FUNCTIONS: &[&str] = &[
    "print",
    "debug",
    "eval",
    "type_of",
    "Fn",
    "call",
    "curry",
    "is_shared",
    "is_def_var",
    "is_def_fn",
];
/// Operators the evaluator implements (unary and binary).
const OPERATORS: &[&str] = &["+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "!"];

/// An error in a formula, at a 1-based line and column of its source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct FormulaError {
    /// 1-based line inside the formula.
    pub line: usize,
    /// 1-based column (in characters) inside that line.
    pub column: usize,
    /// What is wrong, and where possible what to write instead.
    pub message: String,
}

impl FormulaError {
    fn new(pos: Position, message: impl Into<String>) -> Self {
        FormulaError {
            line: pos.line().unwrap_or(1),
            // rhai reports "no column" for the start of a line.
            column: pos.position().unwrap_or(1),
            message: message.into(),
        }
    }
}

/// A compiled formula. Cheap to clone (the compiled form is shared), `Send + Sync`.
///
/// Two formulas are equal when their sources are equal.
#[derive(Clone)]
pub struct Formula {
    inner: Arc<Inner>,
}

struct Inner {
    source: String,
    ast: AST,
    references: BTreeSet<String>,
    /// Each referenced name with the position of its first use, in source
    /// order, so a missing value can be reported where it is first read.
    variables: Vec<(ImmutableString, Position)>,
}

impl fmt::Debug for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Formula")
            .field("source", &self.inner.source)
            .field("references", &self.inner.references)
            .finish()
    }
}

impl PartialEq for Formula {
    fn eq(&self, other: &Self) -> bool {
        self.inner.source == other.inner.source
    }
}

impl Eq for Formula {}

impl Formula {
    /// Compiles an expression. Errors carry 1-based line/column inside `src`
    /// and a message that says what to write instead.
    pub fn compile(src: &str) -> Result<Formula, FormulaError> {
        // Checked before rhai sees the text, so a huge input costs nothing.
        if let Some((offset, _)) = src.char_indices().nth(MAX_SOURCE_CHARS) {
            return Err(error_at_offset(
                src,
                offset,
                format!(
                    "formula is too long: at most {MAX_SOURCE_CHARS} characters are allowed; \
                     split it into several components"
                ),
            ));
        }
        if src.trim().is_empty() {
            return Err(FormulaError::new(
                Position::new(1, 1),
                "the formula is empty: write an expression such as `base * 0.05`",
            ));
        }

        let (engine, lexer) = compile_engine();
        let ast = engine.compile_expression(src).map_err(|e| {
            let parse = parse_error(*e.0, e.1);
            // A token refused by `map_token` usually surfaces from rhai as a
            // generic "unexpected …"; report our message, at the refused
            // token, unless rhai stopped earlier for another reason.
            let rejected = lexer.lock().map(|l| l.rejected.clone()).unwrap_or_default();
            match rejected {
                Some(r) if (r.line, r.column) <= (parse.line, parse.column) => r,
                _ => parse,
            }
        })?;
        if ast.statements().is_empty() {
            return Err(FormulaError::new(
                Position::new(1, 1),
                "the formula is empty: write an expression such as `base * 0.05`",
            ));
        }
        let variables = check_ast(&ast)?;
        let references = variables.iter().map(|(name, _)| name.to_string()).collect();
        Ok(Formula {
            inner: Arc::new(Inner {
                source: src.to_owned(),
                ast,
                references,
                variables,
            }),
        })
    }

    /// Every name the formula reads, in sorted order: bare identifiers
    /// (`new_client_collections`, `base`) and the full names given to
    /// `m("...")` (`m("attainment(x)")` → `attainment(x)`), including names
    /// in branches that a given evaluation may not take.
    pub fn references(&self) -> &BTreeSet<String> {
        &self.inner.references
    }

    /// Evaluates with the given values. Every name in [`references`](Self::references)
    /// must have a value (a missing one is an error naming it); extra values
    /// are ignored. The result must be a number.
    pub fn eval(&self, values: &BTreeMap<String, Decimal>) -> Result<Decimal, FormulaError> {
        self.eval_with(&EVAL_ENGINE, MAX_OPERATIONS, values)
    }

    /// The text the formula was compiled from.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    fn eval_with(
        &self,
        engine: &Engine,
        max_operations: u64,
        values: &BTreeMap<String, Decimal>,
    ) -> Result<Decimal, FormulaError> {
        // All values are checked up front (not lazily by rhai) so that a
        // missing value is reported whichever branch this evaluation takes.
        let mut scope = Scope::with_capacity(self.inner.variables.len());
        for (name, pos) in &self.inner.variables {
            let Some(value) = values.get(name.as_str()) else {
                return Err(FormulaError::new(
                    *pos,
                    format!("unknown name «{name}»: no value was supplied for it"),
                ));
            };
            scope.push_constant_dynamic(name.clone(), Dynamic::from_decimal(*value));
        }
        let result = engine
            .eval_ast_with_scope::<Dynamic>(&mut scope, &self.inner.ast)
            .map_err(|e| eval_error(&e, max_operations))?;
        if let Ok(d) = result.as_decimal() {
            return Ok(d);
        }
        let message = if result.is_bool() {
            "the formula gives true/false, not a number: \
             write `if condition { amount } else { 0 }` to turn a condition into an amount"
                .to_owned()
        } else {
            format!(
                "the formula must give a number, not {}",
                type_name(result.type_name())
            )
        };
        Err(FormulaError::new(Position::new(1, 1), message))
    }
}

/// The engine that evaluates compiled formulas. Raw (no standard packages):
/// the only callable functions are the ones registered here plus rhai's
/// built-in operators, which is what keeps I/O and the rest of rhai out.
static EVAL_ENGINE: LazyLock<Engine> = LazyLock::new(|| eval_engine(MAX_OPERATIONS));

fn eval_engine(max_operations: u64) -> Engine {
    let mut engine = Engine::new_raw();
    engine
        .set_max_operations(max_operations)
        .set_max_expr_depths(MAX_DEPTH, MAX_DEPTH)
        .set_max_call_levels(8)
        .set_max_string_size(MAX_SOURCE_CHARS);
    engine
        .register_fn("-", |x: Decimal| -x)
        .register_fn("+", |x: Decimal| x)
        .register_fn("!", |x: bool| !x)
        .register_fn("min", |a: Decimal, b: Decimal| a.min(b))
        .register_fn("max", |a: Decimal, b: Decimal| a.max(b))
        .register_fn("abs", |x: Decimal| x.abs())
        .register_fn("round", round)
        .register_fn("clamp", clamp)
        // `m("name")` is parsed as `m(<variable named "name">)`: see `map_token`.
        .register_fn("m", |x: Decimal| x);
    engine
}

fn round(x: Decimal, dp: Decimal) -> Result<Decimal, Box<EvalAltResult>> {
    // `2` and `2.0` are the same number of places; normalize drops the scale.
    let places = Some(dp.normalize())
        .filter(|n| n.scale() == 0 && !n.is_sign_negative())
        .and_then(|n| n.to_u32())
        .filter(|p| *p <= 28);
    let Some(places) = places else {
        return Err(runtime_error(format!(
            "round(x, dp): dp must be a whole number from 0 to 28, not {dp}"
        )));
    };
    Ok(x.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
}

fn clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Result<Decimal, Box<EvalAltResult>> {
    // Decimal::clamp panics when lo > hi.
    if lo > hi {
        return Err(runtime_error(format!(
            "clamp(x, lo, hi): lo ({lo}) is greater than hi ({hi})"
        )));
    }
    Ok(x.clamp(lo, hi))
}

fn runtime_error(message: String) -> Box<EvalAltResult> {
    // rhai fills in the position of the call.
    EvalAltResult::ErrorRuntime(message.into(), Position::NONE).into()
}

/// A fresh engine per compilation, because the token mapper keeps per-parse
/// state (it has to see `m`, `(` before it can accept the string after them).
/// Compiling is rare (plan load), so this costs nothing that matters.
fn compile_engine() -> (Engine, Arc<Mutex<Lexer>>) {
    let mut engine = Engine::new_raw();
    engine
        // Keep the AST exactly as written: `references()` must list names in
        // dead branches too, and positions must match the source.
        .set_optimization_level(OptimizationLevel::None)
        .set_max_expr_depths(MAX_DEPTH, MAX_DEPTH)
        .set_max_string_size(MAX_SOURCE_CHARS)
        .set_allow_looping(false)
        .set_allow_loop_expressions(false)
        .set_allow_statement_expression(false)
        .set_allow_switch_expression(false)
        .set_allow_anonymous_fn(false)
        .set_allow_if_expression(true);
    let lexer = Arc::new(Mutex::new(Lexer {
        m: MState::Normal,
        rejected: None,
    }));
    let shared = Arc::clone(&lexer);
    // `on_parse_token` needs rhai's `internals` feature (and is flagged
    // "volatile"). It is what lets us rewrite tokens before parsing:
    // integers become decimals and `m("name")` becomes `m(name)`.
    #[allow(deprecated)]
    engine.on_parse_token(move |token, pos, _tokenizer| {
        let mut lexer = shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let was_error = matches!(token, rhai::Token::LexError(_));
        let mapped = map_token(&mut lexer.m, token);
        if let rhai::Token::LexError(ref e) = mapped
            && !was_error
            && lexer.rejected.is_none()
        {
            lexer.rejected = Some(FormulaError::new(pos, e.to_string()));
        }
        mapped
    });
    (engine, lexer)
}

/// Per-parse state of the token mapper.
struct Lexer {
    m: MState,
    /// The first token refused by `map_token`, with its position.
    rejected: Option<FormulaError>,
}

/// Where the token mapper is inside an `m("...")` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MState {
    Normal,
    /// Just saw the identifier `m`.
    AfterM,
    /// Saw `m(`: a quoted name must follow.
    AfterMParen,
    /// Saw `m("name"`: `)` must follow.
    AfterMName,
}

/// Rewrites or rejects one token before rhai's parser sees it.
///
/// * Integer literals become decimals, so every number in a formula is a
///   `Decimal` and operators/functions never meet a mix of INT and Decimal
///   (rhai's built-in operators would mix them, registered functions would not).
/// * The string in `m("name")` becomes an identifier token, so the parser
///   makes it an ordinary variable read named `name` (rhai's scope accepts any
///   string as a name). `m` itself is the identity function. Thus names that
///   are not identifiers are read, listed and checked exactly like `base`.
/// * Every other token is on an allow-list; the rest is rejected here, with
///   its position and a message that says what to write instead.
fn map_token(state: &mut MState, token: rhai::Token) -> rhai::Token {
    use rhai::Token as T;

    let previous = std::mem::replace(state, MState::Normal);
    match previous {
        MState::AfterMParen => {
            return match token {
                T::StringConstant(name) if !name.trim().is_empty() => {
                    *state = MState::AfterMName;
                    T::Identifier(name)
                }
                T::StringConstant(_) => reject("m(\"...\") needs a metric name between the quotes"),
                T::LexError(_) => token,
                _ => reject(
                    "m(...) takes a metric name in double quotes, \
                     e.g. m(\"attainment(new_client_collections)\")",
                ),
            };
        }
        MState::AfterMName => {
            return match token {
                T::RightParen | T::LexError(_) => token,
                _ => reject("m(\"...\") takes exactly one metric name: close it with «)»"),
            };
        }
        MState::AfterM if token == T::LeftParen => {
            *state = MState::AfterMParen;
            return token;
        }
        MState::AfterM | MState::Normal => {}
    }

    match token {
        T::Identifier(ref name) if name.as_str() == "m" => {
            *state = MState::AfterM;
            token
        }
        T::IntegerConstant(n) => {
            T::DecimalConstant(Box::new((Decimal::from(n), n.to_string().into())))
        }
        T::DecimalConstant(_)
        | T::Identifier(_)
        | T::True
        | T::False
        | T::LeftParen
        | T::RightParen
        | T::LeftBrace
        | T::RightBrace
        | T::Comma
        | T::Plus
        | T::UnaryPlus
        | T::Minus
        | T::UnaryMinus
        | T::Multiply
        | T::Divide
        | T::EqualsTo
        | T::NotEqualsTo
        | T::LessThan
        | T::LessThanEqualsTo
        | T::GreaterThan
        | T::GreaterThanEqualsTo
        | T::Bang
        | T::And
        | T::Or
        | T::If
        | T::Else
        | T::Comment(_)
        | T::LexError(_)
        | T::EOF => token,
        T::While | T::Loop | T::For | T::Do | T::Until | T::Break | T::Continue => {
            reject("loops are not allowed in a formula: write a single expression")
        }
        T::Let | T::Const => reject(
            "variables («let», «const») are not allowed in a formula: \
             write the expression itself, e.g. `base * 0.05`",
        ),
        T::Fn | T::Private => reject("function definitions are not allowed in a formula"),
        T::SemiColon => reject("a formula is a single expression: remove «;»"),
        T::Equals => reject("assignment («=») is not allowed in a formula: use «==» to compare"),
        T::PlusAssign
        | T::MinusAssign
        | T::MultiplyAssign
        | T::DivideAssign
        | T::ModuloAssign
        | T::PowerOfAssign
        | T::LeftShiftAssign
        | T::RightShiftAssign
        | T::AndAssign
        | T::OrAssign
        | T::XOrAssign => reject("assignments are not allowed in a formula"),
        T::StringConstant(_) | T::InterpolatedString(_) | T::CharConstant(_) => reject(
            "text is only allowed as the metric name in m(\"...\"); \
             names that are identifiers are written without quotes",
        ),
        T::Period => reject(
            "«.» is not allowed here: properties and methods are not supported \
             (write decimals as 0.5, not .5)",
        ),
        T::LeftBracket | T::RightBracket => {
            reject("lists and indexing («[ ]») are not allowed in a formula")
        }
        T::MapStart => reject("maps («#{ }») are not allowed in a formula"),
        T::Pipe => reject("«|» is not allowed: use «||» for «or»"),
        T::Ampersand => reject("«&» is not allowed: use «&&» for «and»"),
        T::Modulo | T::PowerOf | T::LeftShift | T::RightShift | T::XOr => reject(format!(
            "operator «{}» is not supported: use + - * / and {FUNCTION_LIST}",
            token.literal_syntax()
        )),
        T::Unit => reject("empty parentheses «()» are not allowed in a formula"),
        T::Reserved(ref word) if KEYWORD_FUNCTIONS.contains(&word.as_str()) => {
            reject(format!("unknown function «{word}»: use {FUNCTION_LIST}"))
        }
        T::Reserved(ref word) if word.chars().all(|c| c.is_alphanumeric() || c == '_') => reject(
            format!("«{word}» is a reserved word and cannot be used in a formula"),
        ),
        T::Reserved(ref symbol) => reject(format!("«{symbol}» is not allowed in a formula")),
        _ => reject(format!(
            "«{}» is not allowed in a formula",
            token.literal_syntax()
        )),
    }
}

fn reject(message: impl Into<String>) -> rhai::Token {
    rhai::Token::LexError(Box::new(LexError::Runtime(message.into())))
}

/// Checks the parsed formula against an allow-list of node kinds and the
/// known functions, and collects the variables it reads.
///
/// The AST walk needs rhai's `internals` feature. It is used rather than
/// strict-variable compilation or a variable resolver because it is the only
/// way to see every read, including those in branches an evaluation skips,
/// with their positions.
fn check_ast(ast: &AST) -> Result<Vec<(ImmutableString, Position)>, FormulaError> {
    let mut variables: Vec<(ImmutableString, Position)> = Vec::new();
    let mut error: Option<FormulaError> = None;
    ast.walk(&mut |path: &[ASTNode]| {
        let Some(node) = path.last() else {
            return true;
        };
        match check_node(node, &mut variables) {
            Ok(()) => true,
            Err(e) => {
                error = Some(e);
                false
            }
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok(variables),
    }
}

fn check_node(
    node: &ASTNode,
    variables: &mut Vec<(ImmutableString, Position)>,
) -> Result<(), FormulaError> {
    match node {
        ASTNode::Expr(expr) => match expr {
            Expr::DynamicConstant(value, pos) if !value.is_decimal() => Err(FormulaError::new(
                *pos,
                "only numbers and true/false are allowed as values",
            )),
            Expr::DynamicConstant(..)
            | Expr::IntegerConstant(..)
            | Expr::BoolConstant(..)
            | Expr::And(..)
            | Expr::Or(..)
            | Expr::Stmt(..) => Ok(()),
            Expr::Variable(var, _, pos) => {
                let name = &var.1;
                if !variables.iter().any(|(n, _)| n == name) {
                    variables.push((name.clone(), *pos));
                }
                Ok(())
            }
            Expr::FnCall(call, pos) => {
                check_call(&call.name, call.args.len(), call.capture_parent_scope, *pos)
            }
            other => Err(FormulaError::new(
                other.position(),
                "this kind of expression is not allowed in a formula",
            )),
        },
        ASTNode::Stmt(stmt) => match stmt {
            Stmt::If(flow, pos) => {
                if flow.body.is_empty() {
                    Err(FormulaError::new(
                        *pos,
                        "the «if» branch is empty: put an amount between «{ }»",
                    ))
                } else if flow.branch.is_empty() {
                    Err(FormulaError::new(
                        *pos,
                        "an «if» in a formula needs an «else»: `if condition { a } else { b }`",
                    ))
                } else if flow.body.len() > 1 || flow.branch.len() > 1 {
                    Err(FormulaError::new(
                        *pos,
                        "each branch of an «if» holds a single expression",
                    ))
                } else {
                    Ok(())
                }
            }
            Stmt::Expr(..) => Ok(()),
            Stmt::FnCall(call, pos) => {
                check_call(&call.name, call.args.len(), call.capture_parent_scope, *pos)
            }
            other => Err(FormulaError::new(
                other.position(),
                "this statement is not allowed in a formula: write a single expression",
            )),
        },
        // A node kind added by a future rhai: refuse it rather than guess.
        _ => Err(FormulaError::new(
            Position::new(1, 1),
            "this construct is not allowed in a formula",
        )),
    }
}

fn check_call(name: &str, args: usize, capture: bool, pos: Position) -> Result<(), FormulaError> {
    if capture {
        return Err(FormulaError::new(
            pos,
            format!("«{name}!» is not allowed: write «{name}(...)»"),
        ));
    }
    if OPERATORS.contains(&name) {
        return Ok(());
    }
    match FUNCTIONS.iter().find(|(f, ..)| *f == name) {
        None => Err(FormulaError::new(
            pos,
            format!("unknown function «{name}»: use {FUNCTION_LIST}"),
        )),
        Some((_, arity, usage)) if *arity != args => Err(FormulaError::new(
            pos,
            format!(
                "«{name}» takes {arity} argument{}, not {args}: write {usage}",
                if *arity == 1 { "" } else { "s" }
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// The line and column of a byte offset (at a char boundary) in `src`.
fn error_at_offset(src: &str, offset: usize, message: String) -> FormulaError {
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    FormulaError {
        line,
        column,
        message,
    }
}

fn parse_error(kind: ParseErrorType, pos: Position) -> FormulaError {
    let message = match kind {
        // Our own messages from `map_token`.
        ParseErrorType::BadInput(LexError::Runtime(message)) => message,
        ParseErrorType::BadInput(LexError::MalformedNumber(n)) => {
            format!("«{n}» is not a valid number (numbers have at most 28 significant digits)")
        }
        ParseErrorType::BadInput(LexError::UnterminatedString) => {
            "the text in quotes is not closed: add «\"»".to_owned()
        }
        ParseErrorType::BadInput(LexError::UnexpectedInput(s)) => {
            format!("unexpected «{s}»")
        }
        ParseErrorType::UnexpectedEOF => {
            "the formula ends too early: something is missing at the end \
             (a number, a name, «)» or «}»)"
                .to_owned()
        }
        ParseErrorType::ExprTooDeep => "formula nests too deeply (parentheses, calls or «if»s \
             inside one another, or a long run of operators); split it into several components"
            .to_owned(),
        ParseErrorType::MissingToken(token, what) => format!("missing «{token}» {what}"),
        ParseErrorType::MissingSymbol(symbol) => format!("missing «{symbol}»"),
        ParseErrorType::ExprExpected(what) => {
            format!("expected {what} here: a number, a name, «(» or a function call")
        }
        ParseErrorType::UnknownOperator(op) => format!("unknown operator «{op}»"),
        ParseErrorType::Reserved(word) => {
            format!("«{word}» is a reserved word and cannot be used in a formula")
        }
        other => other.to_string(),
    };
    FormulaError::new(pos, message)
}

fn eval_error(err: &EvalAltResult, max_operations: u64) -> FormulaError {
    let pos = err.position();
    let message = match err {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => {
            // Report the inner error, at the inner position if it has one.
            let mut e = eval_error(inner, max_operations);
            if inner.position().is_none() {
                let outer = FormulaError::new(pos, "");
                (e.line, e.column) = (outer.line, outer.column);
            }
            return e;
        }
        EvalAltResult::ErrorArithmetic(msg, _) => {
            if let Some(rest) = msg.strip_prefix("Division by zero: ") {
                format!("division by zero ({rest})")
            } else {
                format!("number out of range: {msg}")
            }
        }
        EvalAltResult::ErrorTooManyOperations(_) => {
            format!("formula runs too long: stopped after {max_operations} operations")
        }
        EvalAltResult::ErrorStackOverflow(_) => "formula nests too deeply".to_owned(),
        EvalAltResult::ErrorFunctionNotFound(signature, _) => {
            // rhai's signature looks like `+ (decimal, bool)`.
            let (name, types) = signature.split_once(' ').unwrap_or((signature, ""));
            format!("«{name}» cannot be applied to {}", readable_types(types))
        }
        EvalAltResult::ErrorMismatchDataType(expected, actual, _) => format!(
            "expected {} but found {}",
            type_name(expected),
            type_name(actual)
        ),
        EvalAltResult::ErrorVariableNotFound(name, _) => {
            format!("unknown name «{name}»: no value was supplied for it")
        }
        EvalAltResult::ErrorRuntime(value, _) => value.to_string(),
        other => other.to_string(),
    };
    FormulaError::new(pos, message)
}

/// rhai's type names as a plan author would say them.
fn type_name(rhai_name: &str) -> &str {
    match rhai_name {
        "decimal" | "rust_decimal::Decimal" => "a number",
        "bool" => "true/false",
        "()" => "nothing",
        other => other,
    }
}

/// `+ (decimal, bool)` → `+ (number, true/false)`.
fn readable_types(signature: &str) -> String {
    signature
        .replace("rust_decimal::Decimal", "number")
        .replace("decimal", "number")
        .replace("bool", "true/false")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_budget_stops_evaluation() {
        // No formula within the size and depth limits can reach the real
        // budget, so the mechanism is checked with a tiny one.
        let f = Formula::compile("a + b + c + d + e + f").unwrap();
        let values = f
            .references()
            .iter()
            .map(|n| (n.clone(), Decimal::ONE))
            .collect();
        let small = eval_engine(3);
        let err = f.eval_with(&small, 3, &values).unwrap_err();
        assert_eq!(
            err.message,
            "formula runs too long: stopped after 3 operations"
        );
        assert_eq!(err.line, 1);
        // The real engine evaluates the same formula.
        assert_eq!(f.eval(&values).unwrap(), Decimal::from(6));
    }

    #[test]
    fn integer_literals_become_decimals() {
        let mut state = MState::Normal;
        let token = map_token(&mut state, rhai::Token::IntegerConstant(7));
        assert!(matches!(token, rhai::Token::DecimalConstant(ref d) if d.0 == Decimal::from(7)));
    }
}
