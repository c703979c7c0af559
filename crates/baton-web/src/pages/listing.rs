//! The one list component: every list on every page filters by text, sorts by any column,
//! paginates and exports CSV the same way, from the query string
//! (`q`, `sort`, `desc`, `page`, `format=csv`), so links and the back button keep the view.
//!
//! Lists are built in memory from the use case's rows: a page shows at most a few thousand
//! records, and one component keeps every list behaving alike.

use super::shell::{Lang, count, date_str, money};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use baton_domain::Money;
use maud::{Markup, html};
use serde::Deserialize;
use std::cmp::Ordering;

pub const PER_PAGE: usize = 50;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub desc: Option<String>,
    pub page: Option<usize>,
    pub format: Option<String>,
}

impl ListQuery {
    pub fn wants_csv(&self) -> bool {
        self.format.as_deref() == Some("csv")
    }
}

/// One cell: what is shown, what is exported and how it sorts.
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    /// Shown as a link; exported and sorted as its text.
    Link(String, String),
    Money(Money),
    Count(i64),
    /// An ISO date or timestamp, shown in Russian format, sorted as stored.
    Date(String),
    /// Markup built by the page (buttons, badges); exported and sorted as the text.
    Html(Markup, String),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) | Cell::Link(_, t) | Cell::Html(_, t) => t.clone(),
            Cell::Money(m) => money(*m),
            Cell::Count(n) => count(*n),
            Cell::Date(d) => date_str(d),
        }
    }
    /// CSV for Russian Excel: amounts as `1234,56`, dates as shown; text never a formula.
    fn csv(&self) -> String {
        match self {
            Cell::Money(m) => m.to_plain().replace('.', ","),
            Cell::Count(n) => n.to_string(),
            other => baton_app::export::cell(&other.text()).into_owned(),
        }
    }
    fn cmp(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Money(a), Cell::Money(b)) => a.cmp(b),
            (Cell::Count(a), Cell::Count(b)) => a.cmp(b),
            (Cell::Date(a), Cell::Date(b)) => a.cmp(b),
            (a, b) => a.text().to_lowercase().cmp(&b.text().to_lowercase()),
        }
    }
    fn numeric(&self) -> bool {
        matches!(self, Cell::Money(_) | Cell::Count(_))
    }
    fn render(&self) -> Markup {
        match self {
            Cell::Link(href, t) => html! { a href=(href) { (t) } },
            Cell::Html(m, _) => m.clone(),
            other => html! { (other.text()) },
        }
    }
}

pub struct Column {
    pub key: &'static str,
    pub title: String,
}

pub fn col(key: &'static str, title: &str) -> Column {
    Column {
        key,
        title: title.to_string(),
    }
}

pub struct Listing {
    /// Used for the CSV file name and the table's id.
    pub name: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Extra filters of the page (select boxes), rendered inside the filter form.
    pub filters: Option<Markup>,
    /// Sort applied when the query names none: (column key, descending).
    pub default_sort: Option<(&'static str, bool)>,
}

/// The list after the query: filtered, sorted, and either a page of HTML or the whole CSV.
/// `path` may carry the page's own filters as a query (`/leads/mine?stage=won`): the sort,
/// page and CSV links keep them.
pub fn show(lang: Lang, path: &str, q: &ListQuery, mut l: Listing) -> Result<Markup, Response> {
    let (path, kept) = match path.split_once('?') {
        Some((p, query)) => (
            p,
            serde_urlencoded::from_str::<Vec<(String, String)>>(query)
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| {
                    !["q", "sort", "desc", "page", "format", "ok"].contains(&k.as_str())
                })
                .collect::<Vec<_>>(),
        ),
        None => (path, Vec::new()),
    };
    if let Some(needle) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let needle = needle.to_lowercase();
        l.rows
            .retain(|r| r.iter().any(|c| c.text().to_lowercase().contains(&needle)));
    }
    let (sort_key, desc) = match q.sort.as_deref() {
        Some(k) => (Some(k.to_string()), q.desc.as_deref() == Some("1")),
        None => (
            l.default_sort.map(|(k, _)| k.to_string()),
            l.default_sort.is_some_and(|(_, d)| d),
        ),
    };
    if let Some(i) = sort_key
        .as_deref()
        .and_then(|k| l.columns.iter().position(|c| c.key == k))
    {
        // A stable sort: equal keys keep the use case's order.
        l.rows.sort_by(|a, b| {
            let o = a[i].cmp(&b[i]);
            if desc { o.reverse() } else { o }
        });
    }
    if q.wants_csv() {
        return Err(csv(&l));
    }
    let total = l.rows.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let shown = &l.rows[(page - 1) * PER_PAGE..(page * PER_PAGE).min(total)];
    let link = |sort: Option<&str>, desc: bool, page: usize, format: Option<&str>| {
        let mut kv: Vec<(&str, String)> =
            kept.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        if let Some(s) = q.q.as_deref().filter(|s| !s.is_empty()) {
            kv.push(("q", s.to_string()));
        }
        if let Some(s) = sort {
            kv.push(("sort", s.to_string()));
            if desc {
                kv.push(("desc", "1".into()));
            }
        }
        if page > 1 {
            kv.push(("page", page.to_string()));
        }
        if let Some(f) = format {
            kv.push(("format", f.into()));
        }
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&kv).unwrap_or_default()
        )
    };
    let cur = sort_key.as_deref();
    Ok(html! {
        div.listing id=(l.name) {
            form.filters method="get" action=(path) {
                label { span.sr { (lang.tr("page-search")) }
                    input type="search" name="q" value=(q.q.clone().unwrap_or_default())
                        placeholder=(lang.tr("page-search-the-list")); }
                @if let Some(f) = &l.filters { (f) }
                @if let Some(s) = cur { input type="hidden" name="sort" value=(s); }
                button type="submit" { (lang.tr("page-filter")) }
                a.csv href=(link(cur, desc, 1, Some("csv"))) download { (lang.tr("page-download-csv")) }
            }
            p.meta { (lang.tr("page-records-2")) ": " (count(total as i64)) }
            div.scroll {
                table {
                    thead { tr {
                        @for c in &l.columns {
                            @let active = cur == Some(c.key);
                            @let next_desc = active && !desc;
                            th scope="col" aria-sort=(if active { if desc { "descending" } else { "ascending" } } else { "none" }) {
                                a href=(link(Some(c.key), next_desc, 1, None)) {
                                    (c.title)
                                    @if active { (if desc { " ▼" } else { " ▲" }) }
                                }
                            }
                        }
                    } }
                    tbody {
                        @for r in shown {
                            tr {
                                @for c in r {
                                    @if c.numeric() { td.num { (c.render()) } } @else { td { (c.render()) } }
                                }
                            }
                        }
                        @if shown.is_empty() {
                            tr { td.empty colspan=(l.columns.len()) { (lang.tr("page-nothing-found")) } }
                        }
                    }
                }
            }
            @if pages > 1 {
                nav.pages aria-label=(lang.tr("page-pages")) {
                    @if page > 1 { a rel="prev" href=(link(cur, desc, page - 1, None)) { "← " (lang.tr("page-previous")) } }
                    span { (page) " / " (pages) }
                    @if page < pages { a rel="next" href=(link(cur, desc, page + 1, None)) { (lang.tr("page-next")) " →" } }
                }
            }
        }
    })
}

/// UTF-8 with a byte-order mark and `;` between fields: what Russian Excel opens as columns.
fn csv(l: &Listing) -> Response {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let _ = w.write_record(l.columns.iter().map(|c| c.title.as_str()));
    for r in &l.rows {
        let _ = w.write_record(r.iter().map(Cell::csv));
    }
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(w.into_inner().unwrap_or_default());
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", l.name),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing() -> Listing {
        Listing {
            name: "t",
            columns: vec![col("name", "Имя"), col("sum", "Сумма")],
            rows: vec![
                vec![
                    Cell::Text("Борис".into()),
                    Cell::Money(Money::from_rubles(150)),
                ],
                vec![
                    Cell::Text("Анна".into()),
                    Cell::Money(Money::from_kopecks(123_456_789)),
                ],
                vec![
                    Cell::Text("Вера".into()),
                    Cell::Money(Money::from_rubles(-5)),
                ],
            ],
            filters: None,
            default_sort: None,
        }
    }

    #[test]
    fn sorts_filters_and_exports() {
        let q = ListQuery {
            sort: Some("sum".into()),
            desc: Some("1".into()),
            ..Default::default()
        };
        let html = show(Lang::Ru, "/x", &q, listing())
            .expect("html")
            .into_string();
        let a = html.find("Анна").expect("Анна");
        let b = html.find("Борис").expect("Борис");
        let v = html.find("Вера").expect("Вера");
        assert!(a < b && b < v, "{html}");
        assert!(html.contains("1\u{a0}234\u{a0}567,89\u{a0}₽"));

        let q = ListQuery {
            q: Some("ВЕР".into()),
            format: Some("csv".into()),
            ..Default::default()
        };
        let resp = show(Lang::Ru, "/x", &q, listing()).expect_err("csv");
        let body = futures_body(resp);
        assert_eq!(body, "\u{feff}Имя;Сумма\nВера;-5,00\n");
    }

    #[test]
    fn sort_and_csv_links_keep_the_page_filters() {
        let html = show(
            Lang::Ru,
            "/leads/mine?stage=won&page=2&ok=done",
            &ListQuery::default(),
            listing(),
        )
        .expect("html")
        .into_string();
        assert!(
            html.contains("href=\"/leads/mine?stage=won&amp;sort=name\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"/leads/mine?stage=won&amp;format=csv\""),
            "{html}"
        );
        assert!(html.contains("action=\"/leads/mine\""), "{html}");
        assert!(!html.contains("ok=done"), "{html}");
    }

    fn futures_body(r: Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("rt");
        rt.block_on(async {
            let b = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .expect("body");
            String::from_utf8(b.to_vec()).expect("utf8")
        })
    }
}
