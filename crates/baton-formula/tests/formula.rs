//! Behaviour of formulas as the plan engine sees it. Expected values are
//! worked out by hand in the comments.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use baton_formula::{Formula, FormulaError, MAX_SOURCE_CHARS};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, Decimal> {
    pairs.iter().map(|(k, v)| (k.to_string(), d(v))).collect()
}

/// Compiles and evaluates; panics with the error if either fails.
fn eval(src: &str, pairs: &[(&str, &str)]) -> Decimal {
    let f = Formula::compile(src).unwrap_or_else(|e| panic!("{src:?} does not compile: {e}"));
    f.eval(&values(pairs))
        .unwrap_or_else(|e| panic!("{src:?} fails: {e}"))
}

fn compile_err(src: &str) -> FormulaError {
    match Formula::compile(src) {
        Ok(_) => panic!("{src:?} compiled"),
        Err(e) => e,
    }
}

fn eval_err(src: &str, pairs: &[(&str, &str)]) -> FormulaError {
    let f = Formula::compile(src).unwrap_or_else(|e| panic!("{src:?} does not compile: {e}"));
    match f.eval(&values(pairs)) {
        Ok(v) => panic!("{src:?} gave {v}"),
        Err(e) => e,
    }
}

fn names(f: &Formula) -> Vec<&str> {
    f.references().iter().map(String::as_str).collect()
}

// ---------------------------------------------------------------- exactness

#[test]
fn decimal_literals_are_exact() {
    assert_eq!(eval("0.1 + 0.2", &[]), d("0.3"));
    // 100000 × 7/100 = 7000 exactly (the result keeps scale 2: 7000.00).
    assert_eq!(eval("100000 * 0.07", &[]), d("7000"));
    assert_eq!(eval("0.1 + 0.2 - 0.3", &[]), Decimal::ZERO);
    // A comparison that floats get wrong.
    assert_eq!(eval("if 0.1 + 0.2 == 0.3 { 1 } else { 0 }", &[]), d("1"));
}

#[test]
fn round_is_half_away_from_zero() {
    assert_eq!(eval("round(2.675, 2)", &[]), d("2.68"));
    assert_eq!(eval("round(-2.675, 2)", &[]), d("-2.68"));
    assert_eq!(eval("round(2.5, 0)", &[]), d("3"));
    assert_eq!(eval("round(-2.5, 0)", &[]), d("-3"));
    assert_eq!(eval("round(2.674, 2)", &[]), d("2.67"));
    // dp written as 2.0 is still two places.
    assert_eq!(eval("round(1.005, 2.0)", &[]), d("1.01"));
}

#[test]
fn integers_and_decimals_mix() {
    assert_eq!(eval("2 * 0.5", &[]), d("1"));
    assert_eq!(eval("0.5 * 2", &[]), d("1"));
    assert_eq!(eval("x * 3", &[("x", "1.5")]), d("4.5"));
    assert_eq!(eval("3 + x", &[("x", "0.25")]), d("3.25"));
    assert_eq!(eval("7 / 2", &[]), d("3.5")); // not integer division
    assert_eq!(eval("1 - 3", &[]), d("-2"));
    assert_eq!(eval("min(x, 3)", &[("x", "4.5")]), d("3"));
    assert_eq!(eval("max(1, 0.5)", &[]), d("1"));
    assert_eq!(eval("clamp(x, 0, 1)", &[("x", "1.2")]), d("1"));
    assert_eq!(
        eval("if x > 1 { 2 } else { 0.5 }", &[("x", "1.01")]),
        d("2")
    );
    assert_eq!(eval("1_000 * 0.5", &[]), d("500"));
    // Beyond i64 a literal is still a number.
    assert_eq!(
        eval("99999999999999999999 + 1", &[]),
        d("100000000000000000000")
    );
}

#[test]
fn division_keeps_28_places() {
    assert_eq!(eval("1 / 3", &[]), d("0.3333333333333333333333333333"));
    assert_eq!(eval("round(10 / 3, 2)", &[]), d("3.33"));
}

// ------------------------------------------------------ language features

#[test]
fn if_else_is_an_expression() {
    let src = "if attainment >= 1 { base * 0.1 } else { 0 }";
    assert_eq!(
        eval(src, &[("attainment", "1"), ("base", "5000")]),
        d("500")
    );
    assert_eq!(
        eval(src, &[("attainment", "0.99"), ("base", "5000")]),
        d("0")
    );
    let tiers = "if a >= 1.2 { 3 } else if a >= 1 { 2 } else { 1 }";
    assert_eq!(eval(tiers, &[("a", "1.3")]), d("3"));
    assert_eq!(eval(tiers, &[("a", "1.2")]), d("3"));
    assert_eq!(eval(tiers, &[("a", "1")]), d("2"));
    assert_eq!(eval(tiers, &[("a", "0")]), d("1"));
    assert_eq!(
        eval("10 + if a > 0 { 1 } else { 2 }", &[("a", "1")]),
        d("11")
    );
}

#[test]
fn logic_and_comparisons() {
    let src = "if a > 0 && !(b == 0) || a <= -5 { 1 } else { 0 }";
    assert_eq!(eval(src, &[("a", "1"), ("b", "2")]), d("1"));
    assert_eq!(eval(src, &[("a", "1"), ("b", "0")]), d("0"));
    assert_eq!(eval(src, &[("a", "-5"), ("b", "0")]), d("1"));
    assert_eq!(
        eval("if a != b { 1 } else { 0 }", &[("a", "1.0"), ("b", "1")]),
        d("0")
    );
    assert_eq!(eval("if true { 1 } else { 0 }", &[]), d("1"));
}

#[test]
fn functions() {
    assert_eq!(eval("min(a, b)", &[("a", "3"), ("b", "-2")]), d("-2"));
    assert_eq!(eval("max(a, b)", &[("a", "3"), ("b", "-2")]), d("3"));
    assert_eq!(eval("abs(a)", &[("a", "-2.5")]), d("2.5"));
    assert_eq!(eval("clamp(x, 0, 1.5)", &[("x", "-1")]), d("0"));
    assert_eq!(eval("clamp(x, 0, 1.5)", &[("x", "0.7")]), d("0.7"));
    assert_eq!(eval("clamp(x, 0, 1.5)", &[("x", "9")]), d("1.5"));
    assert_eq!(eval("-x + +y", &[("x", "2"), ("y", "5")]), d("3"));
    assert_eq!(eval("a - -b", &[("a", "2"), ("b", "5")]), d("7"));
    // Comments are allowed.
    assert_eq!(eval("a /* note */ + 1 // rest", &[("a", "2")]), d("3"));
}

#[test]
fn m_reads_metrics_whose_names_are_not_identifiers() {
    let src = r#"m("attainment(new_client_collections)") * 2 + m("rate{tier=2}")"#;
    let f = Formula::compile(src).unwrap();
    assert_eq!(
        names(&f),
        ["attainment(new_client_collections)", "rate{tier=2}"]
    );
    let v = values(&[
        ("attainment(new_client_collections)", "1.25"),
        ("rate{tier=2}", "0.5"),
    ]);
    // 1.25 × 2 + 0.5 = 3
    assert_eq!(f.eval(&v).unwrap(), d("3"));
    // Spaces around the call are fine; m of an identifier-like name is the same name.
    assert_eq!(eval(r#"m ( "x" ) + x"#, &[("x", "2")]), d("4"));
}

#[test]
fn references_list_every_name_once_sorted_including_dead_branches() {
    let f = Formula::compile(
        r#"if m("attainment(new_client_collections)") >= 1
           { new_client_collections * rate } else { min(base, rate) + base }"#,
    )
    .unwrap();
    assert_eq!(
        names(&f),
        [
            "attainment(new_client_collections)",
            "base",
            "new_client_collections",
            "rate"
        ]
    );
    assert!(Formula::compile("1 + 2").unwrap().references().is_empty());
    // Function names are not references, `true` is not a name.
    assert_eq!(
        names(&Formula::compile("if true { abs(x) } else { 0 }").unwrap()),
        ["x"]
    );
    // A name that is also a function name is just a name when not called.
    assert_eq!(names(&Formula::compile("min + m").unwrap()), ["m", "min"]);
}

#[test]
fn extra_values_are_ignored_and_source_is_kept() {
    let f = Formula::compile("a * 2").unwrap();
    assert_eq!(f.source(), "a * 2");
    assert_eq!(
        f.eval(&values(&[("a", "2"), ("zzz", "9")])).unwrap(),
        d("4")
    );
}

#[test]
fn formula_is_cheap_to_clone_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Formula>();

    let f = Formula::compile("a * 2").unwrap();
    let g = f.clone();
    assert_eq!(f, g);
    let handles: Vec<_> = (1..=4)
        .map(|i| {
            let g = g.clone();
            std::thread::spawn(move || g.eval(&values(&[("a", &i.to_string())])).unwrap())
        })
        .collect();
    let results: Vec<Decimal> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results, [d("2"), d("4"), d("6"), d("8")]);
}

// ------------------------------------------------------------ compile errors

#[test]
fn incomplete_expression_points_to_the_end() {
    let e = compile_err("a +");
    assert_eq!((e.line, e.column), (1, 4));
    assert!(e.message.contains("ends too early"), "{e}");
    assert_eq!(e.to_string(), format!("line 1, column 4: {}", e.message));
}

#[test]
fn errors_on_line_two_have_line_two_and_its_column() {
    // Syntax error: the second `*` is at line 2, column 10.
    let e = compile_err("base +\n  rate * * 2");
    assert_eq!((e.line, e.column), (2, 10), "{e}");
    // Unknown function: `bonus` starts at line 2, column 5.
    let e = compile_err("base\n  + bonus(2)");
    assert_eq!((e.line, e.column), (2, 5), "{e}");
    // Missing value at eval: `rate` is at line 2, column 3.
    let e = eval_err("base *\n  rate", &[("base", "1")]);
    assert_eq!((e.line, e.column), (2, 3), "{e}");
}

#[test]
fn unknown_function_names_the_function_and_the_alternatives() {
    let e = compile_err("foo(1)");
    assert_eq!(
        e.message,
        "unknown function «foo»: use min, max, abs, round, clamp, m"
    );
    assert_eq!((e.line, e.column), (1, 1));
    for src in ["print(1)", "eval(x)", "type_of(x)"] {
        let e = compile_err(src);
        assert!(e.message.starts_with("unknown function «"), "{src}: {e}");
    }
    let e = compile_err("min(1)");
    assert_eq!(e.message, "«min» takes 2 arguments, not 1: write min(a, b)");
    let e = compile_err("1 + clamp(x, 2)");
    assert_eq!(
        (e.column, e.message.as_str()),
        (
            5,
            "«clamp» takes 3 arguments, not 2: write clamp(x, lo, hi)"
        )
    );
}

#[test]
fn loops_are_refused_at_compile_time() {
    for src in [
        "loop { }",
        "while true {}",
        "do { x } while true",
        "for i in x { }",
        "1 + loop { break 1 }",
    ] {
        let e = compile_err(src);
        assert!(
            e.message.starts_with("loops are not allowed in a formula"),
            "{src}: {e}"
        );
    }
    assert_eq!(compile_err("while true {}").column, 1);
    assert_eq!(compile_err("1 + loop { break 1 }").column, 5);
}

#[test]
fn statements_and_definitions_are_refused() {
    let e = compile_err("let x = 1; x");
    assert!(e.message.contains("«let»"), "{e}");
    assert_eq!((e.line, e.column), (1, 1));
    assert!(compile_err("const x = 1").message.contains("«const»"));
    assert!(
        compile_err("fn f() { 1 }")
            .message
            .contains("function definitions")
    );
    assert!(compile_err("a; b").message.contains("single expression"));
    assert!(compile_err("a = 1").message.contains("use «==» to compare"));
    assert!(compile_err("a += 1").message.contains("assignments"));
    assert!(
        compile_err("if a > 1 { 2 }")
            .message
            .contains("needs an «else»")
    );
    assert!(compile_err("").message.contains("empty"));
    assert!(compile_err("  \n ").message.contains("empty"));
}

#[test]
fn other_rhai_features_are_refused_with_a_hint() {
    let cases = [
        (r#""text""#, "only allowed as the metric name in m"),
        ("'c'", "only allowed as the metric name in m"),
        ("x.y", "properties and methods"),
        ("x.abs()", "properties and methods"),
        ("[1, 2]", "lists"),
        ("x[0]", "lists"),
        ("#{a: 1}", "maps"),
        ("a % 2", "operator «%» is not supported"),
        ("a ** 2", "operator «**» is not supported"),
        ("a | b", "use «||»"),
        ("a & b", "use «&&»"),
        ("a ?? b", "«??» is not allowed"),
        ("this", "reserved word"),
        ("return 1", "«return» is not allowed"),
        ("switch a { 1 => 2 }", "«switch» is not allowed"),
        ("m(x)", "metric name in double quotes"),
        (r#"m("")"#, "needs a metric name"),
        (r#"m("a", "b")"#, "exactly one metric name"),
        ("min()", "empty parentheses"),
        ("|x| x", "«||»"),
    ];
    for (src, hint) in cases {
        let e = compile_err(src);
        assert!(e.message.contains(hint), "{src}: {e}");
    }
    // The position is the refused token, even when it follows a valid part.
    assert_eq!(compile_err("min(a, b) % 2").column, 11);
    assert_eq!(compile_err("a +\n  x[0]").column, 4);
}

// -------------------------------------------------------------- eval errors

#[test]
fn division_by_zero_is_an_error_at_the_operator() {
    let e = eval_err("base / x", &[("base", "10"), ("x", "0")]);
    assert_eq!((e.line, e.column), (1, 6));
    assert!(e.message.starts_with("division by zero"), "{e}");
    let e = eval_err("1 +\n (2 / 0)", &[]);
    assert_eq!((e.line, e.column), (2, 5));
}

#[test]
fn missing_value_names_the_identifier() {
    let e = eval_err("base * rate", &[("base", "1")]);
    assert_eq!(
        e.message,
        "unknown name «rate»: no value was supplied for it"
    );
    assert_eq!((e.line, e.column), (1, 8));
    // Also when the branch that reads it is not taken: the result must not
    // depend on which values happen to be present.
    let e = eval_err("if true { 1 } else { other }", &[]);
    assert!(e.message.contains("«other»"), "{e}");
    let e = eval_err(r#"m("attainment(x)")"#, &[]);
    assert!(e.message.contains("«attainment(x)»"), "{e}");
}

#[test]
fn boolean_result_is_refused() {
    for src in ["a > 1", "true", "!(a == 1)", "a > 1 && a < 3"] {
        let e = eval_err(src, &[("a", "2")]);
        assert!(
            e.message.contains("gives true/false, not a number"),
            "{src}: {e}"
        );
        assert!(e.message.contains("if condition"), "{src}: {e}");
    }
}

#[test]
fn type_errors_are_readable() {
    let e = eval_err("1 + (a > 0)", &[("a", "1")]);
    assert_eq!(e.message, "«+» cannot be applied to (number, true/false)");
    assert_eq!(e.column, 3);
    let e = eval_err("if a { 1 } else { 2 }", &[("a", "1")]);
    assert_eq!(e.message, "expected true/false but found a number");
    let e = eval_err("a && true", &[("a", "1")]);
    assert!(e.message.contains("expected true/false"), "{e}");
}

#[test]
fn function_argument_errors() {
    let e = eval_err("clamp(x, 2, 1)", &[("x", "0")]);
    assert!(e.message.contains("lo (2) is greater than hi (1)"), "{e}");
    assert_eq!((e.line, e.column), (1, 1));
    for dp in ["-1", "29", "0.5"] {
        let e = eval_err(&format!("round(x, {dp})"), &[("x", "1")]);
        assert!(
            e.message.contains("dp must be a whole number from 0 to 28"),
            "{dp}: {e}"
        );
    }
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let e = eval_err("x * x", &[("x", "79228162514264337593543950335")]);
    assert!(e.message.contains("out of range"), "{e}");
    let e = eval_err("79228162514264337593543950335 + 1", &[]);
    assert!(e.message.contains("out of range"), "{e}");
}

// ----------------------------------------------------- hostile formulas

#[test]
fn ten_thousand_nested_parentheses_are_refused_not_crashing() {
    let src = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = compile_err(&src);
    assert!(e.message.contains("too long"), "{e}");
}

#[test]
fn deep_nesting_within_the_size_limit_is_refused_not_crashing() {
    // 1 000 parentheses fit in 4 000 characters: the depth limit stops them.
    let src = format!("{}x{}", "(".repeat(1_000), ")".repeat(1_000));
    let e = compile_err(&src);
    assert!(e.message.contains("nests too deeply"), "{e}");
    let src = format!("{}x{}", "abs(".repeat(700), ")".repeat(700));
    assert!(compile_err(&src).message.contains("nests too deeply"));
    let src = format!("x{}", "*x".repeat(1_500));
    assert!(compile_err(&src).message.contains("nests too deeply"));
    let src = format!("if {}(x > 0) {{ 1 }} else {{ 0 }}", "!".repeat(1_000));
    assert!(compile_err(&src).message.contains("nests too deeply"));
}

#[test]
fn the_deepest_accepted_formulas_evaluate_on_a_normal_thread_stack() {
    // Just under the depth limit for each shape; the test thread has the
    // default 2 MiB stack.
    let v = [("x", "1")];
    let parens = format!("{}x{}", "(".repeat(31), ")".repeat(31));
    assert_eq!(eval(&parens, &v), d("1"));
    let calls = format!("{}x{}", "abs(".repeat(31), ")".repeat(31));
    assert_eq!(eval(&calls, &v), d("1"));
    let chain = format!("x{}", " + x".repeat(63));
    assert_eq!(eval(&chain, &v), d("64"));
    let ifs = format!(
        "{}x{}",
        "if x > 0 { x } else { ".repeat(13),
        " }".repeat(13)
    );
    assert_eq!(eval(&ifs, &v), d("1"));
    // One step deeper is refused.
    assert!(
        compile_err(&format!("{}x{}", "(".repeat(32), ")".repeat(32)))
            .message
            .contains("nests too deeply")
    );
    assert!(
        compile_err(&format!("x{}", " + x".repeat(64)))
            .message
            .contains("nests too deeply")
    );
}

#[test]
fn long_formulas_are_refused_beyond_the_size_limit() {
    let ok = "x".repeat(MAX_SOURCE_CHARS);
    assert!(Formula::compile(&ok).is_ok());
    let e = compile_err(&"x".repeat(MAX_SOURCE_CHARS + 1));
    assert!(
        e.message
            .starts_with("formula is too long: at most 4000 characters"),
        "{e}"
    );
    assert_eq!((e.line, e.column), (1, 4001));
    // Characters, not bytes: 4000 «é» in a comment are 8000 bytes but fit.
    let wide = format!("1 //{}", "é".repeat(MAX_SOURCE_CHARS - 4));
    assert!(Formula::compile(&wide).is_ok());
}

#[test]
fn the_largest_formulas_stay_within_the_operation_budget() {
    // Size and depth limits bound the work of any formula, so the operation
    // budget (a second line of defence) is never reached by a valid one.
    // Refusing to run too long is checked in the crate's unit tests with a
    // tiny budget, since no formula within the limits can exhaust the real one.

    // A balanced tree of min() calls, 9 levels deep: 512 reads, 3 583 chars.
    fn tree(depth: u32) -> String {
        if depth == 0 {
            "x".into()
        } else {
            format!("min({},{})", tree(depth - 1), tree(depth - 1))
        }
    }
    let src = tree(9);
    assert!(src.len() <= MAX_SOURCE_CHARS, "{}", src.len());
    assert_eq!(eval(&src, &[("x", "3")]), d("3"));

    // As dense as it gets: 32 groups of `(x+x+…)` with 50 reads each,
    // added up in a balanced tree: 1 600 reads, 3 325 chars, ~3 200 operations.
    fn dense(depth: u32) -> String {
        if depth == 0 {
            format!("(x{})", "+x".repeat(49))
        } else {
            format!("({}+{})", dense(depth - 1), dense(depth - 1))
        }
    }
    let src = dense(5);
    assert!(src.len() <= MAX_SOURCE_CHARS, "{}", src.len());
    assert_eq!(eval(&src, &[("x", "0.5")]), d("800"));
}

// ------------------------------------------------------------- properties

proptest! {
    #[test]
    fn compile_and_eval_never_panic(src in "[ -~\n]{0,120}") {
        if let Ok(f) = Formula::compile(&src) {
            let v: BTreeMap<String, Decimal> =
                f.references().iter().map(|n| (n.clone(), Decimal::ONE)).collect();
            let _ = f.eval(&v);
            let _ = f.eval(&BTreeMap::new());
        }
    }

    #[test]
    fn compile_never_panics_on_formula_like_input(
        src in proptest::collection::vec(
            prop_oneof![
                Just("a"), Just("b"), Just("1"), Just("0"), Just("0.5"), Just("("), Just(")"),
                Just("+"), Just("-"), Just("*"), Just("/"), Just("<"), Just("=="), Just("&&"),
                Just("!"), Just("if"), Just("else"), Just("{"), Just("}"), Just(","),
                Just("min"), Just("round"), Just("m"), Just("\"x\""), Just(" "), Just("\n"),
            ],
            0..60,
        ).prop_map(|parts| parts.concat())
    ) {
        if let Ok(f) = Formula::compile(&src) {
            let v = values(&[("a", "2"), ("b", "0"), ("x", "3")]);
            let _ = f.eval(&v);
        }
    }

    #[test]
    fn a_plus_b_is_the_decimal_sum(
        a in (any::<i64>(), 0u32..=10).prop_map(|(m, s)| Decimal::new(m, s)),
        b in (any::<i64>(), 0u32..=10).prop_map(|(m, s)| Decimal::new(m, s)),
    ) {
        let f = Formula::compile("a + b").unwrap();
        let v = BTreeMap::from([("a".to_string(), a), ("b".to_string(), b)]);
        prop_assert_eq!(f.eval(&v).unwrap(), a + b);
    }

    #[test]
    fn literals_are_read_exactly(m in any::<i64>(), s in 0u32..=10) {
        let x = Decimal::new(m, s);
        let f = Formula::compile(&format!("{x} * 1")).unwrap();
        prop_assert_eq!(f.eval(&BTreeMap::new()).unwrap(), x);
    }

    #[test]
    fn errors_point_inside_the_source(src in "[ -~\n]{1,80}") {
        if let Err(e) = Formula::compile(&src) {
            let lines: Vec<&str> = src.split('\n').collect();
            prop_assert!(e.line >= 1 && e.line <= lines.len(), "{:?}: {}", src, e);
            prop_assert!(e.column >= 1 && e.column <= lines[e.line - 1].chars().count() + 1, "{:?}: {}", src, e);
        }
    }
}

#[test]
fn references_is_a_sorted_set() {
    let f = Formula::compile("z + a + m(\"b(x)\") + a").unwrap();
    let expected: BTreeSet<String> = ["a", "b(x)", "z"].iter().map(|s| s.to_string()).collect();
    assert_eq!(f.references(), &expected);
}
