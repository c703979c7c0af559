use super::*;

#[test]
fn the_catalog_parses_and_both_languages_hold_the_same_ids() {
    assert!(problems().is_empty(), "{:#?}", problems());
    let mut ru = ids(Lang::Ru);
    let mut en = ids(Lang::En);
    ru.sort();
    en.sort();
    let dup = |v: &Vec<String>| {
        v.windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0].clone())
            .collect::<Vec<_>>()
    };
    assert!(dup(&ru).is_empty(), "repeated in ru: {:?}", dup(&ru));
    assert!(dup(&en).is_empty(), "repeated in en: {:?}", dup(&en));
    let only_ru: Vec<_> = ru.iter().filter(|i| !en.contains(i)).collect();
    let only_en: Vec<_> = en.iter().filter(|i| !ru.contains(i)).collect();
    assert!(only_ru.is_empty(), "missing in en: {only_ru:?}");
    assert!(only_en.is_empty(), "missing in ru: {only_en:?}");
}

#[test]
fn russian_plurals_follow_the_number() {
    let t = |n| render(Lang::Ru, &Text::new("count-people").num("n", n));
    assert_eq!(t(1), "1 человек");
    assert_eq!(t(2), "2 человека");
    assert_eq!(t(5), "5 человек");
    assert_eq!(t(21), "21 человек");
    assert_eq!(t(22), "22 человека");
    assert_eq!(t(11), "11 человек");
    assert_eq!(
        render(Lang::En, &Text::new("count-people").num("n", 1)),
        "1 person"
    );
    assert_eq!(
        render(Lang::En, &Text::new("count-people").num("n", 3)),
        "3 people"
    );
}

#[test]
fn terms_nested_texts_and_unknown_codes() {
    assert_eq!(
        term(Lang::Ru, "outcome", "dm_interested"),
        "ЛПР заинтересован"
    );
    assert_eq!(term(Lang::En, "outcome", "dm_interested"), "DM interested");
    // A list value the catalog does not know is shown as it is.
    assert_eq!(term(Lang::Ru, "source", "выставка-2026"), "выставка-2026");
    let inner = Text::new("pay-capped")
        .arg("formula", "100 000 ₽ × 0,1")
        .arg("value", "10 000,00 ₽")
        .arg("cap", "5 000,00 ₽");
    assert_eq!(
        render(Lang::Ru, &inner),
        "100 000 ₽ × 0,1 = 10 000,00 ₽, но не больше 5 000,00 ₽"
    );
    // An unknown id is shown as the id, never as nothing.
    assert_eq!(
        render(Lang::Ru, &Text::new("no-such-message")),
        "no-such-message"
    );
}

#[test]
fn accept_language_picks_the_best_language_baton_speaks() {
    assert_eq!(Lang::from_accept_language(""), Lang::Ru);
    assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
    assert_eq!(
        Lang::from_accept_language("de-DE, en;q=0.5, ru;q=0.8"),
        Lang::Ru
    );
    assert_eq!(Lang::from_accept_language("fr, de"), Lang::Ru);
    assert_eq!(Lang::from_accept_language("en;q=0, ru;q=0.1"), Lang::Ru);
    assert_eq!(Lang::from_accept_language("ru;q=0.3, en;q=0.3"), Lang::Ru);
    assert_eq!(Lang::from_accept_language("*;q=0.5, en"), Lang::En);
}

#[test]
fn a_text_survives_json() {
    let t = Text::new("pay-capped")
        .arg("value", "1")
        .num("n", 2)
        .term("m", "metric", "calls")
        .text("inner", Text::new("x"));
    let json = serde_json::to_string(&t).unwrap_or_default();
    let back: Text = serde_json::from_str(&json).unwrap_or_else(|_| Text::new("broken"));
    assert_eq!(back, t);
}
